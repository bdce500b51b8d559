"""A stage chooser read from the stage table: labels in funnel order, each definition as tooltip."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QWidget

from relationship_crm.domain.enums import Stage
from relationship_crm.services import stages
from relationship_crm.services.stages import StageInfo
from relationship_crm.ui.callbacks import while_alive
from relationship_crm.ui.context import UiContext


class StageCombo(QComboBox):
    """The stages as labels (data: the key), with each stage's definition as its tooltip.

    Starts with the shipped stages so it can be used at once, then shows the stored ones once
    `load()` has read them (the choice is kept, or the key asked for with `select` is chosen).
    With `any_text`, a first item with no key stands for "any stage" (the list filter).

    Signals:
        definition_changed(str): the chosen stage's definition (empty for "any").
    GUI thread; reads through ctx.runner.
    """

    definition_changed = Signal(str)

    def __init__(
        self, ctx: UiContext, any_text: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._any_text = any_text
        self._wanted: str | None = None
        self.infos: list[StageInfo] = []
        self._fill(
            [StageInfo(s.value, s.value.capitalize(), "", None, i) for i, s in enumerate(Stage)]
        )
        self.currentIndexChanged.connect(lambda _i: self.definition_changed.emit(self.definition()))

    def load(self) -> None:
        """Read the stages (again): after a rename or a new stage, the labels follow."""
        self._ctx.runner.query(stages.list_stages, while_alive(self, self.set_stages))

    def set_stages(self, infos: list[StageInfo]) -> None:
        """Show `infos`, keeping the chosen stage (or the one `select` asked for)."""
        wanted = self._wanted if self._wanted is not None else self.current_key()
        self.blockSignals(True)
        self._fill(infos)
        self.blockSignals(False)
        if wanted is not None:
            self.select(wanted)
        self.definition_changed.emit(self.definition())

    def _fill(self, infos: list[StageInfo]) -> None:
        self.infos = list(infos)
        self.clear()
        if self._any_text is not None:
            self.addItem(self._any_text, None)
        for info in infos:
            self.addItem(info.label, info.key)
            self.setItemData(self.count() - 1, info.definition, Qt.ItemDataRole.ToolTipRole)

    def select(self, key: str | None) -> None:
        """Choose the stage `key` (kept for later if the stages are still being read)."""
        index = self.findData(key)
        if index >= 0:
            self._wanted = None
            self.setCurrentIndex(index)
        else:
            self._wanted = key

    def current_key(self) -> str | None:
        data = self.currentData()
        return data if isinstance(data, str) else None

    def definition(self) -> str:
        key = self.current_key()
        return next((i.definition for i in self.infos if i.key == key), "")

    def label_of(self, key: str) -> str:
        """The label of `key` (the key itself for a stage not loaded)."""
        return next((i.label for i in self.infos if i.key == key), key)
