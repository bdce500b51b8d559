"""Issue 13 on the command line: see whole and correct meetings, gifts, research, companies,
contact addresses and phones; `meeting log` drafts thank-you notes as the app does."""

from __future__ import annotations

import pytest


@pytest.fixture
def ids(cli) -> dict[str, int]:
    ann = cli("contact", "add", "Ann Adams", "--company", "Acme").id
    bob = cli("contact", "add", "Bob Brown", "--company", "Acme").id
    cy = cli("contact", "add", "Cy Clark").id
    meeting = cli(
        "meeting", "log", "--title", "Kick-off", "--at", "2026-11-20 09:00",
        "--tz", "America/New_York", "--with", str(ann), "--with", str(bob),
        "--notes", "Agenda: budget", "--research", "Uses SAP", "--location", "HQ",
        "--duration", "60",
    ).id  # fmt: skip
    return {"ann": ann, "bob": bob, "cy": cy, "meeting": meeting}


def test_meeting_log_drafts_a_thank_you_note_per_attendee(cli, ids):
    notes = cli("thanks", "list", "--format", "json").json()
    assert sorted(n["contact_name"] for n in notes) == ["Ann Adams", "Bob Brown"]
    assert {n["meeting_id"] for n in notes} == {ids["meeting"]}


def test_meeting_log_keeps_stdout_the_id_and_says_the_drafts_on_stderr(cli, ids):
    result = cli(
        "meeting", "log", "--title", "Lunch", "--at", "2026-11-21 12:00", "--with", str(ids["cy"])
    )
    assert result.out.strip().isdigit()
    (note,) = [n for n in cli("thanks", "list", "--format", "json").json() if n["contact_id"] == 3]
    assert result.err == f"relationship-crm: note: drafted thank-you notes: {note['id']}\n"


def test_meeting_log_no_thanks_drafts_nothing(cli, ids):
    result = cli(
        "meeting", "log", "--title", "Call", "--at", "2026-11-21 12:00", "--with", str(ids["cy"]),
        "--no-thanks",
    )  # fmt: skip
    assert result.code == 0 and result.err == ""
    assert [
        n for n in cli("thanks", "list", "--format", "json").json() if n["contact_id"] == 3
    ] == []


def test_meeting_show_json_has_everything(cli, ids):
    cli("followup", "add", str(ids["ann"]), "--due", "2026-11-27 09:00", "--note", "deck")
    (shown,) = cli("meeting", "show", str(ids["meeting"]), "--format", "json").json()
    assert shown["title"] == "Kick-off" and shown["kind"] == "meeting"
    assert shown["start"] == "2026-11-20T09:00:00-05:00" and shown["tz"] == "America/New_York"
    assert shown["duration_minutes"] == 60 and shown["location"] == "HQ"
    assert shown["notes"] == "Agenda: budget"
    assert [a["name"] for a in shown["attendees"]] == ["Ann Adams", "Bob Brown"]
    assert [r["text"] for r in shown["research"]] == ["Uses SAP"]
    assert sorted(t["contact_name"] for t in shown["thanks"]) == ["Ann Adams", "Bob Brown"]
    assert shown["follow_ups"] == []  # the follow-up above is not from this meeting


def test_meeting_show_text(cli, ids):
    result = cli("meeting", "show", str(ids["meeting"]))
    assert result.code == 0, result.err
    assert "Kick-off  (#1, meeting)" in result.out
    assert "Fri 20 Nov 2026 09:00 EST America/New_York, 60 min" in result.out
    assert "notes: Agenda: budget" in result.out and "Uses SAP" in result.out
    assert "thank-you note #1 (draft) to Ann Adams" in result.out


def test_meeting_edit_and_delete(cli, ids):
    meeting = str(ids["meeting"])
    edit = cli(
        "meeting", "edit", meeting, "--title", "Kick-off call", "--kind", "call",
        "--at", "2026-11-20 10:30", "--tz", "Europe/Paris", "--duration", "30",
        "--location", "", "--notes", "New notes", "--add-attendee", str(ids["cy"]),
        "--remove-attendee", str(ids["bob"]),
    )  # fmt: skip
    assert (edit.code, edit.out, edit.err) == (0, "", "")
    (shown,) = cli("meeting", "show", meeting, "--format", "json").json()
    assert (shown["title"], shown["kind"], shown["duration_minutes"]) == (
        "Kick-off call",
        "call",
        30,
    )
    assert shown["start"] == "2026-11-20T10:30:00+01:00" and shown["location"] == ""
    assert shown["notes"] == "New notes"
    assert [a["name"] for a in shown["attendees"]] == ["Ann Adams", "Cy Clark"]
    deleted = cli("meeting", "delete", meeting)
    assert (deleted.code, deleted.out) == (0, f"{meeting}\n")
    assert cli("meeting", "list", "--format", "json").json() == []
    assert cli("research", "list", "--format", "json").json() == []
    missing = cli("meeting", "show", meeting)
    assert (
        missing.code == 1 and missing.err.count("\n") == 1 and "no meeting with id" in missing.err
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["meeting", "edit", "1", "--kind", "party"], "unknown meeting kind"),
        (["meeting", "edit", "1", "--remove-attendee", "3"], "not an attendee"),
        (["meeting", "edit", "1", "--at", "9999-01-01 10:00"], "between 1900 and 2200"),
        (["meeting", "edit", "9", "--title", "x"], "no meeting with id 9"),
        (["meeting", "delete", "x"], "expected a meeting id"),
        (["gift", "edit", "9", "--item", "x"], "no gift with id 9"),
        (["gift", "edit", "1", "--cost", "abc"], "is not an amount"),
        (["gift", "delete", "0"], "expected a gift id"),
        (["research", "edit", "1", "--text", " "], "the research note is empty"),
        (["research", "delete", "9"], "no research note with id 9"),
        (["company", "show", "9"], "no company with id 9"),
        (["contact", "add", "X", "--address", "home:  "], "the address is empty"),
    ],
)
def test_bad_corrections_are_one_line_and_change_nothing(cli, ids, argv, message):
    cli("gift", "add", str(ids["ann"]), "--item", "Wine", "--date", "2026-06-01")
    before = cli("meeting", "show", "1", "--format", "json").out
    result = cli(*argv)
    assert result.code == 1 and result.err.count("\n") == 1 and message in result.err
    assert cli("meeting", "show", "1", "--format", "json").out == before


