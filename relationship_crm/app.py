"""Composition root of the desktop app; Qt itself is loaded only inside the Qt layer (ui/)."""

from __future__ import annotations

from relationship_crm.paths import AppPaths


def main(paths: AppPaths) -> int:
    """Open the desktop app on the database at `paths`; returns the process exit code."""
    from relationship_crm.ui.launch import run

    return run(paths)
