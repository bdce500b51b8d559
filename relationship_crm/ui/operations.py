"""The one write path of the app: a service write on the runner, its Changes told to every panel.

Modelled on Anki's `CollectionOp`: the caller gives the write and what to do with its result;
this module runs it on the database thread (`TaskRunner.submit`), toggles the caller's "saving"
state, notifies `AppEvents` with the result's `Changes`, and shows or reports a failure the way
the whole app does (a KnownError in place, a bug also through the runner's `failed` signal, which
opens the crash report).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from PySide6.QtCore import QObject
from sqlalchemy.orm import Session

from relationship_crm.domain.changes import Changes
from relationship_crm.domain.errors import KnownError
from relationship_crm.ui.callbacks import while_alive
from relationship_crm.ui.context import UiContext

BUG_TEXT = "something went wrong inside the app (see the report)."


class HasChanges(Protocol):
    """A write's result that carries what it changed (`Created`, `Outcome`, `ImportResult`…)."""

    @property
    def changes(self) -> Changes: ...


R = TypeVar("R", bound=Changes | HasChanges)


class _Owner:
    """The default initiator: the widget that started the write."""


OWNER = _Owner()


def changes_of(result: Changes | HasChanges) -> Changes:
    """What a write's result says it changed."""
    return result if isinstance(result, Changes) else result.changes


def failure_text(what: str, exc: BaseException, *, bug: str = BUG_TEXT) -> str:
    """The line a dialog shows for a failed write: "Not saved: <why>" or the bug sentence."""
    if isinstance(exc, KnownError):
        return f"{what}: {exc}" if what else str(exc)
    return f"{what}: {bug}" if what else bug


def report_failure(ctx: UiContext, exc: BaseException, *, shown: bool) -> None:
    """Hand a failure to the app's handler: always a bug, a KnownError only if not `shown`."""
    if not isinstance(exc, KnownError):
        ctx.runner.failed.emit(str(exc), True)
    elif not shown:
        ctx.runner.failed.emit(str(exc), False)


def run_write(
    owner: QObject,
    ctx: UiContext,
    op: Callable[[Session], R],
    on_done: Callable[[R], None] | None = None,
    *,
    show_error: Callable[[str], None] | None = None,
    what: str = "Not saved",
    describe: Callable[[BaseException], str] | None = None,
    failed: Callable[[BaseException], None] | None = None,
    set_saving: Callable[[bool], None] | None = None,
    initiator: object = OWNER,
) -> None:
    """Run `op(session)` in a write transaction off the GUI thread.

    Success: `set_saving(False)`, then `ctx.events.notify(changes, initiator)` (the owner unless
    given; skipped when nothing changed), then `on_done(result)`. The notice goes out even if
    the owner was deleted meanwhile: the write is committed, the other panels must know.
    Failure: `set_saving(False)`, `failed(exc)` (the caller's own clean-up), then the message
    (`describe(exc)`, by default "<what>: <why>") goes to `show_error`; a bug is also reported
    through `ctx.runner.failed`, and so is a KnownError when there is no `show_error`.
    Every callback to the owner does nothing once the owner was deleted (`while_alive`).
    """
    events = ctx.events
    who = owner if initiator is OWNER else initiator

    def done(result: R) -> None:
        # Saving ends first: a listener (or on_done) may start the next write at once.
        if set_saving is not None:
            while_alive(owner, set_saving)(False)
        changes = changes_of(result)
        if changes:
            events.notify(changes, who)
        if on_done is not None:
            while_alive(owner, on_done)(result)

    def fail_alive(exc: BaseException) -> None:
        if set_saving is not None:
            set_saving(False)
        if failed is not None:
            failed(exc)
        if show_error is not None:
            show_error(describe(exc) if describe is not None else failure_text(what, exc))

    alive_fail = while_alive(owner, fail_alive)

    def fail(exc: BaseException) -> None:
        alive_fail(exc)
        report_failure(ctx, exc, shown=show_error is not None)

    if set_saving is not None:
        set_saving(True)
    ctx.runner.submit(op, done, fail)
