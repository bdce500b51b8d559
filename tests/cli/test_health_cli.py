"""`health`, `contact keep-in-touch`, `tag keep-in-touch` and the rhythm in `contact show`."""

from __future__ import annotations

from relationship_crm.services import health

# Contacts are created "today"; the checks look from far enough ahead.
LATER = "2030-01-01"


def test_health_lists_drifting_and_lost_worst_first(cli) -> None:
    jane = cli("contact", "add", "Jane Doe", "--tag", "Key clients").id
    bob = cli("contact", "add", "Bob Stone").id
    cli("contact", "add", "Ann Other")  # no rhythm: never listed
    assert cli("tag", "keep-in-touch", "key clients", "--ideal", "30", "--max", "45").code == 0
    result = cli("contact", "keep-in-touch", str(bob), "--ideal", "7", "--max", "3000")
    assert result.code == 0, result.err
    assert result.out == "Bob Stone: every 7 days (at most 3000 days), set for this contact\n"
    rows = cli("health", "--date", LATER, "--format", "json").json()
    assert [(r["contact_id"], r["state"]) for r in rows] == [(bob, "drifting"), (jane, "lost")]
    assert set(rows[0]) == {
        "contact_id",
        "contact_name",
        "last_touch",
        "days_since_contact",
        "ideal_days",
        "max_days",
        "state",
    }
    assert rows[1]["contact_name"] == "Jane Doe" and rows[1]["last_touch"] is None
    assert (rows[1]["ideal_days"], rows[1]["max_days"]) == (30, 45)
    text = cli("health", "--date", LATER).out.splitlines()
    assert text[0].split() == ["ID", "NAME", "LAST", "TOUCH", "DAYS", "IDEAL", "MAX", "STATE"]
    assert text[1].split()[:3] == [str(bob), "Bob", "Stone"] and text[1].endswith("drifting")


def test_a_meeting_or_a_gift_brings_a_contact_back(cli) -> None:
    jane = str(cli("contact", "add", "Jane").id)
    cli("contact", "keep-in-touch", jane, "--ideal", "30", "--max", "45")

    def states(day: str) -> list[str]:
        return [r["state"] for r in cli("health", "--date", day, "--format", "json").json()]

    assert states(LATER) == ["lost"]
    logged = cli(
        "meeting", "log", "--title", "Call", "--kind", "call", "--with", jane,
        "--at", "2029-12-20 10:00", "--no-thanks",
    )  # fmt: skip
    assert logged.code == 0, logged.err
    assert states(LATER) == []
    assert cli("health", "--date", LATER).out == "No one is drifting.\n"
    assert states("2030-02-01") == ["drifting"]
    assert states("2030-03-01") == ["lost"]
    assert cli("gift", "add", jane, "--item", "Book", "--date", "2030-02-20").code == 0
    assert states("2030-03-01") == []
    shown = cli("contact", "show", jane, "--date", "2030-03-01")
    assert shown.code == 1  # contact show has no --date: it shows today
    assert cli("contact", "show", jane, "--format", "json").json()[0]["last_touch"] is None


def test_off_pause_resume_and_clear(cli) -> None:
    jane = str(cli("contact", "add", "Jane", "--tag", "vip").id)
    cli("tag", "keep-in-touch", "vip", "--ideal", "1", "--max", "2")

    def listed() -> list[int]:
        return [r["contact_id"] for r in cli("health", "--date", LATER, "--format", "json").json()]

    assert listed() == [int(jane)]
    assert cli("contact", "keep-in-touch", jane, "--off").out.endswith("off for this contact\n")
    assert listed() == []
    cli("contact", "keep-in-touch", jane, "--clear")
    assert listed() == [int(jane)]
    paused = cli(
        "contact", "keep-in-touch", jane, "--pause-until", "2030-02-01", "--reason", "leave"
    )
    assert "paused until 2030-02-01 (leave)" in paused.out
    assert listed() == []
    shown = cli("contact", "show", jane, "--format", "json").json()[0]
    assert shown["keep_in_touch"]["source"] == "tag"
    assert shown["keep_in_touch"]["paused_until"] == "2030-02-01"
    assert shown["last_touch"] is None
    assert (
        "keep in touch: every 1 day (at most 2 days), from tag vip; paused"
        in cli("contact", "show", jane).out
    )
    cli("contact", "keep-in-touch", jane, "--resume")
    assert listed() == [int(jane)]
    past = cli("contact", "keep-in-touch", jane, "--pause-until", "2001-01-01")
    assert past.code == 0 and "has passed" in past.err
    assert cli("tag", "keep-in-touch", "vip", "--clear").code == 0
    assert listed() == []


