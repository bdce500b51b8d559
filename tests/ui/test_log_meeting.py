"""The log-meeting dialog and its contact picker, on the real temp database through the runner."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from relationship_crm.domain.changes import Changes
from relationship_crm.domain.enums import MeetingKind
from relationship_crm.domain.records import ContactDraft, FollowUpDraft
from relationship_crm.services import contacts, followups, meetings, research, thanks, thanks_drafts
from relationship_crm.ui.dialogs.log_meeting import LogMeetingDialog, round_down_to_quarter
from relationship_crm.ui.widgets.contact_picker import ContactPicker
from relationship_crm.ui.widgets.wall_clock import set_wall_clock, wall_clock

NY = ZoneInfo("America/New_York")

pytestmark = pytest.mark.gui


@pytest.fixture
def people(db) -> dict[str, int]:
    with db.write() as s:
        return {
            "jane": contacts.create(s, ContactDraft(name="Jane Doe", company="Acme")).id,
            "john": contacts.create(s, ContactDraft(name="John Smith", company="Globex")).id,
        }


@pytest.fixture
def open_dialog(qtbot, ctx):
    def open_(**kwargs) -> LogMeetingDialog:
        dialog = LogMeetingDialog(ctx, **kwargs)
        qtbot.addWidget(dialog)
        with qtbot.waitActive(dialog):  # focus and shortcuts need the active window
            dialog.show()
            dialog.activateWindow()
        return dialog

    return open_


def pick(qtbot, picker: ContactPicker, text: str) -> None:
    """Type into the picker and press Return, as a rep would; waits until the contact is added."""
    before = len(picker.selected_ids())
    qtbot.keyClicks(picker.edit, text)
    qtbot.keyClick(picker.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(picker.selected_ids()) == before + 1)


def saved_everything(db) -> tuple[list, list]:
    with db.read() as s:
        return meetings.list_meetings(s), followups.list_follow_ups(s)


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def test_logging_a_meeting_writes_meeting_follow_ups_and_drafts(
    qtbot, ctx, db, people, open_dialog, wait_idle
):
    dialog = open_dialog()
    qtbot.keyClicks(dialog.title_edit, "Kick-off")
    pick(qtbot, dialog.picker, "jane")
    pick(qtbot, dialog.picker, "smith")
    assert dialog.picker.selected() == [
        (people["jane"], "Jane Doe"),
        (people["john"], "John Smith"),
    ]
    dialog.location_edit.setText("Acme HQ")
    dialog.notes_edit.setPlainText("Agreed on a pilot.")
    dialog.research_edit.setPlainText("Opening an office in Lyon.")
    dialog.follow_up_box.setChecked(True)
    qtbot.mouseClick(dialog.next_monday_button, Qt.MouseButton.LeftButton)
    assert wall_clock(dialog.follow_up_due_edit) == datetime(2026, 11, 30, 9, 0)
    dialog.cadence_combo.setCurrentIndex(dialog.cadence_combo.findText("Every 2 weeks"))
    dialog.follow_up_note_edit.setText("Send the proposal")

    with (
        qtbot.waitSignal(ctx.events.changed) as changed,
        qtbot.waitSignal(dialog.meeting_logged) as logged,
    ):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_idle()

    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.isVisible()
    assert changed.args == [
        Changes(meetings=True, follow_ups=True, thanks=True, research=True),
        dialog,
    ]
    meeting_id = logged.args[0]
    with db.read() as s:
        meeting = meetings.get(s, meeting_id)
        follow_ups = followups.list_follow_ups(s)
        notes = thanks.list_notes(s, meeting_id=meeting_id)
        research_notes = research.list_notes(s, meeting_id=meeting_id)
    assert meeting.title == "Kick-off"
    assert meeting.kind is MeetingKind.MEETING
    assert meeting.starts_at == datetime(2026, 11, 23, 14, 0, tzinfo=NY)  # now, New York time
    assert meeting.duration_minutes == 60 and meeting.location == "Acme HQ"
    assert meeting.notes == "Agreed on a pilot."
    assert {a for a, _name in meeting.attendees} == {people["jane"], people["john"]}
    assert [r.text for r in research_notes] == ["Opening an office in Lyon."]

    assert sorted(f.contact_id for f in follow_ups) == sorted(people.values())
    for follow_up in follow_ups:
        assert follow_up.due == datetime(2026, 11, 30, 9, 0, tzinfo=NY)
        assert (
            follow_up.due.utcoffset()
            == datetime(2026, 11, 30, 14, tzinfo=UTC).astimezone(NY).utcoffset()
        )
        assert follow_up.tz == "America/New_York"
        assert follow_up.meeting_id == meeting_id
        assert follow_up.rrule == "FREQ=WEEKLY;INTERVAL=2"
        assert follow_up.note == "Send the proposal"

    assert sorted(n.contact_id for n in notes) == sorted(people.values())
    assert all(n.body.startswith("Dear ") and "Kick-off" in n.body for n in notes)
    with db.write() as s:
        assert thanks_drafts.draft_for_meeting(s, meeting_id).value == []


def test_no_attendees_shows_the_error_and_writes_nothing(qtbot, db, people, open_dialog, runner):
    dialog = open_dialog()
    qtbot.keyClicks(dialog.title_edit, "Kick-off")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    assert dialog.isVisible()
    assert dialog.error_label.isVisible()
    assert "attendee" in dialog.error_label.text()
    assert dialog.picker.edit.hasFocus()
    assert dialog.title_edit.text() == "Kick-off"  # input intact
    assert runner.idle
    assert saved_everything(db) == ([], [])


def test_no_title_focuses_the_title(qtbot, db, people, open_dialog, runner):
    dialog = open_dialog(attendees=[(people["jane"], "Jane Doe")])
    qtbot.keyClick(dialog.title_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    assert dialog.isVisible() and dialog.error_label.isVisible()
    assert "title" in dialog.error_label.text()
    assert dialog.title_edit.hasFocus()
    qtbot.waitUntil(lambda: runner.idle)  # only the attendee's usual zone was read
    assert saved_everything(db) == ([], [])
    qtbot.keyClicks(dialog.title_edit, "K")
    assert not dialog.error_label.isVisible()  # typing clears the message


def test_text_typed_but_not_added_is_not_silently_dropped(qtbot, db, people, open_dialog):
    dialog = open_dialog(attendees=[(people["jane"], "Jane Doe")])
    qtbot.keyClicks(dialog.title_edit, "Kick-off")
    dialog.picker.edit.setText("john")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "“john” is not an attendee yet" in dialog.error_label.text()
    assert saved_everything(db) == ([], [])


def test_a_known_error_keeps_the_dialog_open_and_saves_nothing(
    qtbot, ctx, db, people, open_dialog, wait_idle
):
    dialog = open_dialog()
    qtbot.keyClicks(dialog.title_edit, "Kick-off")
    pick(qtbot, dialog.picker, "jane")
    pick(qtbot, dialog.picker, "john")
    dialog.follow_up_box.setChecked(True)
    with db.write() as s:  # someone deletes John while the dialog is open
        contacts.trash(s, people["john"])

    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_idle()

    assert dialog.isVisible()
    assert dialog.error_label.text() == f"Not saved: no contact with id {people['john']}"
    assert dialog.ok_button.isEnabled()
    assert dialog.title_edit.text() == "Kick-off"
    assert dialog.picker.selected_ids() == [people["jane"], people["john"]]
    assert saved_everything(db) == ([], [])  # all or nothing


def test_creating_a_contact_inline_from_the_picker(qtbot, ctx, db, people, open_dialog, wait_idle):
    dialog = open_dialog()
    picker = dialog.picker
    qtbot.keyClicks(picker.edit, "Zoe Quinn")
    qtbot.waitUntil(lambda: picker.suggestions.isVisible())
    assert picker.suggestion_texts() == ["Create new contact “Zoe Quinn”"]

    with qtbot.waitSignal(ctx.events.changed) as changed:
        qtbot.keyClick(picker.edit, Qt.Key.Key_Return)
    wait_idle()

    assert changed.args[0].contacts
    (created,) = picker.selected()
    assert created[1] == "Zoe Quinn"
    assert picker.edit.text() == "" and not picker.suggestions.isVisible()
    with db.read() as s:
        assert contacts.get(s, created[0]).name == "Zoe Quinn"


def test_keyboard_only(qtbot, ctx, db, people, open_dialog, wait_idle):
    dialog = open_dialog()
    qtbot.waitUntil(lambda: dialog.title_edit.hasFocus())

    def press(key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
        qtbot.keyClick(focused(), key, modifier)

    qtbot.keyClicks(focused(), "Pipeline review")
    press(Qt.Key.Key_Tab)
    assert focused() is dialog.kind_combo
    press(Qt.Key.Key_Down)  # Call: a 30-minute default and no thank-you by default
    assert (dialog.duration_spin.value(), dialog.thanks_check.isChecked()) == (30, False)
    press(Qt.Key.Key_Down)  # Lunch
    assert (dialog.duration_spin.value(), dialog.thanks_check.isChecked()) == (60, True)
    press(Qt.Key.Key_Tab)
    assert focused() is dialog.when_edit
    press(Qt.Key.Key_Tab)  # one Tab leaves the date and time
    assert focused() is dialog.duration_spin
    press(Qt.Key.Key_Tab)
    assert focused() is dialog.zone_picker
    press(Qt.Key.Key_Tab)
    assert focused() is dialog.location_edit
    qtbot.keyClicks(focused(), "Cafe Rio")
    press(Qt.Key.Key_Tab)
    assert focused() is dialog.picker.edit
    qtbot.keyClicks(focused(), "jane")
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.picker.selected_ids() == [people["jane"]])
    assert dialog.isVisible()  # Return added the attendee; it did not save
    press(Qt.Key.Key_Tab)
    assert focused() is dialog.notes_edit
    qtbot.keyClicks(focused(), "Wants a pilot")
    press(Qt.Key.Key_Tab)
    assert focused() is dialog.research_edit
    press(Qt.Key.Key_Tab)
    assert focused() is dialog.follow_up_box
    press(Qt.Key.Key_Space)
    assert dialog.follow_up_box.isChecked()
    press(Qt.Key.Key_Tab)
    assert focused() is dialog.follow_up_due_edit
    press(Qt.Key.Key_Tab)
    assert focused() is dialog.tomorrow_button
    press(Qt.Key.Key_Space)
    assert wall_clock(dialog.follow_up_due_edit) == datetime(2026, 11, 24, 9, 0)

    with qtbot.waitSignal(dialog.meeting_logged) as logged:
        press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_idle()

    with db.read() as s:
        meeting = meetings.get(s, logged.args[0])
        (follow_up,) = followups.list_follow_ups(s)
        (note,) = thanks.list_notes(s)
    assert (meeting.title, meeting.kind, meeting.location) == (
        "Pipeline review",
        MeetingKind.LUNCH,
        "Cafe Rio",
    )
    assert meeting.notes == "Wants a pilot"
    assert follow_up.due == datetime(2026, 11, 24, 9, 0, tzinfo=NY)
    assert follow_up.meeting_id == meeting.id and follow_up.rrule is None
    assert "for lunch" in note.body


def test_escape_closes_the_suggestions_first_then_cancels(qtbot, db, people, open_dialog):
    dialog = open_dialog()
    qtbot.keyClicks(dialog.picker.edit, "ja")
    qtbot.waitUntil(lambda: dialog.picker.suggestions.isVisible())
    qtbot.keyClick(dialog.picker.edit, Qt.Key.Key_Escape)
    assert not dialog.picker.suggestions.isVisible() and dialog.isVisible()
    qtbot.keyClick(dialog.picker.edit, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected and not dialog.isVisible()
    assert saved_everything(db) == ([], [])


def test_picker_keys_choose_and_remove(qtbot, db, people, open_dialog):
    dialog = open_dialog()
    picker = dialog.picker
    qtbot.keyClicks(picker.edit, "o")  # Jane Doe, John Smith and "Create new contact"
    qtbot.waitUntil(lambda: picker.suggestions.isVisible() and picker.suggestions.count() == 3)
    assert picker.suggestion_texts()[-1] == "Create new contact “o”"
    qtbot.keyClick(picker.edit, Qt.Key.Key_Down)
    second = picker.suggestions.item(1).text().split("  —  ")[0]
    qtbot.keyClick(picker.edit, Qt.Key.Key_Return)
    assert [name for _id, name in picker.selected()] == [second]

    pick(qtbot, picker, "jane" if second != "Jane Doe" else "john")
    assert len(picker.selected_ids()) == 2
    with qtbot.waitSignal(picker.selection_changed):
        qtbot.keyClick(picker.edit, Qt.Key.Key_Backspace)  # empty text: removes the last one
    assert [name for _id, name in picker.selected()] == [second]
    qtbot.mouseClick(
        picker._chips[picker.selected_ids()[0]].remove_button, Qt.MouseButton.LeftButton
    )
    assert picker.selected_ids() == []


def test_picker_drops_results_for_text_typed_over(qtbot, ctx, people, wait_idle):
    picker = ContactPicker(ctx)
    qtbot.addWidget(picker)
    picker.show()
    shown: list[str] = []
    picker.suggestions.model().rowsInserted.connect(
        lambda _parent, first, _last: shown.append(picker.suggestions.item(first).text())
    )
    qtbot.keyClicks(picker.edit, "jane")
    qtbot.keyClick(picker.edit, Qt.Key.Key_Down)  # searches "jane" at once...
    for _ in range(4):
        qtbot.keyClick(picker.edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(picker.edit, "john")  # ...but the rep has moved on before it answers
    qtbot.waitUntil(lambda: picker.suggestions.isVisible())
    wait_idle()
    assert not any(text.startswith("Jane") for text in shown)
    assert picker.suggestion_texts()[0] == "John Smith  —  Globex"


def test_a_contact_page_prefills_its_contact(qtbot, ctx, db, people, open_dialog, wait_idle):
    dialog = open_dialog(attendees=[(people["john"], "John Smith")])
    assert dialog.picker.selected_ids() == [people["john"]]
    qtbot.keyClicks(dialog.title_edit, "Check-in call")
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData(MeetingKind.CALL))
    with qtbot.waitSignal(ctx.events.changed) as changed:
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_idle()
    assert changed.args[0] == Changes(meetings=True)  # a call drafts no thank-you by default
    with db.read() as s:
        (meeting,) = meetings.list_meetings(s)
        assert thanks.list_notes(s) == []
    assert meeting.attendees == ((people["john"], "John Smith"),)
    assert meeting.duration_minutes == 30


def test_follow_up_for_the_first_attendee_only(qtbot, db, people, open_dialog, wait_idle):
    dialog = open_dialog(attendees=[(people["john"], "John Smith"), (people["jane"], "Jane Doe")])
    qtbot.keyClicks(dialog.title_edit, "Demo")
    dialog.follow_up_box.setChecked(True)
    qtbot.mouseClick(dialog.two_weeks_button, Qt.MouseButton.LeftButton)
    dialog.scope_combo.setCurrentIndex(1)
    dialog.thanks_check.setChecked(False)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_idle()
    with db.read() as s:
        (follow_up,) = followups.list_follow_ups(s)
        assert thanks.list_notes(s) == []
    assert follow_up.contact_id == people["john"]
    assert follow_up.due == datetime(2026, 12, 7, 9, 0, tzinfo=NY)


@pytest.mark.parametrize(
    "utc_now, shown",
    [
        (datetime(2026, 11, 23, 19, 7, tzinfo=UTC), datetime(2026, 11, 23, 14, 0)),
        (datetime(2026, 11, 23, 19, 8, tzinfo=UTC), datetime(2026, 11, 23, 14, 0)),
        (datetime(2026, 11, 23, 19, 59, tzinfo=UTC), datetime(2026, 11, 23, 14, 45)),
        (datetime(2026, 11, 24, 4, 53, tzinfo=UTC), datetime(2026, 11, 23, 23, 45)),  # 23:53
    ],
)
def test_starts_now_rounded_down_to_the_quarter_hour_in_the_reps_zone(
    qtbot, ctx, clock, open_dialog, utc_now, shown
):
    clock.now = utc_now
    dialog = open_dialog()
    assert wall_clock(dialog.when_edit) == shown
    assert dialog.when_edit.displayFormat() == "yyyy-MM-dd HH:mm"
    assert dialog.when_edit.text() == shown.strftime("%Y-%m-%d %H:%M")


@given(minutes=st.integers(min_value=0, max_value=60 * 24 * 366))
def test_the_default_start_is_never_in_the_future(minutes):
    """A meeting being logged has happened: its default start is now or up to 14 minutes ago."""
    now = datetime(2026, 1, 1, 0, 0, 30, 123) + timedelta(minutes=minutes)
    start = round_down_to_quarter(now)
    assert start <= now and now - start < timedelta(minutes=15)
    assert start.minute % 15 == 0 and start.second == 0 and start.microsecond == 0


def test_a_meeting_with_a_london_client_is_logged_at_london_times(
    qtbot, ctx, db, people, open_dialog, wait_idle
):
    """Jane's last follow-up was set in London: Log meeting from her page starts in London, shows
    the rep's own clock beside the start, and the meeting and its follow-up are stored in London."""
    with db.write() as s:
        followups.add(
            s,
            FollowUpDraft(people["jane"], datetime(2026, 11, 20, 9, 0), "Europe/London"),
            now=datetime(2026, 11, 1, tzinfo=UTC),
        )
    dialog = open_dialog(attendees=[(people["jane"], "Jane Doe")])
    qtbot.waitUntil(lambda: dialog.zone_picker.zone() == "Europe/London", timeout=5000)
    dialog.title_edit.setText("Lunch")
    set_wall_clock(dialog.when_edit, datetime(2026, 11, 23, 12, 30))
    assert dialog.when_note.text() == "12:30 in London · 07:30 here"
    dialog.follow_up_box.setChecked(True)
    qtbot.mouseClick(dialog.tomorrow_button, Qt.MouseButton.LeftButton)
    assert dialog.follow_up.zone == "Europe/London"
    assert dialog.follow_up.due_note.text() == "09:00 in London · 04:00 here"
    with qtbot.waitSignal(dialog.meeting_logged) as logged:
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_idle()
    with db.read() as s:
        meeting = meetings.get(s, logged.args[0])
        (follow_up,) = [
            f
            for f in followups.list_follow_ups(s, contact_id=people["jane"])
            if f.meeting_id == logged.args[0]
        ]
    london = ZoneInfo("Europe/London")
    assert meeting.tz == "Europe/London"
    assert meeting.starts_at == datetime(2026, 11, 23, 12, 30, tzinfo=london)
    assert follow_up.tz == "Europe/London"
    assert follow_up.due.replace(tzinfo=None).hour == 9


def test_the_rep_can_log_a_meeting_in_another_zone_by_hand(qtbot, db, people, open_dialog):
    dialog = open_dialog()
    assert dialog.zone_picker.zone() == "America/New_York"
    assert not dialog.when_note.isVisibleTo(dialog)  # the rep's own zone: nothing to compare
    assert wall_clock(dialog.when_edit) == datetime(2026, 11, 23, 14, 0)  # now, in New York
    dialog.zone_picker.set_zone("Asia/Kolkata")
    assert dialog.follow_up.zone == "Asia/Kolkata"
    # The suggested start stays "now": 14:00 in New York is 00:30 the next day in Kolkata.
    assert wall_clock(dialog.when_edit) == datetime(2026, 11, 24, 0, 30)
    assert dialog.when_note.text() == "Tue 00:30 in Kolkata · Mon 14:00 here"
    # A time the rep typed is theirs: another zone keeps it as typed.
    set_wall_clock(dialog.when_edit, datetime(2026, 11, 23, 9, 0))
    dialog.zone_picker.set_zone("Europe/London")
    assert wall_clock(dialog.when_edit) == datetime(2026, 11, 23, 9, 0)
    assert dialog.when_note.text() == "09:00 in London · 04:00 here"
