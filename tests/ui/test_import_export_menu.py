"""File → Import and File → Export, and Edit → Find duplicates, from the main window."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from relationship_crm.domain.records import ContactDraft, Labeled
from relationship_crm.paths import AppPaths
from relationship_crm.services import contacts
from relationship_crm.ui.dialogs.duplicates_dialog import DuplicatesDialog
from relationship_crm.ui.main_window import MainWindow

pytestmark = pytest.mark.gui

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture
def window(qtbot, ctx, db, wait_idle):
    with db.write() as s:
        contacts.create(
            s, ContactDraft(name="Jane Doe", emails=(Labeled("jane@acme.com", "work"),))
        )
    win = MainWindow(ctx, AppPaths(Path(db.path)))
    qtbot.addWidget(win)
    win.show()
    wait_idle()
    return win


def test_menus_offer_import_export_and_duplicates(window):
    texts = [a.text() for a in window.menuBar().actions()[0].menu().actions()]
    assert "&Import contacts…" in texts and "&Export" in texts
    assert window.import_action.shortcut().toString() == "Ctrl+Shift+I"
    assert set(window.export_actions) == {"vcf", "csv", "ics", "json"}


def test_the_welcome_screen_offers_import(qtbot, ctx, tmp_path):
    from relationship_crm.storage.db import open_database

    empty = open_database(tmp_path / "empty.sqlite3")
    try:
        assert not window_for(qtbot, ctx, empty).empty_state.import_button.isHidden()
    finally:
        empty.close()


def window_for(qtbot, ctx, db) -> MainWindow:
    win = MainWindow(ctx, AppPaths(Path(db.path)))
    qtbot.addWidget(win)
    return win


@pytest.mark.parametrize(
    ("fmt", "start"),
    [
        ("vcf", b"BEGIN:VCARD"),
        ("json", b"{"),
        ("ics", b"BEGIN:VCALENDAR"),
        ("csv", b"\xef\xbb\xbfID,Name"),
    ],
)
def test_export_writes_the_file_and_says_so(qtbot, window, wait_idle, tmp_path, fmt, start):
    target = tmp_path / f"out.{fmt}"
    window.export_file(fmt, target)
    wait_idle()
    assert target.read_bytes().startswith(start)
    assert str(target) in window.statusBar().currentMessage()
    if fmt == "json":
        assert json.loads(target.read_text())["contacts"][0]["name"] == "Jane Doe"


def test_export_to_a_missing_folder_is_a_clear_message(qtbot, window, wait_idle, tmp_path):
    window.export_file("vcf", tmp_path / "nowhere" / "out.vcf")
    wait_idle()
    assert "does not exist" in window.statusBar().currentMessage()


def test_import_from_the_window_adds_the_contacts(qtbot, window, db, wait_idle):
    dialog = window.import_file(DATA / "csv" / "google-contacts.csv")
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.state == "ready", timeout=10_000)
    dialog.start_import()
    qtbot.waitUntil(lambda: dialog.state == "done", timeout=10_000)
    assert "Added 4 contacts" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: window.contact_list.model.rowCount() == 5, timeout=5000)
    dialog.accept()


def test_find_duplicates_opens_the_finder(qtbot, window, db, wait_idle):
    with db.write() as s:  # a second Jane with the same email: something to compare
        contacts.create(
            s, ContactDraft(name="Jane Doe", emails=(Labeled("jane@acme.com", "home"),))
        )
    window.find_duplicates()
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), DuplicatesDialog))
    finder = QApplication.activeModalWidget()
    wait_idle()
    finder.reject()
