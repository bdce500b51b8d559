"""Our own vCard export, imported into an empty database, gives the same contacts: every field of
the JSON copy that vCard can carry (names, labelled emails, phones and addresses, company, title,
birthday with or without a year, notes, tags, stage), for the whole sample database."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from relationship_crm.services import export_files, import_files, json_copy, sample_data
from relationship_crm.storage.db import open_database

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
# The fields of a contact in the JSON copy that a vCard carries (ids, times and the stage
# history are the database's own).
CARRIED = (
    "name",
    "given_name",
    "family_name",
    "company",
    "title",
    "stage",
    "birthday",
    "notes",
    "emails",
    "phones",
    "addresses",
    "tags",
)


def people(db) -> list[str]:
    with db.read() as s:
        document = json.loads(json_copy.export_json(s, now=NOW))
    return sorted(
        json.dumps({k: c[k] for k in CARRIED}, ensure_ascii=False, sort_keys=True)
        for c in document["contacts"]
    )


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory):
    """The sample database (200 contacts), made once for both versions."""
    database = open_database(tmp_path_factory.mktemp("sample") / "sample.sqlite3")
    with database.write() as s:
        sample_data.generate(
            s, contacts=200, seed=1, today=date(2026, 11, 23), tz="Europe/Dublin", now=NOW
        )
    yield database
    database.close()


@pytest.mark.parametrize("version", ["4.0", "3.0"])
def test_the_whole_sample_database_comes_back_from_vcard(sample, tmp_path: Path, version):
    original = people(sample)
    # The sample has what the round trip must prove: addresses, labels, birthdays without year.
    joined = "\n".join(original)
    assert joined.count('"addresses": [{') >= 50
    assert '"birthday": "--' in joined and '"birthday": "19' in joined
    assert '"tags": ["' in joined and '"notes": "' in joined
    with sample.read() as s:
        exported = export_files.export(s, "vcf", vcard_version=version, now=NOW).data
    assert exported.count(b"\r\nADR") >= joined.count('"addresses": [{')
    empty = open_database(tmp_path / "empty.sqlite3")
    try:
        with empty.write() as s:
            result = import_files.import_data(s, exported, now=NOW)
        assert result.contacts.added == len(original)
        assert people(empty) == original
    finally:
        empty.close()
