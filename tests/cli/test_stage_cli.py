"""`stage list|set|add`, `contact stage` (dated) and `pipeline` through the command line."""

from __future__ import annotations

import json

import pytest


def test_stage_list_gives_the_funnel_in_order(cli):
    rows = cli("stage", "list", "--format", "json").json()
    assert [r["stage"] for r in rows] == ["prospect", "lead", "customer", "partner", "other"]
    assert set(rows[0]) == {"stage", "label", "definition", "stuck_after_days", "position"}
    assert (rows[1]["stuck_after_days"], rows[2]["stuck_after_days"]) == (30, None)
    text = cli("stage", "list").out
    assert text.splitlines()[0].split() == ["STAGE", "LABEL", "STUCK", "AFTER", "DEFINITION"]
    assert "Actively shopping" in text


def test_stage_set_and_add_change_the_funnel(cli):
    assert cli("stage", "set", "LEAD", "--label", "Hot lead", "--stuck-after", "45").code == 0
    assert cli("stage", "set", "prospect", "--stuck-after", "none").code == 0
    assert cli("stage", "set", "customer", "--definition", "Signed.").code == 0
    added = cli("stage", "add", "qualified", "--label", "Qualified", "--after", "lead")
    assert (added.code, added.out) == (0, "qualified\n")
    rows = {r["stage"]: r for r in cli("stage", "list", "--format", "json").json()}
    assert list(rows) == ["prospect", "lead", "qualified", "customer", "partner", "other"]
    assert (rows["lead"]["label"], rows["lead"]["stuck_after_days"]) == ("Hot lead", 45)
    assert rows["prospect"]["stuck_after_days"] is None
    assert rows["customer"]["definition"] == "Signed."
    cid = cli("contact", "add", "Quinn", "--stage", "qualified").id
    assert cli("contact", "show", str(cid), "--format", "json").json()[0]["stage"] == "qualified"
    listed = cli("contact", "list", "--stage", "qualified", "--format", "json").json()
    assert [c["id"] for c in listed] == [cid]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["stage", "set", "hot", "--label", "X"], "unknown stage 'hot'"),
        (["stage", "set", "lead"], "nothing to change"),
        (["stage", "set", "lead", "--stuck-after", "soon"], "stuck limit"),
        (["stage", "set", "lead", "--label", ""], "label"),
        (["stage", "add", "Lead", "--label", "X", "--after", "lead"], "lowercase"),
        (["stage", "add", "lead", "--label", "X", "--after", "lead"], "already a stage"),
        (["stage", "add", "new", "--label", "X", "--after", "nope"], "unknown stage 'nope'"),
        (["stage", "add", "new", "--after", "lead"], "--label"),
        (["contact", "stage", "1", "hot"], "unknown stage 'hot'"),
        (["contact", "stage", "99", "lead"], "no contact with id 99"),
        (["contact", "stage", "1", "lead", "--date", "2026-13-01"], "not a date"),
        (["contact", "stage", "1", "lead", "--date", "2999-01-01"], "between 1900 and 2200"),
        (["contact", "stage", "1", "lead", "--date", "2199-01-01"], "in the future"),
        (["pipeline", "--date", "yesterday"], "not a date"),
        (["pipeline", "--date", "0999-01-01"], "between 1900 and 2200"),
    ],
)
def test_bad_stage_input_is_one_line(cli, argv, message):
    cli("contact", "add", "Someone")
    result = cli(*argv)
    assert result.code == 1
    assert message in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_contact_stage_is_dated_and_backdating_keeps_the_history_in_order(cli):
    cli("config", "set", "timezone", "UTC")
    cid = str(cli("contact", "add", "Dee").id)
    created = cli("contact", "show", cid, "--format", "json").json()[0]["stage_history"][0]
    assert cli("contact", "stage", cid, "lead").code == 0
    late = cli("contact", "stage", cid, "customer", "--date", "2000-01-01")
    assert late.code == 1 and "before the contact's previous stage change" in late.err
    history = cli("contact", "show", cid, "--format", "json").json()[0]["stage_history"]
    assert [h["stage"] for h in history] == ["prospect", "lead"]
    assert history[0] == created


