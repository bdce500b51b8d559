"""File → Encrypt database…, Decrypt database…, Change passphrase… in the app (issue 21).

The same services as `relationship-crm encrypt`/`decrypt`/`change-passphrase`
(`storage.cipher_files`, `services.passphrases`). The passphrases are asked on the GUI thread; the
conversion runs on the database thread with the database closed (`TaskRunner.with_file_closed`:
the swap needs the only lock on the file), which then opens the file again, and every panel reloads.
Only the items that apply to the open database are shown.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QMainWindow, QMenu, QMessageBox

from relationship_crm.domain.changes import Changes
from relationship_crm.domain.errors import KnownError
from relationship_crm.paths import AppPaths
from relationship_crm.storage import encryption
from relationship_crm.ui.context import UiContext
from relationship_crm.ui.dialogs.passphrase_dialog import Answer, PassphraseChangeDialog

if TYPE_CHECKING:
    from relationship_crm.ui.background_sync import BackgroundSync

# (title, explanation, fits: tells the current passphrase or None, new: ask a new one twice)
Asker = Callable[[str, str, Callable[[str], bool] | None, bool], Answer | None]


@dataclass(frozen=True, slots=True)
class Converted:
    """What a conversion did, for the one message the rep reads afterwards."""

    aside: Path | None  # the old file, kept beside the database until the rep deletes it
    plain_backups: tuple[Path, ...] = ()
    kept_in_keyring: bool | None = None  # None: not asked to keep the passphrase


def ask_with_dialog(
    title: str, explanation: str, fits: Callable[[str], bool] | None, new: bool
) -> Answer | None:
    dialog = PassphraseChangeDialog(title, explanation, fits=fits, new=new)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.answer()


class EncryptionActions(QObject):
    """The three File menu items of one window and what they do. Lives on the GUI thread."""

    def __init__(self, ctx: UiContext, paths: AppPaths, window: QMainWindow) -> None:
        super().__init__(window)
        self._ctx = ctx
        self._paths = paths
        self._window = window
        self.ask: Asker = ask_with_dialog
        self.last_message = ""
        # The window's background sync (set by the window): held while the file is converted.
        self.sync: BackgroundSync | None = None
        # "&E" is File → Export's: Encr&ypt.
        self.encrypt_action = QAction("Encr&ypt database…", window)
        self.encrypt_action.triggered.connect(self.encrypt_database)
        self.decrypt_action = QAction("&Decrypt database…", window)
        self.decrypt_action.triggered.connect(self.decrypt_database)
        self.change_action = QAction("Change &passphrase…", window)
        self.change_action.triggered.connect(self.change_passphrase)
        self.refresh()

    def add_to(self, menu: QMenu) -> None:
        for action in (self.encrypt_action, self.decrypt_action, self.change_action):
            menu.addAction(action)

    def refresh(self) -> None:
        """Show only the items that apply: Encrypt for a plain file (with SQLCipher installed),
        Decrypt and Change passphrase for an encrypted one."""
        if self._paths.url is not None:  # a server database is its server's to protect
            for action in (self.encrypt_action, self.decrypt_action, self.change_action):
                action.setVisible(False)
            return
        encrypted = encryption.is_encrypted(self._paths.db)
        self.encrypt_action.setVisible(not encrypted and encryption.available())
        self.decrypt_action.setVisible(encrypted)
        self.change_action.setVisible(encrypted)

    def _fits_current(self, text: str) -> bool:
        key = encryption.key_for(self._paths.db)
        return key is not None and hmac.compare_digest(
            key.passphrase.encode("utf-8"), text.encode("utf-8")
        )

    def _status(self, text: str, timeout: int = 10_000) -> None:
        self._window.statusBar().showMessage(text, timeout)

    # --- the three commands ---------------------------------------------------------------

    def encrypt_database(self) -> None:
        from relationship_crm.services import passphrases
        from relationship_crm.storage import cipher_files

        db_path = self._paths.db
        answer = self.ask(
            "Encrypt database",
            f"Encrypt {db_path} with a passphrase. Without it nobody can read the database or "
            "its new backups, and neither can you: keep the passphrase safe.",
            None,
            True,
        )
        if answer is None:
            return

        def encrypt() -> Converted:
            aside = cipher_files.encrypt(db_path, answer.passphrase)
            kept = passphrases.remember(db_path, answer.passphrase) if answer.remember else None
            return Converted(aside, tuple(cipher_files.plain_backups(db_path)), kept)

        def done(result: Converted) -> None:
            backups = result.plain_backups
            plain = (
                f"\n\n{len(backups)} earlier backup{'s' if len(backups) > 1 else ''} in "
                f"{backups[0].parent} {'are' if len(backups) > 1 else 'is'} not encrypted: "
                "delete them too (new backups are encrypted)."
                if backups
                else ""
            )
            self._finished(
                "Encrypt database",
                f"The database {db_path} is encrypted.\n\nThe unencrypted database is kept as "
                f"{result.aside}: it is not protected. Delete it yourself once you have checked "
                f"that the encrypted database opens (restart the app).{plain}"
                + _keyring_line(result.kept_in_keyring),
                "Database encrypted.",
            )

        self._run("Encrypting the database…", "encrypted", encrypt, done)

    def decrypt_database(self) -> None:
        from relationship_crm.services import passphrases
        from relationship_crm.storage import cipher_files

        db_path = self._paths.db
        answer = self.ask(
            "Decrypt database",
            f"Turn {db_path} back into a plain file, readable by anyone who has it.",
            self._fits_current,
            False,
        )
        if answer is None:
            return

        def decrypt() -> Converted:
            aside = cipher_files.decrypt(db_path)
            passphrases.forget(db_path)
            return Converted(aside)

        def done(result: Converted) -> None:
            self._finished(
                "Decrypt database",
                f"The database {db_path} is a plain file again, readable by anyone who has "
                f"it.\n\nThe encrypted database is kept as {result.aside}; delete it when you "
                "no longer need it.",
                "Database decrypted.",
            )

        self._run("Decrypting the database…", "decrypted", decrypt, done)

    def change_passphrase(self) -> None:
        from relationship_crm.services import passphrases
        from relationship_crm.storage import cipher_files

        db_path = self._paths.db
        answer = self.ask(
            "Change passphrase",
            f"A new passphrase for {db_path}. Backups made before keep the old one.",
            self._fits_current,
            True,
        )
        if answer is None:
            return

        def change() -> Converted:
            was_kept = passphrases.remembered(db_path) is not None
            cipher_files.change_passphrase(db_path, answer.passphrase)
            keep = answer.remember or was_kept
            kept = passphrases.remember(db_path, answer.passphrase) if keep else None
            return Converted(None, (), kept)

        def done(result: Converted) -> None:
            self._finished(
                "Change passphrase",
                f"The passphrase of {db_path} is changed. Backups made before keep the old "
                "one: restoring one asks for it." + _keyring_line(result.kept_in_keyring),
                "Passphrase changed.",
            )

        self._run("Changing the passphrase…", "changed", change, done)

    # --- shared ------------------------------------------------------------------------------

    def _run(
        self,
        doing: str,
        verb: str,
        op: Callable[[], Converted],
        done: Callable[[Converted], None],
    ) -> None:
        for action in (self.encrypt_action, self.decrypt_action, self.change_action):
            action.setEnabled(False)
        sync = self.sync

        def failed(error: BaseException) -> None:
            if sync is not None:
                sync.release()
            self._enable()
            if not isinstance(error, KnownError):
                self._ctx.runner.failed.emit(str(error), True)
                return
            self._status("")
            self.last_message = f"Nothing was {verb}.\n\n{error}"
            QMessageBox.warning(self._window, "Relationship CRM", self.last_message)

        def succeeded(result: Converted) -> None:
            if sync is not None:
                sync.release()
            self._enable()
            done(result)

        def start() -> None:
            self._status(doing, 0)
            self._ctx.runner.with_file_closed(op, succeeded, failed)

        if sync is None:
            start()
            return
        # A sync's connection would keep the file locked ("in use by another program"), and a
        # sync started meanwhile would use the file being replaced: none runs until it is done.
        if not sync.idle:
            self._status("Waiting for the sync to finish…", 0)
        sync.hold(start)

    def _enable(self) -> None:
        for action in (self.encrypt_action, self.decrypt_action, self.change_action):
            action.setEnabled(True)
        self.refresh()

    def _finished(self, title: str, text: str, status: str) -> None:
        self._ctx.events.notify(Changes.everything(), self)  # the file was opened again
        self._status(status)
        self.last_message = text
        QMessageBox.information(self._window, title, text)


def _keyring_line(kept: bool | None) -> str:
    if kept is None:
        return ""
    if kept:
        return "\n\nThe passphrase is kept in the system keyring."
    return "\n\nThere is no system keyring here: the passphrase was not kept; give it each time."
