"""The Campaigns window (issue 16): the wizard with its live count and letter preview, then the
campaign page: members, outcome from the menu, results figures and chart, letters and labels."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from relationship_crm.domain.enums import Stage
from relationship_crm.domain.records import Address, ContactDraft
from relationship_crm.services import (
    campaign_letters,
    campaign_results,
    campaigns,
    contacts,
    settings,
)
from relationship_crm.ui.dialogs.campaigns_dialog import CampaignsDialog

pytestmark = pytest.mark.gui


@pytest.fixture
def people(db) -> None:
    with db.write() as s:
        settings.put(s, "rep_name", "Sam Seller")
        for name, stage, tags, address in (
            ("Ann Archer", Stage.LEAD, ("spring",), True),
            ("Ben Baker", Stage.LEAD, ("spring",), False),
            ("Cat Cole", Stage.CUSTOMER, (), True),
        ):
            contacts.create(
                s,
                ContactDraft(
                    name=name,
                    stage=stage,
                    tags=tags,
                    company="Acme",
                    addresses=(Address(street="1 Main St", city="Leeds"),) if address else (),
                ),
            )


def shoot(widget, name: str) -> None:
    """Saved where CRM_SCREENSHOTS points (for looking at), else nothing."""
    folder = os.environ.get("CRM_SCREENSHOTS")
    if folder:
        widget.grab().save(str(Path(folder) / f"{name}.png"))


def test_the_wizard_creates_a_campaign_and_the_page_shows_it(
    qtbot, ctx, db, people, wait_idle, tmp_path
):
    dialog = CampaignsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    wait_idle()
    assert dialog.title_label.text() == "No campaigns yet"

    wizard = dialog.open_wizard()
    qtbot.addWidget(wizard)
    wait_idle()
    qtbot.waitUntil(lambda: wizard.count_label.text() == "3 contacts", timeout=3000)
    wizard.tags_edit.setText("spring")
    qtbot.waitUntil(lambda: wizard.count_label.text() == "2 contacts", timeout=3000)
    wait_idle()
    assert [wizard.member_list.item(i).text() for i in range(2)] == [
        "Ann Archer · Acme · lead",
        "Ben Baker · Acme · lead",
    ]
    shoot(wizard, "campaign-wizard-segment")
    wizard.next()
    wizard.name_edit.setText("Spring seminar")
    wizard.topic_edit.setPlainText("We meet on 12 March at the Grand Hotel.")
    qtbot.waitUntil(
        lambda: "12 March at the Grand Hotel" in wizard.letter_preview.toPlainText(), timeout=3000
    )
    assert wizard.letter_preview.toPlainText().startswith("Dear Ann,")
    shoot(wizard, "campaign-wizard-letter")
    wizard.next()
    wizard.cost_edit.setText("40")
    with qtbot.waitSignal(wizard.created, timeout=5000) as created:
        wizard.accept()
    wait_idle()
    assert created.args == [1]
    qtbot.waitUntil(lambda: dialog.title_label.text() == "Spring seminar", timeout=3000)
    wait_idle()
    assert dialog.members_table.rowCount() == 2
    assert dialog.members_table.item(0, 1).text() == "draft"
    assert dialog.members_table.item(0, 2).text() == "open"

    dialog.members_table.setCurrentCell(1, 0)
    dialog.set_outcome("meeting")
    wait_idle()
    qtbot.waitUntil(lambda: dialog.members_table.item(1, 3).text() == "meeting", timeout=3000)
    assert "responses: <b>1</b>" in dialog.figures_label.text()
    assert dialog.chart.counts["meeting"] == 1
    assert dialog.selected_contact() == 2  # still chosen after the page reloaded
    assert dialog.edit_letter_button.isEnabled()
    shoot(dialog, "campaign-page")

    labels = tmp_path / "labels.pdf"
    dialog.save_labels(str(labels))
    wait_idle()
    qtbot.waitUntil(lambda: "1 labels saved" in dialog.message_label.text(), timeout=5000)
    assert "No postal address: Ben Baker" in dialog.message_label.text()
    letters = tmp_path / "letters.pdf"
    dialog.save_letters(str(letters))
    wait_idle()
    qtbot.waitUntil(lambda: "2 letters saved" in dialog.message_label.text(), timeout=5000)
    assert letters.exists() and labels.exists()
    with db.read() as s:
        page = campaign_results.get_campaign(s, 1)
    assert {m.letter_status for m in page.members} == {"printed"}
    assert page.results.cost is not None and page.results.cost == 40


# --- correcting a campaign: one letter, members in and out, the whole campaign -------------


@pytest.fixture
def campaign(db, people) -> int:
    """'Spring seminar' for the two 'spring' leads, with a follow-up each."""
    from datetime import datetime

    with db.write() as s:
        created = campaigns.create(
            s,
            campaigns.CampaignDraft(
                name="Spring seminar",
                template="campaign-invitation",
                segment=campaigns.Segment(tags=frozenset({"spring"})),
                follow_up_local=datetime(2026, 12, 10, 9, 0),
                follow_up_tz="Europe/London",
                topic="We meet on 12 March at the Grand Hotel.",
            ),
        )
    return created.id


@pytest.fixture
def page(qtbot, ctx, campaign, wait_idle):
    dialog = CampaignsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.members_table.rowCount() == 2, timeout=5000)
    wait_idle()
    return dialog


def pick(dialog: CampaignsDialog, name: str) -> int:
    table = dialog.members_table
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == name)
    table.selectRow(row)
    contact_id = dialog.selected_contact()
    assert contact_id is not None
    return contact_id


def member_names(dialog: CampaignsDialog) -> list[str]:
    return [dialog.members_table.item(r, 0).text() for r in range(dialog.members_table.rowCount())]


def test_member_actions_wait_for_a_chosen_member(page):
    assert not page.edit_letter_button.isEnabled()
    assert not page.remove_member_button.isEnabled()
    assert page.add_members_button.isEnabled() and page.delete_button.isEnabled()
    pick(page, "Ann Archer")
    assert page.edit_letter_button.isEnabled() and page.remove_member_button.isEnabled()


def test_one_letter_is_edited_and_prints_exactly_as_saved(
    qtbot, db, page, campaign, wait_idle, tmp_path
):
    from tests.ui.test_print_notes import pdf_pages

    ann = pick(page, "Ann Archer")
    page.edit_letter()
    qtbot.waitUntil(lambda: page.letter_editor is not None, timeout=3000)
    editor = page.letter_editor
    assert editor is not None
    assert editor.windowTitle() == "Letter to Ann Archer"
    assert editor.text_edit.toPlainText().startswith("Dear Ann,")
    editor.text_edit.setPlainText("Dear Ann,\n\nA word just for you:\nsee you in March.\n\nSam")
    with qtbot.waitSignal(editor.saved, timeout=5000):
        editor.accept()
    wait_idle()
    assert "Letter to Ann Archer saved." in page.message_label.text()
    qtbot.waitUntil(lambda: "(edited)" in page.members_table.item(0, 1).text(), timeout=3000)
    with db.read() as s:
        assert campaign_letters.member_letter(s, campaign, ann).endswith("see you in March.\n\nSam")

    letters = tmp_path / "letters.pdf"
    page.save_letters(str(letters))
    qtbot.waitUntil(lambda: "2 letters saved" in page.message_label.text(), timeout=5000)
    first = pdf_pages(letters)[0]
    assert "A word just for you: see you in March." in first


def test_an_empty_letter_is_refused_and_the_stored_one_kept(qtbot, db, page, campaign, wait_idle):
    ann = pick(page, "Ann Archer")
    with db.read() as s:
        before = campaign_letters.member_letter(s, campaign, ann)
    page.edit_letter()
    qtbot.waitUntil(lambda: page.letter_editor is not None, timeout=3000)
    editor = page.letter_editor
    assert editor is not None
    editor.text_edit.setPlainText("   \n ")
    editor.accept()
    qtbot.waitUntil(lambda: "a letter needs some text" in editor.error_label.text(), timeout=3000)
    assert editor.isVisible()
    with db.read() as s:
        assert campaign_letters.member_letter(s, campaign, ann) == before


def test_a_sent_letter_opens_read_only(qtbot, db, page, campaign, wait_idle):
    with db.write() as s:
        campaign_letters.mark_printed(s, campaign)
        campaign_letters.mark_sent(s, campaign)
    page.reload()
    qtbot.waitUntil(lambda: page.members_table.item(0, 1).text() == "sent", timeout=3000)
    pick(page, "Ann Archer")
    page.edit_letter()
    qtbot.waitUntil(lambda: page.letter_editor is not None, timeout=3000)
    editor = page.letter_editor
    assert editor is not None
    assert editor.text_edit.isReadOnly()
    assert "was sent" in editor.hint_label.text()


def test_members_are_added_by_hand_and_removed_after_asking(qtbot, db, page, campaign, wait_idle):
    with db.write() as s:
        cat = 3  # made third by `people`
        dan = contacts.create(s, ContactDraft(name="Dan Dee")).id
        campaigns.set_opt_out(s, dan, True)
    page.add_members()
    adder = page.members_dialog
    assert adder is not None
    qtbot.addWidget(adder)
    adder.picker.add_contact(dan, "Dan Dee")
    adder.accept()
    qtbot.waitUntil(lambda: "opted out of campaigns" in adder.error_label.text(), timeout=3000)
    assert member_names(page) == ["Ann Archer", "Ben Baker"]  # nothing half-added

    adder.picker.remove_contact(dan)
    adder.picker.add_contact(cat, "Cat Cole")
    with qtbot.waitSignal(adder.added, timeout=5000):
        adder.accept()
    qtbot.waitUntil(lambda: len(member_names(page)) == 3, timeout=3000)
    assert "1 member added." in page.message_label.text()
    with db.read() as s:
        shown = campaign_results.get_campaign(s, campaign)
    cat_row = next(m for m in shown.members if m.contact_id == cat)
    assert cat_row.letter_status == "draft" and cat_row.followup_id is not None

    asked: list[str] = []
    page.confirm = lambda title, text, action: asked.append(text) is not None  # says no
    pick(page, "Ben Baker")
    page.remove_member()
    wait_idle()
    assert "Take Ben Baker out of this campaign?" in asked[0]
    assert len(member_names(page)) == 3

    page.confirm = lambda *_: True
    pick(page, "Ben Baker")
    page.remove_member()
    qtbot.waitUntil(lambda: "Ben Baker" not in member_names(page), timeout=3000)
    assert "Ben Baker removed from the campaign." in page.message_label.text()


def test_a_campaign_is_deleted_after_asking(qtbot, db, page, campaign, wait_idle):
    page.confirm = lambda *_: False
    page.delete_campaign()
    wait_idle()
    assert page.campaign_list.count() == 1

    page.confirm = lambda *_: True
    page.delete_campaign()
    qtbot.waitUntil(lambda: page.title_label.text() == "No campaigns yet", timeout=3000)
    assert "2 open follow-ups cancelled" in page.message_label.text()
    with db.read() as s:
        assert campaign_results.list_campaigns(s) == []


def test_the_print_preview_paints_one_page_per_letter_and_printing_marks_them(
    qtbot, db, ctx, page, campaign, wait_idle, tmp_path
):
    from PySide6.QtPrintSupport import QPrinter

    from tests.ui.test_print_notes import pdf_pages

    shown: list = []
    page.show_preview = shown.append
    page.envelopes_box.setChecked(True)
    page.preview_button.click()
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=3000)
    (preview,) = shown
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "preview.pdf"))
    preview.paintRequested.emit(printer)
    pages = pdf_pages(tmp_path / "preview.pdf")
    assert len(pages) == 4  # a letter and its envelope for each member
    assert pages[0].startswith("Dear Ann,") or "Dear Ann," in pages[0]
    with db.read() as s:
        assert {m.letter_status for m in campaign_results.get_campaign(s, campaign).members} == {
            "draft"
        }

    with qtbot.waitSignal(ctx.events.changed, timeout=5000):
        preview.accept()
    wait_idle()
    with db.read() as s:
        assert {m.letter_status for m in campaign_results.get_campaign(s, campaign).members} == {
            "printed"
        }
    assert "2 letters printed." in page.message_label.text()


def test_the_name_and_cost_are_corrected_and_the_figures_follow(
    qtbot, db, page, campaign, wait_idle
):
    asked: list[tuple[str, str, str]] = []
    page.ask_details = lambda *current: asked.append(current) or None  # Cancel
    page.edit_button.click()
    wait_idle()
    assert asked == [("Spring seminar", "", "USD")]
    page.ask_details = lambda *_: ("Spring seminar 2027", "240.00", "EUR")
    page.edit_button.click()
    qtbot.waitUntil(lambda: page.title_label.text() == "Spring seminar 2027", timeout=3000)
    assert "240.00 EUR" in page.figures_label.text()
    assert page.message_label.text() == "Saved."
    assert page.campaign_list.item(0).text().startswith("Spring seminar 2027\n")
    # A bad value: one line, nothing changed.
    for answer, message in ((("x", "ten", "EUR"), "not an amount"), (("", "1", "EUR"), "name")):
        page.ask_details = lambda *_, answer=answer: answer
        page.edit_button.click()
        wait_idle()
        assert message in page.message_label.text() and "\n" not in page.message_label.text()
    with db.read() as s:
        (row,) = campaign_results.list_campaigns(s)
    assert (row.name, str(row.cost), row.currency) == ("Spring seminar 2027", "240.00", "EUR")
