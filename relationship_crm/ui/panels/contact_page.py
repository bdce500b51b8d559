"""The selected contact's page: details, stage with history, tags and one timeline, newest first."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from relationship_crm.domain.changes import Changes, Created
from relationship_crm.domain.records import ContactView, ResearchView
from relationship_crm.domain.timefmt import birthday_text, long_day, long_local_moment
from relationship_crm.services import contacts, health, research, timeline
from relationship_crm.services.timeline import TimelineEntry
from relationship_crm.ui.context import UiContext
from relationship_crm.ui.dialogs.base import SavingDialog
from relationship_crm.ui.operations import run_write
from relationship_crm.ui.widgets.contact_picker import FlowLayout
from relationship_crm.ui.widgets.messages import message_label, plain_tooltip
from relationship_crm.ui.widgets.stage_combo import StageCombo

MEETING_KINDS = frozenset({"meeting", "call", "lunch", "event", "email"})
KIND_LABELS = {
    "meeting": "Meeting",
    "call": "Call",
    "lunch": "Lunch",
    "event": "Event",
    "email": "Email",
    "research": "Research",
    "follow-up": "Follow-up",
    "thanks": "Thank-you",
    "gift": "Gift",
    "trigger": "News",
}


def _plain(text: str) -> QLabel:
    label = QLabel(text)
    # Names and notes are data typed by the rep or imported: never rich text or links.
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    return label


def rhythm_text(found: health.ContactHealth) -> str:
    """ "Keep in touch: every 30 days (at most 45 days), from tag VIP · Last touch: 12 Nov 2026
    (11 days ago)"."""
    if found.last_touch is None:
        last = "none yet"
    else:
        ago = found.days_since_contact
        when = "today" if ago == 0 else "yesterday" if ago == 1 else f"{ago} days ago"
        last = f"{long_day(found.last_touch)} ({when})"
    return f"Keep in touch: {health.describe(found)} · Last touch: {last}"


