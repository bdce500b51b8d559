"""What an import is told and what it reports: the duplicate rule, progress, cancel, the summary.

`OnDuplicate` says what to do with a record that matches a contact already there, `Progress` is
the callback told how far an import has got (it may raise `ImportCancelled` to stop it), and
`ImportSummary` is what `importing.import_contacts` returns: the contacts added, merged and
skipped, and the problems of a tolerant import. Plain types, so the dialogs and commands that
show them need not load the import itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from relationship_crm.domain.changes import Changes
from relationship_crm.domain.errors import InvalidInputError, KnownError
from relationship_crm.interchange.records import RECORD_SKIPPED, ImportProblem

# Called with (done, total) now and then; it may raise ImportCancelled to stop (nothing is kept).
Progress = Callable[[int, int], None]


class OnDuplicate(StrEnum):
    """What to do with a record that matches a contact already there."""

    SKIP = "skip"
    MERGE = "merge"
    ADD = "add"


class ImportCancelled(KnownError):
    """The rep cancelled the import; nothing was changed."""

    def __init__(self) -> None:
        super().__init__("import cancelled; nothing was changed")


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What an import did. `skipped` counts duplicates left as they were (nothing new in them)."""

    added: int = 0
    merged: int = 0
    skipped: int = 0
    source: str = ""
    added_ids: tuple[int, ...] = ()
    merged_ids: tuple[int, ...] = ()
    # For each record imported, in file order: the contact it was added as, merged into or
    # matched (a strict import imports every record, so this is one per record of the file).
    record_ids: tuple[int, ...] = ()
    # Values that could not be used as they were (kept in notes) and records skipped, in order.
    problems: tuple[ImportProblem, ...] = ()
    # Rows with nothing in them but, perhaps, a date (LinkedIn's departed connections).
    skipped_blank: int = 0

    @property
    def changes(self) -> Changes:
        touched = bool(self.added or self.merged)
        return Changes(contacts=touched, companies=touched)

    def sentence(self) -> str:
        """ "Added 12 contacts, merged 3, skipped 1 duplicate." """

        def plural(n: int, word: str) -> str:
            return f"{n} {word}{'' if n == 1 else 's'}"

        text = (
            f"Added {plural(self.added, 'contact')}, merged {self.merged}, "
            f"skipped {plural(self.skipped, 'duplicate')}."
        )
        if self.skipped_blank:
            text += f" Skipped {plural(self.skipped_blank, 'blank row')}."
        if self.problems:
            skipped = sum(1 for p in self.problems if p.outcome == RECORD_SKIPPED)
            cells = len(self.problems) - skipped
            parts = [plural(cells, "value") + " kept in notes"] if cells else []
            parts += [plural(skipped, "unusable record") + " skipped"] if skipped else []
            text += f" Problems: {' and '.join(parts)}."
        return text


def parse_on_duplicate(value: str | OnDuplicate) -> OnDuplicate:
    try:
        return OnDuplicate(str(value).strip().lower())
    except ValueError:
        valid = ", ".join(o.value for o in OnDuplicate)
        raise InvalidInputError(f"unknown duplicate rule {value!r}; use one of: {valid}") from None
