"""The desktop app's start: paths -> database -> runner and events -> main window (Qt layer)."""

from __future__ import annotations

import sys

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from relationship_crm.domain.errors import KnownError
from relationship_crm.paths import AppPaths
from relationship_crm.services import settings
from relationship_crm.storage.db import open_database
from relationship_crm.ui.context import UiContext
from relationship_crm.ui.events import AppEvents
from relationship_crm.ui.garbage import GarbageCollector
from relationship_crm.ui.main_window import APP_TITLE, MainWindow
from relationship_crm.ui.resources import app_icon
from relationship_crm.ui.runner import TaskRunner


def run(paths: AppPaths) -> int:
    """Open the window on the database at `paths`; returns the process exit code."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_TITLE)
    app.setOrganizationName("relationship-crm")
    app.setDesktopFileName("relationship-crm")
    icon: QIcon = app_icon()
    app.setWindowIcon(icon)
    try:
        db = open_database(paths.db)
    except KnownError as exc:
        QMessageBox.critical(None, APP_TITLE, f"Cannot open the database.\n\n{exc}")
        return 1
    with db.read() as session:
        zone = settings.zone(session)
    collector = GarbageCollector(app)
    collector.start()
    runner = TaskRunner(db)
    ctx = UiContext(runner=runner, events=AppEvents(), zone=zone)
    window = MainWindow(ctx, paths)
    window.show()
    try:
        code = app.exec()
    finally:
        runner.shutdown()
        db.close()
        collector.stop()
    return int(code)