def test_bad_input_is_one_line(cli) -> None:
    jane = str(cli("contact", "add", "Jane").id)
    cases = [
        ("contact", "keep-in-touch", jane),
        ("contact", "keep-in-touch", jane, "--ideal", "30"),
        ("contact", "keep-in-touch", jane, "--ideal", "50", "--max", "40"),
        ("contact", "keep-in-touch", jane, "--ideal", "0", "--max", "40"),
        ("contact", "keep-in-touch", jane, "--ideal", "x", "--max", "40"),
        ("contact", "keep-in-touch", jane, "--off", "--clear"),
        ("contact", "keep-in-touch", jane, "--off", "--reason", "why"),
        ("contact", "keep-in-touch", "999", "--off"),
        ("contact", "keep-in-touch", jane, "--pause-until", "0999-01-01"),
        ("tag", "keep-in-touch", "nope", "--ideal", "1", "--max", "2"),
        ("tag", "keep-in-touch", "nope"),
        ("health", "--date", "someday"),
        ("health", "--date", "3000-01-01"),
    ]
    for argv in cases:
        result = cli(*argv)
        assert result.code == 1, argv
        assert result.err.count("\n") == 1 and "error" in result.err, (argv, result.err)


def test_stage_rhythm_service_for_stage_set(cli, db_path) -> None:
    """The call `stage set STAGE --keep-in-touch IDEAL/MAX` makes (wired with the stage table)."""
    from relationship_crm.storage.db import open_database

    jane = cli("contact", "add", "Jane", "--stage", "lead").id
    db = open_database(db_path)
    try:
        with db.write() as s:
            health.set_stage_rhythm(s, "lead", *(health.parse_rhythm("10/20") or (None, None)))
    finally:
        db.close()
    rows = cli("health", "--date", LATER, "--format", "json").json()
    assert [(r["contact_id"], r["ideal_days"], r["max_days"]) for r in rows] == [(jane, 10, 20)]
    show = cli("contact", "show", str(jane)).out
    assert "every 10 days (at most 20 days), from stage lead; last touch: none yet" in show


def test_stage_set_keep_in_touch_gives_a_stage_of_the_reps_own_a_rhythm(cli):
    """`stage set STAGE --keep-in-touch IDEAL/MAX` (issue 15), on a stage the rep added."""
    assert cli("stage", "add", "qualified", "--label", "Qualified", "--after", "lead").code == 0
    assert cli("stage", "set", "qualified", "--keep-in-touch", "14/21").code == 0
    added = cli("contact", "add", "Ann Lee", "--stage", "qualified")
    assert added.code == 0, added.err
    listed = cli("health", "--date", "2099-01-20", "--format", "json").json()
    assert [(c["contact_name"], c["ideal_days"], c["max_days"]) for c in listed] == [
        ("Ann Lee", 14, 21)
    ]
    assert cli("stage", "set", "qualified", "--keep-in-touch", "none").code == 0
    assert cli("health", "--date", "2099-01-20", "--format", "json").json() == []
    wrong = cli("stage", "set", "qualified", "--keep-in-touch", "45/30")
    assert wrong.code == 1 and len(wrong.err.strip().splitlines()) == 1
