"""The dashboard: the rep's week and pipeline as six clickable charts in a grid."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from relationship_crm.domain import timefmt
from relationship_crm.domain.changes import Changes
from relationship_crm.services import dashboard
from relationship_crm.ui import dashboard_charts
from relationship_crm.ui.charts import Chart, ChartWidget
from relationship_crm.ui.context import UiContext

#: Grid columns: three charts across fit 1366 px wide, two rows fit 768 px high.
COLUMNS = 3


class DashboardPanel(QWidget):
    """Six charts (funnel, follow-ups per week, keep-in-touch health, gift spend, thank-you
    notes, campaigns), loaded off the GUI thread and reloaded when what they show changes.

    Signals:
        stage_requested(str): a funnel bar was clicked (the stage to filter the list by).
        health_requested(str): a health bar was clicked (a tag).
        week_requested(str): a follow-up bar was clicked ("overdue" or a week's Monday).
        thanks_requested(str): a thank-you bar was clicked (an age bucket key).
        print_requested(): the "Print weekly review…" button.
        close_requested(): the "Back to contacts" button.
    Lives on the GUI thread.
    """

    stage_requested = Signal(str)
    health_requested = Signal(str)
    week_requested = Signal(str)
    thanks_requested = Signal(str)
    print_requested = Signal()
    close_requested = Signal()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._generation = 0
        self.loaded = False
        self.board: dashboard.Dashboard | None = None
        self.setObjectName("dashboard")

        title = QLabel("Dashboard")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        self.as_of = QLabel()
        self.as_of.setObjectName("dashboardAsOf")
        self.print_button = QPushButton("Print weekly review…")
        self.back_button = QPushButton("Back to contacts")
        self.print_button.clicked.connect(self.print_requested)
        self.back_button.clicked.connect(self.close_requested)
        header = QHBoxLayout()
        header.addWidget(title)
        header.addSpacing(12)
        header.addWidget(self.as_of, 1)
        header.addWidget(self.print_button)
        header.addWidget(self.back_button)

        self.charts: dict[str, ChartWidget] = {}
        grid = QGridLayout()
        grid.setSpacing(8)
        for index, name in enumerate(dashboard_charts.ORDER):
            widget = ChartWidget(Chart(title=_TITLES[name], bars=(), empty_text="Loading…"))
            widget.setObjectName(f"chart_{name}")
            widget.setMinimumSize(120, 90)
            self.charts[name] = widget
            grid.addWidget(widget, index // COLUMNS, index % COLUMNS)
        for column in range(COLUMNS):
            grid.setColumnStretch(column, 1)
        for row in range((len(self.charts) + COLUMNS - 1) // COLUMNS):
            grid.setRowStretch(row, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        # The dashboard shares the main window's stack with the contact list: its grid must not
        # make the window (or a small remembered size of it) any wider than the list needs.
        self.setMinimumSize(1, 1)
        layout.addLayout(header)
        layout.addLayout(grid, 1)

        self.charts[dashboard_charts.FUNNEL].bar_clicked.connect(self.stage_requested)
        self.charts[dashboard_charts.HEALTH].bar_clicked.connect(self.health_requested)
        self.charts[dashboard_charts.DUE].bar_clicked.connect(self.week_requested)
        self.charts[dashboard_charts.THANKS].bar_clicked.connect(self.thanks_requested)
        ctx.events.changed.connect(self._on_events_changed)

    def reload(self) -> None:
        """Read the figures again on the database thread; the newest answer wins."""
        self._generation += 1
        generation, now, zone = self._generation, self._ctx.clock(), self._ctx.zone
        self._ctx.runner.query(
            lambda s: dashboard.load(s, now=now, zone=zone),
            lambda board: self._on_loaded(generation, board),
        )

    def _on_loaded(self, generation: int, board: dashboard.Dashboard) -> None:
        if generation != self._generation:
            return
        self.board = board
        for name, chart in dashboard_charts.charts(board).items():
            self.charts[name].set_chart(chart)
        local = board.now.astimezone(self._ctx.now().tzinfo)
        self.as_of.setText(f"as of {timefmt.long_local_moment(local)} ({board.zone})")
        self.loaded = True

    def _on_events_changed(self, changes: Changes, _initiator: object) -> None:
        if not self.isVisible():
            self.loaded = False  # read again when shown
            return
        if (
            changes.contacts
            or changes.follow_ups
            or changes.gifts
            or changes.thanks
            or changes.meetings
            or changes.settings
            or changes.campaigns  # the campaigns chart
        ):
            self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.reload()


_TITLES = {
    dashboard_charts.FUNNEL: "Pipeline",
    dashboard_charts.DUE: "Follow-ups due",
    dashboard_charts.HEALTH: "Keep-in-touch health",
    dashboard_charts.SPEND: "Gifts and hospitality",
    dashboard_charts.THANKS: "Thank-you notes to send",
    dashboard_charts.CAMPAIGNS: "Campaigns",
}