def test_pipeline_prints_one_object_per_stage_in_funnel_order(cli, db_path):
    from datetime import UTC, datetime

    from relationship_crm.domain.records import ContactDraft
    from relationship_crm.services import contacts
    from relationship_crm.services import settings as rep_settings
    from relationship_crm.storage.db import open_database

    db = open_database(db_path)
    try:
        with db.write() as s:
            rep_settings.put(s, "timezone", "UTC")
            a = contacts.create(
                s, ContactDraft(name="A"), now=datetime(2026, 1, 1, 9, tzinfo=UTC)
            ).id
            contacts.set_stage(s, a, "lead", now=datetime(2026, 6, 20, 9, tzinfo=UTC))
            contacts.create(s, ContactDraft(name="B"), now=datetime(2026, 6, 29, 9, tzinfo=UTC))
    finally:
        db.close()
    result = cli("pipeline", "--date", "2026-06-30", "--format", "json")
    assert result.code == 0, result.err
    rows = json.loads(result.out)
    assert [r["stage"] for r in rows] == ["prospect", "lead", "customer", "partner", "other"]
    assert rows[0] == {
        "stage": "prospect",
        "contacts": 1,
        "entered_30d": 1,
        "left_30d": 1,
        "stuck": 0,
        "median_days_in_stage": 1.0,
        "converted_pct": 100.0,
    }
    assert rows[1]["contacts"] == 1 and rows[1]["median_days_in_stage"] == 10.0
    text = cli("pipeline", "--date", "2026-06-30").out.splitlines()
    assert text[0].split()[:3] == ["STAGE", "CONTACTS", "IN"]
    assert text[1].split() == ["Prospect", "1", "1", "1", "0", "1", "100%"]
    assert cli("pipeline").code == 0


@pytest.mark.parametrize("fmt", ["csv", "vcf"])
def test_a_stage_of_the_reps_own_survives_csv_and_vcard_where_it_exists(cli, tmp_path, fmt):
    cli("stage", "add", "qualified", "--label", "Qualified", "--after", "lead")
    cli("contact", "add", "Quinn", "--stage", "qualified")
    out = tmp_path / f"out.{fmt}"
    assert cli("export", "--format", fmt, str(out)).code == 0
    fresh = tmp_path / "fresh.sqlite3"
    cli("stage", "add", "qualified", "--label", "Q", "--after", "prospect", db=fresh)
    assert cli("import", str(out), db=fresh).code == 0
    listed = cli("contact", "list", "--format", "json", db=fresh).json()
    assert [(c["name"], c["stage"]) for c in listed] == [("Quinn", "qualified")]
    # A database without that stage: the CSV's stage cell is kept in the notes and listed
    # (issue 14: a bad cell never blocks a file; --strict refuses it), the vCard keeps the
    # default.
    bare = tmp_path / "bare.sqlite3"
    if fmt == "csv":
        strict = cli("import", str(out), "--strict", db=bare)
        assert strict.code == 1 and "qualified" in strict.err
        assert cli("contact", "list", "--format", "json", db=bare).json() == []
        result = cli("import", str(out), db=bare)
        assert result.code == 0, result.err
        assert 'stage "qualified" kept in notes' in result.out
        (quinn,) = cli("contact", "list", "--format", "json", db=bare).json()
        assert quinn["stage"] == "prospect"
    else:
        result = cli("import", str(out), db=bare)
        assert result.code == 0, result.err
        listed = cli("contact", "list", "--format", "json", db=bare).json()
        assert [c["stage"] for c in listed] == ["prospect"]


def test_a_stage_of_ones_own_nobody_used_can_be_deleted_with_its_rhythm(cli, db):
    from relationship_crm.services import health

    assert cli("stage", "add", "qualifed", "--label", "Qualifed", "--after", "lead").code == 0
    with db.write() as s:
        health.set_stage_rhythm(s, "qualifed", 14, 30)
    result = cli("stage", "delete", "QUALIFED")
    assert (result.code, result.out, result.err) == (0, "qualifed\n", "")
    keys = [r["stage"] for r in cli("stage", "list", "--format", "json").json()]
    assert keys == ["prospect", "lead", "customer", "partner", "other"]
    with db.read() as s:
        assert [r.key for r in health.list_rules(s, "stage")] == []
    # The key is free again; a new stage under it starts with no rhythm.
    assert cli("stage", "add", "qualifed", "--label", "Again", "--after", "lead").code == 0
    assert cli("check").code == 0


def test_a_stage_in_use_or_shipped_stays_and_says_why(cli):
    cli("stage", "add", "qualified", "--label", "Qualified", "--after", "lead")
    cli("stage", "add", "parked", "--label", "Parked", "--after", "other")
    ann = cli("contact", "add", "Ann", "--stage", "qualified").id
    bob = cli("contact", "add", "Bob", "--stage", "parked").id
    cli("contact", "delete", str(bob))
    before = cli("stage", "list", "--format", "json").json()
    for key, message in (
        ("lead", "ships with the app"),
        ("qualified", "1 contact is in the stage 'qualified'; move them"),
        ("parked", "(1 of them in the trash)"),
        ("nope", "unknown stage"),
    ):
        result = cli("stage", "delete", key)
        assert result.code == 1 and message in result.err, (key, result.err)
        assert result.err.count("\n") == 1
    # Moved on, Ann's history still names the stage: it stays for the pipeline's past.
    assert cli("contact", "stage", str(ann), "customer").code == 0
    result = cli("stage", "delete", "qualified")
    assert result.code == 1 and "stage history of 1 contact" in result.err
    assert cli("stage", "list", "--format", "json").json() == before
