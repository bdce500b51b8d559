"""Help → Keyboard shortcuts and Getting started; no big dialog when there are no duplicates."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from relationship_crm.domain.records import ContactDraft
from relationship_crm.paths import AppPaths
from relationship_crm.services import contacts
from relationship_crm.ui.dialogs.duplicates_dialog import DuplicatesDialog
from relationship_crm.ui.dialogs.help_dialogs import (
    GUIDE,
    GettingStartedDialog,
    KeyboardShortcutsDialog,
)
from relationship_crm.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, ctx, db, wait_idle):
    with db.write() as s:
        contacts.create(s, ContactDraft(name="Jane Doe", company="Acme"))
        contacts.create(s, ContactDraft(name="Bob Stone", company="Globex"))
    win = MainWindow(ctx, AppPaths(Path(db.path)))
    qtbot.addWidget(win)
    win.show()
    wait_idle()
    return win


def help_texts(window: MainWindow) -> list[str]:
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    return [a.text() for a in menu.actions() if a.text()]


def test_the_help_menu_offers_the_guide_and_the_shortcuts(window):
    assert help_texts(window)[:2] == ["&Getting started", "&Keyboard shortcuts"]


def test_keyboard_shortcuts_lists_the_menus_keys_and_the_lists_keys(qtbot, window):
    window.shortcuts_action.trigger()
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), KeyboardShortcutsDialog))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, KeyboardShortcutsDialog)
    rows = dict(dialog.rows())
    assert rows["Ctrl+N"] == "New contact"
    assert rows["Ctrl+M"] == "Log meeting"
    assert rows["Ctrl+T"] == "Thank-you notes"
    assert rows["Ctrl+R"] == "Reminders panel"
    assert ("D", "Reminders: mark done") in dialog.rows()
    assert dialog.width() <= 640 and dialog.height() <= 560  # a small dialog
    dialog.reject()


def test_getting_started_shows_the_daily_workflow_as_plain_text(qtbot, window):
    window.guide_action.trigger()
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), GettingStartedDialog))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, GettingStartedDialog)
    assert dialog.text.isReadOnly()
    assert dialog.text.toPlainText() == GUIDE
    assert "Reminders panel" in GUIDE and "Log meeting" in GUIDE
    dialog.reject()


def test_no_duplicates_is_a_status_bar_line_not_a_dialog(qtbot, window, wait_idle):
    window.duplicates_action.trigger()
    wait_idle()
    qtbot.waitUntil(lambda: "No duplicate contacts found" in window.statusBar().currentMessage())
    assert QApplication.activeModalWidget() is None
    assert not window.findChildren(DuplicatesDialog)
