"""A time-zone box: pick or type an IANA zone ("new york" finds America/New_York)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from relationship_crm.domain.errors import InvalidInputError
from relationship_crm.scheduling.zones import get_zone, zone_names


def zone_label(name: str) -> str:
    """How a zone is listed: its IANA name with spaces for underscores ("America/New York")."""
    return name.replace("_", " ")


class ZonePicker(QComboBox):
    """Owns the choice of one IANA time zone.

    An editable combo of every zone a rep may pick (`scheduling.zones.zone_names`, shown with
    spaces for underscores); typing filters by any part of the name, case-insensitively, so
    "york" offers America/New York. A typed name is resolved when the box loses focus or Return
    is pressed: a known zone (any spelling `get_zone` accepts, or a unique match of what was
    typed) is chosen and `zone_changed` is emitted; anything else puts the last good zone back.
    `zone()` is always a valid IANA key.

    Signals:
        zone_changed(str): the IANA key chosen, each time it changes.
    Lives on the GUI thread; does no I/O.
    """

    zone_changed = Signal(str)

    def __init__(self, zone: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(15)
        for name in zone_names():
            self.addItem(zone_label(name), name)
        completer = QCompleter(self.model(), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(22)
        self._zone = ""
        self.set_zone(zone)
        self.activated.connect(self._on_activated)
        line = self.lineEdit()
        assert line is not None  # editable
        line.editingFinished.connect(self._on_editing_finished)

    def zone(self) -> str:
        """The IANA key of the zone chosen."""
        return self._zone

    def set_zone(self, name: str) -> None:
        """Choose `name` (any spelling `get_zone` reads); a zone not in the list is added."""
        key = get_zone(name).key
        index = self.findData(key)
        if index < 0:
            self.addItem(zone_label(key), key)
            index = self.count() - 1
        self.setCurrentIndex(index)
        self.setToolTip(f"Time zone: {key}")
        if key != self._zone:
            self._zone = key
            self.zone_changed.emit(key)

    def resolve(self, text: str) -> str | None:
        """The zone key `text` names: an IANA spelling, a listed label, or a unique match."""
        typed = text.strip()
        if not typed:
            return None
        for candidate in (typed, typed.replace(" ", "_")):
            try:
                return get_zone(candidate).key
            except InvalidInputError:
                pass
        folded = typed.casefold()
        matches = [
            str(self.itemData(i))
            for i in range(self.count())
            if folded in self.itemText(i).casefold()
        ]
        exact = [key for key in matches if zone_label(key).rsplit("/", 1)[-1].casefold() == folded]
        if len(exact) == 1:
            return exact[0]
        return matches[0] if len(matches) == 1 else None

    def _on_activated(self, index: int) -> None:
        self.set_zone(str(self.itemData(index)))

    def _on_editing_finished(self) -> None:
        key = self.resolve(self.currentText())
        self.set_zone(key if key is not None else self._zone)
