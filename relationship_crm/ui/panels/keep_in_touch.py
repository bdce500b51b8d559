"""The Reminders panel's "Keep in touch" section: contacts lost, then drifting, one click to act."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from relationship_crm.domain.errors import KnownError
from relationship_crm.services import health
from relationship_crm.services.health import ContactHealth
from relationship_crm.ui.context import UiContext
from relationship_crm.ui.models.reminders_model import OVERDUE_COLOUR
from relationship_crm.ui.widgets.messages import plain_tooltip

ContactIdRole = Qt.ItemDataRole.UserRole + 1
#: At most this many rows are built (each carries two buttons); the title counts them all.
MAX_ROWS = 60

SECTION_TITLES = {"lost": "Lost", "drifting": "Drifting"}


def days_text(count: int) -> str:
    return "1 day" if count == 1 else f"{count} days"


class ElidedLabel(QLabel):
    """A one-line plain label ending in "…" when narrower than its text (never cut mid-letter)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.setTextFormat(Qt.TextFormat.PlainText)  # a name is data, not markup
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(30)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        shown = self.fontMetrics().elidedText(
            self.text(), Qt.TextElideMode.ElideRight, self.contentsRect().width()
        )
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(self.contentsRect(), int(self.alignment()), shown)


def row_text(entry: ContactHealth) -> str:
    """ "Jane Doe · 52 days (max 45)" / "Bob Stone · 40 days (ideal 30)"."""
    r = entry.rhythm
    limit = f"max {r.max_days}" if entry.state == "lost" else f"ideal {r.ideal_days}"
    return f"{entry.contact_name} · {days_text(entry.days_since_contact)} ({limit})"


def tooltip_text(entry: ContactHealth) -> str:
    last = (
        f"Last touch {entry.last_touch.isoformat()}"
        if entry.last_touch is not None
        else "No touch yet (counted from when the contact was added)"
    )
    return f"{entry.contact_name}: {health.describe(entry)}\n{last}"


