"""The Reminders panel lists thank-you notes still unsent two days after their meeting."""

from __future__ import annotations

from datetime import datetime

from relationship_crm.domain.changes import Changes
from relationship_crm.domain.enums import ThanksStatus
from relationship_crm.domain.records import ContactDraft, MeetingDraft
from relationship_crm.services import contacts, meetings, thanks, thanks_drafts
from relationship_crm.ui.panels.reminders_panel import RemindersPanel

NY = "America/New_York"


def lunch(db, names: list[str], when: str, title: str) -> list[int]:
    """Log a lunch on `when` (New York) with new contacts and draft their notes."""
    with db.write() as s:
        ids = tuple(contacts.create(s, ContactDraft(name=n)).id for n in names)
        meeting_id = meetings.log(
            s,
            MeetingDraft(
                title=title,
                starts_local=datetime.strptime(when, "%Y-%m-%d %H:%M"),
                tz=NY,
                attendee_ids=ids,
                kind="lunch",
            ),
        ).id
        return thanks_drafts.draft_for_meeting(s, meeting_id).value


def make_panel(qtbot, ctx) -> RemindersPanel:
    panel = RemindersPanel(ctx)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: panel.loaded and panel.unsent_thanks.loaded)
    return panel


def test_only_notes_two_days_old_are_listed(qtbot, ctx, db):
    # The fixed clock says Monday 23 November 2026, 14:00 in New York.
    old = lunch(db, ["Jane Doe"], "2026-11-20 12:30", "Renewal lunch")
    lunch(db, ["Bob Stone"], "2026-11-22 12:30", "Sunday brunch")
    panel = make_panel(qtbot, ctx)
    box = panel.unsent_thanks
    assert box.isVisible()
    assert box.note_ids() == old
    # The count agrees with the notes window's "To send"; the list has the late ones, dated.
    assert box.title_label.text() == "Thank-you notes to send (2): 1 met 2+ days ago"
    assert box.list.item(0).text() == "20 Nov · Jane Doe · Renewal lunch"
    assert "3 days ago" in box.list.item(0).toolTip()


def test_nothing_to_send_hides_the_box(qtbot, ctx, db):
    lunch(db, ["Bob Stone"], "2026-11-23 12:30", "Today")
    panel = make_panel(qtbot, ctx)
    assert not panel.unsent_thanks.isVisible()


def test_mark_sent_removes_the_note_and_tells_the_app(qtbot, ctx, db, wait_idle):
    (note_id,) = lunch(db, ["Jane Doe"], "2026-11-18 12:30", "Renewal lunch")
    panel = make_panel(qtbot, ctx)
    box = panel.unsent_thanks
    box.list.item(0).setSelected(True)
    with qtbot.waitSignal(ctx.events.changed) as changed:
        box.sent_button.click()
    assert changed.args[0].thanks
    qtbot.waitUntil(lambda: not box.isVisible())
    with db.read() as s:
        assert thanks.get_note(s, note_id).status is ThanksStatus.SENT


def test_a_note_sent_elsewhere_disappears(qtbot, ctx, db, wait_idle):
    (note_id,) = lunch(db, ["Jane Doe"], "2026-11-18 12:30", "Renewal lunch")
    panel = make_panel(qtbot, ctx)
    with db.write() as s:
        thanks.mark_sent(s, [note_id])
    ctx.events.notify(Changes(thanks=True), None)
    qtbot.waitUntil(lambda: not panel.unsent_thanks.isVisible())


def test_open_asks_for_the_note(qtbot, ctx, db):
    (note_id,) = lunch(db, ["Jane Doe"], "2026-11-18 12:30", "Renewal lunch")
    panel = make_panel(qtbot, ctx)
    box = panel.unsent_thanks
    box.list.item(0).setSelected(True)
    with qtbot.waitSignal(box.open_requested) as opened:
        box.open_button.click()
    assert opened.args == [note_id]
