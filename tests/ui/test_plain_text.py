"""Text from the rep or from imported files is data: markup in a name, company, note or title is
shown as the characters typed (nothing rendered, no image or link loaded) on the contact page,
the contact list, the reminders panel and the thank-you notes window."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from PySide6 import QtGui
from PySide6.QtCore import QAbstractItemModel, QAbstractListModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QPlainTextEdit,
    QTextBrowser,
    QTextEdit,
    QTreeWidget,
    QWidget,
)

from relationship_crm.domain.records import ContactDraft, FollowUpDraft, MeetingDraft
from relationship_crm.paths import AppPaths
from relationship_crm.services import contacts, followups, meetings, thanks_drafts
from relationship_crm.ui.main_window import MainWindow
from relationship_crm.ui.models.reminders_model import CONTACT, NOTE

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("does not support raise")]

NY = "America/New_York"
IMG = '<img src="http://example.com/x.png">'
LINK = '<a href="http://x">link</a>'
BOLD = "<b>bold</b>"
NAME = f"{BOLD} {IMG}"
COMPANY = f"{LINK} Corp"
NOTES = f"{IMG} met at {LINK}\n{BOLD} second line"
TITLE = f"{BOLD} kick-off {IMG}"
FOLLOW_UP = f"{LINK} send the {BOLD} deck"
MARKERS = (IMG, LINK, BOLD)


@pytest.fixture
def marked(db) -> dict[str, int]:
    """A contact made of markup, with a meeting, an unsent note and a follow-up due today."""
    with db.write() as s:
        cid = contacts.create(s, ContactDraft(name=NAME, company=COMPANY, notes=NOTES)).id
        mid = meetings.log(
            s, MeetingDraft(TITLE, datetime(2026, 11, 18, 10), NY, (cid,), notes=NOTES)
        ).id
        (note_id,) = thanks_drafts.draft_for_meeting(s, mid).value
        fid = followups.add(s, FollowUpDraft(cid, datetime(2026, 11, 23, 9, 0), NY, FOLLOW_UP)).id
    return {"contact": cid, "meeting": mid, "note": note_id, "follow_up": fid}


@pytest.fixture
def window(qtbot, ctx, db, marked, wait_idle) -> MainWindow:
    win = MainWindow(ctx, AppPaths(Path(db.path)))
    qtbot.addWidget(win)
    win.show()
    wait_idle()
    win.open_contact(marked["contact"])
    wait_idle()
    qtbot.waitUntil(lambda: win.contact_page.contact is not None)
    yield win
    wait_idle()


def rendered_as_rich_text(text: str) -> bool:
    """What Qt does with a label or tooltip in AutoText: markup when the first line looks so."""
    return bool(text) and QtGui.Qt.mightBeRichText(text)


def shows_literally(shown: str) -> bool:
    """A tooltip either is plain text or is the text escaped (never live markup)."""
    return not any(marker in shown for marker in MARKERS) or not rendered_as_rich_text(shown)


def check_widgets(root: QWidget) -> list[str]:
    """Every label holding markup-like text is plain text; no rich text editors or browsers;
    every tooltip (widgets and item views) shows its text literally."""
    problems: list[str] = []
    for label in root.findChildren(QLabel):
        text = label.text()
        if rendered_as_rich_text(text) and label.textFormat() != Qt.TextFormat.PlainText:
            problems.append(f"label {label.objectName() or text[:40]!r} renders markup")
        if label.openExternalLinks():
            problems.append(f"label {text[:40]!r} opens links")
    for editor in root.findChildren(QTextEdit):
        if isinstance(editor, QTextBrowser):
            problems.append("a QTextBrowser (it loads links and images)")
        elif editor.acceptRichText():
            problems.append(f"a rich text editor {editor.objectName()!r}")
    for widget in [root, *root.findChildren(QWidget)]:
        if not shows_literally(widget.toolTip()):
            problems.append(f"tooltip {widget.toolTip()[:40]!r} renders markup")
    for view in root.findChildren(QAbstractItemView):
        problems.extend(check_model(view.model()))
    return problems


def check_model(model: QAbstractItemModel | None) -> list[str]:
    problems: list[str] = []
    if model is None:
        return problems
    root = QModelIndex()
    for row in range(model.rowCount(root)):
        # A list model hides columnCount (private in Qt): it has one column.
        columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(root)
        for column in range(columns):
            tip = model.index(row, column).data(Qt.ItemDataRole.ToolTipRole)
            if isinstance(tip, str) and not shows_literally(tip):
                problems.append(f"item tooltip {tip[:40]!r} renders markup")
    return problems


def model_texts(model: QAbstractItemModel) -> list[str]:
    return [
        str(model.index(r, c).data() or "")
        for r in range(model.rowCount())
        for c in range(model.columnCount())
    ]


def test_the_contact_page_shows_markup_as_typed(window):
    page = window.contact_page
    assert page.name_label.text() == NAME
    assert page.role_label.text() == COMPANY
    assert page.notes_label.text() == NOTES
    for label in (page.name_label, page.role_label, page.notes_label, page.details_label):
        assert label.textFormat() == Qt.TextFormat.PlainText
    tree: QTreeWidget = page.timeline
    whats = [tree.topLevelItem(i).text(1) for i in range(tree.topLevelItemCount())]
    assert f"Meeting: {TITLE}" in whats
    assert f"Thank-you note: {TITLE} [draft]" in whats
    meeting_row = next(
        tree.topLevelItem(i)
        for i in range(tree.topLevelItemCount())
        if tree.topLevelItem(i).text(1) == f"Meeting: {TITLE}"
    )
    assert IMG in meeting_row.text(2)
    assert "&lt;img" in meeting_row.toolTip(2)  # escaped: shown, not loaded
    assert check_widgets(page) == []


def test_the_contact_list_shows_markup_as_typed(window):
    texts = model_texts(window.contact_list.model)
    assert NAME in texts and COMPANY in texts
    assert check_widgets(window.contact_list) == []


def test_the_reminders_panel_shows_markup_as_typed(qtbot, window, marked):
    panel = window.reminders
    qtbot.waitUntil(lambda: panel.model.row_of(marked["follow_up"]) is not None)
    row = panel.model.row_of(marked["follow_up"])
    assert panel.model.index(row, CONTACT).data() == NAME
    assert panel.model.index(row, NOTE).data() == FOLLOW_UP
    tip = panel.model.index(row, CONTACT).data(Qt.ItemDataRole.ToolTipRole)
    assert "&lt;b&gt;bold&lt;/b&gt;" in tip
    unsent = panel.unsent_thanks.list
    qtbot.waitUntil(lambda: unsent.count() == 1)
    assert unsent.item(0).text() == f"18 Nov · {NAME} · {TITLE}"  # the meeting day first
    assert check_widgets(panel) == []


def test_the_thanks_window_shows_markup_as_typed(qtbot, window, marked, wait_idle):
    notes = window.show_thanks()
    notes.ask_unsaved = lambda _note: "discard"
    wait_idle()
    assert notes.select_note(marked["note"])
    texts = model_texts(notes.model)
    assert NAME in texts and TITLE in texts
    assert notes.header_label.text() == f"To {NAME}"
    assert notes.meeting_line.text().startswith(TITLE)
    assert isinstance(notes.body_edit, QPlainTextEdit)
    assert check_widgets(notes) == []
    notes.set_meeting_filter(marked["meeting"])
    wait_idle()
    assert notes.meeting_label.text() == f"Meeting: {TITLE}"
    assert check_widgets(notes) == []


def test_the_whole_window_has_no_rich_text(window):
    assert check_widgets(window) == []