class KeepInTouchBox(QWidget):
    """Lists the contacts past their keep-in-touch rhythm: Lost first, then Drifting, worst first.

    Loads `health.health` for today (in `ctx.zone`) through `ctx.runner.query` on `refresh()`,
    which its owner (the Reminders panel) calls with its own loads and when meetings, notes,
    gifts or contacts change. Hidden while nobody drifts. The title button folds the list away
    (like Overdue). Each row has "Log…" (Log meeting with the contact: a touch) and "Follow-up…"
    (the follow-up dialog), one click each; a double-click opens the contact.

    Signals:
        log_touch_requested(int, str), follow_up_requested(int, str): the contact (id, name);
            by default the box opens the dialog itself (see `open_dialogs`).
    Lives on the GUI thread.
    """

    log_touch_requested = Signal(int, str)
    follow_up_requested = Signal(int, str)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._generation = 0
        self._loaded = False
        self._collapsed = False
        self._entries: list[ContactHealth] = []
        #: Open Log meeting / the follow-up dialog on a row's buttons (tests may switch it off).
        self.open_dialogs = True

        self.title_button = QToolButton()
        self.title_button.setAutoRaise(True)
        self.title_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.title_button.setStyleSheet(f"font-weight: 600; color: {OVERDUE_COLOUR};")
        self.title_button.setToolTip("Show or hide the contacts to get back in touch with")
        self.title_button.clicked.connect(self.toggle)
        self.list = QListWidget()
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setAccessibleName("Keep in touch")
        self.list.setMaximumHeight(190)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.itemDoubleClicked.connect(self._on_list_item_double_clicked)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.title_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.list)
        self.log_touch_requested.connect(self._on_log_touch_requested)
        self.follow_up_requested.connect(self._on_follow_up_requested)
        self.hide()

    # --- loading ------------------------------------------------------------------------------

    @property
    def loaded(self) -> bool:
        """True once the first list arrived."""
        return self._loaded

    @property
    def collapsed(self) -> bool:
        return self._collapsed

    def refresh(self) -> None:
        """Load the list again (an older load still on its way is then ignored)."""
        self._generation += 1
        generation, today, zone = self._generation, self._ctx.today(), self._ctx.zone

        def op(session: Session) -> list[ContactHealth]:
            return health.health(session, on=today, zone=zone)

        self._ctx.runner.query(op, lambda found: self._on_loaded(generation, found), self._failed)

    def _failed(self, exc: BaseException) -> None:
        self._ctx.runner.failed.emit(str(exc), not isinstance(exc, KnownError))

    def _on_loaded(self, generation: int, found: list[ContactHealth]) -> None:
        if generation != self._generation:
            return
        lost = [e for e in found if e.state == "lost"]
        drifting = [e for e in found if e.state == "drifting"]
        self._entries = [*lost, *drifting]
        self._fill(lost, drifting)
        self.setVisible(bool(found))
        self._loaded = True

    def _fill(self, lost: list[ContactHealth], drifting: list[ContactHealth]) -> None:
        self.list.clear()
        shown = 0
        for state, entries in (("lost", lost), ("drifting", drifting)):
            if not entries:
                continue
            title = QListWidgetItem(f"{SECTION_TITLES[state]} ({len(entries)})")
            # Enabled but not selectable: drawn in the section's colour, never greyed out.
            title.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = title.font()
            font.setBold(True)
            title.setFont(font)
            if state == "lost":
                title.setForeground(QColor(OVERDUE_COLOUR))
            self.list.addItem(title)
            for entry in entries:
                if shown >= MAX_ROWS:
                    break
                shown += 1
                self._add_row(entry)
        hidden = len(lost) + len(drifting) - shown
        if hidden > 0:
            more = QListWidgetItem(f"… and {hidden} more: relationship-crm health")
            more.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(more)
        self._show_title()

    def _add_row(self, entry: ContactHealth) -> None:
        item = QListWidgetItem()
        item.setData(ContactIdRole, entry.contact_id)
        item.setToolTip(plain_tooltip(tooltip_text(entry)))
        # The text is the row widget's label; the item keeps it for screen readers and tests.
        item.setData(Qt.ItemDataRole.AccessibleTextRole, row_text(entry))
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(4, 1, 2, 1)
        line.setSpacing(4)
        # A narrow dock: the name gives way (ending in "…"); the days and buttons keep their size.
        label = ElidedLabel(entry.contact_name)
        label.setToolTip(item.toolTip())
        days = QLabel(days_text(entry.days_since_contact))
        days.setToolTip(item.toolTip())
        if entry.state == "lost":
            label.setStyleSheet(f"color: {OVERDUE_COLOUR};")
            days.setStyleSheet(f"color: {OVERDUE_COLOUR};")
        log = QToolButton()
        log.setText("Log…")
        log.setToolTip(f"Log a meeting, call or email with {entry.contact_name}")
        follow = QToolButton()
        follow.setText("Follow-up…")
        follow.setToolTip(f"Schedule a follow-up with {entry.contact_name}")
        cid, name = entry.contact_id, entry.contact_name
        log.clicked.connect(lambda: self.log_touch_requested.emit(cid, name))
        follow.clicked.connect(lambda: self.follow_up_requested.emit(cid, name))
        line.addWidget(label, 1)
        line.addWidget(days)
        line.addWidget(log)
        line.addWidget(follow)
        item.setSizeHint(row.sizeHint())
        self.list.addItem(item)
        self.list.setItemWidget(item, row)

    def _show_title(self) -> None:
        arrow = "▸" if self._collapsed else "▾"
        self.title_button.setText(f"{arrow} Keep in touch ({len(self._entries)})")
        self.list.setVisible(not self._collapsed)

    # --- public -------------------------------------------------------------------------------

    def entries(self) -> list[ContactHealth]:
        """What the box lists: lost first, then drifting (each worst first)."""
        return list(self._entries)

    def toggle(self) -> None:
        """Fold the list away under its title, or show it again."""
        self._collapsed = not self._collapsed
        self._show_title()

    def row_buttons(self, contact_id: int) -> tuple[QToolButton, QToolButton] | None:
        """The (Log touch, Follow-up) buttons of a contact's row, if it is listed."""
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.data(ContactIdRole) == contact_id:
                widget = self.list.itemWidget(item)
                buttons = widget.findChildren(QToolButton)
                return buttons[0], buttons[1]
        return None

    # --- slots --------------------------------------------------------------------------------

    def _on_list_item_double_clicked(self, item: QListWidgetItem) -> None:
        cid = item.data(ContactIdRole)
        if cid is not None:
            self._ctx.events.contact_opened.emit(int(cid))

    def _on_log_touch_requested(self, contact_id: int, name: str) -> None:
        if not self.open_dialogs:
            return
        from relationship_crm.ui.dialogs.log_meeting import LogMeetingDialog

        LogMeetingDialog(self._ctx, self.window(), attendees=[(contact_id, name)]).open()

    def _on_follow_up_requested(self, contact_id: int, name: str) -> None:
        if not self.open_dialogs:
            return
        from relationship_crm.ui.dialogs.followup_dialog import FollowUpDialog

        FollowUpDialog(self._ctx, contact_id, name, None, self.window()).open()
