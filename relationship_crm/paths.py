"""Where the app keeps its files: resolved once, from --db, RELATIONSHIP_CRM_DB or platformdirs."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "relationship-crm"
DB_ENV_VAR = "RELATIONSHIP_CRM_DB"
DEFAULT_DB_NAME = "crm.sqlite3"


@dataclass(frozen=True)
class AppPaths:
    """The database file and the folders that sit beside it."""

    db: Path

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
        """--db wins, then the environment variable, then the per-user data folder."""
        chosen = override or os.environ.get(DB_ENV_VAR) or None
        if chosen:
            return cls(Path(chosen).expanduser().absolute())
        return cls(default_db_path())


def default_db_path() -> Path:
    """`crm.sqlite3` in the user data folder (e.g. ~/.local/share/relationship-crm on Linux)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / DEFAULT_DB_NAME
