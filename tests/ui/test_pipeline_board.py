"""View → Pipeline: columns with counts, cards dragged to another stage (and undone), a click
opens the contact; View → Stages… edits and adds stages (real widgets, real database)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt

from relationship_crm.domain.records import ContactDraft
from relationship_crm.paths import AppPaths
from relationship_crm.services import contacts, stages
from relationship_crm.ui.main_window import MainWindow
from relationship_crm.ui.models.board_model import StageCardsModel, card_mime

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("does not support raise")]

T0 = datetime(2026, 11, 23, 19, 0, tzinfo=UTC)  # the ui conftest's FIXED_NOW


@pytest.fixture
def people(db) -> dict[str, int]:
    with db.write() as s:
        ids = {
            "jane": contacts.create(
                s,
                ContactDraft(name="Jane Doe", company="Acme", stage="lead"),
                now=datetime(2026, 9, 1, tzinfo=UTC),
            ).id,
            "bob": contacts.create(s, ContactDraft(name="Bob Stone", stage="lead"), now=T0).id,
            "cy": contacts.create(s, ContactDraft(name="Cy Cole", stage="customer"), now=T0).id,
        }
    return ids


@pytest.fixture
def window(qtbot, ctx, db, people, wait_idle) -> MainWindow:
    win = MainWindow(ctx, AppPaths(Path(db.path)))
    qtbot.addWidget(win)
    win.show()
    wait_idle()
    yield win
    wait_idle()


def board_of(window, wait_idle):
    board = window.show_pipeline()
    wait_idle()
    wait_idle()
    return board


def names(model: StageCardsModel) -> list[str]:
    return [model.data(model.index(r, 0)) for r in range(model.rowCount())]


def test_the_board_has_a_column_per_stage_with_counts_and_stuck_badges(window, wait_idle):
    board = board_of(window, wait_idle)
    assert window.stack.currentWidget() is board
    assert list(board.columns) == ["prospect", "lead", "customer", "partner", "other"]
    lead = board.columns["lead"]
    assert lead.title.text() == "Lead"
    assert lead.count.text() == "2 contacts · 1 stuck"  # Jane: 84 days in lead (limit 30)
    assert names(lead.model) == ["Jane Doe", "Bob Stone"]  # longest in the stage first
    jane = lead.model.card(0)
    assert jane is not None and jane.stuck and jane.company == "Acme"
    assert jane.days_in_stage == 84  # since 31 Aug in New York (1 Sep 00:00 UTC)
    assert board.columns["customer"].count.text() == "1 contact"
    assert "Actively shopping" in lead.toolTip()
    assert window.pipeline_action.shortcut().toString() == "Ctrl+3"


def test_dropping_a_card_on_another_column_moves_the_contact_and_undo_restores_it(
    window, db, people, wait_idle
):
    board = board_of(window, wait_idle)
    target = board.columns["customer"].model
    mime = card_mime(people["jane"], "lead")
    assert target.canDropMimeData(mime, Qt.DropAction.MoveAction, -1, 0, QModelIndex())
    assert not board.columns["lead"].model.canDropMimeData(
        mime, Qt.DropAction.MoveAction, -1, 0, QModelIndex()
    )
    assert target.dropMimeData(mime, Qt.DropAction.MoveAction, -1, 0, QModelIndex())
    wait_idle()
    wait_idle()
    with db.read() as s:
        assert contacts.get(s, people["jane"]).stage == "customer"
    assert names(board.columns["customer"].model) == ["Cy Cole", "Jane Doe"]  # both since T0
    assert board.columns["lead"].count.text() == "1 contact"
    assert window.undo_action.text() == "&Undo move Jane Doe to Customer"
    assert window.statusBar().currentMessage() == "Moved Jane Doe to Customer. Ctrl+Z to undo."

    window.undo_action.trigger()
    wait_idle()
    wait_idle()
    with db.read() as s:
        jane = contacts.get(s, people["jane"])
    assert jane.stage == "lead"
    assert [h.stage for h in jane.stage_history] == ["lead"]
    assert names(board.columns["lead"].model) == ["Jane Doe", "Bob Stone"]
    assert window.statusBar().currentMessage() == "Moved Jane Doe back to Lead."


def test_a_click_on_a_card_opens_the_contact(window, people, qtbot, wait_idle):
    board = board_of(window, wait_idle)
    view = board.columns["lead"].view
    rect = view.visualRect(view.model().index(1, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    wait_idle()
    assert window.stack.currentWidget() is window.splitter
    assert window.contact_page.contact is not None
    assert window.contact_page.contact.id == people["bob"]


def test_a_column_loads_its_cards_page_by_page(qtbot, ctx, db, wait_idle):
    with db.write() as s:
        for i in range(25):
            contacts.create(s, ContactDraft(name=f"P {i:02d}"), now=T0)
    model = StageCardsModel(ctx, "prospect", page_size=10)
    model.reload(25)
    wait_idle()
    assert model.rowCount() == 10 and model.canFetchMore()
    model.fetchMore()
    wait_idle()
    model.fetchMore()
    wait_idle()
    assert model.rowCount() == 25 and not model.canFetchMore()


def test_the_stages_dialog_edits_and_adds_stages(window, db, wait_idle):
    dialog = window.edit_stages()
    wait_idle()
    assert dialog.stage_list.count() == 5
    dialog.stage_list.setCurrentRow(1)
    assert dialog.label.text() == "Lead"
    assert "Actively shopping" in dialog.definition.toPlainText()
    assert dialog.stuck_after.value() == 30
    dialog.label.setText("Hot lead")
    dialog.stuck_after.setValue(0)  # "never"
    dialog.save_stage()
    wait_idle()
    wait_idle()
    dialog.new_key.setText("qualified")
    dialog.new_label.setText("Qualified")
    dialog.new_after.setCurrentIndex(1)
    dialog.add_button.click()
    wait_idle()
    wait_idle()
    with db.read() as s:
        found = stages.list_stages(s)
    assert [(x.key, x.label, x.stuck_after_days) for x in found[:3]] == [
        ("prospect", "Prospect", 180),
        ("lead", "Hot lead", None),
        ("qualified", "Qualified", None),
    ]
    assert dialog.stage_list.currentItem().text() == "Qualified"
    dialog.new_key.setText("Bad Key")
    dialog.new_label.setText("X")
    dialog.add_button.click()
    wait_idle()
    assert "lowercase" in dialog.message.text()
    board = board_of(window, wait_idle)
    assert list(board.columns)[:3] == ["prospect", "lead", "qualified"]
    assert board.columns["lead"].title.text() == "Hot lead"
