"""The contact list: lazy pages, type-ahead search, filters and sorting, on a real database."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt

from relationship_crm.domain.enums import Stage
from relationship_crm.domain.records import ContactDraft, FollowUpDraft
from relationship_crm.services import contacts, followups
from relationship_crm.ui.models.contacts_model import ContactsModel
from relationship_crm.ui.panels.contact_list import ContactListPanel


def names(model) -> list[str]:
    return [model.index(r, 0).data() for r in range(model.rowCount())]


@pytest.fixture
def people(db):
    with db.write() as s:
        ids = {
            "jane": contacts.create(
                s, ContactDraft(name="Jane Doe", company="Acme", stage=Stage.LEAD, tags=("vip",))
            ).id,
            "siobhan": contacts.create(
                s, ContactDraft(name="Siobhán Ó Briain", company="Zeta", notes="Loves sailing")
            ).id,
            "bob": contacts.create(
                s,
                ContactDraft(
                    name="Bob Stone", company="Beta Co", stage=Stage.CUSTOMER, tags=("vip", "golf")
                ),
            ).id,
        }
        followups.add(s, FollowUpDraft(ids["bob"], datetime(2026, 11, 20, 9), "America/New_York"))
    return ids


@pytest.fixture
def panel(qtbot, ctx, people, wait_idle):
    widget = ContactListPanel(ctx)
    qtbot.addWidget(widget)
    widget.resize(700, 500)
    widget.show()
    wait_idle()
    return widget


def test_lists_contacts_by_name_with_a_count(panel):
    assert names(panel.model) == ["Bob Stone", "Jane Doe", "Siobhán Ó Briain"]
    assert panel.count_label.text() == "3 contacts"
    row = panel.model.row_of(panel.model.contact_id(0))
    assert panel.model.index(row, 2).data() == "Customer"
    assert panel.model.index(0, 4).data() == "20 Nov 09:00"  # next follow-up, in the rep's zone


def test_type_ahead_search_is_accent_insensitive(qtbot, panel, wait_idle):
    qtbot.keyClicks(panel.search, "briain")
    qtbot.waitUntil(lambda: names(panel.model) == ["Siobhán Ó Briain"])
    panel.search.clear()
    qtbot.keyClicks(panel.search, "sailing")  # notes are searched too
    qtbot.waitUntil(lambda: names(panel.model) == ["Siobhán Ó Briain"])
    panel.search.clear()
    qtbot.waitUntil(lambda: len(names(panel.model)) == 3)


def test_one_or_two_letters_list_the_names_that_start_with_them(qtbot, panel):
    qtbot.keyClicks(panel.search, "s")  # Siobhán, not Bob Stone: names starting with S
    qtbot.waitUntil(lambda: names(panel.model) == ["Siobhán Ó Briain"])
    qtbot.waitUntil(lambda: panel.count_label.text() == "1 contact")
    qtbot.keyClicks(panel.search, "t")
    qtbot.waitUntil(lambda: names(panel.model) == [] and panel.count_label.text() == "0 contacts")
    qtbot.keyClicks(panel.search, "o")  # three letters: the full search, any word
    qtbot.waitUntil(lambda: names(panel.model) == ["Bob Stone"])


def test_return_in_search_selects_the_first_match(qtbot, panel):
    with qtbot.waitSignal(panel.contact_selected, timeout=3000) as blocker:
        qtbot.keyClicks(panel.search, "jane")
        qtbot.keyClick(panel.search, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: names(panel.model) == ["Jane Doe"])
        panel.view.selectRow(0)
    assert blocker.args[0] > 0


def test_stage_and_tag_filters(qtbot, panel, wait_idle):
    qtbot.waitUntil(lambda: panel.tag_filter.count() == 3)  # All tags, golf, vip
    panel.stage_filter.setCurrentIndex(panel.stage_filter.findData("lead"))
    qtbot.waitUntil(lambda: names(panel.model) == ["Jane Doe"])
    panel.stage_filter.setCurrentIndex(0)
    panel.tag_filter.setCurrentIndex(panel.tag_filter.findData("vip"))
    qtbot.waitUntil(lambda: names(panel.model) == ["Bob Stone", "Jane Doe"])


def test_sorting_by_a_column_queries_again(qtbot, panel):
    panel.view.sortByColumn(1, Qt.SortOrder.DescendingOrder)  # company, Z..A
    qtbot.waitUntil(lambda: names(panel.model) == ["Siobhán Ó Briain", "Bob Stone", "Jane Doe"])
    panel.view.sortByColumn(4, Qt.SortOrder.AscendingOrder)  # next follow-up, empty last
    qtbot.waitUntil(lambda: names(panel.model)[0] == "Bob Stone")


def test_a_long_list_loads_in_pages(qtbot, ctx, db, wait_idle, qtmodeltester):
    with db.write() as s:
        for i in range(450):
            contacts.create(s, ContactDraft(name=f"Person {i:03d}"))
    model = ContactsModel(ctx, page_size=200)
    model.reload()
    wait_idle()
    assert model.rowCount() == 200 and model.total == 450
    assert model.canFetchMore()
    model.fetchMore()
    model.fetchMore()  # re-entrant call while a page is on its way is ignored
    wait_idle()
    assert model.rowCount() == 400
    model.fetchMore()
    wait_idle()
    assert model.rowCount() == 450 and not model.canFetchMore()
    qtmodeltester.check(model)


def test_changes_elsewhere_refresh_the_list(qtbot, panel, ctx, db, wait_idle):
    from relationship_crm.domain.changes import Changes

    with db.write() as s:
        contacts.create(s, ContactDraft(name="Adam Added"))
    ctx.events.notify(Changes(contacts=True))
    qtbot.waitUntil(lambda: names(panel.model)[0] == "Adam Added")
