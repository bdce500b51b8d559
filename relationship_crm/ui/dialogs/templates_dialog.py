"""The template editor: templates shipped with the app and the rep's own, checked live.

One dialog for both kinds: thank-you notes (the default) and campaign letters (`kind=CAMPAIGN`,
their own list, fields and preview)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QKeySequence,
    QShortcut,
    QTextCharFormat,
    QTextCursor,
    QTextFormat,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from relationship_crm.domain.changes import Changes
from relationship_crm.domain.errors import InvalidInputError, KnownError
from relationship_crm.domain.templating import template_problems
from relationship_crm.services import campaign_merge, note_templates, thanks_text
from relationship_crm.services.note_templates import TemplateInfo
from relationship_crm.ui.callbacks import while_alive
from relationship_crm.ui.context import UiContext
from relationship_crm.ui.dialogs.base import SavingDialog
from relationship_crm.ui.models.delegates import MARKER_SEP, TemplateItemDelegate
from relationship_crm.ui.widgets.messages import ERROR_COLOUR, message_label, plain_tooltip

#: What a new template starts with: a greeting and a sign-off around room for the rep's words.
STARTER_BODY = "Dear {{first_name}},\n\n\n\n{{signature}}\n"
#: The preview is filled this long after the last keystroke (filling it reads the database).
PREVIEW_DELAY_MS = 300
#: The list item's data role holding the template's name.
NAME_ROLE = Qt.ItemDataRole.UserRole + 1
#: Background of the body's lines that have a problem.
PROBLEM_LINE_COLOUR = "#fdecea"
_HINT_STYLE = "color: palette(placeholder-text);"
_NO_PREVIEW = "The preview appears here when the template has no problems."


def item_text(info: TemplateInfo | None, name: str) -> str:
    """A list entry: the name with what it is, then the description on a second line."""
    if info is None:
        return f"{name}{MARKER_SEP}new\nNot saved yet"
    if info.customised:
        marker = f"{MARKER_SEP}shipped, edited"
    elif info.shipped:
        marker = f"{MARKER_SEP}shipped"
    else:
        marker = ""
    return f"{name}{marker}\n{info.description}"


def placeholder_group(name: str) -> str:
    """Which part of the menu a placeholder belongs to: attendee, meeting, you, or dates."""
    if name.startswith("meeting_"):
        return "meeting"
    if name.startswith("rep_") or name == "signature":
        return "rep"
    if name == "date":
        return "date"
    return "attendee"


def field(name: str) -> str:
    """The text a template uses for a placeholder: {{name}}."""
    return "{{" + name + "}}"


class TemplatesDialog(SavingDialog):
    """Owns the editor for thank-you templates: the list on the left, the chosen one on the right.

    Lists every template (`note_templates.list_templates`, read through `ctx.runner.query`): the
    shipped ones (marked, and marked "edited" where the rep's copy replaces the shipped text), then
    the rep's own. The body is checked as the rep types (`template_problems`, a pure function run
    here) and a preview filled with example data (`thanks_text.preview_template`) follows 300 ms
    after the last keystroke. Save, Revert to shipped and Delete write through `_write` (which
    notifies their changes); a KnownError (an unknown placeholder, say) shows inline and nothing
    is stored. Switching template, New… or closing with unsaved edits asks Save / Discard / Cancel.

    Signals:
        templates_loaded(): the list was (re)read from the database.
        template_saved(str): a template's name, after its text was stored.
        template_removed(str): a template's name, after it was deleted or reverted to shipped.
        preview_shown(): the preview pane shows the text filled for the current body.
    Lives on the GUI thread.
    """

    templates_loaded = Signal()
    template_saved = Signal(str)
    template_removed = Signal(str)
    preview_shown = Signal()

    def __init__(
        self, ctx: UiContext, parent: QWidget | None = None, *, kind: str = note_templates.THANKS
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._kind = kind
        self._placeholders = note_templates.placeholders_of(kind)
        self._templates: dict[str, TemplateInfo] = {}
        self._current: str | None = None
        self._new_name: str | None = None  # made with New… and not stored yet
        self._clean_body = ""
        self._clean_description = ""
        self._saving = False
        self._syncing_list = False
        self._preview_serial = 0
        self.setWindowTitle(
            "Campaign letter templates"
            if kind == note_templates.CAMPAIGN
            else "Thank-you templates"
        )
        self.resize(960, 680)
        self._build()
        self._preview_timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self._connect_signals()
        self._update_state()
        self._load(self._show_first)

    # --- building -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.template_list = QListWidget()
        self.template_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.template_list.setAlternatingRowColors(True)
        self.template_list.setUniformItemSizes(True)
        self.template_list.setItemDelegate(TemplateItemDelegate(self.template_list))
        list_label = QLabel("&Templates:")
        list_label.setBuddy(self.template_list)

        self.new_button = QPushButton("&New…")
        self.new_button.setToolTip("Start a template of your own")
        self.delete_button = QPushButton("&Delete")
        self.delete_button.setToolTip("Delete this template of yours")
        self.revert_button = QPushButton("&Revert to shipped")
        self.revert_button.setToolTip("Throw away your edits and use the text shipped with the app")
        list_buttons = QHBoxLayout()
        list_buttons.setContentsMargins(0, 0, 0, 0)
        list_buttons.addWidget(self.new_button)
        list_buttons.addStretch(1)
        list_buttons.addWidget(self.delete_button)
        list_buttons.addWidget(self.revert_button)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(list_label)
        left_layout.addWidget(self.template_list, 1)
        left_layout.addLayout(list_buttons)

        self.name_label = QLabel()
        self.name_label.setTextFormat(Qt.TextFormat.PlainText)
        bold = QFont(self.name_label.font())
        bold.setBold(True)
        bold.setPointSizeF(bold.pointSizeF() * 1.15)
        self.name_label.setFont(bold)
        self.status_label = QLabel()
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setWordWrap(True)
        self.status_label.setStyleSheet(_HINT_STYLE)

        self.description_edit = QLineEdit()
        self.description_edit.setPlaceholderText("What it is for, e.g. After a trade show")
        self.description_edit.setMaxLength(200)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Descr&iption:", self.description_edit)

        readable = QFont(self.font())
        readable.setPointSizeF(readable.pointSizeF() * 1.1)
        self.body_edit = QPlainTextEdit()
        self.body_edit.setFont(readable)
        self.body_edit.setTabChangesFocus(True)  # a note has no use for tab characters
        self.body_edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.body_edit.setAccessibleName("Template text")
        body_label = QLabel("Te&xt of the note:")
        body_label.setBuddy(self.body_edit)

        self.placeholder_menu = QMenu(self)
        self._placeholder_actions: dict[str, QAction] = {}
        group = None
        for name, description in self._placeholders.items():
            if group is not None and placeholder_group(name) != group:
                self.placeholder_menu.addSeparator()
            group = placeholder_group(name)
            words = (description[:1].upper() + description[1:]).replace("&", "&&")
            # After the tab, Qt shows the field in the menu's right-hand (shortcut) column.
            action = self.placeholder_menu.addAction(f"{words}\t{field(name)}")
            action.setData(name)
            self._placeholder_actions[name] = action
        self.placeholder_button = QPushButton("Insert &placeholder")
        self.placeholder_button.setToolTip("Insert a {{placeholder}} at the cursor")
        self.placeholder_button.setMenu(self.placeholder_menu)
        body_row = QHBoxLayout()
        body_row.setContentsMargins(0, 0, 0, 0)
        body_row.addWidget(body_label)
        body_row.addStretch(1)
        body_row.addWidget(self.placeholder_button)

        self.problems_label = message_label(ERROR_COLOUR)

        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setFont(readable)
        self.preview.setPlaceholderText(_NO_PREVIEW)
        self.preview.setAccessibleName("Preview")
        self.preview.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        preview_label = QLabel("Preview, filled with example data and your details:")
        preview_label.setStyleSheet(_HINT_STYLE)

        body_box = QWidget()
        body_layout = QVBoxLayout(body_box)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addLayout(body_row)
        body_layout.addWidget(self.body_edit, 1)
        body_layout.addWidget(self.problems_label)
        preview_box = QWidget()
        preview_layout = QVBoxLayout(preview_box)
        preview_layout.setContentsMargins(0, 0, 0, 0)
        preview_layout.addWidget(preview_label)
        preview_layout.addWidget(self.preview, 1)
        texts = QSplitter(Qt.Orientation.Vertical)
        texts.setChildrenCollapsible(False)
        texts.addWidget(body_box)
        texts.addWidget(preview_box)
        texts.setStretchFactor(0, 3)
        texts.setStretchFactor(1, 2)

        self.error_label = message_label(ERROR_COLOUR)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.name_label)
        right_layout.addWidget(self.status_label)
        right_layout.addLayout(form)
        right_layout.addWidget(texts, 1)
        right_layout.addWidget(self.error_label)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([280, 680])

        self.save_button = QPushButton("&Save")
        self.save_button.setToolTip("Save this template (Ctrl+S)")
        self.close_button = QPushButton("Close")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)
        # Return in the description saves; no other button may be the one Return presses.
        for button in (
            self.new_button,
            self.delete_button,
            self.revert_button,
            self.placeholder_button,
            self.close_button,
        ):
            button.setAutoDefault(False)
        self.save_button.setDefault(True)

        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)

        chain: tuple[QWidget, ...] = (
            self.template_list,
            self.new_button,
            self.delete_button,
            self.revert_button,
            self.description_edit,
            self.placeholder_button,
            self.body_edit,
            self.preview,
            self.save_button,
            self.close_button,
        )
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def _connect_signals(self) -> None:
        self.template_list.currentItemChanged.connect(self._on_list_current_changed)
        self.new_button.clicked.connect(self.new_template)
        self.delete_button.clicked.connect(self.delete_current)
        self.revert_button.clicked.connect(self.delete_current)
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.reject)
        self.placeholder_menu.triggered.connect(self._on_placeholder_triggered)
        self.body_edit.textChanged.connect(self._on_body_changed)
        self.description_edit.textChanged.connect(self._on_description_changed)
        self._preview_timer.timeout.connect(self.refresh_preview)
        self._ctx.events.changed.connect(self._on_events_changed)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self, self.save)

    # --- public -------------------------------------------------------------------------------

    def current_name(self) -> str | None:
        """The name of the template in the editor (None before the list is loaded)."""
        return self._current

    def is_modified(self) -> bool:
        """The editor holds changes that are not stored (a new template always does)."""
        if self._current is None:
            return False
        return (
            self._current == self._new_name
            or self.body_edit.toPlainText() != self._clean_body
            or self.description_edit.text() != self._clean_description
        )

    def template_names(self) -> list[str]:
        """The names in the list, in its order (a new, unsaved template included)."""
        items = (self.template_list.item(row) for row in range(self.template_list.count()))
        return [item.data(NAME_ROLE) for item in items if item is not None]

    def list_item(self, name: str) -> QListWidgetItem | None:
        """The list entry of a template, or None."""
        for row in range(self.template_list.count()):
            item = self.template_list.item(row)
            if item is not None and item.data(NAME_ROLE) == name:
                return item
        return None

    def select_template(self, name: str) -> bool:
        """Show template `name`, asking first about unsaved edits of the one shown.

        Returns True when it is shown now; False when the rep cancelled, the name is unknown, or
        it will be shown once the edits the rep chose to save are stored.
        """
        if name == self._current:
            return True
        if self._saving or (name not in self._templates and name != self._new_name):
            return False
        return self._resolve_unsaved(partial(self._show, name))

    def placeholder_action(self, name: str) -> QAction:
        """The "Insert placeholder" menu entry for one placeholder."""
        return self._placeholder_actions[name]

    def insert_placeholder(self, name: str) -> None:
        """Put {{name}} at the body's cursor (replacing any selected text)."""
        self.body_edit.insertPlainText(field(name))
        self.body_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def refresh_preview(self) -> None:
        """Fill the preview for the body as it is now (the timer calls this after typing stops)."""
        self._preview_timer.stop()
        self._preview_serial += 1
        serial = self._preview_serial
        text = self.body_edit.toPlainText()
        if self._current is None or template_problems(text, self._placeholders):
            self.preview.clear()
            self.preview.setPlaceholderText(_NO_PREVIEW)
            return
        now = self._ctx.clock()
        self._ctx.runner.query(
            (
                (lambda s: campaign_merge.preview_template(s, text, now=now))
                if self._kind == note_templates.CAMPAIGN
                else (lambda s: thanks_text.preview_template(s, text, now=now))
            ),
            while_alive(self, partial(self._on_preview_filled, serial)),
            while_alive(self, partial(self._on_preview_failed, serial)),
        )

    def new_template(self) -> None:
        """Ask for a name and start a template of the rep's own (stored on Save)."""
        if not self._saving:
            self._resolve_unsaved(self._ask_new_name)

    def save(self) -> None:
        """Store the template in the editor; a problem is shown inline and nothing is stored."""
        self._save(None)

    def delete_current(self) -> None:
        """Delete the rep's own template, or revert an edited shipped one, after asking."""
        name = self._current
        if name is None or self._saving:
            return
        info = self._templates.get(name)
        if name == self._new_name:
            question = f"Discard the new template {name}? It is not saved."
            if self.confirm("Discard template", question):
                self._discard_edits()
            return
        if info is None or (info.shipped and not info.customised):
            return
        if info.shipped:
            question = (
                f"Revert {name} to the text shipped with the app?\n"
                "Your edited text is lost. Notes already written from it keep their text."
            )
            if not self.confirm("Revert to shipped", question):
                return
        else:
            question = f"Delete the template {name}?\nNotes written from it keep their text."
            if not self.confirm("Delete template", question):
                return
        self.error_label.hide()
        self._write(
            lambda s: note_templates.delete_template(s, name, self._kind),
            partial(self._on_deleted, name),
        )

    # --- questions (static Qt dialogs; tests patch them) ----------------------------------------

    def confirm(self, title: str, text: str) -> bool:
        """Ask a yes/no question; No is the default."""
        answer = QMessageBox.question(
            self,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def ask_unsaved(self, name: str) -> QMessageBox.StandardButton:
        """Save, Discard or Cancel for the unsaved edits of template `name`."""
        return QMessageBox.question(
            self,
            "Unsaved changes",
            f"The template {name} has changes that are not saved. Save them?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )

    # --- closing ------------------------------------------------------------------------------

    def reject(self) -> None:
        # Esc, Close and the window's close button all come here.
        if self._saving:
            return
        self._resolve_unsaved(self._close_now, reset_on_discard=False)

    def done(self, result: int) -> None:
        self._preview_timer.stop()  # no database reads for a closed dialog
        super().done(result)

    def _close_now(self) -> None:
        super().reject()

    # --- loading ------------------------------------------------------------------------------

    def _load(self, then: Callable[[], None] | None = None) -> None:
        self._ctx.runner.query(
            partial(note_templates.list_templates, kind=self._kind),
            while_alive(self, partial(self._on_loaded, then)),
            while_alive(self, self._on_load_failed),
        )

    def _on_loaded(self, then: Callable[[], None] | None, infos: list[TemplateInfo]) -> None:
        self._templates = {info.name: info for info in infos}
        self._syncing_list = True
        try:
            self.template_list.clear()
            names = list(self._templates)
            if self._new_name is not None and self._new_name not in self._templates:
                names.append(self._new_name)
            for name in names:
                info = self._templates.get(name)
                item = QListWidgetItem(item_text(info, name))
                item.setData(NAME_ROLE, name)
                item.setToolTip(
                    plain_tooltip(info.description) if info is not None else "Not saved yet"
                )
                self.template_list.addItem(item)
        finally:
            self._syncing_list = False
        self._set_list_current(self._current)
        if then is not None:
            then()
        self._update_state()
        self.templates_loaded.emit()

    def _on_load_failed(self, exc: BaseException) -> None:
        if isinstance(exc, KnownError):
            self._show_error(f"Could not read the templates: {exc}")
        else:
            self._ctx.runner.failed.emit(str(exc), True)

    def _show_first(self) -> None:
        if self._current is None and self._templates:
            self._show(next(iter(self._templates)))

    def _show(self, name: str) -> None:
        """Put template `name` in the editor as it is stored (the starter text for a new one)."""
        info = self._templates.get(name)
        if name != self._new_name and info is None:
            self._current = None
            self._show_first()
            return
        description, body = ("", STARTER_BODY) if info is None else (info.description, info.body)
        self._current = name
        self.description_edit.setText(description)
        self.body_edit.setPlainText(body)  # also starts a fresh undo history
        self._clean_description = self.description_edit.text()
        self._clean_body = self.body_edit.toPlainText()
        self.body_edit.moveCursor(QTextCursor.MoveOperation.Start)
        self._set_list_current(name)
        self.error_label.hide()
        self._check_problems()
        self._update_state()
        self.refresh_preview()

    def _set_list_current(self, name: str | None) -> None:
        item = self.list_item(name) if name is not None else None
        self._syncing_list = True
        try:
            if item is None:
                self.template_list.setCurrentRow(-1)
            else:
                self.template_list.setCurrentItem(item)
                self.template_list.scrollToItem(item)
        finally:
            self._syncing_list = False

    # --- unsaved edits ------------------------------------------------------------------------

    def _resolve_unsaved(self, then: Callable[[], None], *, reset_on_discard: bool = True) -> bool:
        """Run `then` once unsaved edits are dealt with; True if it ran now.

        Save runs it after the write succeeded; Discard drops the edits first; Cancel never runs it.
        """
        if not self.is_modified() or self._current is None:
            then()
            return True
        answer = self.ask_unsaved(self._current)
        if answer == QMessageBox.StandardButton.Save:
            self._save(then)
            return False
        if answer == QMessageBox.StandardButton.Discard:
            if reset_on_discard:
                self._discard_edits()
            then()
            return True
        return False

    def _discard_edits(self) -> None:
        """Back to the stored text; a new template that was never saved leaves the list."""
        if self._new_name is not None and self._new_name == self._current:
            item = self.list_item(self._new_name)
            self._new_name = None
            self._current = None
            if item is not None:
                self._syncing_list = True
                try:
                    self.template_list.takeItem(self.template_list.row(item))
                finally:
                    self._syncing_list = False
            self._show_first()
        elif self._current is not None:
            self._show(self._current)

    def _ask_new_name(self) -> None:
        text, ok = QInputDialog.getText(
            self,
            "New template",
            "Name of the new template\n(lower-case letters, digits and hyphens, "
            "e.g. after-conference):",
        )
        if not ok or not text.strip():
            return
        try:
            name = note_templates.check_name(text)
        except InvalidInputError as exc:
            message = str(exc)
            self._show_error(message[:1].upper() + message[1:])
            return
        if name in self._templates or name == self._new_name:
            self._show_error(f"There is already a template called {name}; choose another name.")
            return
        if self._new_name is not None:
            self._discard_new_item()
        self._new_name = name
        item = QListWidgetItem(item_text(None, name))
        item.setData(NAME_ROLE, name)
        item.setToolTip("Not saved yet")
        self._syncing_list = True
        try:
            self.template_list.addItem(item)
        finally:
            self._syncing_list = False
        self._show(name)
        self.description_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _discard_new_item(self) -> None:
        if self._new_name is None:
            return
        item = self.list_item(self._new_name)
        self._new_name = None
        if item is not None:
            self._syncing_list = True
            try:
                self.template_list.takeItem(self.template_list.row(item))
            finally:
                self._syncing_list = False

    # --- saving -------------------------------------------------------------------------------

    def _save(self, then: Callable[[], None] | None) -> None:
        name = self._current
        if name is None or self._saving:
            return
        body = self.body_edit.toPlainText()
        description = self.description_edit.text()
        now = self._ctx.clock()
        self.error_label.hide()
        self._write(
            lambda s: note_templates.save_template(
                s, name, body, description=description, now=now, kind=self._kind
            ),
            partial(self._on_saved, name, body, description, then),
        )

    def _on_saved(
        self,
        name: str,
        body: str,
        description: str,
        then: Callable[[], None] | None,
        _changes: Changes,
    ) -> None:
        if name == self._new_name:
            self._new_name = None
        if name == self._current:
            # What is stored now; keystrokes typed while the write ran stay unsaved edits.
            self._clean_body = body
            self._clean_description = description
        self.template_saved.emit(name)
        self._load(then)

    def _on_deleted(self, name: str, _changes: Changes) -> None:
        self.template_removed.emit(name)
        # A reverted template shows its shipped text; a deleted one gives way to the first.
        self._load(partial(self._show, name))

    def _saving_changed(self, saving: bool) -> None:
        self._update_state()

    # --- slots --------------------------------------------------------------------------------

    def _on_list_current_changed(
        self, current: QListWidgetItem | None, _previous: QListWidgetItem | None
    ) -> None:
        if self._syncing_list or current is None:
            return
        name = current.data(NAME_ROLE)
        if name == self._current:
            return
        # Asked once the click is handled (no modal question inside the view's mouse handling).
        QTimer.singleShot(0, self, partial(self._on_list_switch_requested, name))

    def _on_list_switch_requested(self, name: str) -> None:
        if not self.select_template(name):
            # Cancelled (or saving first): the list goes back to the template in the editor.
            self._set_list_current(self._current)

    def _on_placeholder_triggered(self, action: QAction) -> None:
        self.insert_placeholder(str(action.data()))

    def _on_body_changed(self) -> None:
        self._check_problems()
        self._update_state()
        self._preview_timer.start()

    def _on_description_changed(self, _text: str) -> None:
        self._update_state()

    def _on_events_changed(self, changes: Changes, initiator: object) -> None:
        if changes.settings and initiator is not self:
            self._preview_timer.start()  # the rep's details (signature, date style) changed

    def _on_preview_filled(self, serial: int, text: str) -> None:
        if serial != self._preview_serial:
            return  # the body changed since; a newer preview is on its way
        self.preview.setPlainText(text)
        self.preview_shown.emit()

    def _on_preview_failed(self, serial: int, exc: BaseException) -> None:
        if serial != self._preview_serial:
            return
        self.preview.clear()
        if isinstance(exc, KnownError):
            self.preview.setPlaceholderText(f"No preview: {exc}")
        else:
            self.preview.setPlaceholderText("No preview: something went wrong inside the app.")
            self._ctx.runner.failed.emit(str(exc), True)

    # --- state --------------------------------------------------------------------------------

    def _check_problems(self) -> None:
        """List the body's problems under it and tint the lines they are on."""
        text = self.body_edit.toPlainText()
        problems = template_problems(text, self._placeholders) if self._current is not None else []
        selections = []
        document = self.body_edit.document()
        for line in sorted({problem.line for problem in problems}):
            block = document.findBlockByNumber(line - 1)
            if not block.isValid():
                continue
            tint = QTextCharFormat()
            tint.setBackground(QColor(PROBLEM_LINE_COLOUR))
            tint.setProperty(QTextFormat.Property.FullWidthSelection, True)
            selection = QTextEdit.ExtraSelection()
            selection.cursor = QTextCursor(block)
            selection.format = tint
            selections.append(selection)
        self.body_edit.setExtraSelections(selections)
        if problems:
            lines = (str(problem) for problem in problems)
            self.problems_label.setText("\n".join(f"⚠ {p[:1].upper()}{p[1:]}" for p in lines))
            self.problems_label.show()
        else:
            self.problems_label.hide()

    def _update_state(self) -> None:
        name = self._current
        info = self._templates.get(name) if name is not None else None
        is_new = name is not None and name == self._new_name
        idle = not self._saving
        editable = name is not None and idle
        self.description_edit.setEnabled(editable)
        self.body_edit.setReadOnly(not editable)
        self.placeholder_button.setEnabled(editable)
        self.template_list.setEnabled(idle)
        self.new_button.setEnabled(idle)
        self.save_button.setEnabled(idle and self.is_modified())
        shipped = info is not None and info.shipped
        self.revert_button.setVisible(shipped)
        self.revert_button.setEnabled(idle and info is not None and info.customised)
        self.delete_button.setVisible(name is not None and not shipped)
        self.delete_button.setEnabled(idle)
        modified = " (not saved)" if self.is_modified() and not is_new else ""
        self.name_label.setText(f"{name}{modified}" if name is not None else "Loading…")
        if name is None:
            status = ""
        elif is_new:
            status = "A new template of yours, not saved yet."
        elif info is not None and info.customised:
            status = (
                "Shipped with the app and edited by you. "
                "Revert to shipped brings back the original text."
            )
        elif shipped:
            status = "Shipped with the app. Saving keeps your edited copy; you can revert it later."
        else:
            status = "A template of your own."
        self.status_label.setText(status)
