"""Where the app keeps its files: resolved once, from --db, RELATIONSHIP_CRM_DB or platformdirs."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from relationship_crm.domain.errors import KnownError

APP_NAME = "relationship-crm"
DB_ENV_VAR = "RELATIONSHIP_CRM_DB"
DEFAULT_DB_NAME = "crm.sqlite3"


@dataclass(frozen=True)
class AppPaths:
    """The database file and the folders that sit beside it."""

    db: Path
    # Typed with --db for this one run (a typo is likely), not the default or configured in
    # RELATIONSHIP_CRM_DB (set up on purpose, so its folders may be made).
    typed: bool = field(default=False, compare=False)

    @property
    def data(self) -> Path:
        return self.db.parent

    @property
    def backups(self) -> Path:
        return self.data / "backups"

    @property
    def is_default(self) -> bool:
        return self.db == default_db_path()

    @classmethod
    def resolve(cls, override: str | os.PathLike[str] | None = None) -> AppPaths:
        """--db wins, then the environment variable, then the per-user data folder.

        An empty --db is a KnownError: falling back to the default would open another database
        than the one the rep meant.
        """
        if override is not None and not str(override).strip():
            raise KnownError("--db needs a path to a database file (it was empty)")
        if override:
            return cls(Path(override).expanduser().absolute(), typed=True)
        configured = os.environ.get(DB_ENV_VAR)
        if configured:
            return cls(Path(configured).expanduser().absolute())
        return cls(default_db_path())

    def check_creatable(self) -> None:
        """KnownError unless the database exists or may be created where the rep clearly asked:
        the default or configured location (its folders are made), or, for a path typed with
        --db, a folder that exists. A mistyped --db then gets one line instead of new folders
        and an empty database."""
        if not self.typed or self.db.exists():
            return  # an existing file is judged by open_database (folder, not a database...)
        folder = self.db.parent
        if not folder.is_dir():
            what = "is not a folder" if folder.exists() else "does not exist"
            raise KnownError(
                f"no database at {self.db}, and its folder {folder} {what}; check the path "
                "(a new database is created only in a folder that exists)"
            )


def default_db_path() -> Path:
    """`crm.sqlite3` in the user data folder (e.g. ~/.local/share/relationship-crm on Linux)."""
    # Imported here: platformdirs loads tempfile, shutil and random, which a command given --db
    # (or the environment variable) never needs (issue 18: start-up).
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / DEFAULT_DB_NAME
