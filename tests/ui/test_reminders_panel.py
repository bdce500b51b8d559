"""The reminders panel on a real database: sections, actions, keys, refreshes, timers, notifier."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import QMainWindow

from relationship_crm.domain.changes import Changes
from relationship_crm.domain.enums import FollowUpStatus
from relationship_crm.domain.followups import Bucket
from relationship_crm.domain.records import ContactDraft, FollowUpDraft
from relationship_crm.services import contacts, followups
from relationship_crm.ui.models.reminders_model import (
    CONTACT,
    NOTE,
    OVERDUE_COLOUR,
    STATUS,
    WHEN,
    RemindersModel,
)
from relationship_crm.ui.notifier import Notifier, dot_icon
from relationship_crm.ui.panels.reminders_panel import EMPTY_TEXT, RemindersPanel
from relationship_crm.ui.snooze import PICK_LABEL
from relationship_crm.ui.widgets.wall_clock import set_wall_clock

NY = "America/New_York"

# Popup menus ask the platform to raise them and grab the keyboard; the offscreen plugin can't and
# says so. Only those two messages are let through.
POPUP_LOG = pytest.mark.qt_log_ignore("does not support raise", "does not support grabbing")


def at(text: str) -> datetime:
    """An aware New York time; the fixed clock says Mon 2026-11-23 14:00."""
    return datetime.strptime(
        text, "%Y-%m-%d %H:%M:%S" if text.count(":") == 2 else "%Y-%m-%d %H:%M"
    ).replace(tzinfo=ZoneInfo(NY))


@pytest.fixture
def people(db) -> dict[str, int]:
    with db.write() as s:
        return {
            name: contacts.create(s, ContactDraft(name=name)).id
            for name in ("Jane Doe", "Carlos Mendoza", "Priya Raman", "Li Wei")
        }


def add(db, contact_id: int, due: str, note: str = "", cadence: str | None = None) -> int:
    with db.write() as s:
        return followups.add(
            s,
            FollowUpDraft(
                contact_id, datetime.strptime(due, "%Y-%m-%d %H:%M"), NY, note=note, cadence=cadence
            ),
            now=at("2026-11-01 08:00"),
        ).id


@pytest.fixture
def agenda_ids(db, people) -> dict[str, int]:
    """One overdue, two today (one already past), one upcoming and one beyond the week."""
    return {
        "jane": add(db, people["Jane Doe"], "2026-11-20 10:00", "Send the pricing sheet"),
        "carlos": add(db, people["Carlos Mendoza"], "2026-11-23 09:00", "Check-in", "weekly"),
        "priya": add(db, people["Priya Raman"], "2026-11-23 16:00", "Ask about the pilot"),
        "li": add(db, people["Li Wei"], "2026-11-25 11:30"),
        "later": add(db, people["Li Wei"], "2026-12-15 09:00", "Too far ahead"),
    }


@pytest.fixture
def make_panel(qtbot, ctx, wait_idle):
    def make() -> RemindersPanel:
        panel = RemindersPanel(ctx)
        qtbot.addWidget(panel)
        panel.resize(380, 600)
        panel.show()
        wait_idle()
        assert panel.loaded
        return panel

    return make


def sections(panel: RemindersPanel) -> dict[str, list[tuple[str, str, str]]]:
    """What the model shows: section title -> (when, contact, note) rows."""
    model = panel.model
    out: dict[str, list[tuple[str, str, str]]] = {}
    title = ""
    for row in range(model.rowCount()):
        if model.data(model.index(row, WHEN), RemindersModel.IsSectionRole):
            title = model.data(model.index(row, WHEN))
            out[title] = []
            continue
        out[title].append(
            tuple(model.data(model.index(row, column)) for column in (WHEN, CONTACT, NOTE))
        )
    return out


def contacts_in(panel: RemindersPanel, bucket: Bucket) -> list[str]:
    return [r.spec.contact_name for r in panel.model.reminders(bucket)]


def status(db, follow_up_id: int) -> FollowUpStatus:
    with db.read() as s:
        return followups.get(s, follow_up_id).status


# --- what it shows ------------------------------------------------------------------------------


def test_shows_overdue_today_and_upcoming_with_their_times(make_panel, agenda_ids, people):
    panel = make_panel()
    assert sections(panel) == {
        "Overdue": [("Fri 20 Nov 10:00", "Jane Doe", "Send the pricing sheet")],
        "Today": [
            ("09:00", "Carlos Mendoza", "Check-in"),
            ("16:00", "Priya Raman", "Ask about the pilot"),
        ],
        "Upcoming": [("Wed 25 Nov 11:30", "Li Wei", "")],
    }
    model = panel.model
    jane = model.index(model.row_of(agenda_ids["jane"]), WHEN)
    assert model.data(jane, RemindersModel.IdRole) == agenda_ids["jane"]
    assert model.data(jane, RemindersModel.ContactIdRole) == people["Jane Doe"]
    assert model.data(jane, Qt.ItemDataRole.ForegroundRole) == QColor(OVERDUE_COLOUR)
    carlos = model.index(model.row_of(agenda_ids["carlos"]), STATUS)
    assert model.data(carlos, Qt.ItemDataRole.DisplayRole) == "Repeats weekly"
    assert model.data(carlos, RemindersModel.DueNowRole) is True  # 09:00 has passed
    assert panel.stack.currentWidget() is panel.view
    assert panel.summary_label.text() == ("Today is Mon 23 Nov · 1 overdue · 2 today · 1 upcoming")


def test_section_titles_are_not_selectable(make_panel, agenda_ids):
    panel = make_panel()
    today = panel.model.index(0, WHEN)  # Today comes first
    assert panel.model.data(today, Qt.ItemDataRole.DisplayRole) == "Today"
    assert panel.model.data(today, RemindersModel.CountRole) == 2
    title = panel.model.index(3, WHEN)
    assert panel.model.data(title, Qt.ItemDataRole.DisplayRole) == "Overdue"
    assert panel.model.data(title, RemindersModel.IsSectionRole)
    assert panel.model.data(title, RemindersModel.CountRole) == 1
    assert not panel.model.flags(today) & Qt.ItemFlag.ItemIsSelectable
    assert not panel.model.flags(title) & Qt.ItemFlag.ItemIsSelectable
    assert panel.model.data(title, RemindersModel.IdRole) is None


def test_the_populated_model_passes_the_model_tester(qtmodeltester, make_panel, agenda_ids):
    qtmodeltester.check(make_panel().model)


def test_nothing_due_shows_the_empty_state(make_panel, people):
    panel = make_panel()
    assert panel.model.is_empty()
    assert panel.stack.currentWidget() is panel.empty_label
    assert panel.empty_label.text() == EMPTY_TEXT
    assert not panel.button_bar.isVisible()


def test_snoozed_rows_are_marked(db, make_panel, agenda_ids):
    with db.write() as s:
        followups.snooze(
            s, agenda_ids["li"], until=at("2026-11-26 08:00"), now=at("2026-11-23 14:00")
        )
    panel = make_panel()
    row = panel.model.row_of(agenda_ids["li"])
    assert panel.model.data(panel.model.index(row, WHEN)) == "Thu 26 Nov 08:00"
    assert panel.model.data(panel.model.index(row, STATUS)) == "Snoozed"
    assert "Snoozed (was due 25 Nov 2026 11:30)" in panel.model.data(
        panel.model.index(row, WHEN), Qt.ItemDataRole.ToolTipRole
    )


# --- row actions --------------------------------------------------------------------------------


def test_done_completes_a_one_off_and_the_row_goes(qtbot, db, make_panel, agenda_ids, wait_idle):
    panel = make_panel()
    assert panel.select(agenda_ids["priya"])
    qtbot.mouseClick(panel.done_button, Qt.MouseButton.LeftButton)
    wait_idle()
    assert contacts_in(panel, Bucket.TODAY) == ["Carlos Mendoza"]
    assert status(db, agenda_ids["priya"]) is FollowUpStatus.DONE
    # The row that took its place is selected, so the rep can go on with the keyboard.
    assert panel.current_reminder() is not None


def test_done_moves_a_recurring_one_to_its_next_date(qtbot, make_panel, agenda_ids, wait_idle):
    panel = make_panel()
    panel.select(agenda_ids["carlos"])
    qtbot.mouseClick(panel.done_button, Qt.MouseButton.LeftButton)
    wait_idle()
    assert contacts_in(panel, Bucket.TODAY) == ["Priya Raman"]
    assert sections(panel)["Upcoming"] == [
        ("Wed 25 Nov 11:30", "Li Wei", ""),
        ("Mon 30 Nov 09:00", "Carlos Mendoza", "Check-in"),
    ]
    assert panel.current_reminder().spec.id == agenda_ids["carlos"]  # still selected


@POPUP_LOG
def test_snooze_tomorrow_moves_it_from_today_to_upcoming(qtbot, make_panel, agenda_ids, wait_idle):
    panel = make_panel()
    panel.select(agenda_ids["priya"])
    qtbot.mouseClick(panel.snooze_button, Qt.MouseButton.LeftButton)
    menu = panel.snooze_menu
    assert menu is not None and menu.isVisible()
    labels = [a.text().split("\t")[0] for a in menu.actions() if not a.isSeparator()]
    assert labels == ["1 hour", "Tomorrow 09:00", "Next Monday 09:00", "Next week", PICK_LABEL]
    assert menu.action_for("Tomorrow 09:00").text() == "Tomorrow 09:00\tTue 24 Nov 09:00"
    menu.action_for("Tomorrow 09:00").trigger()
    wait_idle()
    assert contacts_in(panel, Bucket.TODAY) == ["Carlos Mendoza"]
    row = panel.model.row_of(agenda_ids["priya"])
    assert panel.model.reminder_at(row).bucket is Bucket.UPCOMING
    assert panel.model.data(panel.model.index(row, WHEN)) == "Tue 24 Nov 09:00"
    assert panel.model.data(panel.model.index(row, STATUS)) == "Snoozed"


@POPUP_LOG
def test_snooze_to_a_picked_time(qtbot, make_panel, agenda_ids, wait_idle):
    panel = make_panel()
    panel.select(agenda_ids["jane"])
    panel.show_snooze_menu()
    panel.snooze_menu.action_for(PICK_LABEL).trigger()
    dialog = panel.snooze_menu.pick_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.edit.displayFormat() == "yyyy-MM-dd HH:mm"
    assert dialog.edit.text() == "2026-11-24 09:00"  # tomorrow 09:00 to start from
    set_wall_clock(dialog.edit, datetime(2026, 11, 26, 15, 0))
    dialog.accept()
    wait_idle()
    assert sections(panel)["Upcoming"][-1] == (
        "Thu 26 Nov 15:00",
        "Jane Doe",
        "Send the pricing sheet",
    )
    assert "Overdue" not in sections(panel)


def test_open_contact_emits_its_id(qtbot, ctx, make_panel, agenda_ids, people):
    panel = make_panel()
    panel.select(agenda_ids["li"])
    with qtbot.waitSignal(ctx.events.contact_opened) as opened:
        qtbot.mouseClick(panel.open_button, Qt.MouseButton.LeftButton)
    assert opened.args == [people["Li Wei"]]


def test_cancel_asks_first_and_then_removes_it(qtbot, db, make_panel, agenda_ids, wait_idle):
    panel = make_panel()
    asked: list[tuple[str, str]] = []
    answer = False
    panel.confirm = lambda title, text: asked.append((title, text)) or answer
    panel.select(agenda_ids["jane"])
    qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    wait_idle()
    assert asked[0][0] == "Cancel follow-up"
    assert "Jane Doe (Fri 20 Nov 10:00)" in asked[0][1]
    assert status(db, agenda_ids["jane"]) is FollowUpStatus.OPEN  # said no: nothing happened
    answer = True
    qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    wait_idle()
    assert "Overdue" not in sections(panel)
    assert status(db, agenda_ids["jane"]) is FollowUpStatus.CANCELLED


def test_edit_opens_the_dialog_and_saving_refreshes(qtbot, make_panel, agenda_ids, wait_idle):
    panel = make_panel()
    panel.select(agenda_ids["priya"])
    qtbot.mouseClick(panel.edit_button, Qt.MouseButton.LeftButton)
    wait_idle()
    dialog = panel.edit_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.note_edit.toPlainText() == "Ask about the pilot"
    dialog.note_edit.setPlainText("Ask about the pilot results")
    set_wall_clock(dialog.due_edit, datetime(2026, 11, 23, 17, 30))
    with qtbot.waitSignal(panel.refreshed):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_idle()
    assert sections(panel)["Today"][-1] == ("17:30", "Priya Raman", "Ask about the pilot results")


def test_a_follow_up_changed_elsewhere_reports_and_refreshes(
    qtbot, db, ctx, make_panel, agenda_ids, wait_idle
):
    panel = make_panel()
    with db.write() as s:  # cancelled by another window, which told nobody
        followups.cancel(s, agenda_ids["priya"], now=at("2026-11-23 14:00"))
    panel.select(agenda_ids["priya"])
    with qtbot.waitSignal(ctx.runner.failed) as failed:
        panel.mark_done()
    assert "already cancelled" in failed.args[0] and failed.args[1] is False
    wait_idle()
    assert contacts_in(panel, Bucket.TODAY) == ["Carlos Mendoza"]


@POPUP_LOG
def test_the_context_menu_offers_the_row_actions(make_panel, agenda_ids):
    panel = make_panel()
    rect = panel.view.visualRect(panel.model.index(panel.model.row_of(agenda_ids["li"]), 0))
    panel.view.customContextMenuRequested.emit(rect.center())
    assert panel.current_reminder().spec.id == agenda_ids["li"]
    menu = panel.context_menu
    assert menu is not None and menu.isVisible()
    texts = [a.text().split("\t")[0] for a in menu.actions() if not a.isSeparator()]
    assert texts == ["Done", "&Snooze", "Open contact", "Edit…", "Cancel follow-up…"]


def test_buttons_need_a_selected_reminder(make_panel, agenda_ids):
    panel = make_panel()
    assert panel.current_reminder() is None
    assert not panel.done_button.isEnabled() and not panel.cancel_button.isEnabled()
    panel.select(agenda_ids["li"])
    assert panel.done_button.isEnabled() and panel.snooze_button.isEnabled()


def test_focus_from_the_window_or_code_selects_nothing(qtbot, make_panel, agenda_ids):
    """Activating the window (or setFocus) gives the list focus at the platform's moment: that
    must not select a reminder and enable the buttons by itself."""
    panel = make_panel()
    panel.window().activateWindow()
    qtbot.waitUntil(panel.isActiveWindow)
    panel.view.setFocus(Qt.FocusReason.ActiveWindowFocusReason)
    qtbot.waitUntil(panel.view.hasFocus)
    panel.view.clearFocus()
    panel.view.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(panel.view.hasFocus)
    assert panel.current_reminder() is None
    assert not panel.done_button.isEnabled() and not panel.open_button.isEnabled()


def test_tabbing_into_the_list_selects_the_first_reminder(qtbot, make_panel, agenda_ids):
    panel = make_panel()
    panel.window().activateWindow()
    qtbot.waitUntil(panel.isActiveWindow)
    panel.view.clearFocus()  # activation may have focused it already
    qtbot.waitUntil(lambda: not panel.view.hasFocus())
    panel.view.setFocus(Qt.FocusReason.TabFocusReason)  # what QWidget.focusNextChild passes
    qtbot.waitUntil(panel.view.hasFocus)
    item = panel.current_reminder()
    assert item is not None and item.spec.id == agenda_ids["carlos"]  # Today comes first
    assert panel.done_button.isEnabled()


# --- keyboard -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "modifier", [Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ControlModifier]
)
def test_d_or_ctrl_d_marks_done(qtbot, db, make_panel, agenda_ids, wait_idle, modifier):
    panel = make_panel()
    panel.select(agenda_ids["priya"])
    qtbot.keyClick(panel.view, Qt.Key.Key_D, modifier)
    wait_idle()
    assert status(db, agenda_ids["priya"]) is FollowUpStatus.DONE


@POPUP_LOG
def test_keys_open_snooze_and_cancel(qtbot, ctx, make_panel, agenda_ids, people, wait_idle):
    panel = make_panel()
    panel.select(agenda_ids["li"])
    with qtbot.waitSignal(ctx.events.contact_opened) as opened:
        qtbot.keyClick(panel.view, Qt.Key.Key_Return)
    assert opened.args == [people["Li Wei"]]
    qtbot.keyClick(panel.view, Qt.Key.Key_S)
    assert panel.snooze_menu is not None and panel.snooze_menu.isVisible()
    panel.snooze_menu.close()
    asked: list[str] = []
    panel.confirm = lambda title, text: asked.append(text) is None
    qtbot.keyClick(panel.view, Qt.Key.Key_Delete)
    wait_idle()
    assert asked and "Li Wei" in asked[0]
    assert "Upcoming" not in sections(panel)


def test_list_keys_win_over_window_shortcuts(qtbot, make_panel, agenda_ids, wait_idle):
    """A window-wide Delete (say, "delete contact") must not fire while the list has focus."""
    window = QMainWindow()
    qtbot.addWidget(window)
    fired: list[bool] = []
    delete = QAction("Delete contact", window)
    delete.setShortcut(QKeySequence(Qt.Key.Key_Delete))
    delete.triggered.connect(lambda: fired.append(True))
    window.addAction(delete)
    panel = make_panel()
    window.setCentralWidget(panel)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    panel.view.setFocus()
    qtbot.waitUntil(panel.view.hasFocus)
    panel.select(agenda_ids["li"])
    asked: list[str] = []
    panel.confirm = lambda title, text: asked.append(text) is None
    qtbot.keyClick(panel.view, Qt.Key.Key_Delete)
    wait_idle()
    assert asked and not fired


# --- refreshing ---------------------------------------------------------------------------------


def test_refreshes_when_another_component_changes_follow_ups(qtbot, db, ctx, make_panel, people):
    panel = make_panel()
    add(db, people["Jane Doe"], "2026-11-23 18:00", "Added elsewhere")
    with qtbot.assertNotEmitted(panel.refreshed, wait=50):
        ctx.events.notify(Changes(gifts=True), None)  # nothing this panel shows
    with qtbot.waitSignal(panel.refreshed):
        ctx.events.notify(Changes(follow_ups=True), object())
    assert sections(panel) == {"Today": [("18:00", "Jane Doe", "Added elsewhere")]}


def test_own_writes_refresh_once(qtbot, make_panel, agenda_ids, wait_idle):
    panel = make_panel()
    refreshes: list[bool] = []
    panel.refreshed.connect(lambda: refreshes.append(True))
    panel.select(agenda_ids["li"])
    panel.mark_done()
    wait_idle()
    assert refreshes == [True]


def test_public_refresh_reloads(qtbot, db, make_panel, people):
    panel = make_panel()
    add(db, people["Li Wei"], "2026-11-24 10:00")
    with qtbot.waitSignal(panel.refreshed):
        panel.refresh()
    assert contacts_in(panel, Bucket.UPCOMING) == ["Li Wei"]


# --- timers -------------------------------------------------------------------------------------


def test_the_wakeup_timer_fires_when_the_next_follow_up_falls_due(
    qtbot, clock, make_panel, agenda_ids
):
    clock.now = at("2026-11-23 15:59:30")
    panel = make_panel()
    assert panel.wakeup_timer.isActive() and panel.wakeup_timer.isSingleShot()
    assert panel.wakeup_timer.interval() == 30_000
    assert 25_000 < panel.wakeup_timer.remainingTime() <= 30_000
    notifier = Notifier()
    panel.reminders_due.connect(notifier.show_reminders)

    clock.now = at("2026-11-23 16:00:01")
    with qtbot.waitSignal(panel.reminder_due) as due:
        panel.wakeup_timer.start(1)  # fire now, as it would in 30 s
    assert due.args[0].spec.id == agenda_ids["priya"]  # and not Carlos, due before we looked
    assert panel.model.data(
        panel.model.index(panel.model.row_of(agenda_ids["priya"]), 0), RemindersModel.DueNowRole
    )
    assert notifier.last_message == ("Follow up with Priya Raman", "16:00 · Ask about the pilot")
    # Re-armed for the next one (Wed 11:30), capped at six hours.
    assert panel.wakeup_timer.interval() == 6 * 3600 * 1000


def test_each_reminder_is_reported_once(qtbot, clock, make_panel, agenda_ids):
    clock.now = at("2026-11-23 15:59:30")
    panel = make_panel()
    clock.now = at("2026-11-23 16:00:01")
    with qtbot.waitSignal(panel.reminders_due):
        panel.wakeup_timer.start(1)
    with qtbot.assertNotEmitted(panel.reminder_due):
        with qtbot.waitSignal(panel.refreshed):
            panel.refresh()


@pytest.mark.parametrize(
    "now, expected_ms",
    [
        ("2026-11-23 15:59:59.800", 1000),  # never less than a second
        ("2026-11-23 14:00", 2 * 3600 * 1000),
    ],
)
def test_the_wakeup_interval_is_clamped(clock, make_panel, agenda_ids, now, expected_ms):
    clock.now = datetime.strptime(
        now, "%Y-%m-%d %H:%M:%S.%f" if "." in now else "%Y-%m-%d %H:%M"
    ).replace(tzinfo=ZoneInfo(NY))
    assert make_panel().wakeup_timer.interval() == expected_ms


def test_no_open_follow_up_means_no_wakeup(make_panel, people):
    assert not make_panel().wakeup_timer.isActive()


def test_midnight_turns_today_into_overdue(qtbot, clock, make_panel, agenda_ids):
    clock.now = at("2026-11-23 23:59:30")
    panel = make_panel()
    assert panel.midnight_timer.isActive()
    assert panel.midnight_timer.interval() == 30_000
    clock.now = at("2026-11-24 00:00:01")
    with qtbot.waitSignal(panel.refreshed):
        panel.midnight_timer.start(1)
    assert contacts_in(panel, Bucket.OVERDUE) == ["Jane Doe", "Carlos Mendoza", "Priya Raman"]
    assert sections(panel)["Overdue"][1] == ("Mon 23 Nov 09:00", "Carlos Mendoza", "Check-in")
    assert sections(panel)["Today"] == []  # Today's title always shows, first
    assert panel.summary_label.text().startswith("Today is Tue 24 Nov")
    next_midnight = at("2026-11-25 00:00") - clock.now
    assert panel.midnight_timer.interval() == min(
        6 * 3600 * 1000, int(next_midnight / timedelta(milliseconds=1))
    )


def test_a_timer_firing_while_the_app_quits_is_ignored(qtbot, make_panel, runner, agenda_ids):
    """Once the database thread has stopped (the app quits), a timer's refresh is dropped."""
    panel = make_panel()
    runner.shutdown()
    with qtbot.assertNotEmitted(panel.refreshed, wait=100):
        panel.midnight_timer.start(1)
        panel.wakeup_timer.start(1)
        qtbot.wait(50)
    assert runner.idle


