"""The Reminders panel's "Keep in touch" section: lost, then drifting, with one-click actions."""

from __future__ import annotations

from datetime import UTC, date, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from relationship_crm.domain.changes import Changes
from relationship_crm.domain.records import ContactDraft, GiftDraft
from relationship_crm.services import contacts, gifts, health
from relationship_crm.ui.panels.reminders_panel import RemindersPanel

# The fixed clock says Monday 23 November 2026; everyone was added on 1 October 2026.
ADDED = datetime(2026, 10, 1, 15, 0, tzinfo=UTC)


def person(db, name: str, ideal: int, most: int) -> int:
    with db.write() as s:
        cid = contacts.create(s, ContactDraft(name=name), now=ADDED).id
        health.set_contact_rhythm(s, cid, ideal, most)
        return cid


def make_panel(qtbot, ctx) -> RemindersPanel:
    panel = RemindersPanel(ctx)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: panel.loaded and panel.keep_in_touch.loaded)
    return panel


def texts(panel: RemindersPanel) -> list[str]:
    box = panel.keep_in_touch
    out = []
    for i in range(box.list.count()):
        item = box.list.item(i)
        out.append(item.data(Qt.ItemDataRole.AccessibleTextRole) or item.text())
    return out


def test_lost_then_drifting_with_the_days(qtbot, ctx, db):
    # 53 days since 1 October.
    drifting = person(db, "Bob Stone", 30, 90)
    lost = person(db, "Jane Doe", 20, 45)
    person(db, "Ann Fine", 60, 90)  # within the ideal: not listed
    panel = make_panel(qtbot, ctx)
    box = panel.keep_in_touch
    assert box.isVisible()
    assert [e.contact_id for e in box.entries()] == [lost, drifting]
    assert box.title_button.text() == "▾ Keep in touch (2)"
    assert texts(panel) == [
        "Lost (1)",
        "Jane Doe · 53 days (max 45)",
        "Drifting (1)",
        "Bob Stone · 53 days (ideal 30)",
    ]
    assert "every 20 days (at most 45 days), set for this contact" in box.list.item(1).toolTip()


def test_nobody_drifting_hides_the_section(qtbot, ctx, db):
    person(db, "Ann Fine", 60, 90)
    panel = make_panel(qtbot, ctx)
    assert not panel.keep_in_touch.isVisible()


def test_the_section_folds_like_overdue(qtbot, ctx, db):
    person(db, "Jane Doe", 20, 45)
    box = make_panel(qtbot, ctx).keep_in_touch
    qtbot.mouseClick(box.title_button, Qt.MouseButton.LeftButton)
    assert box.collapsed and not box.list.isVisible()
    assert box.title_button.text() == "▸ Keep in touch (1)"
    qtbot.mouseClick(box.title_button, Qt.MouseButton.LeftButton)
    assert not box.collapsed and box.list.isVisible()


def test_one_click_logs_a_touch_or_sets_a_follow_up(qtbot, ctx, db):
    jane = person(db, "Jane Doe", 20, 45)
    box = make_panel(qtbot, ctx).keep_in_touch
    buttons = box.row_buttons(jane)
    assert buttons is not None
    log, follow = buttons
    with qtbot.waitSignal(box.log_touch_requested) as logged:
        qtbot.mouseClick(log, Qt.MouseButton.LeftButton)
    assert logged.args == [jane, "Jane Doe"]
    dialogs = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    log_dialog = next(w for w in dialogs if type(w).__name__ == "LogMeetingDialog")
    log_dialog.reject()
    with qtbot.waitSignal(box.follow_up_requested) as asked:
        qtbot.mouseClick(follow, Qt.MouseButton.LeftButton)
    assert asked.args == [jane, "Jane Doe"]
    dialogs = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    follow_dialog = next(w for w in dialogs if type(w).__name__ == "FollowUpDialog")
    follow_dialog.reject()


def test_a_gift_takes_a_contact_off_the_list(qtbot, ctx, db):
    jane = person(db, "Jane Doe", 20, 45)
    panel = make_panel(qtbot, ctx)
    with db.write() as s:
        gifts.add(s, GiftDraft(contact_id=jane, item="Book", given_on=date(2026, 11, 20)))
    ctx.events.changed.emit(Changes(gifts=True), None)
    qtbot.waitUntil(lambda: not panel.keep_in_touch.isVisible())
    assert panel.keep_in_touch.entries() == []


def test_the_section_fits_the_dock_at_1366(qtbot, ctx, db, wait_idle):
    from pathlib import Path

    from PySide6.QtWidgets import QToolButton

    from relationship_crm.paths import AppPaths
    from relationship_crm.ui.main_window import MainWindow

    for i in range(12):
        person(db, f"Maximilian Longname-Worthington {i}", 20 + i, 45)
    win = MainWindow(ctx, AppPaths(Path(db.path)))
    qtbot.addWidget(win)
    win.fit_to(1366, 728)
    win.show()
    box = win.reminders.keep_in_touch
    qtbot.waitUntil(lambda: box.loaded and box.isVisible())
    wait_idle()
    qtbot.wait(50)
    assert box.width() <= win.reminders.width()
    for button in box.list.findChildren(QToolButton):
        if button.isVisible():  # never cut: the name gives way instead
            assert button.width() >= button.sizeHint().width(), button.text()
            right = button.mapTo(box.list.viewport(), button.rect().topRight()).x()
            assert right <= box.list.viewport().width()
