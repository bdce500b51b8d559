"""The follow-up dialog on a real database: defaults, quick picks, cadences, errors, edits, keys."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from relationship_crm.domain.changes import Changes
from relationship_crm.domain.enums import FollowUpStatus
from relationship_crm.domain.records import ContactDraft, FollowUpDraft, FollowUpView
from relationship_crm.services import contacts, followups
from relationship_crm.ui.dialogs.followup_dialog import CADENCES, FollowUpDialog
from relationship_crm.ui.widgets.wall_clock import set_wall_clock

NY = "America/New_York"


def at(text: str, zone: str = NY) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=ZoneInfo(zone))


@pytest.fixture
def jane(db) -> int:
    with db.write() as s:
        return contacts.create(s, ContactDraft(name="Jane Doe")).id


@pytest.fixture
def make_dialog(qtbot, ctx):
    def make(contact_id: int, follow_up: FollowUpView | None = None) -> FollowUpDialog:
        dialog = FollowUpDialog(ctx, contact_id, "Jane Doe", follow_up)
        qtbot.addWidget(dialog)
        dialog.show()
        return dialog

    return make


def open_follow_ups(db, contact_id: int) -> list[FollowUpView]:
    with db.read() as s:
        return followups.list_follow_ups(s, contact_id=contact_id)


def existing(db, contact_id: int, due: str, **kw) -> FollowUpView:
    with db.write() as s:
        fid = followups.add(
            s,
            FollowUpDraft(contact_id, datetime.strptime(due, "%Y-%m-%d %H:%M"), NY, **kw),
            now=at("2026-11-01 08:00"),
        ).id
        return followups.get(s, fid)


def choose_cadence(dialog: FollowUpDialog, label: str) -> None:
    dialog.cadence_combo.setCurrentIndex(dialog.cadence_combo.findText(label))


def test_a_new_follow_up_defaults_to_tomorrow_nine_in_the_reps_zone(make_dialog, jane):
    dialog = make_dialog(jane)
    assert dialog.windowTitle() == "New follow-up"
    assert dialog.due_edit.displayFormat() == "yyyy-MM-dd HH:mm"
    assert dialog.due_edit.calendarPopup()
    assert dialog.due_edit.text() == "2026-11-24 09:00"  # the clock says Mon 23 Nov 14:00
    assert dialog.zone_picker.zone() == NY
    assert [dialog.cadence_combo.itemText(i) for i in range(dialog.cadence_combo.count())] == [
        label for label, _ in CADENCES
    ]
    assert dialog.cadence_combo.currentText() == "Does not repeat"
    assert not dialog.custom_edit.isVisible()


@pytest.mark.parametrize(
    "button, expected",
    [
        ("tomorrow_button", datetime(2026, 11, 24, 9, 0)),
        ("next_monday_button", datetime(2026, 11, 30, 9, 0)),  # today is a Monday: not today
        ("two_weeks_button", datetime(2026, 12, 7, 9, 0)),
    ],
)
def test_quick_picks(qtbot, make_dialog, jane, button, expected):
    dialog = make_dialog(jane)
    set_wall_clock(dialog.due_edit, datetime(2027, 5, 5, 17, 45))
    qtbot.mouseClick(getattr(dialog, button), Qt.MouseButton.LeftButton)
    assert dialog.due_local() == expected


def test_add_with_a_quick_pick_and_a_cadence(qtbot, ctx, db, make_dialog, jane, wait_idle):
    dialog = make_dialog(jane)
    qtbot.mouseClick(dialog.next_monday_button, Qt.MouseButton.LeftButton)
    choose_cadence(dialog, "Every 2 weeks")
    qtbot.keyClicks(dialog.note_edit, "Call about the renewal")
    with qtbot.waitSignal(ctx.events.changed) as changed, qtbot.waitSignal(dialog.saved) as saved:
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_idle()
    assert changed.args == [Changes(follow_ups=True), dialog]
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.isVisible()
    (made,) = open_follow_ups(db, jane)
    assert made.id == saved.args[0]
    assert made.due == at("2026-11-30 09:00")
    assert made.tz == NY
    assert made.rrule == "FREQ=WEEKLY;INTERVAL=2"
    assert made.note == "Call about the renewal"


def test_a_custom_cadence_is_read_and_described(qtbot, db, make_dialog, jane, wait_idle):
    dialog = make_dialog(jane)
    choose_cadence(dialog, "Custom…")
    assert dialog.custom_edit.isVisible()
    qtbot.keyClicks(dialog.custom_edit, "every other Monday")
    assert dialog.cadence_hint.text() == "Repeats every 2 weeks on Monday"
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_idle()
    assert [f.rrule for f in open_follow_ups(db, jane)] == ["FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"]


def test_a_bad_custom_cadence_shows_an_error_and_writes_nothing(
    qtbot, ctx, db, make_dialog, jane, wait_idle
):
    dialog = make_dialog(jane)
    choose_cadence(dialog, "Custom…")
    qtbot.keyClicks(dialog.custom_edit, "whenever")
    with qtbot.assertNotEmitted(ctx.events.changed):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_idle()
    assert dialog.cadence_hint.isVisible()
    assert "cannot understand cadence 'whenever'" in dialog.cadence_hint.text()
    assert dialog.isVisible() and dialog.custom_edit.text() == "whenever"
    assert open_follow_ups(db, jane) == []


def test_edit_shows_the_follow_up_and_changes_its_date_and_note(
    qtbot, ctx, db, make_dialog, jane, wait_idle
):
    view = existing(db, jane, "2026-11-25 10:00", note="Send the deck", cadence="weekly")
    with db.write() as s:
        followups.snooze(s, view.id, until=at("2026-11-26 08:00"), now=at("2026-11-23 14:00"))
        view = followups.get(s, view.id)
    dialog = make_dialog(jane, view)
    assert dialog.windowTitle() == "Edit follow-up"
    assert dialog.due_edit.text() == "2026-11-25 10:00"
    assert dialog.cadence_combo.currentText() == "Every week"
    assert dialog.note_edit.toPlainText() == "Send the deck"
    assert dialog.snooze_label.text().startswith("Snoozed until Thu 26 Nov 08:00")

    set_wall_clock(dialog.due_edit, datetime(2026, 11, 27, 15, 30))
    dialog.note_edit.setPlainText("Send the deck and the pricing")
    with qtbot.waitSignal(ctx.events.changed):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_idle()
    (edited,) = open_follow_ups(db, jane)
    assert edited.due == at("2026-11-27 15:30")
    assert edited.note == "Send the deck and the pricing"
    assert edited.rrule == "FREQ=WEEKLY"  # untouched cadence kept
    assert edited.snoozed_until is None  # a new date ends the snooze


def test_edit_can_stop_a_series_repeating(qtbot, db, make_dialog, jane, wait_idle):
    view = existing(db, jane, "2026-11-25 10:00", cadence="every 3 months")
    dialog = make_dialog(jane, view)
    assert dialog.cadence_combo.currentText() == "Every 3 months"
    choose_cadence(dialog, "Does not repeat")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_idle()
    assert open_follow_ups(db, jane)[0].rrule is None


def test_edit_shows_an_unusual_rule_as_custom(make_dialog, db, jane):
    view = existing(db, jane, "2026-12-07 10:00", cadence="FREQ=MONTHLY;BYDAY=1MO")
    dialog = make_dialog(jane, view)
    assert dialog.cadence_combo.currentText() == "Custom…"
    assert dialog.custom_edit.text() == "FREQ=MONTHLY;BYDAY=1MO"


def test_a_service_error_stays_in_the_dialog(qtbot, ctx, db, make_dialog, jane, wait_idle):
    view = existing(db, jane, "2026-11-25 10:00", note="Send the deck")
    dialog = make_dialog(jane, view)
    with db.write() as s:  # done from another window meanwhile
        followups.complete(s, view.id, now=at("2026-11-23 14:00"))
    dialog.note_edit.setPlainText("My careful edit")
    with qtbot.assertNotEmitted(ctx.events.changed):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        wait_idle()
    assert "already done; cannot edit it" in dialog.error_text
    assert dialog.isVisible() and dialog.ok_button.isEnabled()
    assert dialog.note_edit.toPlainText() == "My careful edit"
    with db.read() as s:
        assert followups.get(s, view.id).status is FollowUpStatus.DONE


def test_return_saves_even_from_the_note(qtbot, db, make_dialog, jane, wait_idle):
    dialog = make_dialog(jane)
    qtbot.keyClicks(dialog.note_edit, "First line")
    qtbot.keyClick(dialog.note_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(dialog.note_edit, "second line")
    assert dialog.isVisible()
    qtbot.keyClick(dialog.note_edit, Qt.Key.Key_Return)
    wait_idle()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert [f.note for f in open_follow_ups(db, jane)] == ["First line\nsecond line"]


def test_return_in_the_date_field_saves(qtbot, db, make_dialog, jane, wait_idle):
    dialog = make_dialog(jane)
    qtbot.keyClick(dialog.due_edit, Qt.Key.Key_Return)
    wait_idle()
    assert [f.due for f in open_follow_ups(db, jane)] == [at("2026-11-24 09:00")]


def test_escape_cancels_without_writing(qtbot, db, make_dialog, jane, wait_idle):
    dialog = make_dialog(jane)
    qtbot.keyClicks(dialog.note_edit, "Never mind")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    wait_idle()
    assert dialog.result() == QDialog.DialogCode.Rejected and not dialog.isVisible()
    assert open_follow_ups(db, jane) == []


def test_every_field_is_reachable_with_tab(qtbot, make_dialog, jane):
    dialog = make_dialog(jane)
    choose_cadence(dialog, "Custom…")
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.due_edit.setFocus()
    qtbot.waitUntil(dialog.due_edit.hasFocus)
    expected = [
        dialog.tomorrow_button,
        dialog.next_monday_button,
        dialog.two_weeks_button,
        dialog.zone_picker,
        dialog.cadence_combo,
        dialog.custom_edit,
        dialog.note_edit,
        dialog.ok_button,
        dialog.cancel_button,
    ]
    # Tab first steps through the date field's own sections (year, month, ... minute).
    for _ in range(5):
        if not dialog.due_edit.hasFocus():
            break
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
    reached = [dialog.focusWidget()]
    for _ in expected[1:]:
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
        reached.append(dialog.focusWidget())
    assert reached == expected


def test_a_new_follow_up_starts_in_the_zone_last_used_with_the_contact(
    qtbot, make_dialog, db, jane
):
    """A client in Tokyo was last called at Tokyo times: the next follow-up starts there, and the
    rep's own clock shows under Due, so 09:00 in Tokyo is not mistaken for 09:00 in New York."""
    with db.write() as s:
        followups.add(
            s,
            FollowUpDraft(jane, datetime(2026, 11, 20, 9, 0), "Asia/Tokyo"),
            now=at("2026-11-01 08:00"),
        )
    dialog = make_dialog(jane)
    qtbot.waitUntil(lambda: dialog.zone_picker.zone() == "Asia/Tokyo", timeout=5000)
    assert dialog.due_edit.text() == "2026-11-24 09:00"  # the wall time typed is kept
    assert dialog.form.due_note.isVisibleTo(dialog)
    # Tokyo is 14 hours ahead of New York on 24 November.
    assert dialog.form.due_note.text() == "Tue 09:00 in Tokyo · Mon 19:00 here"
    with qtbot.waitSignal(dialog.saved) as saved:
        dialog.ok_button.click()
    with db.read() as s:
        stored = followups.get(s, saved.args[0])
    assert stored.tz == "Asia/Tokyo"
    assert stored.due == datetime(2026, 11, 24, 9, 0, tzinfo=ZoneInfo("Asia/Tokyo"))


