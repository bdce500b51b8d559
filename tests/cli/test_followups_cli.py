"""Follow-ups, `today`, meetings and gifts through the command line on a temp database."""

from __future__ import annotations

import pytest


@pytest.fixture
def jane(cli) -> int:
    return cli("contact", "add", "Jane Doe", "--company", "Acme").id


@pytest.fixture
def omar(cli) -> int:
    return cli("contact", "add", "Omar Ali").id


def today(cli, day: str, tz: str = "America/New_York") -> list[dict]:
    result = cli("today", "--date", day, "--tz", tz, "--format", "json")
    assert result.code == 0, result.err
    return result.json()


def test_today_lists_overdue_first_then_the_day_by_time(cli, jane, omar):
    late = cli("followup", "add", str(jane), "--due", "2026-11-20 10:00", "--note", "send deck").id
    afternoon = cli("followup", "add", str(omar), "--due", "2026-11-23 15:30").id
    morning = cli("followup", "add", str(jane), "--due", "2026-11-23 09:00", "--note", "call").id
    cli("followup", "add", str(omar), "--due", "2026-11-24 09:00")  # tomorrow: not listed
    rows = today(cli, "2026-11-23")
    assert [r["followup_id"] for r in rows] == [late, morning, afternoon]
    assert [r["overdue"] for r in rows] == [True, False, False]
    first = rows[0]
    assert first["contact_id"] == jane and first["contact_name"] == "Jane Doe"
    assert first["note"] == "send deck"
    assert first["due"] == "2026-11-20T10:00:00-05:00"


def test_due_is_shown_in_the_requested_zone(cli, jane):
    cli("followup", "add", str(jane), "--due", "2026-11-24 09:00", "--tz", "Asia/Tokyo")
    # 09:00 in Tokyo on the 24th is 19:00 on the 23rd in New York.
    (row,) = today(cli, "2026-11-23", "America/New_York")
    assert row["due"] == "2026-11-23T19:00:00-05:00"
    (row,) = today(cli, "2026-11-24", "Asia/Tokyo")
    assert row["due"] == "2026-11-24T09:00:00+09:00"


def test_weekly_0900_stays_0900_across_the_dst_change(cli, jane):
    # Dates in the future: completing also skips occurrences that are already past.
    fid = cli(
        "followup",
        "add",
        str(jane),
        "--due",
        "2027-10-25 09:00",
        "--tz",
        "America/New_York",
        "--every",
        "FREQ=WEEKLY",
    ).id
    dues = []
    for day in ("2027-10-25", "2027-11-01", "2027-11-08"):
        (row,) = today(cli, day)
        dues.append(row["due"])
        assert cli("followup", "done", str(fid)).code == 0
    assert dues == [
        "2027-10-25T09:00:00-04:00",
        "2027-11-01T09:00:00-04:00",
        "2027-11-08T09:00:00-05:00",
    ]


def test_plain_word_cadences(cli, jane):
    fid = cli("followup", "add", str(jane), "--due", "2027-01-31 09:00", "--every", "1 month").id
    cli("followup", "done", str(fid))
    (row,) = cli("followup", "list", "--format", "json").json()
    assert row["due"].startswith("2027-02-28T09:00")


def test_done_removes_a_one_off_and_keeps_it_in_history(cli, jane):
    fid = cli("followup", "add", str(jane), "--due", "2026-11-23 09:00").id
    assert cli("followup", "done", str(fid)).code == 0
    assert today(cli, "2026-11-23") == []
    (row,) = cli("followup", "list", "--status", "done", "--format", "json").json()
    assert row["id"] == fid and row["completed_at"] is not None
    again = cli("followup", "done", str(fid))
    assert again.code == 1 and "already done" in again.err


def test_snooze_moves_it_to_a_later_day(cli, jane):
    fid = cli("followup", "add", str(jane), "--due", "2030-03-04 09:00").id
    assert cli("followup", "snooze", str(fid), "--until", "2030-03-06 14:00").code == 0
    assert today(cli, "2030-03-04") == []
    (row,) = today(cli, "2030-03-06")
    assert row["due"] == "2030-03-06T14:00:00-05:00" and row["snoozed"] is True
    assert row["overdue"] is False


