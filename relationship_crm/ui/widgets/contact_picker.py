"""A type-ahead picker for several contacts: chips for the chosen ones, suggestions as you type."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeyEvent, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QStyle,
    QStyleOptionFrame,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetItem,
)

from relationship_crm.domain.errors import KnownError
from relationship_crm.domain.records import ContactDraft, ContactView
from relationship_crm.domain.text import clean_line, fold
from relationship_crm.services import contact_search, contacts
from relationship_crm.ui.callbacks import while_alive
from relationship_crm.ui.context import UiContext
from relationship_crm.ui.operations import run_write
from relationship_crm.ui.widgets.messages import plain_tooltip

SEARCH_DELAY_MS = 150
SEARCH_LIMIT = 20
MAX_VISIBLE_ROWS = 8
#: The id stored on the "Create new contact" suggestion (real contact ids are positive).
CREATE_ID = -1

IdRole = Qt.ItemDataRole.UserRole + 1
NameRole = Qt.ItemDataRole.UserRole + 2


class FlowLayout(QLayout):
    """Lays widgets out left to right and wraps them onto new lines (Qt's flow layout example).

    An item that expands horizontally and comes last (the picker's text box) takes the rest of
    its line, and moves to a line of its own when less than its minimum width is left.
    """

    def __init__(self, parent: QWidget | None = None, margin: int = 0, spacing: int = 4) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(margin, margin, margin, margin)

    def insert_widget(self, index: int, widget: QWidget) -> None:
        """Put `widget` at position `index` (the end when `index` is out of range)."""
        self.addChildWidget(widget)
        self._items.insert(max(0, min(index, len(self._items))), QWidgetItem(widget))
        self.invalidate()

    # --- QLayout ------------------------------------------------------------------------------

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._do_layout(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._do_layout(rect, apply=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _do_layout(self, rect: QRect, *, apply: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        x, y, line_height = area.x(), area.y(), 0
        visible = [i for i in self._items if not i.isEmpty()]
        for position, item in enumerate(visible):
            hint = item.sizeHint()
            fills = position == len(visible) - 1 and bool(
                item.expandingDirections() & Qt.Orientation.Horizontal
            )
            width = max(item.minimumSize().width(), 1) if fills else hint.width()
            if x + width > area.right() + 1 and line_height > 0:
                x, y, line_height = area.x(), y + line_height + self._spacing, 0
            if fills:
                width = max(width, area.right() + 1 - x)
            if apply:
                item.setGeometry(QRect(QPoint(x, y), QSize(width, hint.height())))
            x += width + self._spacing
            line_height = max(line_height, hint.height())
        return y + line_height - rect.y() + margins.bottom()


class _Chip(QFrame):
    """One chosen contact: its name (plain text) and a button that removes it.

    Signals:
        remove_clicked(int): the contact id whose remove button was clicked.
    """

    remove_clicked = Signal(int)

    def __init__(self, contact_id: int, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.contact_id = contact_id
        self.name = name
        self.setObjectName("contactChip")
        self.setStyleSheet(
            "#contactChip { background: palette(midlight); border: 1px solid palette(mid);"
            " border-radius: 10px; }"
        )
        self.label = QLabel(name)
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # a name is data, never markup
        self.remove_button = QToolButton()
        self.remove_button.setText("×")
        self.remove_button.setAutoRaise(True)
        # Keyboard users remove with Backspace in the text box; the chips stay out of Tab order.
        self.remove_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.remove_button.setToolTip(plain_tooltip(f"Remove {name}"))
        self.remove_button.setAccessibleName(f"Remove {name}")
        self.remove_button.setStyleSheet("QToolButton { border: none; padding: 0 2px; }")
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 1, 2, 1)
        layout.setSpacing(2)
        layout.addWidget(self.label)
        layout.addWidget(self.remove_button)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def _on_remove_button_clicked(self) -> None:
        self.remove_clicked.emit(self.contact_id)


class _Field(QWidget):
    """The box around the chips and the text box, painted like a line edit (focus ring too)."""

    def __init__(self, edit: QLineEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._edit = edit
        self.setAttribute(Qt.WidgetAttribute.WA_Hover)

    def paintEvent(self, event: QPaintEvent) -> None:
        option = QStyleOptionFrame()
        option.initFrom(self)
        option.rect = self.rect()
        option.lineWidth = self.style().pixelMetric(
            QStyle.PixelMetric.PM_DefaultFrameWidth, option, self
        )
        option.midLineWidth = 0
        option.state |= QStyle.StateFlag.State_Sunken
        if self._edit.hasFocus():
            option.state |= QStyle.StateFlag.State_HasFocus
        painter = QPainter(self)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_PanelLineEdit, option, painter, self)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        # A click beside the chips means "type here".
        self._edit.setFocus(Qt.FocusReason.MouseFocusReason)
        super().mousePressEvent(event)


class ContactPicker(QWidget):
    """Owns the chosen contacts (ids and names, in the order picked) and the suggestion list.

    Typing searches `contact_search.search` through `ctx.runner.query`, debounced by a single-shot
    timer; a result for text that has changed since is dropped. The suggestions float over the
    window under the text box (a child of the window, so no popup steals the focus). Keys in the
    text box: Down/Up move through the suggestions, Return adds the highlighted one (the best
    match is highlighted first; pressed before the results arrive, it adds the best match when
    they do), Escape closes the list, Backspace on empty text removes the last contact. When no
    contact has exactly the typed name, a "Create new contact “…”" suggestion creates it with
    `contacts.create` through `operations.run_write` and adds it.

    Signals:
        selection_changed(): a contact was added or removed.
        contact_created(int, str): a contact was created from the picker (id, name).
        failed(str): a known problem to show to the rep (e.g. the new contact was refused).
    Lives on the GUI thread.
    """

    selection_changed = Signal()
    contact_created = Signal(int, str)
    failed = Signal(str)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._selected: dict[int, str] = {}  # insertion order is the order picked
        self._chips: dict[int, _Chip] = {}
        self._generation = 0
        self._results_for: str | None = None  # the text the shown suggestions were found for
        self._activate_when_ready = False
        self._creating = 0

        self.edit = QLineEdit()
        self.edit.setFrame(False)
        self.edit.setMinimumWidth(140)
        self.edit.setPlaceholderText("Type a name…")
        self.edit.setAccessibleName("Add attendee")
        self.edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.field = _Field(self.edit)
        self.flow = FlowLayout(self.field, margin=3, spacing=4)
        self.flow.addWidget(self.edit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.field)
        self.setFocusProxy(self.edit)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

        # Reparented to the window when shown, so it can float over the widgets below.
        self.suggestions = QListWidget(self)
        self.suggestions.setObjectName("contactSuggestions")
        self.suggestions.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.suggestions.setUniformItemSizes(True)
        self.suggestions.setMouseTracking(True)
        self.suggestions.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.suggestions.setStyleSheet(
            "#contactSuggestions { border: 1px solid palette(dark); background: palette(base); }"
            " #contactSuggestions::item { padding: 3px 6px; }"
        )
        self.suggestions.hide()

        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self._search_timer.timeout.connect(self._on_search_timer_timeout)
        self.edit.textEdited.connect(self._on_edit_text_edited)
        self.edit.installEventFilter(self)
        self.suggestions.itemClicked.connect(self._on_suggestions_item_clicked)
        self.suggestions.entered.connect(self.suggestions.setCurrentIndex)

    # --- public -------------------------------------------------------------------------------

    def selected_ids(self) -> list[int]:
        """The chosen contact ids, in the order they were picked."""
        return list(self._selected)

    def selected(self) -> list[tuple[int, str]]:
        """The chosen contacts as (id, name), in the order they were picked."""
        return list(self._selected.items())

    def add_contact(self, contact_id: int, name: str) -> None:
        """Add a contact (a second add of the same id changes nothing)."""
        if contact_id in self._selected:
            return
        self._selected[contact_id] = name
        chip = _Chip(contact_id, name)
        chip.remove_clicked.connect(self.remove_contact)
        self._chips[contact_id] = chip
        self.flow.insert_widget(self.flow.count() - 1, chip)  # before the text box
        self.field.updateGeometry()
        self.selection_changed.emit()

    def remove_contact(self, contact_id: int) -> None:
        """Remove a chosen contact (nothing happens if it was not chosen)."""
        if contact_id not in self._selected:
            return
        del self._selected[contact_id]
        chip = self._chips.pop(contact_id)
        self.flow.removeWidget(chip)
        chip.hide()
        chip.deleteLater()
        self.field.updateGeometry()
        self.selection_changed.emit()

    @property
    def busy(self) -> bool:
        """A contact typed here is still being created."""
        return self._creating > 0

    def suggestion_texts(self) -> list[str]:
        """The suggestions currently listed, as shown (for tests and accessibility checks)."""
        return [self.suggestions.item(r).text() for r in range(self.suggestions.count())]

    # --- events -------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit:
            kind = event.type()
            if kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
                if self._on_edit_key_pressed(event):
                    return True
            elif kind == QEvent.Type.FocusOut:
                self._hide_suggestions()
                self.field.update()
            elif kind == QEvent.Type.FocusIn:
                self.field.update()
        return super().eventFilter(watched, event)

    def hideEvent(self, event: Any) -> None:
        self._hide_suggestions()
        super().hideEvent(event)

    def _on_edit_key_pressed(self, event: QKeyEvent) -> bool:
        """Handle the picker's keys; True when the key was used (so nobody else sees it)."""
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if modifiers != Qt.KeyboardModifier.NoModifier:
            return False  # Ctrl+Return and friends belong to the dialog
        key = event.key()
        text = self.edit.text()
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            if not self.suggestions.isVisible():
                if text.strip():
                    self._search_now()
                return True
            step = 1 if key == Qt.Key.Key_Down else -1
            row = self.suggestions.currentRow() + step
            self.suggestions.setCurrentRow(max(0, min(row, self.suggestions.count() - 1)))
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if not text.strip():
                return False
            fresh = self._results_for == text and not self._search_timer.isActive()
            if fresh and self.suggestions.isVisible() and self.suggestions.currentRow() >= 0:
                self._activate_row(self.suggestions.currentRow())
            else:
                # Typed faster than the search: add the best match as soon as it is known.
                self._activate_when_ready = True
                self._search_now()
            return True
        if key == Qt.Key.Key_Escape and self.suggestions.isVisible():
            self._hide_suggestions()
            return True
        if key == Qt.Key.Key_Backspace and not text and self._selected:
            self.remove_contact(next(reversed(self._selected)))
            return True
        return False

    # --- searching ----------------------------------------------------------------------------

    def _on_edit_text_edited(self, _text: str) -> None:
        self._activate_when_ready = False
        self._search_timer.start()

    def _on_search_timer_timeout(self) -> None:
        self._search_now()

    def _search_now(self) -> None:
        self._search_timer.stop()
        self._generation += 1
        generation = self._generation
        text = self.edit.text()
        if not text.strip():
            self._activate_when_ready = False
            self._hide_suggestions()
            return
        self._ctx.runner.query(
            lambda s: contact_search.search(s, text, limit=SEARCH_LIMIT),
            while_alive(self, lambda found: self._on_search_done(generation, text, found)),
            while_alive(self, self._on_runner_error),
        )

    def _on_search_done(self, generation: int, text: str, found: list[ContactView]) -> None:
        if generation != self._generation or text != self.edit.text():
            return  # the rep has typed on since: a newer search is coming
        self._results_for = text
        self._fill_suggestions(text, found)
        if self._activate_when_ready:
            self._activate_when_ready = False
            self._activate_row(self.suggestions.currentRow())

    def _fill_suggestions(self, text: str, found: list[ContactView]) -> None:
        self.suggestions.clear()
        for contact in found:
            if contact.id in self._selected:
                continue
            label = f"{contact.name}  —  {contact.company}" if contact.company else contact.name
            item = QListWidgetItem(label)
            item.setData(IdRole, contact.id)
            item.setData(NameRole, contact.name)
            self.suggestions.addItem(item)
        name = clean_line(text)
        exact = any(fold(c.name) == fold(name) for c in found)
        if name and not exact:
            item = QListWidgetItem(f"Create new contact “{name}”")
            item.setData(IdRole, CREATE_ID)
            item.setData(NameRole, name)
            font = QFont(item.font())
            font.setItalic(True)
            item.setFont(font)
            self.suggestions.addItem(item)
        if self.suggestions.count() == 0:
            self._hide_suggestions()
            return
        self.suggestions.setCurrentRow(0)
        self._show_suggestions()

    def _show_suggestions(self) -> None:
        window = self.window()
        if self.suggestions.parentWidget() is not window:
            self.suggestions.setParent(window)
        rows = min(self.suggestions.count(), MAX_VISIBLE_ROWS)
        row_height = self.suggestions.sizeHintForRow(0)
        if row_height <= 0:
            row_height = self.fontMetrics().height() + 6
        height = rows * row_height + 2 * self.suggestions.frameWidth()
        width = max(self.field.width(), 260)
        below = self.field.mapTo(window, QPoint(0, self.field.height()))
        x, y = below.x(), below.y()
        if y + height > window.height():  # no room below: open upwards
            y = max(0, self.field.mapTo(window, QPoint(0, 0)).y() - height)
        x = max(0, min(x, window.width() - width))
        self.suggestions.setGeometry(x, y, width, height)
        self.suggestions.raise_()
        self.suggestions.show()

    def _hide_suggestions(self) -> None:
        self.suggestions.hide()

    def _on_suggestions_item_clicked(self, item: QListWidgetItem) -> None:
        self._activate_row(self.suggestions.row(item))

    def _activate_row(self, row: int) -> None:
        item = self.suggestions.item(row)
        if item is None:
            return
        contact_id = int(item.data(IdRole))
        name = str(item.data(NameRole))
        self._generation += 1  # results still on their way are for the old text
        self._results_for = None
        self.edit.clear()
        self._hide_suggestions()
        if contact_id == CREATE_ID:
            self._create_contact(name)
        else:
            self.add_contact(contact_id, name)

    # --- creating -----------------------------------------------------------------------------

    def _create_contact(self, name: str) -> None:
        self._creating += 1
        now = self._ctx.clock()
        # A KnownError goes to `failed` (the dialog shows it), a bug to the app's handler only.
        run_write(
            self,
            self._ctx,
            lambda s: contacts.create(s, ContactDraft(name=name), now=now),
            lambda created: self._on_contact_created(created.id, name),
            show_error=self._show_failure,
            describe=lambda exc: str(exc) if isinstance(exc, KnownError) else "",
            failed=lambda _exc: self._on_create_failed(name),
        )

    def _on_contact_created(self, contact_id: int, name: str) -> None:
        self._creating -= 1
        self.add_contact(contact_id, name)
        self.contact_created.emit(contact_id, name)

    def _on_create_failed(self, name: str) -> None:
        self._creating -= 1
        if not self.edit.text():
            self.edit.setText(name)  # give the rep their text back to correct it

    def _show_failure(self, message: str) -> None:
        if message:
            self.failed.emit(message)

    def _on_runner_error(self, exc: BaseException) -> None:
        if isinstance(exc, KnownError):
            self.failed.emit(str(exc))
        else:  # a bug: the app-wide handler shows it (crash dialog), as for any other task
            self._ctx.runner.failed.emit(str(exc), True)
