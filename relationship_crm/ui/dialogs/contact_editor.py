"""The contact editor: a new contact (Ctrl+N) or every field of an existing one."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)
from sqlalchemy.orm import Session

from relationship_crm.domain.changes import Created
from relationship_crm.domain.enums import Stage
from relationship_crm.domain.errors import EditConflictError, InvalidInputError
from relationship_crm.domain.records import ContactDraft, ContactView, Labeled
from relationship_crm.services import contact_fields, contacts
from relationship_crm.ui.callbacks import while_alive
from relationship_crm.ui.context import UiContext
from relationship_crm.ui.dialogs.base import SavingDialog
from relationship_crm.ui.widgets.messages import WARNING_COLOUR, message_label
from relationship_crm.ui.widgets.stage_combo import StageCombo


def parse_labeled_lines(text: str) -> tuple[Labeled, ...]:
    """One value a line, optionally "label: value" ("work: jane@acme.com")."""
    items = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        head, sep, tail = line.partition(":")
        if (
            sep
            and head.strip().replace(" ", "").isalpha()
            and head.strip().lower() not in ("mailto", "tel")
            and tail.strip()
        ):
            items.append(Labeled(tail.strip(), head.strip().lower()))
        else:
            items.append(Labeled(line))
    return tuple(items)


def format_labeled(items: tuple[Labeled, ...]) -> str:
    return "\n".join(f"{i.label}: {i.value}" if i.label else i.value for i in items)


#: How long typing in Emails pauses before the addresses are looked up.
EMAIL_CHECK_DELAY_MS = 400


class ContactEditor(SavingDialog):
    """Edits a ContactDraft; saving goes through ctx.runner in one transaction.

    Signals:
        saved(int): the contact id, after the change was committed (also notified via events).
        reloaded(): the form shows the stored contact again (another rep saved it meanwhile:
            the save was refused with "changed by NAME at TIME — reload").
    Lives on the GUI thread.
    """

    saved = Signal(int)
    reloaded = Signal()

    def __init__(
        self,
        ctx: UiContext,
        contact: ContactView | None = None,
        parent: QWidget | None = None,
        name: str = "",
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._contact = contact
        self.setWindowTitle("Edit contact" if contact else "New contact")
        self.name = QLineEdit(contact.name if contact else name)
        self.name.setPlaceholderText("Jane Doe")
        self.company = QLineEdit(contact.company if contact else "")
        self.title = QLineEdit(contact.title if contact else "")
        self.stage = StageCombo(ctx)
        # What the stage means, agreed with marketing: shown as the rep chooses.
        self.stage_definition = QLabel()
        self.stage_definition.setObjectName("stageDefinition")
        self.stage_definition.setWordWrap(True)
        self.stage_definition.setStyleSheet("color: palette(placeholder-text);")
        self.stage.definition_changed.connect(self.stage_definition.setText)
        self.stage.definition_changed.connect(self.stage.setToolTip)
        self.stage.select(contact.stage if contact else Stage.PROSPECT.value)
        self.stage.load()
        self.emails = QPlainTextEdit(format_labeled(contact.emails) if contact else "")
        self.emails.setPlaceholderText("work: jane@acme.com")
        self.phones = QPlainTextEdit(format_labeled(contact.phones) if contact else "")
        self.phones.setPlaceholderText("mobile: +1 212 555 0100")
        for box in (self.emails, self.phones):
            box.setTabChangesFocus(True)
            box.setFixedHeight(56)
        self.tags = QLineEdit(", ".join(contact.tags) if contact else "")
        self.tags.setPlaceholderText("vip, golf, conference-2026")
        self.birthday = QLineEdit((contact.birthday or "") if contact else "")
        self.birthday.setPlaceholderText("YYYY-MM-DD or --MM-DD")
        self.notes = QPlainTextEdit(contact.notes if contact else "")
        self.notes.setTabChangesFocus(True)
        self.error = self.error_label = message_label()
        # Names other contacts with a typed address (`contact add` warns with the same words);
        # a shared address is allowed, so this only warns. Checked once typing pauses.
        self.email_warning = message_label(WARNING_COLOUR)
        self._email_timer = QTimer(self)
        self._email_timer.setSingleShot(True)
        self._email_timer.setInterval(EMAIL_CHECK_DELAY_MS)
        self._email_timer.timeout.connect(self.check_emails)
        self.emails.textChanged.connect(self._email_timer.start)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._on_save)
        self.buttons.rejected.connect(self.reject)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self).activated.connect(self._on_save)

        form = QFormLayout(self)
        form.addRow("&Name:", self.name)
        form.addRow("C&ompany:", self.company)
        form.addRow("&Title:", self.title)
        form.addRow("&Stage:", self.stage)
        form.addRow("", self.stage_definition)
        form.addRow("&Emails:", self.emails)
        form.addRow("", self.email_warning)
        form.addRow("&Phones:", self.phones)
        form.addRow("T&ags:", self.tags)
        form.addRow("&Birthday:", self.birthday)
        form.addRow("N&otes:", self.notes)
        form.addRow(self.error)
        form.addRow(self.buttons)
        self.resize(480, 560)

    def check_emails(self) -> None:
        """Look up other live contacts having the typed addresses; show them as a warning."""
        if not self.isVisible():
            return  # closed while the timer ran: nothing to warn
        values = []
        for item in parse_labeled_lines(self.emails.toPlainText()):
            try:
                values.append(contact_fields.check_email(item.value))
            except InvalidInputError:
                continue  # a bad address is reported when saving
        if not values:
            self._on_email_owners([])
            return
        exclude = self._contact.id if self._contact is not None else None
        self._ctx.runner.query(
            lambda s: contacts.email_owners(s, values, exclude_id=exclude),
            while_alive(self, self._on_email_owners),
        )

    def _on_email_owners(self, owners: list[contacts.EmailOwner]) -> None:
        self.email_warning.setText(f"⚠ {contacts.describe_email_owners(owners)}" if owners else "")
        self.email_warning.setVisible(bool(owners))

    def draft(self) -> ContactDraft:
        # The name parts are kept while the name is; a new name has its parts guessed again.
        keep_parts = self._contact is not None and self.name.text() == self._contact.name
        return ContactDraft(
            name=self.name.text(),
            given_name=self._contact.given_name if keep_parts and self._contact else "",
            family_name=self._contact.family_name if keep_parts and self._contact else "",
            emails=parse_labeled_lines(self.emails.toPlainText()),
            phones=parse_labeled_lines(self.phones.toPlainText()),
            company=self.company.text(),
            title=self.title.text(),
            stage=self.stage.current_key() or Stage.PROSPECT.value,
            tags=tuple(t.strip() for t in self.tags.text().split(",") if t.strip()),
            birthday=self.birthday.text().strip() or None,
            notes=self.notes.toPlainText(),
        )

    def _on_save(self) -> None:
        draft = self.draft()
        if not draft.name.strip():
            self._show_error("Please enter a name.")
            self.name.setFocus()
            return
        cid = self._contact.id if self._contact is not None else None
        # The version the form was filled from: a save by another rep since is refused.
        version = self._contact.version if self._contact is not None else None

        def save(session: Session) -> Created:
            if cid is None:
                return contacts.create(session, draft, now=self._ctx.clock())
            changes = contacts.replace_details(
                session, cid, draft, now=self._ctx.clock(), expected_version=version
            )
            return Created(cid, changes)

        # Any failure, a bug too, is told in the dialog's own words (the service's message).
        self._write(save, self._on_saved, describe=str, failed=self._on_save_failed)

    def _on_save_failed(self, error: BaseException) -> None:
        if isinstance(error, EditConflictError) and self._contact is not None:
            # Somebody else saved it meanwhile: show what is stored now, to edit again.
            cid = self._contact.id
            self._ctx.runner.query(lambda s: contacts.get(s, cid), while_alive(self, self._reload))

    def _reload(self, contact: ContactView) -> None:
        """Fill the form again from `contact` (the stored version, after a conflict)."""
        self._contact = contact
        self.name.setText(contact.name)
        self.company.setText(contact.company)
        self.title.setText(contact.title)
        self.stage.select(contact.stage)
        self.emails.setPlainText(format_labeled(contact.emails))
        self.phones.setPlainText(format_labeled(contact.phones))
        self.tags.setText(", ".join(contact.tags))
        self.birthday.setText(contact.birthday or "")
        self.notes.setPlainText(contact.notes)
        self.reloaded.emit()

    def _saving_changed(self, saving: bool) -> None:
        self.buttons.setEnabled(not saving)

    def _on_saved(self, saved: Created) -> None:
        self.saved.emit(saved.id)
        self.accept()
