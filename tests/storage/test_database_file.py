"""Opening database files: creation, migrations, refusal of foreign files, concurrent writers."""

from __future__ import annotations

import hashlib
import multiprocessing
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

import relationship_crm.storage.db as storage_db
from relationship_crm.domain.errors import DatabaseFileError
from relationship_crm.domain.records import ContactDraft
from relationship_crm.services import contacts
from relationship_crm.storage import encryption, list_cells
from relationship_crm.storage.database_file import KNOWN_REVISIONS, SCHEMA_HEAD
from relationship_crm.storage.db import open_database
from relationship_crm.storage.encryption import WrongPassphraseError
from relationship_crm.storage.schema import Base
from tests.database_files import connect_file


def _script_directory() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", str(Path(storage_db.__file__).parent / "migrations"))
    return ScriptDirectory.from_config(config)


def test_known_revisions_match_the_alembic_scripts():
    script = _script_directory()
    chain = [rev.revision for rev in script.walk_revisions()]
    assert tuple(reversed(chain)) == KNOWN_REVISIONS
    assert script.get_current_head() == SCHEMA_HEAD


def test_migrated_schema_matches_the_orm_metadata(db):
    engine = create_engine(f"sqlite:///{db.path}", **encryption.engine_options(Path(db.path)))
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                # The search index's FTS tables, and the contact list's SQLite-only partial
                # index (storage.list_cells, made with its triggers), are not in the metadata.
                "include_object": lambda o, n, t, r, c: (
                    not (t == "table" and n is not None and n.startswith("contacts_fts"))
                    and not (t == "index" and n == list_cells.INDEX)
                )
            },
        )
        diffs = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diffs == []


def test_new_database_has_the_pragmas(db):
    with db.read() as s:
        assert s.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert s.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert s.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_text_file_is_refused_and_untouched(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("this is my shopping list\n" * 100)
    before = _digest(path)
    with pytest.raises(DatabaseFileError, match="not a Relationship CRM database"):
        open_database(path)
    assert _digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_another_programs_sqlite_file_is_refused_and_untouched(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE things (x)")
    conn.commit()
    conn.close()
    before = _digest(path)
    with pytest.raises(DatabaseFileError, match="another program"):
        open_database(path)
    assert _digest(path) == before


def test_a_newer_schema_is_refused_and_untouched(tmp_path):
    path = tmp_path / "crm.sqlite3"
    open_database(path).close()
    conn = connect_file(path)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = _digest(path)
    with pytest.raises(DatabaseFileError, match="newer version"):
        open_database(path)
    assert _digest(path) == before


def test_a_damaged_file_is_refused(tmp_path):
    path = tmp_path / "crm.sqlite3"
    open_database(path).close()
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # smash the first page after the header
    path.write_bytes(bytes(data))
    # SQLCipher cannot tell a damaged first page from a wrong key (its checksum fails either
    # way): an encrypted file is refused with "wrong passphrase ... (or it is not a Relationship
    # CRM database)" instead.
    refusal = WrongPassphraseError if encryption.is_encrypted(path) else DatabaseFileError
    before = _digest(path)
    with pytest.raises(refusal):
        open_database(path)
    assert _digest(path) == before


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(DatabaseFileError, match="is a folder"):
        open_database(tmp_path)


def test_an_empty_file_becomes_a_database(tmp_path):
    path = tmp_path / "empty.sqlite3"
    path.touch()
    open_database(path).close()
    conn = connect_file(path)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (SCHEMA_HEAD,)
    conn.close()


def test_reopening_keeps_data(db_path):
    first = open_database(db_path)
    with first.write() as s:
        cid = contacts.create(s, ContactDraft(name="Kept Person")).id
    first.close()
    second = open_database(db_path)
    with second.read() as s:
        assert contacts.get(s, cid).name == "Kept Person"
    second.close()


def test_a_failed_transaction_writes_nothing(db):
    with pytest.raises(RuntimeError):
        with db.write() as s:
            contacts.create(s, ContactDraft(name="Half Written", company="Ghost Co"))
            raise RuntimeError("power cut")
    with db.read() as s:
        assert contacts.count(s) == 0
        assert s.execute(text("SELECT count(*) FROM companies")).scalar() == 0
        assert s.execute(text("SELECT count(*) FROM contacts_fts")).scalar() == 0


def _writer(path: str, worker: int, rounds: int) -> None:
    db = open_database(Path(path))
    for i in range(rounds):
        with db.write() as s:
            # Read first, then write: the pattern that fails with deferred transactions.
            n = contacts.count(s)
            contacts.create(s, ContactDraft(name=f"Worker {worker} Contact {i} after {n}"))
    db.close()


def test_several_processes_write_at_once_without_locking_errors(db_path):
    open_database(db_path).close()
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(db_path), w, 40)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    db = open_database(db_path)
    with db.read() as s:
        assert contacts.count(s) == 160
    db.close()


def test_an_older_schema_is_migrated_with_its_data(tmp_path):
    from alembic import command

    path = tmp_path / "old.sqlite3"
    config = Config()
    config.set_main_option("script_location", str(Path(storage_db.__file__).parent / "migrations"))
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, KNOWN_REVISIONS[0])
        connection.execute(
            text(
                "INSERT INTO contacts (id, display_name, given_name, family_name, sort_name, title,"
                " stage, notes, created_at, updated_at) VALUES (7, 'Old Timer', '', '', "
                "'old timer', '', 'lead', '', '2020-01-01 00:00:00.000000', "
                "'2020-01-01 00:00:00.000000')"
            )
        )
    engine.dispose()
    db = open_database(path)
    with db.read() as s:
        assert s.execute(text("SELECT version_num FROM alembic_version")).scalar() == SCHEMA_HEAD
        assert contacts.get(s, 7).name == "Old Timer"
    db.close()


