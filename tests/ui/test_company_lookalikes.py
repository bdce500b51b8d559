"""Look-alike companies: the groups of companies whose names differ only in case, accents,
punctuation or a legal form, each merged into the one the rep keeps (from the Companies
window's Look-alikes… button)."""

from __future__ import annotations

import pytest

from relationship_crm.domain.records import ContactDraft
from relationship_crm.services import companies, contacts, research
from relationship_crm.storage.schema import Contact
from relationship_crm.ui.dialogs.companies_window import CompaniesWindow
from relationship_crm.ui.dialogs.company_lookalikes import EMPTY_TEXT, LookalikesDialog

pytestmark = pytest.mark.gui


@pytest.fixture
def data(db) -> dict[str, int]:
    with db.write() as s:
        ids = {
            key: contacts.create(s, ContactDraft(name=name, company=company)).id
            for key, name, company in (
                ("ann", "Ann Archer", "Acme"),
                ("bob", "Bob Baker", "Acme"),
                ("cy", "Cy Clark", "ACME, Inc."),
                ("dan", "Dan Dale", "Acme Inc"),
                ("tom", "Tom Trashed", "Acme Inc"),
                ("eve", "Eve Ellis", "Globex"),
                ("fay", "Fay Ford", "Globex GmbH"),
                ("gus", "Gus Gray", "Globex GmbH"),
                ("ian", "Ian Irwin", "Initech"),
            )
        }
        contacts.trash(s, ids["tom"])
        for key, person in (
            ("acme", "ann"),
            ("acme_comma", "cy"),
            ("acme_inc", "dan"),
            ("globex", "eve"),
            ("globex_gmbh", "fay"),
        ):
            ids[key] = contacts.get(s, ids[person]).company_id or 0
        research.add(s, "Opening an office in Lyon", company_id=ids["acme_comma"])
    return ids


@pytest.fixture
def open_dialog(qtbot, ctx, wait_idle):
    def open_() -> LookalikesDialog:
        dialog = LookalikesDialog(ctx)
        qtbot.addWidget(dialog)
        dialog.show()
        wait_idle()
        return dialog

    return open_


@pytest.fixture
def open_window(qtbot, ctx, wait_idle):
    def open_() -> CompaniesWindow:
        window = CompaniesWindow(ctx)
        qtbot.addWidget(window, before_close_func=discard_on_close)
        window.show()
        wait_idle()
        return window

    return open_


def discard_on_close(window: CompaniesWindow) -> None:
    window.ask_unsaved = lambda _name: "discard"


def listed(db) -> list[tuple[str, int]]:
    with db.read() as s:
        return [(c.name, c.contact_count) for c in companies.list_companies(s)]


def merged(qtbot, dialog: LookalikesDialog, wait_idle) -> None:
    """Wait for the merge to be done and the groups (and the Companies list) reloaded."""
    qtbot.waitUntil(lambda: dialog.done_label.isVisibleTo(dialog), timeout=5000)
    wait_idle()  # the reloads were queued before the message showed


ACME_GROUP = [("Acme", "2"), ("Acme Inc", "1"), ("ACME, Inc.", "1")]
GLOBEX_GROUP = [("Globex", "1"), ("Globex GmbH", "2")]


def test_the_groups_are_listed_each_keeping_the_company_with_most_contacts(open_dialog, data):
    dialog = open_dialog()
    assert dialog.groups_shown() == [ACME_GROUP, GLOBEX_GROUP]  # Initech looks like no other
    top = dialog.tree.topLevelItem(0)
    assert top is not None and top.text(0) == "3 companies named like “Acme”"
    assert top.text(1) == "4"
    assert dialog.current_group() is not None and dialog.keep_id() == data["acme"]
    assert dialog.keep_combo.currentText() == "Acme (2 contacts)"
    assert [dialog.keep_combo.itemText(i) for i in range(dialog.keep_combo.count())] == [
        "Acme (2 contacts)",
        "Acme Inc (1 contact)",
        "ACME, Inc. (1 contact)",
    ]
    assert dialog.merge_button.isEnabled()
    # Not the first by name: the one with more contacts.
    second = dialog.tree.topLevelItem(1)
    assert second is not None
    dialog.tree.setCurrentItem(second.child(0))  # a company's row selects its group
    assert dialog.keep_id() == data["globex_gmbh"]
    assert dialog.keep_combo.currentText() == "Globex GmbH (2 contacts)"
    assert second.child(1).font(0).bold() and not second.child(0).font(0).bold()
    dialog.tree.clearSelection()
    assert dialog.current_group() is None and not dialog.merge_button.isEnabled()
    dialog.close()


