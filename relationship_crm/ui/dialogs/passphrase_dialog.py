"""At start, for an encrypted database: ask its passphrase, and offer to keep it in the keyring.

`DialogPassphrases` is the app's passphrase source (`storage.encryption.set_passphrase_source`):
the environment and the keyring first, then this dialog until the rep gives the right passphrase
or cancels. Only the GUI thread shows it; anything asked on another thread gets no passphrase
(the database thread works on files whose key is already known: the database and its backups).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QThread
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from relationship_crm.services import passphrases


@dataclass(frozen=True, slots=True)
class Answer:
    passphrase: str
    remember: bool


class PassphraseDialog(QDialog):
    """ "<file> is encrypted. Passphrase: [......]  [x] Remember it in the system keyring"."""

    def __init__(
        self,
        path: Path,
        *,
        retry: bool,
        what: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Encrypted database")
        self.setMinimumWidth(460)  # a long path wraps onto two lines, not five
        layout = QVBoxLayout(self)
        said = "That passphrase does not open it. " if retry else ""
        self.prompt = QLabel(f"{what or f'{path} is encrypted.'}\n{said}Passphrase:")
        self.prompt.setWordWrap(True)
        layout.addWidget(self.prompt)
        self.field = QLineEdit()
        self.field.setEchoMode(QLineEdit.EchoMode.Password)
        layout.addWidget(self.field)
        self.remember = QCheckBox("Remember it in the system keyring (not asked again)")
        layout.addWidget(self.remember)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def answer(self) -> Answer:
        return Answer(self.field.text(), self.remember.isChecked())


def ask_with_dialog(path: Path, retry: bool) -> Answer | None:
    """Show the dialog; None when the rep cancels."""
    dialog = PassphraseDialog(path, retry=retry)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.answer()


def ask_backup_passphrase(path: Path, retry: bool) -> Answer | None:
    """File → Restore from backup…: the passphrase of a backup the current one does not open."""
    dialog = PassphraseDialog(
        path,
        retry=retry,
        what=f"The backup {path.name} was made with another passphrase (one used before the "
        "last change). Give that passphrase: the backup is restored with your current one.",
    )
    dialog.remember.hide()  # a backup's old passphrase is not one to keep
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.answer()


class DialogPassphrases:
    """The app's passphrase source; remembers the last answer so the start can keep it."""

    def __init__(self, ask: Callable[[Path, bool], Answer | None] | None = None) -> None:
        self._ask = ask if ask is not None else ask_with_dialog
        self.last: Answer | None = None
        self.cancelled = False

    def __call__(self, path: Path, retry: bool) -> Iterator[str]:
        given = passphrases.from_environment()
        if given:
            yield given
        kept = passphrases.remembered(path)
        if kept:
            yield kept
        app = QApplication.instance()
        if app is None or QThread.currentThread() is not app.thread():
            return
        wrong = retry
        while True:
            answer = self._ask(path, wrong)
            if answer is None:
                self.cancelled = True
                return
            self.last = answer
            yield answer.passphrase
            wrong = True  # asked again: the one given did not fit

    def keep_if_asked(self, db_path: Path) -> bool:
        """After the database opened: keep the passphrase typed, if the rep ticked the box."""
        if self.last is None or not self.last.remember:
            return False
        return passphrases.remember(db_path, self.last.passphrase)


class PassphraseChangeDialog(QDialog):
    """File → Encrypt / Decrypt / Change passphrase: the current passphrase once (when the file
    has one), a new one twice (when it gets one), and whether to keep the new one in the keyring.

    `fits(text)` tells whether a text is the current passphrase; OK is refused, with one line
    said in the dialog, until the fields agree.
    """

    def __init__(
        self,
        title: str,
        explanation: str,
        *,
        fits: Callable[[str], bool] | None,
        new: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self._fits = fits
        layout = QVBoxLayout(self)
        intro = QLabel(explanation)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.current = self._field("currentPassphrase")
        self.first = self._field("newPassphrase")
        self.again = self._field("newPassphraseAgain")
        if fits is not None:
            form.addRow("&Current passphrase:", self.current)
        if new:
            form.addRow("&New passphrase:", self.first)
            form.addRow("The same &again:", self.again)
        layout.addLayout(form)
        self.remember = QCheckBox("Remember the new passphrase in the system keyring")
        self.remember.setVisible(new)
        layout.addWidget(self.remember)
        self.error = QLabel()
        self.error.setObjectName("passphraseError")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._new = new

    def _field(self, name: str) -> QLineEdit:
        field = QLineEdit()
        field.setObjectName(name)
        field.setEchoMode(QLineEdit.EchoMode.Password)
        return field

    def problem(self) -> str | None:
        """What keeps the answer from being taken (one line), None when it is fine."""
        if self._fits is not None and not self._fits(self.current.text()):
            return "That is not the current passphrase."
        if self._new:
            if not self.first.text():
                return "Choose a new passphrase."
            if self.first.text() != self.again.text():
                return "The two new passphrases differ."
        return None

    def accept(self) -> None:
        said = self.problem()
        if said is not None:
            self.error.setText(said)
            self.error.show()
            return
        super().accept()

    def answer(self) -> Answer:
        """The new passphrase (the current one when none is asked) and the keyring choice."""
        chosen = self.first.text() if self._new else self.current.text()
        return Answer(chosen, self._new and self.remember.isChecked())
