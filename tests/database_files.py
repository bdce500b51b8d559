"""Opening a database file the tests made, plain or encrypted (CRM_TEST_ENCRYPTED=1)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from relationship_crm.storage import encryption
from relationship_crm.storage.database_file import inspect_file


def connect_file(path: Path | str, *, like: Path | str | None = None, **kwargs: Any) -> Any:
    """A DB-API connection to `path`: the standard library's for a plain file, SQLCipher's
    (keyed) for an encrypted one. A new file `like` another gets that file's key. Plain runs
    connect exactly as sqlite3.connect does."""
    path = Path(path)
    if like is not None:
        key = encryption.key_for(like)
        if key is not None:
            encryption.remember(path, key)
    elif (
        os.environ.get("CRM_TEST_ENCRYPTED") == "1"
        and path.exists()
        and path.stat().st_size > 0
        and not encryption.is_encrypted(path)
    ):
        inspect_file(path)  # unlocks an encrypted file with the test passphrase
    return encryption.connect(path, **kwargs)
