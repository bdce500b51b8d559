"""The main window: menus, shortcuts, the contact list, the contact page and the reminders dock.

Wiring only: every feature lives in a panel or dialog, every database call in a service.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QWidget,
)
from sqlalchemy.orm import Session

from relationship_crm.domain.changes import Changes
from relationship_crm.paths import AppPaths
from relationship_crm.services import contacts, duplicates
from relationship_crm.services import settings as rep_settings
from relationship_crm.ui.background_sync import BackgroundSync
from relationship_crm.ui.context import UiContext
from relationship_crm.ui.database_actions import DatabaseActions
from relationship_crm.ui.dialogs.contact_editor import ContactEditor
from relationship_crm.ui.encryption_actions import EncryptionActions
from relationship_crm.ui.operations import run_write
from relationship_crm.ui.panels.contact_list import ContactListPanel
from relationship_crm.ui.panels.contact_page import ContactPage
from relationship_crm.ui.panels.dashboard import DashboardPanel
from relationship_crm.ui.panels.empty_state import EmptyState
from relationship_crm.ui.resources import app_icon
from relationship_crm.ui.trash_actions import TrashActions
from relationship_crm.ui.undo import UndoStack
from relationship_crm.ui.widgets.questions import ask_yes_no

if TYPE_CHECKING:
    from relationship_crm.ui.dialogs.companies_window import CompaniesWindow
    from relationship_crm.ui.dialogs.import_dialog import ImportDialog
    from relationship_crm.ui.dialogs.print_notes import PrintNotesDialog
    from relationship_crm.ui.dialogs.sync_account import SyncAccountDialog
    from relationship_crm.ui.dialogs.tags_window import TagsWindow
    from relationship_crm.ui.dialogs.thanks_window import ThanksWindow
    from relationship_crm.ui.dialogs.trigger_events import TriggerEventsDialog
    from relationship_crm.ui.panels.pipeline_board import PipelineBoard
    from relationship_crm.ui.panels.reminders_panel import RemindersPanel

APP_TITLE = "Relationship CRM"


class MainWindow(QMainWindow):
    """Owns the panels and routes their requests to dialogs; remembers its layout in QSettings.

    When a settings change moves the rep's time zone (Edit → Settings…, or `config set timezone`
    from outside), `ctx.zone` follows and every panel reloads.

    Signals:
        zone_changed(str): `ctx.zone` is now this zone.
    Lives on the GUI thread.
    """

    zone_changed = Signal(str)

    def __init__(self, ctx: UiContext, paths: AppPaths, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._paths = paths
        self.undo_stack = UndoStack(ctx, self)
        self.database = DatabaseActions(ctx, paths, self)
        self.encryption = EncryptionActions(ctx, paths, self)
        self.events_dialog: TriggerEventsDialog | None = None
        self.companies_window: CompaniesWindow | None = None
        self.tags_window: TagsWindow | None = None
        self.thanks_window: ThanksWindow | None = None
        self.print_dialog: PrintNotesDialog | None = None
        title = APP_TITLE if paths.is_default else f"{APP_TITLE} — {paths.label}"
        self.setWindowTitle(title)
        self.setObjectName("mainWindow")

        self.contact_list = ContactListPanel(ctx)
        self.contact_page = ContactPage(ctx)
        self.trash = TrashActions(
            ctx,
            self,
            self.undo_stack,
            confirm=lambda title, text: self.confirm(title, text),  # tests answer self.confirm
            open_contact=self.open_contact,
            contact_closed=lambda: self.contact_page.show_contact(0),
        )
        self.empty_state = EmptyState()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.contact_list)
        self.splitter.addWidget(self.contact_page)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([560, 640])
        self.stack = QStackedWidget()
        self.stack.addWidget(self.splitter)
        self.stack.addWidget(self.empty_state)
        self.pipeline_board: PipelineBoard | None = None  # built the first time it is shown
        self.dashboard = DashboardPanel(ctx)
        self.stack.addWidget(self.dashboard)
        self.setCentralWidget(self.stack)
        self._contacts_empty = False

        self.reminders_dock = QDockWidget("Reminders", self)
        self.reminders_dock.setObjectName("remindersDock")
        self.reminders_dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.reminders = self._build_reminders()
        self.reminders_dock.setWidget(self.reminders)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.reminders_dock)

        # Started by the app (ui/launch.py), not here: a window alone connects to nothing.
        self.background_sync = BackgroundSync(ctx, self)
        self.encryption.sync = self.background_sync
        self.sync_status = QLabel()
        self.sync_status.setObjectName("syncStatus")
        self.statusBar().addPermanentWidget(self.sync_status)

        self._build_menus()
        self._connect_signals()
        self._fit_to_screen()
        self._restore_layout()
        self.statusBar().showMessage(f"Database: {paths.shown}", 5000)
        self._check_empty()
        self.trash.purge_old()

    # --- construction -------------------------------------------------------------------------

    def _fit_to_screen(self) -> None:
        """Most of a big screen, all of a laptop's free area (1366x768), never more."""
        # A window taller than the screen hides the status bar and the reminders' buttons.
        screen = self.screen()
        free = screen.availableGeometry() if screen is not None else None
        if free is None:
            self.fit_to(1280, 780)
        else:
            # The 40 px are the title bar, which the free area does not leave out.
            wide, tall = free.width() > 1600, free.height() > 900
            width = free.width() * 85 // 100 if wide else free.width()
            height = free.height() * 85 // 100 if tall else free.height() - 40
            self.fit_to(width, height)

    def fit_to(self, width: int, height: int) -> None:
        """Size the window and share its width between the list and the page."""
        self.resize(width, height)
        # The list gets what its five columns need; the page and the reminders share the rest.
        self.splitter.setSizes([max(440, int(width * 0.5)), max(360, int(width * 0.32))])

    def _build_reminders(self) -> RemindersPanel:
        from relationship_crm.ui.notifier import Notifier
        from relationship_crm.ui.panels.reminders_panel import RemindersPanel

        panel = RemindersPanel(self._ctx)
        self.notifier = Notifier(app_icon(), self)
        panel.reminders_due.connect(self.notifier.show_reminders)
        self.notifier.reminder_clicked.connect(self.open_contact)
        self.notifier.activated.connect(self._raise_window)
        return panel

    def _raise_window(self) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def _action(
        self, text: str, shortcut: str | QKeySequence.StandardKey | None, slot: object
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.new_contact_action = self._action("&New contact…", "Ctrl+N", self.new_contact)
        self.log_meeting_action = self._action("&Log meeting…", "Ctrl+M", self.log_meeting)
        self.import_action = self._action("&Import contacts…", "Ctrl+Shift+I", self.import_file)
        self.export_actions = {
            fmt: self._action(text, None, lambda _=False, f=fmt: self.export_file(f))
            for fmt, text in (
                ("vcf", "Contacts as &vCard (.vcf)…"),
                ("csv", "Contacts as &CSV for spreadsheets…"),
                ("ics", "Follow-ups and meetings as i&Calendar (.ics)…"),
                ("json", "&Everything as JSON (a full copy)…"),
            )
        }
        self.sample_action = self._action("Load &sample data", None, self.load_sample_data)
        self.review_action = self._action(
            "Print &weekly review…", None, lambda: self.print_weekly_review()
        )
        self.quit_action = self._action("&Quit", "Ctrl+Q", self.close)
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        for action in (self.new_contact_action, self.log_meeting_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.import_action)
        export_menu = file_menu.addMenu("&Export")
        for action in self.export_actions.values():
            export_menu.addAction(action)
        file_menu.addSeparator()
        self.backup_action = self._action("&Back up now", None, self.database.back_up_now)
        self.restore_action = self._action(
            "&Restore from backup…", None, lambda: self.restore_from_backup()
        )
        file_menu.addAction(self.review_action)
        file_menu.addSeparator()
        file_menu.addAction(self.backup_action)
        file_menu.addAction(self.restore_action)
        self.encryption.add_to(file_menu)
        file_menu.addSeparator()
        file_menu.addAction(self.sample_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)

        edit_menu = bar.addMenu("&Edit")
        self.undo_action = QAction(self)
        self.undo_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Undo))
        self.undo_stack.bind(self.undo_action)  # "Undo delete Jane Doe", disabled when empty
        self.trash_action = self._action("&Trash…", None, self.trash.show_trash)
        self.find_action = self._action("&Find contact", "Ctrl+F", self.contact_list.focus_search)
        self.duplicates_action = self._action(
            "Find &duplicate contacts…", None, self.find_duplicates
        )
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.find_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.duplicates_action)
        edit_menu.addAction(self.trash_action)
        edit_menu.addSeparator()
        self.settings_action = self._action("&Settings…", "Ctrl+,", self.edit_settings)
        edit_menu.addAction(self.settings_action)
        self.sync_account_action = self._action("S&ync account…", None, self.edit_sync_account)
        self.sync_now_action = self._action("Sync &now", None, self.sync_now)
        edit_menu.addAction(self.sync_account_action)
        edit_menu.addAction(self.sync_now_action)

        notes_menu = bar.addMenu("&Notes")
        self.thanks_action = self._action("&Thank-you notes…", "Ctrl+T", self.show_thanks)
        self.templates_action = self._action("Thank-you &templates…", None, self.edit_templates)
        self.campaign_templates_action = self._action(
            "&Campaign letter templates…", None, self.edit_campaign_templates
        )
        self.rep_details_action = self._action("Your &details…", None, self.edit_settings)
        self.print_drafts_action = self._action(
            "&Print all drafts…", "Ctrl+Shift+P", self.print_all_drafts
        )
        notes_menu.addAction(self.thanks_action)
        notes_menu.addAction(self.print_drafts_action)
        notes_menu.addAction(self.templates_action)
        notes_menu.addAction(self.campaign_templates_action)
        notes_menu.addSeparator()
        self.campaigns_action = self._action("Ca&mpaigns…", None, self.show_campaigns)
        notes_menu.addAction(self.campaigns_action)
        notes_menu.addSeparator()
        notes_menu.addAction(self.rep_details_action)

        view_menu = bar.addMenu("&View")
        self.contacts_view_action = self._action("&Contacts", "Ctrl+1", self.show_contacts)
        self.pipeline_action = self._action("&Pipeline", "Ctrl+3", self.show_pipeline)
        self.stages_action = self._action("&Stages…", None, self.edit_stages)
        view_menu.addAction(self.contacts_view_action)
        view_menu.addAction(self.pipeline_action)
        view_menu.addSeparator()
        view_menu.addAction(self.stages_action)
        view_menu.addSeparator()
        toggle = self.reminders_dock.toggleViewAction()
        toggle.setText("&Reminders panel")
        toggle.setShortcut(QKeySequence("Ctrl+R"))
        view_menu.addAction(toggle)
        self.events_action = self._action("&Trigger events…", None, self.show_trigger_events)
        view_menu.addAction(self.events_action)
        self.companies_action = self._action("&Companies…", None, self.show_companies)
        view_menu.addAction(self.companies_action)
        self.tags_action = self._action("Ta&gs…", None, self.show_tags)
        view_menu.addAction(self.tags_action)
        # Ctrl+D is taken: it marks a reminder done in the Reminders list.
        self.dashboard_action = self._action("&Dashboard", "Ctrl+Shift+D", self.toggle_dashboard)
        self.dashboard_action.setCheckable(True)
        view_menu.addAction(self.dashboard_action)

        help_menu = bar.addMenu("&Help")
        self.guide_action = self._action("&Getting started", None, self.show_guide)
        self.shortcuts_action = self._action("&Keyboard shortcuts", None, self.show_shortcuts)
        help_menu.addAction(self.guide_action)
        help_menu.addAction(self.shortcuts_action)
        help_menu.addSeparator()
        self.check_action = self._action("&Check database", None, self.database.check_database)
        help_menu.addAction(self.check_action)
        help_menu.addSeparator()
        help_menu.addAction(self._action("&About Relationship CRM", None, self._on_about))

    def _connect_signals(self) -> None:
        self.contact_list.contact_selected.connect(self.contact_page.show_contact)
        self.contact_list.contact_activated.connect(self._on_contact_activated)
        self.contact_page.edit_requested.connect(self.edit_contact)
        self.contact_page.delete_requested.connect(self.delete_contact)
        self.contact_page.log_meeting_requested.connect(
            lambda cid, name: self.log_meeting(attendees=[(cid, name)])
        )
        self.contact_page.follow_up_requested.connect(self.add_follow_up)
        self.contact_page.gift_requested.connect(self.add_gift)
        self.contact_page.thanks_requested.connect(self.show_thanks_note)
        self.contact_page.delete_meeting_requested.connect(
            lambda meeting_id, _title: self.trash.delete_meeting(meeting_id)
        )
        self.reminders.unsent_thanks.open_requested.connect(self.show_thanks_note)
        self.empty_state.add_contact_requested.connect(self.new_contact)
        self.empty_state.sample_data_requested.connect(self.load_sample_data)
        self.empty_state.import_requested.connect(self.import_file)
        self._ctx.events.contact_opened.connect(self.open_contact)
        self.dashboard.stage_requested.connect(self.show_stage)
        self.dashboard.health_requested.connect(self.show_health_contacts)
        self.dashboard.week_requested.connect(self.show_due_list)
        self.dashboard.thanks_requested.connect(lambda _key: self.show_thanks())
        self.dashboard.print_requested.connect(lambda: self.print_weekly_review())
        self.dashboard.close_requested.connect(self.show_contacts)
        self._ctx.events.changed.connect(self._on_events_changed)
        self._ctx.runner.failed.connect(self._on_runner_failed)
        self.background_sync.status_changed.connect(self._on_sync_status)

    # --- actions ------------------------------------------------------------------------------

    def new_contact(self) -> None:
        editor = ContactEditor(self._ctx, None, self)
        editor.saved.connect(self.open_contact)
        editor.open()

    def edit_contact(self, contact_id: int) -> None:
        contact = self.contact_page.contact
        if contact is None or contact.id != contact_id:
            return
        ContactEditor(self._ctx, contact, self).open()

    def show_pipeline(self) -> PipelineBoard:
        """View → Pipeline: the funnel board (built on first use)."""
        if self.pipeline_board is None:
            from relationship_crm.ui.panels.pipeline_board import PipelineBoard

            self.pipeline_board = PipelineBoard(self._ctx, self.undo_stack)
            self.pipeline_board.contact_opened.connect(self.open_contact)
            self.pipeline_board.moved.connect(self._on_stage_moved)
            self.stack.addWidget(self.pipeline_board)
        self.stack.setCurrentWidget(self.pipeline_board)
        self.dashboard_action.setChecked(False)
        return self.pipeline_board

    def _on_stage_moved(self, message: str) -> None:
        self.statusBar().showMessage(message, 10_000)

    def edit_stages(self) -> QDialog:
        """View → Stages…: labels, definitions, stuck limits, and stages of the rep's own."""
        from relationship_crm.ui.dialogs.stages_dialog import StagesDialog

        dialog = StagesDialog(self._ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_contact(self, contact_id: int) -> None:
        """Show a contact's page and select it in the list."""
        self.dashboard_action.setChecked(False)
        self.stack.setCurrentWidget(self.splitter)
        self.contact_list.select_contact(contact_id)
        self.contact_page.show_contact(contact_id)

    def log_meeting(
        self, checked: bool = False, attendees: list[tuple[int, str]] | None = None
    ) -> None:
        from relationship_crm.ui.dialogs.log_meeting import LogMeetingDialog

        if attendees is None and self.contact_page.contact is not None:
            page = self.contact_page.contact
            attendees = [(page.id, page.name)]
        dialog = LogMeetingDialog(self._ctx, self, attendees=attendees or [])
        dialog.open()

    def add_follow_up(self, contact_id: int, name: str) -> None:
        from relationship_crm.ui.dialogs.followup_dialog import FollowUpDialog

        FollowUpDialog(self._ctx, contact_id, name, None, self).open()

    def add_gift(self, contact_id: int, name: str) -> None:
        from relationship_crm.ui.dialogs.gift_dialog import GiftDialog

        GiftDialog(self._ctx, contact_id, name, self).open()

    def show_thanks(self, checked: bool = False, meeting_id: int | None = None) -> ThanksWindow:
        """Open the thank-you notes window (one per main window), or bring it forward."""
        from relationship_crm.ui.dialogs.thanks_window import ThanksWindow

        if self.thanks_window is None:
            self.thanks_window = ThanksWindow(
                self._ctx, self, meeting_id=meeting_id, undo=self.undo_stack
            )
            self.thanks_window.finished.connect(self._on_thanks_window_finished)
        self.thanks_window.show()
        self.thanks_window.raise_()
        self.thanks_window.activateWindow()
        return self.thanks_window

    def show_thanks_note(self, note_id: int) -> None:
        """Open the thank-you notes window on one note."""
        self.show_thanks().show_note(note_id)

    def print_all_drafts(self) -> None:
        """Open the print dialog for every thank-you note still a draft."""
        from relationship_crm.services import thanks

        def chosen(session: Session) -> list[int]:
            return [n.id for n in thanks.list_notes(session, status="draft")]

        self._ctx.runner.query(chosen, self._on_drafts_chosen)

    def _on_drafts_chosen(self, ids: list[int]) -> None:
        from relationship_crm.ui.dialogs.print_notes import PrintNotesDialog

        if not ids:
            self.statusBar().showMessage("There are no thank-you drafts to print.", 5000)
            return
        self.print_dialog = PrintNotesDialog(self._ctx, ids, self)
        self.print_dialog.open()

    def edit_templates(self) -> None:
        from relationship_crm.ui.dialogs.templates_dialog import TemplatesDialog

        TemplatesDialog(self._ctx, self).open()

    def show_campaigns(self) -> None:
        from relationship_crm.ui.dialogs.campaigns_dialog import CampaignsDialog

        self.campaigns_dialog = CampaignsDialog(self._ctx, self)
        self.campaigns_dialog.open()

    def edit_campaign_templates(self) -> None:
        from relationship_crm.services.note_templates import CAMPAIGN
        from relationship_crm.ui.dialogs.templates_dialog import TemplatesDialog

        TemplatesDialog(self._ctx, self, kind=CAMPAIGN).open()

    def edit_settings(self) -> None:
        self.open_settings("details")

    def open_settings(self, page: str) -> None:
        """Edit → Settings… on `page` ("details" or "region")."""
        from relationship_crm.ui.dialogs.rep_details_dialog import RepDetailsDialog

        RepDetailsDialog(self._ctx, self, page=page).open()

    def edit_sync_account(self) -> SyncAccountDialog:
        """Edit → Sync account…: the CalDAV/CardDAV server the app syncs with."""
        from relationship_crm.ui.dialogs.sync_account import SyncAccountDialog

        dialog = SyncAccountDialog(self._ctx, self.background_sync, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def sync_now(self) -> None:
        """Edit → Sync now: at once rather than at the next interval (set up first if need be)."""
        if self.background_sync.configured:
            self.background_sync.sync_now()
        else:
            self.edit_sync_account()

    def _on_sync_status(self, text: str) -> None:
        self.sync_status.setText(text)
        self.sync_status.setToolTip(self.background_sync.detail)

    def delete_contact(self, contact_id: int) -> None:
        contact = self.contact_page.contact
        name = contact.name if contact else f"#{contact_id}"
        self.trash.delete_contact(contact_id, name)

    def confirm(self, title: str, text: str) -> bool:
        """Ask a yes/no question (tests replace this method to answer it)."""
        return ask_yes_no(self, title, text)

    def show_trigger_events(self) -> TriggerEventsDialog:
        """Open the Events list (one per main window), or bring it forward."""
        from relationship_crm.ui.dialogs.trigger_events import TriggerEventsDialog

        if self.events_dialog is None:
            self.events_dialog = TriggerEventsDialog(self._ctx, self)
        self.events_dialog.show()
        self.events_dialog.raise_()
        self.events_dialog.activateWindow()
        return self.events_dialog

    def show_companies(self) -> CompaniesWindow:
        """View → Companies…: see and correct the companies (one window), brought forward."""
        from relationship_crm.ui.dialogs.companies_window import CompaniesWindow

        if self.companies_window is None:
            self.companies_window = CompaniesWindow(self._ctx, self)
        return self.companies_window.bring_forward()

    def show_tags(self) -> TagsWindow:
        """View → Tags…: see and correct the tags (one window); a double-clicked tag filters."""
        from relationship_crm.ui.dialogs.tags_window import TagsWindow

        if self.tags_window is None:
            self.tags_window = TagsWindow(self._ctx, self)
            self.tags_window.tag_opened.connect(self.contact_list.show_tag)
            self.tags_window.tag_opened.connect(self.show_contacts)
        return self.tags_window.bring_forward()

    def import_file(self, path: Path | None = None) -> ImportDialog | None:
        """Ask for a file (unless given), then import it in the import dialog."""
        from relationship_crm.ui.dialogs.import_dialog import ImportDialog

        if not path:
            chosen, _filter = QFileDialog.getOpenFileName(
                self,
                "Import contacts",
                str(Path.home()),
                "Contacts (*.vcf *.vcard *.csv *.json *.txt);;All files (*)",
            )
            if not chosen:
                return None
            path = Path(chosen)
        dialog = ImportDialog(self._ctx, path, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.imported.connect(
            lambda result: self.statusBar().showMessage(result.sentence(), 15000)
        )
        dialog.open()
        return dialog

    def export_file(self, fmt: str, path: Path | None = None) -> None:
        """Ask where (unless given), then write the export there off the GUI thread."""
        from relationship_crm.services import export_files

        names = {
            "vcf": ("contacts.vcf", "vCard 4.0 (*.vcf);;vCard 3.0 for older programs (*.vcf)"),
            "csv": ("contacts.csv", "CSV (*.csv)"),
            "ics": ("relationship-crm.ics", "iCalendar (*.ics)"),
            "json": ("relationship-crm-copy.json", "JSON (*.json)"),
        }
        default, filters = names[fmt]
        chosen_filter = ""
        if path is None:
            chosen, chosen_filter = QFileDialog.getSaveFileName(
                self, "Export", str(Path.home() / default), filters
            )
            if not chosen:
                return
            path = Path(chosen)
        version = "3.0" if "3.0" in chosen_filter else "4.0"
        target, now = path, self._ctx.clock()

        def write(session: Session) -> str:
            result = export_files.export(session, fmt, vcard_version=version, now=now)
            export_files.write_atomic(target, result.data)
            return result.what

        self.statusBar().showMessage(f"Exporting to {target}…")
        self._ctx.runner.query(
            write,
            lambda what: self.statusBar().showMessage(f"Exported {what} to {target}.", 10000),
        )

    def restore_from_backup(self, chosen: Path | None = None, *, confirm: bool = True) -> bool:
        """File → Restore from backup…: swap a backup in; undo entries of the old file go."""
        restored = self.database.restore_from_backup(chosen, confirm=confirm)
        self.encryption.refresh()  # a backup may be plain where the database was encrypted
        if restored:
            self.undo_stack.clear()
            self.contact_page.show_contact(0)
        return restored

    def show_shortcuts(self) -> QDialog:
        """Help → Keyboard shortcuts: read from the menus, so the list cannot go stale."""
        from relationship_crm.ui.dialogs.help_dialogs import KeyboardShortcutsDialog

        dialog = KeyboardShortcutsDialog.for_menus(self.menuBar(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def show_guide(self) -> QDialog:
        """Help → Getting started: the daily workflow in a few steps."""
        from relationship_crm.ui.dialogs.help_dialogs import GettingStartedDialog

        dialog = GettingStartedDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def find_duplicates(self) -> None:
        """Look first: with nothing to compare, say so in the status bar, not a big dialog."""
        self.statusBar().showMessage("Looking for duplicate contacts…")
        self._ctx.runner.query(duplicates.find_duplicates, self._on_duplicates_found)

    def _on_duplicates_found(self, groups: list[duplicates.DuplicateGroup]) -> None:
        from relationship_crm.ui.dialogs.duplicates_dialog import DuplicatesDialog

        if not groups:
            self.statusBar().showMessage(
                "No duplicate contacts found (same email, phone, or name and company).", 10000
            )
            return
        self.statusBar().clearMessage()
        dialog = DuplicatesDialog(self._ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def load_sample_data(self) -> None:
        from relationship_crm.services import sample_data

        self.statusBar().showMessage("Loading sample data…")
        today, zone, now = self._ctx.today(), self._ctx.zone, self._ctx.clock()
        run_write(
            self,
            self._ctx,
            lambda s: sample_data.generate_demo(s, today=today, tz=zone, now=now),
            self._on_sample_loaded,
            # A database with contacts is refused (never mix invented contacts with real ones).
            show_error=lambda message: self.statusBar().showMessage(message, 10000),
            describe=lambda exc: f"No sample data added: {exc}.",
        )

    # --- the dashboard and the weekly review ---------------------------------------------------

    def toggle_dashboard(self) -> None:
        """View → Dashboard: show the charts, or go back to the contacts."""
        if self.stack.currentWidget() is self.dashboard:
            self.show_contacts()
        else:
            self.show_dashboard()

    def show_dashboard(self) -> DashboardPanel:
        self.stack.setCurrentWidget(self.dashboard)
        self.dashboard_action.setChecked(True)
        return self.dashboard

    def show_contacts(self) -> None:
        """View → Contacts: the list and the contact page (or the welcome screen of an empty
        file), leaving the dashboard or the board."""
        self.dashboard_action.setChecked(False)
        self.stack.setCurrentWidget(self.empty_state if self._contacts_empty else self.splitter)
        self._check_empty()

    def show_stage(self, stage: str) -> None:
        """A funnel bar: the contact list filtered to that stage."""
        self.contact_list.show_stage(stage)
        self.stack.setCurrentWidget(self.splitter)
        self.dashboard_action.setChecked(False)

    def show_health_contacts(self, tag: str) -> None:
        """A keep-in-touch bar: the contact list narrowed to that tag's drifting and lost."""
        from relationship_crm.services import dashboard

        now, zone = self._ctx.clock(), self._ctx.zone

        def shown(found: tuple[dashboard.HealthContact, ...]) -> None:
            self.contact_list.show_only(
                tuple(c.contact_id for c in found), f"{tag}: drifting or lost"
            )
            self.stack.setCurrentWidget(self.splitter)
            self.dashboard_action.setChecked(False)

        self._ctx.runner.query(
            lambda s: dashboard.health_contacts(s, now=now, zone=zone, tag=tag), shown
        )

    def show_due_list(self, key: str) -> QDialog:
        """A follow-ups bar: the follow-ups of that week (or the overdue ones) in a list."""
        from relationship_crm.services.dashboard import OVERDUE
        from relationship_crm.ui.dialogs.due_list import DueListDialog

        title = "overdue" if key == OVERDUE else f"week of {key}"
        dialog = DueListDialog(self._ctx, key, title, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def print_weekly_review(self, path: Path | None = None) -> None:
        """File → Print weekly review…: to a printer chosen in the print dialog, or to `path`
        as a PDF. The figures are read off the GUI thread, the pages painted on it."""
        from relationship_crm.services import dashboard
        from relationship_crm.ui import printing, review_pages

        printer = printing.choose_printer(self, "Print weekly review", "Weekly review", path)
        if printer is None:
            return
        now, zone = self._ctx.clock(), self._ctx.zone

        def paint(review: dashboard.WeeklyReview) -> None:
            review_pages.render_review(printer, review)
            where = path if path is not None else printer.printerName() or "the printer"
            self.statusBar().showMessage(f"Weekly review sent to {where}.", 10000)

        self.statusBar().showMessage("Preparing the weekly review…")
        self._ctx.runner.query(lambda s: dashboard.weekly_review(s, now=now, zone=zone), paint)

    # --- slots --------------------------------------------------------------------------------

    def _on_thanks_window_finished(self) -> None:
        if self.thanks_window is not None:
            self.thanks_window.deleteLater()
        self.thanks_window = None

    def _on_sample_loaded(self, _summary: object) -> None:
        self.statusBar().showMessage("Sample data loaded.", 5000)

    def _on_contact_activated(self, contact_id: int) -> None:
        self.contact_page.show_contact(contact_id)
        self.contact_page.setFocus()

    def _on_events_changed(self, changes: Changes, _initiator: object) -> None:
        if changes.contacts:
            self._check_empty()
        if changes.settings:
            # The time zone may have changed (Settings, or `config set timezone` outside).
            self._ctx.runner.query(rep_settings.zone, self._on_zone_read)

    def _on_zone_read(self, zone: str) -> None:
        if zone == self._ctx.zone:
            return
        self._ctx.zone = zone
        # Every "today", due time and day boundary shown was computed in the old zone.
        self._ctx.events.notify(Changes.everything(), self)
        self.zone_changed.emit(zone)

    def _check_empty(self) -> None:
        self._ctx.runner.query(contacts.count, self._on_counted)

    def _on_counted(self, total: int) -> None:
        self._contacts_empty = total == 0
        # A change while the board or the dashboard is shown keeps it there.
        if self.stack.currentWidget() not in (self.pipeline_board, self.dashboard):
            self.stack.setCurrentWidget(self.empty_state if total == 0 else self.splitter)
        # Offered only on an empty database: 200 invented contacts cannot be told apart later.
        self.sample_action.setEnabled(total == 0)

    def _on_runner_failed(self, message: str, is_bug: bool) -> None:
        if is_bug:
            QMessageBox.critical(
                self, APP_TITLE, f"Something went wrong inside the app:\n{message}"
            )
        else:
            self.statusBar().showMessage(message, 15000)

    def _on_about(self) -> None:
        from relationship_crm.ui.dialogs.help_dialogs import show_about

        show_about(self, APP_TITLE, self._paths.shown)

    # --- layout memory ------------------------------------------------------------------------

    def _settings(self) -> QSettings:
        return QSettings()

    def _restore_layout(self) -> None:
        settings = self._settings()
        for key, restore in (
            ("geometry", self.restoreGeometry),
            ("windowState", self.restoreState),
            ("splitter", self.splitter.restoreState),
            ("contactColumns", self.contact_list.view.horizontalHeader().restoreState),
        ):
            value = settings.value(f"main/{key}")
            if isinstance(value, QByteArray):
                restore(value)

    def save_layout(self) -> None:
        settings = self._settings()
        settings.setValue("main/geometry", self.saveGeometry())
        settings.setValue("main/windowState", self.saveState())
        settings.setValue("main/splitter", self.splitter.saveState())
        settings.setValue(
            "main/contactColumns", self.contact_list.view.horizontalHeader().saveState()
        )
        settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        # The notes and companies windows ask about unsaved edits; Cancel keeps the app open.
        windows = (self.thanks_window, self.companies_window)
        if any(window is not None and not window.close() for window in windows):
            event.ignore()
            return
        self.save_layout()
        super().closeEvent(event)
