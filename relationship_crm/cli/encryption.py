"""Encryption at rest: `encrypt`, `decrypt`, `change-passphrase`, and where passphrases come from.

A passphrase is read from ``RELATIONSHIP_CRM_PASSPHRASE`` (scripts), else from the system keyring
(after `--remember`), else asked on the terminal (only when standard input is one). A new
passphrase (`encrypt`, `change-passphrase`) is asked twice on a terminal, or read from
``RELATIONSHIP_CRM_NEW_PASSPHRASE`` (`encrypt` also takes ``RELATIONSHIP_CRM_PASSPHRASE``).
"""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path
from typing import TextIO

import relationship_crm.cli.passphrase_prompt as prompt
from relationship_crm.cli.common import Commands, Common
from relationship_crm.domain.errors import KnownError
from relationship_crm.paths import AppPaths
from relationship_crm.services import passphrases
from relationship_crm.storage import encryption


def _new_passphrase(*, also_current: bool) -> str:
    given = passphrases.new_from_environment()
    if given is None and also_current:
        given = passphrases.from_environment()
    if given is not None:
        return given
    if not prompt.interactive():
        raise KnownError(
            "no new passphrase: type it on a terminal, or set "
            f"{passphrases.NEW_PASSPHRASE_ENV_VAR} in a script"
        )
    first = getpass.getpass("New passphrase: ")
    if not first:
        raise KnownError("the passphrase is empty; nothing was changed")
    if getpass.getpass("The same passphrase again: ") != first:
        raise KnownError("the two passphrases differ; nothing was changed")
    return first


def register(commands: Commands, common: Common) -> None:
    _remember_option(
        common.file_command(
            commands,
            "encrypt",
            _encrypt,
            "encrypt the database with a passphrase (SQLCipher); the unencrypted file is kept "
            "beside it until you delete it (close the app first)",
        )
    )
    common.file_command(
        commands,
        "decrypt",
        _decrypt,
        "turn the encrypted database back into a plain file (close the app first)",
    )
    _remember_option(
        common.file_command(
            commands,
            "change-passphrase",
            _change_passphrase,
            "change the passphrase of the encrypted database (close the app first)",
        )
    )


def _remember_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--remember",
        action="store_true",
        help="keep the passphrase in the system keyring, so it is not asked for again",
    )


def _file_only(paths: AppPaths, command: str) -> None:
    """Encryption is of a database file; a server database is the server's to protect."""
    if paths.url is not None:
        raise KnownError(
            f"{command} works on a database file; a server database is protected by its server"
        )


def _remembered_line(db_path: Path, passphrase: str) -> str:
    if passphrases.remember(db_path, passphrase):
        return "the passphrase is kept in the system keyring\n"
    return "no system keyring here: the passphrase was not kept; give it each time\n"


def _encrypt(args: argparse.Namespace, paths: AppPaths, out: TextIO) -> int:
    """Encrypt the database; says where the plain file is kept and which backups are plain."""
    from relationship_crm.storage import cipher_files

    _file_only(paths, "encrypt")
    encryption.require()
    if encryption.is_encrypted(paths.db) or _unlocks(paths.db):
        raise KnownError(f"{paths.db} is already encrypted (change-passphrase changes its key)")
    passphrase = _new_passphrase(also_current=True)
    aside = cipher_files.encrypt(paths.db, passphrase)
    out.write(f"encrypted {paths.db}\n")
    out.write(
        f"the unencrypted database is kept as {aside}: it is not protected; delete it once "
        "you have checked that the encrypted one opens\n"
    )
    plain = cipher_files.plain_backups(paths.db)
    if plain:
        out.write(
            f"{len(plain)} earlier backup{'s' if len(plain) > 1 else ''} in {plain[0].parent} "
            "are not encrypted; delete them too (new backups are encrypted)\n"
        )
    if args.remember:
        out.write(_remembered_line(paths.db, passphrase))
    return 0


def _unlocks(db_path: Path) -> bool:
    """Whether the file at `db_path` is encrypted (unlocking it, so asking for its passphrase)."""
    from relationship_crm.storage.database_file import inspect_file

    if not db_path.exists():
        return False
    inspect_file(db_path)
    return encryption.is_encrypted(db_path)


def _decrypt(args: argparse.Namespace, paths: AppPaths, out: TextIO) -> int:
    from relationship_crm.storage import cipher_files

    _file_only(paths, "decrypt")
    aside = cipher_files.decrypt(paths.db)
    passphrases.forget(paths.db)
    out.write(f"decrypted {paths.db}: it is a plain file again, readable by anyone who has it\n")
    out.write(f"the encrypted database is kept as {aside}; delete it when you no longer need it\n")
    return 0


def _change_passphrase(args: argparse.Namespace, paths: AppPaths, out: TextIO) -> int:
    from relationship_crm.storage import cipher_files

    _file_only(paths, "change-passphrase")
    encryption.require()
    if not _unlocks(paths.db):
        raise KnownError(f"{paths.db} is not encrypted (encrypt encrypts it)")
    was_kept = passphrases.remembered(paths.db) is not None
    passphrase = _new_passphrase(also_current=False)
    cipher_files.change_passphrase(paths.db, passphrase)
    out.write(f"the passphrase of {paths.db} is changed; backups made before keep the old one\n")
    if args.remember or was_kept:
        out.write(_remembered_line(paths.db, passphrase))
    return 0