def test_the_time_zone_box_takes_a_place_typed_in_any_case(qtbot, make_dialog, db, jane):
    dialog = make_dialog(jane)
    qtbot.waitUntil(lambda: dialog.zone_known)
    assert dialog.zone_picker.zone() == NY  # nothing logged with Jane yet: the rep's zone
    assert not dialog.form.due_note.isVisibleTo(dialog)  # same zone, nothing to compare
    dialog.zone_picker.lineEdit().setText("europe/london")
    dialog.zone_picker.lineEdit().editingFinished.emit()
    assert dialog.zone_picker.zone() == "Europe/London"
    assert dialog.form.due_note.text() == "09:00 in London · 04:00 here"
    dialog.zone_picker.lineEdit().setText("buenos aires")
    dialog.zone_picker.lineEdit().editingFinished.emit()
    assert dialog.zone_picker.zone() == "America/Argentina/Buenos_Aires"
    dialog.zone_picker.lineEdit().setText("Atlantis")  # not a zone: the last good one stays
    dialog.zone_picker.lineEdit().editingFinished.emit()
    assert dialog.zone_picker.zone() == "America/Argentina/Buenos_Aires"
    assert dialog.zone_picker.currentText() == "America/Argentina/Buenos Aires"
    with qtbot.waitSignal(dialog.saved) as saved:
        dialog.ok_button.click()
    with db.read() as s:
        assert followups.get(s, saved.args[0]).tz == "America/Argentina/Buenos_Aires"
