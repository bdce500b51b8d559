"""Backups of the database file: made with SQLite's online backup API, rotated, checked, restored.

A backup is a complete, standalone SQLite file (rollback journal, no -wal beside it), private to
the user (0600, in a 0700 folder), copied from a read-only connection in one step of the backup
API: one read transaction, so it is a consistent snapshot even while the app or another process
writes (WAL lets the writer go on). It is verified with ``PRAGMA quick_check`` before it gets its
final name, so a file with a backup name is always complete.

Names are ``<db stem>-YYYYMMDD-HHMMSSZ[-N]-<reason>.sqlite3``, e.g.
``crm-20261123-140501Z-before-import.sqlite3``. The time is UTC (the ``Z``): names sort by time
even across a change of daylight saving time, and rotation buckets are UTC days, ISO weeks and
months. ``-N`` (N >= 2) only appears when two backups of one database are made in the same second.

Automatic backups (reasons "daily", "before-migration", "before-import") are rotated
grandfather-father-son: the newest of each of the last 7 days, of each of the last 4 ISO weeks and
of each of the last 12 months are kept, and always the newest one. Manual backups and any file
whose name is not ours are never deleted.
"""

from __future__ import annotations

import errno
import itertools
import os
import re
import sqlite3
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from relationship_crm.domain.errors import DatabaseFileError, KnownError
from relationship_crm.storage import encryption
from relationship_crm.storage.database_file import BUSY_TIMEOUT_MS, inspect_file

SUFFIX = ".sqlite3"
FOLDER_NAME = "backups"
MANUAL = "manual"
DAILY = "daily"
BEFORE_MIGRATION = "before-migration"
BEFORE_IMPORT = "before-import"
#: Reasons of the backups the app makes by itself; only these are ever rotated away.
AUTOMATIC_REASONS = frozenset({DAILY, BEFORE_MIGRATION, BEFORE_IMPORT})

KEEP_DAILY = 7
KEEP_WEEKLY = 4
KEEP_MONTHLY = 12

#: How long `restore` waits for another program to let go of the database before refusing.
LOCK_TIMEOUT_S = 1.0
#: At most this many integrity or foreign-key findings are described in a message.
MAX_FINDINGS = 20

_REASON = re.compile(r"[a-z]+(?:-[a-z]+)*")
_NAME = re.compile(
    r"(?P<stem>.+)-(?P<day>\d{8})-(?P<time>\d{6})Z(?:-(?P<seq>[2-9]|[1-9]\d+))?"
    r"-(?P<reason>[a-z]+(?:-[a-z]+)*)" + re.escape(SUFFIX)
)
# Files SQLite may keep beside a database: moved with it, removed with a partial copy.
_SIDE_FILES = ("-wal", "-shm", "-journal")


@dataclass(frozen=True, slots=True)
class BackupInfo:
    """One backup file found in a folder, described from its name (and size)."""

    path: Path
    taken_at: datetime  # aware, UTC, to the second
    reason: str
    size: int
    database: str  # the stem of the database it was made from ("crm")
    sequence: int = 1  # 2, 3... for further backups made in the same second

    @property
    def automatic(self) -> bool:
        return self.reason in AUTOMATIC_REASONS


# --- naming ------------------------------------------------------------------------------------


def default_folder(db_path: Path) -> Path:
    """The `backups` folder beside the database (AppPaths.backups for the app's own file)."""
    return Path(db_path).parent / FOLDER_NAME


def backup_name(database: str, taken_at: datetime, reason: str, sequence: int = 1) -> str:
    """The file name of a backup of the database with stem `database`, taken at `taken_at`."""
    if not _REASON.fullmatch(reason):
        raise ValueError(f"a backup reason is lower-case words joined by '-', not {reason!r}")
    stamp = _utc(taken_at).strftime("%Y%m%d-%H%M%S")
    seq = f"-{sequence}" if sequence > 1 else ""
    return f"{database}-{stamp}Z{seq}-{reason}{SUFFIX}"


