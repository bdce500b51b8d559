"""Where a database's passphrase comes from: the environment, the system keyring, the rep.

The keyring entry is per database file (its real path), under its own service name, so the sync
password and the database passphrase never mix. With no usable keyring (a server, CI) nothing is
remembered and the rep is told so.
"""

from __future__ import annotations

import os
from pathlib import Path

from relationship_crm.services.system_keyring import usable_keyring
from relationship_crm.storage.encryption import PASSPHRASE_ENV_VAR

KEYRING_SERVICE = "relationship-crm-database"
#: The new passphrase of `change-passphrase` (and of `encrypt`, if this one is not set) in scripts.
NEW_PASSPHRASE_ENV_VAR = "RELATIONSHIP_CRM_NEW_PASSPHRASE"


def from_environment() -> str | None:
    return os.environ.get(PASSPHRASE_ENV_VAR) or None


def new_from_environment() -> str | None:
    return os.environ.get(NEW_PASSPHRASE_ENV_VAR) or None


def _account(db_path: Path) -> str:
    return os.path.realpath(db_path)


def remembered(db_path: Path) -> str | None:
    """The passphrase kept in the system keyring for this database, if any."""
    if usable_keyring() is None:
        return None
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(KEYRING_SERVICE, _account(db_path))
    except (KeyringError, OSError):
        return None


def remember(db_path: Path, passphrase: str) -> bool:
    """Keep the passphrase in the system keyring; False when there is none to keep it in."""
    if usable_keyring() is None:
        return False
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(KEYRING_SERVICE, _account(db_path), passphrase)
    except (KeyringError, OSError):
        return False
    return True


def forget(db_path: Path) -> None:
    """Remove this database's passphrase from the system keyring (nothing if it is not there)."""
    if usable_keyring() is None:
        return
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.delete_password(KEYRING_SERVICE, _account(db_path))
    except (KeyringError, OSError):
        pass
