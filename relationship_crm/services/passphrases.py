"""Where a database's passphrase comes from: the environment, the system keyring, the rep.

The keyring entry is per database file (its real path), under its own service name, so the sync
password and the database passphrase never mix. With no usable keyring (a server, CI) nothing is
remembered and the rep is told so.
"""

from __future__ import annotations

import os
from pathlib import Path

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


def _usable_keyring() -> bool:
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return False
    try:
        backend = keyring.get_keyring()
    except Exception:  # a broken keyring configuration is the same as none
        return False
    if isinstance(backend, fail.Keyring):
        return False
    module = type(backend).__module__
    if module.startswith("keyring.backends.null"):
        return False
    return not (
        module.startswith("keyring.backends.chainer") and not getattr(backend, "backends", None)
    )


def remembered(db_path: Path) -> str | None:
    """The passphrase kept in the system keyring for this database, if any."""
    if not _usable_keyring():
        return None
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(KEYRING_SERVICE, _account(db_path))
    except (KeyringError, OSError):
        return None


def remember(db_path: Path, passphrase: str) -> bool:
    """Keep the passphrase in the system keyring; False when there is none to keep it in."""
    if not _usable_keyring():
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
    if not _usable_keyring():
        return
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.delete_password(KEYRING_SERVICE, _account(db_path))
    except (KeyringError, OSError):
        pass
