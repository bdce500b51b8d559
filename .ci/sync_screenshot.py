"""A screenshot of Edit → Sync account… after a real Test and save, for the README.

Run under a virtual X display (Radicale, a test dependency, plays the rep's server):
    xvfb-run -s "-screen 0 1366x768x24" .venv/bin/python .ci/sync_screenshot.py --out /tmp/shots
It makes a sample database in a temporary folder, starts Radicale on a free localhost port (as
the sync tests do), fills the dialog, clicks Test and save, waits for the background sync that
follows, and saves sync-account.png (the whole screen: the dialog and the status bar).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

sys.path.insert(0, str(Path(__file__).parent))
from screenshots import NOW, shoot, spin  # noqa: E402

from relationship_crm.paths import AppPaths  # noqa: E402
from relationship_crm.services import sample_data, settings  # noqa: E402
from relationship_crm.storage.db import open_database  # noqa: E402
from relationship_crm.ui.context import UiContext  # noqa: E402
from relationship_crm.ui.events import AppEvents  # noqa: E402
from relationship_crm.ui.launch import apply_dark_palette  # noqa: E402
from relationship_crm.ui.main_window import MainWindow  # noqa: E402
from relationship_crm.ui.runner import TaskRunner  # noqa: E402


def _radicale_helpers() -> object:
    path = Path(__file__).parents[1] / "tests" / "sync" / "conftest.py"
    spec = importlib.util.spec_from_file_location("radicale_server", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["radicale_server"] = module
    spec.loader.exec_module(module)
    return module


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"  # not the real one
    app = QApplication(sys.argv[:1])
    app.setOrganizationName("relationship-crm-screenshots")
    if os.environ.get("RELATIONSHIP_CRM_DARK") == "1":
        apply_dark_palette(app)
    folder = Path(tempfile.mkdtemp(prefix="crm-sync-shot-"))
    server = _radicale_helpers()
    paths = AppPaths(folder / "crm.sqlite3")
    db = open_database(paths.db)
    zone = "America/New_York"
    with db.write() as s:
        settings.put(s, "timezone", zone)
        sample_data.generate_demo(s, today=NOW.astimezone().date(), tz=zone, now=NOW)
    (folder / "radicale").mkdir()
    with server.running_radicale(folder / "radicale") as radicale:  # type: ignore[attr-defined]
        runner = TaskRunner(db)
        ctx = UiContext(runner=runner, events=AppEvents(), zone=zone, clock=lambda: NOW)
        window = MainWindow(ctx, paths)
        window.setGeometry(app.primaryScreen().availableGeometry())
        window.show()
        spin(3, lambda: runner.idle)
        dialog = window.edit_sync_account()
        spin(3, lambda: runner.idle)
        dialog.url_edit.setText(radicale.url)
        dialog.username_edit.setText("rep0")
        dialog.password_edit.setText(server.PASSWORD)  # type: ignore[attr-defined]
        dialog.save_button.click()
        spin(120, lambda: window.background_sync.idle and window.background_sync.configured)
        spin(120, lambda: window.sync_status.text().startswith("Synced"))
        shoot(app, args.out, "sync-account")
        dialog.reject()
        window.close()
        runner.shutdown()
    db.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
