"""The follow-up form both dialogs share: one Repeats table, one set of quick picks."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt

from relationship_crm.domain.records import ContactDraft, FollowUpDraft
from relationship_crm.scheduling.cadences import PRESETS
from relationship_crm.services import contacts, followups
from relationship_crm.ui.dialogs.followup_dialog import FollowUpDialog
from relationship_crm.ui.dialogs.log_meeting import LogMeetingDialog
from relationship_crm.ui.widgets.follow_up_form import CUSTOM_LABEL, FollowUpForm

pytestmark = pytest.mark.gui


def labels(form: FollowUpForm) -> list[str]:
    return [form.cadence_combo.itemText(i) for i in range(form.cadence_combo.count())]


def test_both_dialogs_offer_the_same_repeats(qtbot, ctx, db) -> None:
    with db.write() as s:
        jane = contacts.create(s, ContactDraft(name="Jane Doe")).id
    follow_up = FollowUpDialog(ctx, jane, "Jane Doe")
    log = LogMeetingDialog(ctx)
    for dialog in (follow_up, log):
        qtbot.addWidget(dialog)
        dialog.show()
    presets = [p.label for p in PRESETS]
    assert labels(follow_up.form) == [*presets, CUSTOM_LABEL]
    assert labels(log.follow_up) == presets  # no typed cadence when logging a meeting
    for form in (follow_up.form, log.follow_up):
        form.cadence_combo.setCurrentIndex(form.cadence_combo.findText("Every week"))
        assert form.cadence_words() == "weekly"
        form.cadence_combo.setCurrentIndex(0)
        assert form.cadence_words() == ""
    # The same quick picks, counted from the same clock (Mon 23 Nov 2026, 14:00 in New York).
    log.follow_up_box.setChecked(True)  # unchecked, the meeting's follow-up fields are disabled
    for form in (follow_up.form, log.follow_up):
        qtbot.mouseClick(form.next_monday_button, Qt.MouseButton.LeftButton)
        assert form.due_local() == datetime(2026, 11, 30, 9, 0)
        qtbot.mouseClick(form.two_weeks_button, Qt.MouseButton.LeftButton)
        assert form.due_local() == datetime(2026, 12, 7, 9, 0)


def test_a_month_end_rule_shows_as_its_preset(qtbot, ctx, db) -> None:
    with db.write() as s:
        jane = contacts.create(s, ContactDraft(name="Jane Doe")).id
        fid = followups.add(
            s,
            FollowUpDraft(
                jane, datetime(2026, 12, 31, 9, 0), "America/New_York", cadence="monthly"
            ),
        ).id
        view = followups.get(s, fid)
    assert view.rrule is not None and "BYSETPOS" in view.rrule  # the month-end form
    dialog = FollowUpDialog(ctx, jane, "Jane Doe", view)
    qtbot.addWidget(dialog)
    assert dialog.cadence_combo.currentText() == "Every month"
    assert not dialog.form.is_custom()


def test_the_due_field_names_a_skipped_or_repeated_time(qtbot, ctx, db) -> None:
    with db.write() as s:
        jane = contacts.create(s, ContactDraft(name="Jane Doe")).id
    dialog = FollowUpDialog(ctx, jane, "Jane Doe")
    qtbot.addWidget(dialog)
    dialog.show()
    form = dialog.form
    assert form.zone == "America/New_York"
    form.set_due(datetime(2027, 3, 14, 2, 30))
    assert form.due_note.isVisible()
    assert form.due_note.text() == (
        "02:30 does not exist on 2027-03-14 in America/New_York (clocks go forward); "
        "saved as 03:30 EDT (UTC-4)"
    )
    form.set_due(datetime(2027, 11, 7, 1, 30))
    assert form.due_note.text().startswith("01:30 happens twice on 2027-11-07")
    form.set_due(datetime(2027, 11, 8, 9, 0))
    assert not form.due_note.isVisible() and form.due_note.text() == ""
