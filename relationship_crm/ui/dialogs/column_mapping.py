"""The column-mapping dialog: what each column of an unrecognised CSV file holds, with a preview."""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from relationship_crm.domain.records import ContactDraft
from relationship_crm.interchange.csv_import import read_contacts
from relationship_crm.interchange.csv_mapping import FIELDS, MULTI_FIELDS, guess_mapping
from relationship_crm.interchange.csv_reading import CsvFile
from relationship_crm.interchange.records import UnknownFormatError
from relationship_crm.ui.widgets.messages import WARNING_COLOUR

INTRO = (
    "This CSV is not a Google, Outlook, LinkedIn, Thunderbird or Roundcube export. Choose what "
    "each column holds; columns set to “Ignore” are skipped."
)
#: How many of the file's rows the preview reads and shows.
PREVIEW_ROWS = 3
#: How many rows are searched for a column's sample values, and how many are shown.
SAMPLE_SEARCH_ROWS = 20
SAMPLE_COUNT = 3
#: A sample value is cut to this many characters before the view elides the rest.
SAMPLE_CHARS = 60
#: The label of the combo entry that leaves a column out.
IGNORE_LABEL = "Ignore"
FIELD_LABELS: dict[str, str] = dict(FIELDS)
#: The fields that name a contact; a mapping needs at least one of them.
IDENTIFYING = ("name", "given_name", "family_name", "company", "email")
UNUSABLE_TEXT = (
    "Nothing can be imported yet: set at least one column to "
    + ", ".join(f"“{FIELD_LABELS[key]}”" for key in IDENTIFYING[:-1])
    + f" or “{FIELD_LABELS[IDENTIFYING[-1]]}”."
)

MAPPING_COLUMNS: tuple[str, ...] = ("Column", "Sample values", "Import as")
COLUMN, SAMPLES, IMPORT_AS = range(len(MAPPING_COLUMNS))
PREVIEW_COLUMNS: tuple[str, ...] = ("Name", "Email", "Phone", "Company")

_HINT_STYLE = "color: palette(placeholder-text);"
_SAMPLE_SEP = "  ·  "


def plain_tooltip(text: str) -> str:
    """A tooltip that shows `text` literally: Qt guesses whether a tooltip is rich text, and a
    cell of an imported file is data, never markup."""
    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>" if text else ""


def one_line(text: str) -> str:
    """A cell's text on one line: line breaks inside a quoted cell become spaces."""
    return " ".join(text.split())


def sample_values(csv_file: CsvFile, column: int) -> list[str]:
    """Up to SAMPLE_COUNT non-empty values of `column` from the first rows, on one line each."""
    found: list[str] = []
    for _line, cells in csv_file.rows[:SAMPLE_SEARCH_ROWS]:
        value = one_line(cells[column]) if column < len(cells) else ""
        if value:
            found.append(value if len(value) <= SAMPLE_CHARS else value[:SAMPLE_CHARS] + "…")
            if len(found) == SAMPLE_COUNT:
                break
    return found


def column_title(csv_file: CsvFile, column: int) -> str:
    """A column's header text, or "(no header)" when the header cell is empty."""
    text = one_line(csv_file.header[column]) if column < len(csv_file.header) else ""
    return text or "(no header)"


def draft_cells(draft: ContactDraft) -> tuple[str, str, str, str]:
    """What the preview shows of a contact: name, emails, phones, company."""
    return (
        draft.name,
        ", ".join(email.value for email in draft.emails),
        ", ".join(phone.value for phone in draft.phones),
        draft.company,
    )


class _ComboGuard(QObject):
    """Keeps the mapping combos friendly inside a scrolling table: the wheel scrolls the table
    unless a combo has focus, and a combo that gets focus (Tab) scrolls its row into view."""

    def __init__(self, table: QTableWidget) -> None:
        super().__init__(table)
        self._table = table

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(watched, QComboBox):
            if event.type() == QEvent.Type.Wheel and not watched.hasFocus():
                event.ignore()
                return True  # the table's viewport scrolls instead
            if event.type() == QEvent.Type.FocusIn:
                row = watched.property("csvColumn")
                if isinstance(row, int):
                    self._table.scrollTo(self._table.model().index(row, IMPORT_AS))
        return False


