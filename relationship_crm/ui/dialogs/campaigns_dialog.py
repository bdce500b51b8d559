"""The Campaigns window: the campaigns and one campaign's page, and the new-campaign wizard.

The page shows the members with their letter status, follow-up and outcome (set from a menu),
the results figures with a small bar chart of outcomes; it previews and prints the letters,
saves them (optionally with envelopes) or address labels as PDF, edits one member's letter,
adds and removes members, corrects the campaign's name and cost, and deletes it. The wizard:
segment with a live count and member preview -> template with a live preview of one member's
letter -> follow-up time and cost -> create. All reads go through `ctx.runner.query`, all writes
through `ui.operations.run_write`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from functools import partial
from pathlib import Path

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from relationship_crm.domain.changes import Changes
from relationship_crm.domain.errors import KnownError
from relationship_crm.services import (
    campaign_letters,
    campaign_results,
    campaigns,
    note_pages,
    settings,
)
from relationship_crm.services.campaign_results import (
    CampaignPage,
    CampaignResults,
)
from relationship_crm.services.thanks_printing import NotePage
from relationship_crm.ui.callbacks import while_alive
from relationship_crm.ui.context import UiContext
from relationship_crm.ui.dialogs.campaign_wizard import NewCampaignWizard
from relationship_crm.ui.operations import run_write
from relationship_crm.ui.widgets.contact_picker import ContactPicker
from relationship_crm.ui.widgets.questions import confirm_destructive

#: Asks a yes/no question: (title, text, action button) -> True to go ahead.
Confirm = Callable[[str, str, str], bool]
#: Asks for a campaign's name, cost ("" for none) and currency, given the current ones; None
#: when cancelled.
AskDetails = Callable[[str, str, str], tuple[str, str, str] | None]

_HINT = "color: palette(placeholder-text);"


class OutcomeChart(QWidget):
    """A small horizontal bar chart of a campaign's outcomes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.counts: dict[str, int] = {}
        self.setMinimumHeight(6 * 18 + 4)
        self.setAccessibleName("Outcomes chart")

    def set_counts(self, counts: dict[str, int]) -> None:
        self.counts = dict(counts)
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        label_width = 100.0
        top = 2.0
        most = max(self.counts.values(), default=0) or 1
        usable = max(10.0, self.width() - label_width - 40)
        for name in campaigns.OUTCOMES:
            count = self.counts.get(name, 0)
            painter.setPen(self.palette().text().color())
            painter.drawText(QRectF(0, top, label_width - 6, 16), Qt.AlignmentFlag.AlignRight, name)
            width = usable * count / most
            colour = QColor("#9aa0a6") if name == campaigns.NO_RESPONSE else QColor("#2e7d32")
            painter.fillRect(QRectF(label_width, top + 3, width, 11), colour)
            painter.drawText(QRectF(label_width + width + 4, top, 36, 16), 0, str(count))
            top += 18
        painter.end()


def _figures_text(r: CampaignResults) -> str:
    cost = f"{r.cost} {r.currency}" if r.cost is not None else "no cost"
    per = f"{r.cost_per_response} {r.currency}" if r.cost_per_response is not None else "–"
    days = f"{r.first_result_days} days" if r.first_result_days is not None else "–"
    return (
        f"<b>{r.members}</b> members · letters: {r.drafts} drafts, {r.printed} printed, "
        f"{r.sent} sent · follow-ups done: {r.followups_done}<br>"
        f"responses: <b>{r.responses}</b> · meetings after: {r.meetings_after} · stage "
        f"advances: {r.stage_moves} · deals: <b>{r.deals}</b><br>"
        f"cost: {cost} · per response: {per} · first result after: {days}"
    )


