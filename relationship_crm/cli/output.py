"""How commands print records: JSON for scripts, a text table (or their own lines) for people."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TextIO, TypeVar

T = TypeVar("T")

JsonRow = dict[str, Any]
# A command whose text form is not a table writes it itself (the daily list's sections).
TextWriter = Callable[[Sequence[T], TextIO], None]


def print_json(rows: Iterable[JsonRow], out: TextIO) -> None:
    """A JSON list of objects, indented, non-ASCII kept as is, ending with a newline."""
    json.dump(list(rows), out, ensure_ascii=False, indent=2)
    out.write("\n")


def print_table(rows: Sequence[Sequence[str]], headers: Sequence[str], out: TextIO) -> None:
    """Left-aligned columns sized to their content; the last column is not padded."""
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    for row in [headers, *rows]:
        cells = [str(cell).ljust(widths[i]) for i, cell in enumerate(row[:-1])]
        out.write("  ".join([*cells, str(row[-1])]).rstrip() + "\n")


@dataclass(frozen=True)
class Table(Generic[T]):
    """The text form of a list: column headers and each item's cells.

    With nothing to list, `empty` ("No contacts.") is printed instead; without `empty`, the
    headers alone.
    """

    headers: tuple[str, ...]
    cells: Callable[[T], Sequence[str]]
    empty: str | None = None

    def write(self, found: Sequence[T], out: TextIO) -> None:
        if not found and self.empty is not None:
            out.write(f"{self.empty}\n")
            return
        print_table([self.cells(item) for item in found], self.headers, out)


def print_list(
    found: Sequence[T],
    fmt: str,
    out: TextIO,
    *,
    to_json: Callable[[T], JsonRow],
    text: Table[T] | TextWriter[T],
) -> None:
    """The one way a list command prints: `--format json` a JSON list, else `text`."""
    if fmt == "json":
        print_json((to_json(item) for item in found), out)
    elif isinstance(text, Table):
        text.write(found, out)
    else:
        text(found, out)
