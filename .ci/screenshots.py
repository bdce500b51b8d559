"""Screenshots of the app on the sample database, to look at (and for the README).

Run under a virtual X display, e.g.:
    xvfb-run -s "-screen 0 1366x768x24" .venv/bin/python .ci/screenshots.py --out /tmp/shots
    RELATIONSHIP_CRM_DARK=1 xvfb-run -s "-screen 0 1920x1080x24" .venv/bin/python \
        .ci/screenshots.py --out /tmp/shots-dark
It makes a sample database in a temporary folder (the rep's own data is never opened), opens the
main window maximised on the screen, then the dialogs a rep uses every day, and saves one PNG of
the whole screen for each: main.png, settings-details.png, settings-region.png, log-meeting.png,
follow-up.png, companies.png, tags.png, passphrase.png, encrypt-database.png,
contact-list-1024.png (the window at 1024x640).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from relationship_crm.paths import AppPaths
from relationship_crm.services import contacts, sample_data, settings
from relationship_crm.storage.db import open_database
from relationship_crm.ui.context import UiContext
from relationship_crm.ui.events import AppEvents
from relationship_crm.ui.launch import apply_dark_palette
from relationship_crm.ui.main_window import MainWindow
from relationship_crm.ui.runner import TaskRunner

NOW = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)


def spin(seconds: float, until: Callable[[], bool] | None = None) -> None:
    """Run the event loop for `seconds`, or until `until()` holds."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QCoreApplication.processEvents()
        if until is not None and until():
            return
        time.sleep(0.01)


def shoot(app: QApplication, out: Path, name: str) -> None:
    spin(0.6)
    screen = app.primaryScreen()
    screen.grabWindow(0).save(str(out / f"{name}.png"))
    print(out / f"{name}.png")


def newest_dialog(kind: type[QDialog]) -> QDialog:
    found = [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]
    if not found:
        raise SystemExit(f"no {kind.__name__} opened")
    return found[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    app.setOrganizationName("relationship-crm-screenshots")
    if os.environ.get("RELATIONSHIP_CRM_DARK") == "1":
        apply_dark_palette(app)
    folder = Path(tempfile.mkdtemp(prefix="crm-shots-"))
    paths = AppPaths(folder / "crm.sqlite3")
    db = open_database(paths.db)
    zone = "America/New_York"
    with db.write() as s:
        settings.put(s, "timezone", zone)
        sample_data.generate_demo(s, today=NOW.astimezone().date(), tz=zone, now=NOW)
    runner = TaskRunner(db)
    ctx = UiContext(runner=runner, events=AppEvents(), zone=zone, clock=lambda: NOW)
    window = MainWindow(ctx, paths)
    # No window manager under Xvfb to maximise it: fill the screen by hand.
    window.setGeometry(app.primaryScreen().availableGeometry())
    window.show()
    spin(3, lambda: runner.idle)
    with db.read() as s:
        first = contacts.list_contacts(s)[0]
    window.open_contact(first.id)
    spin(2, lambda: runner.idle)
    shoot(app, args.out, "main")

    from relationship_crm.ui.dialogs.followup_dialog import FollowUpDialog
    from relationship_crm.ui.dialogs.log_meeting import LogMeetingDialog
    from relationship_crm.ui.dialogs.rep_details_dialog import RepDetailsDialog

    window.open_settings("details")
    spin(2, lambda: runner.idle)
    dialog = newest_dialog(RepDetailsDialog)
    shoot(app, args.out, "settings-details")
    assert isinstance(dialog, RepDetailsDialog)
    dialog.show_page("region")
    dialog.follow_system_check.setChecked(False)
    shoot(app, args.out, "settings-region")
    dialog.reject()

    window.log_meeting(attendees=[(first.id, first.name)])
    spin(2, lambda: runner.idle)
    meeting = newest_dialog(LogMeetingDialog)
    assert isinstance(meeting, LogMeetingDialog)
    meeting.zone_picker.set_zone("Europe/London")
    meeting.follow_up_box.setChecked(True)
    shoot(app, args.out, "log-meeting")
    meeting.reject()

    window.add_follow_up(first.id, first.name)
    spin(2, lambda: runner.idle)
    follow_up = newest_dialog(FollowUpDialog)
    assert isinstance(follow_up, FollowUpDialog)
    follow_up.zone_picker.set_zone("Asia/Tokyo")
    shoot(app, args.out, "follow-up")
    follow_up.reject()

    companies_window = window.show_companies()
    spin(2, lambda: runner.idle)
    companies_window.select_company(first.company_id)
    spin(2, lambda: runner.idle)
    shoot(app, args.out, "companies")
    companies_window.close()

    tags_window = window.show_tags()
    spin(2, lambda: runner.idle)
    tags_window.select_tag(tags_window.rows()[0][0])
    shoot(app, args.out, "tags")
    tags_window.close()

    # Issue 21: the passphrase asked at start for an encrypted database, and File → Encrypt
    # database… (shown over the window here; the real ones are modal).
    from relationship_crm.ui.dialogs.passphrase_dialog import (
        PassphraseChangeDialog,
        PassphraseDialog,
    )

    home = Path("/home/rep/.local/share/relationship-crm")
    asked = PassphraseDialog(home / "crm.sqlite3", retry=False)
    asked.field.setText("a passphrase")
    asked.show()
    shoot(app, args.out, "passphrase")
    asked.close()
    encrypt = PassphraseChangeDialog(
        "Encrypt database",
        "Encrypt the database with a passphrase. Without it nobody can read the database or its "
        "new backups, and neither can you: keep the passphrase safe.",
        fits=None,
        new=True,
    )
    encrypt.first.setText("a passphrase")
    encrypt.show()
    shoot(app, args.out, "encrypt-database")
    encrypt.close()

    window.showNormal()
    window.resize(1024, 640)
    window.move(0, 0)
    spin(1)
    target: QWidget = window
    target.grab().save(str(args.out / "contact-list-1024.png"))
    print(args.out / "contact-list-1024.png")

    window.close()
    runner.shutdown()
    db.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
