"""Edit → Undo: the deletes the rep can take back (a contact, a meeting, thank-you notes).

Each delete pushes what undoes it: a label ("delete Jane Doe") and an operation that puts the
rows back, run through the TaskRunner like every other write. Ctrl+Z undoes the newest one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from sqlalchemy.orm import Session

from relationship_crm.domain.changes import Changes
from relationship_crm.domain.errors import KnownError
from relationship_crm.ui.context import UiContext

#: Longest name or title quoted in the Edit menu; the rest is cut with "…".
MENU_LABEL_CHARS = 40


def shorten(text: str, limit: int = MENU_LABEL_CHARS) -> str:
    """`text` on one line, cut to `limit` characters with "…"."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class UndoEntry:
    """One undoable delete.

    `what` completes "Undo …" ("delete Jane Doe"); `op` puts the rows back in a write
    transaction and returns what it changed; `message` is shown once it has ("Restored Jane
    Doe."); `after` runs on the GUI thread afterwards (to show what came back).
    """

    what: str
    op: Callable[[Session], Changes]
    message: str
    after: Callable[[Changes], None] | None = None


class UndoStack(QObject):
    """The newest undoable deletes of one window, newest last (at most LIMIT are kept).

    `undo()` pops the newest entry and runs it through `ctx.runner`; when it is done the
    changes go to `ctx.events` so every panel shows the rows again. A failure (the rows were
    deleted for good meanwhile, say) goes to the runner's `failed` signal.

    Signals:
        changed(): entries were pushed or popped (the Undo action's text follows).
        undone(str): an entry was undone; the argument is its message for the status bar.
    Lives on the GUI thread.
    """

    LIMIT = 20

    changed = Signal()
    undone = Signal(str)

    def __init__(self, ctx: UiContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._entries: list[UndoEntry] = []

    # --- state --------------------------------------------------------------------------------

    def can_undo(self) -> bool:
        return bool(self._entries)

    def undo_text(self) -> str:
        """ "Undo delete Jane Doe", or "Undo" when there is nothing to undo."""
        return f"Undo {self._entries[-1].what}" if self._entries else "Undo"

    def entries(self) -> list[UndoEntry]:
        """The entries, oldest first (a copy)."""
        return list(self._entries)

    # --- changing -----------------------------------------------------------------------------

    def push(
        self,
        what: str,
        op: Callable[[Session], Changes],
        *,
        message: str,
        after: Callable[[Changes], None] | None = None,
    ) -> None:
        """Make `op` the next thing Ctrl+Z does."""
        self._entries.append(UndoEntry(what, op, message, after))
        del self._entries[: -self.LIMIT]
        self.changed.emit()

    def clear(self) -> None:
        """Forget every entry (after the database was swapped, for instance)."""
        if self._entries:
            self._entries.clear()
            self.changed.emit()

    def undo(self) -> None:
        """Undo the newest entry (nothing when there is none)."""
        if not self._entries:
            return
        entry = self._entries.pop()
        self.changed.emit()
        self._ctx.runner.submit(
            entry.op,
            lambda changes: self._on_undone(entry, changes),
            on_error=lambda exc: self._on_failed(entry, exc),
        )

    def bind(self, action: QAction) -> None:
        """Keep `action` (Edit → Undo) saying what it will undo, enabled only when it can."""

        def update() -> None:
            # "&" in a name would turn into a keyboard accelerator: double it.
            action.setText("&" + self.undo_text().replace("&", "&&"))
            action.setEnabled(self.can_undo())

        self.changed.connect(update)
        action.triggered.connect(self.undo)
        update()

    # --- slots --------------------------------------------------------------------------------

    def _on_undone(self, entry: UndoEntry, changes: Changes) -> None:
        self._ctx.events.notify(changes, None)
        if entry.after is not None:
            entry.after(changes)
        self.undone.emit(entry.message)

    def _on_failed(self, entry: UndoEntry, exc: BaseException) -> None:
        if isinstance(exc, KnownError):
            self._ctx.runner.failed.emit(f"Could not undo {entry.what}: {exc}", False)
        else:
            self._ctx.runner.failed.emit(str(exc), True)
