"""The thank-you notes window's right side: who and which meeting, the note's text, its template."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from relationship_crm.domain.enums import ThanksStatus
from relationship_crm.domain.timefmt import weekday_date
from relationship_crm.services.note_templates import TemplateInfo
from relationship_crm.services.thanks import ThanksView

_HINT_STYLE = "color: palette(placeholder-text);"

#: The rep's day of an aware instant.
LocalDay = Callable[[datetime], date]


class NoteEditor(QStackedWidget):
    """Shows one thank-you note (or "Select a note…" when there is none): a header, the meeting,
    its template and dates, the text to edit, and Save text / Template / Re-draft.

    Holds no state about saving: the window decides what is shown, what is dirty and what the
    buttons do (it connects their signals). Lives on the GUI thread.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._templates: tuple[TemplateInfo, ...] = ()
        self.header_label = QLabel()
        self.header_label.setTextFormat(Qt.TextFormat.PlainText)  # names are data, not markup
        self.header_label.setWordWrap(True)
        font = QFont(self.header_label.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.header_label.setFont(font)
        self.meeting_line = QLabel()
        self.meeting_line.setTextFormat(Qt.TextFormat.PlainText)
        self.meeting_line.setWordWrap(True)
        self.details_label = QLabel()
        self.details_label.setTextFormat(Qt.TextFormat.PlainText)
        self.details_label.setWordWrap(True)
        self.details_label.setStyleSheet(_HINT_STYLE)

        self.body_edit = QPlainTextEdit()
        self.body_edit.setAccessibleName("Note text")
        self.body_edit.setTabChangesFocus(True)
        self.body_edit.setPlaceholderText("The note's text")
        body_font = QFont(self.body_edit.font())
        body_font.setPointSizeF(body_font.pointSizeF() * 1.1)
        self.body_edit.setFont(body_font)
        self.body_edit.document().setDocumentMargin(10)
        self.sent_hint = QLabel("This note was sent, so its text is kept as it went out.")
        self.sent_hint.setTextFormat(Qt.TextFormat.PlainText)
        self.sent_hint.setStyleSheet(_HINT_STYLE)

        self.save_button = QPushButton("&Save text")
        self.save_button.setToolTip("Keep your wording for this note (Ctrl+S)")
        self.template_combo = QComboBox()
        self.template_combo.setAccessibleName("Template")
        self.template_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        template_label = QLabel("&Template:")
        template_label.setBuddy(self.template_combo)
        self.redraft_button = QPushButton("&Re-draft from template")
        self.redraft_button.setToolTip("Write the note again from the chosen template")
        editor_row = QHBoxLayout()
        editor_row.setContentsMargins(0, 0, 0, 0)
        editor_row.addWidget(self.save_button)
        editor_row.addStretch(1)
        editor_row.addWidget(template_label)
        editor_row.addWidget(self.template_combo)
        editor_row.addWidget(self.redraft_button)

        self.note_page = QWidget()
        note_layout = QVBoxLayout(self.note_page)
        note_layout.setContentsMargins(0, 0, 0, 0)
        note_layout.setSpacing(4)
        note_layout.addWidget(self.header_label)
        note_layout.addWidget(self.meeting_line)
        note_layout.addWidget(self.details_label)
        note_layout.addSpacing(4)
        note_layout.addWidget(self.body_edit, 1)
        note_layout.addWidget(self.sent_hint)
        note_layout.addLayout(editor_row)

        self.no_note_label = QLabel("Select a note to read or edit it.")
        self.no_note_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_note_label.setWordWrap(True)
        self.no_note_label.setStyleSheet(_HINT_STYLE + " padding: 24px;")
        self.addWidget(self.note_page)
        self.addWidget(self.no_note_label)

    def show_nothing(self) -> None:
        """No current note: say how to get one, with an empty editor."""
        self.setCurrentWidget(self.no_note_label)
        self.body_edit.setPlainText("")

    def show_note(
        self, note: ThanksView, *, keep_text: bool, today: date, local_day: LocalDay
    ) -> None:
        """Show `note`; `keep_text` leaves the editor's text alone (the rep is typing in it)."""
        self.setCurrentWidget(self.note_page)
        if not keep_text:
            self.body_edit.setPlainText(note.body)
        sent = note.status is ThanksStatus.SENT
        self.body_edit.setReadOnly(sent)
        self.sent_hint.setVisible(sent)
        self.header_label.setText(f"To {note.contact_name}")
        day = weekday_date(note.meeting_day, today=today) if note.meeting_day else ""
        self.meeting_line.setText(" · ".join(p for p in (note.meeting_title, day) if p))
        self.details_label.setText(details(note, today=today, local_day=local_day))
        index = self.template_combo.findData(note.template)
        if index >= 0:
            self.template_combo.setCurrentIndex(index)

    def set_templates(self, templates: tuple[TemplateInfo, ...]) -> None:
        """Offer these templates, keeping the one chosen when it is still there."""
        if templates == self._templates:
            return
        self._templates = templates
        chosen = self.template_combo.currentData()
        self.template_combo.blockSignals(True)
        self.template_combo.clear()
        for info in templates:
            self.template_combo.addItem(info.name, info.name)
            self.template_combo.setItemData(
                self.template_combo.count() - 1, info.description, Qt.ItemDataRole.ToolTipRole
            )
        index = self.template_combo.findData(chosen)
        self.template_combo.setCurrentIndex(max(index, 0))
        self.template_combo.blockSignals(False)

    def update_buttons(self, *, editable: bool, dirty: bool) -> None:
        """Save needs unsaved text; the template and re-drafting need an editable note."""
        has_templates = self.template_combo.count() > 0
        self.save_button.setEnabled(editable and dirty)
        self.template_combo.setEnabled(editable and has_templates)
        self.redraft_button.setEnabled(editable and has_templates)


def details(note: ThanksView, *, today: date, local_day: LocalDay) -> str:
    """ "Template Classic, edited by hand · drafted Mon 23 Nov · not sent yet"."""

    def day(moment: datetime | None) -> str:
        return weekday_date(local_day(moment), today=today) if moment else ""

    template = f"Template {note.template}" if note.template else "No template"
    if note.edited:
        template += ", edited by hand"
    parts = [template, f"drafted {day(note.drafted_at)}"]
    if note.printed_at is not None:
        parts.append(f"printed {day(note.printed_at)}")
    parts.append(f"sent {day(note.sent_at)}" if note.sent_at else "not sent yet")
    return " · ".join(parts)
