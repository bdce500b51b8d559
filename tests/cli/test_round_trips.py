"""The whole sample database survives every export format's round trip into an empty database."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from relationship_crm.services import contacts
from relationship_crm.storage.db import open_database

SAMPLE = ("sample-data", "--contacts", "200", "--seed", "1", "--today", "2026-11-23")


def contact_fields(path: Path, *, keep: tuple[str, ...]) -> list[dict[str, Any]]:
    """Every contact as the fields in `keep`, in name order (ids and times differ by design)."""
    database = open_database(path)
    try:
        with database.read() as session:
            found = contacts.list_contacts(session)
    finally:
        database.close()
    return [{key: dataclasses.asdict(c)[key] for key in keep} for c in found]


# What each format carries of a contact (the CSV holds the first address, as all have at most one).
CARRIED = (
    "name",
    "given_name",
    "family_name",
    "emails",
    "phones",
    "addresses",
    "company",
    "title",
    "stage",
    "tags",
    "birthday",
    "notes",
)


def contacts_with_a_tag(path: Path) -> str:
    """A tag some sample contact has."""
    database = open_database(path)
    try:
        with database.read() as session:
            return next(t for c in contacts.list_contacts(session) for t in c.tags)
    finally:
        database.close()


@pytest.fixture
def sample_db(cli, db_path) -> Path:
    result = cli(*SAMPLE)
    assert result.code == 0, result.err
    # Trigger events (issue 15): one on a company, fanning out follow-ups, one on a contact.
    company = cli("company", "list", "--format", "json").json()[0]["name"]
    for target in (("--company", company), ("--contact", "3")):
        added = cli(
            "event",
            "add",
            *target,
            "--kind",
            "funding",
            "--date",
            "2026-11-20",
            "--note",
            "Series B",
            "--source",
            "https://example.com/b",
        )
        assert added.code == 0, added.err
    return db_path


def test_a_json_copy_imports_into_an_empty_database_and_exports_identically(
    cli, sample_db, tmp_path
):
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    # Keep-in-touch rules of every kind travel too (issue 15).
    tag = contacts_with_a_tag(sample_db)
    assert cli("tag", "keep-in-touch", tag, "--ideal", "30", "--max", "45").code == 0
    assert cli("contact", "keep-in-touch", "3", "--ideal", "7", "--max", "10").code == 0
    assert cli("contact", "keep-in-touch", "4", "--off").code == 0
    paused = cli("contact", "keep-in-touch", "5", "--pause-until", "2027-01-31", "--reason", "away")
    assert paused.code == 0
    assert cli("config", "set", "gift_budget", "1200 USD").code == 0  # the dashboard's budget
    assert cli("export", "--format", "json", str(first)).code == 0
    fresh = tmp_path / "fresh.sqlite3"
    result = cli("import", str(first), db=fresh)
    assert result.code == 0, result.err
    assert cli("export", "--format", "json", str(second), db=fresh).code == 0
    one, two = json.loads(first.read_text("utf-8")), json.loads(second.read_text("utf-8"))
    assert one.pop("exported_at") and two.pop("exported_at")  # the only thing that may differ
    assert len(one["contacts"]) == 200 and one["meetings"] and one["thank_you_notes"]
    assert len(one["trigger_events"]) == 2
    assert any(f["trigger_event_id"] is not None for f in one["follow_ups"])
    assert len(one["keep_in_touch_rhythms"]) == 4
    assert one["settings"]["gift_budget"] == "1200 USD"
    assert two == one


@pytest.mark.parametrize("fmt", ["csv", "vcf"])
def test_contacts_survive_an_export_and_import_into_an_empty_database(
    cli, sample_db, tmp_path, fmt
):
    out = tmp_path / f"contacts.{fmt}"
    assert cli("export", "--format", fmt, str(out)).code == 0
    assert (b"\r\nADR;TYPE=work:" if fmt == "vcf" else b",Street,") in out.read_bytes()
    fresh = tmp_path / "fresh.sqlite3"
    result = cli("import", str(out), db=fresh)
    assert result.code == 0, result.err
    before = contact_fields(sample_db, keep=CARRIED)
    after = contact_fields(fresh, keep=CARRIED)
    assert len(after) == len(before) == 200
    assert sum(1 for c in before if c["addresses"]) > 0  # addresses are part of the proof
    assert max(len(c["addresses"]) for c in before) == 1  # so the CSV holds every one
    assert sum(1 for c in before if c["birthday"] and c["birthday"].startswith("--")) > 0
    assert after == before
