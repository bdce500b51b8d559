"""The Companies window: the list with contact counts, one company's page, and the corrections
(rename, website and notes, merge, delete) a rep makes there."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QApplication

from relationship_crm.domain.records import ContactDraft
from relationship_crm.paths import AppPaths
from relationship_crm.services import companies, contacts, research
from relationship_crm.services import trigger_events as events
from relationship_crm.ui.dialogs.companies_window import EMPTY_TEXT, CompaniesWindow
from relationship_crm.ui.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def data(db) -> dict[str, int]:
    with db.write() as s:
        ids = {
            key: contacts.create(s, ContactDraft(name=name, company=company, title=title)).id
            for key, name, company, title in (
                ("ann", "Ann Archer", "Acme", "CFO"),
                ("bob", "Bob Baker", "Acme", ""),
                ("tom", "Tom Trashed", "Acme Inc", ""),
                ("dan", "Dan Dale", "Acme Inc", ""),
                ("cy", "Cy Clark", "Globex", ""),
            )
        }
        contacts.trash(s, ids["tom"])
        for key, person in (("acme", "ann"), ("acme_inc", "dan"), ("globex", "cy")):
            ids[key] = contacts.get(s, ids[person]).company_id or 0
        research.add(s, "Opening an office in Lyon", company_id=ids["acme_inc"])
        events.add(
            s,
            events.TriggerEventDraft(
                "funding", date(2026, 11, 20), "Series B", company_id=ids["acme_inc"]
            ),
        )
    return ids


@pytest.fixture
def open_window(qtbot, ctx, wait_idle):
    def open_() -> CompaniesWindow:
        window = CompaniesWindow(ctx)
        # Closing after the test must not stop at the unsaved-changes question.
        qtbot.addWidget(window, before_close_func=discard_on_close)
        window.show()
        wait_idle()
        return window

    return open_


def discard_on_close(window: CompaniesWindow) -> None:
    window.ask_unsaved = lambda _name: "discard"


def choose(window: CompaniesWindow, company_id: int, wait_idle) -> None:
    assert window.select_company(company_id) or window.current_id() == company_id
    wait_idle()


def listed(db) -> list[tuple[str, int]]:
    with db.read() as s:
        return [(c.name, c.contact_count) for c in companies.list_companies(s)]


def company_of(db, contact_id: int) -> str:
    with db.read() as s:
        return contacts.get(s, contact_id).company


def test_the_list_shows_each_company_with_its_live_contacts(open_window, data):
    window = open_window()
    assert window.rows() == [("Acme", "2"), ("Acme Inc", "1"), ("Globex", "1")]
    assert window.current_id() is None
    assert window.page_stack.currentWidget() is window.no_choice_label
    window.filter_edit.setText("inc")
    assert window.rows() == [("Acme Inc", "1")]
    window.filter_edit.setText("zzz")
    assert window.rows() == [] and window.list_stack.currentWidget() is window.empty_label
    assert window.empty_label.text() == "No company name contains “zzz”."


def test_an_empty_database_says_how_companies_come(open_window, db):
    window = open_window()
    assert window.rows() == []
    assert window.empty_label.text() == EMPTY_TEXT
    assert window.empty_label.isVisibleTo(window)
    assert not window.page_stack.isVisibleTo(window)


def test_selecting_a_company_shows_its_page(open_window, data, wait_idle):
    window = open_window()
    choose(window, data["acme_inc"], wait_idle)
    assert window.title_label.text() == "Acme Inc"
    assert window.name_edit.text() == "Acme Inc" and not window.name_edit.isReadOnly()
    assert window.contacts_shown() == ["Dan Dale"]  # not Tom, in the trash
    [note] = window.research_shown()
    assert note.endswith("Opening an office in Lyon")
    assert window.page.research_label.text() == "&Research notes (1)"
    assert window.delete_button.isEnabled() and window.merge_button.isEnabled()
    assert not window.save_button.isEnabled()  # nothing edited
    choose(window, data["acme"], wait_idle)
    assert window.contacts_shown() == ["Ann Archer, CFO", "Bob Baker"]
    assert window.research_shown() == []


def test_double_clicking_a_contact_opens_it_in_the_main_window(
    open_window, data, ctx, wait_idle, qtbot
):
    window = open_window()
    choose(window, data["acme"], wait_idle)
    with qtbot.waitSignal(ctx.events.contact_opened) as opened:
        window.contacts_list.itemActivated.emit(window.contacts_list.item(1))
    assert opened.args == [data["bob"]]


def test_a_rename_saves_and_the_list_and_contacts_follow(open_window, data, db, wait_idle, ctx):
    seen: list[object] = []
    ctx.events.changed.connect(lambda changes, _who: seen.append(changes))
    window = open_window()
    choose(window, data["acme"], wait_idle)
    window.name_edit.setText("Acme Corporation")
    window.website_edit.setText("acme.example")
    assert window.save_button.isEnabled() and window.revert_button.isEnabled()
    window.save_button.click()
    wait_idle()
    wait_idle()
    assert window.rows()[0] == ("Acme Corporation", "2")
    assert window.current_id() == data["acme"]
    assert window.name_edit.text() == "Acme Corporation" and not window.is_dirty()
    assert window.done_label.text() == "Saved."
    assert company_of(db, data["ann"]) == "Acme Corporation"
    with db.read() as s:
        assert companies.get(s, data["acme"]).website == "acme.example"
    assert any(c.contacts and c.companies for c in seen)  # the contact list reloads


def test_a_rename_into_another_companys_name_is_one_line_and_offers_the_merge(
    open_window, data, db, wait_idle
):
    window = open_window()
    choose(window, data["acme_inc"], wait_idle)
    window.name_edit.setText("acme")
    window.notes_edit.setPlainText("Lyon office")
    window.save()
    wait_idle()
    message = window.error_label.text()
    assert window.error_label.isVisibleTo(window)
    assert message.startswith("Not saved: company #") and "already named 'Acme'" in message
    assert "\n" not in message and "Traceback" not in message
    assert "company merge" not in message  # the command line's hint, not the app's
    assert listed(db) == [("Acme", 2), ("Acme Inc", 1), ("Globex", 1)]
    with db.read() as s:
        assert companies.get(s, data["acme_inc"]).notes == ""  # nothing of the save was kept
    assert window.is_dirty()  # the typing stays to correct
    offer = window.merge_offer_button
    assert offer.isVisibleTo(window) and offer.text() == "Merge into “Acme”…"
    asked: list[str] = []
    window.confirm = lambda _title, text, _action: asked.append(text) or True
    offer.click()
    wait_idle()
    wait_idle()
    wait_idle()
    assert asked == [
        "Merge “Acme Inc” into “Acme”?\n\nIts 2 contacts (1 in the trash), 1 research note and "
        "1 trigger event will be moved to “Acme”, and “Acme Inc” will be deleted. "
        "This cannot be undone."
    ]
    assert window.rows() == [("Acme", "3"), ("Globex", "1")]
    assert window.current_id() == data["acme"] and window.contacts_shown()[-1] == "Dan Dale"
    assert company_of(db, data["dan"]) == "Acme"


def test_merge_into_moves_the_people_and_the_merged_company_goes(open_window, data, db, wait_idle):
    window = open_window()
    choose(window, data["acme_inc"], wait_idle)
    offered: list[list[tuple[int, str]]] = []

    def keep_acme(name: str, others: list[tuple[int, str]]) -> int:
        assert name == "Acme Inc"
        offered.append(others)
        return data["acme"]

    window.choose_keep = keep_acme
    window.confirm = lambda _title, _text, _action: True
    window.merge_button.click()
    wait_idle()
    wait_idle()
    wait_idle()
    assert offered == [
        [(data["acme"], "Acme (2 contacts)"), (data["globex"], "Globex (1 contact)")]
    ]
    assert listed(db) == [("Acme", 3), ("Globex", 1)]
    assert window.rows() == [("Acme", "3"), ("Globex", "1")]
    assert "Merged “Acme Inc” into “Acme”: moved 2 contacts" in window.done_label.text()
    assert company_of(db, data["dan"]) == "Acme"
    with db.read() as s:
        assert len(companies.get(s, data["acme"]).research) == 1


def test_delete_asks_what_happens_and_the_contacts_keep_no_company(
    open_window, data, db, wait_idle
):
    window = open_window()
    choose(window, data["acme_inc"], wait_idle)
    asked: list[tuple[str, str, str]] = []
    window.confirm = lambda *question: asked.append(question) or True
    window.delete_button.click()
    wait_idle()
    wait_idle()
    wait_idle()
    assert asked == [
        (
            "Delete company",
            "Delete the company “Acme Inc”?\n\n2 contacts (1 in the trash) will keep no company; "
            "1 research note and 1 trigger event about it will be deleted. This cannot be undone.",
            "Delete",
        )
    ]
    assert window.rows() == [("Acme", "2"), ("Globex", "1")]
    assert window.current_id() is None and window.done_label.text() == "Deleted “Acme Inc”."
    assert company_of(db, data["dan"]) == ""
    with db.read() as s:
        assert events.list_events(s) == []
        assert contacts.get(s, data["dan"]).company_id is None


def test_cancel_in_a_confirmation_changes_nothing(open_window, data, db, wait_idle):
    window = open_window()
    choose(window, data["acme_inc"], wait_idle)
    window.confirm = lambda *_question: False
    window.delete_selected()
    wait_idle()
    window.choose_keep = lambda _name, _others: data["acme"]
    window.merge_selected()
    wait_idle()
    wait_idle()
    window.choose_keep = lambda _name, _others: None  # Cancel in the chooser
    window.merge_selected()
    wait_idle()
    assert listed(db) == [("Acme", 2), ("Acme Inc", 1), ("Globex", 1)]
    assert window.current_id() == data["acme_inc"] and window.rows()[1] == ("Acme Inc", "1")


def test_nothing_chosen_leaves_the_actions_off_even_with_a_current_row(open_window, data):
    # Qt makes the first row current (not selected) when the list takes the focus after it
    # filled: Delete and Merge must not act on a row that does not look chosen.
    window = open_window()
    focus_in = QFocusEvent(QEvent.Type.FocusIn, Qt.FocusReason.TabFocusReason)
    QApplication.sendEvent(window.table, focus_in)
    assert window.table.currentItem() is not None and not window.table.selectedItems()
    assert window.current_id() is None
    for button in (window.delete_button, window.merge_button, window.save_button):
        assert not button.isEnabled()
    asked: list[object] = []
    window.confirm = lambda *question: asked.append(question) or True
    window.delete_selected()
    window.merge_selected()
    assert asked == []
    window.table.setCurrentItem(window.table.topLevelItem(0))  # a click or an arrow key
    assert window.current_id() == data["acme"]


def test_leaving_unsaved_edits_asks_save_discard_or_cancel(open_window, data, db, wait_idle):
    window = open_window()
    choose(window, data["acme"], wait_idle)
    window.notes_edit.setPlainText("Key account")
    asked: list[str] = []
    window.ask_unsaved = lambda name: asked.append(name) or "cancel"
    window.select_company(data["globex"])
    wait_idle()
    assert asked == ["Acme"] and window.current_id() == data["acme"]
    assert window.notes_edit.toPlainText() == "Key account"
    window.reject()  # closing asks too, and Cancel keeps the window open
    assert window.isVisible() and asked == ["Acme", "Acme"]

    window.ask_unsaved = lambda name: "discard"
    choose(window, data["globex"], wait_idle)
    assert window.title_label.text() == "Globex"
    with db.read() as s:
        assert companies.get(s, data["acme"]).notes == ""

    choose(window, data["acme"], wait_idle)
    window.notes_edit.setPlainText("Key account")
    window.ask_unsaved = lambda name: "save"
    window.select_company(data["globex"])
    wait_idle()
    wait_idle()
    assert window.current_id() == data["globex"] and window.title_label.text() == "Globex"
    with db.read() as s:
        assert companies.get(s, data["acme"]).notes == "Key account"
    window.notes_edit.setPlainText("Ships to Lyon")
    window.reject()  # Save, then the window closes
    wait_idle()
    wait_idle()
    assert not window.isVisible()
    with db.read() as s:
        assert companies.get(s, data["globex"]).notes == "Ships to Lyon"


def test_revert_puts_back_what_is_saved(open_window, data, wait_idle):
    window = open_window()
    choose(window, data["acme"], wait_idle)
    window.name_edit.setText("Acme Typo")
    window.revert_button.click()
    assert window.name_edit.text() == "Acme" and not window.is_dirty()
    assert not window.save_button.isEnabled()


def test_a_change_elsewhere_reloads_the_list(open_window, data, db, ctx, wait_idle):
    window = open_window()
    with db.write() as s:
        changes = contacts.create(s, ContactDraft(name="Eve Ellis", company="Initech")).changes
    ctx.events.notify(changes, None)
    wait_idle()
    assert ("Initech", "1") in window.rows()


@pytest.mark.qt_log_ignore("does not support raise")  # offscreen: raise_() is a no-op
def test_view_menu_opens_one_companies_window(qtbot, ctx, db, data, wait_idle):
    window = MainWindow(ctx, AppPaths(Path(db.path)))
    qtbot.addWidget(window)
    window.show()
    wait_idle()
    assert window.companies_action.text() == "&Companies…"
    window.companies_action.trigger()
    wait_idle()
    opened = window.companies_window
    assert opened is not None and opened.isVisible()
    assert opened.rows()[0] == ("Acme", "2")
    assert window.show_companies() is opened  # one window, brought forward
    opened.close()


def test_cancel_on_a_clicked_row_stays_on_the_edited_company(open_window, data, qtbot, wait_idle):
    window = open_window()
    choose(window, data["acme"], wait_idle)
    window.name_edit.setText("Acme Typo")
    window.ask_unsaved = lambda _name: "cancel"
    table = window.table
    rect = table.visualItemRect(table.topLevelItem(2))  # Globex
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.wait(20)  # the press's own selection, undone on the next turn of the loop
    wait_idle()
    assert window.current_id() == data["acme"]
    assert window.title_label.text() == "Acme" and window.name_edit.text() == "Acme Typo"