def test_snooze_into_the_past_is_refused(cli, jane):
    fid = cli("followup", "add", str(jane), "--due", "2030-03-04 09:00").id
    result = cli("followup", "snooze", str(fid), "--until", "2001-01-01 09:00")
    assert result.code == 1 and "in the past" in result.err


def test_cancel(cli, jane):
    fid = cli("followup", "add", str(jane), "--due", "2026-11-23 09:00").id
    assert cli("followup", "cancel", str(fid)).code == 0
    assert today(cli, "2026-11-23") == []
    assert cli("followup", "done", str(fid)).code == 1


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--due", "tomorrow"], "is not a date and time"),
        (["--due", "2026-11-23 09:00", "--tz", "Mars/Olympus"], "unknown time zone"),
        (["--due", "2026-11-23 09:00", "--every", "every blue moon"], "cannot understand"),
        (["--due", "2026-11-23 09:00", "--every", "FREQ=HOURLY"], ""),
        (["--due", "2026-11-23 09:00", "--meeting", "77"], "no meeting with id 77"),
    ],
)
def test_followup_add_rejects_bad_input(cli, jane, extra, message):
    result = cli("followup", "add", str(jane), *extra)
    assert result.code == 1 and message in result.err
    assert cli("followup", "list", "--format", "json").json() == []


def test_followup_for_missing_contact(cli):
    result = cli("followup", "add", "42", "--due", "2026-11-23 09:00")
    assert result.code == 1 and "no contact with id 42" in result.err


def test_today_text_output(cli, jane):
    cli("followup", "add", str(jane), "--due", "2026-11-23 09:00", "--note", "send proposal")
    out = cli("today", "--date", "2026-11-23", "--tz", "America/New_York").out
    assert "09:00" in out and "Jane Doe" in out and "send proposal" in out
    empty = cli("today", "--date", "2026-11-01", "--tz", "America/New_York").out
    assert "All caught up" in empty


def test_today_without_date_uses_the_configured_zone(cli, jane):
    assert cli("config", "set", "timezone", "Asia/Kolkata").code == 0
    assert cli("today", "--format", "json").code == 0
    assert "Asia/Kolkata" in cli("config", "show").out


def test_meeting_log_with_attendees_and_research(cli, jane, omar):
    mid = cli(
        "meeting",
        "log",
        "--title",
        "Kick-off",
        "--at",
        "2026-11-20 14:00",
        "--tz",
        "Europe/Paris",
        "--with",
        str(jane),
        "--with",
        str(omar),
        "--kind",
        "lunch",
        "--duration",
        "90",
        "--location",
        "Chez Nous",
        "--notes",
        "Budget approved",
        "--research",
        "Read their Q3 report",
    ).id
    (m,) = cli("meeting", "list", "--format", "json").json()
    assert m["id"] == mid and m["kind"] == "lunch" and m["duration_minutes"] == 90
    assert m["start"] == "2026-11-20T14:00:00+01:00"
    assert [a["name"] for a in m["attendees"]] == ["Jane Doe", "Omar Ali"]
    assert cli("meeting", "list", "--contact", str(omar), "--format", "json").json()[0]["id"] == mid
    shown = cli("contact", "show", str(jane)).out
    assert "Kick-off" in shown


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--kind", "party"], "unknown meeting kind"),
        (["--duration", "-5"], "negative"),
        (["--at", "2026-13-01 10:00"], "is not a date and time"),
    ],
)
def test_meeting_log_rejects_bad_input(cli, jane, extra, message):
    argv = ["meeting", "log", "--title", "T", "--at", "2026-11-20 14:00", "--with", str(jane)]
    # later options override earlier ones
    result = cli(*argv, *extra)
    assert result.code == 1 and message in result.err
    assert cli("meeting", "list", "--format", "json").json() == []


def test_meeting_with_a_missing_attendee_writes_nothing(cli, jane):
    result = cli(
        "meeting",
        "log",
        "--title",
        "T",
        "--at",
        "2026-11-20 14:00",
        "--with",
        str(jane),
        "--with",
        "999",
        "--research",
        "x",
    )
    assert result.code == 1 and "no contact with id 999" in result.err
    assert cli("meeting", "list", "--format", "json").json() == []


def test_followup_from_a_meeting(cli, jane):
    mid = cli(
        "meeting", "log", "--title", "Demo", "--at", "2026-11-20 14:00", "--with", str(jane)
    ).id
    cli("followup", "add", str(jane), "--due", "2026-11-23 09:00", "--meeting", str(mid))
    (row,) = today(cli, "2026-11-23")
    assert row["meeting_id"] == mid


