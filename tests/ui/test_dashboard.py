"""The dashboard view: charts loaded off the GUI thread, clicks on bars to the contacts or lists
behind them, refresh on changes, View → Dashboard and File → Print weekly review."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from relationship_crm.domain.changes import Changes
from relationship_crm.domain.enums import Stage
from relationship_crm.domain.records import ContactDraft, FollowUpDraft
from relationship_crm.paths import AppPaths
from relationship_crm.services import contacts, followups
from relationship_crm.ui.charts import Bar, Chart, ChartWidget
from relationship_crm.ui.dialogs.due_list import DueListDialog
from relationship_crm.ui.main_window import MainWindow
from tests.ui.conftest import FIXED_NOW

NY = "America/New_York"


def add_contact(db, name, stage=Stage.PROSPECT):
    with db.write() as s:
        return contacts.create(s, ContactDraft(name=name, stage=stage), now=FIXED_NOW).id


def add_follow_up(db, cid, when):
    with db.write() as s:
        followups.add(
            s,
            FollowUpDraft(contact_id=cid, due_local=datetime.fromisoformat(when), tz=NY),
            now=FIXED_NOW - timedelta(days=10),
        )


@pytest.fixture
def people(db):
    ann = add_contact(db, "Ann Archer", Stage.LEAD)
    bob = add_contact(db, "Bob Baker", Stage.LEAD)
    cal = add_contact(db, "Cal Carter")
    add_follow_up(db, ann, "2026-11-20 09:00")  # overdue (now: Mon 23 Nov 14:00 New York)
    add_follow_up(db, cal, "2026-11-25 09:00")  # this week
    add_follow_up(db, bob, "2026-12-01 09:00")  # the week of 30 Nov
    return {"ann": ann, "bob": bob, "cal": cal}


@pytest.fixture
def window(qtbot, ctx, db, people, wait_idle):
    win = MainWindow(ctx, AppPaths(Path(db.path)))
    qtbot.addWidget(win)
    win.fit_to(1366, 740)
    win.show()
    wait_idle()
    return win


def open_dashboard(qtbot, window, wait_idle):
    qtbot.keyClick(
        window,
        Qt.Key.Key_D,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: window.dashboard.loaded)
    wait_idle()
    window.dashboard.repaint()
    return window.dashboard


def click_bar(qtbot, widget: ChartWidget, key: str) -> None:
    widget.repaint()  # the boxes are where the bars were last painted
    (box,) = [b for b in widget.bar_boxes() if b.key == key]
    centre = box.rect.center()
    qtbot.mouseClick(
        widget, Qt.MouseButton.LeftButton, pos=QPoint(int(centre.x()), int(centre.y()))
    )


def listed_names(window) -> list[str]:
    model = window.contact_list.model
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def test_ctrl_shift_d_shows_the_dashboard_and_back(qtbot, window, wait_idle):
    board = open_dashboard(qtbot, window, wait_idle)
    assert window.stack.currentWidget() is board
    assert window.dashboard_action.isChecked()
    assert window.dashboard_action.text() == "&Dashboard"
    funnel = board.charts["funnel"].chart
    assert {bar.key: bar.total for bar in funnel.bars} == {
        "prospect": 1,
        "lead": 2,
        "customer": 0,
        "partner": 0,
        "other": 0,
    }
    due = board.charts["due_per_week"].chart
    assert [bar.total for bar in due.bars[:4]] == [1, 1, 1, 0]
    qtbot.keyClick(
        window,
        Qt.Key.Key_D,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert window.stack.currentWidget() is window.splitter
    assert not window.dashboard_action.isChecked()


def test_a_click_on_a_funnel_bar_filters_the_list_to_that_stage(qtbot, window, wait_idle):
    board = open_dashboard(qtbot, window, wait_idle)
    click_bar(qtbot, board.charts["funnel"], "lead")
    assert window.stack.currentWidget() is window.splitter
    qtbot.waitUntil(lambda: sorted(listed_names(window)) == ["Ann Archer", "Bob Baker"])
    assert window.contact_list.stage_filter.currentData() == "lead"
    open_dashboard(qtbot, window, wait_idle)
    click_bar(qtbot, board.charts["funnel"], "prospect")
    qtbot.waitUntil(lambda: listed_names(window) == ["Cal Carter"])


def test_a_click_on_a_week_opens_its_follow_ups(qtbot, window, wait_idle, people):
    board = open_dashboard(qtbot, window, wait_idle)
    click_bar(qtbot, board.charts["due_per_week"], "overdue")
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), DueListDialog))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, DueListDialog)
    qtbot.waitUntil(lambda: dialog.loaded)
    assert dialog.contact_ids() == [people["ann"]]
    dialog.reject()
    click_bar(qtbot, board.charts["due_per_week"], "2026-11-30")
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), DueListDialog))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, DueListDialog)
    qtbot.waitUntil(lambda: dialog.loaded)
    assert dialog.contact_ids() == [people["bob"]]
    # Double-click (activation) opens the contact's page.
    item = dialog.tree.topLevelItem(0)
    assert item is not None
    dialog.tree.itemActivated.emit(item, 0)
    qtbot.waitUntil(lambda: window.contact_page.contact is not None)
    assert window.contact_page.contact.id == people["bob"]
    assert window.stack.currentWidget() is window.splitter
    dialog.reject()


@pytest.mark.qt_log_ignore("does not support raise")  # offscreen: raise_() is a no-op
def test_a_click_on_the_thank_you_chart_opens_the_notes_window(
    qtbot, window, wait_idle, db, people
):
    from relationship_crm.domain.records import MeetingDraft
    from relationship_crm.services import meetings, thanks_drafts

    with db.write() as s:
        mid = meetings.log(
            s,
            MeetingDraft(
                title="Lunch",
                starts_local=datetime(2026, 11, 19, 12, 0),
                tz=NY,
                attendee_ids=(people["ann"],),
            ),
            now=FIXED_NOW,
        ).id
        thanks_drafts.draft_for_meeting(s, mid)
    board = open_dashboard(qtbot, window, wait_idle)
    assert [b.total for b in board.charts["thanks_outstanding"].chart.bars] == [0, 1, 0, 0]
    click_bar(qtbot, board.charts["thanks_outstanding"], "2-7")
    qtbot.waitUntil(lambda: window.thanks_window is not None and window.thanks_window.isVisible())
    window.thanks_window.close()


def test_a_click_on_a_health_bar_narrows_the_list_to_those_contacts(
    qtbot, window, wait_idle, db, ctx
):
    """Dee (tag golf, added 100 days ago, never met) is lost under golf's 10/20-day rhythm."""
    from relationship_crm.services import health

    with db.write() as s:
        dee = contacts.create(
            s,
            ContactDraft(name="Dee Dunn", tags=("golf",)),
            now=FIXED_NOW - timedelta(days=100),
        ).id
        health.set_tag_rhythm(s, "golf", 10, 20, now=FIXED_NOW)
    ctx.events.notify(Changes(contacts=True))
    board = open_dashboard(qtbot, window, wait_idle)
    qtbot.waitUntil(lambda: [b.key for b in board.charts["health"].chart.bars] == ["golf"])
    click_bar(qtbot, board.charts["health"], "golf")
    qtbot.waitUntil(lambda: listed_names(window) == ["Dee Dunn"])
    assert window.contact_list.only_chip.isVisible()
    assert "golf" in window.contact_list.only_chip.text()
    assert window.contact_list.model.contact_id(0) == dee
    window.contact_list.only_chip.click()
    qtbot.waitUntil(lambda: len(listed_names(window)) == 4)
    assert not window.contact_list.only_chip.isVisible()


