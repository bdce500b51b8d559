"""A new file is made from `head_schema.sql` in one step: the same schema the migrations make."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

from relationship_crm.services import integrity
from relationship_crm.storage import head_schema
from relationship_crm.storage.database_file import SCHEMA_HEAD
from relationship_crm.storage.db import migrate, open_database
from tests.database_files import connect_file


def _dump(path: Path) -> str:
    with closing(connect_file(path)) as conn:  # an encrypted one too (CRM_TEST_ENCRYPTED)
        return head_schema.dump(conn)


def _normalized(script: str) -> list[tuple[list[str], list[str]]]:
    """The statements, each with its lines in order but its table constraints sorted, in sorted
    order: Alembic's batch mode writes a copied table's constraints, and makes its indexes again,
    in an order that changes from run to run (that a new file's script runs in its own order is
    the next test's)."""
    statements = []
    for statement in script.split(";\n"):
        lines = [line.strip().rstrip(",").strip() for line in statement.splitlines()]
        constraints = sorted(line for line in lines if line.startswith("CONSTRAINT"))
        statements.append(
            ([line for line in lines if not line.startswith("CONSTRAINT")], constraints)
        )
    return sorted(statements)


def test_the_script_is_what_the_migrations_make_now(tmp_path):
    path = tmp_path / "migrated.sqlite3"
    path.touch(mode=0o600)
    migrate(path)
    assert _normalized(_dump(path)) == _normalized(
        head_schema.SCRIPT.read_text(encoding="utf-8")
    ), (
        "a migration changed the schema: write the script again with "
        "`python -m relationship_crm.storage.write_head_schema`"
    )


def test_a_new_file_has_the_head_schema_and_passes_every_check(tmp_path):
    path = tmp_path / "new.sqlite3"
    open_database(path).close()
    assert _dump(path) == head_schema.SCRIPT.read_text(encoding="utf-8")
    assert integrity.check(path) == []
    with closing(connect_file(path)) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (SCHEMA_HEAD,)
        ]
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        stages = conn.execute("SELECT key FROM stages ORDER BY position").fetchall()
    assert [s for (s,) in stages] == ["prospect", "lead", "customer", "partner", "other"]