def test_gifts(cli, jane, omar):
    g1 = cli(
        "gift",
        "add",
        str(jane),
        "--item",
        "Wine",
        "--cost",
        "45.5",
        "--currency",
        "eur",
        "--date",
        "2026-06-01",
        "--occasion",
        "Signed the deal",
    ).id
    cli(
        "gift", "add", str(omar), "--item", "Lunch at Nobu", "--cost", "120", "--date", "2026-07-01"
    )
    rows = cli("gift", "list", "--format", "json").json()
    assert [r["item"] for r in rows] == ["Lunch at Nobu", "Wine"]
    (wine,) = cli("gift", "list", str(jane), "--format", "json").json()
    assert wine == {
        "id": g1,
        "contact_id": jane,
        "contact_name": "Jane Doe",
        "item": "Wine",
        "cost": "45.50",
        "currency": "EUR",
        "date": "2026-06-01",
        "occasion": "Signed the deal",
        "meeting_id": None,
    }
    assert rows[0]["currency"] == "USD"


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--cost", "ten"], "is not an amount"),
        (["--cost", "-3"], "positive"),
        (["--currency", "EURO"], "three-letter"),
        (["--date", "2026-02-30"], "is not a date"),
    ],
)
def test_gift_rejects_bad_input(cli, jane, extra, message):
    result = cli("gift", "add", str(jane), "--item", "Pen", *extra)
    assert result.code == 1 and message in result.err
    assert cli("gift", "list", "--format", "json").json() == []


# --- issue 13: wall times skipped or repeated by a clock change ------------------------------


def test_add_in_a_gap_says_which_instant_was_saved(cli, jane):
    result = cli("followup", "add", str(jane), "--due", "2026-03-08 02:30")
    assert result.code == 0 and result.out.strip().isdigit()
    assert result.err == (
        "relationship-crm: note: 02:30 does not exist on 2026-03-08 in America/New_York "
        "(clocks go forward); saved as 03:30 EDT (UTC-4)\n"
    )
    row = cli("followup", "list", "--format", "json").json()[0]
    assert row["due"] == "2026-03-08T03:30:00-04:00"


def test_add_in_a_fold_says_the_first_was_saved(cli, jane):
    result = cli("followup", "add", str(jane), "--due", "2026-11-01 01:30")
    assert result.code == 0 and result.out.strip().isdigit()
    assert "01:30 happens twice on 2026-11-01 in America/New_York (clocks go back); " in result.err
    assert "saved as the first, 01:30 EDT (UTC-4)" in result.err


def test_ordinary_times_say_nothing(cli, jane):
    result = cli("followup", "add", str(jane), "--due", "2026-03-08 03:30")
    assert result.code == 0 and result.err == ""


def test_snooze_uses_the_follow_ups_own_zone_and_names_the_gap(cli, jane):
    fid = cli("followup", "add", str(jane), "--due", "2027-03-01 09:00", "--tz", "Europe/Paris").id
    # 02:30 on 2027-03-14 exists in Paris; the New York default zone is not used for a snooze.
    quiet = cli("followup", "snooze", str(fid), "--until", "2027-03-14 02:30")
    assert quiet.code == 0 and quiet.err == ""
    loud = cli("followup", "snooze", str(fid), "--until", "2027-03-28 02:30")
    assert loud.code == 0 and loud.out == ""
    assert "02:30 does not exist on 2027-03-28 in Europe/Paris (clocks go forward)" in loud.err
    assert "saved as 03:30 CEST (UTC+2)" in loud.err
    ny = cli("followup", "snooze", str(fid), "--until", "2027-03-14 02:30", "--tz", NY)
    assert "in America/New_York" in ny.err


def test_meeting_log_in_a_gap_says_so(cli, jane):
    result = cli(
        "meeting", "log", "--title", "Breakfast", "--with", str(jane), "--at", "2026-03-08 02:30"
    )
    assert result.code == 0 and result.out.strip().isdigit()
    assert "02:30 does not exist on 2026-03-08 in America/New_York" in result.err


NY = "America/New_York"