def _migrate(path: Path, revision: str, *, down: bool = False, sql: tuple[str, ...] = ()) -> None:
    from alembic import command

    config = Config()
    config.set_main_option("script_location", str(Path(storage_db.__file__).parent / "migrations"))
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)
        for statement in sql:
            connection.execute(text(statement))
    engine.dispose()


def test_a_file_from_before_the_company_cell_lists_its_companies_after_the_migration(tmp_path):
    path = tmp_path / "0012.sqlite3"
    stamp = "'2020-01-01 00:00:00.000000'"
    _migrate(
        path,
        "0012_list_cells",
        sql=(
            f"INSERT INTO companies (id, name, name_key, website, notes, created_at, updated_at) "
            f"VALUES (3, 'Acme', 'acme', '', '', {stamp}, {stamp})",
            *(
                "INSERT INTO contacts (id, display_name, given_name, family_name, sort_name, "
                f"title, stage, notes, created_at, updated_at, company_id) VALUES ({cid}, "
                f"'{name}', '', '', '{name.lower()}', '', 'lead', '', {stamp}, {stamp}, {company})"
                for cid, name, company in ((1, "Ann", 3), (2, "Bob", "NULL"))
            ),
        ),
    )
    db = open_database(path)
    try:
        with db.read() as s:
            assert [row[1:3] for row in contacts.list_cells(s, stage="lead")] == [
                ("Ann", "Acme"),
                ("Bob", ""),
            ]
            assert list_cells.missing_triggers(s) == []
            index = s.execute(
                text("SELECT sql FROM sqlite_master WHERE name = :n"), {"n": list_cells.INDEX}
            ).scalar()
            assert "list_company" in index and "company_id" not in index
        with db.write() as s:
            contacts.update(s, 2, company="Acme")
        with db.read() as s:
            assert [row[2] for row in contacts.list_cells(s)] == ["Acme", "Acme"]
    finally:
        db.close()
    # Back to 0012 (a rep going back a version keeps a working file) and up again.
    _migrate(path, "0012_list_cells", down=True)
    conn = sqlite3.connect(path)  # a plain file: made by Alembic above, not by the app
    try:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(contacts)")]
        assert "list_company" not in columns and "list_emails" in columns
        conn.execute("UPDATE companies SET name = 'Acme Ltd' WHERE id = 3")  # no trigger fires
        conn.commit()
    finally:
        conn.close()
    db = open_database(path)
    try:
        with db.read() as s:
            assert [row[2] for row in contacts.list_cells(s)] == ["Acme Ltd", "Acme Ltd"]
            assert list_cells.missing_triggers(s) == []
    finally:
        db.close()
