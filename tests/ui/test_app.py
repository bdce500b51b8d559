"""Starting the desktop app through its composition root, and leaving it with Ctrl+Q."""

from __future__ import annotations

import json
import os
import subprocess
import sys
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
    poll = QTimer()
    poll.setInterval(20)

    def quit_with_keyboard() -> None:
        # A shortcut only reaches the active window: Ctrl+Q sent before the platform activated it
        # (a busy machine) was ignored and app.main never returned. Wait for it, however long.
        window = _top_window()
        if window is None or not window.isActiveWindow():
            return
        poll.stop()
        seen["title"] = window.windowTitle()
        QTest.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)

    poll.timeout.connect(quit_with_keyboard)
    poll.start()  # runs once app.main's event loop does; a hang is ended by pytest-timeout
    code = app.main(AppPaths(tmp_path / "gui.sqlite3"))
    poll.stop()
    assert code == 0
    assert seen["title"] == "Relationship CRM — gui.sqlite3"
    assert (tmp_path / "gui.sqlite3").exists()
    # The window went with the app: none of its timers is left to tick (a later `main`, or the
    # next test, would see them fire on a stopped database thread).
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QMainWindow)]


def test_a_file_that_is_not_a_database_is_refused_with_a_message(qapp, tmp_path, monkeypatch):
    bad = tmp_path / "notes.txt"
    bad.write_text("shopping list")
    messages: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: messages.append(text))
    assert app.main(AppPaths(bad)) == 1
    assert "not a Relationship CRM database" in messages[0]
    assert bad.read_text() == "shopping list"


_START_WITHOUT_COLLECTING = """
import gc, json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
from relationship_crm.cli import main

state = {"started": False, "shown": False, "before_window": 0}
def on_collection(phase, info):
    if phase == "start" and state["started"] and not state["shown"]:
        state["before_window"] += 1
gc.callbacks.append(on_collection)
qapp = QApplication(sys.argv[:1])
poll = QTimer()
poll.setInterval(20)
def close_when_shown():
    for window in QApplication.topLevelWidgets():
        if isinstance(window, QMainWindow) and window.isVisible():
            state["shown"] = True
            poll.stop()
            window.close()
poll.timeout.connect(close_when_shown)
poll.start()
sys.argv = ["relationship-crm", "--db", sys.argv[1]]
state["started"] = True
code = main()
print("RESULT", json.dumps({"code": code, **state, "enabled": gc.isenabled()}))
"""


def test_the_command_without_arguments_starts_the_app_without_collecting(tmp_path: Path):
    # `relationship-crm` alone, in a process of its own: nothing the start loads (Qt's wrappers,
    # the window's modules) is garbage, so no collection runs until the window is up and the
    # app's own collector (ui/garbage.py) takes over.
    done = subprocess.run(
        [sys.executable, "-c", _START_WITHOUT_COLLECTING, str(tmp_path / "crm.sqlite3")],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr
    (line,) = [x for x in done.stdout.splitlines() if x.startswith("RESULT ")]
    result = json.loads(line.removeprefix("RESULT "))
    assert result == {
        "code": 0,
        "started": True,
        "shown": True,
        "before_window": 0,
        "enabled": True,
    }
