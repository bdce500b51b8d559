"""The app's one write path (ui.operations.run_write, SavingDialog._write) on a real runner."""

from __future__ import annotations

import threading

import pytest
import shiboken6
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from relationship_crm.domain.changes import Changes, Created
from relationship_crm.domain.records import ContactDraft
from relationship_crm.services import contacts, followups
from relationship_crm.ui.context import UiContext
from relationship_crm.ui.dialogs.base import SavingDialog
from relationship_crm.ui.operations import run_write


class NameDialog(SavingDialog):
    """The smallest saving dialog: an error line and a Save button."""

    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self._ctx = ctx
        self.error_label = QLabel()
        self.error_label.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.done_with: list[object] = []

    def _saving_changed(self, saving: bool) -> None:
        self.buttons.setEnabled(not saving)

    def save(self, op) -> None:
        self._write(op, self._on_saved)

    def _on_saved(self, result: object) -> None:
        self.done_with.append(result)
        self.accept()


@pytest.fixture
def heard(ctx):
    """Every (changes, initiator) the app's events carried."""
    found: list[tuple[Changes, object]] = []
    ctx.events.changed.connect(lambda changes, initiator: found.append((changes, initiator)))
    return found


@pytest.fixture
def failures(ctx):
    found: list[tuple[str, bool]] = []
    ctx.runner.failed.connect(lambda message, bug: found.append((message, bug)))
    return found


def test_success_notifies_the_service_changes_with_the_initiator_then_calls_on_done(
    qtbot, ctx, db, heard, wait_idle
):
    owner = QWidget()
    qtbot.addWidget(owner)
    order: list[str] = []
    ctx.events.changed.connect(lambda *_: order.append("notified"))
    results: list[Created] = []

    def done(created: Created) -> None:
        order.append("done")
        results.append(created)

    run_write(owner, ctx, lambda s: contacts.create(s, ContactDraft(name="Ann Able")), done)
    wait_idle()

    assert heard == [(Changes(contacts=True, companies=True), owner)]
    assert order == ["notified", "done"]
    (created,) = results
    with db.read() as s:
        assert contacts.get(s, created.id).name == "Ann Able"


def test_a_given_initiator_is_used_and_a_write_that_changed_nothing_is_not_announced(
    qtbot, ctx, heard, wait_idle
):
    owner = QWidget()
    qtbot.addWidget(owner)
    done: list[object] = []
    run_write(owner, ctx, lambda s: contacts.create(s, ContactDraft(name="Bo")), initiator=None)
    run_write(owner, ctx, lambda s: Changes(), done.append)
    wait_idle()

    assert heard == [(Changes(contacts=True, companies=True), None)]
    assert done == [Changes()]


def test_a_known_error_shows_in_the_dialog_which_stays_open_with_save_enabled_again(
    qtbot, ctx, heard, failures, wait_idle
):
    dialog = NameDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()

    dialog.save(lambda s: followups.cancel(s, 4242))
    wait_idle()

    assert dialog.isVisible()
    assert dialog.error_label.isVisibleTo(dialog)
    assert dialog.error_label.text() == "Not saved: no follow-up with id 4242"
    assert dialog.buttons.isEnabled()
    assert failures == [] and heard == [] and dialog.done_with == []


def test_a_bug_is_shown_in_place_and_reported_to_the_app(qtbot, ctx, failures, wait_idle):
    dialog = NameDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()

    def broken(_session) -> Changes:
        raise RuntimeError("boom")

    dialog.save(broken)
    wait_idle()

    assert dialog.error_label.text() == (
        "Not saved: something went wrong inside the app (see the report)."
    )
    assert failures == [("boom", True)]
    assert dialog.isVisible()


def test_the_dialog_cannot_be_closed_while_its_write_runs(qtbot, ctx, heard, wait_idle):
    dialog = NameDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    release = threading.Event()

    def slow(session) -> Created:
        assert release.wait(10)  # held until the test has tried to close the dialog
        return contacts.create(session, ContactDraft(name="Cy Slow"))

    dialog.save(slow)
    assert not dialog.buttons.isEnabled()
    dialog.reject()  # Esc
    dialog.close()  # the window's close button
    assert dialog.isVisible()

    release.set()
    wait_idle()

    assert not dialog.isVisible()  # accepted by on_done once saved
    assert [type(r) for r in dialog.done_with] == [Created]
    assert heard == [(Changes(contacts=True, companies=True), dialog)]


def test_a_deleted_owner_gets_no_callback_but_the_committed_write_is_still_announced(
    ctx, heard, wait_idle
):
    owner = QWidget()
    release = threading.Event()
    called: list[object] = []

    def held(session) -> Created:
        assert release.wait(10)
        return contacts.create(session, ContactDraft(name="Di Gone"))

    run_write(owner, ctx, held, called.append)
    shiboken6.delete(owner)
    release.set()
    wait_idle()

    assert called == []
    assert [changes for changes, _ in heard] == [Changes(contacts=True, companies=True)]
