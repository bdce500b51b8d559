"""The desktop app's start: paths -> one window per file -> database -> runner, events -> window."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy.orm import Session

from relationship_crm.domain.errors import KnownError
from relationship_crm.paths import AppPaths
from relationship_crm.services import settings
from relationship_crm.storage.db import Database, open_database
from relationship_crm.ui.context import UiContext
from relationship_crm.ui.events import AppEvents
from relationship_crm.ui.garbage import GarbageCollector
from relationship_crm.ui.main_window import APP_TITLE, MainWindow
from relationship_crm.ui.outside_changes import OutsideChangesWatcher
from relationship_crm.ui.resources import app_icon
from relationship_crm.ui.runner import TaskRunner
from relationship_crm.ui.single_instance import SingleInstance, bring_to_front


def run(paths: AppPaths) -> int:
    """Open the window on the database at `paths`; returns the process exit code."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_TITLE)
    app.setOrganizationName("relationship-crm")
    app.setDesktopFileName("relationship-crm")
    icon: QIcon = app_icon()
    app.setWindowIcon(icon)
    if os.environ.get("RELATIONSHIP_CRM_DARK") == "1":
        apply_dark_palette(app)
    # Before the database is opened (and perhaps migrated): one window per file.
    instance = SingleInstance(paths.instance_key)
    if not instance.acquire():
        return _defer_to_open_window(instance, paths)
    try:
        return _run_window(app, paths, instance)
    finally:
        instance.release()


def apply_dark_palette(app: QApplication) -> None:
    """A dark Fusion palette (RELATIONSHIP_CRM_DARK=1): for dark desktops and screenshots."""
    # Qt follows the desktop's colour scheme only on some platforms; this switch makes the dark
    # look reproducible anywhere (Xvfb, minimal window managers) so it can be checked.
    app.setStyle("Fusion")
    role = QPalette.ColorRole
    palette = QPalette()
    for which, colour in (
        (role.Window, "#2b2b2b"),
        (role.WindowText, "#e6e6e6"),
        (role.Base, "#1e1e1e"),
        (role.AlternateBase, "#262626"),
        (role.ToolTipBase, "#2b2b2b"),
        (role.ToolTipText, "#e6e6e6"),
        (role.PlaceholderText, "#8c8c8c"),
        (role.Text, "#e6e6e6"),
        (role.Button, "#353535"),
        (role.ButtonText, "#e6e6e6"),
        (role.BrightText, "#ff6b6b"),
        (role.Link, "#6cb4ff"),
        (role.Highlight, "#2f65ca"),
        (role.HighlightedText, "#ffffff"),
        (role.Mid, "#444444"),
        (role.Midlight, "#3d3d3d"),  # the attendee chips' background
        (role.Shadow, "#000000"),
        (role.Dark, "#1a1a1a"),
        (role.Light, "#505050"),
    ):
        palette.setColor(which, QColor(colour))
    disabled = QPalette.ColorGroup.Disabled
    for which in (role.Text, role.ButtonText, role.WindowText):
        palette.setColor(disabled, which, QColor("#7a7a7a"))
    app.setPalette(palette)


def _run_window(app: QApplication, paths: AppPaths, instance: SingleInstance) -> int:
    db = _open_or_offer_backup(paths)
    if db is None:
        return 1
    with db.read() as session:
        zone = settings.zone(session)
    collector = GarbageCollector(app)
    collector.start()
    runner = TaskRunner(db)
    ctx = UiContext(runner=runner, events=AppEvents(), zone=zone)
    window = MainWindow(ctx, paths)
    raising = instance.raise_requested.connect(lambda: bring_to_front(window))
    # The command line (or a script) may write to the same file while the window is open.
    watcher = OutsideChangesWatcher(runner, ctx.events)
    window.show()
    collector.freeze()
    watcher.start()
    _daily_backup(ctx, paths, window)
    # Syncs only when an account is set up; otherwise the app connects to nothing.
    window.background_sync.start()
    try:
        code = app.exec()
    finally:
        window.background_sync.stop()
        watcher.stop()
        runner.shutdown()
        runner.db.close()  # not `db`: a restore from a backup reopens the file as a new Database
        # The window goes now, with its timers: the frozen collector and the raise call-back
        # would otherwise keep it (and its midnight and wake-up timers) alive after the app
        # ended, where a script or a test calling `main` again would still see it tick.
        instance.raise_requested.disconnect(raising)
        window.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        collector.stop()
    return int(code)


def _open_or_offer_backup(paths: AppPaths) -> Database | None:
    """The database, or None after telling the rep why not (offering the newest backup).

    An encrypted database asks for its passphrase (a dialog) unless the environment or the
    keyring has it; a cancelled or wrong passphrase is said, and no backup is offered.
    """
    from relationship_crm.storage import encryption
    from relationship_crm.ui.dialogs.bad_database import offer_latest_backup
    from relationship_crm.ui.dialogs.passphrase_dialog import DialogPassphrases

    asker = DialogPassphrases()
    encryption.set_passphrase_source(asker)
    try:
        database = open_database(paths.target)
        if paths.url is None:
            asker.keep_if_asked(paths.db)
        return database
    except encryption.WrongPassphraseError as exc:
        QMessageBox.warning(None, APP_TITLE, f"Cannot open the database.\n\n{exc}")
        return None
    except KnownError as exc:
        if asker.cancelled:
            return None  # the rep chose not to give the passphrase: nothing to explain
        if paths.url is not None:  # a server: no backup of ours to offer
            QMessageBox.critical(None, APP_TITLE, f"Cannot open the database.\n\n{exc}")
            return None
        if not offer_latest_backup(paths, exc):
            return None
    try:
        return open_database(paths.db)  # the restored backup
    except KnownError as exc:
        QMessageBox.critical(None, APP_TITLE, f"Cannot open the database.\n\n{exc}")
        return None


def _daily_backup(ctx: UiContext, paths: AppPaths, window: MainWindow) -> None:
    """At start, off the GUI thread: a backup when the newest is a day old (then rotation)."""
    from relationship_crm.storage import backups

    if paths.url is not None:
        return  # a server database's backups are its admin's

    def back_up(_session: Session) -> Path | None:
        return backups.backup_if_stale(paths.db)

    def done(made: Path | None) -> None:
        if made is not None:
            window.statusBar().showMessage(f"Daily backup saved: {made.name}", 8000)

    ctx.runner.query(back_up, done)


def _defer_to_open_window(instance: SingleInstance, paths: AppPaths) -> int:
    """A window is already open on this file: bring it to the front, or say why we cannot."""
    if instance.ask_to_raise():
        if sys.stderr is not None:  # None under pythonw (no console)
            print(f"{APP_TITLE} is already open on {paths.shown}; showing it", file=sys.stderr)
        return 0
    holder = instance.holder()
    QMessageBox.warning(
        None,
        APP_TITLE,
        f"This database is already in use by another {APP_TITLE} window, which does not "
        f"answer:\n\n{paths.shown}\n\nSwitch to that window, or close it and try again. If no "
        f"such window is open, the program may be stuck"
        + (f" ({holder})" if holder else "")
        + ": end it, then try again.",
    )
    return 1
