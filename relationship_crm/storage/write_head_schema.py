"""Write `storage/head_schema.sql` again from a file migrated by Alembic (a developer's command).

    python -m relationship_crm.storage.write_head_schema [TARGET]

Run it after adding a migration; `tests/storage/test_head_schema.py` fails until it is run.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
from pathlib import Path

from relationship_crm.storage.db import migrate
from relationship_crm.storage.head_schema import SCRIPT, dump


def write_script(target: Path = SCRIPT) -> None:
    """Migrate a new temporary file with Alembic and write its dump to `target`."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "head.sqlite3"
        path.touch(mode=0o600)
        migrate(path)
        conn = sqlite3.connect(path)
        try:
            target.write_text(dump(conn), encoding="utf-8")
        finally:
            conn.close()


if __name__ == "__main__":  # pragma: no cover - a developer's command
    written = Path(sys.argv[1]) if len(sys.argv) > 1 else SCRIPT
    write_script(written)
    print(f"wrote {written}")