def parse_name(path: Path) -> BackupInfo | None:
    """The backup `path` describes by its name, or None if the name is not one of ours."""
    match = _NAME.fullmatch(path.name)
    if match is None:
        return None
    try:
        taken = datetime.strptime(match["day"] + match["time"], "%Y%m%d%H%M%S")
    except ValueError:
        return None  # digits in the right places but no real date: not ours
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    return BackupInfo(
        path=path,
        taken_at=taken.replace(tzinfo=UTC),
        reason=match["reason"],
        size=size,
        database=match["stem"],
        sequence=int(match["seq"] or 1),
    )


def list_backups(folder: Path, *, of: Path | None = None) -> list[BackupInfo]:
    """Backups in `folder`, newest first; only those of database `of` when given.

    Files with other names (and folders) are ignored; a missing folder has no backups.
    """
    try:
        entries = list(Path(folder).iterdir())
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as exc:
        raise KnownError(f"cannot read the backup folder {folder}: {exc.strerror}") from exc
    stem = _stem(of) if of is not None else None
    found = []
    for entry in entries:
        info = parse_name(entry)
        if info is None or (stem is not None and info.database != stem):
            continue
        try:
            if not entry.is_file():
                continue
        except OSError:
            continue
        found.append(info)
    found.sort(key=lambda b: (b.taken_at, b.sequence, b.path.name), reverse=True)
    return found


def latest_backup(folder: Path, *, of: Path | None = None) -> Path | None:
    """The newest backup in `folder` (of database `of` when given), or None."""
    found = list_backups(folder, of=of)
    return found[0].path if found else None


# --- making backups ----------------------------------------------------------------------------


def make_backup(
    db_path: Path,
    *,
    folder: Path | None = None,
    reason: str = MANUAL,
    now: datetime | None = None,
) -> Path:
    """Copy the database at `db_path` into a new backup file and return its path.

    `folder` defaults to the `backups` folder beside the database (created 0700 if missing).
    Safe while other connections read and write. Nothing is rotated here (see `rotate`). Raises
    DatabaseFileError if the database is not ours or is damaged, KnownError if the copy cannot be
    written (disk full, no permission); no partial file is left behind either way.
    """
    db_path = Path(db_path)
    target_folder = default_folder(db_path) if folder is None else Path(folder)
    moment = _utc(now)
    backup_name(_stem(db_path), moment, reason)  # a bad reason fails before any file exists
    if inspect_file(db_path) is None:
        raise KnownError(f"there is no database at {db_path} to back up yet")
    failure = f"cannot back up {db_path} to {target_folder}"
    _make_private_folder(target_folder, failure=failure)
    with _private_temp(target_folder, prefix=f".{_stem(db_path)}-", failure=failure) as partial:
        _copy_database(db_path, partial, failure=failure, outcome="no backup was made")
        return _publish(partial, target_folder, _stem(db_path), moment, reason, failure=failure)


def rotate(folder: Path, *, now: datetime, of: Path | None = None) -> list[Path]:
    """Delete the automatic backups that rotation no longer keeps; returns the deleted paths.

    Each database's backups (by name stem; only `of`'s when given) are rotated on their own.
    Kept: the newest automatic backup of each of the last 7 UTC days, of each of the last 4 ISO
    weeks and of each of the last 12 months (counting the one `now` is in), and always the newest
    automatic backup; also any dated after `now`. Manual backups and foreign files stay; only the
    temporary file of a backup that was interrupted (``.<stem>-*.partial``) is removed once it is
    a day old.
    """
    moment = _utc(now)
    groups: dict[str, list[BackupInfo]] = {}
    for info in list_backups(folder, of=of):
        if info.automatic:
            groups.setdefault(info.database, []).append(info)
    deleted: list[Path] = _stale_partials(Path(folder), moment)
    for infos in groups.values():
        keep = _kept(infos, moment)
        for info in infos:
            if info.path in keep:
                continue
            try:
                info.path.unlink()
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise KnownError(
                    f"cannot delete the old backup {info.path}: {exc.strerror}"
                ) from exc
            deleted.append(info.path)
    return sorted(deleted)