# --- issue 13: currencies, costs and day counts -----------------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--currency", "XYZ"), "unknown currency 'XYZ'"),
        (("--cost", "10.123", "--currency", "EUR"), "cost 10.123 has 3 decimals; EUR takes at"),
        (("--cost", "5.5", "--currency", "JPY"), "cost 5.5 has 1 decimal; JPY takes no decimals"),
    ],
)
def test_gift_add_refuses_unknown_currencies_and_too_fine_costs(cli, jane, argv, message):
    result = cli("gift", "add", str(jane), "--item", "Wine", *argv)
    assert result.code == 1 and result.out == ""
    assert result.err.count("\n") == 1 and message in result.err
    assert cli("gift", "list", "--format", "json").json() == []


def test_gift_costs_in_the_currencys_units_are_kept(cli, jane):
    assert cli("gift", "add", str(jane), "--item", "Tea", "--cost", "1200", "--currency", "jpy").id
    assert cli("gift", "add", str(jane), "--item", "Dates", "--cost", "3.125", "--currency", "KWD")
    rows = cli("gift", "list", "--format", "json").json()
    assert {r["currency"] for r in rows} == {"JPY", "KWD"}


def test_config_set_refuses_an_unknown_currency(cli):
    result = cli("config", "set", "currency", "XYZ")
    assert result.code == 1 and result.err.count("\n") == 1
    assert "unknown currency 'XYZ'" in result.err
    assert cli("config", "set", "currency", "chf").code == 0


def test_today_refuses_a_negative_upcoming(cli):
    result = cli("today", "--upcoming", "-3")
    assert result.code == 1 and result.out == ""
    assert result.err.count("\n") == 1 and "cannot be negative" in result.err


def test_followup_list_shows_snoozes(cli, jane):
    fid = cli("followup", "add", str(jane), "--due", "2027-01-04 09:00", "--note", "call").id
    other = cli("followup", "add", str(jane), "--due", "2027-01-05 09:00").id
    assert cli("followup", "snooze", str(fid), "--until", "2027-01-06 14:30").code == 0
    text = cli("followup", "list").out
    (snoozed_line,) = [line for line in text.splitlines() if line.startswith(f"{fid} ")]
    assert "open, snoozed until " in snoozed_line and "14:30" in snoozed_line
    (plain_line,) = [line for line in text.splitlines() if line.startswith(f"{other} ")]
    assert "snoozed" not in plain_line
    rows = {r["id"]: r for r in cli("followup", "list", "--format", "json").json()}
    assert rows[fid]["snoozed_until"] == "2027-01-06T14:30:00-05:00"
    assert rows[other]["snoozed_until"] is None


@pytest.mark.parametrize(
    ("preset", "days", "weekday"),
    [("tomorrow", 1, None), ("monday", None, 0)],
)
def test_snooze_to_a_preset_is_nine_in_the_reps_own_zone(cli, jane, preset, days, weekday):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    # The follow-up is Tokyo's; the rep's zone (New York here) is the one the app's menu uses.
    ny = ZoneInfo(NY)
    fid = cli("followup", "add", str(jane), "--due", "2030-03-04 18:00", "--tz", "Asia/Tokyo").id
    before = datetime.now(ny).date()
    result = cli("followup", "snooze", str(fid), "--to", preset)
    after = datetime.now(ny).date()
    assert result.code == 0 and result.out == ""
    (row,) = cli("followup", "list", "--format", "json").json()
    assert row["snoozed_until"].endswith("+09:00")  # shown in the follow-up's own zone
    until = datetime.fromisoformat(row["snoozed_until"]).astimezone(ny)
    assert until.time().isoformat() == "09:00:00"
    if days is not None:  # the day after today in New York (today read before and after)
        assert until.date() in {before + timedelta(days), after + timedelta(days)}
    else:  # the Monday after today, never today
        assert until.weekday() == weekday and 1 <= (until.date() - after).days <= 7
    assert result.err == f"snoozed until {until.strftime('%a %d %b %Y')} 09:00 {until.tzname()}\n"
    tokyo = cli("followup", "snooze", str(fid), "--to", preset, "--tz", "Asia/Tokyo")
    assert tokyo.code == 0 and " 09:00 JST" in tokyo.err


