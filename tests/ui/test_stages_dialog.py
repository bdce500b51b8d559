"""View → Stages…: the funnel's stages edited, added, and a stage of the rep's own deleted."""

from __future__ import annotations

import pytest

from relationship_crm.domain.records import ContactDraft
from relationship_crm.services import contacts, stages
from relationship_crm.ui.dialogs.stages_dialog import StagesDialog

pytestmark = pytest.mark.gui


def _open(qtbot, ctx, wait_idle) -> StagesDialog:
    dialog = StagesDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    wait_idle()
    return dialog


def _select(dialog: StagesDialog, key: str) -> None:
    for row in range(dialog.stage_list.count()):
        if dialog.current_key() == key:
            return
        dialog.stage_list.setCurrentRow(row)
    assert dialog.current_key() == key


def _keys(db) -> list[str]:
    with db.read() as s:
        return [i.key for i in stages.list_stages(s)]


def test_a_stage_added_by_mistake_is_deleted_after_asking(qtbot, ctx, db, wait_idle):
    dialog = _open(qtbot, ctx, wait_idle)
    dialog.new_key.setText("qualifed")
    dialog.new_label.setText("Qualifed")
    dialog.new_after.setCurrentIndex(1)  # after Lead
    dialog.add_button.click()
    wait_idle()
    assert dialog.current_key() == "qualifed"
    assert dialog.delete_button.isEnabled()
    asked: list[str] = []
    dialog.confirm = lambda title, text, action: asked.append(text) or False  # Cancel
    dialog.delete_button.click()
    wait_idle()
    assert "Qualifed" in asked[0] and "qualifed" in _keys(db)
    dialog.confirm = lambda title, text, action: True
    dialog.delete_button.click()
    wait_idle()
    assert "qualifed" not in _keys(db)
    assert dialog.status.text() == "Deleted Qualifed."
    assert dialog.current_key() == "lead"  # the stage before it
    assert [dialog.stage_list.item(i).text() for i in range(dialog.stage_list.count())] == [
        "Prospect",
        "Lead",
        "Customer",
        "Partner",
        "Other",
    ]


def test_shipped_stages_cannot_be_deleted_and_one_in_use_says_why(qtbot, ctx, db, wait_idle):
    with db.write() as s:
        stages.add_stage(s, "qualified", label="Qualified", after="lead")
        contacts.create(s, ContactDraft(name="Quinn", stage="qualified"))
    dialog = _open(qtbot, ctx, wait_idle)
    _select(dialog, "lead")
    assert not dialog.delete_button.isEnabled()
    _select(dialog, "qualified")
    assert dialog.delete_button.isEnabled()
    dialog.confirm = lambda title, text, action: True
    dialog.delete_button.click()
    wait_idle()
    assert "1 contact is in the stage 'qualified'" in dialog.message.text()
    assert dialog.message.text().startswith("Not deleted")
    assert "qualified" in _keys(db)


def test_a_stage_is_renamed_and_redefined(qtbot, ctx, db, wait_idle):
    dialog = _open(qtbot, ctx, wait_idle)
    _select(dialog, "lead")
    dialog.label.setText("Hot lead")
    dialog.definition.setPlainText("Budget and timeline known.")
    dialog.stuck_after.setValue(21)
    dialog.save_button.click()
    wait_idle()
    with db.read() as s:
        lead = stages.get_stage(s, "lead")
    assert (lead.label, lead.definition, lead.stuck_after_days) == (
        "Hot lead",
        "Budget and timeline known.",
        21,
    )
    assert dialog.status.text() == "Saved Hot lead."
