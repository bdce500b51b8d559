"""The Campaigns window: the campaigns and one campaign's page, and the new-campaign wizard.

The page shows the members with their letter status, follow-up and outcome (set from a menu),
the results figures with a small bar chart of outcomes, and saves the letters (optionally with
envelopes) or address labels as PDF. The wizard: segment with a live count and member preview ->
template with a live preview of one member's letter -> follow-up time and cost -> create. All
reads go through `ctx.runner.query`, all writes through `ui.operations.run_write`.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import partial
from pathlib import Path

from PySide6.QtCore import QDate, QDateTime, QRectF, Qt, QTime, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
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
    QWizard,
    QWizardPage,
)
from sqlalchemy.orm import Session

from relationship_crm.domain.changes import Created
from relationship_crm.domain.enums import Stage
from relationship_crm.services import campaigns, note_pages, note_templates, settings
from relationship_crm.services.campaigns import (
    CampaignDraft,
    CampaignPage,
    CampaignResults,
    Segment,
    SegmentPreview,
)
from relationship_crm.services.thanks import NotePage
from relationship_crm.ui.callbacks import while_alive
from relationship_crm.ui.context import UiContext
from relationship_crm.ui.operations import run_write

_HINT = "color: palette(placeholder-text);"
LIVE_DELAY_MS = 250


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
        self.setWindowTitle("Campaigns")
        self.resize(1000, 640)
        self.campaign_list = QListWidget()
        self.campaign_list.setAccessibleName("Campaigns")
        self.new_button = QPushButton("New campaign…")
        left = QVBoxLayout()
        left.addWidget(self.campaign_list, 1)
        left.addWidget(self.new_button)
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
        self.print_button = QPushButton("Letters to PDF…")
        self.envelopes_box = QCheckBox("with envelopes")
        self.labels_button = QPushButton("Labels to PDF…")
        self.sheet_combo = QComboBox()
        self.sheet_combo.addItem("Avery L7163 (A4)", "l7163")
        self.sheet_combo.addItem("Avery 5160 (Letter)", "5160")
        self.sent_button = QPushButton("Mark printed letters sent")
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        actions = QHBoxLayout()
        for widget in (
            self.outcome_button,
            self.print_button,
            self.envelopes_box,
            self.labels_button,
            self.sheet_combo,
            self.sent_button,
        ):
            actions.addWidget(widget)
        actions.addStretch(1)
        top_row = QHBoxLayout()
        top_row.addWidget(self.figures_label, 3)
        top_row.addWidget(self.chart, 2)
        right = QVBoxLayout()
        right.addWidget(self.title_label)
        right.addLayout(top_row)
        right.addWidget(self.members_table, 1)
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
            lambda s: campaigns.list_campaigns(s, now=now),
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
            lambda s: campaigns.get_campaign(s, campaign_id, now=now),
            while_alive(self, self._show_page),
        )

    def _show_page(self, page: CampaignPage | None) -> None:
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
        self._update_state()

    def _on_changed(self, changes: object, _initiator: object) -> None:
        self.reload()

    def _update_state(self) -> None:
        has = self._page is not None
        for widget in (self.outcome_button, self.print_button, self.labels_button):
            widget.setEnabled(has)
        self.sent_button.setEnabled(has and bool(self._page and self._page.results.printed))

    # --- actions ---------------------------------------------------------------------------

    def selected_contact(self) -> int | None:
        item = self.members_table.currentItem()
        return int(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

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
            lambda s: campaigns.mark_sent(s, campaign_id),
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
            pages = campaigns.letter_pages(session, campaign_id)
            return pages, note_pages.paper(settings.page_size(session))

        def on_pages(result: tuple[list[NotePage], note_pages.Paper]) -> None:
            from relationship_crm.ui import printing

            pages, sheet = result
            printing.write_pdf(
                Path(path), pages, sheet, envelopes=envelopes, title="Campaign letters"
            )
            run_write(
                self,
                self._ctx,
                lambda s: campaigns.mark_printed(s, campaign_id),
                lambda _r: self._say(f"{len(pages)} letters saved to {path}."),
                show_error=self._say,
            )

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

        def on_labels(result: tuple[list[campaigns.Label], list[campaigns.SegmentMember]]) -> None:
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
            lambda s: campaigns.labels(s, campaign_id), while_alive(self, on_labels)
        )

    def open_wizard(self) -> NewCampaignWizard:
        wizard = NewCampaignWizard(self._ctx, self)
        wizard.created.connect(self.reload)
        wizard.open()
        return wizard


class NewCampaignWizard(QWizard):
    """Segment (live count and members) -> template (live letter) -> follow-up and cost."""

    created = Signal(int)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.setWindowTitle("New campaign")
        self.resize(760, 560)
        self.preview: SegmentPreview | None = None
        self._timer = QTimer(self, singleShot=True, interval=LIVE_DELAY_MS)
        self._timer.timeout.connect(self.refresh)

        # Segment.
        segment = QWizardPage()
        segment.setTitle("Who is it for?")
        form = QFormLayout(segment)
        stages = QHBoxLayout()
        self.stage_boxes: dict[str, QCheckBox] = {}
        for stage in Stage:
            box = QCheckBox(stage.value)
            self.stage_boxes[stage.value] = box
            stages.addWidget(box)
            box.toggled.connect(self._changed)
        form.addRow("Stages:", stages)
        self.tags_edit = QLineEdit()
        self.tags_edit.setPlaceholderText("any of these tags, separated by commas")
        self.companies_edit = QLineEdit()
        self.companies_edit.setPlaceholderText("any of these companies, separated by commas")
        form.addRow("Tags:", self.tags_edit)
        form.addRow("Companies:", self.companies_edit)
        since = QHBoxLayout()
        self.since_box = QCheckBox("Not contacted since")
        today = ctx.today()
        self.since_edit = QDateEdit(QDate(today.year, today.month, today.day))
        self.since_edit.setCalendarPopup(True)
        self.since_edit.setDisplayFormat("yyyy-MM-dd")
        since.addWidget(self.since_box)
        since.addWidget(self.since_edit)
        since.addStretch(1)
        form.addRow("", since)
        self.address_box = QCheckBox("Only contacts with a postal address")
        form.addRow("", self.address_box)
        self.count_label = QLabel()
        self.count_label.setStyleSheet("font-weight: 600;")
        form.addRow("", self.count_label)
        self.member_list = QListWidget()
        self.member_list.setAccessibleName("Members preview")
        form.addRow(self.member_list)
        for edit in (self.tags_edit, self.companies_edit):
            edit.textChanged.connect(self._changed)
        for box in (self.since_box, self.address_box):
            box.toggled.connect(self._changed)
        self.since_edit.dateChanged.connect(self._changed)
        self.addPage(segment)

        # Template.
        letter = QWizardPage()
        letter.setTitle("The letter")
        form2 = QFormLayout(letter)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("e.g. Spring energy seminar")
        self.template_combo = QComboBox()
        self.topic_edit = QPlainTextEdit()
        self.topic_edit.setPlaceholderText("The topic or offer, in a sentence or two")
        self.topic_edit.setMaximumHeight(70)
        self.letter_preview = QPlainTextEdit()
        self.letter_preview.setReadOnly(True)
        self.letter_preview.setAccessibleName("Letter preview")
        form2.addRow("Name:", self.name_edit)
        form2.addRow("Template:", self.template_combo)
        form2.addRow("Topic or offer:", self.topic_edit)
        form2.addRow("Preview:", self.letter_preview)
        self.name_edit.textChanged.connect(self._changed)
        self.topic_edit.textChanged.connect(self._changed)
        self.template_combo.currentIndexChanged.connect(self._changed)
        self.addPage(letter)

        # Follow-up and cost.
        last = QWizardPage()
        last.setTitle("Follow-up and cost")
        form3 = QFormLayout(last)
        self.follow_up_box = QCheckBox("Follow up with every member at")
        self.follow_up_box.setChecked(True)
        start = ctx.now().replace(hour=9, minute=0, second=0, microsecond=0)
        self.follow_up_edit = QDateTimeEdit(
            QDateTime(QDate(start.year, start.month, start.day), QTime(9, 0)).addDays(14)
        )
        self.follow_up_edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.follow_up_edit.setCalendarPopup(True)
        self.zone_edit = QLineEdit(ctx.zone)
        self.cost_edit = QLineEdit()
        self.cost_edit.setPlaceholderText("optional: postage, gifts, an event")
        form3.addRow(self.follow_up_box, self.follow_up_edit)
        form3.addRow("Time zone:", self.zone_edit)
        form3.addRow("Cost:", self.cost_edit)
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #b3261e;")
        self.error_label.setWordWrap(True)
        form3.addRow(self.error_label)
        self.addPage(last)

        ctx.runner.query(
            partial(note_templates.list_templates, kind=note_templates.CAMPAIGN),
            while_alive(self, self._on_templates),
        )
        self.refresh()

    def _on_templates(self, found: list[note_templates.TemplateInfo]) -> None:
        self.template_combo.blockSignals(True)
        for info in found:
            self.template_combo.addItem(f"{info.name} — {info.description}", info.name)
        self.template_combo.blockSignals(False)
        self._changed()

    def segment(self) -> Segment:
        def split(text: str) -> frozenset[str]:
            return frozenset(p.strip() for p in text.split(",") if p.strip())

        since: date | None = None
        if self.since_box.isChecked():
            picked = self.since_edit.date()
            since = date(picked.year(), picked.month(), picked.day())
        return Segment(
            stages=frozenset(k for k, box in self.stage_boxes.items() if box.isChecked()),
            tags=split(self.tags_edit.text()),
            companies=split(self.companies_edit.text()),
            not_contacted_since=since,
            has_address=self.address_box.isChecked(),
        )

    def _changed(self, *_args: object) -> None:
        self._timer.start()

    def refresh(self) -> None:
        """Count the segment's members and fill the first member's letter, off the GUI thread."""
        self._timer.stop()
        segment = self.segment()
        template = self.template_combo.currentData()
        name, topic = self.name_edit.text(), self.topic_edit.toPlainText()
        now = self._ctx.clock()

        def load(s: Session) -> tuple[SegmentPreview, str]:
            preview = campaigns.preview_segment(s, segment)
            letter = ""
            if template and preview.members:
                letter = campaigns.preview_member_letter(
                    s,
                    str(template),
                    preview.members[0].contact_id,
                    name=name,
                    topic=topic,
                    now=now,
                )
            return preview, letter

        self._ctx.runner.query(
            load, while_alive(self, self._on_refreshed), while_alive(self, self._on_failed)
        )

    def _on_refreshed(self, result: tuple[SegmentPreview, str]) -> None:
        preview, letter = result
        self.preview = preview
        noun = "contact" if preview.count == 1 else "contacts"
        self.count_label.setText(f"{preview.count} {noun}")
        self.member_list.clear()
        for m in preview.members[:500]:
            extra = f" · {m.company}" if m.company else ""
            self.member_list.addItem(f"{m.name}{extra} · {m.stage}")
        self.letter_preview.setPlainText(letter)

    def _on_failed(self, exc: BaseException) -> None:
        self.count_label.setText(str(exc))
        self.member_list.clear()

    def accept(self) -> None:
        cost = None
        if self.cost_edit.text().strip():
            try:
                cost = Decimal(self.cost_edit.text().strip())
            except InvalidOperation:
                self.error_label.setText(f"{self.cost_edit.text()!r} is not an amount")
                return
        follow_up: datetime | None = None
        if self.follow_up_box.isChecked():
            follow_up = self.follow_up_edit.dateTime().toPython()  # type: ignore[assignment]
        draft = CampaignDraft(
            name=self.name_edit.text(),
            template=str(self.template_combo.currentData() or ""),
            segment=self.segment(),
            topic=self.topic_edit.toPlainText(),
            cost=cost,
            follow_up_local=follow_up,
            follow_up_tz=self.zone_edit.text().strip() or None if follow_up else None,
        )
        run_write(
            self,
            self._ctx,
            lambda s: campaigns.create(s, draft),
            self._on_created,
            show_error=self.error_label.setText,
        )

    def _on_created(self, result: Created) -> None:
        self.created.emit(result.id)
        super().accept()
