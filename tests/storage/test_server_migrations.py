"""A team's PostgreSQL database from before migration 0013 gets the contact list's company cell
(and its triggers) when the app opens it, and goes back to 0012 and up again cleanly."""

from __future__ import annotations

import os
from itertools import count
from pathlib import Path

from alembic.config import Config
from sqlalchemy import create_engine, text

import relationship_crm.storage.db as storage_db
from relationship_crm.services import contacts
from relationship_crm.storage import list_cells
from relationship_crm.storage.db import open_database

_names = count()


def _alembic(url: str, revision: str, *, down: bool = False, sql: tuple[str, ...] = ()) -> None:
    from alembic import command

    config = Config()
    config.set_main_option("script_location", str(Path(storage_db.__file__).parent / "migrations"))
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            (command.downgrade if down else command.upgrade)(config, revision)
            for statement in sql:
                connection.execute(text(statement))
    finally:
        engine.dispose()


def test_a_team_database_from_0012_gets_the_company_cell_and_can_go_back(pg_server):
    name = f"crm_mig_{os.getpid()}_{next(_names)}"
    pg_server.admin(f'CREATE DATABASE "{name}"')
    url = pg_server.url(name)
    stamp = "'2020-01-01 00:00:00+00'"
    try:
        _alembic(
            url,
            "0012_list_cells",
            sql=(
                "INSERT INTO companies (id, name, name_key, website, notes, created_at, "
                f"updated_at) VALUES (3, 'Acme', 'acme', '', '', {stamp}, {stamp})",
                *(
                    "INSERT INTO contacts (id, display_name, given_name, family_name, sort_name, "
                    f"title, stage, notes, created_at, updated_at, company_id) VALUES ({cid}, "
                    f"'{who}', '', '', '{who.lower()}', '', 'lead', '', {stamp}, {stamp}, "
                    f"{company})"
                    for cid, who, company in ((1, "Ann", 3), (2, "Bob", "NULL"))
                ),
            ),
        )
        db = open_database(url)
        try:
            with db.read() as s:
                assert [r[1:3] for r in contacts.list_cells(s)] == [("Ann", "Acme"), ("Bob", "")]
                assert list_cells.missing_triggers(s) == []
            with db.write() as s:
                s.execute(text("UPDATE companies SET name = 'Acme Ltd' WHERE id = 3"))
                contacts.update(s, 2, company="Acme Ltd")
            with db.read() as s:
                assert [r[2] for r in contacts.list_cells(s)] == ["Acme Ltd", "Acme Ltd"]
        finally:
            db.close()
        _alembic(url, "0012_list_cells", down=True)
        engine = create_engine(url)
        try:
            with engine.connect() as connection:
                columns = connection.execute(
                    text(
                        "SELECT column_name FROM information_schema.columns "
                        "WHERE table_name = 'contacts'"
                    )
                ).scalars()
                assert "list_company" not in set(columns)
        finally:
            engine.dispose()
        db = open_database(url)
        try:
            with db.read() as s:
                assert [r[2] for r in contacts.list_cells(s)] == ["Acme Ltd", "Acme Ltd"]
                assert list_cells.missing_triggers(s) == []
        finally:
            db.close()
    finally:
        pg_server.drop_database(name)