def _stale_partials(folder: Path, now: datetime) -> list[Path]:
    """Remove the temporary files of backups whose process was killed, once a day old."""
    removed = []
    for leftover in folder.glob(".*-*.partial*"):
        try:
            modified = datetime.fromtimestamp(leftover.stat().st_mtime, UTC)
            if now - modified > timedelta(days=1) and leftover.is_file():
                leftover.unlink()
                removed.append(leftover)
        except OSError:
            continue
    return removed


def _kept(infos: list[BackupInfo], now: datetime) -> set[Path]:
    """Grandfather-father-son: which of one database's automatic backups (newest first) stay."""
    today = now.date()
    days = {today - timedelta(days=i) for i in range(KEEP_DAILY)}
    weeks = {_week(today - timedelta(weeks=i)) for i in range(KEEP_WEEKLY)}
    months = {_month_back(today, i) for i in range(KEEP_MONTHLY)}
    keep: set[Path] = {infos[0].path} if infos else set()
    past = [info for info in infos if info.taken_at <= now]
    if past:
        keep.add(past[0].path)  # the newest one, even if the clock went back since
    seen: set[object] = set()
    for info in infos:  # newest first: the first one met in a bucket is that bucket's newest
        if info.taken_at > now:
            keep.add(info.path)  # a clock that went back: never delete what we cannot place
            continue
        day = info.taken_at.date()
        for bucket, wanted in (
            (("day", day), day in days),
            (("week", _week(day)), _week(day) in weeks),
            (("month", (day.year, day.month)), (day.year, day.month) in months),
        ):
            if wanted and bucket not in seen:
                seen.add(bucket)
                keep.add(info.path)
    return keep


def _week(day: date) -> tuple[int, int]:
    iso = day.isocalendar()
    return (iso.year, iso.week)


def _month_back(day: date, months: int) -> tuple[int, int]:
    index = day.year * 12 + (day.month - 1) - months
    return (index // 12, index % 12 + 1)


def automatic_backup(db_path: Path, *, reason: str, now: datetime | None = None) -> Path | None:
    """Back up the database into its default folder and rotate that folder; None if it has no data.

    Used before a schema migration and before an import. A failure is raised (KnownError), so the
    operation that wanted the backup does not go ahead without one.
    """
    db_path = Path(db_path)
    if reason not in AUTOMATIC_REASONS:
        raise ValueError(f"{reason!r} is not an automatic backup reason")
    if not has_data(db_path):
        return None
    moment = _utc(now)
    folder = default_folder(db_path)
    made = make_backup(db_path, folder=folder, reason=reason, now=moment)
    rotate(folder, now=moment, of=db_path)
    return made


def backup_if_stale(
    db_path: Path, *, max_age: timedelta = timedelta(days=1), now: datetime | None = None
) -> Path | None:
    """The daily backup: made (and the folder rotated) when the newest backup of this database is
    `max_age` old or older, or when there is none and the database holds any data. Returns the new
    backup, or None when none was needed (or there is no database yet)."""
    db_path = Path(db_path)
    if not db_path.exists():
        return None
    moment = _utc(now)
    folder = default_folder(db_path)
    found = list_backups(folder, of=db_path)
    if found and moment - found[0].taken_at < max_age:
        return None
    if not found and not has_data(db_path):
        return None
    made = make_backup(db_path, folder=folder, reason=DAILY, now=moment)
    rotate(folder, now=moment, of=db_path)
    return made


def has_data(db_path: Path) -> bool:
    """Whether the database holds anything a user entered (any row outside the bookkeeping tables:
    the schema version, the search index, which is rebuilt from the contacts, and the stages,
    which every new database is seeded with; a rep's own stage counts)."""
    if inspect_file(Path(db_path)) is None:
        return False
    with _read_only(db_path) as conn:
        try:
            names = [
                str(row[0])
                for row in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name != "
                    "'alembic_version' AND name NOT LIKE 'sqlite_%' "
                    "AND name NOT LIKE 'contacts_fts%' AND name != 'stages'"
                )
            ]
            if "contacts" in names and _has_own_stage(conn):
                return True
            return any(
                conn.execute(f'SELECT EXISTS (SELECT 1 FROM "{name}")').fetchone()[0]
                for name in names
            )
        except encryption.DATABASE_ERRORS as exc:
            raise_if_busy(exc)
            raise DatabaseFileError(f"{db_path} is damaged or not a database ({exc})") from exc


