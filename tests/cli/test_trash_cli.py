"""`contact delete` and `trash list|restore|empty` through the real command line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from relationship_crm.services import contacts
from relationship_crm.storage.db import open_database


def test_delete_moves_a_contact_to_the_trash_and_restore_brings_it_back(cli):
    jane = cli("contact", "add", "Jane Doe", "--company", "Acme", "--notes", "golf").id
    cli("contact", "add", "John Roe")
    deleted = cli("contact", "delete", str(jane))
    assert (deleted.code, deleted.out, deleted.err) == (0, f"{jane}\n", "")
    assert [c["name"] for c in cli("contact", "list", "--format", "json").json()] == ["John Roe"]
    assert cli("search", "golf", "--format", "json").json() == []
    shown = cli("contact", "show", str(jane))
    assert shown.code == 1 and f"no contact with id {jane}" in shown.err

    listed = cli("trash", "list", "--format", "json").json()
    assert [(t["id"], t["name"], t["company"]) for t in listed] == [(jane, "Jane Doe", "Acme")]
    deleted_at = datetime.fromisoformat(listed[0]["deleted_at"])
    assert datetime.fromisoformat(listed[0]["purge_after"]) - deleted_at == timedelta(days=30)
    assert abs(datetime.now(UTC) - deleted_at) < timedelta(minutes=5)
    text = cli("trash", "list").out.splitlines()
    assert text[0].split() == [
        "ID",
        "NAME",
        "COMPANY",
        "DELETED",
        "DELETED",
        "FOR",
        "GOOD",
        "AFTER",
    ]
    assert "Jane Doe" in text[1] and "Acme" in text[1]

    restored = cli("trash", "restore", str(jane))
    assert (restored.code, restored.out) == (0, f"{jane}\n")
    assert [c["name"] for c in cli("search", "golf", "--format", "json").json()] == ["Jane Doe"]
    assert cli("trash", "list").out == "The trash is empty.\n"
    assert cli("trash", "list", "--format", "json").json() == []


def test_restore_needs_a_contact_in_the_trash(cli):
    jane = cli("contact", "add", "Jane Doe").id
    result = cli("trash", "restore", str(jane))
    assert result.code == 1
    assert result.err == f"relationship-crm: error: contact {jane} (Jane Doe) is not in the trash\n"
    assert cli("trash", "restore", "99").code == 1
    assert cli("contact", "delete", "99").code == 1


def test_empty_deletes_for_good(cli, db_path):
    ids = [cli("contact", "add", name).id for name in ("Ann", "Bob", "Cy")]
    cli("meeting", "log", "--title", "Lunch", "--at", "2026-11-20 12:00", "--with", str(ids[0]))
    for cid in ids[:2]:
        cli("contact", "delete", str(cid))
    emptied = cli("trash", "empty")
    assert (emptied.code, emptied.out) == (0, "Deleted 2 contacts for good.\n")
    assert cli("trash", "list", "--format", "json").json() == []
    assert cli("trash", "restore", str(ids[0])).code == 1
    assert cli("meeting", "list", "--format", "json").json() == []  # nobody else attended
    assert [c["name"] for c in cli("contact", "list", "--format", "json").json()] == ["Cy"]
    assert cli("trash", "empty").out == "Deleted 0 contacts for good.\n"


def test_trash_commands_first_purge_what_is_over_30_days_old(cli, db_path):
    old, recent = (cli("contact", "add", name).id for name in ("Old Timer", "Recent Ex"))
    db = open_database(db_path)
    try:
        with db.write() as s:
            contacts.trash(s, old, now=datetime.now(UTC) - timedelta(days=31))
            contacts.trash(s, recent, now=datetime.now(UTC) - timedelta(days=29))
    finally:
        db.close()
    assert [t["name"] for t in cli("trash", "list", "--format", "json").json()] == ["Recent Ex"]
    assert cli("trash", "restore", str(old)).code == 1


def test_help_documents_the_trash(cli):
    for argv in (["trash", "--help"], ["trash", "list", "--help"], ["contact", "delete", "--help"]):
        result = cli(*argv)
        assert result.code == 0 and "usage:" in result.out
    assert "30 days" in cli("trash", "--help").out
