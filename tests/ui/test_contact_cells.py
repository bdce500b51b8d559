"""The contact list's cell painter (issue 18): the style's pixels, at a fraction of its cost."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QImage
from PySide6.QtWidgets import QStyledItemDelegate

from relationship_crm.domain.enums import Stage
from relationship_crm.domain.records import ContactDraft, FollowUpDraft
from relationship_crm.services import contacts, followups
from relationship_crm.ui.models.contacts_model import ContactsModel
from relationship_crm.ui.models.delegates import ContactCellDelegate
from relationship_crm.ui.panels.contact_list import ContactListPanel

LONG = "Maximiliana Theodora Wolfeschlegelsteinhausenberger-Ōkubo"


@pytest.fixture
def panel(qtbot, ctx, db, wait_idle):
    with db.write() as s:
        people = [
            ContactDraft(name="Ana Ng", company="A", stage=Stage.LEAD),
            ContactDraft(name=LONG, company=f"{LONG} Holdings International", stage="customer"),
            ContactDraft(name="<b>Not bold</b> & co", company="Zeta", stage=Stage.PARTNER),
            ContactDraft(name="Siobhán Ó Briain", company="Ó Briain Teoranta"),
        ]
        ids = [contacts.create(s, p).id for p in people]
        for cid, due in ((ids[0], datetime(2026, 11, 20, 9)), (ids[3], datetime(2027, 1, 5, 14))):
            followups.add(s, FollowUpDraft(cid, due, "America/New_York"))  # overdue, then not
    widget = ContactListPanel(ctx)
    qtbot.addWidget(widget)
    widget.resize(520, 300)
    widget.show()
    wait_idle()
    qtbot.waitUntil(lambda: widget.model.rowCount() == 4)
    return widget


def grab(panel: ContactListPanel, delegate: QStyledItemDelegate) -> QImage:
    panel.view.setItemDelegate(delegate)
    return panel.view.viewport().grab().toImage()


def assert_paints_as_the_style(panel: ContactListPanel) -> None:
    ours = panel.view.itemDelegate()
    assert isinstance(ours, ContactCellDelegate)
    styled = grab(panel, QStyledItemDelegate(panel.view))
    fast = grab(panel, ours)
    assert fast == styled


def test_cells_paint_the_same_pixels_as_the_style(panel, qtbot):
    # Elided names and companies, stage colours, the overdue red, markup shown as plain text.
    assert_paints_as_the_style(panel)
    panel.view.selectRow(1)  # a selected row (and its focus frame) is the style's own
    assert_paints_as_the_style(panel)
    panel.view.setColumnWidth(0, 60)  # narrower: more eliding, from the model's widths
    assert_paints_as_the_style(panel)
    panel.setEnabled(False)
    assert_paints_as_the_style(panel)


@pytest.mark.parametrize("points", [7.0, 8.5, 10.5, 11.0, 12.0, 13.5, 16.0, 22.0])
def test_a_new_font_measures_again(panel, qtbot, points):
    font = QFont(panel.view.font())
    font.setPointSizeF(points)
    panel.view.setFont(font)
    assert_paints_as_the_style(panel)


def test_cells_give_the_texts_and_colours_the_roles_give(panel):
    model = panel.model
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            found = model.cell(row, column)
            assert found == (index.data(), index.data(Qt.ItemDataRole.ForegroundRole))
    assert model.cell(model.rowCount(), 0) is None


def test_a_paint_asks_the_model_nothing_through_qt(qtbot, ctx, db, wait_idle, monkeypatch):
    """The style's way asked data() for seven roles of every visible cell on every frame."""
    with db.write() as s:
        for i in range(80):
            contacts.create(s, ContactDraft(name=f"Person {i:03d}", company="Acme"))
    asked: list[int] = []
    data = ContactsModel.data

    def counting(self, index, role=0):  # type: ignore[no-untyped-def]
        asked.append(role)
        return data(self, index, role)

    monkeypatch.setattr(ContactsModel, "data", counting)
    widget = ContactListPanel(ctx)
    qtbot.addWidget(widget)
    widget.resize(520, 400)
    widget.show()
    wait_idle()
    qtbot.waitUntil(lambda: widget.model.rowCount() == 60)
    widget.view.viewport().repaint()  # the columns fitted, a frame as the first paint made it
    asked.clear()
    bar = widget.view.verticalScrollBar()
    bar.setValue(bar.value() + bar.pageStep())
    widget.view.viewport().repaint()
    assert widget.view.rowAt(0) > 0
    assert asked == []