def _has_own_stage(conn: sqlite3.Connection) -> bool:
    found = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'stages'")
    if found.fetchone() is None:
        return False
    shipped = "('prospect', 'lead', 'customer', 'partner', 'other')"
    query = f"SELECT EXISTS (SELECT 1 FROM stages WHERE key NOT IN {shipped})"
    return bool(conn.execute(query).fetchone()[0])


# --- checking ----------------------------------------------------------------------------------


def check_backup(path: Path) -> str:
    """Check that `path` can be restored; returns its schema revision.

    It must be a Relationship CRM database of a schema this version knows (an older one is fine:
    it is upgraded when opened), pass ``PRAGMA integrity_check`` and have no foreign-key
    violations. Raises DatabaseFileError saying what is wrong otherwise. Reads only.
    """
    path = Path(path)
    if not path.exists():
        raise KnownError(f"there is no file {path}")
    revision = inspect_file(path)
    if revision is None:
        raise DatabaseFileError(f"{path} is an empty database, not a backup")
    with _read_only(path) as conn:
        findings = sqlite_checks(conn)
    if findings:
        first = findings[0][1]
        more = f" (and {len(findings) - 1} more problems)" if len(findings) > 1 else ""
        raise DatabaseFileError(f"{path} is damaged: {first}{more}")
    return revision


def sqlite_checks(conn: sqlite3.Connection, *, limit: int = MAX_FINDINGS) -> list[tuple[str, str]]:
    """SQLite's own checks on an open connection: ``integrity_check`` then ``foreign_key_check``.

    Returns (kind, message) pairs, kind "integrity" or "foreign-key", at most about `limit` of
    each (a last one says how many more there were). The foreign keys are only checked when the
    file is intact; an error reading a damaged file is itself an "integrity" finding.
    """
    try:
        rows = [str(r[0]) for r in conn.execute(f"PRAGMA integrity_check({limit})")]
    except encryption.DATABASE_ERRORS as exc:
        raise_if_busy(exc)
        return [("integrity", f"the file is damaged ({exc})")]
    if rows != ["ok"]:
        found = [("integrity", f"SQLite integrity check: {row}") for row in rows]
        if len(rows) >= limit:
            found.append(("integrity", f"the integrity check stopped after {limit} errors"))
        return found
    try:
        return _foreign_key_findings(conn, limit)
    except encryption.DATABASE_ERRORS as exc:
        raise_if_busy(exc)
        return [("integrity", f"the file is damaged ({exc})")]


