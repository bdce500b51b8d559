"""Edit → Sync account…: the CalDAV/CardDAV account the app syncs with (issue 19).

The same service as `relationship-crm sync setup`, run on the sync thread (never the GUI or the
database thread): it finds the calendar and address book, creates them if asked, and checks the
login; only then is the account saved. The password goes to the system keyring; where there is
none it is kept in memory until the app quits, never in QSettings or the database.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from relationship_crm.domain import timefmt
from relationship_crm.ui.background_sync import AccountFields, BackgroundSync, saved_account
from relationship_crm.ui.background_sync import forget as forget_account
from relationship_crm.ui.background_sync import set_up as set_up_account
from relationship_crm.ui.callbacks import while_alive
from relationship_crm.ui.context import UiContext
from relationship_crm.ui.widgets.messages import message_label

if TYPE_CHECKING:
    from relationship_crm.sync.account import SetUp

DEFAULT_NAME = "Relationship CRM"  # sync.account.DEFAULT_NAME, without loading the sync package
SAVED_PLACEHOLDER = "kept in the system keyring (type to change)"


class SyncAccountDialog(QDialog):
    """The account form: server address, user name, password, calendar and address book names,
    "Create them if missing", a company certificate authority; Test and save, Forget, Close.

    Test and save runs `background_sync.set_up` on `sync.worker`; a refused login, a missing
    collection or an unreachable server shows as one line under the form and nothing is saved.
    On success the background sync starts at once. Forget removes the account and its saved
    password (nothing on the server is deleted).

    Signals:
        account_loaded(): the saved account (if any) is shown.
        checked(bool): a Test and save or a Forget finished (True when it worked).
    Lives on the GUI thread.
    """

    account_loaded = Signal()
    checked = Signal(bool)

    def __init__(self, ctx: UiContext, sync: BackgroundSync, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._sync = sync
        self._busy = False
        self._saved: AccountFields | None = None
        self.setWindowTitle("Sync account")
        self.setMinimumWidth(560)
        self._build()
        self._set_busy(True)
        ctx.runner.query(saved_account, while_alive(self, self._on_loaded))

    def _build(self) -> None:
        intro = QLabel(
            "Follow-ups and meetings go to a calendar on your own server, and contacts to an "
            "address book there, both ways, so they reach your phone. Nextcloud, Fastmail, "
            "iCloud, SOGo and Radicale work; give the server's CalDAV address."
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText("https://cloud.example.com/remote.php/dav")
        self.username_edit = QLineEdit()
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.calendar_edit = QLineEdit(DEFAULT_NAME)
        self.address_book_edit = QLineEdit(DEFAULT_NAME)
        self.create_box = QCheckBox("&Create them on the server if missing")
        self.create_box.setChecked(True)
        self.ca_edit = QLineEdit()
        self.ca_edit.setPlaceholderText("only for a company certificate authority (PEM)")
        self.ca_button = QPushButton("&Browse…")
        self.ca_button.clicked.connect(self._choose_ca_file)
        ca_row = QWidget()  # a widget, not a layout: the row's label then has its buddy
        ca_layout = QHBoxLayout(ca_row)
        ca_layout.setContentsMargins(0, 0, 0, 0)
        ca_layout.addWidget(self.ca_edit, 1)
        ca_layout.addWidget(self.ca_button)
        form = QFormLayout()
        form.addRow("Server &address:", self.url_edit)
        form.addRow("&User name:", self.username_edit)
        form.addRow("&Password:", self.password_edit)
        form.addRow("Ca&lendar:", self.calendar_edit)
        form.addRow("Address &book:", self.address_book_edit)
        form.addRow("", self.create_box)
        form.addRow("Cer&tificate:", ca_row)
        ca_label = form.labelForField(ca_row)
        if isinstance(ca_label, QLabel):
            ca_label.setBuddy(self.ca_edit)
        for label, field in (
            ("Server address:", self.url_edit),
            ("User name:", self.username_edit),
            ("Password:", self.password_edit),
        ):
            field.setAccessibleName(label.rstrip(":"))
        self.state_label = QLabel()
        self.state_label.setWordWrap(True)
        self.state_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label = message_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.save_button = self.buttons.addButton(
            "&Test and save", QDialogButtonBox.ButtonRole.ApplyRole
        )
        self.save_button.setDefault(True)
        self.forget_button = self.buttons.addButton(
            "&Forget account", QDialogButtonBox.ButtonRole.DestructiveRole
        )
        self.save_button.clicked.connect(self.test_and_save)
        self.forget_button.clicked.connect(self.forget)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.state_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    # --- loading ------------------------------------------------------------------------------

    def _on_loaded(self, saved: AccountFields | None) -> None:
        self._saved = saved
        if saved is not None:
            self.url_edit.setText(saved.url)
            self.username_edit.setText(saved.username)
            self.calendar_edit.setText(saved.calendar or DEFAULT_NAME)
            self.address_book_edit.setText(saved.address_book or DEFAULT_NAME)
            self.ca_edit.setText(saved.ca_file)
            if saved.password_saved:
                self.password_edit.setPlaceholderText(SAVED_PLACEHOLDER)
        self._show_state()
        self._set_busy(False)
        self.account_loaded.emit()

    def _show_state(self) -> None:
        saved = self._saved
        if saved is None:
            self.state_label.setText("Sync is not set up: the app connects to no server.")
            return
        when = (
            timefmt.short_moment(saved.last_sync_at.astimezone(self._ctx.now().tzinfo))
            if saved.last_sync_at is not None
            else "never"
        )
        text = f"Syncing with {saved.username} at {saved.url}. Last synced: {when}."
        if self._sync.status:
            text += f" Now: {self._sync.status}."
        self.state_label.setText(text)

    # --- actions ------------------------------------------------------------------------------

    def test_and_save(self) -> None:
        """Check the login and the collections on the sync thread, then save the account."""
        if self._busy:
            return
        password = self.password_edit.text() or (self._sync.password or "")
        job = partial(
            set_up_account,
            self._ctx.runner.db,
            url=self.url_edit.text(),
            username=self.username_edit.text(),
            password=password,
            calendar=self.calendar_edit.text(),
            address_book=self.address_book_edit.text(),
            create=self.create_box.isChecked(),
            ca_file=self.ca_edit.text(),
        )
        self._set_busy(True)
        self.error_label.hide()
        self.state_label.setText("Checking the login and the collections…")
        sync, shown = self._sync, while_alive(self, self._on_set_up)

        def saved(done: SetUp) -> None:
            # The sync starts even when the dialog was closed while the login was checked.
            # No keyring: the password lives in memory until the app quits, nowhere else.
            sync.password = None if done.password_saved else password
            sync.account_changed(True)
            shown(done)

        self._sync.worker.run(job, saved, while_alive(self, self._on_failed))

    def _on_set_up(self, done: SetUp) -> None:
        self._set_busy(False)
        lines = [f"Saved. Calendar: {done.found.calendar_url}"]
        if done.found.address_book_url:
            lines.append(f"Address book: {done.found.address_book_url}")
        lines += [f"Created the {what} on the server." for what in done.found.created]
        if not done.password_saved:
            lines.append(
                "No system keyring here: the password is kept until the app quits, then "
                "asked for again."
            )
        self.password_edit.clear()
        self.password_edit.setPlaceholderText(SAVED_PLACEHOLDER if done.password_saved else "")
        self.state_label.setText("\n".join(lines))
        self._ctx.runner.query(saved_account, while_alive(self, self._on_reloaded))
        self.checked.emit(True)

    def _on_reloaded(self, saved: AccountFields | None) -> None:
        self._saved = saved
        self.forget_button.setEnabled(saved is not None and not self._busy)

    def _on_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self._show_state()
        self.error_label.setText(str(exc))
        self.error_label.show()
        self.checked.emit(False)

    def forget(self) -> None:
        """Remove the account and its saved password; the server keeps what it has."""
        if self._busy or self._saved is None:
            return
        self._set_busy(True)
        self._sync.account_changed(False)
        self._sync.worker.run(
            partial(forget_account, self._ctx.runner.db),
            while_alive(self, self._on_forgotten),
            while_alive(self, self._on_failed),
        )

    def _on_forgotten(self, _forgotten: object) -> None:
        self._saved = None
        self._set_busy(False)
        self.password_edit.clear()
        self.password_edit.setPlaceholderText("")
        self.state_label.setText(
            "Forgotten: the app no longer syncs (what is on the server stays there)."
        )
        self.checked.emit(True)

    def _choose_ca_file(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self,
            "Company certificate authority",
            str(Path.home()),
            "Certificates (*.pem *.crt *.cer);;All files (*)",
        )
        if chosen:
            self.ca_edit.setText(chosen)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.save_button.setEnabled(not busy)
        self.forget_button.setEnabled(not busy and self._saved is not None)
