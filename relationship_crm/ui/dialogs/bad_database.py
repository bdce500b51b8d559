"""At start, when the database cannot be opened: say why, and offer the newest backup.

The file that failed is never modified: restoring moves it aside under a new name (its bytes
intact, for a specialist or a later version of the app) and copies the backup into its place.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from relationship_crm.domain.errors import KnownError
from relationship_crm.paths import AppPaths

APP_TITLE = "Relationship CRM"


def offer_latest_backup(
    paths: AppPaths,
    error: KnownError,
    parent: QWidget | None = None,
    *,
    ask: Callable[[str], bool] | None = None,
) -> bool:
    """Explain `error`; when a backup exists, offer to restore it. True once it is restored.

    `ask(text)` puts the question (default: a message box with "Restore the newest backup").
    """
    from relationship_crm.storage import backups

    latest = backups.latest_backup(paths.backups, of=paths.db)
    text = f"Cannot open the database {paths.db}.\n\n{error}"
    if latest is None:
        _show(parent, text + "\n\nNo backup of it was found.")
        return False
    question = (
        f"{text}\n\nThe newest backup is {latest.name}. Restore it? The file that cannot be "
        "opened is kept, unchanged, under a new name beside it."
    )
    if not (ask or _ask_restore)(question):
        return False
    try:
        backups.restore(paths.db, latest)
    except KnownError as failure:
        _show(parent, f"The backup was not restored.\n\n{failure}")
        return False
    return True


def _ask_restore(text: str) -> bool:
    box = QMessageBox(
        QMessageBox.Icon.Critical, APP_TITLE, text, QMessageBox.StandardButton.NoButton
    )
    box.setTextFormat(Qt.TextFormat.PlainText)
    restore = box.addButton("Restore the newest backup", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore)
    box.exec()
    return box.clickedButton() is restore


def _show(parent: QWidget | None, text: str) -> None:
    # Text that starts with a tag would be read as rich text; ours starts with words.
    QMessageBox.critical(parent, APP_TITLE, text)
