"""The Reminders panel a rep works through: Today first, overdue folds away, one click opens."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt

from relationship_crm.domain.followups import Bucket
from relationship_crm.domain.records import ContactDraft, FollowUpDraft
from relationship_crm.services import contacts, followups
from relationship_crm.ui.dialogs.thanks_window import ThanksWindow
from relationship_crm.ui.models.reminders_model import WHEN, RemindersModel
from relationship_crm.ui.panels.reminders_panel import RemindersPanel
from tests.ui.test_unsent_thanks import lunch

NY = "America/New_York"  # the fixed clock says Mon 2026-11-23 14:00 there


@pytest.fixture
def jane(db) -> int:
    with db.write() as s:
        return contacts.create(s, ContactDraft(name="Jane Doe")).id


def add(db, contact_id: int, due: str, note: str = "") -> int:
    with db.write() as s:
        draft = FollowUpDraft(contact_id, datetime.strptime(due, "%Y-%m-%d %H:%M"), NY, note=note)
        return followups.add(s, draft, now=datetime(2025, 1, 1, tzinfo=ZoneInfo(NY))).id


@pytest.fixture
def panel(qtbot, ctx, wait_idle, jane, db):
    add(db, jane, "2025-10-02 09:30", "Last year's promise")
    add(db, jane, "2026-11-20 10:00", "Send the pricing sheet")
    add(db, jane, "2026-11-24 11:00", "Tomorrow")

    panel = RemindersPanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(380, 600)
    panel.show()
    wait_idle()
    return panel


def titles(panel: RemindersPanel) -> list[str]:
    model = panel.model
    return [
        model.data(model.index(row, WHEN))
        for row in range(model.rowCount())
        if model.data(model.index(row, WHEN), RemindersModel.IsSectionRole)
    ]


def click_row(qtbot, panel: RemindersPanel, row: int) -> None:
    rect = panel.view.visualRect(panel.model.index(row, WHEN))
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_today_comes_first_and_shows_even_when_empty(panel):
    assert titles(panel) == ["Today", "Overdue", "Upcoming"]
    assert panel.model.data(panel.model.index(0, WHEN), RemindersModel.CountRole) == 0


def test_overdue_dates_carry_the_year_when_it_is_not_this_year(panel):
    overdue = panel.model.reminders(Bucket.OVERDUE)
    assert [panel.model.day_text(r) for r in overdue] == ["02 Oct 2025", "Fri 20 Nov"]


def test_a_click_on_the_overdue_title_folds_it_and_another_unfolds_it(qtbot, panel):
    title_row = 1
    assert panel.model.data(panel.model.index(title_row, WHEN)) == "Overdue"
    rows = panel.model.rowCount()
    click_row(qtbot, panel, title_row)
    assert panel.model.overdue_collapsed
    assert panel.model.rowCount() == rows - 2
    assert titles(panel) == ["Today", "Overdue", "Upcoming"]  # the title and its count stay
    assert panel.model.data(panel.model.index(title_row, WHEN), RemindersModel.CountRole) == 2
    click_row(qtbot, panel, title_row)
    assert not panel.model.overdue_collapsed
    assert panel.model.rowCount() == rows


def test_a_single_click_opens_the_contact(qtbot, ctx, panel, jane):
    row = panel.model.row_of(panel.model.reminders(Bucket.OVERDUE)[0].spec.id)
    with qtbot.waitSignal(ctx.events.contact_opened) as opened:
        click_row(qtbot, panel, row)
    assert opened.args == [jane]
    assert panel.current_reminder() is not None  # still selected for Done, Snooze...


def test_reschedule_all_overdue_moves_them_to_the_chosen_day(qtbot, panel, db, wait_idle):
    assert panel.reschedule_button.isVisible()
    asked: list[date] = []
    panel.choose_day = lambda today: asked.append(today) or date(2026, 11, 25)  # type: ignore[method-assign]
    with qtbot.waitSignal(panel.refreshed):
        panel.reschedule_button.click()
    wait_idle()
    assert asked == [date(2026, 11, 23)]
    assert panel.model.reminders(Bucket.OVERDUE) == []
    assert not panel.reschedule_button.isVisible()
    with db.read() as s:
        dues = sorted(v.due for v in followups.list_follow_ups(s))
    assert dues == [
        datetime(2026, 11, 24, 11, 0, tzinfo=ZoneInfo(NY)),
        datetime(2026, 11, 25, 9, 30, tzinfo=ZoneInfo(NY)),
        datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo(NY)),
    ]


def test_cancelling_the_day_moves_nothing(qtbot, panel, wait_idle):
    panel.choose_day = lambda today: None  # type: ignore[method-assign]
    panel.reschedule_button.click()
    wait_idle()
    assert len(panel.model.reminders(Bucket.OVERDUE)) == 2


def test_the_thank_you_box_agrees_with_the_notes_window(qtbot, ctx, db, wait_idle):
    lunch(db, ["Ann Lee"], "2026-11-18 12:30", "Renewal lunch")
    lunch(db, ["Bob Stone"], "2026-11-22 12:30", "Sunday brunch")
    panel = RemindersPanel(ctx)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: panel.unsent_thanks.loaded)
    box = panel.unsent_thanks
    assert box.list.item(0).text().startswith("18 Nov · Ann Lee")  # the meeting's date
    window = ThanksWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    wait_idle()
    qtbot.waitUntil(lambda: window.count_label.text() != "")
    assert window.count_label.text() == "2 notes"
    assert box.title_label.text().startswith("Thank-you notes to send (2)")
