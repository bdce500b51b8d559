"""Issue 12: nothing a rep types may break the database for later, and no stored row breaks a read.

Values outside the windows of `domain.bounds` are refused with one line naming the field; a row
that another program (or an older version) left unreadable is flagged, skipped by the daily list
with a warning, exported whole with a marker, named by `check` and handled by `check --repair`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from tests.database_files import connect_file

Cli = Callable[..., Any]


@pytest.fixture
def jane(cli: Cli) -> int:
    return int(cli("contact", "add", "Jane Doe", "--email", "jane@acme.com").id)


@pytest.mark.parametrize(
    ("due", "shown"),
    [
        ("0001-01-01 00:00", "0001-01-01 00:00"),
        ("0206-11-30 09:00", "0206-11-30 09:00"),
        ("9999-12-31 23:59", "9999-12-31 23:59"),
    ],
)
def test_a_due_time_outside_1900_2200_is_refused_with_one_line(
    cli: Cli, jane: int, due: str, shown: str
) -> None:
    result = cli("followup", "add", str(jane), "--due", due, "--tz", "America/New_York")
    assert result.code == 1
    assert result.err == (
        "relationship-crm: error: the follow-up's due time must be between 1900 and 2200, "
        f"not {shown}\n"
    )
    assert cli("today").code == 0
    assert cli("followup", "list").out == "No follow-ups.\n"


def test_a_snooze_outside_the_window_is_refused(cli: Cli, jane: int) -> None:
    fid = cli("followup", "add", str(jane), "--due", "2026-11-30 09:00").id
    result = cli("followup", "snooze", str(fid), "--until", "9999-12-31 23:00", "--tz", "UTC")
    assert result.code == 1
    assert "the snooze time must be between 1900 and 2200" in result.err
    assert result.err.count("\n") == 1


def test_a_query_day_outside_the_window_is_refused(cli: Cli) -> None:
    result = cli("today", "--date", "9999-12-31")
    assert (result.code, result.err) == (
        1,
        "relationship-crm: error: the day must be between 1900 and 2200, not 9999-12-31\n",
    )


def test_an_id_too_large_for_sqlite_is_no_such_record(cli: Cli, jane: int) -> None:
    huge = "99999999999999999999"
    result = cli("contact", "show", huge)
    assert (result.code, result.err) == (1, f"relationship-crm: error: no contact with id {huge}\n")
    assert "no follow-up with id" in cli("followup", "done", huge).err
    assert "no meeting with id" in cli("thanks", "draft", huge).err


def test_gift_dates_meetings_and_birthdays_have_windows(cli: Cli, jane: int) -> None:
    gift = cli("gift", "add", str(jane), "--item", "Wine", "--date", "0206-11-30")
    assert "the gift's date must be between 1900 and 2200" in gift.err
    meeting = cli("meeting", "log", "--title", "Call", "--at", "9999-01-01 10:00", "--with", "1")
    assert "the meeting's start must be between 1900 and 2200" in meeting.err
    future = cli("contact", "edit", str(jane), "--birthday", "2999-01-01")
    assert (future.code, future.err) == (
        1,
        "relationship-crm: error: the birthday 2999-01-01 is in the future\n",
    )
    assert "1900 or later" in cli("contact", "edit", str(jane), "--birthday", "1850-01-01").err
    assert cli("contact", "edit", str(jane), "--birthday=--02-29").code == 0


# --- a database another program left unreadable ------------------------------------------------


def _poke(db_path: Path, sql: str, *params: object) -> None:
    with closing(connect_file(db_path)) as conn:
        conn.execute(sql, params)
        conn.commit()


@pytest.fixture
def damaged(cli: Cli, jane: int, db_path: Path) -> dict[str, int]:
    """Follow-up `lost`: no time can be read; `fixable`: only its instants are unreadable."""
    lost = cli("followup", "add", str(jane), "--due", "2026-11-30 09:00", "--note", "lost").id
    fixable = cli("followup", "add", str(jane), "--due", "2026-11-29 09:00", "--note", "ok").id
    cli("followup", "add", str(jane), "--due", "2026-11-28 09:00", "--note", "fine")
    _poke(
        db_path,
        "UPDATE follow_ups SET due_at = '1-01-01 04:56:02.000000', remind_at = 'garbage', "
        "due_local = 'soon', anchor_local = 'soon' WHERE id = ?",
        lost,
    )
    _poke(
        db_path,
        "UPDATE follow_ups SET due_at = '1-01-01 04:56:02.000000', "
        "remind_at = '1-01-01 04:56:02.000000', note = CAST(x'6f6bff' AS TEXT) WHERE id = ?",
        fixable,
    )
    return {"lost": lost, "fixable": fixable}


def test_every_read_command_still_works_on_an_unreadable_row(
    cli: Cli, jane: int, damaged: dict[str, int], tmp_path: Path
) -> None:
    today = cli("today", "--date", "2026-11-29")
    assert today.code == 0
    assert "fine" in today.out and "ok" in today.out and "lost" not in today.out
    assert today.err == (
        f"relationship-crm: warning: follow-up #{damaged['lost']} not listed (unreadable); "
        "run `check`\n"
    )
    as_json = cli("today", "--date", "2026-11-29", "--format", "json")
    assert {r["note"] for r in as_json.json()} == {"fine", "ok\ufffd"}
    listed = cli("followup", "list")
    assert listed.code == 0 and "unreadable (run check)" in listed.out
    assert len(cli("followup", "list", "--format", "json").json()) == 3
    assert cli("contact", "show", str(jane)).code == 0
    assert cli("search", "Jane").code == 0
    for fmt in ("vcf", "csv", "ics"):
        assert cli("export", "--format", fmt, str(tmp_path / f"out.{fmt}")).code == 0


def test_the_json_copy_is_whole_with_the_unreadable_text_marked(
    cli: Cli, damaged: dict[str, int], tmp_path: Path
) -> None:
    out = tmp_path / "copy.json"
    assert cli("export", "--format", "json", str(out)).code == 0
    rows = {r["id"]: r for r in json.loads(out.read_text("utf-8"))["follow_ups"]}
    assert len(rows) == 3
    lost = rows[damaged["lost"]]
    assert lost["due_at"] == {"unreadable": "1-01-01 04:56:02.000000"}
    assert lost["remind_at"] == {"unreadable": "garbage"}
    assert lost["due_local"] == {"unreadable": "soon"}
    # Importing it elsewhere refuses that value by its path rather than guessing.
    other = tmp_path / "other.sqlite3"
    refused = cli("import", str(out), db=other)
    assert refused.code == 1
    assert "was unreadable in the database it came from" in refused.err


def test_check_names_the_rows_and_repair_fixes_what_it_can(
    cli: Cli, damaged: dict[str, int], db_path: Path
) -> None:
    check = cli("check")
    assert check.code == 1
    assert f"follow_ups row {damaged['lost']}" in check.out
    assert f"follow_ups row {damaged['fixable']}" in check.out

    repair = cli("check", "--repair")
    assert repair.code == 1
    lines = repair.out.splitlines()
    backup = Path(lines[0].removeprefix("backup: "))
    assert backup.is_file() and backup.parent == db_path.parent / "backups"
    assert f"repaired: follow-up {damaged['fixable']}: due_at recomputed" in repair.out
    left = [line for line in lines if line.startswith("left: ")]
    assert not [line for line in left if f"row {damaged['fixable']}:" in line]
    assert not [line for line in left if f"follow-up {damaged['fixable']} " in line]
    assert any(f"row {damaged['lost']}" in line for line in lines if line.startswith("left: "))

    # The fixed follow-up is back on the daily list; the lost one is still named.
    today = cli("today", "--date", "2026-11-29")
    assert "ok" in today.out and f"#{damaged['lost']}" in today.err
    # Repairing again changes nothing more and makes no new backup.
    again = cli("check", "--repair")
    assert "repaired:" not in again.out


def test_repair_of_a_sound_database_does_nothing(cli: Cli, jane: int, db_path: Path) -> None:
    result = cli("check", "--repair")
    assert result.code == 0
    assert result.out.startswith("database OK")
    assert not (db_path.parent / "backups").exists()


def test_a_bad_zone_or_rule_stored_by_another_program_is_flagged_not_fatal(
    cli: Cli, jane: int, db_path: Path, tmp_path: Path
) -> None:
    zoned = cli("followup", "add", str(jane), "--due", "2026-11-29 09:00", "--note", "z").id
    ruled = cli("followup", "add", str(jane), "--due", "2026-11-29 10:00", "--every", "weekly").id
    _poke(db_path, "UPDATE follow_ups SET tz = 'Mars/Olympus' WHERE id = ?", zoned)
    _poke(db_path, "UPDATE follow_ups SET rrule = 'FREQ=SOMETIMES' WHERE id = ?", ruled)
    today = cli("today", "--date", "2026-11-29")
    assert today.code == 0 and f"#{zoned}" in today.err
    listed = cli("followup", "list")
    assert listed.code == 0 and "unreadable (run check)" in listed.out
    ics = tmp_path / "out.ics"
    assert cli("export", "--format", "ics", str(ics)).code == 0
    assert f"followup-{zoned}@" not in ics.read_text("utf-8")
    check = cli("check")
    assert check.code == 1
    assert "Mars/Olympus" in check.out and "FREQ=SOMETIMES" in check.out
    repair = cli("check", "--repair")
    assert repair.code == 1 and "left: " in repair.out
