"""Where a command's passphrase for an encrypted database comes from: the environment
(``RELATIONSHIP_CRM_PASSPHRASE``), the system keyring (after `--remember`), else the terminal
(only when standard input is one). Installed by `cli.main` for every command, so it stays small:
the `encryption` command group is loaded only for its own commands."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Iterator
from pathlib import Path

from relationship_crm.services import passphrases
from relationship_crm.storage import encryption

#: Tries at the terminal prompt before giving up with "wrong passphrase".
PROMPT_TRIES = 3


def use_passphrases() -> None:
    """Unlock encrypted files with the environment, the keyring or the terminal (new databases
    are created encrypted when the environment gives a passphrase: storage.encryption)."""
    encryption.set_passphrase_source(_passphrases)


def _passphrases(path: Path, retry: bool) -> Iterator[str]:
    given = passphrases.from_environment()
    if given:
        yield given
    kept = passphrases.remembered(path)
    if kept:
        yield kept
    if interactive():
        for _ in range(PROMPT_TRIES):
            yield getpass.getpass(f"Passphrase for {path}: ")


def interactive() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (ValueError, OSError):
        return False