def test_campaigns_without_results_are_not_called_missing(qtbot, window, wait_idle, db, ctx):
    from relationship_crm.services import campaigns

    board = open_dashboard(qtbot, window, wait_idle)
    assert board.charts["campaigns"].chart.empty_text == "No campaigns yet"
    with db.write() as s:
        campaigns.create(
            s,
            campaigns.CampaignDraft(
                name="Winter",
                template="campaign-check-in",
                segment=campaigns.Segment(stages=frozenset({"lead"})),
            ),
            now=FIXED_NOW,
        )
    ctx.events.notify(Changes(campaigns=True))
    qtbot.waitUntil(lambda: len(board.charts["campaigns"].chart.bars) == 1)
    chart = board.charts["campaigns"].chart
    assert chart.is_empty and chart.empty_text == "No responses, meetings or deals yet"


def test_the_dashboard_follows_changes(qtbot, window, wait_idle, db, ctx):
    board = open_dashboard(qtbot, window, wait_idle)
    add_contact(db, "Dee Dunn", Stage.CUSTOMER)
    ctx.events.notify(Changes(contacts=True))
    qtbot.waitUntil(
        lambda: {b.key: b.total for b in board.charts["funnel"].chart.bars}["customer"] == 1
    )


def test_the_charts_fit_a_laptop_screen(qtbot, window, wait_idle):
    board = open_dashboard(qtbot, window, wait_idle)
    window.fit_to(1366, 740)
    qtbot.waitUntil(lambda: board.width() <= 1366)
    for widget in board.charts.values():
        assert widget.isVisible()
        assert widget.width() >= 240 and widget.height() >= 170
        assert widget.geometry().right() <= board.width()
        assert widget.mapTo(board, QPoint(0, widget.height())).y() <= board.height()


def test_print_weekly_review_to_a_pdf(qtbot, window, wait_idle, tmp_path):
    import pypdf

    out = tmp_path / "review.pdf"
    window.print_weekly_review(out)
    wait_idle()
    qtbot.waitUntil(out.exists)
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(out).pages)
    assert "Pipeline" in " ".join(text.split())
    assert "09:00 Cal Carter" in " ".join(text.split())  # Wed 25 Nov, this week
    assert "Print &weekly review…" in [
        a.text() for a in window.menuBar().actions()[0].menu().actions()
    ]


def test_chart_widget_reports_the_bar_clicked(qtbot):
    widget = ChartWidget(
        Chart(
            title="T", bars=(Bar("a", "Alpha", (3.0,)), Bar("b", "Beta", (1.0,))), horizontal=True
        )
    )
    qtbot.addWidget(widget)
    widget.resize(400, 240)
    widget.show()
    qtbot.waitExposed(widget)
    with qtbot.waitSignal(widget.bar_clicked) as blocker:
        click_bar(qtbot, widget, "b")
    assert blocker.args == ["b"]
    empty = ChartWidget(Chart(title="Nothing", bars=()))
    qtbot.addWidget(empty)
    empty.show()
    qtbot.waitExposed(empty)
    empty.repaint()
    assert empty.bar_boxes() == []