def raise_if_busy(exc: Exception) -> None:
    """A lock held too long by another program is not damage: say so (KnownError) instead."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        raise KnownError(
            f"the database is busy (another program kept it locked for {BUSY_TIMEOUT_MS // 1000}"
            " s); try again"
        ) from exc


def _foreign_key_findings(conn: sqlite3.Connection, limit: int) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    columns: dict[tuple[str, int], str] = {}
    extra = 0
    for table, rowid, parent, fkid in conn.execute("PRAGMA foreign_key_check"):
        if len(found) >= limit:
            extra += 1
            continue
        key = (str(table), int(fkid))
        if key not in columns:
            for fk in conn.execute(f'PRAGMA foreign_key_list("{table}")'):
                columns[(str(table), int(fk[0]))] = str(fk[3])
        column = columns.get(key, "?")
        where = f"row {rowid}" if rowid is not None else "a row"
        value = ""
        if rowid is not None and column != "?":
            cell = conn.execute(f'SELECT "{column}" FROM "{table}" WHERE rowid = ?', (rowid,))
            row = cell.fetchone()
            value = f" {row[0]}" if row is not None else ""
        found.append(
            ("foreign-key", f"{table} {where}: {column}{value} refers to a missing {parent} row")
        )
    if extra:
        found.append(("foreign-key", f"... and {extra} more rows that refer to missing rows"))
    return found


# --- restoring ---------------------------------------------------------------------------------


def restore(db_path: Path, backup: Path, *, now: datetime | None = None) -> Path | None:
    """Replace the database at `db_path` with a copy of `backup`; returns where the old one is kept.

    The backup is checked first (`check_backup`): a damaged file, another program's database or
    one from a newer version is refused and nothing is touched. The current database, if any, is
    refused too while another program has it open ("close the app first"); otherwise its WAL is
    checkpointed (only if it is a database of ours: a file the app refuses is kept byte for byte)
    and it is renamed to ``<name>.before-restore-YYYYMMDD-HHMMSSZ`` beside itself, with its -wal
    and -shm files. The backup is copied to a private temporary file, synced, and renamed into
    place (0600). A backup encrypted with another passphrase than the current database's (known
    to this process) is re-keyed to the current one (`_rekey_like`). Returns None when there was
    no database (or an empty file) to keep.
    """
    db_path = Path(db_path)
    backup = Path(backup)
    moment = _utc(now)
    check_backup(backup)
    if db_path.exists():
        if not stat.S_ISREG(db_path.stat().st_mode):
            raise DatabaseFileError(f"{db_path} is not a regular file; nothing was changed")
        if db_path.resolve() == backup.resolve():
            raise KnownError(f"{backup} is the database itself; choose a backup of it")
    folder = db_path.parent
    failure = f"cannot restore {backup} to {db_path}"
    _make_private_folder(folder, failure=failure)
    with _private_temp(folder, prefix=f".{db_path.name}.restore-", failure=failure) as partial:
        # The copy is made first: a full disk fails here, before the current file is moved.
        _copy_database(backup, partial, failure=failure, outcome="nothing was changed")
        _rekey_like(partial, db_path, failure=failure)
        kept = _set_aside(db_path, moment)
        try:
            os.replace(partial, db_path)
        except OSError as exc:
            if kept is not None:
                _move_with_side_files(kept, db_path)
            raise KnownError(f"{failure}: {_os_reason(exc)}; nothing was changed") from exc
        _same_key(partial, db_path)
        _fsync_folder(folder)
    return kept


def _rekey_like(copy: Path, db_path: Path, *, failure: str) -> None:
    """A backup encrypted with another passphrase (one changed since) is restored with the
    passphrase the current database has, when this process knows it: the rep keeps using the
    passphrase they know (and the keyring keeps fitting)."""
    current = encryption.key_for(db_path) if db_path.exists() else None
    key = encryption.key_for(copy)
    if current is None or key is None or key.passphrase == current.passphrase:
        return
    new = encryption.derive(current.passphrase, key.salt)
    try:
        with closing(encryption.connect(copy, isolation_level=None)) as conn:
            conn.execute(f"PRAGMA rekey = {new.pragma}")
    except encryption.ERRORS as exc:
        raise KnownError(f"{failure}: cannot re-key the copy ({exc}); nothing was changed") from exc
    encryption.remember(copy, new)
    if not encryption.try_key(copy, new):  # pragma: no cover - SQLCipher's own guarantee
        raise DatabaseFileError(f"{failure}: the re-keyed copy does not open; nothing was changed")
    _fsync_file(copy)


def _set_aside(db_path: Path, moment: datetime) -> Path | None:
    """Rename the current database (and its side files) to a new name beside it."""
    if not db_path.exists():
        return None
    if db_path.stat().st_size == 0:
        db_path.unlink()  # an empty file holds nothing to keep
        return None
    try:
        ours = inspect_file(db_path) is not None
    except DatabaseFileError:
        ours = False  # refused by the app: kept byte for byte, WAL and all
    if ours:
        _take_offline(db_path)
        shared = Path(f"{db_path}-shm")
        if shared.exists() and not Path(f"{db_path}-wal").exists():
            shared.unlink()  # only an index of a WAL that is gone: nothing to keep
    stamp = moment.strftime("%Y%m%d-%H%M%S")
    for n in itertools.count(1):
        aside = db_path.with_name(
            f"{db_path.name}.before-restore-{stamp}Z" + (f"-{n}" if n > 1 else "")
        )
        if not any(Path(f"{aside}{s}").exists() for s in ("", *_SIDE_FILES)):
            break
    _move_with_side_files(db_path, aside)
    return aside


def _take_offline(db_path: Path) -> None:
    """Make sure no other connection has the database open, then fold its WAL into the file.

    In WAL mode every open connection holds a shared lock on the file for as long as it is open,
    even when idle, so an exclusive lock taken in EXCLUSIVE locking mode fails while the app (or
    any other program) has the database open.
    """
    try:
        conn = encryption.connect(db_path, timeout=LOCK_TIMEOUT_S, isolation_level=None)
    except encryption.ERRORS as exc:
        raise DatabaseFileError(f"cannot open {db_path}: {exc}; nothing was changed") from exc
    try:
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute("COMMIT")  # the lock stays until close (EXCLUSIVE locking mode)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    except encryption.OPERATIONAL_ERRORS as exc:
        text = str(exc).lower()
        if "locked" in text or "busy" in text:
            raise KnownError(
                f"the database {db_path} is in use by another program (is Relationship CRM "
                "open? close it first); nothing was changed"
            ) from exc
        raise DatabaseFileError(
            f"cannot restore over {db_path}: {exc}; nothing was changed"
        ) from exc
    except encryption.DATABASE_ERRORS:
        pass  # damaged beyond reading: it is set aside as it is
    finally:
        conn.close()


def _move_with_side_files(source: Path, target: Path) -> None:
    try:
        os.rename(source, target)
    except OSError as exc:
        raise KnownError(
            f"cannot rename {source} to {target.name}: {_os_reason(exc)}; nothing was changed"
        ) from exc
    _same_key(source, target)
    encryption.forget(source)
    for suffix in _SIDE_FILES:
        side = Path(f"{source}{suffix}")
        if side.exists():
            os.replace(side, Path(f"{target}{suffix}"))


# --- file helpers ------------------------------------------------------------------------------


def _copy_database(source: Path, target: Path, *, failure: str, outcome: str) -> None:
    """Copy `source` into the empty file `target` with the backup API; verify; sync to disk.

    The copy is one step of the backup API (pages=-1): a single read transaction on the source, so
    the copy is a consistent snapshot however busy its writers are. It is switched to a rollback
    journal so that it is one self-contained file.
    """
    _same_key(source, target)  # the copy of an encrypted file is encrypted with its key
    try:
        with (
            _read_only(source) as src,
            closing(encryption.connect(target, isolation_level=None)) as dst,
        ):
            src.backup(dst, pages=-1)
            dst.execute("PRAGMA journal_mode = DELETE").fetchall()
            verdict = [str(r[0]) for r in dst.execute("PRAGMA quick_check")]
        _fsync_file(target)
    except encryption.ERRORS as exc:
        text = str(exc).lower()
        if "malformed" in text or "not a database" in text or "corrupt" in text:
            raise DatabaseFileError(f"{source} is damaged ({exc}); {outcome}") from exc
        if "full" in text:
            raise KnownError(f"{failure}: the disk is full; {outcome}") from exc
        if "readonly" in text or "unable to open" in text or "permission" in text:
            raise KnownError(f"{failure}: permission denied ({exc}); {outcome}") from exc
        raise KnownError(f"{failure}: {exc}; {outcome}") from exc
    except OSError as exc:
        raise KnownError(f"{failure}: {_os_reason(exc)}; {outcome}") from exc
    if verdict != ["ok"]:
        raise DatabaseFileError(f"{source} is damaged ({verdict[0]}); {outcome}")


def _publish(
    partial: Path, folder: Path, database: str, moment: datetime, reason: str, *, failure: str
) -> Path:
    """Give the verified copy its backup name without ever replacing an existing file.

    A hard link is atomic and fails if the name is taken, so a backup name never shows a partial
    file. Where links are not supported (FAT drives, some network shares) the name is reserved
    with an exclusive create and the copy renamed over the reservation.
    """
    for sequence in itertools.count(1):
        final = folder / backup_name(database, moment, reason, sequence)
        try:
            try:
                os.link(partial, final)
            except FileExistsError:
                continue
            except OSError:
                try:
                    os.close(os.open(final, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
                except FileExistsError:
                    continue
                try:
                    os.replace(partial, final)
                except OSError:
                    final.unlink(missing_ok=True)
                    raise
        except OSError as exc:
            raise KnownError(f"{failure}: {_os_reason(exc)}; no backup was made") from exc
        _fsync_folder(folder)
        _same_key(partial, final)
        return final
    raise AssertionError("unreachable")  # pragma: no cover


@contextmanager
def _private_temp(folder: Path, *, prefix: str, failure: str) -> Iterator[Path]:
    """An empty 0600 file in `folder`, removed (with any SQLite side files) unless renamed away."""
    try:
        fd, name = tempfile.mkstemp(dir=folder, prefix=prefix, suffix=".partial")
    except OSError as exc:
        raise KnownError(f"{failure}: {_os_reason(exc)}; nothing was written") from exc
    os.close(fd)
    path = Path(name)
    try:
        yield path
    finally:
        encryption.forget(path)
        for leftover in _with_side_files(path):
            try:
                leftover.unlink(missing_ok=True)
            except OSError:
                pass


def _with_side_files(path: Path) -> Iterable[Path]:
    yield path
    for suffix in _SIDE_FILES:
        yield Path(f"{path}{suffix}")


def _make_private_folder(folder: Path, *, failure: str) -> None:
    if folder.is_dir():
        return
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise KnownError(
            f"{failure}: cannot create the folder {folder} ({_os_reason(exc)})"
        ) from exc


@contextmanager
def _read_only(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection (URI mode=ro): nothing done through it can change the file."""
    try:
        conn = encryption.connect(path, mode="ro")
    except encryption.ERRORS as exc:
        raise DatabaseFileError(f"cannot open {path}: {exc}") from exc
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        yield conn
    finally:
        conn.close()


def _same_key(source: Path, target: Path) -> None:
    """`target` (a copy or the new name of `source`) is encrypted as `source` is, or plain."""
    key = encryption.key_for(source)
    if key is None:
        encryption.forget(target)
    else:
        encryption.remember(target, key)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDWR)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    """Make a rename durable (POSIX; Windows cannot open a folder for syncing and needs not)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _os_reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.EROFS:
        return "the disk is read-only"
    return exc.strerror or str(exc)


def _stem(db_path: Path) -> str:
    return Path(db_path).stem or Path(db_path).name


def _utc(moment: datetime | None) -> datetime:
    if moment is None:
        return datetime.now(UTC)
    if moment.tzinfo is None:
        raise ValueError("backup times must be aware datetimes")
    return moment.astimezone(UTC)
