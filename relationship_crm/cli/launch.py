"""No command: `relationship-crm` opens the desktop app (the only way this package reaches Qt)."""

from __future__ import annotations

import importlib.util
import sys

from relationship_crm.cli.common import EXIT_ERROR, PROG
from relationship_crm.paths import AppPaths


def desktop_app(paths: AppPaths) -> int:
    """Run the desktop app on the database at `paths` until it quits; its exit status."""
    if importlib.util.find_spec("PySide6") is None:
        sys.stderr.write(
            f"{PROG}: error: the desktop app needs PySide6 "
            "(pip install 'relationship-crm[desktop]'); the commands work without it (see --help)\n"
        )
        return EXIT_ERROR
    # Imported here only: the headless commands never load Qt (pyproject.toml's import-linter).
    from relationship_crm import app

    return app.main(paths)