def test_gift_edit_and_delete(cli, ids):
    gift = cli("gift", "add", str(ids["ann"]), "--item", "Wine", "--cost", "45", "--date",
               "2026-06-01").id  # fmt: skip
    edit = cli(
        "gift", "edit", str(gift), "--item", "Red wine", "--cost", "12.5", "--currency", "EUR",
        "--date", "2026-06-02", "--occasion", "Signed",
    )  # fmt: skip
    assert (edit.code, edit.out, edit.err) == (0, "", "")
    (row,) = cli("gift", "list", "--format", "json").json()
    assert (row["item"], row["cost"], row["currency"], row["date"], row["occasion"]) == (
        "Red wine",
        "12.50",
        "EUR",
        "2026-06-02",
        "Signed",
    )
    assert cli("gift", "edit", str(gift), "--cost", "").code == 0
    assert cli("gift", "list", "--format", "json").json()[0]["cost"] is None
    assert cli("gift", "delete", str(gift)).out == f"{gift}\n"
    assert cli("gift", "list", "--format", "json").json() == []


def test_research_list_edit_delete(cli, ids):
    about_ann = cli("research", "add", "Likes jazz", "--contact", str(ids["ann"])).id
    rows = cli("research", "list", "--format", "json").json()
    assert {r["text"] for r in rows} == {"Uses SAP", "Likes jazz"}
    assert {"id", "text", "source", "noted_at", "contact_id", "company_id", "meeting_id"} <= set(
        rows[0]
    )
    (only,) = cli("research", "list", "--contact", str(ids["ann"]), "--format", "json").json()
    assert only["id"] == about_ann
    assert [
        r["text"] for r in cli("research", "list", "--meeting", "1", "--format", "json").json()
    ] == ["Uses SAP"]
    edit = cli("research", "edit", str(about_ann), "--text", "Loves jazz", "--source", "https://x")
    assert (edit.code, edit.out) == (0, "")
    text = cli("research", "list", "--contact", str(ids["ann"])).out
    assert "Loves jazz" in text and "https://x" in text and "contact 1" in text
    assert cli("research", "delete", str(about_ann)).out == f"{about_ann}\n"
    assert cli("research", "list", "--contact", str(ids["ann"])).out == "No research notes.\n"


def test_company_list_and_show(cli, ids):
    assert cli("company", "list", "--format", "json").json() == [
        {"id": 1, "name": "Acme", "contact_count": 2}
    ]
    assert "Acme" in cli("company", "list").out
    cli("research", "add", "Fiscal year starts in April", "--company", "1")
    (acme,) = cli("company", "show", "1", "--format", "json").json()
    assert [c["name"] for c in acme["contacts"]] == ["Ann Adams", "Bob Brown"]
    assert [r["text"] for r in acme["research"]] == ["Fiscal year starts in April"]
    text = cli("company", "show", "1").out
    assert "contact #1: Ann Adams" in text and "Fiscal year starts in April" in text


def test_contact_addresses_and_remove_phone(cli):
    cid = cli(
        "contact", "add", "Dee Dow", "--address", r"home:12 Main St\nSpringfield, IL 62701",
        "--phone", "+1 212 555 0100", "--phone", "mobile:+1 212 555 0199",
    ).id  # fmt: skip
    (shown,) = cli("contact", "show", str(cid), "--format", "json").json()
    assert shown["addresses"] == [{"label": "home", "value": "12 Main St\nSpringfield, IL 62701"}]
    edit = cli(
        "contact", "edit", str(cid), "--remove-phone", "+1 212 555 0100",
        "--address", "work:1 Infinite Loop", "--remove-address", "home",
    )  # fmt: skip
    assert edit.code == 0, edit.err
    (shown,) = cli("contact", "show", str(cid), "--format", "json").json()
    assert shown["phones"] == ["+1 212 555 0199"]
    assert shown["addresses"] == [{"label": "work", "value": "1 Infinite Loop"}]
    assert "address work: 1 Infinite Loop" in cli("contact", "show", str(cid)).out
