"""The database as a whole: `sample-data`, `backup`, `restore`, `check` and `config`."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import relationship_crm.cli.args as types
from relationship_crm.cli.common import EXIT_ERROR, PROG, Commands, Common
from relationship_crm.cli.output import print_json
from relationship_crm.domain.errors import KnownError
from relationship_crm.domain.vocabulary import KNOWN_SETTINGS
from relationship_crm.paths import AppPaths

if TYPE_CHECKING:
    from relationship_crm.storage.db import Database


def register(commands: Commands, common: Common) -> None:
    _sample_data_options(
        common.command(
            commands,
            "sample-data",
            _sample_data,
            "add realistic sample contacts, companies, meetings, follow-ups, notes and gifts",
        )
    )
    _backup_options(
        common.file_command(
            commands,
            "backup",
            _backup,
            "back up the database now (consistent even while the app is open); prints the new file",
        )
    )
    _restore_options(
        common.file_command(
            commands,
            "restore",
            _restore,
            "replace the database with a backup, after checking it; the current database is "
            "kept beside it under a new name (close the app first)",
        )
    )
    _check_options(
        common.file_command(
            commands,
            "check",
            _check,
            "check the database: SQLite's integrity and foreign-key checks and the app's own; "
            "prints each problem and exits with status 1 if there is any (reads only)",
        )
    )

    cfg = common.group(
        commands, "config", "show or change settings (time zone, currency, your name...)"
    )
    common.command(cfg, "show", _config_show, "show all settings", [common.fmt])
    _config_set_options(common.command(cfg, "set", _config_set, 'change a setting ("" resets it)'))


# --- sample-data ------------------------------------------------------------------------------


def _sample_count(text: str) -> int:
    from relationship_crm.services.sample_data import MAX_CONTACTS

    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_CONTACTS:
        raise argparse.ArgumentTypeError(
            f"expected a number of contacts from 1 to {MAX_CONTACTS:,}, not {text!r}"
        )
    return value


def _sample_data_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--contacts",
        required=True,
        type=_sample_count,
        metavar="N",
        help="how many: 1 to 1,000,000",
    )
    p.add_argument("--seed", type=int, default=0, help="same seed, same data (default: 0)")
    p.add_argument(
        "--worst-case",
        action="store_true",
        help="for benchmarks: a fifth of the follow-ups overdue whatever the size (by default "
        "the daily list holds what a busy rep's does, a few hundred overdue at most)",
    )
    # For reproducible tests and demos: the day the sample's dates are placed around.
    p.add_argument("--today", type=types.day, default=None, help=argparse.SUPPRESS)


def _sample_data(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    """Fill the database with sample data; prints one summary line."""
    from relationship_crm.scheduling.zones import localize
    from relationship_crm.services import sample_data, settings

    with db.write() as s:
        zone = settings.zone(s)
        if args.today is None:
            today, now = types.today_in(zone), datetime.now(UTC)
        else:
            # A given day makes the sample reproducible: "now" is that day's noon.
            today, now = args.today, localize(datetime.combine(args.today, time(12)), zone)
        summary = sample_data.generate(
            s,
            contacts=args.contacts,
            seed=args.seed,
            today=today,
            tz=zone,
            now=now,
            worst_case=args.worst_case,
        )
    out.write(f"{summary.describe()}\n")
    return 0


# --- the database file: backup, restore, check ---------------------------------------------------


def _backup_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--to",
        metavar="DIR",
        help="folder to write the backup to (default: the backups folder beside the database)",
    )


def _backup(args: argparse.Namespace, paths: AppPaths, out: TextIO) -> int:
    """A manual backup into --to DIR or the backups folder beside the database; prints its path.

    Only the default folder is rotated (its automatic backups); nothing is ever deleted in DIR.
    """
    from relationship_crm.storage import backups

    now = datetime.now(UTC)
    if paths.url is not None:
        return _server_backup(args, paths, out, now)
    if args.to is not None:
        made = backups.make_backup(paths.db, folder=Path(args.to).expanduser(), now=now)
    else:
        made = backups.make_backup(paths.db, folder=paths.backups, now=now)
        backups.rotate(paths.backups, now=now, of=paths.db)
    out.write(f"{made}\n")
    return 0


def _restore_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="the backup file (.sqlite3) to restore")


def _restore(args: argparse.Namespace, paths: AppPaths, out: TextIO) -> int:
    """Replace the database with a checked copy of FILE; the current one is kept beside it."""
    from relationship_crm.storage import backups, encryption

    source = Path(args.file).expanduser()
    if paths.url is not None:
        return _server_restore(paths.url, source)
    kept = backups.restore(paths.db, source)
    aside = f"; the previous database is kept as {kept}" if kept else ""
    sys.stderr.write(f"{PROG}: restored {source} to {paths.db}{aside}\n")
    if kept is not None and encryption.is_encrypted(kept) and not encryption.is_encrypted(paths.db):
        sys.stderr.write(
            f"{PROG}: warning: the restored database is not encrypted (the backup was made "
            f"before it was); encrypt it again with {PROG} encrypt\n"
        )
    return 0


def _check_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--repair",
        action="store_true",
        help="fix what can be recomputed safely (after a backup); print what was left",
    )


def _check(args: argparse.Namespace, paths: AppPaths, out: TextIO) -> int:
    """Print each problem found, then a summary line; exit status 1 if there is any problem."""
    from relationship_crm.services import integrity

    if paths.url is not None:
        return _server_check(args, paths.url, out)
    if args.repair:
        from relationship_crm.services.repair import repair

        done = repair(paths.db, backup_folder=paths.backups)
        if done.backup:
            out.write(f"backup: {done.backup}\n")
        for line in done.fixed:
            out.write(f"repaired: {line}\n")
        for problem in done.after.problems:
            out.write(f"left: {problem}\n")
        out.write(f"{done.after.summary()}\n")
        return 0 if done.ok else EXIT_ERROR
    report = integrity.run(paths.db)
    for problem in report.problems:
        out.write(f"{problem}\n")
    out.write(f"{report.summary()}\n")
    return 0 if report.ok else EXIT_ERROR


# --- the same on a team's server database (issue 20) -------------------------------------------


def _server_backup(args: argparse.Namespace, paths: AppPaths, out: TextIO, now: datetime) -> int:
    """A server database is backed up as the JSON copy (what `export --format json` writes):
    readable by any version of the app and restorable into any engine; pg_dump is the admin's."""
    from relationship_crm.services import export_files, json_copy
    from relationship_crm.storage.db import open_database
    from relationship_crm.storage.server import database_name

    folder = Path(args.to).expanduser() if args.to is not None else paths.backups
    if not folder.is_dir():
        if args.to is not None:
            raise KnownError(f"the folder {folder} does not exist")
        folder.mkdir(mode=0o700, parents=True)
    assert paths.url is not None
    target = folder / f"{database_name(paths.url)}-{now.strftime('%Y%m%d-%H%M%S')}.json"
    db = open_database(paths.url)
    try:
        with db.read() as s:
            data = json_copy.export_json(s, now=now)
    finally:
        db.close()
    export_files.write_atomic(target, data)
    out.write(f"{target}\n")
    return 0


