"""Starting the desktop app through its composition root, and leaving it with Ctrl+Q."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox

from relationship_crm import app
from relationship_crm.paths import AppPaths


def _top_window() -> QMainWindow | None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMainWindow) and widget.isVisible():
            return widget
    return None


def test_app_opens_the_window_and_ctrl_q_exits_with_code_0(qapp, tmp_path: Path):
    seen: dict[str, str] = {}

    def quit_with_keyboard() -> None:
        window = _top_window()
        assert window is not None
        seen["title"] = window.windowTitle()
        QTest.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)

    QTimer.singleShot(800, quit_with_keyboard)
    code = app.main(AppPaths(tmp_path / "gui.sqlite3"))
    assert code == 0
    assert seen["title"] == "Relationship CRM — gui.sqlite3"
    assert (tmp_path / "gui.sqlite3").exists()


def test_a_file_that_is_not_a_database_is_refused_with_a_message(qapp, tmp_path, monkeypatch):
    bad = tmp_path / "notes.txt"
    bad.write_text("shopping list")
    messages: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: messages.append(text))
    assert app.main(AppPaths(bad)) == 1
    assert "not a Relationship CRM database" in messages[0]
    assert bad.read_text() == "shopping list"
