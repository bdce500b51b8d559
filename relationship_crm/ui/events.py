"""Application-wide change notifications (Anki's OpChanges idea)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from relationship_crm.domain.changes import Changes


class AppEvents(QObject):
    """Broadcasts what a write changed so every panel refreshes only what it shows.

    Signals:
        changed(Changes, object): emitted on the GUI thread after a write committed; the second
            argument is the initiator (the panel that made the change) or None.
        contact_opened(int): a panel asks the main window to show this contact's page.
    Lives on the GUI thread.
    """

    changed = Signal(object, object)
    contact_opened = Signal(int)

    def notify(self, changes: Changes, initiator: object | None = None) -> None:
        self.changed.emit(changes, initiator)
