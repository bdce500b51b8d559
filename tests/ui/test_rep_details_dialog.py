"""The rep's details dialog: loads the stored settings, saves them all at once, Automatic."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from relationship_crm.domain.changes import Changes
from relationship_crm.services import settings
from relationship_crm.ui.dialogs.rep_details_dialog import KEYS, REGION_KEYS, RepDetailsDialog

pytestmark = pytest.mark.gui

DETAILS = {
    "rep_name": "Sam Seller",
    "rep_title": "Account Executive",
    "rep_company": "Northwind Traders",
    "rep_address": "1 Main St, Springfield, IL 62701",
    "rep_phone": "+1 217 555 0100",
    "rep_email": "sam@northwind.example",
    "signature": "Warm regards, Sam",
}


@pytest.fixture
def open_dialog(qtbot, ctx, wait_idle):
    def open_() -> RepDetailsDialog:
        dialog = RepDetailsDialog(ctx)
        qtbot.addWidget(dialog)
        with qtbot.waitActive(dialog):
            dialog.show()
            dialog.activateWindow()
        wait_idle()  # the stored settings are shown
        return dialog

    return open_


def stored(db) -> dict[str, str | None]:
    with db.read() as s:
        return {key: settings.get(s, key) for key in KEYS}


def combo_texts(combo) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count())]


def test_shows_the_stored_details_and_choices(db, open_dialog):
    with db.write() as s:
        for key, value in DETAILS.items():
            settings.put(s, key, value)
        settings.put(s, "page_size", "a6")
    dialog = open_dialog()
    assert dialog.windowTitle() == "Settings"
    assert "letterhead" in dialog.intro_label.text()
    assert "{{placeholders}}" in dialog.intro_label.text()
    assert {key: edit.text() for key, edit in dialog.line_edits.items()} == DETAILS
    assert dialog.save_button.isEnabled()
    assert dialog.page_size_combo.currentData() == "a6"
    assert dialog.page_size_combo.currentText() == "A6 card"
    assert dialog.date_style_combo.currentData() == ""  # Automatic: no setting stored


def test_empty_fields_show_what_they_are_for(open_dialog):
    dialog = open_dialog()
    assert all(edit.text() == "" for edit in dialog.line_edits.values())
    assert dialog.name_edit.placeholderText() == "Your name, for letters and notes"
    assert dialog.signature_edit.placeholderText() == "How you sign notes (default: your name)"


def test_the_choices_say_what_automatic_gives(open_dialog):
    dialog = open_dialog()  # the zone is New York: US dates and Letter paper by default
    assert combo_texts(dialog.date_style_combo) == [
        "Automatic (US: November 23, 2026)",
        "US: November 23, 2026",
        "International: 23 November 2026",
    ]
    assert combo_texts(dialog.page_size_combo) == [
        "Automatic (US Letter)",
        "A4",
        "US Letter",
        "A6 card",
        "Note card 4.25 × 5.5 in",
    ]
    # Automatic paper follows the date style chosen here.
    dialog.set_choice("date_style", "international")
    assert dialog.page_size_combo.itemText(0) == "Automatic (A4)"
    dialog.set_choice("date_style", "")
    assert dialog.page_size_combo.itemText(0) == "Automatic (US Letter)"


def test_saving_stores_every_field_in_one_go(qtbot, ctx, db, open_dialog, wait_idle):
    dialog = open_dialog()
    for key, value in DETAILS.items():
        dialog.line_edits[key].setText(value)
    dialog.set_choice("date_style", "international")
    dialog.set_choice("page_size", "card")

    with (
        qtbot.waitSignal(ctx.events.changed) as changed,
        qtbot.waitSignal(dialog.details_saved),
    ):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    wait_idle()
    assert changed.args == [Changes(settings=True), dialog]
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert stored(db) == DETAILS | {"date_style": "international", "page_size": "card"} | (
        dict.fromkeys(REGION_KEYS)  # untouched: still automatic
    )


def test_automatic_and_empty_fields_remove_the_settings(qtbot, db, open_dialog, wait_idle):
    with db.write() as s:
        settings.put(s, "page_size", "a6")
        settings.put(s, "date_style", "international")
        settings.put(s, "rep_title", "Account Executive")
        settings.put(s, "rep_name", "Sam Seller")
    dialog = open_dialog()
    dialog.set_choice("page_size", "")
    dialog.set_choice("date_style", "")
    dialog.title_edit.clear()
    dialog.name_edit.setText("  Samantha Seller  ")
    with qtbot.waitSignal(dialog.details_saved):
        qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)  # Return saves
    wait_idle()
    assert stored(db) == dict.fromkeys(KEYS) | {"rep_name": "Samantha Seller"}
    with db.read() as s:  # the defaults apply again
        assert settings.date_style(s) == "us"
        assert settings.page_size(s) == "letter"


def test_a_refused_value_is_shown_and_nothing_is_stored(qtbot, db, open_dialog, runner, wait_idle):
    dialog = open_dialog()
    dialog.name_edit.setText("Sam Seller")
    # A paper size the service does not accept (one a newer version stored, say).
    dialog.set_choice("page_size", "a5")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    wait_idle()

    assert dialog.isVisible() and dialog.result() == 0
    assert dialog.error_label.isVisible()
    assert dialog.error_label.text() == (
        "Not saved: page_size must be one of: a4, letter, a6, card (not 'a5')"
    )
    assert dialog.page_size_combo.hasFocus()
    assert dialog.name_edit.text() == "Sam Seller"  # the input is kept
    assert dialog.save_button.isEnabled()
    assert stored(db) == dict.fromkeys(KEYS)  # one transaction: not even the name

    dialog.set_choice("page_size", "a4")
    with qtbot.waitSignal(dialog.details_saved):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    wait_idle()
    assert stored(db)["rep_name"] == "Sam Seller" and stored(db)["page_size"] == "a4"


def test_cancel_stores_nothing(qtbot, db, open_dialog):
    dialog = open_dialog()
    dialog.name_edit.setText("Sam Seller")
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert stored(db)["rep_name"] is None


def test_address_and_signature_keep_their_line_breaks(qtbot, db, open_dialog, wait_idle):
    with db.write() as s:
        settings.put(s, "rep_address", "1 Main St\nSpringfield IL 62701")
    dialog = open_dialog()
    assert dialog.address_edit.text() == "1 Main St\nSpringfield IL 62701"  # shown as two lines
    dialog.signature_edit.setText("Warm regards,\nSam")
    dialog.address_edit.setText("1 Main St\nSuite 4\nSpringfield IL 62701")
    with qtbot.waitSignal(dialog.details_saved):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    wait_idle()
    assert stored(db)["rep_address"] == "1 Main St\nSuite 4\nSpringfield IL 62701"
    assert stored(db)["signature"] == "Warm regards,\nSam"


def test_the_region_page_sets_zone_currency_and_phone_country(qtbot, ctx, db, open_dialog):
    dialog = open_dialog()
    dialog.show_page("region")
    assert dialog.follow_system_check.isChecked()  # nothing stored: the computer's zone
    assert not dialog.zone_picker.isEnabled()
    assert dialog.currency_combo.currentText() == "Automatic (USD)"
    assert dialog.phone_region_combo.currentData() == ""
    dialog.follow_system_check.setChecked(False)
    assert dialog.zone_picker.isEnabled()
    dialog.zone_picker.set_zone("Europe/London")
    dialog.set_choice("currency", "GBP")
    dialog.set_choice("phone_region", "GB")
    assert dialog.phone_region_combo.currentText() == "GB (+44)"
    dialog.budget_edit.setText("2500 gbp")
    with qtbot.waitSignal(dialog.details_saved):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    with db.read() as s:
        assert settings.zone(s) == "Europe/London"
        assert settings.currency(s) == "GBP"
        assert settings.get(s, "phone_region") == "GB"
        assert settings.get(s, "gift_budget") == "2500 GBP"  # the dashboard's budget line
        # The date style follows the zone while it is automatic: notes now say "3 December".
        assert settings.date_style(s) == "international"


def test_following_the_computer_again_removes_the_zone_setting(qtbot, db, open_dialog):
    with db.write() as s:
        settings.put(s, "timezone", "Asia/Tokyo")
        settings.put(s, "currency", "JPY")
    dialog = open_dialog()
    assert not dialog.follow_system_check.isChecked()
    assert dialog.zone_picker.zone() == "Asia/Tokyo" and dialog.zone_picker.isEnabled()
    assert dialog.currency_combo.currentData() == "JPY"
    dialog.follow_system_check.setChecked(True)
    dialog.set_choice("currency", "")
    with qtbot.waitSignal(dialog.details_saved):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    with db.read() as s:
        assert settings.get(s, "timezone") is None
        assert settings.get(s, "currency") is None


def test_a_bad_gift_budget_is_shown_on_its_page_and_nothing_is_stored(qtbot, db, open_dialog):
    dialog = open_dialog()
    dialog.set_choice("currency", "EUR")
    dialog.budget_edit.setText("lots")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.error_label.isVisible)
    assert "gift_budget" in dialog.error_label.text()
    assert dialog.tabs.currentIndex() == 1 and dialog.budget_edit.hasFocus()
    with db.read() as s:
        assert settings.get(s, "currency") is None  # one transaction: nothing stored
