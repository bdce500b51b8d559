"""Find duplicates: the groups, comparing a group's contacts, merging, skipping, the empty state
(real database, real widgets)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from relationship_crm.domain.changes import Changes
from relationship_crm.domain.enums import Stage
from relationship_crm.domain.errors import NotFoundError
from relationship_crm.domain.records import ContactDraft, Labeled
from relationship_crm.services import contacts
from relationship_crm.storage.schema import Contact
from relationship_crm.ui.dialogs.duplicates_dialog import EMPTY_HINT, EMPTY_TITLE, DuplicatesDialog

pytestmark = pytest.mark.gui

T0 = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
MERGED = Changes(
    contacts=True,
    companies=True,
    meetings=True,
    research=True,
    follow_ups=True,
    thanks=True,
    gifts=True,
    trigger_events=True,  # a merged contact's own trigger events move too (issue 15)
    campaigns=True,  # a merge says "everything but the settings" may have changed (issue 16)
)


def add(db, draft: ContactDraft, *, days: int = 0) -> int:
    with db.write() as s:
        return contacts.create(s, draft, now=T0 + timedelta(days=days)).id


@pytest.fixture
def people(db) -> dict[str, int]:
    """Two Janes sharing an email, two Bobs with the same name and company, and Zoë alone."""
    return {
        "jane": add(
            db,
            ContactDraft(
                name="Jane Doe",
                emails=(Labeled("jane@acme.com", "work"),),
                company="Acme",
                title="Buyer",
                stage=Stage.CUSTOMER,
                tags=("trade fair",),
                notes="Met at the fair.",
            ),
        ),
        "jdoe": add(
            db,
            ContactDraft(
                name="J. Doe",
                emails=(Labeled("JANE@acme.com"), Labeled("jane.doe@home.org", "home")),
                phones=(Labeled("+1 415 555 0100", "mobile"),),
            ),
            days=1,
        ),
        "bob": add(db, ContactDraft(name="Bob Smith", company="Globex"), days=2),
        "bob2": add(db, ContactDraft(name="bob smith", company="GLOBEX"), days=3),
        "zoe": add(db, ContactDraft(name="Zoë Ångström", company="Acme"), days=4),
    }


@pytest.fixture
def open_dialog(qtbot, ctx, wait_idle):
    def open_() -> DuplicatesDialog:
        dialog = DuplicatesDialog(ctx)
        qtbot.addWidget(dialog)
        with qtbot.waitActive(dialog):
            dialog.show()
            dialog.activateWindow()
        wait_idle()  # the groups are listed and the first one's contacts shown
        return dialog

    return open_


def view(db, contact_id: int):
    with db.read() as s:
        return contacts.get(s, contact_id)


def in_trash(db, contact_id: int) -> bool:
    with db.read() as s:
        row = s.get(Contact, contact_id)
        return row is not None and row.deleted_at is not None


def click(qtbot, button) -> None:
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_lists_the_groups_and_shows_the_first_side_by_side(open_dialog, people):
    dialog = open_dialog()
    assert dialog.windowTitle() == "Find duplicates"
    assert dialog.summary_label.text() == "2 groups of possible duplicates"
    assert dialog.group_texts() == [
        "Jane Doe, J. Doe — same email jane@acme.com",
        "Bob Smith, bob smith — same name and company",
    ]
    assert dialog.group_list.count() == 2
    assert dialog.group_list.item(0).text() == "Jane Doe, J. Doe\nsame email jane@acme.com"
    assert dialog.group_list.currentRow() == 0
    assert dialog.current_ids() == (people["jane"], people["jdoe"])

    jane, jdoe = dialog.cards
    assert jane.name_label.text() == "Jane Doe"
    assert jane.added_label.text() == "Added Mon 02 Nov"
    texts = {key: label.text() for key, label in jane.value_labels.items()}
    assert texts == {
        "company": "Acme",
        "title": "Buyer",
        "emails": "jane@acme.com (work)",
        "phones": "—",
        "stage": "Customer",
        "tags": "trade fair",
        "notes": "Met at the fair.",
    }
    assert jdoe.value_labels["emails"].text() == "JANE@acme.com\njane.doe@home.org (home)"
    assert jdoe.value_labels["phones"].text() == "+1 415 555 0100 (mobile)"
    # The oldest is kept by default and every other one merged.
    assert dialog.kept_id() == people["jane"] and dialog.merged_ids() == (people["jdoe"],)
    assert jane.keep_radio.isChecked() and not jane.merge_check.isVisible()
    assert jdoe.merge_check.isVisible() and jdoe.merge_check.isChecked()
    assert dialog.plan_label.text() == (
        "Merge keeps Jane Doe and folds J. Doe into it; it goes to the trash."
    )
    assert dialog.merge_button.isEnabled() and dialog.skip_button.isEnabled()


def test_choosing_another_group_shows_its_contacts(qtbot, open_dialog, people, wait_idle):
    dialog = open_dialog()
    with qtbot.waitSignal(dialog.group_shown) as shown:
        dialog.select_group(1)
    assert shown.args == [(people["bob"], people["bob2"])]
    assert [card.name_label.text() for card in dialog.cards] == ["Bob Smith", "bob smith"]


def test_merge_keeps_the_chosen_contact_and_trashes_the_other(
    qtbot, ctx, db, open_dialog, people, wait_idle
):
    dialog = open_dialog()
    click(qtbot, dialog.card(people["jdoe"]).keep_radio)  # keep the newer one this time
    assert dialog.kept_id() == people["jdoe"]
    assert dialog.merged_ids() == (people["jane"],)
    assert dialog.card(people["jane"]).merge_check.isVisible()
    assert not dialog.card(people["jdoe"]).merge_check.isVisible()

    with (
        qtbot.waitSignal(ctx.events.changed) as changed,
        qtbot.waitSignal(dialog.merged) as merged,
    ):
        click(qtbot, dialog.merge_button)
    wait_idle()
    assert changed.args == [MERGED, dialog]
    assert merged.args == [people["jdoe"], (people["jane"],)]

    with pytest.raises(NotFoundError):
        view(db, people["jane"])
    assert in_trash(db, people["jane"])  # restorable, not deleted
    kept = view(db, people["jdoe"])
    assert {e.value.lower() for e in kept.emails} == {"jane@acme.com", "jane.doe@home.org"}
    assert kept.company == "Acme" and kept.tags == ("trade fair",)  # empty fields filled in

    # The list was searched again: only the Bobs are left, and they are shown.
    assert dialog.summary_label.text() == "1 group of possible duplicates"
    assert dialog.group_texts() == ["Bob Smith, bob smith — same name and company"]
    assert dialog.current_ids() == (people["bob"], people["bob2"])
    assert dialog.done_label.isVisible()
    assert dialog.done_label.text() == "Merged Jane Doe into J. Doe."


def test_merge_needs_another_contact_checked(qtbot, open_dialog, people):
    dialog = open_dialog()
    click(qtbot, dialog.card(people["jdoe"]).merge_check)
    assert dialog.merged_ids() == ()
    assert not dialog.merge_button.isEnabled()
    assert dialog.plan_label.text() == "Check at least one other contact to merge it."
    click(qtbot, dialog.card(people["jdoe"]).merge_check)
    assert dialog.merge_button.isEnabled()


def test_only_the_checked_contacts_of_a_bigger_group_are_merged(qtbot, db, open_dialog, wait_idle):
    ann = add(db, ContactDraft(name="Ann Lee", phones=(Labeled("+1 212 555 0101"),)))
    ann2 = add(db, ContactDraft(name="A. Lee", phones=(Labeled("+1 (212) 555-0101"),)), days=1)
    ann3 = add(db, ContactDraft(name="Annie", phones=(Labeled("+1 212-555-0101"),)), days=2)
    dialog = open_dialog()
    assert dialog.current_ids() == (ann, ann2, ann3)
    dialog.keep(ann2)
    click(qtbot, dialog.card(ann3).merge_check)
    assert dialog.merged_ids() == (ann,)
    click(qtbot, dialog.merge_button)
    wait_idle()
    assert in_trash(db, ann) and not in_trash(db, ann3)
    assert dialog.group_texts()[0].startswith("A. Lee, Annie — same phone")


def test_not_duplicates_skips_to_the_next_group_until_none_are_left(
    qtbot, db, open_dialog, people, wait_idle
):
    dialog = open_dialog()
    click(qtbot, dialog.skip_button)
    wait_idle()
    assert dialog.group_texts() == ["Bob Smith, bob smith — same name and company"]
    assert dialog.current_ids() == (people["bob"], people["bob2"])
    assert dialog.summary_label.text() == "1 group of possible duplicates · 1 skipped"

    click(qtbot, dialog.skip_button)
    assert dialog.empty_page.isVisible()
    assert dialog.empty_title.text() == "No more possible duplicates"
    assert dialog.empty_hint.text() == (
        "2 groups skipped with Not duplicates; they show again the next time you look."
    )
    assert not dialog.merge_button.isVisible()
    # Nothing was stored: every contact is still there.
    assert all(view(db, cid).id == cid for cid in people.values())


def test_no_duplicates_shows_the_empty_state(db, open_dialog):
    add(db, ContactDraft(name="Jane Doe", company="Acme"))
    add(db, ContactDraft(name="Jane Doe", company="Globex"))  # another person
    dialog = open_dialog()
    assert dialog.groups() == []
    assert dialog.empty_page.isVisible() and not dialog.group_list.isVisible()
    assert dialog.empty_title.text() == EMPTY_TITLE == "No duplicates found"
    assert dialog.empty_hint.text() == EMPTY_HINT
    assert not dialog.summary_label.isVisible()  # the page says it, once
    assert not dialog.merge_button.isVisible() and not dialog.skip_button.isVisible()
    assert dialog.close_button.isVisible()


def test_contact_text_is_shown_as_text(db, open_dialog):
    add(db, ContactDraft(name="<b>Bob</b> & Co", emails=(Labeled("bob@example.com"),)))
    add(
        db,
        ContactDraft(name="Bob", emails=(Labeled("bob@example.com"),), notes="<i>hi</i>"),
        days=1,
    )
    dialog = open_dialog()
    assert dialog.group_texts() == ["<b>Bob</b> & Co, Bob — same email bob@example.com"]
    first, second = dialog.cards
    assert first.name_label.text() == "<b>Bob</b> & Co"
    assert first.name_label.textFormat() == Qt.TextFormat.PlainText
    assert second.value_labels["notes"].text() == "<i>hi</i>"
    assert second.value_labels["notes"].textFormat() == Qt.TextFormat.PlainText
    assert "&lt;i&gt;hi&lt;/i&gt;" in second.value_labels["notes"].toolTip()
    assert "Bob</b> & Co" in dialog.plan_label.text()


def test_refreshes_when_contacts_change_elsewhere(qtbot, ctx, db, open_dialog, people, wait_idle):
    dialog = open_dialog()
    add(db, ContactDraft(name="Zoe", company="Other", emails=(Labeled("zoe@example.com"),)))
    add(db, ContactDraft(name="Zoé M.", emails=(Labeled("ZOE@example.com"),)), days=1)
    with qtbot.waitSignal(dialog.groups_loaded):
        ctx.events.notify(Changes(contacts=True), None)
    wait_idle()
    assert len(dialog.groups()) == 3
    assert dialog.summary_label.text() == "3 groups of possible duplicates"


def test_close_and_escape_close_it(qtbot, open_dialog, people):
    dialog = open_dialog()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    dialog = open_dialog()
    click(qtbot, dialog.close_button)
    assert not dialog.isVisible()
