"""The template editor: shipped and own templates, live problems, preview, save, revert, delete."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QInputDialog, QMessageBox

from relationship_crm.domain.changes import Changes
from relationship_crm.domain.errors import NotFoundError
from relationship_crm.domain.templating import PLACEHOLDERS
from relationship_crm.services import note_templates, settings
from relationship_crm.ui.dialogs.templates_dialog import STARTER_BODY, TemplatesDialog

pytestmark = pytest.mark.gui

SHIPPED = ["after-meeting", "after-call", "after-lunch", "after-gift", "after-deal"]
Button = QMessageBox.StandardButton


class Answers:
    """Stands in for the modal questions: queued answers, and a record of what was asked."""

    def __init__(self) -> None:
        self.questions: list[str] = []
        self.buttons: list[Button] = []
        self.names: list[tuple[str, bool]] = []
        self.prompts = 0

    def question(self, _parent, _title, text, *_args) -> Button:
        self.questions.append(text)
        # Unexpected questions (the test teardown closing an edited dialog) are cancelled.
        return self.buttons.pop(0) if self.buttons else Button.Cancel

    def get_text(self, *_args, **_kwargs) -> tuple[str, bool]:
        self.prompts += 1
        return self.names.pop(0) if self.names else ("", False)


@pytest.fixture
def answers(monkeypatch) -> Answers:
    recorded = Answers()
    monkeypatch.setattr(QMessageBox, "question", recorded.question)
    monkeypatch.setattr(QInputDialog, "getText", recorded.get_text)
    return recorded


@pytest.fixture
def open_dialog(qtbot, ctx, wait_idle, answers):
    def open_() -> TemplatesDialog:
        dialog = TemplatesDialog(ctx)
        qtbot.addWidget(dialog)
        with qtbot.waitActive(dialog):
            dialog.show()
            dialog.activateWindow()
        wait_idle()  # the templates are listed and the first one's preview filled
        return dialog

    return open_


def stored(db, name: str) -> note_templates.TemplateInfo:
    with db.read() as s:
        return note_templates.get_template(s, name)


def shipped_body(name: str) -> str:
    return note_templates.shipped_templates()[name].body


def type_at_end(qtbot, dialog: TemplatesDialog, text: str) -> None:
    dialog.body_edit.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(dialog.body_edit, text)


def click(qtbot, button) -> None:
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def wait_preview(qtbot, dialog: TemplatesDialog, expected: str) -> None:
    qtbot.waitUntil(lambda: expected in dialog.preview.toPlainText(), timeout=3000)


def test_lists_the_shipped_templates_and_shows_the_first(open_dialog):
    dialog = open_dialog()
    assert dialog.windowTitle() == "Thank-you templates"
    assert dialog.template_names() == SHIPPED
    shipped = note_templates.shipped_templates()
    for name in SHIPPED:
        item = dialog.list_item(name)
        assert item.text().splitlines()[0] == f"{name}  ·  shipped"
        assert item.toolTip() == shipped[name].description

    assert dialog.current_name() == "after-meeting"
    assert dialog.template_list.currentItem() is dialog.list_item("after-meeting")
    assert dialog.body_edit.toPlainText() == shipped["after-meeting"].body
    assert dialog.description_edit.text() == shipped["after-meeting"].description
    assert not dialog.problems_label.isVisible()
    assert not dialog.save_button.isEnabled()  # nothing edited yet
    # Nothing to revert and nothing to delete: a shipped template without edits.
    assert dialog.revert_button.isVisible() and not dialog.revert_button.isEnabled()
    assert not dialog.delete_button.isVisible()


def test_the_preview_is_filled_with_example_data_and_follows_typing(qtbot, db, open_dialog):
    with db.write() as s:
        settings.put(s, "rep_name", "Sam Seller")
    dialog = open_dialog()
    wait_preview(qtbot, dialog, "Dear Jane,")
    assert "{{" not in dialog.preview.toPlainText()
    assert dialog.preview.toPlainText().rstrip().endswith("Sam Seller")  # no signature: the name
    assert dialog.preview.isReadOnly()

    dialog.body_edit.setPlainText("Hello {{full_name}} of {{company}}.\n\n{{signature}}")
    wait_preview(qtbot, dialog, "Hello Jane Doe of Acme Corp.")
    assert dialog.preview.toPlainText() == "Hello Jane Doe of Acme Corp.\n\nSam Seller"


def test_a_misspelt_placeholder_is_named_and_save_refuses_it(qtbot, db, open_dialog, wait_idle):
    dialog = open_dialog()
    assert dialog.select_template("after-call")
    type_at_end(qtbot, dialog, "P.S. Say hello to {{frist_name}}.")

    assert dialog.problems_label.isVisible()  # at once, while typing
    problems = dialog.problems_label.text()
    assert "unknown placeholder {{frist_name}}" in problems
    assert "did you mean {{first_name}}?" in problems
    assert dialog.body_edit.extraSelections()  # the line is tinted
    qtbot.waitUntil(lambda: dialog.preview.toPlainText() == "", timeout=3000)

    click(qtbot, dialog.save_button)
    wait_idle()
    assert dialog.isVisible() and dialog.error_label.isVisible()
    assert dialog.error_label.text().startswith("Not saved: ")
    assert "{{frist_name}}" in dialog.error_label.text()
    assert dialog.body_edit.toPlainText().endswith("{{frist_name}}.")  # the input is kept
    assert not stored(db, "after-call").customised  # nothing stored

    dialog.body_edit.undo()  # typing it away clears the problem
    qtbot.waitUntil(lambda: not dialog.problems_label.isVisible())


def test_an_edited_shipped_template_is_saved_marked_and_reverted(
    qtbot, ctx, db, open_dialog, answers, wait_idle
):
    dialog = open_dialog()
    assert dialog.select_template("after-lunch")
    type_at_end(qtbot, dialog, "P.S. The tiramisu was excellent.")
    dialog.description_edit.setText("After a lunch (mine)")
    assert dialog.is_modified() and dialog.save_button.isEnabled()

    with (
        qtbot.waitSignal(ctx.events.changed) as changed,
        qtbot.waitSignal(dialog.template_saved) as saved,
    ):
        click(qtbot, dialog.save_button)
    wait_idle()
    assert changed.args == [Changes(thanks=True), dialog]
    assert saved.args == ["after-lunch"]
    lunch = stored(db, "after-lunch")
    assert lunch.customised and lunch.body.endswith("P.S. The tiramisu was excellent.")
    assert lunch.description == "After a lunch (mine)"
    assert dialog.list_item("after-lunch").text() == (
        "after-lunch  ·  shipped, edited\nAfter a lunch (mine)"
    )
    assert not dialog.is_modified() and not dialog.save_button.isEnabled()
    assert dialog.revert_button.isEnabled()

    answers.buttons = [Button.Yes]
    with qtbot.waitSignal(dialog.template_removed):
        click(qtbot, dialog.revert_button)
    wait_idle()
    assert "Revert after-lunch to the text shipped with the app?" in answers.questions[-1]
    assert not stored(db, "after-lunch").customised
    assert dialog.body_edit.toPlainText() == shipped_body("after-lunch")
    assert dialog.list_item("after-lunch").text().splitlines()[0] == "after-lunch  ·  shipped"
    assert not dialog.revert_button.isEnabled()


def test_revert_asks_first_and_no_keeps_the_edit(qtbot, db, open_dialog, answers, wait_idle):
    with db.write() as s:
        note_templates.save_template(s, "after-gift", "Thanks, {{first_name}}!")
    dialog = open_dialog()
    assert dialog.select_template("after-gift")
    answers.buttons = [Button.No]
    click(qtbot, dialog.revert_button)
    wait_idle()
    assert len(answers.questions) == 1
    assert stored(db, "after-gift").body == "Thanks, {{first_name}}!"
    assert dialog.body_edit.toPlainText() == "Thanks, {{first_name}}!"


def test_a_new_template_is_created_saved_and_deleted(
    qtbot, ctx, db, open_dialog, answers, wait_idle
):
    dialog = open_dialog()
    answers.names = [("After Conference", True)]
    click(qtbot, dialog.new_button)
    assert dialog.current_name() == "after-conference"  # the name is made valid
    assert dialog.template_names() == [*SHIPPED, "after-conference"]
    assert dialog.body_edit.toPlainText() == STARTER_BODY
    assert dialog.is_modified() and dialog.save_button.isEnabled()
    assert dialog.delete_button.isVisible() and not dialog.revert_button.isVisible()
    with pytest.raises(NotFoundError):
        stored(db, "after-conference")  # not stored before Save

    dialog.description_edit.setText("After a trade show")
    dialog.body_edit.moveCursor(QTextCursor.MoveOperation.Start)
    dialog.body_edit.moveCursor(QTextCursor.MoveOperation.Down)
    dialog.body_edit.moveCursor(QTextCursor.MoveOperation.Down)
    qtbot.keyClicks(dialog.body_edit, "Great to meet you at {{meeting_title}}.")
    with qtbot.waitSignal(ctx.events.changed):
        click(qtbot, dialog.save_button)
    wait_idle()
    mine = stored(db, "after-conference")
    assert (mine.shipped, mine.customised) == (False, False)
    assert mine.description == "After a trade show"
    assert mine.body == (
        "Dear {{first_name}},\n\nGreat to meet you at {{meeting_title}}.\n\n{{signature}}\n"
    )
    assert dialog.list_item("after-conference").text() == "after-conference\nAfter a trade show"
    assert not dialog.is_modified()

    answers.buttons = [Button.Yes]
    with qtbot.waitSignal(ctx.events.changed) as changed:
        click(qtbot, dialog.delete_button)
    wait_idle()
    assert changed.args == [Changes(thanks=True), dialog]
    assert answers.questions[-1].startswith("Delete the template after-conference?")
    with pytest.raises(NotFoundError):
        stored(db, "after-conference")
    assert dialog.template_names() == SHIPPED
    assert dialog.current_name() == "after-meeting"


def test_new_refuses_a_bad_or_taken_name(qtbot, open_dialog, answers):
    dialog = open_dialog()
    answers.names = [("after/lunch?", True)]
    click(qtbot, dialog.new_button)
    assert dialog.error_label.isVisible()
    assert "lower-case letters, digits and hyphens" in dialog.error_label.text()
    assert dialog.template_names() == SHIPPED

    answers.names = [("After-Call", True)]
    click(qtbot, dialog.new_button)
    assert dialog.error_label.text() == (
        "There is already a template called after-call; choose another name."
    )
    assert dialog.template_names() == SHIPPED

    answers.names = [("whatever", False)]  # Cancel in the name prompt
    click(qtbot, dialog.new_button)
    assert dialog.template_names() == SHIPPED and dialog.current_name() == "after-meeting"


def test_a_new_template_that_is_never_saved_leaves_no_trace(qtbot, db, open_dialog, answers):
    dialog = open_dialog()
    answers.names = [("after-demo", True)]
    click(qtbot, dialog.new_button)
    answers.buttons = [Button.Discard]
    assert dialog.select_template("after-deal")
    assert dialog.template_names() == SHIPPED
    with pytest.raises(NotFoundError):
        stored(db, "after-demo")


def test_insert_placeholder_puts_the_field_at_the_cursor(qtbot, open_dialog):
    dialog = open_dialog()
    actions = [a for a in dialog.placeholder_menu.actions() if not a.isSeparator()]
    assert [a.data() for a in actions] == list(PLACEHOLDERS)
    company = dialog.placeholder_action("company")
    assert company.text() == "The attendee's company\t{{company}}"  # the description is shown

    dialog.body_edit.setPlainText("Dear ,\n\nSee you soon.")
    cursor = dialog.body_edit.textCursor()
    cursor.setPosition(len("Dear "))
    dialog.body_edit.setTextCursor(cursor)
    dialog.placeholder_action("first_name").trigger()
    assert dialog.body_edit.toPlainText() == "Dear {{first_name}},\n\nSee you soon."
    assert dialog.body_edit.textCursor().position() == len("Dear {{first_name}}")

    cursor = dialog.body_edit.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.End)
    dialog.body_edit.setTextCursor(cursor)
    company.trigger()
    assert dialog.body_edit.toPlainText().endswith("See you soon.{{company}}")
    assert not dialog.problems_label.isVisible()


def test_switching_with_unsaved_edits_asks_save_discard_or_cancel(
    qtbot, db, open_dialog, answers, wait_idle
):
    dialog = open_dialog()
    type_at_end(qtbot, dialog, "P.S. Cancel keeps me.")

    answers.buttons = [Button.Cancel]
    dialog.template_list.setCurrentItem(dialog.list_item("after-call"))  # as a click does
    qtbot.waitUntil(lambda: len(answers.questions) == 1)
    assert "after-meeting has changes that are not saved" in answers.questions[0]
    assert dialog.current_name() == "after-meeting"
    assert dialog.template_list.currentItem() is dialog.list_item("after-meeting")
    assert dialog.body_edit.toPlainText().endswith("P.S. Cancel keeps me.")

    answers.buttons = [Button.Save]
    dialog.template_list.setCurrentItem(dialog.list_item("after-call"))
    qtbot.waitUntil(lambda: dialog.current_name() == "after-call")
    wait_idle()
    assert stored(db, "after-meeting").body.endswith("P.S. Cancel keeps me.")
    assert dialog.template_list.currentItem() is dialog.list_item("after-call")

    type_at_end(qtbot, dialog, "P.S. Discard drops me.")
    answers.buttons = [Button.Discard]
    assert dialog.select_template("after-deal")
    assert dialog.body_edit.toPlainText() == shipped_body("after-deal")
    assert not stored(db, "after-call").customised
    assert len(answers.questions) == 3


def test_closing_with_unsaved_edits_asks(qtbot, db, open_dialog, answers, wait_idle):
    dialog = open_dialog()
    type_at_end(qtbot, dialog, "P.S. Closing.")

    answers.buttons = [Button.Cancel]
    click(qtbot, dialog.close_button)
    assert dialog.isVisible() and len(answers.questions) == 1

    answers.buttons = [Button.Save]
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    wait_idle()
    assert stored(db, "after-meeting").body.endswith("P.S. Closing.")


def test_closing_without_edits_does_not_ask(qtbot, open_dialog, answers):
    dialog = open_dialog()
    click(qtbot, dialog.close_button)
    assert not dialog.isVisible() and answers.questions == []


# --- campaign letter templates (issue 16): the same editor, their own list and fields ------------

CAMPAIGN_SHIPPED = ["campaign-check-in", "campaign-invitation", "campaign-offer"]


def test_campaign_templates_are_edited_in_the_same_dialog(qtbot, ctx, db, answers, wait_idle):
    with db.write() as s:
        settings.put(s, "rep_name", "Sam Seller")
    dialog = TemplatesDialog(ctx, kind=note_templates.CAMPAIGN)
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    wait_idle()
    assert dialog.windowTitle() == "Campaign letter templates"
    assert dialog.template_names() == CAMPAIGN_SHIPPED
    wait_preview(qtbot, dialog, "Dear Jane,")
    assert "the Grand Hotel" in dialog.preview.toPlainText()  # the example campaign's topic

    # A thank-you field is unknown here; a campaign field is fine.
    type_at_end(qtbot, dialog, "P.S. {{meeting_title}}")
    assert "unknown placeholder {{meeting_title}}" in dialog.problems_label.text()
    dialog.body_edit.setPlainText("Dear {{first_name}},\n\n{{campaign_name}}\n\n{{signature}}\n")
    qtbot.waitUntil(lambda: not dialog.problems_label.isVisible())
    wait_preview(qtbot, dialog, "the Spring Seminar")
    with qtbot.waitSignal(ctx.events.changed):
        click(qtbot, dialog.save_button)
    wait_idle()
    with db.read() as s:
        mine = note_templates.get_template(s, "campaign-check-in", note_templates.CAMPAIGN)
        thanks_names = [t.name for t in note_templates.list_templates(s)]
    assert mine.customised and "{{campaign_name}}" in mine.body
    assert "campaign-check-in" not in thanks_names
