"""Where the app keeps its files: resolved once, from --db, RELATIONSHIP_CRM_DB or platformdirs."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from relationship_crm.domain.errors import KnownError

APP_NAME = "relationship-crm"
DB_ENV_VAR = "RELATIONSHIP_CRM_DB"
DEFAULT_DB_NAME = "crm.sqlite3"
#: What a server database URL starts with (storage.server).
SERVER_SCHEMES = ("postgresql://", "postgresql+psycopg://", "postgres://")


@dataclass(frozen=True)
class AppPaths:
    """The database file and the folders that sit beside it, or a server database (`url`).

    For a server database (``postgresql://user@host/dbname``) `db` is the default file's place,
    used only for the folders beside it; the database itself is `url`.
    """

    db: Path
    # Typed with --db for this one run (a typo is likely), not the default or configured in
    # RELATIONSHIP_CRM_DB (set up on purpose, so its folders may be made).
    typed: bool = field(default=False, compare=False)
    url: str | None = None

    @property
    def target(self) -> Path | str:
        """What storage.db.open_database opens: the server URL, else the file."""
        return self.url if self.url is not None else self.db

    @property
    def data(self) -> Path:
        return self.db.parent

    @property
    def backups(self) -> Path:
        return self.data / "backups"

    @property
    def is_default(self) -> bool:
        return self.url is None and self.db == default_db_path()

    @property
    def shown(self) -> str:
        """The database as the rep sees it named: the file's path or the server URL."""
        return self.url if self.url is not None else str(self.db)

    @property
    def label(self) -> str:
        """A short name for a window title: the file's name or the server database's name."""
        if self.url is None:
            return self.db.name
        tail = self.url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        return tail or self.url

    @property
    def instance_key(self) -> Path:
        """What one window at a time is kept per (ui.single_instance): the file, or a name per
        server database beside the default file."""
        if self.url is None:
            return self.db
        digest = hashlib.sha256(self.url.encode()).hexdigest()[:16]
        return self.data / f"server-{digest}"

    @classmethod
    def resolve(cls, override: str | os.PathLike[str] | None = None) -> AppPaths:
        """--db wins, then the environment variable, then the per-user data folder.

        An empty --db is a KnownError: falling back to the default would open another database
        than the one the rep meant.
        """
        if override is not None and not str(override).strip():
            raise KnownError("--db needs a path to a database file (it was empty)")
        if override:
            if is_server_url(override):
                return cls(default_db_path(), typed=True, url=str(override).strip())
            return cls(Path(override).expanduser().absolute(), typed=True)
        configured = os.environ.get(DB_ENV_VAR)
        if configured:
            if is_server_url(configured):
                return cls(default_db_path(), url=configured.strip())
            return cls(Path(configured).expanduser().absolute())
        return cls(default_db_path())

    def check_creatable(self) -> None:
        """KnownError unless the database exists or may be created where the rep clearly asked:
        the default or configured location (its folders are made), or, for a path typed with
        --db, a folder that exists. A mistyped --db then gets one line instead of new folders
        and an empty database."""
        if self.url is not None:
            return  # storage.server judges the URL when it connects
        if not self.typed or self.db.exists():
            return  # an existing file is judged by open_database (folder, not a database...)
        folder = self.db.parent
        if not folder.is_dir():
            what = "is not a folder" if folder.exists() else "does not exist"
            raise KnownError(
                f"no database at {self.db}, and its folder {folder} {what}; check the path "
                "(a new database is created only in a folder that exists)"
            )


def is_server_url(target: str | os.PathLike[str]) -> bool:
    """Whether --db / RELATIONSHIP_CRM_DB names a PostgreSQL database rather than a file."""
    return str(target).strip().startswith(SERVER_SCHEMES)


def default_db_path() -> Path:
    """`crm.sqlite3` in the user data folder (e.g. ~/.local/share/relationship-crm on Linux)."""
    # Imported here: platformdirs loads tempfile, shutil and random, which a command given --db
    # (or the environment variable) never needs (issue 18: start-up).
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / DEFAULT_DB_NAME
