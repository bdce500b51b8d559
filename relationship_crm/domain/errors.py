"""Errors that say whose fault they are (see ARCHITECTURE.md, "The layers").

`KnownError` is a problem the user can understand and act on (bad input, a missing record, a locked
or damaged file); front ends show its message as one line. Anything else is a bug.
"""

from __future__ import annotations


class KnownError(Exception):
    """A failure caused by input or environment; its message is shown to the user as is."""


class NotFoundError(KnownError):
    """A record the user referred to (by id) does not exist."""


class InvalidInputError(KnownError):
    """User-supplied text could not be understood; the message says what was expected."""


class DatabaseFileError(KnownError):
    """The database file cannot be used (not a database, damaged, from a newer version, locked)."""


class EditConflictError(KnownError):
    """Somebody else saved the record since it was loaded: "changed by NAME at TIME — reload"."""


class BugError(Exception):
    """An internal inconsistency: never the user's fault."""
