"""Our own CSV export imports back whole: recognised by its header, neutralisation undone."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from relationship_crm.domain.records import ContactView
from relationship_crm.interchange import csv_reading
from relationship_crm.interchange.csv_export import neutralise, unneutralise
from relationship_crm.services import contacts
from relationship_crm.storage.db import open_database


def contact_fields(path: Path | str) -> dict[str, dict[str, Any]]:
    """Every contact by name, as the fields a CSV carries (ids and times left out)."""
    database = open_database(path)
    try:
        with database.read() as session:
            found = contacts.list_contacts(session)
    finally:
        database.close()
    out = {}
    for c in found:
        fields = dataclasses.asdict(c)
        for key in ("id", "company_id", "stage_history", "created_at", "updated_at"):
            fields.pop(key)
        for key in ("version", "updated_by", "owner"):  # the team's (issue 20), not the CSV's
            fields.pop(key)
        fields["addresses"] = fields["addresses"][:1]  # the CSV holds the first address
        out[c.name] = fields
    return out


def test_our_csv_imports_back_with_everything_it_holds(cli, tmp_path, database_target):
    made = cli(
        "contact", "add", "Zoë Ångström",
        "--email", "work:zoe@example.com", "--email", "zoe@home.example",
        "--phone", "mobile:+1 212 555 0100", "--phone", "+44 20 7946 0958",
        "--company", "Café Über", "--title==CFO", "--stage", "lead",
        "--tag", "vip", "--tag", "golf", "--birthday=--07-04",
        "--notes=-5% off\nline two, with a comma; and more",
    )  # fmt: skip
    assert made.code == 0, made.err
    assert cli("contact", "add", "'=Quoted", "--birthday", "1980-02-29").code == 0
    assert cli("sample-data", "--contacts", "30", "--seed", "1").code == 0
    out = tmp_path / "contacts.csv"
    assert cli("export", "--format", "csv", str(out)).code == 0
    assert b"'--07-04" in out.read_bytes()  # still safe for a spreadsheet
    assert csv_reading.read_csv(out.read_bytes()).describe() == "Relationship CRM CSV"

    fresh = tmp_path / "fresh.sqlite3"
    result = cli("import", str(out), db=fresh)
    assert result.code == 0, result.err
    before, after = contact_fields(database_target), contact_fields(fresh)
    assert after == before
    zoe = after["Zoë Ångström"]
    assert zoe["birthday"] == "--07-04" and zoe["stage"] == "lead" and zoe["title"] == "=CFO"
    assert zoe["phones"][0] == {"value": "+1 212 555 0100", "label": "mobile"}
    assert any(fields["addresses"] for fields in after.values())


@given(st.text(max_size=30))
def test_unneutralise_undoes_exactly_neutralise(cell):
    assert unneutralise(neutralise(cell)) == cell


def test_contact_view_fields_are_the_ones_compared():
    # A new ContactView field must be added to the round trip (or to the list left out).
    assert {f.name for f in dataclasses.fields(ContactView)} >= {"addresses", "birthday"}