class CampaignsDialog(QDialog):
    """The campaigns on the left, the chosen campaign's page on the right."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._page: CampaignPage | None = None
        self.confirm: Confirm = partial(confirm_destructive, self)
        self.ask_details: AskDetails = partial(ask_campaign_details, self)
        self.preview_dialog: QPrintPreviewDialog | None = None
        self.letter_editor: LetterEditor | None = None
        self.members_dialog: AddMembersDialog | None = None
        self.setWindowTitle("Campaigns")
        self.resize(1000, 640)
        self.campaign_list = QListWidget()
        self.campaign_list.setAccessibleName("Campaigns")
        self.new_button = QPushButton("New campaign…")
        self.edit_button = QPushButton("Name and cost…")
        self.edit_button.setToolTip("Correct the campaign's name, what it cost and the currency")
        self.delete_button = QPushButton("Delete campaign…")
        left = QVBoxLayout()
        left.addWidget(self.campaign_list, 1)
        left.addWidget(self.new_button)
        left.addWidget(self.edit_button)
        left.addWidget(self.delete_button)
        left_box = QWidget()
        left_box.setLayout(left)

        self.title_label = QLabel()
        self.title_label.setStyleSheet("font-size: 15pt; font-weight: 600;")
        self.figures_label = QLabel()
        self.figures_label.setTextFormat(Qt.TextFormat.RichText)
        self.figures_label.setWordWrap(True)
        self.chart = OutcomeChart()
        self.members_table = QTableWidget(0, 5)
        self.members_table.setHorizontalHeaderLabels(
            ["Member", "Letter", "Follow-up", "Outcome", "Suggested"]
        )
        self.members_table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.members_table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.members_table.verticalHeader().hide()
        self.members_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.members_table.horizontalHeader().setStretchLastSection(True)
        self.members_table.setColumnWidth(0, 220)
        self.outcome_button = QToolButton()
        self.outcome_button.setText("Set outcome")
        self.outcome_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.outcome_menu = QMenu(self.outcome_button)
        for name in campaigns.OUTCOMES:
            self.outcome_menu.addAction(name, partial(self.set_outcome, name))
        self.outcome_button.setMenu(self.outcome_menu)
        self.edit_letter_button = QPushButton("Edit letter…")
        self.add_members_button = QPushButton("Add members…")
        self.remove_member_button = QPushButton("Remove member…")
        self.preview_button = QPushButton("Print…")
        self.preview_button.setToolTip("Preview the letters and print them")
        self.print_button = QPushButton("Letters to PDF…")
        self.envelopes_box = QCheckBox("with envelopes")
        self.labels_button = QPushButton("Labels to PDF…")
        self.sheet_combo = QComboBox()
        self.sheet_combo.addItem("Avery L7163 (A4)", "l7163")
        self.sheet_combo.addItem("Avery 5160 (Letter)", "5160")
        self.sent_button = QPushButton("Mark printed letters sent")
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        member_actions = QHBoxLayout()
        for widget in (
            self.outcome_button,
            self.edit_letter_button,
            self.add_members_button,
            self.remove_member_button,
        ):
            member_actions.addWidget(widget)
        member_actions.addStretch(1)
        actions = QHBoxLayout()
        for output in (
            self.preview_button,
            self.print_button,
            self.envelopes_box,
            self.labels_button,
            self.sheet_combo,
            self.sent_button,
        ):
            actions.addWidget(output)
        actions.addStretch(1)
        top_row = QHBoxLayout()
        top_row.addWidget(self.figures_label, 3)
        top_row.addWidget(self.chart, 2)
        right = QVBoxLayout()
        right.addWidget(self.title_label)
        right.addLayout(top_row)
        right.addWidget(self.members_table, 1)
        right.addLayout(member_actions)
        right.addLayout(actions)
        right.addWidget(self.message_label)
        right_box = QWidget()
        right_box.setLayout(right)
        splitter = QSplitter()
        splitter.addWidget(left_box)
        splitter.addWidget(right_box)
        splitter.setSizes([240, 760])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self.campaign_list.currentItemChanged.connect(lambda *_: self._load_page())
        self.new_button.clicked.connect(self.open_wizard)
        self.delete_button.clicked.connect(self.delete_campaign)
        self.edit_button.clicked.connect(self.edit_campaign)
        self.edit_letter_button.clicked.connect(self.edit_letter)
        self.members_table.cellDoubleClicked.connect(lambda *_: self.edit_letter())
        self.members_table.itemSelectionChanged.connect(self._update_state)
        self.add_members_button.clicked.connect(self.add_members)
        self.remove_member_button.clicked.connect(self.remove_member)
        self.preview_button.clicked.connect(self.preview)
        self.print_button.clicked.connect(self.save_letters)
        self.labels_button.clicked.connect(self.save_labels)
        self.sent_button.clicked.connect(self.mark_sent)
        ctx.events.changed.connect(self._on_changed)
        self._update_state()
        self.reload()

    # --- loading ---------------------------------------------------------------------------

    def reload(self, select: int | None = None) -> None:
        now = self._ctx.clock()
        self._ctx.runner.query(
            lambda s: campaign_results.list_campaigns(s, now=now),
            while_alive(self, partial(self._on_list, select)),
        )

    def _on_list(self, select: int | None, found: list[CampaignResults]) -> None:
        wanted = select if select is not None else self.current_id()
        self.campaign_list.blockSignals(True)
        self.campaign_list.clear()
        for c in found:
            responses = "response" if c.responses == 1 else "responses"
            item = QListWidgetItem(f"{c.name}\n{c.members} members · {c.responses} {responses}")
            item.setData(Qt.ItemDataRole.UserRole, c.id)
            self.campaign_list.addItem(item)
            if c.id == wanted:
                self.campaign_list.setCurrentItem(item)
        if self.campaign_list.currentItem() is None and self.campaign_list.count():
            self.campaign_list.setCurrentRow(0)
        self.campaign_list.blockSignals(False)
        self._load_page()

    def current_id(self) -> int | None:
        item = self.campaign_list.currentItem()
        return int(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def _load_page(self) -> None:
        campaign_id = self.current_id()
        if campaign_id is None:
            self._show_page(None)
            return
        now = self._ctx.clock()
        self._ctx.runner.query(
            lambda s: campaign_results.get_campaign(s, campaign_id, now=now),
            while_alive(self, self._show_page),
        )

    def _show_page(self, page: CampaignPage | None) -> None:
        kept = self.selected_contact() if self._page is not None else None
        if page is not None and self._page is not None and page.results.id != self._page.results.id:
            kept = None  # another campaign: nothing to keep
        self._page = page
        self.members_table.setRowCount(0)
        if page is None:
            self.title_label.setText("No campaigns yet")
            self.figures_label.setText("Start one with <b>New campaign…</b>.")
            self.chart.set_counts({})
            self._update_state()
            return
        r = page.results
        self.title_label.setText(r.name)
        self.figures_label.setText(_figures_text(r))
        self.chart.set_counts(r.outcomes)
        self.members_table.setRowCount(len(page.members))
        for row, m in enumerate(page.members):
            follow_up = f"{m.followup_status}" if m.followup_id is not None else ""
            cells = [
                m.contact_name,
                m.letter_status + (" (edited)" if m.edited else ""),
                follow_up,
                m.outcome or "",
                m.suggested_outcome or "",
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, m.contact_id)
                self.members_table.setItem(row, column, item)
            if m.contact_id == kept:
                self.members_table.selectRow(row)
        self._update_state()

    def _on_changed(self, changes: object, _initiator: object) -> None:
        self.reload()

    def _update_state(self) -> None:
        has = self._page is not None
        chosen = has and self.selected_contact() is not None
        for widget in (
            self.print_button,
            self.preview_button,
            self.labels_button,
            self.edit_button,
            self.delete_button,
            self.add_members_button,
        ):
            widget.setEnabled(has)
        for member_action in (
            self.outcome_button,
            self.edit_letter_button,
            self.remove_member_button,
        ):
            member_action.setEnabled(chosen)
        self.sent_button.setEnabled(has and bool(self._page and self._page.results.printed))

    # --- actions ---------------------------------------------------------------------------

    def selected_contact(self) -> int | None:
        rows = self.members_table.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.members_table.item(rows[0].row(), 0)
        return int(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def _selected_name(self) -> str:
        rows = self.members_table.selectionModel().selectedRows()
        item = self.members_table.item(rows[0].row(), 0) if rows else None
        return item.text() if item is not None else ""

    def _say(self, text: str) -> None:
        self.message_label.setText(text)

    def set_outcome(self, outcome: str) -> None:
        campaign_id, contact_id = self.current_id(), self.selected_contact()
        if campaign_id is None or contact_id is None:
            self._say("Choose a member first.")
            return
        run_write(
            self,
            self._ctx,
            lambda s: campaigns.set_outcome(s, campaign_id, contact_id, outcome),
            lambda _r: self.reload(campaign_id),
            show_error=self._say,
        )

    def mark_sent(self) -> None:
        campaign_id = self.current_id()
        if campaign_id is None:
            return
        run_write(
            self,
            self._ctx,
            lambda s: campaign_letters.mark_sent(s, campaign_id),
            lambda r: self._say(f"{r.value} printed letters marked sent."),
            show_error=self._say,
        )

    def save_letters(self, path: str | None = None) -> None:
        campaign_id = self.current_id()
        if campaign_id is None:
            return
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, "Save letters", "", "PDF (*.pdf)")
        if not path:
            return
        envelopes = self.envelopes_box.isChecked()

        def load(session: Session) -> tuple[list[NotePage], note_pages.Paper]:
            pages = campaign_letters.letter_pages(session, campaign_id)
            return pages, note_pages.paper(settings.page_size(session))

        def on_pages(result: tuple[list[NotePage], note_pages.Paper]) -> None:
            from relationship_crm.ui import printing

            pages, sheet = result
            printing.write_pdf(
                Path(path), pages, sheet, envelopes=envelopes, title="Campaign letters"
            )
            self._mark_printed(campaign_id, len(pages), path)

        self._ctx.runner.query(load, while_alive(self, on_pages))

    def save_labels(self, path: str | None = None) -> None:
        from relationship_crm.services import label_sheets

        campaign_id = self.current_id()
        if campaign_id is None:
            return
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, "Save labels", "", "PDF (*.pdf)")
        if not path:
            return
        sheet = label_sheets.label_sheet(str(self.sheet_combo.currentData()))

        def on_labels(
            result: tuple[list[campaign_letters.Label], list[campaigns.SegmentMember]],
        ) -> None:
            from relationship_crm.ui import printing

            found, skipped = result
            if not found:
                self._say("No member has a postal address: no labels to print.")
                return
            printing.write_labels_pdf(Path(path), [label.lines for label in found], sheet)
            text = f"{len(found)} labels saved to {path}."
            if skipped:
                text += " No postal address: " + ", ".join(m.name for m in skipped) + "."
            self._say(text)

        self._ctx.runner.query(
            lambda s: campaign_letters.labels(s, campaign_id), while_alive(self, on_labels)
        )

    def preview(self) -> None:
        """Load the letters, then show the print preview (printing from it marks them printed)."""
        campaign_id = self.current_id()
        if campaign_id is None:
            return
        self._ctx.runner.query(
            lambda s: (campaign_letters.letter_pages(s, campaign_id), settings.page_size(s)),
            while_alive(self, partial(self._on_preview_pages, campaign_id)),
        )

    def _on_preview_pages(self, campaign_id: int, result: tuple[list[NotePage], str]) -> None:
        pages, size = result
        self.show_preview(self.build_preview(campaign_id, pages, note_pages.paper(size)))

    def build_preview(
        self, campaign_id: int, pages: Sequence[NotePage], sheet: note_pages.Paper
    ) -> QPrintPreviewDialog:
        """A print preview of the letters (not shown); printing from it marks them printed."""
        from relationship_crm.ui import printing

        if self.preview_dialog is not None:
            self.preview_dialog.deleteLater()
        dialog = QPrintPreviewDialog(self)
        dialog.setWindowTitle("Preview campaign letters")
        dialog.resize(820, 900)
        envelopes, shown = self.envelopes_box.isChecked(), list(pages)

        def paint(printer: QPrinter) -> None:
            try:
                printing.render_notes(printer, shown, sheet, envelopes=envelopes)
            except KnownError as exc:
                self._say(f"Not printed: {exc}")

        dialog.paintRequested.connect(paint)
        dialog.accepted.connect(lambda: self._mark_printed(campaign_id, len(shown), None))
        self.preview_dialog = dialog
        return dialog

    def show_preview(self, dialog: QPrintPreviewDialog) -> None:
        """Open the preview window (tests call `build_preview` and look at it instead)."""
        dialog.open()

    def _mark_printed(self, campaign_id: int, count: int, path: str | None) -> None:
        where = f" saved to {path}" if path else " printed"
        run_write(
            self,
            self._ctx,
            lambda s: campaign_letters.mark_printed(s, campaign_id),
            lambda _r: self._say(f"{count} letters{where}."),
            show_error=self._say,
        )

    def edit_letter(self) -> None:
        """Open the chosen member's letter in an editor; saving replaces it as printed."""
        campaign_id, contact_id = self.current_id(), self.selected_contact()
        if campaign_id is None or contact_id is None:
            self._say("Choose a member first.")
            return
        name = self._selected_name()
        self._ctx.runner.query(
            lambda s: campaign_letters.member_letter(s, campaign_id, contact_id),
            while_alive(self, partial(self._open_letter, campaign_id, contact_id, name)),
        )

    def _open_letter(self, campaign_id: int, contact_id: int, name: str, body: str) -> None:
        status = ""
        if self._page is not None:
            status = next(
                (m.letter_status for m in self._page.members if m.contact_id == contact_id), ""
            )
        editor = LetterEditor(self._ctx, campaign_id, contact_id, name, body, status, self)
        editor.saved.connect(lambda: self._say(f"Letter to {name} saved."))
        self.letter_editor = editor
        editor.open()

    def add_members(self) -> None:
        """Pick contacts to add by hand: each gets a letter draft and the campaign's follow-up."""
        campaign_id = self.current_id()
        if campaign_id is None:
            return
        dialog = AddMembersDialog(self._ctx, campaign_id, self)
        dialog.added.connect(lambda n: self._say(f"{n} member{'s' if n != 1 else ''} added."))
        self.members_dialog = dialog
        dialog.open()

    def remove_member(self) -> None:
        campaign_id, contact_id = self.current_id(), self.selected_contact()
        if campaign_id is None or contact_id is None:
            self._say("Choose a member first.")
            return
        name = self._selected_name()
        question = (
            f"Take {name} out of this campaign? Their letter is deleted and their open "
            "campaign follow-up is cancelled."
        )
        if not self.confirm("Remove member", question, "Remove"):
            return
        run_write(
            self,
            self._ctx,
            lambda s: campaigns.remove_member(s, campaign_id, contact_id),
            lambda _r: self._say(f"{name} removed from the campaign."),
            show_error=self._say,
        )

    def delete_campaign(self) -> None:
        campaign_id = self.current_id()
        if campaign_id is None or self._page is None:
            return
        name, members = self._page.results.name, self._page.results.members
        question = (
            f"Delete the campaign “{name}” and its {members} letters? Open campaign follow-ups "
            "are cancelled; the contacts, their meetings and past follow-ups stay."
        )
        if not self.confirm("Delete campaign", question, "Delete campaign"):
            return
        run_write(
            self,
            self._ctx,
            lambda s: campaigns.delete(s, campaign_id),
            lambda r: self._say(f"Campaign “{name}” deleted; {r.value} open follow-ups cancelled."),
            show_error=self._say,
        )

    def edit_campaign(self) -> None:
        """Correct the campaign's name, cost and currency (its results follow)."""
        campaign_id = self.current_id()
        if campaign_id is None or self._page is None:
            return
        r = self._page.results
        answer = self.ask_details(r.name, "" if r.cost is None else str(r.cost), r.currency)
        if answer is None:
            return
        name, cost_text, currency = answer
        try:
            cost = None if not cost_text.strip() else Decimal(cost_text.strip())
        except InvalidOperation:
            self._say(f"Not saved: {cost_text.strip()!r} is not an amount such as 120.50")
            return

        def op(s: Session) -> Changes:
            return campaigns.update(s, campaign_id, name=name, cost=cost, currency=currency)

        def saved(_changes: Changes) -> None:
            self.reload(campaign_id)
            self._say("Saved.")

        run_write(self, self._ctx, op, saved, show_error=self._say)

    def open_wizard(self) -> NewCampaignWizard:
        wizard = NewCampaignWizard(self._ctx, self)
        wizard.created.connect(self.reload)
        wizard.open()
        return wizard