# --- notifier -----------------------------------------------------------------------------------


def test_the_notifier_records_messages_without_a_tray(make_panel, agenda_ids, qapp):
    notifier = Notifier(icon=dot_icon())
    assert not notifier.available  # offscreen: no system tray, and no crash
    panel = make_panel()
    items = panel.model.reminders()
    notifier.show_reminders(items[:1])
    assert notifier.last_message == (
        "Follow up with Jane Doe",
        "Fri 20 Nov 10:00 · Send the pricing sheet",
    )
    notifier.show_reminders(items)
    assert notifier.last_message == (
        "4 follow-ups due",
        "Jane Doe, Carlos Mendoza, Priya Raman and 1 more",
    )
    notifier.show_reminders([])
    assert notifier.shown == 2
    assert not dot_icon().isNull()


def test_dates_from_another_year_show_the_year(clock, make_panel, agenda_ids):
    clock.now = at("2027-01-04 10:00")
    panel = make_panel()
    assert sections(panel)["Overdue"][0] == (
        "20 Nov 2026 10:00",
        "Jane Doe",
        "Send the pricing sheet",
    )


def test_an_unreadable_follow_up_is_named_not_hidden(qtbot, make_panel, agenda_ids, db_path):
    """A row another program left unreadable stays out of the list, and the panel says so."""
    with closing(sqlite3.connect(db_path)) as conn:
        sql = "UPDATE follow_ups SET due_local = 'yesterday' WHERE id = ?"
        conn.execute(sql, (agenda_ids["li"],))
        conn.commit()
    panel = make_panel()
    assert agenda_ids["li"] not in [r.spec.id for r in panel.model.reminders()]
    text = panel.summary_label.text()
    assert f"follow-up #{agenda_ids['li']} unreadable: Help → Check database" in text
    assert agenda_ids["jane"] in [r.spec.id for r in panel.model.reminders()]  # the rest stay
