"""Modal questions in plain text (names are data, not markup): go ahead?, yes or no?, and save
changes?"""

from __future__ import annotations

from typing import Literal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

Choice = Literal["save", "discard", "cancel"]


def confirm_destructive(parent: QWidget, title: str, text: str, action: str) -> bool:
    """Ask `text` with a button named `action` and Cancel (the default); True for `action`."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)  # names are data, not markup
    yes = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(keep)
    box.exec()  # a modal question; tests replace the caller's hook instead
    return box.clickedButton() is yes


def ask_yes_no(parent: QWidget, title: str, text: str) -> bool:
    """Ask `text` with Yes and No; True for Yes."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)  # names are data, not markup
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes  # tests replace the caller's hook


def save_discard_cancel(parent: QWidget, title: str, text: str) -> Choice:
    """Ask `text` with Save (the default), Discard and Cancel."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    buttons = QMessageBox.StandardButton
    box.setStandardButtons(buttons.Save | buttons.Discard | buttons.Cancel)
    box.setDefaultButton(buttons.Save)
    answer = box.exec()  # a modal question; tests replace the caller's hook instead
    if answer == buttons.Save:
        return "save"
    if answer == buttons.Discard:
        return "discard"
    return "cancel"