class LetterEditor(QDialog):
    """One member's campaign letter, editable; it prints exactly as saved. A sent letter is
    shown read-only."""

    saved = Signal()

    def __init__(
        self,
        ctx: UiContext,
        campaign_id: int,
        contact_id: int,
        name: str,
        body: str,
        status: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._campaign_id, self._contact_id = campaign_id, contact_id
        self.setWindowTitle(f"Letter to {name}")
        self.resize(560, 520)
        self.text_edit = QPlainTextEdit(body)
        self.text_edit.setAccessibleName("Letter text")
        sent = status == "sent"
        self.text_edit.setReadOnly(sent)
        hint = (
            "This letter was sent; it can no longer change."
            if sent
            else "Prints exactly as written here. A printed letter you change is a draft again."
        )
        self.hint_label = QLabel(hint)
        self.hint_label.setWordWrap(True)
        self.hint_label.setStyleSheet(_HINT)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Close
            if sent
            else QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint_label)
        layout.addWidget(self.text_edit, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    def accept(self) -> None:
        if self.text_edit.isReadOnly():
            super().accept()
            return
        body = self.text_edit.toPlainText()
        campaign_id, contact_id = self._campaign_id, self._contact_id
        run_write(
            self,
            self._ctx,
            lambda s: campaign_letters.update_letter(s, campaign_id, contact_id, body),
            lambda _r: self._done(),
            show_error=self.error_label.setText,
        )

    def _done(self) -> None:
        self.saved.emit()
        super().accept()


class AddMembersDialog(QDialog):
    """Pick contacts (type-ahead) to add to a campaign by hand, all in one transaction."""

    added = Signal(int)

    def __init__(self, ctx: UiContext, campaign_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._campaign_id = campaign_id
        self.setWindowTitle("Add members")
        self.resize(520, 220)
        self.picker = ContactPicker(ctx)
        self.picker.edit.setAccessibleName("Add member")
        self.picker.failed.connect(self._show_error)
        hint = QLabel(
            "Each new member gets a letter draft and, if the campaign has one, its follow-up. "
            "Contacts who opted out of campaigns cannot be added."
        )
        hint.setWordWrap(True)
        hint.setStyleSheet(_HINT)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Contacts to add:"))
        layout.addWidget(self.picker)
        layout.addWidget(hint)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)

    def accept(self) -> None:
        ids = self.picker.selected_ids()
        if not ids:
            self._show_error("Type a name and pick a contact first.")
            return
        campaign_id = self._campaign_id

        def add_all(session: Session) -> Changes:
            return Changes.combined(campaigns.add_member(session, campaign_id, c) for c in ids)

        run_write(
            self,
            self._ctx,
            add_all,
            lambda _r: self._done(len(ids)),
            show_error=self._show_error,
            what="Not added",
        )

    def _done(self, count: int) -> None:
        self.added.emit(count)
        super().accept()


def ask_campaign_details(
    parent: QWidget, name: str, cost: str, currency: str
) -> tuple[str, str, str] | None:
    """A small modal form: the campaign's name, cost ("" for none) and currency."""
    dialog = QDialog(parent)
    dialog.setWindowTitle("Campaign name and cost")
    name_edit, cost_edit, currency_edit = QLineEdit(name), QLineEdit(cost), QLineEdit(currency)
    cost_edit.setPlaceholderText("none")
    currency_edit.setMaxLength(3)
    form = QFormLayout(dialog)
    form.addRow("&Name:", name_edit)
    form.addRow("&Cost:", cost_edit)
    form.addRow("C&urrency:", currency_edit)
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    form.addRow(buttons)
    dialog.resize(420, dialog.sizeHint().height())
    if dialog.exec() != QDialog.DialogCode.Accepted:  # modal; tests replace `ask_details`
        return None
    return name_edit.text(), cost_edit.text(), currency_edit.text()
