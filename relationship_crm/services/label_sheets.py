"""Address-label sheets (Avery L7163, Avery 5160): page size and where each label sits, in mm.

Pure geometry: `ui.printing.write_labels_pdf` paints the labels. Labels fill a sheet row by row,
left to right, then a new sheet begins.
"""

from __future__ import annotations

from dataclasses import dataclass

from relationship_crm.domain.errors import InvalidInputError

_INCH = 25.4


@dataclass(frozen=True, slots=True)
class LabelSheet:
    """A sheet of labels: paper size, grid, label size, top/left margins and gaps (mm)."""

    key: str
    label: str
    width_mm: float
    height_mm: float
    columns: int
    rows: int
    label_width_mm: float
    label_height_mm: float
    top_mm: float
    left_mm: float
    column_gap_mm: float
    row_gap_mm: float = 0.0

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows

    def position(self, index: int) -> tuple[int, float, float]:
        """Label number `index` (0-based): its sheet (0-based) and top-left corner in mm."""
        sheet, slot = divmod(index, self.per_sheet)
        row, column = divmod(slot, self.columns)
        x = self.left_mm + column * (self.label_width_mm + self.column_gap_mm)
        y = self.top_mm + row * (self.label_height_mm + self.row_gap_mm)
        return sheet, x, y


SHEETS: dict[str, LabelSheet] = {
    "l7163": LabelSheet(
        "l7163", "Avery L7163 (A4, 14 labels)", 210, 297, 2, 7, 99.1, 38.1, 15.1, 4.65, 2.5
    ),
    "5160": LabelSheet(
        "5160",
        "Avery 5160 (US Letter, 30 labels)",
        8.5 * _INCH,
        11 * _INCH,
        3,
        10,
        2.625 * _INCH,
        1 * _INCH,
        0.5 * _INCH,
        0.1875 * _INCH,
        0.125 * _INCH,
    ),
}


def label_sheet(key: str) -> LabelSheet:
    """The sheet called `key` (l7163, 5160); the error lists them."""
    try:
        return SHEETS[key.strip().lower()]
    except KeyError:
        raise InvalidInputError(
            f"unknown label sheet {key!r}; use one of: {', '.join(SHEETS)}"
        ) from None
