"""How commands print records: JSON for scripts, a text table (or their own lines) for people."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TextIO, TypeVar

T = TypeVar("T")

JsonRow = dict[str, Any]
# A command whose text form is not a table writes it itself (the daily list's sections).
TextWriter = Callable[[Sequence[T], TextIO], None]


def print_json(rows: Iterable[JsonRow], out: TextIO) -> None:
    """A JSON list of objects, one object a line, non-ASCII kept as is, ending with a newline.

    Streamed, and each object through the C encoder: `indent` would send every value through
    the pure-Python encoder, which costs more than reading the rows (issue 18).
    """
    out.write("[")
    separator = "\n"
    for row in rows:
        out.write(separator)
        out.write(_encode(row))
        separator = ",\n"
    out.write("\n]\n" if separator != "\n" else "]\n")


_encode = json.JSONEncoder(ensure_ascii=False).encode


def print_table(
    rows: Sequence[Sequence[str]],
    headers: Sequence[str],
    out: TextIO,
    *,
    same: Mapping[int, str] | None = None,
) -> None:
    """Left-aligned columns sized to their content; the last column is not padded.

    `same` gives columns whose cell is one text on every row ({column: text}, not the last
    column): the rows leave those cells out (a stage's list, all in that stage).
    """
    # Widths column by column, then one %-format a row and one write: a list can be 25,000 rows
    # (issue 18), so nothing here is a Python loop over the cells.
    if rows and not (type(rows[0]) is tuple and all(type(cell) is str for cell in rows[0])):
        rows = [tuple(map(str, row)) for row in rows]  # cells made in Python (a Table's)
    same = same or {}
    given = [i for i in range(len(headers)) if i not in same]
    columns = dict(zip(given, zip(*rows, strict=False), strict=False))
    longest = {i: max(map(len, column), default=0) for i, column in columns.items()}
    longest.update((i, len(text)) for i, text in same.items())
    widths = [max(len(header), longest.get(i, 0)) for i, header in enumerate(headers[:-1])]
    head = "  ".join([*(h.ljust(w) for h, w in zip(headers, widths, strict=False)), headers[-1]])
    cells = [
        same[i].ljust(w).replace("%", "%%") if i in same else f"%-{w}s"
        for i, w in enumerate(widths)
    ]
    fmt = "  ".join([*cells, "%s"])
    lines = [head.rstrip(), *[(fmt % row).rstrip() for row in rows]]
    out.write("\n".join(lines) + "\n")


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
