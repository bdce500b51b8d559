"""The contact page shows the keep-in-touch rhythm and last touch; a small dialog sets them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QApplication

from relationship_crm.domain.records import ContactDraft, MeetingDraft
from relationship_crm.services import contacts, health, meetings
from relationship_crm.ui.dialogs.rhythm_dialog import RhythmDialog
from relationship_crm.ui.panels.contact_page import ContactPage

NY = "America/New_York"
TODAY = date(2026, 11, 23)  # the fixed clock's day


@pytest.fixture
def jane(db) -> int:
    with db.write() as s:
        cid = contacts.create(
            s,
            ContactDraft(name="Jane Doe", tags=("Key clients",)),
            now=datetime(2026, 9, 1, tzinfo=UTC),
        ).id
        health.set_tag_rhythm(s, "key clients", 30, 45)
        meetings.log(s, MeetingDraft("Call", datetime(2026, 11, 2, 10), NY, (cid,), "call"))
    return cid


@pytest.fixture
def page(qtbot, ctx, jane, wait_idle) -> ContactPage:
    widget = ContactPage(ctx)
    qtbot.addWidget(widget)
    widget.show()
    widget.show_contact(jane)
    wait_idle()
    return widget


def standing(db, cid: int) -> health.ContactHealth:
    with db.read() as s:
        return health.contact_health(s, cid, on=TODAY, zone=NY)


def open_dialog(qtbot, page: ContactPage, wait_idle) -> RhythmDialog:
    page.rhythm_button.click()
    found = QApplication.topLevelWidgets()
    dialog = next(w for w in found if isinstance(w, RhythmDialog) and w.isVisible())
    qtbot.addWidget(dialog)
    wait_idle()
    return dialog


def test_the_page_shows_the_rhythm_its_source_and_the_last_touch(page):
    assert page.rhythm_label.text() == (
        "Keep in touch: every 30 days (at most 45 days), from tag Key clients"
        " · Last touch: Mon 02 Nov 2026 (21 days ago)"
    )


def test_the_dialog_sets_an_own_rhythm_and_the_page_follows(qtbot, page, jane, db, wait_idle):
    dialog = open_dialog(qtbot, page, wait_idle)
    assert dialog.mode() == "inherit" and dialog.ideal_spin.value() == 30
    assert "from tag Key clients" in dialog.current_label.text()
    dialog.own_radio.setChecked(True)
    dialog.ideal_spin.setValue(14)
    dialog.max_spin.setValue(20)
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    found = standing(db, jane)
    assert (found.rhythm.source, found.rhythm.ideal_days, found.state) == ("contact", 14, "lost")
    qtbot.waitUntil(lambda: "set for this contact; lost" in page.rhythm_label.text())


def test_the_dialog_pauses_and_switches_off(qtbot, page, jane, db, wait_idle):
    dialog = open_dialog(qtbot, page, wait_idle)
    dialog.pause_check.setChecked(True)
    dialog.pause_date.setDate(QDate(2027, 3, 1))
    dialog.reason_edit.setText("parental leave")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    found = standing(db, jane)
    assert (found.state, found.rhythm.source, found.rhythm.pause_reason) == (
        "paused",
        "tag",
        "parental leave",
    )
    qtbot.waitUntil(lambda: "paused until 2027-03-01 (parental leave)" in page.rhythm_label.text())
    dialog = open_dialog(qtbot, page, wait_idle)
    assert dialog.pause_check.isChecked() and dialog.pause_date.date() == QDate(2027, 3, 1)
    dialog.off_radio.setChecked(True)
    dialog.pause_check.setChecked(False)
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert standing(db, jane).state == "off"


def test_ideal_above_max_stays_open_with_one_line(qtbot, page, jane, db, wait_idle):
    dialog = open_dialog(qtbot, page, wait_idle)
    dialog.own_radio.setChecked(True)
    dialog.ideal_spin.setValue(50)
    dialog.max_spin.setValue(40)
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: dialog.error_label.isVisible())
    assert "must not be longer than the maximum" in dialog.error_label.text()
    assert dialog.isVisible()
    assert standing(db, jane).rhythm.source == "tag"  # nothing half-written
    dialog.reject()
