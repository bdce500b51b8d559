"""The new-campaign wizard: segment with a live count and member preview -> template with a
live preview of one member's letter -> follow-up time and cost -> create (one transaction)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import partial

from PySide6.QtCore import QDate, QDateTime, QTime, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QWidget,
    QWizard,
    QWizardPage,
)
from sqlalchemy.orm import Session

from relationship_crm.domain.changes import Created
from relationship_crm.domain.enums import Stage
from relationship_crm.services import campaign_merge, campaigns, note_templates
from relationship_crm.services.campaigns import (
    CampaignDraft,
    Segment,
    SegmentPreview,
)
from relationship_crm.ui.callbacks import while_alive
from relationship_crm.ui.context import UiContext
from relationship_crm.ui.operations import run_write

#: Asks a yes/no question: (title, text, action button) -> True to go ahead.
Confirm = Callable[[str, str, str], bool]

_HINT = "color: palette(placeholder-text);"
LIVE_DELAY_MS = 250


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
                letter = campaign_merge.preview_member_letter(
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
