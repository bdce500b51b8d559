"""The pre-meeting brief: every attendee's recent history, open follow-ups and gifts given."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from relationship_crm.domain.timefmt import day_month
from relationship_crm.services import timeline
from relationship_crm.ui.context import UiContext


class MeetingBriefDialog(QDialog):
    """Shows the brief for one meeting as plain, selectable text (nothing from notes is rendered).

    Lives on the GUI thread; loads through ctx.runner.
    """

    def __init__(self, ctx: UiContext, meeting_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.setWindowTitle("Meeting brief")
        self.heading = QLabel("Loading…")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        font = self.heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.heading.setFont(font)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setFont(QFont("DejaVu Sans", 10))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        self.resize(640, 560)
        ctx.runner.query(lambda s: timeline.load_brief(s, meeting_id), self._on_loaded)

    def _on_loaded(self, data: timeline.MeetingBrief) -> None:
        meeting, briefs, notes = data.meeting, data.attendees, data.research
        zone = ZoneInfo(self._ctx.zone)
        when = meeting.starts_at.astimezone(zone)
        self.heading.setText(f"{meeting.title} — {meeting.kind.value}, {when:%a %d %b %Y %H:%M}")
        lines: list[str] = []
        if meeting.location:
            lines.append(f"Where: {meeting.location}")
        for note in notes:
            lines.append(f"Research: {note}")
        if data.notes.strip():
            # The meeting's own notes (an agenda, what was said) read as written, line by line.
            lines.append("Notes:")
            lines.extend(f"   {line}" for line in data.notes.splitlines())
        if lines:
            lines.append("")
        for brief in briefs:
            role = " at ".join(x for x in (brief.title, brief.company) if x)
            lines.append(f"■ {brief.name}" + (f" — {role}" if role else "") + f"  ({brief.stage})")
            for event in brief.events:
                detail = " ".join(event.note.split())
                detail = f" — {detail[:140]}" if detail else ""
                lines.append(
                    f"   News {day_month(event.happened_on, year=True)}: "
                    f"{event.kind.label} ({event.subject}){detail}"
                )
            if brief.gifts_total:
                given = ", ".join(
                    f"{amount:.2f} {cur}" for cur, amount in brief.gifts_total.items()
                )
                lines.append(f"   Gifts given so far: {given}")
            if not brief.entries:
                lines.append("   No history yet: a first meeting.")
            for entry in brief.entries:
                stamp = day_month(entry.when.astimezone(zone), year=True)
                status = f" [{entry.status}]" if entry.status else ""
                detail = " ".join(entry.detail.split())
                detail = f" — {detail[:140]}" if detail else ""
                what = entry.title
                if entry.kind in ("meeting", "call", "lunch", "event", "email"):
                    what = f"{entry.kind.capitalize()}: {entry.title}"
                lines.append(f"   {stamp}  {what}{status}{detail}")
            lines.append("")
        self.text.setPlainText("\n".join(lines))
