"""The Campaigns window (issue 16): the wizard with its live count and letter preview, then the
campaign page: members, outcome from the menu, results figures and chart, letters and labels."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from relationship_crm.domain.enums import Stage
from relationship_crm.domain.records import Address, ContactDraft
from relationship_crm.services import campaigns, contacts, settings
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
        page = campaigns.get_campaign(s, 1)
    assert {m.letter_status for m in page.members} == {"printed"}
    assert page.results.cost is not None and page.results.cost == 40
