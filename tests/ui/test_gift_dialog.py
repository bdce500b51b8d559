"""The gift dialog (earlier gifts, repeat warning, exact costs) and the company totals it shows."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog

from relationship_crm.domain.changes import Changes
from relationship_crm.domain.enums import MeetingKind
from relationship_crm.domain.records import ContactDraft, GiftDraft, GiftView, MeetingDraft
from relationship_crm.services import contacts, gifts, meetings, settings
from relationship_crm.ui.dialogs.gift_dialog import GiftDialog, find_repeats, format_money

pytestmark = pytest.mark.gui


@pytest.fixture
def acme(db) -> dict[str, int]:
    """Jane and John work at Acme; Zoe elsewhere. Jane was given wine, lunch and a book."""
    with db.write() as s:
        jane = contacts.create(s, ContactDraft(name="Jane Doe", company="Acme")).id
        john = contacts.create(s, ContactDraft(name="John Smith", company="ACME")).id
        zoe = contacts.create(s, ContactDraft(name="Zoë Quinn", company="Globex")).id
        add = gifts.add
        add(s, GiftDraft(jane, "Wine", date(2026, 6, 1), Decimal("45.50"), "USD", "Signed"))
        add(s, GiftDraft(jane, "Crème brûlée set", date(2026, 3, 12), Decimal("30"), "EUR"))
        add(s, GiftDraft(jane, "Book", date(2025, 12, 20), Decimal("28.00"), "USD"))
        add(s, GiftDraft(john, "Concert tickets", date(2026, 9, 2), Decimal("240"), "USD"))
        add(s, GiftDraft(zoe, "Flowers", date(2026, 2, 2), Decimal("60"), "USD"))
        company_id = contacts.get(s, jane).company_id
    return {"jane": jane, "john": john, "zoe": zoe, "company": company_id}


@pytest.fixture
def open_dialog(qtbot, ctx, wait_idle):
    def open_(contact_id: int, name: str, **kwargs) -> GiftDialog:
        dialog = GiftDialog(ctx, contact_id, name, **kwargs)
        qtbot.addWidget(dialog)
        with qtbot.waitActive(dialog):
            dialog.show()
            dialog.activateWindow()
        wait_idle()  # the earlier gifts are loaded
        return dialog

    return open_


def gifts_of(db, contact_id: int):
    with db.read() as s:
        return gifts.list_gifts(s, contact_id=contact_id)


def history_rows(dialog: GiftDialog) -> list[list[str]]:
    tree = dialog.history_tree
    return [
        [tree.topLevelItem(r).text(c) for c in range(tree.columnCount())]
        for r in range(tree.topLevelItemCount())
    ]


def test_shows_what_the_contact_was_given_and_the_totals(open_dialog, acme):
    dialog = open_dialog(acme["jane"], "Jane Doe")
    assert history_rows(dialog) == [
        ["2026-06-01", "Wine", "Signed", "USD 45.50"],
        ["2026-03-12", "Crème brûlée set", "", "EUR 30.00"],
        ["2025-12-20", "Book", "", "USD 28.00"],
    ]
    assert not dialog.empty_label.isVisible()
    # 2026 only (the clock says November 2026); currencies are never added together.
    assert dialog.contact_total_label.text() == "Total to Jane Doe in 2026: EUR 30.00 · USD 45.50"
    assert dialog.company_total_label.text() == (
        "Total to Acme (all contacts) in 2026: EUR 30.00 · USD 285.50"
    )
    assert dialog.date_edit.text() == "2026-11-23"
    assert dialog.currency_combo.currentText() == "USD"


def test_a_contact_with_nothing_yet(qtbot, db, open_dialog):
    with db.write() as s:
        cher = contacts.create(s, ContactDraft(name="Cher")).id
    dialog = open_dialog(cher, "Cher")
    assert history_rows(dialog) == []
    assert dialog.empty_label.isVisible() and dialog.empty_label.text() == "Nothing recorded yet."
    assert dialog.contact_total_label.text() == "Total to Cher in 2026: nothing"
    assert not dialog.company_total_label.isVisible()


def test_typing_an_item_given_before_warns(qtbot, open_dialog, acme):
    dialog = open_dialog(acme["jane"], "Jane Doe")
    qtbot.keyClicks(dialog.item_edit, "wine")
    assert dialog.repeat_label.isVisible()
    assert dialog.repeat_label.text() == "⚠ Already given: Wine on 2026-06-01"

    dialog.item_edit.clear()
    qtbot.keyClicks(dialog.item_edit, "Pen")
    assert not dialog.repeat_label.isVisible()

    dialog.item_edit.setText("CREME BRULEE SET")  # accents and case do not matter
    assert dialog.repeat_label.isVisible()
    assert "Crème brûlée set on 2026-03-12" in dialog.repeat_label.text()


@pytest.mark.parametrize(
    "typed, earlier, repeat",
    [
        ("wine", "Wine", True),
        ("Red wine", "Wine", True),
        ("wine", "Bottle of wine", True),
        ("Vin rouge", "vin", True),
        ("Pen", "Pendant", False),
        ("Pen", "Wine", False),
        ("  ", "Wine", False),
    ],
)
def test_find_repeats(typed, earlier, repeat):
    given = GiftView(1, 1, "Jane", earlier, "", None, "USD", date(2026, 1, 1))
    assert bool(find_repeats(typed, [given])) is repeat


def test_saving_records_the_exact_cost(qtbot, ctx, db, open_dialog, acme, wait_idle):
    with db.write() as s:
        meeting_id = meetings.log(
            s,
            MeetingDraft(
                "Lunch",
                datetime(2026, 11, 20, 12, 0),
                "America/New_York",
                (acme["zoe"],),
                kind=MeetingKind.LUNCH,
            ),
        ).id
    dialog = open_dialog(acme["zoe"], "Zoë Quinn", meeting_id=meeting_id)
    qtbot.keyClicks(dialog.item_edit, "Pen")
    qtbot.keyClicks(dialog.occasion_edit, "Thank you")
    qtbot.keyClicks(dialog.cost_edit, "1,250.10")
    dialog.currency_combo.setCurrentText("eur")
    dialog.date_edit.setDate(QDate(2026, 11, 20))
    assert not dialog.cost_error_label.isVisible()

    with (
        qtbot.waitSignal(ctx.events.changed) as changed,
        qtbot.waitSignal(dialog.gift_saved) as saved,
    ):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_idle()

    assert changed.args == [Changes(gifts=True), dialog]
    assert dialog.result() == QDialog.DialogCode.Accepted
    newest = gifts_of(db, acme["zoe"])[0]
    assert newest.id == saved.args[0]
    assert (newest.item, newest.occasion, newest.currency) == ("Pen", "Thank you", "EUR")
    assert newest.cost == Decimal("1250.10") and str(newest.cost) == "1250.10"
    assert newest.given_on == date(2026, 11, 20)
    assert newest.meeting_id == meeting_id


def test_a_bad_cost_is_shown_inline_and_nothing_is_written(qtbot, db, open_dialog, acme, runner):
    dialog = open_dialog(acme["jane"], "Jane Doe")
    qtbot.keyClicks(dialog.item_edit, "Pen")
    qtbot.keyClicks(dialog.cost_edit, "12,5x")
    assert dialog.cost_error_label.isVisible()  # at once, while typing
    assert "is not an amount" in dialog.cost_error_label.text()

    qtbot.keyClick(dialog.item_edit, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.cost_edit.hasFocus()
    assert runner.idle
    assert len(gifts_of(db, acme["jane"])) == 3

    dialog.cost_edit.setText("12.50")
    assert not dialog.cost_error_label.isVisible()


def test_an_empty_item_is_refused_and_nothing_is_written(qtbot, db, open_dialog, acme, runner):
    dialog = open_dialog(acme["jane"], "Jane Doe")
    qtbot.keyClick(dialog.item_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.isVisible() and dialog.error_label.isVisible()
    assert dialog.item_edit.hasFocus()
    assert runner.idle and len(gifts_of(db, acme["jane"])) == 3


def test_the_default_currency_comes_from_the_settings(db, open_dialog, acme):
    with db.write() as s:
        settings.put(s, "currency", "BRL")
    dialog = open_dialog(acme["jane"], "Jane Doe")
    assert dialog.currency_combo.currentText() == "BRL"


def test_format_money_never_rounds_away_cents():
    assert format_money(Decimal("1250.1"), "USD") == "USD 1,250.10"
    assert format_money(Decimal("0.125"), "EUR") == "EUR 0.125"


def test_company_yearly_totals(db, acme):
    with db.read() as s:
        assert gifts.company_yearly_totals(s, acme["company"], 2026) == {
            "USD": Decimal("285.50"),
            "EUR": Decimal("30"),
        }
        assert gifts.company_yearly_totals(s, acme["company"], 2025) == {"USD": Decimal("28.00")}
        assert gifts.company_yearly_totals(s, acme["company"], 2024) == {}
    with db.write() as s:
        contacts.trash(s, acme["john"])
    with db.read() as s:  # a contact in the trash no longer counts, as everywhere else
        assert gifts.company_yearly_totals(s, acme["company"], 2026)["USD"] == Decimal("45.50")


def test_unknown_currency_and_too_fine_cost_are_refused_inline(
    qtbot, db, open_dialog, acme, runner
):
    dialog = open_dialog(acme["jane"], "Jane Doe")
    qtbot.keyClicks(dialog.item_edit, "Pen")
    qtbot.keyClicks(dialog.cost_edit, "5.5")
    dialog.currency_combo.setCurrentText("JPY")
    qtbot.keyClick(dialog.item_edit, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.cost_error_label.isVisible()
    assert dialog.cost_error_label.text() == "Cost 5.5 has 1 decimal; JPY takes no decimals"
    dialog.currency_combo.setCurrentText("XYZ")
    qtbot.keyClick(dialog.item_edit, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.error_label.isVisible()
    assert "unknown currency 'XYZ'" in dialog.error_label.text()
    assert runner.idle and len(gifts_of(db, acme["jane"])) == 3
