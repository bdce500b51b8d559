"""The snooze menu (presets and "Pick a time…"), shared by the reminders panel and contact pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QDate
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMenu,
    QVBoxLayout,
    QWidget,
)

from relationship_crm.domain.timefmt import short_moment
from relationship_crm.scheduling.quick_picks import QuickPick, quick_pick
from relationship_crm.scheduling.zones import localize
from relationship_crm.ui.context import UiContext
from relationship_crm.ui.widgets.wall_clock import DATE_TIME_FORMAT, set_wall_clock, wall_clock

#: Menu label -> the quick pick it means, in menu order.
PRESETS: tuple[tuple[str, QuickPick], ...] = (
    ("1 hour", QuickPick.ONE_HOUR),
    ("Tomorrow 09:00", QuickPick.TOMORROW_MORNING),
    ("Next Monday 09:00", QuickPick.NEXT_MONDAY_MORNING),
    ("Next week", QuickPick.NEXT_WEEK),
)
PICK_LABEL = "Pick a time…"


class PickTimeDialog(QDialog):
    """Asks for a snooze moment with a QDateTimeEdit ("yyyy-MM-dd HH:mm") in the rep's zone.

    Owns only its widgets; `moment()` gives the aware choice. Opened with `open()` (not `exec()`),
    so callers connect `accepted`. Emits the standard QDialog signals. GUI thread.
    """

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.setWindowTitle("Snooze until")
        now = ctx.now().replace(tzinfo=None)
        self.edit = QDateTimeEdit()
        self.edit.setDisplayFormat(DATE_TIME_FORMAT)
        self.edit.setCalendarPopup(True)
        tomorrow = quick_pick(QuickPick.TOMORROW_MORNING, now=ctx.clock(), tz=ctx.zone)
        set_wall_clock(self.edit, tomorrow.replace(tzinfo=None))
        self.edit.setMinimumDate(QDate(now.year, now.month, now.day))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Snooze")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Remind me again at ({ctx.zone}):"))
        layout.addWidget(self.edit)
        layout.addWidget(buttons)

    def moment(self) -> datetime:
        """The chosen moment, aware in the rep's zone."""
        return localize(wall_clock(self.edit), self._ctx.zone)


class SnoozeMenu(QMenu):
    """A menu of snooze moments computed when it is built; calls `on_pick(aware datetime)`.

    Owns the "Pick a time…" dialog while it is open (`pick_dialog`). GUI thread.
    """

    def __init__(
        self, parent: QWidget | None, ctx: UiContext, on_pick: Callable[[datetime], None]
    ) -> None:
        super().__init__("&Snooze", parent)
        self._ctx = ctx
        self._on_pick = on_pick
        self.pick_dialog: PickTimeDialog | None = None
        now = ctx.clock()
        for label, preset in PRESETS:
            moment = quick_pick(preset, now=now, tz=ctx.zone)
            # Text after a tab shows in the shortcut column: the moment the preset means.
            action = QAction(f"{label}\t{short_moment(moment)}", self)
            action.setData(label)
            action.triggered.connect(lambda _=False, m=moment: self._on_pick(m))
            self.addAction(action)
        self.addSeparator()
        pick = QAction(PICK_LABEL, self)
        pick.setData(PICK_LABEL)
        pick.triggered.connect(self._on_pick_triggered)
        self.addAction(pick)

    def action_for(self, label: str) -> QAction:
        """The action whose label (without the moment shown beside it) is `label`."""
        for action in self.actions():
            if action.data() == label:
                return action
        raise KeyError(label)

    def _on_pick_triggered(self) -> None:
        # The dialog's parent is the menu's parent: the menu itself closes when an item is chosen.
        dialog = PickTimeDialog(self._ctx, self.parentWidget())
        on_pick = self._on_pick  # not through self: the menu may be gone when the dialog closes
        dialog.accepted.connect(lambda: on_pick(dialog.moment()))
        dialog.finished.connect(dialog.deleteLater)
        self.pick_dialog = dialog
        dialog.open()


def build_snooze_menu(
    parent: QWidget | None, ctx: UiContext, on_pick: Callable[[datetime], None]
) -> QMenu:
    """A snooze menu with presets relative to `ctx.clock()`: build it just before showing it."""
    return SnoozeMenu(parent, ctx, on_pick)
