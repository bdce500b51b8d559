"""Wherever a stage is chosen (editor, contact page, list filter) the stored stages are offered,
with each definition as tooltip, and the editor shows the chosen stage's definition under it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from relationship_crm.domain.records import ContactDraft
from relationship_crm.services import contacts, stages
from relationship_crm.ui.dialogs.contact_editor import ContactEditor
from relationship_crm.ui.panels.contact_list import ContactListPanel
from relationship_crm.ui.panels.contact_page import ContactPage

pytestmark = pytest.mark.gui


@pytest.fixture
def quinn(db) -> int:
    with db.write() as s:
        stages.add_stage(
            s, "qualified", label="Qualified", after="lead", definition="Budget confirmed."
        )
        stages.edit_stage(s, "lead", label="Hot lead")
        return contacts.create(s, ContactDraft(name="Quinn", stage="qualified")).id


def test_the_editor_offers_the_stored_stages_and_shows_the_definition(
    qtbot, ctx, db, quinn, wait_idle
):
    with db.read() as s:
        view = contacts.get(s, quinn)
    editor = ContactEditor(ctx, view)
    qtbot.addWidget(editor)
    editor.show()
    wait_idle()
    combo = editor.stage
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "Prospect",
        "Hot lead",
        "Qualified",
        "Customer",
        "Partner",
        "Other",
    ]
    assert combo.current_key() == "qualified"
    assert editor.stage_definition.text() == "Budget confirmed."
    assert "Actively shopping" in combo.itemData(1, Qt.ItemDataRole.ToolTipRole)
    combo.setCurrentIndex(0)
    assert "May need us some day" in editor.stage_definition.text()
    assert editor.draft().stage == "prospect"


def test_the_page_and_the_list_filter_use_the_stored_stages(qtbot, ctx, db, quinn, wait_idle):
    page = ContactPage(ctx)
    qtbot.addWidget(page)
    page.show_contact(quinn)
    wait_idle()
    assert page.stage_combo.currentText() == "Qualified"
    assert page.stage_combo.toolTip() == "Budget confirmed."
    panel = ContactListPanel(ctx)
    qtbot.addWidget(panel)
    wait_idle()
    texts = [panel.stage_filter.itemText(i) for i in range(panel.stage_filter.count())]
    assert texts[:4] == ["All stages", "Prospect", "Hot lead", "Qualified"]
    panel.stage_filter.setCurrentIndex(3)
    wait_idle()
    assert panel.model.rowCount() == 1
    assert panel.model.data(panel.model.index(0, 2)) == "Qualified"
