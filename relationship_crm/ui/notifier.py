"""Desktop notifications for due reminders: a tray balloon where there is a tray, else nothing."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QSystemTrayIcon

from relationship_crm.domain.followups import Bucket, Reminder
from relationship_crm.domain.timefmt import clock, short_moment

APP_TITLE = "Relationship CRM"


def dot_icon(colour: str = "#2563eb", size: int = 64) -> QIcon:
    """A plain coloured disc, used when the app has no window icon to put in the tray."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    margin = size / 16
    painter.drawEllipse(QRectF(margin, margin, size - 2 * margin, size - 2 * margin))
    painter.end()
    return QIcon(pixmap)


class Notifier(QObject):
    """Owns the tray icon (only where `QSystemTrayIcon.isSystemTrayAvailable()`) and shows messages.

    Without a tray (offscreen, bare Xvfb, some desktops) it shows nothing, but every message is
    still kept in `last_message` as (title, body) and counted in `shown`, so it never fails and
    tests can see what would have been shown.

    Signals:
        reminder_clicked(int): the rep clicked the last message about one contact (its id).
        activated(): the rep clicked the tray icon (the window may want to raise itself).
    Lives on the GUI thread.
    """

    reminder_clicked = Signal(int)
    activated = Signal()

    def __init__(self, icon: QIcon | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.last_message: tuple[str, str] | None = None
        self.shown = 0
        self._clicked_contact: int | None = None
        self._tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            tray_icon = icon if icon is not None and not icon.isNull() else dot_icon()
            self._tray = QSystemTrayIcon(tray_icon, self)
            self._tray.setToolTip(APP_TITLE)
            self._tray.messageClicked.connect(self._on_tray_message_clicked)
            self._tray.activated.connect(self._on_tray_activated)
            self._tray.show()

    @property
    def available(self) -> bool:
        """True when messages really reach the desktop."""
        return self._tray is not None

    def show_message(self, title: str, body: str) -> None:
        """Show one message (or only record it, without a tray)."""
        self.last_message = (title, body)
        self.shown += 1
        if self._tray is not None:
            self._tray.showMessage(title, body, QSystemTrayIcon.MessageIcon.Information, 10_000)

    def show_reminders(self, due: Sequence[Reminder]) -> None:
        """One message for reminders that fell due together (slot for `reminders_due`)."""
        if not due:
            return
        if len(due) == 1:
            self.show_reminder(due[0])
            return
        self._clicked_contact = None
        names = ", ".join(item.spec.contact_name for item in due[:3])
        more = f" and {len(due) - 3} more" if len(due) > 3 else ""
        self.show_message(f"{len(due)} follow-ups due", f"{names}{more}")

    def show_reminder(self, item: Reminder) -> None:
        """A message for one due reminder: who, when, and the note."""
        self._clicked_contact = item.spec.contact_id
        when = clock(item.due) if item.bucket is Bucket.TODAY else short_moment(item.due)
        body = f"{when} · {item.spec.note}" if item.spec.note else when
        self.show_message(f"Follow up with {item.spec.contact_name}", body)

    def hide(self) -> None:
        """Take the icon out of the tray (on quit)."""
        if self._tray is not None:
            self._tray.hide()

    def _on_tray_message_clicked(self) -> None:
        if self._clicked_contact is not None:
            self.reminder_clicked.emit(self._clicked_contact)
        else:
            self.activated.emit()

    def _on_tray_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.activated.emit()
