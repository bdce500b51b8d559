"""File → Import: read a file, say what it holds, ask about duplicates, import with progress.

The work runs on the database thread: reading and parsing (a query, nothing written), then the
import itself (one write transaction, so Cancel leaves the database as it was). A value that
cannot be read does not stop the import: it is kept in the contact's notes, and the result lists
every such value in a table the rep can review. Progress comes back through a signal; Cancel sets
a flag the import checks between records.
"""

from __future__ import annotations

import html
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from relationship_crm.domain.errors import KnownError
from relationship_crm.interchange.records import ImportProblem
from relationship_crm.services import import_files, stages
from relationship_crm.services.import_files import ImportResult, Prepared
from relationship_crm.services.import_summary import ImportCancelled, OnDuplicate
from relationship_crm.ui.context import UiContext

RULES: tuple[tuple[OnDuplicate, str], ...] = (
    (OnDuplicate.SKIP, "&Skip contacts that are already here"),
    (OnDuplicate.MERGE, "&Merge what is new into them (emails, phones, tags, notes…)"),
    (OnDuplicate.ADD, "&Add them anyway, as separate contacts"),
)


#: The columns of the problems table shown after an import.
PROBLEM_COLUMNS: tuple[str, ...] = ("Record", "Field", "Value", "Problem")


class _Relay(QObject):
    """Carries progress from the database thread to the dialog (a queued signal)."""

    progressed = Signal(int, int)


