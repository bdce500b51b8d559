"""File → Back up now…, File → Restore from backup…, Help → Check database… in the app.

Backups and checks run on the database thread. A restore swaps the database file itself, so the
app first lets queued work finish, closes its connections, restores (the current file is kept
aside, never overwritten), reopens the database and tells every panel to reload.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, Qt
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox, QWidget
from sqlalchemy.orm import Session

from relationship_crm.domain.changes import Changes
from relationship_crm.domain.errors import KnownError
from relationship_crm.paths import AppPaths
from relationship_crm.storage import encryption
from relationship_crm.storage.db import open_database
from relationship_crm.ui.context import UiContext
from relationship_crm.ui.dialogs.passphrase_dialog import Answer, ask_backup_passphrase


class DatabaseActions(QObject):
    """The backup, restore and check commands of one window. Lives on the GUI thread."""

    def __init__(self, ctx: UiContext, paths: AppPaths, window: QMainWindow) -> None:
        super().__init__(window)
        self._ctx = ctx
        self._paths = paths
        self._window = window
        self.last_report = ""
        self.ask_backup_passphrase: Callable[[Path, bool], Answer | None] = ask_backup_passphrase

    def _status(self, text: str, timeout: int = 10_000) -> None:
        self._window.statusBar().showMessage(text, timeout)

    # --- backup -------------------------------------------------------------------------------

    def back_up_now(self) -> None:
        from relationship_crm.storage import backups

        if self._paths.url is not None:
            _warn(self._window, _ON_SERVER)
            return
        db_path = self._paths.db

        def back_up(_session: Session) -> Path:
            return backups.make_backup(db_path, reason="manual")

        self._status("Backing up…", 0)
        self._ctx.runner.query(back_up, lambda made: self._status(f"Backed up to {made}."))

    # --- restore ------------------------------------------------------------------------------

    def restore_from_backup(self, chosen: Path | None = None, *, confirm: bool = True) -> bool:
        """Ask for a backup (unless given), confirm, then swap it in; True when restored."""
        from relationship_crm.storage import backups

        if self._paths.url is not None:
            _warn(self._window, _ON_SERVER)
            return False
        if chosen is None:
            name, _filter = QFileDialog.getOpenFileName(
                self._window,
                "Restore from backup",
                str(self._paths.backups),
                "Backups (*.sqlite3);;All files (*)",
            )
            if not name:
                return False
            chosen = Path(name)
        try:
            self._check_backup(chosen)
        except KnownError as error:
            _warn(self._window, f"This file cannot be restored.\n\n{error}")
            return False
        if confirm and not _ask(
            self._window,
            f"Replace your database with the backup {chosen.name}?\n\n"
            "Your current database is kept aside beside it, so nothing is lost.",
        ):
            return False
        was_encrypted = encryption.is_encrypted(self._paths.db)
        runner = self._ctx.runner
        while not runner.idle:  # queued work finishes on the old file first
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        runner.db.close()
        kept: Path | None = None
        try:
            kept = backups.restore(self._paths.db, chosen)
        except KnownError as error:
            _warn(self._window, f"The backup was not restored.\n\n{error}")
            return False
        finally:
            runner.db = open_database(self._paths.db)
        self._ctx.events.notify(Changes.everything(), self)
        aside = f" The previous database is kept as {kept.name}." if kept else ""
        self._status(f"Restored {chosen.name}.{aside}", 20_000)
        if was_encrypted and not encryption.is_encrypted(self._paths.db):
            _warn(
                self._window,
                f"The backup {chosen.name} was made before the database was encrypted: the "
                "restored database is a plain file, readable by anyone who has it. File → "
                "Encrypt database… encrypts it again.",
            )
        return True

    def _check_backup(self, chosen: Path) -> None:
        """`backups.check_backup`, asking for the backup's own passphrase in a dialog when the
        current one does not open it (a backup made before the passphrase was changed)."""
        from relationship_crm.storage import backups

        asked = _BackupPassphrases(self.ask_backup_passphrase)
        with encryption.passphrase_source(asked):
            try:
                backups.check_backup(chosen)
            except KnownError as error:
                if asked.cancelled:
                    raise KnownError(
                        f"{chosen.name} is encrypted with another passphrase, which was not "
                        "given; nothing was changed"
                    ) from error
                raise

    # --- check --------------------------------------------------------------------------------

    def check_database(self, *, show: bool = True) -> None:
        from relationship_crm.services import integrity

        db_path = self._paths.db
        where = self._paths.shown

        def check(session: Session) -> integrity.CheckReport:
            if self._paths.url is not None:
                from relationship_crm.services import server_check

                return server_check.run(session, where)
            return integrity.run(db_path)

        def report(found: integrity.CheckReport) -> None:
            problems = found.problems
            summary = found.summary()
            summary = summary[:1].upper() + summary[1:]
            if problems:
                lines = "\n".join(f"• {p.message}" for p in problems[:20])
                more = f"\n…and {len(problems) - 20} more" if len(problems) > 20 else ""
                self.last_report = f"{summary}:\n\n{lines}{more}"
            else:
                self.last_report = f"{summary}."
            if show:
                box = QMessageBox(
                    QMessageBox.Icon.Warning if problems else QMessageBox.Icon.Information,
                    "Check database",
                    self.last_report,
                    QMessageBox.StandardButton.Ok,
                    self._window,
                )
                box.setTextFormat(Qt.TextFormat.PlainText)
                box.open()
            self._status(self.last_report.splitlines()[0])

        self._status("Checking the database…", 0)
        self._ctx.runner.query(check, report)


# A team's server database is backed up by its admin; a rep can keep a JSON copy of it.
_ON_SERVER = (
    "This is a team's server database: its backups are the database admin's. To keep a copy "
    "of your own, use File → Export (a JSON copy) or `relationship-crm backup`."
)


class _BackupPassphrases:
    """The passphrases to try for a backup: the environment's (a script's), then the dialog
    until the right one or Cancel. (The current database's is tried before any of these.)"""

    def __init__(self, ask: Callable[[Path, bool], Answer | None]) -> None:
        self._ask = ask
        self.cancelled = False

    def __call__(self, path: Path, retry: bool) -> Iterator[str]:
        from relationship_crm.services import passphrases

        given = passphrases.from_environment()
        if given:
            yield given
        wrong = retry
        while True:
            answer = self._ask(path, wrong)
            if answer is None:
                self.cancelled = True
                return
            yield answer.passphrase
            wrong = True


def _ask(parent: QWidget, text: str) -> bool:
    answer = QMessageBox.question(
        parent,
        "Restore from backup",
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Yes


def _warn(parent: QWidget, text: str) -> None:
    # Our texts start with words, so Qt shows them as plain text.
    QMessageBox.warning(parent, "Restore from backup", text)
