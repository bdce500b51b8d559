"""View → Stages…: the funnel's labels, definitions and stuck limits; stages of the rep's own."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from relationship_crm.domain.changes import Changes
from relationship_crm.services import stages
from relationship_crm.services.stages import StageInfo
from relationship_crm.ui.context import UiContext
from relationship_crm.ui.operations import run_write
from relationship_crm.ui.widgets.messages import message_label
from relationship_crm.ui.widgets.questions import confirm_destructive

KEY_ROLE = Qt.ItemDataRole.UserRole + 1
NEVER = "never"


class StagesDialog(QDialog):
    """Pick a stage on the left, edit it on the right; add a stage after the chosen one below.

    Every save goes through run_write; the list reloads afterwards. GUI thread.
    """

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._stages: list[StageInfo] = []
        self.setWindowTitle("Stages")
        self.setObjectName("stagesDialog")
        self.resize(720, 460)

        self.stage_list = QListWidget()
        self.stage_list.setAccessibleName("Stages")
        self.stage_list.setMaximumWidth(200)
        self.label = QLineEdit()
        self.label.setMaxLength(stages.MAX_LABEL)
        self.definition = QPlainTextEdit()
        self.definition.setPlaceholderText(
            "What the stage means, and what a contact must show to enter it"
        )
        self.stuck_after = QSpinBox()
        self.stuck_after.setRange(0, stages.MAX_STUCK_DAYS)
        self.stuck_after.setSpecialValueText(NEVER)  # 0 shows as "never": no limit
        self.stuck_after.setSuffix(" days")
        self.stuck_after.setAccessibleName("Stuck after")
        self.save_button = QPushButton("&Save stage")
        self.delete_button = QPushButton("De&lete stage…")
        self.delete_button.setToolTip(
            "Delete a stage of your own that no contact is or was in (one added by mistake)"
        )
        # Asks before deleting; tests replace it (title, text, action) -> bool.
        self.confirm = partial(confirm_destructive, self)
        self.key_hint = QLabel()
        self.key_hint.setObjectName("stageKeyHint")
        self.message = message_label()
        self.status = QLabel()
        self.status.setObjectName("stagesStatus")

        self.new_key = QLineEdit()
        self.new_key.setPlaceholderText("qualified")
        self.new_key.setMaxLength(16)
        self.new_label = QLineEdit()
        self.new_label.setPlaceholderText("Qualified")
        self.new_after = QComboBox()
        self.add_button = QPushButton("&Add stage")

        form = QFormLayout()
        form.addRow("&Label:", self.label)
        form.addRow("&Definition:", self.definition)
        form.addRow("Stuck &after:", self.stuck_after)
        form.addRow("", self.key_hint)
        edit_row = QHBoxLayout()
        edit_row.addWidget(self.delete_button)
        edit_row.addStretch(1)
        edit_row.addWidget(self.save_button)
        right = QVBoxLayout()
        right.addLayout(form, 1)
        right.addLayout(edit_row)
        top = QHBoxLayout()
        top.addWidget(self.stage_list)
        top.addLayout(right, 1)

        adding = QGroupBox("A stage of your own")
        add_form = QFormLayout(adding)
        add_form.addRow("&Key (for the command line):", self.new_key)
        add_form.addRow("La&bel:", self.new_label)
        add_form.addRow("Af&ter:", self.new_after)
        add_row = QHBoxLayout()
        add_row.addStretch(1)
        add_row.addWidget(self.add_button)
        add_form.addRow(add_row)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top, 1)
        layout.addWidget(adding)
        layout.addWidget(self.message)
        layout.addWidget(self.status)
        layout.addWidget(buttons)

        self.stage_list.currentRowChanged.connect(self._show_stage)
        self.save_button.clicked.connect(self.save_stage)
        self.add_button.clicked.connect(self.add_stage)
        self.delete_button.clicked.connect(self.delete_stage)
        self.reload()

    def reload(self, select: str | None = None) -> None:
        """Read the stages again and select `select` (or keep the current one)."""
        current = select or self.current_key()
        self._ctx.runner.query(stages.list_stages, lambda found: self._on_loaded(found, current))

    def _on_loaded(self, found: list[StageInfo], select: str | None) -> None:
        self._stages = found
        self.stage_list.blockSignals(True)
        self.stage_list.clear()
        self.new_after.clear()
        row = 0
        for i, info in enumerate(found):
            item = QListWidgetItem(info.label)
            item.setData(KEY_ROLE, info.key)
            item.setToolTip(info.definition)
            self.stage_list.addItem(item)
            self.new_after.addItem(info.label, info.key)
            self.new_after.setItemData(i, info.definition, Qt.ItemDataRole.ToolTipRole)
            if info.key == select:
                row = i
        self.stage_list.blockSignals(False)
        self.stage_list.setCurrentRow(row)
        self.new_after.setCurrentIndex(row)
        self._show_stage(row)

    def current_key(self) -> str | None:
        item = self.stage_list.currentItem()
        key = item.data(KEY_ROLE) if item is not None else None
        return key if isinstance(key, str) else None

    def _show_stage(self, row: int) -> None:
        if not 0 <= row < len(self._stages):
            return
        info = self._stages[row]
        self.label.setText(info.label)
        self.definition.setPlainText(info.definition)
        self.stuck_after.setValue(info.stuck_after_days or 0)
        kind = "shipped with the app (always valid)" if info.shipped else "your own"
        self.key_hint.setText(f"Key on the command line: {info.key} — {kind}")
        self.delete_button.setEnabled(not info.shipped)
        self.message.clear()

    def save_stage(self) -> None:
        key = self.current_key()
        if key is None:
            return
        label, definition = self.label.text(), self.definition.toPlainText()
        days = self.stuck_after.value() or None

        def op(s: Session) -> Changes:
            return stages.edit_stage(
                s, key, label=label, definition=definition, stuck_after_days=days
            )

        run_write(
            self,
            self._ctx,
            op,
            lambda _c: self._saved(key, f"Saved {label.strip()}."),
            show_error=self.message.setText,
        )

    def add_stage(self) -> None:
        key, label = self.new_key.text().strip(), self.new_label.text()
        after = self.new_after.currentData()
        if not isinstance(after, str):
            return

        def op(s: Session) -> Changes:
            return stages.add_stage(s, key, label=label, after=after)

        def added(_changes: Changes) -> None:
            self.new_key.clear()
            self.new_label.clear()
            self._saved(key, f"Added {label.strip()}.")

        run_write(self, self._ctx, op, added, show_error=self.message.setText)

    def delete_stage(self) -> None:
        """Delete the chosen stage of the rep's own, after asking; the service says why not when
        a contact is or was in it."""
        key = self.current_key()
        info = next((i for i in self._stages if i.key == key), None)
        if info is None or info.shipped:
            return
        if not self.confirm(
            "Delete stage",
            f"Delete the stage “{info.label}” ({info.key})?\n\nOnly a stage no contact is or "
            "was in can be deleted; one in use can be renamed instead.",
            "Delete stage",
        ):
            return

        def op(s: Session) -> Changes:
            return stages.delete_stage(s, info.key)

        def deleted(_changes: Changes) -> None:
            self.reload(select=self._neighbour(info.key))
            self.status.setText(f"Deleted {info.label}.")

        run_write(self, self._ctx, op, deleted, show_error=self.message.setText, what="Not deleted")

    def _neighbour(self, key: str) -> str | None:
        """The stage before `key` in the funnel (to select once it is gone)."""
        keys = [i.key for i in self._stages]
        at = keys.index(key) if key in keys else 0
        return keys[at - 1] if at > 0 else None

    def _saved(self, key: str, text: str) -> None:
        self.reload(select=key)
        self.status.setText(text)