class ImportDialog(QDialog):
    """Imports one file. States: reading → (mapping) → ready → importing → done or failed.

    Signals:
        imported(object): the ImportResult, after a successful import.
    """

    imported = Signal(object)

    def __init__(self, ctx: UiContext, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._path = path
        self._prepared: Prepared | None = None
        self._cancel = threading.Event()
        self._importing = False
        self.result_summary: ImportResult | None = None
        self.setWindowTitle(f"Import — {path.name}")
        self.setMinimumWidth(520)

        self.heading = QLabel(f"Reading {path.name}…")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setWordWrap(True)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.detail = QLabel("")
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.rule_label = QLabel(
            "When a contact is already here (same email, phone, or name and company):"
        )
        self.rule_label.setWordWrap(True)
        self.rules = QButtonGroup(self)
        self.rule_buttons: dict[OnDuplicate, QRadioButton] = {}
        for rule, text in RULES:
            button = QRadioButton(text)
            self.rules.addButton(button)
            self.rule_buttons[rule] = button
        self.rule_buttons[OnDuplicate.SKIP].setChecked(True)
        self.problems_label = QLabel(
            "Values that could not be used as they were (each is kept in the contact's notes "
            "unless its record was skipped):"
        )
        self.problems_label.setWordWrap(True)
        self.problems_table = QTableWidget(0, len(PROBLEM_COLUMNS))
        self.problems_table.setHorizontalHeaderLabels(PROBLEM_COLUMNS)
        self.problems_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problems_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.problems_table.verticalHeader().setVisible(False)
        header = self.problems_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy until the first figure arrives
        self.progress.setTextVisible(True)

        self.buttons = QDialogButtonBox()
        self.import_button = QPushButton("&Import")
        self.import_button.setDefault(True)
        self.buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.import_button.clicked.connect(self.start_import)
        self.cancel_button.clicked.connect(self.reject)
        self.close_button.clicked.connect(self.accept)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.detail)
        layout.addSpacing(6)
        layout.addWidget(self.rule_label)
        for button in self.rule_buttons.values():
            layout.addWidget(button)
        layout.addSpacing(6)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.problems_table, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)

        self._relay = _Relay(self)
        self._relay.progressed.connect(self._on_progress)
        self._show_state("reading")
        self._started = False

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._started:  # read once shown, so a quick answer never beats the dialog
            self._started = True
            self._read()

    # --- states -------------------------------------------------------------------------------

    @property
    def state(self) -> str:
        return self._state

    def _show_state(self, state: str) -> None:
        self._state = state
        ready = state == "ready"
        for widget in (self.rule_label, *self.rule_buttons.values()):
            widget.setVisible(ready or state == "importing")
            widget.setEnabled(ready)
        self.progress.setVisible(state in ("reading", "importing"))
        listed = state == "done" and self.problems_table.rowCount() > 0
        self.problems_label.setVisible(listed)
        self.problems_table.setVisible(listed)
        self.import_button.setVisible(ready)
        self.cancel_button.setVisible(state in ("reading", "ready", "importing"))
        self.close_button.setVisible(state in ("done", "failed"))
        if state in ("done", "failed"):
            self.close_button.setDefault(True)
            self.close_button.setFocus()
        elif ready:
            self.import_button.setFocus()
        self.adjustSize()  # hidden rows give their room back

    # --- reading ------------------------------------------------------------------------------

    def _read(self, mapping: dict[int, str] | None = None) -> None:
        path = self._path

        def read(session: Session) -> Prepared:
            known = stages.stage_keys(session)
            return import_files.prepare(import_files.load(path), mapping, stages=known)

        self._ctx.runner.query(read, self._on_prepared, self._on_failed)

    def _on_prepared(self, prepared: Prepared) -> None:
        if self._state != "reading":
            return  # cancelled while reading
        if prepared.needs_mapping:
            from relationship_crm.ui.dialogs.column_mapping import ask_mapping

            assert prepared.info.csv is not None
            mapping = ask_mapping(prepared.info.csv, self)
            if mapping is None:
                self.reject()
                return
            self._read(mapping)
            return
        self._prepared = prepared
        self.heading.setText(f"{self._path.name}: {prepared.info.description}")
        if prepared.count is None:
            self.detail.setText(
                "A full copy: contacts, companies, meetings, follow-ups, notes and gifts. "
                "Records already here are not added twice."
            )
        elif prepared.count == 0:
            self.detail.setText("The file holds no contacts.")
        else:
            noun = "contact" if prepared.count == 1 else "contacts"
            lines = [f"{prepared.count:,} {noun} to import."]
            if prepared.skipped_blank:
                lines.append(f"Blank rows to skip: {prepared.skipped_blank:,}.")
            if prepared.skipped:
                lines.append(f"Rows that name nobody, to skip: {len(prepared.skipped):,}.")
            self.detail.setText("\n".join([*lines, *_warnings(prepared.warnings)]))
        self._show_state("ready")
        self.import_button.setEnabled(prepared.count != 0)

    # --- importing ----------------------------------------------------------------------------

    def chosen_rule(self) -> OnDuplicate:
        for rule, button in self.rule_buttons.items():
            if button.isChecked():
                return rule
        return OnDuplicate.SKIP

    def start_import(self) -> None:
        if self._state != "ready" or self._prepared is None:
            return
        prepared, rule, cancel = self._prepared, self.chosen_rule(), self._cancel
        relay, now = self._relay, self._ctx.clock()

        def report(done: int, total: int) -> None:
            if cancel.is_set():
                raise ImportCancelled()
            relay.progressed.emit(done, total)

        def run(session: Session) -> ImportResult:
            return import_files.import_prepared(
                session, prepared, on_duplicate=rule, progress=report, now=now
            )

        db_path = self._ctx.runner.db.path

        def back_up(_session: Session) -> None:
            from relationship_crm.storage import backups

            if db_path is not None:  # a server database has the admin's backups instead
                backups.automatic_backup(db_path, reason="before-import")

        def then_import(_made: None) -> None:
            if cancel.is_set():
                self._on_failed(ImportCancelled())
                return
            self.heading.setText(f"Importing {self._path.name}…")
            self._ctx.runner.submit(run, self._on_imported, self._on_failed)

        self._importing = True
        self.heading.setText("Backing up the database first…")
        self.progress.setRange(0, 0)
        self._show_state("importing")
        # A backup before every import; if it cannot be made, nothing is imported.
        self._ctx.runner.query(back_up, then_import, self._on_failed)

    def _on_progress(self, done: int, total: int) -> None:
        if total > 0 and self._state == "importing":
            self.progress.setRange(0, total)
            self.progress.setValue(done)

    def _on_imported(self, result: ImportResult) -> None:
        self._importing = False
        self.result_summary = result
        self.heading.setText("Import finished")
        self.detail.setText("\n".join([result.sentence(), *_warnings(result.warnings)]))
        self._fill_problems(result.problems)
        self._show_state("done")
        self._ctx.events.notify(result.changes, self)
        self.imported.emit(result)

    def _on_failed(self, error: BaseException) -> None:
        self._importing = False
        if isinstance(error, ImportCancelled):
            self.heading.setText("Import cancelled")
            self.detail.setText("Nothing was changed.")
        elif isinstance(error, KnownError):
            self.heading.setText(f"{self._path.name} cannot be imported")
            self.detail.setText(f"{error}\n\nNothing was imported.")
        else:
            self.heading.setText("Something went wrong inside the app")
            self.detail.setText(f"{type(error).__name__}: {error}\n\nNothing was imported.")
        self._show_state("failed")

    def _fill_problems(self, problems: tuple[ImportProblem, ...]) -> None:
        table = self.problems_table
        table.setRowCount(len(problems))
        for row, problem in enumerate(problems):
            cells = (
                f"{problem.record} (line {problem.line})",
                problem.field,
                problem.value,
                problem.problem,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(" ".join(text.split()))  # a cell's line breaks: spaces
                item.setToolTip(_plain_tooltip(text))
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                table.setItem(row, column, item)
        if problems:
            self.setMinimumHeight(360)

    # --- closing ------------------------------------------------------------------------------

    def reject(self) -> None:
        """Cancel: while importing, stop the import (the dialog then says so) and stay open."""
        if self._importing:
            self._cancel.set()
            self.heading.setText("Cancelling…")
            self.cancel_button.setEnabled(False)
            return
        self._state = "closed"
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._importing:
            self.reject()
            event.ignore()
            return
        super().closeEvent(event)


def _warnings(warnings: tuple[str, ...]) -> list[str]:
    return [f"Warning: {warning[:1].upper()}{warning[1:]}." for warning in warnings]


def _plain_tooltip(text: str) -> str:
    """A tooltip showing `text` literally: a value from a file is data, never markup."""
    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>" if text else ""
