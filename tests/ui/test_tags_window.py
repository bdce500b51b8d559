"""The Tags window: the list with contact counts and rhythms, and the corrections (rename, a
typo made one with the right tag, delete) a rep makes there."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QApplication

from relationship_crm.domain.records import ContactDraft
from relationship_crm.paths import AppPaths
from relationship_crm.services import contacts, health
from relationship_crm.services import tags as tag_service
from relationship_crm.ui.dialogs.tags_window import EMPTY_TEXT, TagsWindow
from relationship_crm.ui.main_window import MainWindow
from tests.ui.conftest import FIXED_NOW

pytestmark = pytest.mark.gui


@pytest.fixture
def data(db) -> dict[str, int]:
    with db.write() as s:
        ids = {
            key: contacts.create(s, ContactDraft(name=name, tags=tags)).id
            for key, name, tags in (
                ("ann", "Ann Archer", ("VIP", "golf")),
                ("bob", "Bob Baker", ("VIP",)),
                ("cy", "Cy Clark", ("vpi",)),
                ("dan", "Dan Dale", ("vpi", "VIP")),
                ("tom", "Tom Trashed", ("VIP",)),
            )
        }
        contacts.trash(s, ids["tom"])
        health.set_tag_rhythm(s, "golf", 10, 20, now=FIXED_NOW)
    return ids


@pytest.fixture
def open_window(qtbot, ctx, wait_idle):
    def open_() -> TagsWindow:
        window = TagsWindow(ctx)
        qtbot.addWidget(window)
        window.show()
        wait_idle()
        return window

    return open_


def choose(window: TagsWindow, name: str) -> None:
    assert window.select_tag(name)
    assert window.current_name() == name


def listed(db) -> list[tuple[str, int, int, bool]]:
    with db.read() as s:
        return [(t.name, t.contacts, t.trashed, t.rhythm) for t in tag_service.list_tags(s)]


def tags_of(db, contact_id: int) -> tuple[str, ...]:
    with db.read() as s:
        return tuple(contacts.get(s, contact_id).tags)


def test_the_list_shows_each_tag_with_its_contacts_and_rhythm(open_window, data):
    window = open_window()
    assert window.rows() == [
        ("golf", "1", "yes"),
        ("VIP", "3 (+1 in the trash)", ""),
        ("vpi", "2", ""),
    ]
    assert window.current_name() is None
    assert not window.rename_button.isEnabled() and not window.delete_button.isEnabled()
    window.filter_edit.setText("V")
    assert [row[0] for row in window.rows()] == ["VIP", "vpi"]
    window.filter_edit.setText("zzz")
    assert window.rows() == [] and window.list_stack.currentWidget() is window.empty_label
    assert window.empty_label.text() == "No tag contains “zzz”."


def test_an_empty_database_says_how_tags_come(open_window, db):
    window = open_window()
    assert window.rows() == []
    assert window.empty_label.text() == EMPTY_TEXT
    assert window.empty_label.isVisibleTo(window)


def test_a_rename_saves_and_the_contacts_follow(open_window, data, db, ctx, wait_idle):
    seen: list[object] = []
    ctx.events.changed.connect(lambda changes, _who: seen.append(changes))
    window = open_window()
    choose(window, "golf")
    asked: list[str] = []
    window.ask_name = lambda name: asked.append(name) or "  Golf   club "
    window.confirm = lambda *_question: pytest.fail("a plain rename asks nothing")
    assert window.rename_button.isEnabled()
    window.rename_button.click()
    wait_idle()
    wait_idle()
    assert asked == ["golf"]  # the current name, to correct
    assert tags_of(db, data["ann"]) == ("Golf club", "VIP")
    assert window.rows()[0] == ("Golf club", "1", "yes")  # its rhythm went with it
    assert window.current_name() == "Golf club"
    assert window.done_label.text() == "Renamed “golf” to “Golf club”."
    assert any(c.contacts for c in seen)  # the contact list and the page reload


def test_respelling_in_another_case_is_a_plain_rename(open_window, data, db, wait_idle):
    window = open_window()
    choose(window, "golf")
    window.confirm = lambda *_question: pytest.fail("the same tag: nothing to confirm")
    window.rename_to("GOLF")
    wait_idle()
    wait_idle()
    assert tags_of(db, data["ann"]) == ("GOLF", "VIP")
    assert window.rows()[0] == ("GOLF", "1", "yes")


def test_a_rename_into_another_tag_confirms_then_makes_them_one(open_window, data, db, wait_idle):
    window = open_window()
    choose(window, "vpi")
    asked: list[tuple[str, str, str]] = []
    window.ask_name = lambda _name: "vip"
    window.confirm = lambda *question: asked.append(question) or False  # Cancel first
    window.rename_selected()
    wait_idle()
    assert listed(db) == [("golf", 1, 0, True), ("VIP", 3, 1, False), ("vpi", 2, 0, False)]
    assert asked == [
        (
            "Merge tags",
            "“vpi” (2 contacts) and “VIP” (3 contacts) will become one tag “VIP”; "
            "a contact with both keeps it once.",
            "Merge",
        )
    ]
    window.confirm = lambda *question: True
    window.rename_selected()
    wait_idle()
    wait_idle()
    assert listed(db) == [("golf", 1, 0, True), ("VIP", 4, 1, False)]
    assert window.rows() == [("golf", "1", "yes"), ("VIP", "4 (+1 in the trash)", "")]
    assert window.current_name() == "VIP"
    assert window.done_label.text() == "Made “vpi” one with “VIP”."
    assert tags_of(db, data["cy"]) == ("VIP",)
    assert tags_of(db, data["dan"]) == ("VIP",)


def test_delete_confirms_then_takes_the_tag_off_everyone(open_window, data, db, wait_idle):
    window = open_window()
    choose(window, "golf")
    asked: list[tuple[str, str, str]] = []
    window.confirm = lambda *question: asked.append(question) or False  # Cancel first
    window.delete_button.click()
    wait_idle()
    assert listed(db)[0] == ("golf", 1, 0, True)
    assert asked == [
        (
            "Delete tag",
            "Take the tag “golf” off 1 contact and delete it? "
            "Its keep-in-touch rhythm is deleted too.",
            "Delete",
        )
    ]
    window.confirm = lambda *question: asked.append(question) or True
    window.delete_button.click()
    wait_idle()
    wait_idle()
    assert [row[0] for row in window.rows()] == ["VIP", "vpi"]
    assert window.current_name() is None and not window.delete_button.isEnabled()
    assert window.done_label.text() == "Deleted the tag “golf”."
    assert tags_of(db, data["ann"]) == ("VIP",)
    with db.read() as s:
        assert health.list_rules(s, "tag") == []


def test_the_delete_question_counts_the_trash(open_window, data):
    window = open_window()
    choose(window, "VIP")
    asked: list[str] = []
    window.confirm = lambda _title, text, _action: asked.append(text) or False
    window.delete_selected()
    assert asked == ["Take the tag “VIP” off 4 contacts (1 in the trash) and delete it?"]


def test_an_empty_name_is_one_line_and_changes_nothing(open_window, data, db, wait_idle):
    window = open_window()
    choose(window, "vpi")
    window.ask_name = lambda _name: "   "
    window.rename_selected()
    wait_idle()
    message = window.error_label.text()
    assert window.error_label.isVisibleTo(window)
    assert message == "Not renamed: a tag must not be empty"
    assert "\n" not in message and "Traceback" not in message
    assert listed(db) == [("golf", 1, 0, True), ("VIP", 3, 1, False), ("vpi", 2, 0, False)]
    assert window.rename_button.isEnabled()  # to try again
    window.ask_name = lambda _name: None  # Cancel in the name box
    window.rename_selected()
    wait_idle()
    assert listed(db)[2] == ("vpi", 2, 0, False)


def test_a_tag_gone_meanwhile_is_the_services_line(open_window, data, db, wait_idle):
    window = open_window()
    choose(window, "vpi")
    with db.write() as s:
        tag_service.delete_tag(s, "vpi")  # the command line, say, without a notice
    window.confirm = lambda *_question: True
    window.delete_selected()
    wait_idle()
    assert window.error_label.text().startswith("Not deleted: no tag named 'vpi'")


def test_nothing_chosen_leaves_the_actions_off_even_with_a_current_row(open_window, data):
    # Qt makes the first row current (not selected) when the list takes the focus after it
    # filled: Rename and Delete must not act on a row that does not look chosen.
    window = open_window()
    focus_in = QFocusEvent(QEvent.Type.FocusIn, Qt.FocusReason.TabFocusReason)
    QApplication.sendEvent(window.table, focus_in)
    assert window.table.currentItem() is not None and not window.table.selectedItems()
    assert window.current_name() is None
    assert not window.rename_button.isEnabled() and not window.delete_button.isEnabled()
    asked: list[object] = []
    window.confirm = lambda *question: asked.append(question) or True
    window.ask_name = lambda name: asked.append(name) or "x"
    window.delete_selected()
    window.rename_selected()
    assert asked == []
    window.table.setCurrentItem(window.table.topLevelItem(0))  # a click or an arrow key
    assert window.current_name() == "golf"
    assert window.rename_button.isEnabled() and window.delete_button.isEnabled()


def test_a_change_elsewhere_reloads_the_list(open_window, data, db, ctx, wait_idle):
    window = open_window()
    choose(window, "vpi")
    with db.write() as s:
        changes = contacts.create(s, ContactDraft(name="Eve Ellis", tags=("Lyon",))).changes
    ctx.events.notify(changes, None)
    wait_idle()
    assert ("Lyon", "1", "") in window.rows()
    assert window.current_name() == "vpi"  # the selection stays


@pytest.mark.qt_log_ignore("does not support raise")  # offscreen: raise_() is a no-op
def test_view_menu_opens_one_tags_window_and_a_double_click_filters(
    qtbot, ctx, db, data, wait_idle
):
    window = MainWindow(ctx, AppPaths(Path(db.path)))
    qtbot.addWidget(window)
    window.show()
    wait_idle()
    view = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    actions = [a.text() for a in view.actions()]
    assert actions[actions.index("&Companies…") + 1] == "Ta&gs…"
    window.tags_action.trigger()
    wait_idle()
    opened = window.tags_window
    assert opened is not None and opened.isVisible()
    assert opened.rows()[0] == ("golf", "1", "yes")
    assert window.show_tags() is opened  # one window, brought forward
    item = opened.table.topLevelItem(2)  # vpi
    opened.table.itemActivated.emit(item, 0)
    wait_idle()
    wait_idle()
    assert window.contact_list.tag_filter.currentData() == "vpi"
    assert window.contact_list.model.rowCount() == 2
    opened.close()
