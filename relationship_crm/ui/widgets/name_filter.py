"""A name filter over a list (a QTreeWidget of top-level rows), with a hint in the list's place
when nothing shows: the Companies and Tags windows' left side."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QStackedWidget, QTreeWidget, QTreeWidgetItem

from relationship_crm.domain.text import fold

_HINT_STYLE = "color: palette(placeholder-text); padding: 24px;"


class NameFilter:
    """`edit` filters `tree`'s rows by their first column (any case or accents); `stack` shows
    the tree, or `hint` when there is nothing to show (`empty_text` with no rows at all,
    `none_text(typed)` when the filter hides them all). The window lays out `edit` and `stack`.

    Return in `edit` goes to the list (on the first row shown when none is selected). With
    `deselect_hidden`, a selected row the filter hides is deselected (its actions never act on a
    row out of sight); a window that asks before leaving a row keeps it instead.
    """

    def __init__(
        self,
        tree: QTreeWidget,
        *,
        object_name: str,
        empty_text: str,
        none_text: Callable[[str], str],
        deselect_hidden: bool = True,
    ) -> None:
        self.tree = tree
        self._empty_text, self._none_text = empty_text, none_text
        self._deselect_hidden = deselect_hidden
        self._has_rows = False
        self.edit = QLineEdit()
        self.edit.setObjectName(object_name)
        self.edit.setPlaceholderText("Filter by name")
        self.edit.setClearButtonEnabled(True)
        self.hint = QLabel("Loading…")
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(_HINT_STYLE)
        self.stack = QStackedWidget()
        self.stack.addWidget(tree)
        self.stack.addWidget(self.hint)
        self.edit.textChanged.connect(lambda _text: self.apply())
        self.edit.returnPressed.connect(self.to_list)

    def items(self) -> list[QTreeWidgetItem]:
        """The tree's rows, top to bottom (hidden ones too)."""
        count = self.tree.topLevelItemCount()
        return [item for i in range(count) if (item := self.tree.topLevelItem(i)) is not None]

    def shown(self) -> list[QTreeWidgetItem]:
        """The rows the filter lets through."""
        return [item for item in self.items() if not item.isHidden()]

    def set_rows_present(self, present: bool) -> None:
        """After the tree was filled: whether there is anything at all; filters again."""
        self._has_rows = present
        self.edit.setEnabled(present or bool(self.edit.text()))
        self.apply()

    def apply(self) -> None:
        """Hide the rows whose name does not contain the typed text; show the hint if none."""
        wanted = fold(" ".join(self.edit.text().split()))
        shown = 0
        for item in self.items():
            hide = bool(wanted) and wanted not in fold(item.text(0))
            item.setHidden(hide)
            if hide and self._deselect_hidden and item.isSelected():
                item.setSelected(False)
            shown += not hide
        if not self._has_rows:
            self.hint.setText(self._empty_text)
        elif not shown:
            self.hint.setText(self._none_text(self.edit.text()))
        self.stack.setCurrentWidget(self.tree if shown else self.hint)

    def to_list(self) -> None:
        """Return in the filter: to the list, on the first row shown when none is selected."""
        first = next(iter(self.shown()), None)
        if not self.tree.selectedItems() and first is not None:
            self.tree.setCurrentItem(first)
        self.tree.setFocus(Qt.FocusReason.OtherFocusReason)

    def focus(self) -> None:
        """Ctrl+F: to the filter, its text selected."""
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.edit.selectAll()

    def selected_data(self) -> object:
        """The selected row's UserRole data (None when nothing is selected). Qt makes the first
        row current, without selecting it, when the list takes the focus: the selection, not the
        current row, is what the rep chose."""
        selected = self.tree.selectedItems()
        return selected[0].data(0, Qt.ItemDataRole.UserRole) if selected else None