class ContactPage(QWidget):
    """Shows one contact; the stage can be changed in place, everything else via dialogs.

    Signals:
        edit_requested(int), delete_requested(int): the rep asked to edit or delete the contact.
        log_meeting_requested(int, str), follow_up_requested(int, str), gift_requested(int, str):
            open the matching dialog for this contact (id, name).
        thanks_requested(int): a thank-you note in the timeline was opened (its id).
        delete_meeting_requested(int, str): the rep asked to delete a meeting of the timeline
            (its id and title); Delete on the timeline or its context menu.
        loaded(int): the page finished showing a contact.
    Lives on the GUI thread; loads through ctx.runner.
    """

    edit_requested = Signal(int)
    delete_requested = Signal(int)
    log_meeting_requested = Signal(int, str)
    follow_up_requested = Signal(int, str)
    gift_requested = Signal(int, str)
    thanks_requested = Signal(int)
    delete_meeting_requested = Signal(int, str)
    loaded = Signal(int)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._contact: ContactView | None = None
        self._requested: int | None = None
        self._entries: Sequence[TimelineEntry] = ()

        self.name_label = _plain("")
        self.name_label.setObjectName("contactName")
        font = self.name_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.name_label.setFont(font)
        self.role_label = _plain("")
        self.details_label = _plain("")
        self.notes_label = _plain("")
        self.notes_label.setObjectName("contactNotes")
        self.history_label = _plain("")
        self.history_label.setObjectName("stageHistory")
        # The keep-in-touch rhythm (and where it comes from) and the last touch (issue 15).
        self.rhythm_label = _plain("")
        self.rhythm_label.setObjectName("keepInTouch")
        self.rhythm_button = QPushButton("Keep in &touch…")
        self.rhythm_button.setToolTip("How often to touch base with this contact, or a pause")
        self.stage_combo = StageCombo(ctx)
        self.stage_combo.setAccessibleName("Stage")
        self.stage_combo.definition_changed.connect(self.stage_combo.setToolTip)
        self.stage_combo.load()
        self.edit_button = QPushButton("&Edit…")
        self.meeting_button = QPushButton("Log &meeting…")
        self.follow_up_button = QPushButton("&Follow-up…")
        self.gift_button = QPushButton("&Gift…")
        self.research_button = QPushButton("&Research note…")
        self.event_button = QPushButton("&News…")
        self.event_button.setToolTip(
            "Add a trigger event (a merger, funding, a new executive…) about this contact or "
            "their company; follow-ups are offered for everyone concerned"
        )
        self.delete_button = QPushButton("Delete")

        self.timeline = QTreeWidget()
        self.timeline.setHeaderLabels(["When", "What", "Details"])
        self.timeline.setRootIsDecorated(False)
        self.timeline.setAlternatingRowColors(True)
        self.timeline.setWordWrap(True)
        self.timeline.setUniformRowHeights(True)
        # What and Details share the width left after the date, so nothing hides behind a
        # sideways scrollbar; a long line elides, and the pane below shows it whole.
        timeline_header = self.timeline.header()
        timeline_header.setStretchLastSection(False)
        timeline_header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        timeline_header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        timeline_header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.timeline.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.delete_meeting_action = QAction("&Delete meeting\tDel", self.timeline)
        self.delete_meeting_action.setEnabled(False)
        self.timeline.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.timeline.addAction(self.delete_meeting_action)
        self.brief_action = QAction("Meeting &brief…", self.timeline)
        self.brief_action.setEnabled(False)
        self.timeline.addAction(self.brief_action)
        # Rows stay one line (uniform heights keep long timelines fast); the selected row's whole
        # text, research and notes included, is shown here, wrapped and selectable.
        self.timeline_details = QPlainTextEdit()
        self.timeline_details.setObjectName("timelineDetails")
        self.timeline_details.setReadOnly(True)
        self.timeline_details.setAccessibleName("Details of the selected entry")
        self.timeline_details.setPlaceholderText("Select an entry to read it whole.")
        self.timeline_details.setMaximumHeight(140)

        # The name and role get the page's whole width (beside the buttons they wrapped word
        # by word on a laptop screen); stage, Edit and Delete come on the line below.
        titles = QVBoxLayout()
        titles.addWidget(self.name_label)
        titles.addWidget(self.role_label)
        top = QHBoxLayout()
        top.addWidget(QLabel("Stage:"))
        top.addWidget(self.stage_combo)
        top.addWidget(self.edit_button)
        # Wraps onto a second line on a narrow page rather than widening it (the contact list
        # beside it would then scroll sideways).
        actions = FlowLayout(spacing=6)
        for button in (
            self.meeting_button,
            self.follow_up_button,
            self.gift_button,
            self.research_button,
            self.event_button,
        ):
            actions.addWidget(button)
        top.addStretch(1)
        top.addWidget(self.delete_button)  # beside Edit: the action row fits a narrow page

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(titles)
        layout.addLayout(top)
        layout.addWidget(self.details_label)
        layout.addWidget(self.history_label)
        # Beside its line, not in the action row: that row must fit a 1024 px screen.
        rhythm = QHBoxLayout()
        rhythm.addWidget(self.rhythm_label, 1)
        rhythm.addWidget(self.rhythm_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(rhythm)
        layout.addWidget(self.notes_label)
        layout.addLayout(actions)
        layout.addWidget(self.timeline, 1)
        layout.addWidget(self.timeline_details)

        placeholder = QLabel("Select a contact to see their page.")
        placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        placeholder.setObjectName("placeholder")
        self._stack = QStackedWidget()
        self._stack.addWidget(placeholder)
        self._stack.addWidget(page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._stack)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.stage_combo.activated.connect(self._on_stage_activated)
        self.edit_button.clicked.connect(lambda: self._emit_for_contact(self.edit_requested))
        self.delete_button.clicked.connect(lambda: self._emit_for_contact(self.delete_requested))
        self.meeting_button.clicked.connect(lambda: self._emit_named(self.log_meeting_requested))
        self.follow_up_button.clicked.connect(lambda: self._emit_named(self.follow_up_requested))
        self.gift_button.clicked.connect(lambda: self._emit_named(self.gift_requested))
        self.research_button.clicked.connect(self._on_research_clicked)
        self.event_button.clicked.connect(self.add_trigger_event)
        self.rhythm_button.clicked.connect(self.edit_rhythm)
        self.timeline.itemActivated.connect(self._on_timeline_activated)
        self.timeline.currentItemChanged.connect(self._on_timeline_current_changed)
        self.delete_meeting_action.triggered.connect(self.delete_current_meeting)
        self.brief_action.triggered.connect(self._on_brief_action_triggered)
        # On the timeline only: elsewhere Delete has its own meaning (or none).
        QShortcut(
            QKeySequence(Qt.Key.Key_Delete),
            self.timeline,
            self.delete_current_meeting,
            Qt.ShortcutContext.WidgetShortcut,
        )
        self._ctx.events.changed.connect(self._on_events_changed)

    # --- public -------------------------------------------------------------------------------

    @property
    def contact(self) -> ContactView | None:
        return self._contact

    def show_contact(self, contact_id: int) -> None:
        """Load and show a contact (0 shows the placeholder)."""
        self._requested = contact_id or None
        if not contact_id:
            self._contact = None
            self._stack.setCurrentIndex(0)
            return
        self._ctx.runner.query(
            lambda s: timeline.load_contact(s, contact_id),
            self._on_loaded,
            on_error=self._on_load_failed,
        )
        today, zone = self._ctx.today(), self._ctx.zone
        self._ctx.runner.query(
            lambda s: health.contact_health(s, contact_id, on=today, zone=zone),
            self._on_health_loaded,
            on_error=lambda _exc: None,  # the contact's own load reports a missing contact
        )

    def reload(self) -> None:
        if self._requested:
            self.show_contact(self._requested)

    # --- slots --------------------------------------------------------------------------------

    def _on_loaded(self, data: timeline.ContactHistory) -> None:
        if data.contact.id != self._requested:
            return  # the rep already moved on to another contact
        self._contact = c = data.contact
        zone = ZoneInfo(self._ctx.zone)
        self.name_label.setText(c.name)
        self.role_label.setText(" at ".join(x for x in (c.title, c.company) if x))
        self.role_label.setVisible(bool(c.title or c.company))
        details = [
            *(f"✉ {e.value}" + (f" ({e.label})" if e.label else "") for e in c.emails),
            *(f"☎ {p.value}" + (f" ({p.label})" if p.label else "") for p in c.phones),
        ]
        if c.tags:
            details.append("Tags: " + ", ".join(c.tags))
        if c.birthday:
            details.append(f"Birthday: {birthday_text(c.birthday)}")
        # One detail a line: run together, the label wrapped wherever it ran out of room and
        # left a phone number alone on a line.
        self.details_label.setText("\n".join(details))
        self.details_label.setVisible(bool(details))
        self.notes_label.setText(c.notes)
        self.notes_label.setVisible(bool(c.notes))
        steps = [
            f"{self.stage_combo.label_of(h.stage)} ({h.changed_at.astimezone(zone):%d %b %Y})"
            for h in c.stage_history
        ]
        self.history_label.setText("Stage history: " + " → ".join(steps))
        self.stage_combo.select(c.stage)
        self._entries = data.entries
        self._fill_timeline(data.entries)
        self._stack.setCurrentIndex(1)
        self.loaded.emit(c.id)

    def _on_health_loaded(self, found: health.ContactHealth) -> None:
        if found.contact_id != self._requested:
            return
        self.rhythm_label.setText(rhythm_text(found))

    def edit_rhythm(self) -> None:
        """Open the small dialog that sets this contact's keep-in-touch rhythm or pause."""
        if self._contact is None:
            return
        from relationship_crm.ui.dialogs.rhythm_dialog import RhythmDialog

        RhythmDialog(self._ctx, self._contact.id, self._contact.name, self).open()

    def _fill_timeline(self, entries: Sequence[TimelineEntry]) -> None:
        self.timeline.clear()
        zone = ZoneInfo(self._ctx.zone)
        now = self._ctx.clock()
        for entry in entries:
            local = entry.when.astimezone(zone)
            dated = entry.kind in ("gift", "trigger")  # a day, no time of day
            when = long_day(local) if dated else long_local_moment(local)
            if entry.kind in MEETING_KINDS or entry.kind == "trigger":
                what = f"{KIND_LABELS[entry.kind]}: {entry.title}"
            else:
                what = entry.title
            if entry.status and entry.kind in ("thanks", "follow-up"):
                what += f" [{entry.status}]"
            detail = " ".join(entry.detail.split())
            item = QTreeWidgetItem([when, what, detail[:300]])
            item.setData(0, Qt.ItemDataRole.UserRole, (entry.kind, entry.ref_id))
            if entry.kind in MEETING_KINDS:
                item.setToolTip(
                    1, "Double-click or Enter to edit the meeting; its brief is in the context menu"
                )
            elif entry.kind == "research":
                item.setToolTip(1, "Double-click or Enter to edit the research note")
            elif entry.kind == "gift":
                item.setToolTip(1, "Double-click or Enter to edit the gift")
            elif entry.kind == "trigger":
                item.setToolTip(1, "Double-click or Enter to edit the trigger event")
            item.setToolTip(2, plain_tooltip(entry.detail[:2000]))
            if entry.kind == "follow-up" and entry.status == "open" and entry.when < now:
                item.setForeground(0, Qt.GlobalColor.darkRed)
                item.setForeground(1, Qt.GlobalColor.darkRed)
            self.timeline.addTopLevelItem(item)

    def _on_timeline_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        kind, ref_id = item.data(0, Qt.ItemDataRole.UserRole)
        if kind in MEETING_KINDS:
            self.edit_meeting(ref_id)
        elif kind == "thanks":
            self.thanks_requested.emit(ref_id)
        elif kind == "research":
            self.edit_research(ref_id)
        elif kind == "gift":
            self.edit_gift(ref_id)
        elif kind == "trigger":
            self.edit_trigger_event(ref_id)

    def edit_gift(self, gift_id: int) -> None:
        """Open one gift of the timeline in the gift dialog, for correction."""
        if self._contact is None:
            return
        from relationship_crm.ui.dialogs.gift_dialog import GiftDialog

        c = self._contact
        GiftDialog(self._ctx, c.id, c.name, self, gift_id=gift_id).open()

    def add_trigger_event(self) -> QDialog | None:
        """Open the Add trigger event dialog for this contact (or their company)."""
        if self._contact is None:
            return None
        from relationship_crm.ui.dialogs.trigger_events import TriggerEventDialog

        c = self._contact
        company = (c.company_id, c.company) if c.company_id is not None else None
        dialog = TriggerEventDialog(self._ctx, self, contact=(c.id, c.name), company=company)
        dialog.open()
        return dialog

    def edit_trigger_event(self, event_id: int) -> QDialog:
        """Open one trigger event of the timeline for correction."""
        from relationship_crm.ui.dialogs.trigger_events import TriggerEventDialog

        dialog = TriggerEventDialog(self._ctx, self, event_id=event_id)
        dialog.open()
        return dialog

    def edit_research(self, note_id: int) -> None:
        """Open one research note of the timeline for correction."""
        ResearchEditDialog(self._ctx, note_id, self).open()

    def _current_meeting(self) -> tuple[int, str] | None:
        item = self.timeline.currentItem()
        if item is None:
            return None
        kind, ref_id = item.data(0, Qt.ItemDataRole.UserRole)
        if kind not in MEETING_KINDS:
            return None
        entry = next((e for e in self._entries if e.kind == kind and e.ref_id == ref_id), None)
        return ref_id, entry.title if entry is not None else ""

    def _on_timeline_current_changed(self, *_items: object) -> None:
        self.delete_meeting_action.setEnabled(self._current_meeting() is not None)
        self.brief_action.setEnabled(self._current_meeting() is not None)
        self.timeline_details.setPlainText(self._current_text())

    def _current_text(self) -> str:
        item = self.timeline.currentItem()
        if item is None:
            return ""
        kind, ref_id = item.data(0, Qt.ItemDataRole.UserRole)
        entry = next((e for e in self._entries if e.kind == kind and e.ref_id == ref_id), None)
        head = f"{item.text(0)} — {item.text(1)}"
        return f"{head}\n\n{entry.detail}" if entry is not None and entry.detail else head

    def delete_current_meeting(self) -> None:
        """Ask to delete the meeting selected on the timeline (nothing for other rows)."""
        chosen = self._current_meeting()
        if chosen is not None:
            self.delete_meeting_requested.emit(*chosen)

    def _on_brief_action_triggered(self) -> None:
        chosen = self._current_meeting()
        if chosen is not None:
            self.open_brief(chosen[0])

    def edit_meeting(self, meeting_id: int) -> None:
        """Open one meeting of the timeline in the Log meeting form, for correction."""
        from relationship_crm.ui.dialogs.log_meeting import LogMeetingDialog

        LogMeetingDialog(self._ctx, self, meeting_id=meeting_id).open()

    def open_brief(self, meeting_id: int) -> None:
        """Show the pre-meeting brief of one of this contact's meetings."""
        from relationship_crm.ui.dialogs.meeting_brief import MeetingBriefDialog

        MeetingBriefDialog(self._ctx, meeting_id, self).open()

    def upcoming_meetings(self) -> list[tuple[int, str]]:
        """This contact's meetings still to come, as (id, label), soonest first."""
        now = self._ctx.clock()
        zone = ZoneInfo(self._ctx.zone)
        return [
            (e.ref_id, f"{e.title} ({e.when.astimezone(zone):%d %b %H:%M})")
            for e in reversed(self._entries)
            if e.kind in MEETING_KINDS and e.when > now
        ]

    def _on_load_failed(self, exc: BaseException) -> None:
        self._contact = None
        self._stack.setCurrentIndex(0)

    def _on_stage_activated(self, _index: int) -> None:
        stage = self.stage_combo.current_key()
        if self._contact is None or stage is None or stage == self._contact.stage:
            return
        cid = self._contact.id
        run_write(
            self,
            self._ctx,
            lambda s: contacts.set_stage(s, cid, stage, now=self._ctx.clock()),
            initiator=None,  # the page reloads on its own change like on anyone else's
        )

    def _on_research_clicked(self) -> None:
        if self._contact is None:
            return
        c = self._contact
        subjects: list[tuple[str, str, int]] = [("contact", c.name, c.id)]
        if c.company_id is not None:
            subjects.append(("company", f"{c.company} (company)", c.company_id))
        subjects += [
            ("meeting", f"Meeting: {label}", mid) for mid, label in self.upcoming_meetings()
        ]
        dialog = ResearchNoteDialog(self._ctx, subjects, self)
        dialog.open()

    def _on_events_changed(self, changes: Changes, _initiator: object) -> None:
        if self._requested and any(
            (
                changes.contacts,
                changes.meetings,
                changes.follow_ups,
                changes.gifts,
                changes.thanks,
                changes.research,
                changes.companies,
                changes.trigger_events,
            )
        ):
            self.reload()
        if changes.contacts:  # a stage renamed or added
            self.stage_combo.load()

    def _emit_for_contact(self, signal: SignalInstance) -> None:
        if self._contact is not None:
            signal.emit(self._contact.id)

    def _emit_named(self, signal: SignalInstance) -> None:
        if self._contact is not None:
            signal.emit(self._contact.id, self._contact.name)


class ResearchNoteDialog(SavingDialog):
    """Adds a dated research note (with an optional source link) to a contact, their company or
    one of their upcoming meetings.

    Lives on the GUI thread; saves through `operations.run_write` (which notifies the change).
    """

    def __init__(
        self, ctx: UiContext, subjects: list[tuple[str, str, int]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.setWindowTitle(f"Research note — {subjects[0][1]}")
        self.about = QComboBox()
        for kind, label, ref in subjects:
            self.about.addItem(label, (kind, ref))
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        self.text.setPlaceholderText("What did you learn? (news, org changes, interests…)")
        self.source = QLineEdit(placeholderText="https://… (optional)")
        self.error = self.error_label = message_label()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._on_save)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("&About:", self.about)
        form.addRow("&Note:", self.text)
        form.addRow("&Source:", self.source)
        form.addRow(self.error)
        form.addRow(buttons)
        self.resize(480, 280)

    def _on_save(self) -> None:
        text, source = self.text.toPlainText(), self.source.text()
        kind, ref = self.about.currentData()
        target = {f"{kind}_id": ref}
        self._write(
            lambda s: research.add(s, text, source_url=source, now=self._ctx.clock(), **target),
            self._on_saved,
            describe=str,  # the service's reason as it is (a bug's text too)
        )

    def _on_saved(self, _created: Created) -> None:
        self.accept()


class ResearchEditDialog(SavingDialog):
    """Corrects a research note's text and source link (what it is about stays).

    Loads the note with `runner.query`; saves through `operations.run_write`.
    """

    def __init__(self, ctx: UiContext, note_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._note_id = note_id
        self.setWindowTitle("Edit research note")
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        self.source = QLineEdit(placeholderText="https://… (optional)")
        self.error = self.error_label = message_label()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        # Nothing to save until the note is loaded.
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(False)
        self.buttons.accepted.connect(self._on_save)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("&Note:", self.text)
        form.addRow("&Source:", self.source)
        form.addRow(self.error)
        form.addRow(self.buttons)
        self.resize(480, 280)
        ctx.runner.query(lambda s: research.get(s, note_id), self._on_loaded, self._on_failed)

    def _on_loaded(self, note: ResearchView) -> None:
        self.text.setPlainText(note.text)
        self.source.setText(note.source_url)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(True)

    def _on_failed(self, exc: BaseException) -> None:
        self.error.setText(str(exc))

    def _on_save(self) -> None:
        text, source, note_id = self.text.toPlainText(), self.source.text(), self._note_id
        self._write(
            lambda s: research.update(s, note_id, text=text, source_url=source),
            lambda _changes: self.accept(),
            describe=str,
        )
