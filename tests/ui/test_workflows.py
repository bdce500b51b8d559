"""The rep's day end to end through the main window on a real temporary database.

Log a meeting with two attendees and a follow-up, see it in the Reminders panel on its day,
complete it, snooze another, add a gift and see the repeat warning, search the list.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from relationship_crm.domain.changes import Changes
from relationship_crm.domain.followups import Bucket
from relationship_crm.domain.records import ContactDraft, FollowUpDraft, GiftDraft
from relationship_crm.paths import AppPaths
from relationship_crm.services import contacts, followups, gifts, meetings
from relationship_crm.ui.dialogs.gift_dialog import GiftDialog
from relationship_crm.ui.dialogs.log_meeting import LogMeetingDialog
from relationship_crm.ui.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def people(db):
    with db.write() as s:
        return {
            "jane": contacts.create(s, ContactDraft(name="Jane Doe", company="Acme")).id,
            "john": contacts.create(s, ContactDraft(name="John Smith", company="Acme")).id,
            "zoe": contacts.create(s, ContactDraft(name="Zoë Ärger", company="Globex")).id,
        }


@pytest.fixture
def window(qtbot, ctx, db, people, wait_idle):
    win = MainWindow(ctx, AppPaths(Path(db.path)))
    qtbot.addWidget(win)
    with qtbot.waitActive(win):
        win.show()
        win.activateWindow()
    wait_idle()
    return win


def modal(qtbot, kind):
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), kind))
    return QApplication.activeModalWidget()


def test_a_reps_day(qtbot, window, ctx, clock, db, people, wait_idle):
    # 1. Ctrl+M, two attendees picked by typing, a follow-up next Monday 09:00.
    qtbot.keyClick(window, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    dialog = modal(qtbot, LogMeetingDialog)
    with qtbot.waitActive(dialog):
        dialog.activateWindow()
    qtbot.keyClicks(dialog.title_edit, "Kick-off")
    for text in ("jane", "smith"):
        before = len(dialog.picker.selected_ids())
        qtbot.keyClicks(dialog.picker.edit, text)
        qtbot.keyClick(dialog.picker.edit, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda before=before: len(dialog.picker.selected_ids()) == before + 1)
    dialog.follow_up_box.setChecked(True)
    qtbot.mouseClick(dialog.next_monday_button, Qt.MouseButton.LeftButton)
    dialog.follow_up_note_edit.setText("Send the proposal")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_idle()
    with db.read() as s:
        (meeting,) = meetings.list_meetings(s)
        assert {a[1] for a in meeting.attendees} == {"Jane Doe", "John Smith"}
        due = followups.list_follow_ups(s)
    assert len(due) == 2 and all(f.due.hour == 9 for f in due)

    # 2. On Monday 30 November the panel shows both under Today.
    panel = window.reminders
    clock.now = datetime(2026, 11, 30, 13, 0, tzinfo=UTC)  # 08:00 in New York
    panel.refresh()
    wait_idle()
    today = panel.model.reminders(Bucket.TODAY)
    assert sorted(r.spec.contact_name for r in today) == ["Jane Doe", "John Smith"]

    # 3. Done on Jane's, snooze John's to 15:00: Jane's leaves, John's moves.
    jane_fu = next(r.spec.id for r in today if r.spec.contact_name == "Jane Doe")
    john_fu = next(r.spec.id for r in today if r.spec.contact_name == "John Smith")
    assert panel.select(jane_fu)
    panel.mark_done()
    wait_idle()
    assert panel.select(john_fu)
    panel.snooze_until(datetime(2026, 11, 30, 20, 0, tzinfo=UTC))
    wait_idle()
    qtbot.waitUntil(lambda: [r.spec.id for r in panel.model.reminders(Bucket.TODAY)] == [john_fu])
    (john_row,) = panel.model.reminders(Bucket.TODAY)
    assert john_row.snoozed and john_row.due.hour == 15
    with db.read() as s:
        assert followups.get(s, jane_fu).status.value == "done"

    # 4. A gift for Zoë, who already had wine: the dialog warns before saving.
    with db.write() as s:
        gifts.add(s, GiftDraft(people["zoe"], "Wine", date(2026, 6, 1), Decimal("40"), "EUR"))
    window.open_contact(people["zoe"])
    wait_idle()
    window.contact_page.gift_button.click()
    gift = modal(qtbot, GiftDialog)
    wait_idle()
    gift.item_edit.setText("red wine")
    qtbot.waitUntil(lambda: gift.repeat_label.isVisible())
    assert "Wine" in gift.repeat_label.text() and "2026-06-01" in gift.repeat_label.text()
    gift.reject()

    # 5. Search the list, accents ignored.
    window.contact_list.focus_search()
    qtbot.keyClicks(window.contact_list.search, "arger")
    qtbot.waitUntil(
        lambda: (
            window.contact_list.model.rowCount() == 1
            and window.contact_list.model.index(0, 0).data() == "Zoë Ärger"
        )
    )


def test_reminders_follow_changes_made_elsewhere(qtbot, window, ctx, db, people, wait_idle):
    # The command line (or another window) adds a follow-up; a change notification refreshes.
    with db.write() as s:
        followups.add(
            s, FollowUpDraft(people["zoe"], datetime(2026, 11, 23, 16, 0), "America/New_York")
        )
    ctx.events.notify(Changes(follow_ups=True))
    wait_idle()
    qtbot.waitUntil(lambda: len(window.reminders.model.reminders(Bucket.TODAY)) == 1)