def test_merge_group_confirms_then_merges_and_the_companies_list_reloads(
    open_window, data, db, wait_idle, ctx, qtbot
):
    seen: list[object] = []
    ctx.events.changed.connect(lambda changes, who: seen.append((changes, who)))
    window = open_window()
    assert window.lookalikes_button.isEnabled()
    asked: list[tuple[str, str, str]] = []
    window.confirm = lambda *question: asked.append(question) or True
    window.lookalikes_button.click()
    dialog = window.lookalikes
    assert dialog is not None and dialog.isVisible()
    wait_idle()
    assert dialog.keep_id() == data["acme"]
    dialog.merge_button.click()
    merged(qtbot, dialog, wait_idle)
    assert asked == [
        (
            "Merge companies",
            "Merge “Acme Inc” and “ACME, Inc.” into “Acme”?\n\nTheir 3 contacts (1 in the trash) "
            "and 1 research note will be moved to “Acme”, and both will be deleted. "
            "This cannot be undone.",
            "Merge",
        )
    ]
    assert listed(db) == [("Acme", 4), ("Globex", 1), ("Globex GmbH", 2), ("Initech", 1)]
    with db.read() as s:
        assert len(companies.get(s, data["acme"]).research) == 1
        trashed = s.get(Contact, data["tom"])
        assert trashed is not None and trashed.company_id == data["acme"]
    assert dialog.done_label.text() == (
        "Merged “Acme Inc” and “ACME, Inc.” into “Acme”: "
        "moved 3 contacts (1 in the trash) and 1 research note."
    )
    assert dialog.groups_shown() == [GLOBEX_GROUP]  # the merged group went
    assert dialog.keep_id() == data["globex_gmbh"]  # the next one is selected
    assert window.rows() == [("Acme", "4"), ("Globex", "1"), ("Globex GmbH", "2"), ("Initech", "1")]
    assert any(who is dialog and changes.companies for changes, who in seen)
    window.close()
    assert not dialog.isVisible()


def test_another_company_can_be_kept(open_dialog, data, db, wait_idle, qtbot):
    dialog = open_dialog()
    asked: list[str] = []
    dialog.confirm = lambda _title, text, _action: asked.append(text) or True
    assert dialog.set_keep(data["acme_comma"])
    assert dialog.keep_id() == data["acme_comma"]
    assert not dialog.set_keep(data["globex"])  # not one of the group
    dialog.merge_selected()
    merged(qtbot, dialog, wait_idle)
    assert asked[0].startswith("Merge “Acme” and “Acme Inc” into “ACME, Inc.”?")
    assert listed(db) == [("ACME, Inc.", 4), ("Globex", 1), ("Globex GmbH", 2), ("Initech", 1)]
    # The choice is kept per group: the other group still keeps its default.
    assert dialog.groups_shown() == [GLOBEX_GROUP]
    assert dialog.keep_id() == data["globex_gmbh"]
    dialog.close()


def test_a_merge_of_two_asks_as_the_windows_merge_does(open_dialog, data, db, wait_idle, qtbot):
    dialog = open_dialog()
    asked: list[str] = []
    dialog.confirm = lambda _title, text, _action: asked.append(text) or True
    assert dialog.select_group("globex")
    dialog.merge_button.click()
    merged(qtbot, dialog, wait_idle)
    assert asked == [
        "Merge “Globex” into “Globex GmbH”?\n\nIts 1 contact will be moved to “Globex GmbH”, "
        "and “Globex” will be deleted. This cannot be undone."
    ]
    assert ("Globex GmbH", 3) in listed(db) and ("Globex", 1) not in listed(db)
    assert dialog.groups_shown() == [ACME_GROUP]
    dialog.close()


def test_cancel_changes_nothing(open_dialog, data, db, wait_idle, qtbot):
    dialog = open_dialog()
    asked: list[object] = []
    dialog.confirm = lambda *question: asked.append(question) or False
    before = listed(db)
    dialog.set_keep(data["acme_inc"])
    dialog.merge_button.click()
    qtbot.waitUntil(lambda: bool(asked), timeout=5000)
    wait_idle()
    assert listed(db) == before
    assert dialog.groups_shown() == [ACME_GROUP, GLOBEX_GROUP]
    assert dialog.keep_id() == data["acme_inc"] and not dialog.done_label.isVisibleTo(dialog)
    dialog.close()


def test_no_look_alikes_says_so(open_dialog, db):
    with db.write() as s:
        for name, company in (("Ann Archer", "Acme"), ("Cy Clark", "Globex")):
            contacts.create(s, ContactDraft(name=name, company=company))
    dialog = open_dialog()
    assert dialog.groups_shown() == []
    assert dialog.stack.currentWidget() is dialog.empty_label
    assert dialog.empty_label.text() == EMPTY_TEXT == "No companies look like one another."
    assert not dialog.keep_row.isVisibleTo(dialog)
    dialog.close()


def test_a_change_elsewhere_reloads_the_groups(open_dialog, data, db, ctx, wait_idle):
    dialog = open_dialog()
    with db.write() as s:
        changes = contacts.create(s, ContactDraft(name="Hal Hart", company="Initech, Ltd")).changes
    ctx.events.notify(changes, None)
    wait_idle()
    assert dialog.groups_shown()[-1] == [("Initech", "1"), ("Initech, Ltd", "1")]
    dialog.close()


def test_unsaved_edits_are_settled_before_the_look_alikes_open(open_window, data, wait_idle):
    window = open_window()
    assert window.select_company(data["acme_inc"]) or True
    wait_idle()
    window.name_edit.setText("Acme Typo")
    window.ask_unsaved = lambda _name: "cancel"
    assert window.show_lookalikes() is None and window.lookalikes is None
    window.ask_unsaved = lambda _name: "discard"
    dialog = window.show_lookalikes()
    assert dialog is not None and dialog.isVisible()
    assert window.name_edit.text() == "Acme Inc"
    dialog.close()
    assert window.lookalikes is None  # a fresh one, freshly loaded, next time
    window.close()


def test_the_button_is_off_with_fewer_than_two_companies(open_window, db):
    with db.write() as s:
        contacts.create(s, ContactDraft(name="Ann Archer", company="Acme"))
    window = open_window()
    assert not window.lookalikes_button.isEnabled()
    window.close()