def test_snooze_by_an_hour_and_the_one_line_errors(cli, jane):
    from datetime import UTC, datetime, timedelta

    fid = cli("followup", "add", str(jane), "--due", "2030-03-04 09:00").id
    start = datetime.now(UTC)
    assert cli("followup", "snooze", str(fid), "--to", "1-hour").code == 0
    (row,) = cli("followup", "list", "--format", "json").json()
    until = datetime.fromisoformat(row["snoozed_until"])
    assert timedelta(minutes=59) <= until - start <= timedelta(minutes=61)
    for argv, said in [
        (["--to", "yesterday"], "invalid choice: 'yesterday'"),
        (["--to", "monday", "--until", "2030-03-05 09:00"], "not allowed with argument --to"),
        ([], "one of the arguments --until --to is required"),
    ]:
        refused = cli("followup", "snooze", str(fid), *argv)
        assert refused.code == 1 and refused.err.count("\n") == 1 and said in refused.err


def test_edit_corrects_the_due_time_note_and_repeat_and_show_has_it_whole(cli, jane):
    fid = cli("followup", "add", str(jane), "--due", "2026-12-07 10:00", "--note", "Call").id
    result = cli(
        "followup",
        "edit",
        str(fid),
        "--due",
        "2026-12-08 15:30",
        "--note",
        "Call about Q1",
        "--every",
        "2 weeks",
    )
    assert (result.code, result.out) == (0, "")
    assert result.err.startswith("due Tue 08 Dec 2026 15:30 EST") and "repeats: " in result.err
    (shown,) = cli("followup", "show", str(fid), "--format", "json").json()
    assert shown["due"] == "2026-12-08T15:30:00-05:00"
    assert shown["note"] == "Call about Q1" and "FREQ=WEEKLY;INTERVAL=2" in shown["recurrence"]
    text = cli("followup", "show", str(fid)).out
    assert text.startswith(f"Follow-up #{fid} with Jane Doe (contact #{jane})\n")
    assert "  due: Tue 08 Dec 2026 15:30 EST (America/New_York)" in text
    assert "  note: Call about Q1\n" in text and "  repeats: " in text
    # Another zone keeps the wall clock; "" stops the repeat; only what is given changes.
    assert cli("followup", "edit", str(fid), "--tz", "Europe/Paris", "--every", "").code == 0
    (shown,) = cli("followup", "show", str(fid), "--format", "json").json()
    assert (shown["due"], shown["tz"]) == ("2026-12-08T15:30:00+01:00", "Europe/Paris")
    assert shown["recurrence"] is None and shown["note"] == "Call about Q1"
    quiet = cli("followup", "edit", str(fid), "--note", "")
    assert (quiet.code, quiet.err) == (0, "")
    assert cli("followup", "show", str(fid), "--format", "json").json()[0]["note"] == ""


def test_edit_into_a_gap_says_which_instant_was_saved(cli, jane):
    fid = cli("followup", "add", str(jane), "--due", "2026-03-01 09:00").id
    result = cli("followup", "edit", str(fid), "--due", "2026-03-08 02:30")
    assert result.code == 0
    assert "02:30 does not exist on 2026-03-08 in America/New_York" in result.err
    (shown,) = cli("followup", "show", str(fid), "--format", "json").json()
    assert shown["due"] == "2026-03-08T03:30:00-04:00"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--due", "tomorrow"], "YYYY-MM-DD HH:MM"),
        (["--tz", "Mars/Olympus"], "Mars/Olympus"),
        (["--every", "whenever"], "whenever"),
        (["--due", "0999-01-01 10:00"], "between"),
    ],
)
def test_edit_refuses_bad_input_in_one_line_and_keeps_the_follow_up(cli, jane, argv, message):
    fid = cli("followup", "add", str(jane), "--due", "2026-12-07 10:00").id
    before = cli("followup", "show", str(fid), "--format", "json").json()
    result = cli("followup", "edit", str(fid), *argv)
    assert result.code == 1 and message in result.err
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert cli("followup", "show", str(fid), "--format", "json").json() == before


def test_a_done_follow_up_is_shown_but_not_edited(cli, jane):
    fid = cli("followup", "add", str(jane), "--due", "2026-12-07 10:00").id
    assert cli("followup", "done", str(fid)).code == 0
    assert cli("followup", "show", str(fid), "--format", "json").json()[0]["status"] == "done"
    result = cli("followup", "edit", str(fid), "--note", "late")
    assert result.code == 1 and result.err.count("\n") == 1
    missing = cli("followup", "show", "999")
    assert missing.code == 1 and "999" in missing.err