class ColumnMappingDialog(QDialog):
    """Owns the choice of what each column of an unrecognised CSV file holds.

    One table row per CSV column: its header, a few sample values from the first rows (plain
    text, elided; the full values in the tooltip) and a combo box ("Ignore" or one of
    `csv_mapping.FIELDS`) pre-selected from `guess_mapping`. A field that takes one value (all
    but `MULTI_FIELDS`) can feed from one column only: choosing it on a second column sets the
    first back to Ignore, and a note under the table says so. Below, a preview of how the first
    PREVIEW_ROWS rows would import (name, email, phone, company), read with the same code the
    import uses on a truncated copy of the table; while the mapping names no contact (no name,
    company or email column) the preview says so and Import is disabled.

    Pure UI: no database access. Use `ask_mapping` for a modal question, or `open()` it and
    listen to `mapping_accepted`.

    Signals:
        mapping_changed(): a combo changed; `mapping()` and the preview are up to date.
        mapping_accepted(object): the rep chose Import; the mapping (dict[int, str]).
    Lives on the GUI thread.
    """

    mapping_changed = Signal()
    mapping_accepted = Signal(object)

    def __init__(self, csv_file: CsvFile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._csv = csv_file
        self._preview_csv = dataclasses.replace(csv_file, rows=csv_file.rows[:PREVIEW_ROWS])
        self._syncing = False
        self.combos: list[QComboBox] = []
        self.setWindowTitle("Import CSV: choose the columns")
        self.setSizeGripEnabled(True)
        self._build()
        self._fill(guess_mapping(csv_file.header))
        self._connect_signals()
        self._update_preview()
        self.resize(self._initial_size())
        if self.combos:
            self.combos[0].setFocus(Qt.FocusReason.OtherFocusReason)  # not the Import button

    # --- building -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.intro_label = QLabel(INTRO)
        self.intro_label.setTextFormat(Qt.TextFormat.PlainText)
        self.intro_label.setWordWrap(True)

        self.description_label = QLabel(self._file_summary())
        self.description_label.setTextFormat(Qt.TextFormat.PlainText)
        self.description_label.setStyleSheet(_HINT_STYLE)

        self.table = QTableWidget(len(self._csv.header), len(MAPPING_COLUMNS))
        self.table.setHorizontalHeaderLabels(list(MAPPING_COLUMNS))
        self.table.setVerticalHeaderLabels([str(i + 1) for i in range(len(self._csv.header))])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes from combo to combo
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setAlternatingRowColors(True)
        self.table.setAccessibleName("Columns of the file")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COLUMN, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(SAMPLES, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(IMPORT_AS, QHeaderView.ResizeMode.Interactive)
        header.setMinimumSectionSize(60)
        vertical = self.table.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        table_label = QLabel("&Columns:")
        table_label.setBuddy(self.table)

        self.moved_label = QLabel()
        self.moved_label.setTextFormat(Qt.TextFormat.PlainText)
        self.moved_label.setWordWrap(True)
        self.moved_label.setStyleSheet(_HINT_STYLE)
        # Its line is kept while hidden, so the table does not jump when the note comes and goes.
        policy = self.moved_label.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.moved_label.setSizePolicy(policy)
        self.moved_label.setText(" ")
        self.moved_label.hide()

        self.preview_title = QLabel()
        self.preview_title.setTextFormat(Qt.TextFormat.PlainText)
        bold = QFont(self.preview_title.font())
        bold.setBold(True)
        self.preview_title.setFont(bold)

        self.preview_table = QTableWidget(0, len(PREVIEW_COLUMNS))
        self.preview_table.setHorizontalHeaderLabels(list(PREVIEW_COLUMNS))
        self.preview_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.preview_table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.preview_table.setWordWrap(False)
        self.preview_table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.preview_table.verticalHeader().hide()
        self.preview_table.setAccessibleName("Preview")
        self.preview_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.preview_table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.preview_message = QLabel()
        self.preview_message.setTextFormat(Qt.TextFormat.PlainText)
        self.preview_message.setWordWrap(True)
        self.preview_message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview_message.setStyleSheet(
            f"{_HINT_STYLE} border: 1px dashed palette(mid); padding: 8px;"
        )

        self.preview_stack = QStackedWidget()
        self.preview_stack.addWidget(self.preview_table)
        self.preview_stack.addWidget(self.preview_message)
        # Room for exactly PREVIEW_ROWS rows, whatever the mapping shows.
        table = self.preview_table
        self.preview_stack.setFixedHeight(
            table.horizontalHeader().sizeHint().height()
            + PREVIEW_ROWS * table.verticalHeader().defaultSectionSize()
            + 2 * table.frameWidth()
        )

        self.buttons = QDialogButtonBox()
        self.import_button = QPushButton("&Import")
        self.buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.import_button.setDefault(True)
        # Return never cancels, not even while Import is disabled and Cancel has the focus.
        self.cancel_button.setAutoDefault(False)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro_label)
        layout.addWidget(self.description_label)
        layout.addSpacing(4)
        layout.addWidget(table_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.moved_label)
        layout.addSpacing(6)
        layout.addWidget(self.preview_title)
        layout.addWidget(self.preview_stack)
        layout.addWidget(self.buttons)

    def _fill(self, guesses: dict[int, str]) -> None:
        """One row per column: header, samples, and a combo set to the guess."""
        guard = _ComboGuard(self.table)
        for column in range(len(self._csv.header)):
            title = column_title(self._csv, column)
            title_item = QTableWidgetItem(title)
            title_item.setToolTip(plain_tooltip(title))
            if title == "(no header)":
                title_item.setForeground(self.palette().placeholderText())
            self.table.setItem(column, COLUMN, title_item)

            samples = sample_values(self._csv, column)
            sample_item = QTableWidgetItem(_SAMPLE_SEP.join(samples) or "(empty in the first rows)")
            if samples:
                sample_item.setToolTip(plain_tooltip("\n".join(samples)))
            else:
                sample_item.setForeground(self.palette().placeholderText())
            self.table.setItem(column, SAMPLES, sample_item)

            combo = QComboBox()
            combo.addItem(IGNORE_LABEL, "")
            for key, label in FIELDS:
                combo.addItem(label, key)
                if key in MULTI_FIELDS:
                    combo.setItemData(
                        combo.count() - 1,
                        "Several columns may feed this field",
                        Qt.ItemDataRole.ToolTipRole,
                    )
            combo.setCurrentIndex(max(0, combo.findData(guesses.get(column, ""))))
            combo.setProperty("csvColumn", column)
            combo.setAccessibleName(f"Import column {column + 1} ({title}) as")
            combo.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # no wheel focus: see _ComboGuard
            combo.installEventFilter(guard)
            self.table.setCellWidget(column, IMPORT_AS, combo)
            self.combos.append(combo)

        combo_width = max((combo.sizeHint().width() for combo in self.combos), default=120)
        combo_height = max((combo.sizeHint().height() for combo in self.combos), default=24)
        self.table.verticalHeader().setDefaultSectionSize(combo_height + 6)
        self.table.setColumnWidth(IMPORT_AS, combo_width + 12)
        self.table.setMinimumHeight(  # three rows at least, however small the window
            self.table.horizontalHeader().sizeHint().height()
            + 3 * (combo_height + 6)
            + 2 * self.table.frameWidth()
        )
        titles = self.table.fontMetrics()
        widest = max(
            (titles.horizontalAdvance(column_title(self._csv, c)) for c in range(len(self.combos))),
            default=80,
        )
        self.table.setColumnWidth(COLUMN, min(max(widest + 24, 110), 240))

        buttons = [self.import_button, self.cancel_button]
        chain: tuple[QWidget, ...] = (*self.combos, *buttons)
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def _connect_signals(self) -> None:
        for combo in self.combos:
            combo.currentIndexChanged.connect(self._on_combo_changed)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def _file_summary(self) -> str:
        count = len(self._csv.rows)
        rows = f"{count} row" + ("" if count == 1 else "s")
        return f"{self._csv.description} · {rows} after the header"

    def _initial_size(self) -> QSize:
        """Wide enough for the samples; tall enough to show up to 10 columns without scrolling."""
        rows = min(len(self.combos), 10)
        table = self.table
        wanted = (
            table.horizontalHeader().sizeHint().height()
            + rows * table.verticalHeader().defaultSectionSize()
            + 2 * table.frameWidth()
        )
        hint = self.sizeHint()
        return QSize(max(hint.width(), 760), hint.height() - table.sizeHint().height() + wanted)

    # --- public -------------------------------------------------------------------------------

    def mapping(self) -> dict[int, str]:
        """Column index -> FIELDS key for every column not set to Ignore."""
        chosen = (
            (column, str(combo.currentData() or "")) for column, combo in enumerate(self.combos)
        )
        return {column: key for column, key in chosen if key}

    def set_field(self, column: int, key: str) -> None:
        """Set `column` to field `key` ("" for Ignore), as choosing it in its combo does."""
        combo = self.combos[column]
        index = combo.findData(key)
        if index < 0:
            raise ValueError(f"unknown CSV field {key!r}")
        combo.setCurrentIndex(index)

    def field_of(self, column: int) -> str:
        """The field key `column` is set to ("" for Ignore)."""
        return str(self.combos[column].currentData() or "")

    def is_usable(self) -> bool:
        """The mapping names a contact, so Import is possible."""
        return self.import_button.isEnabled()

    def preview_rows(self) -> list[tuple[str, ...]]:
        """The preview's cells, row by row (a problem row is one cell)."""
        table = self.preview_table
        rows: list[tuple[str, ...]] = []
        for row in range(table.rowCount()):
            span = table.columnSpan(row, 0)
            columns = 1 if span > 1 else table.columnCount()
            cells = (table.item(row, c) for c in range(columns))
            rows.append(tuple(item.text() if item is not None else "" for item in cells))
        return rows

    def accept(self) -> None:
        if not self.import_button.isEnabled():
            return  # Return in a combo must not accept an unusable mapping
        self.mapping_accepted.emit(self.mapping())
        super().accept()

    # --- slots --------------------------------------------------------------------------------

    def _on_combo_changed(self, _index: int) -> None:
        if self._syncing:
            return
        combo = self.sender()
        column = combo.property("csvColumn") if isinstance(combo, QComboBox) else None
        if isinstance(column, int):
            self._make_exclusive(column)
        self._update_preview()
        self.mapping_changed.emit()

    def _make_exclusive(self, column: int) -> None:
        """A single-valued field chosen on `column` is taken off any other column."""
        key = self.field_of(column)
        if not key or key in MULTI_FIELDS:
            self.moved_label.hide()
            return
        cleared = [c for c in range(len(self.combos)) if c != column and self.field_of(c) == key]
        if not cleared:
            self.moved_label.hide()
            return
        self._syncing = True
        try:
            for other in cleared:
                self.combos[other].setCurrentIndex(0)
        finally:
            self._syncing = False
        others = ", ".join(f"“{column_title(self._csv, c)}”" for c in cleared)
        self.moved_label.setText(
            f"“{FIELD_LABELS[key]}” comes from one column only: now "
            f"“{column_title(self._csv, column)}”, so {others} is set to Ignore."
        )
        self.moved_label.show()

    # --- preview ------------------------------------------------------------------------------

    def _update_preview(self) -> None:
        mapping = self.mapping()
        shown = len(self._preview_csv.rows)
        total = len(self._csv.rows)
        self.preview_title.setText(
            f"Preview: how the first {shown} of {total} rows will import"
            if total > shown
            else "Preview: how the rows will import"
        )
        try:
            parsed = read_contacts(self._preview_csv, mapping)
        except UnknownFormatError:
            self._show_unusable(UNUSABLE_TEXT)
            return
        if not self._preview_csv.rows:
            self._show_unusable("The file has no rows under its header: nothing to import.")
            return
        # A row goes in with the values that cannot be read kept in its notes: the row, then a
        # line per such value; a row that names nobody is one line saying so.
        entries: list[tuple[int, Sequence[str] | str]] = []
        for contact in parsed.contacts:
            entries.append((contact.record, draft_cells(contact.draft)))
            entries += [
                (
                    contact.record,
                    f'⚠ Line {p.line}: unreadable {p.field} "{p.value}" kept in notes ({p.reason})',
                )
                for p in contact.problems
            ]
        entries += [(p.record, f"⚠ Line {p.line}: {p.reason}") for p in parsed.skipped]
        entries.sort(key=lambda entry: entry[0])
        self._fill_preview([cells for _record, cells in entries])
        self.preview_stack.setCurrentWidget(self.preview_table)
        self.import_button.setEnabled(True)
        self.import_button.setToolTip("")

    def _show_unusable(self, message: str) -> None:
        self.preview_message.setText(message)
        self.preview_stack.setCurrentWidget(self.preview_message)
        self.preview_table.setRowCount(0)
        self.import_button.setEnabled(False)
        self.import_button.setToolTip(message)

    def _fill_preview(self, rows: Sequence[Sequence[str] | str]) -> None:
        table = self.preview_table
        table.clearSpans()
        table.setRowCount(len(rows))
        for row, cells in enumerate(rows):
            if isinstance(cells, str):  # a row that cannot be read: its problem, across
                item = QTableWidgetItem(cells)
                item.setToolTip(plain_tooltip(cells))
                item.setForeground(QColor(WARNING_COLOUR))
                table.setItem(row, 0, item)
                table.setSpan(row, 0, 1, table.columnCount())
                continue
            for column, text in enumerate(cells):
                item = QTableWidgetItem(one_line(text))
                item.setToolTip(plain_tooltip(text))
                table.setItem(row, column, item)


def ask_mapping(csv_file: CsvFile, parent: QWidget | None = None) -> dict[int, str] | None:
    """Ask (modally) what each column of `csv_file` holds; the mapping, or None on Cancel."""
    dialog = ColumnMappingDialog(csv_file, parent)
    try:
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.mapping()
        return None
    finally:
        dialog.deleteLater()
