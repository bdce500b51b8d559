"""Long lists in the app (issue 18): a long agenda loads per page as it scrolls, a search answers
each keystroke with a page of matches and reads the rest when scrolled to."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from relationship_crm.domain.followups import Bucket
from relationship_crm.domain.records import ContactDraft, FollowUpDraft
from relationship_crm.services import agenda_window, contacts, followups
from relationship_crm.ui.models.reminders_model import WHEN, RemindersModel
from relationship_crm.ui.panels import reminders_panel
from relationship_crm.ui.panels.contact_list import ContactListPanel
from relationship_crm.ui.panels.reminders_panel import RemindersPanel
from tests.ui.conftest import FIXED_NOW

NY = "America/New_York"


@pytest.fixture
def long_agenda(db, monkeypatch) -> list[int]:
    """Thirty overdue follow-ups, and pages of 3 (first) and 4 (as it scrolls): a long agenda."""
    monkeypatch.setattr(agenda_window, "FULL_LIMIT", 5)
    monkeypatch.setattr(reminders_panel, "FIRST_PAGE", 3)
    monkeypatch.setattr(reminders_panel, "WINDOW_PAGE", 4)
    with db.write() as s:
        people = [contacts.create(s, ContactDraft(name=f"Person {i:02d}")).id for i in range(6)]
        for i in range(30):
            due = datetime(2026, 11, 1, 9) + timedelta(hours=13 * i)  # 1 Nov .. 17 Nov
            followups.add(s, FollowUpDraft(people[i % 6], due, NY, note=f"call {i}"))
    with db.read() as s:
        whole = followups.agenda(s, day=FIXED_NOW.astimezone().date(), tz=NY)
    return [r.spec.id for r in whole.overdue]


@pytest.fixture
def panel(qtbot, ctx, wait_idle, long_agenda) -> RemindersPanel:
    made = RemindersPanel(ctx)
    qtbot.addWidget(made)
    made.resize(380, 400)
    made.show()
    wait_idle()
    assert made.loaded
    return made


def test_a_long_agenda_shows_every_row_and_loads_them_as_the_list_scrolls(
    qtbot, panel, long_agenda, wait_idle
) -> None:
    model = panel.model
    assert not model.complete
    assert model.rowCount() == 2 + 30  # Today's title, Overdue's title and its 30 rows
    overdue_title = model.title_rows()[1]
    assert model.data(model.index(overdue_title, WHEN), RemindersModel.CountRole) == 30
    assert "30 overdue" in panel.summary_label.text()
    assert len(model.reminders(Bucket.OVERDUE)) < 30  # the first page only, and what is shown
    last = model.index(model.rowCount() - 1, WHEN)
    assert model.data(last, RemindersModel.ReminderRole) is None  # not loaded: a blank row
    panel.view.scrollToBottom()
    panel.view.viewport().repaint()
    qtbot.waitUntil(lambda: model.data(last, RemindersModel.ReminderRole) is not None)
    for row in range(overdue_title + 1, model.rowCount()):  # the rest, as if scrolled past
        model.data(model.index(row, WHEN))
    wait_idle()
    qtbot.waitUntil(lambda: len(model.reminders(Bucket.OVERDUE)) == 30)
    assert [r.spec.id for r in model.reminders(Bucket.OVERDUE)] == long_agenda


def test_a_long_agendas_reminder_is_selected_and_acted_on_like_any(
    qtbot, panel, long_agenda, wait_idle
) -> None:
    first = long_agenda[0]
    assert panel.select(first)
    assert panel.current_reminder() is not None
    assert panel.current_reminder().spec.id == first
    with qtbot.waitSignal(panel.refreshed):
        panel.mark_done()
    wait_idle()
    assert panel.model.count(Bucket.OVERDUE) == 29


def test_a_title_row_that_moves_leaves_a_reminder_rows_height_behind(
    qtbot, panel, db, wait_idle
) -> None:
    view, model = panel.view, panel.model
    assert model.title_rows() == [0, 1]  # nothing today: Overdue's title right below Today's
    title_height, row_height = view.rowHeight(0), view.rowHeight(2)
    assert title_height < row_height
    with db.write() as s:  # one for this afternoon: Today gets a row, Overdue's title moves down
        followups.add(s, FollowUpDraft(1, datetime(2026, 11, 23, 16), NY, note="today"))
    with qtbot.waitSignal(panel.refreshed):
        panel.refresh()
    wait_idle()
    assert model.title_rows() == [0, 2]
    assert [view.rowHeight(r) for r in range(4)] == [
        title_height,
        row_height,
        title_height,
        row_height,
    ]


def test_a_search_shows_a_page_of_matches_then_the_rest_when_scrolled_to(
    qtbot, ctx, db, wait_idle
) -> None:
    with db.write() as s:
        for i in range(260):
            contacts.create(s, ContactDraft(name=f"Smith {i:03d}"))
        contacts.create(s, ContactDraft(name="Jones Only"))
    panel = ContactListPanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(600, 500)
    panel.show()
    wait_idle()
    for key in "smi":  # typed fast: each keystroke searches, or waits for the one on its way
        qtbot.keyClick(panel.search, key)
    qtbot.waitUntil(lambda: panel.model.contact_filter.query == "smi" and ctx.runner.idle)
    assert panel.model.total == 200 and panel.model.more
    assert panel.count_label.text() == "200+ contacts"
    while panel.model.canFetchMore():
        panel.model.fetchMore()
        wait_idle()
    assert panel.model.total == 260 and not panel.model.more
    assert panel.model.rowCount() == 260
    assert panel.count_label.text() == "260 contacts"