def _server_restore(url: str, source: Path) -> int:
    """Read a JSON copy into an empty server database (a restore never merges into a team's
    records: `import` does that, with its duplicate rules)."""
    from sqlalchemy import func, select

    from relationship_crm.services import json_copy_import, json_copy_reading
    from relationship_crm.storage.db import open_database
    from relationship_crm.storage.schema import Contact

    try:
        data = source.read_bytes()
    except OSError as exc:
        raise KnownError(f"cannot read {source}: {exc.strerror}") from None
    if not json_copy_reading.looks_like_copy(data):
        raise KnownError(
            f"{source} is not a JSON copy; a server database is restored from one "
            "(`backup` or `export --format json` writes it)"
        )
    db = open_database(url)
    try:
        with db.write() as s:
            if s.scalar(select(func.count()).select_from(Contact)):
                raise KnownError(
                    f"{db.where} is not empty; restore into a new, empty database, or add the "
                    "copy's records with `import`"
                )
            json_copy_import.import_document(s, data)
    finally:
        db.close()
    sys.stderr.write(f"{PROG}: restored {source} to {db.where}\n")
    return 0


def _server_check(args: argparse.Namespace, url: str, out: TextIO) -> int:
    from relationship_crm.services import server_check
    from relationship_crm.storage.db import open_database

    if args.repair:
        raise KnownError("check --repair works on a database file; on a server, run `check`")
    db = open_database(url)
    try:
        with db.read() as s:
            report = server_check.run(s, db.where)
    finally:
        db.close()
    for problem in report.problems:
        out.write(f"{problem}\n")
    out.write(f"{report.summary()}\n")
    return 0 if report.ok else EXIT_ERROR


# --- config -----------------------------------------------------------------------------------


def _config_show(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import settings

    with db.read() as s:
        stored = settings.all_settings(s)
        zone = settings.zone(s)
        # On a team's server: whether each value is the rep's own or the team's (JSON only:
        # the text stays the same on every database).
        scopes = {key: settings.scope(s, key) for key in settings.KNOWN_SETTINGS}
    if args.format == "json":
        rows = [
            {"key": key, "value": stored.get(key), "description": help_text}
            for key, help_text in settings.KNOWN_SETTINGS.items()
        ]
        rows[0]["effective"] = zone  # timezone: what is used when the setting is empty
        if scopes["timezone"] != "file":
            for row in rows:
                row["scope"] = scopes[str(row["key"])]
        print_json(rows, out)
        return 0
    out.write(f"database: {db.where}\n")
    for key, help_text in settings.KNOWN_SETTINGS.items():
        value = stored.get(key)
        if key == "timezone" and value is None:
            value = f"{zone} (system)"
        # A multi-line value (an address) stays on its line, its breaks written as \n.
        shown = (value or "").replace("\n", "\\n")
        out.write(f"{key} = {shown}\t# {help_text}\n")
    return 0


def _config_set_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "key",
        choices=list(KNOWN_SETTINGS),
        metavar="KEY",
        help=", ".join(KNOWN_SETTINGS),
    )
    p.add_argument("value", metavar="VALUE")
    p.add_argument(
        "--team",
        action="store_true",
        help="on a team's server database: the team's value, for every rep who set none (your "
        "name, signature, time zone... are otherwise yours alone)",
    )


def _config_set(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import thanks_drafts

    with db.write() as s:
        # Through thanks_drafts: unedited drafts follow the rep's details in the same transaction.
        thanks_drafts.put_setting(s, args.key, args.value, for_team=args.team)
    return 0
