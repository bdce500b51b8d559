"""Printed thank-you notes as pages of HTML: paper sizes, letterhead, body and envelope layout.

This module is pure: it turns a `thanks_printing.NotePage` into the HTML subset Qt's
QTextDocument renders (`ui.printing` does the rendering, for print preview, printers and PDF
files alike). Every piece of text is escaped here: names, notes and signatures are data, so
"<b>" prints as "<b>".
Qt measures a block's left and right margins in device pixels but its top and bottom margins in
96-dpi pixels (scaled to the device, as it scales the document margin), so horizontal lengths
need the resolution the caller draws at and vertical ones do not. A block's top margin is ignored
at the very top of a document, so a page that must start lower begins with a spacer line.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from relationship_crm.domain.errors import InvalidInputError
from relationship_crm.services.thanks_printing import NotePage

#: The typeface of printed notes (shipped in resources/fonts, OFL), then fallbacks per system.
NOTE_FONTS = ("EB Garamond", "Garamond", "Georgia", "Palatino Linotype", "DejaVu Serif", "serif")

_INK = "#1f2328"
_SOFT = "#5b6169"


@dataclass(frozen=True, slots=True)
class Envelope:
    """An envelope that fits the paper, printed landscape: its name and size in millimetres."""

    label: str
    width_mm: float
    height_mm: float


@dataclass(frozen=True, slots=True)
class Paper:
    """A page size for notes, with the margins and type sizes that suit it."""

    key: str
    label: str
    width_mm: float
    height_mm: float
    margin_mm: float
    body_pt: float
    envelope: Envelope

    @property
    def is_card(self) -> bool:
        """Note cards get a short letterhead and smaller type."""
        return self.width_mm < 150


PAPERS: dict[str, Paper] = {
    "a4": Paper("a4", "A4", 210, 297, 25, 12, Envelope("DL", 220, 110)),
    "letter": Paper(
        "letter", "US Letter", 215.9, 279.4, 25.4, 12, Envelope("No. 10", 241.3, 104.8)
    ),
    "a6": Paper("a6", "A6 card", 105, 148, 11, 10.5, Envelope("C6", 162, 114)),
    "card": Paper(
        "card", "Note card 4.25 × 5.5 in", 107.95, 139.7, 11, 10.5, Envelope("A2", 146.05, 111.1)
    ),
}


def paper(key: str) -> Paper:
    """The paper called `key` (a4, letter, a6, card); the error lists them."""
    try:
        return PAPERS[key.strip().lower()]
    except KeyError:
        raise InvalidInputError(
            f"unknown page size {key!r}; use one of: {', '.join(PAPERS)}"
        ) from None


def _hpx(mm: float, dpi: float) -> int:
    """A horizontal length in device pixels."""
    return round(mm / 25.4 * dpi)


def _vpx(mm: float) -> int:
    """A vertical length in the 96-dpi pixels Qt scales to the device."""
    return round(mm / 25.4 * 96)


def margin_px(mm: float) -> float:
    """A document margin as QTextDocument.setDocumentMargin takes it (96-dpi pixels)."""
    return mm / 25.4 * 96


def _text(value: str) -> str:
    return html.escape(value, quote=True)


def _paragraphs(body: str) -> list[str]:
    """A plain-text body split into paragraphs at blank lines (single line breaks are kept)."""
    body = body.replace("\r\n", "\n").strip("\n")
    return [p.strip("\n") for p in re.split(r"\n[ \t]*\n", body) if p.strip()]


def note_html(page: NotePage, sheet: Paper) -> str:
    """One note as HTML: letterhead (when the rep's details are set), date, then the body.

    The body's paragraphs keep the rep's line breaks (`white-space: pre-wrap`).
    """
    # Only vertical spacing and type sizes here, so the printer's resolution is not needed.
    gap = _vpx(4.2 if not sheet.is_card else 2.8)  # about one line between paragraphs
    parts: list[str] = []
    rep = page.rep
    if rep.name or rep.company:
        head = rep.name or rep.company
        size = 15 if not sheet.is_card else 11.5
        parts.append(
            f'<p align="center" style="margin:0; font-size:{size}pt; '
            f'text-transform:uppercase; color:{_INK}">{_text(head)}</p>'
        )
        second = " · ".join(x for x in (rep.title, rep.company if rep.name else "") if x)
        if second:
            parts.append(
                f'<p align="center" style="margin:0; font-size:{sheet.body_pt - 1.5}pt; '
                f'font-style:italic; color:{_SOFT}">{_text(second)}</p>'
            )
        if not sheet.is_card:
            # A letterhead is one line: the address's own lines are kept apart by dots.
            parts_of = (*rep.address.splitlines(), rep.phone, rep.email)
            third = " · ".join(x for x in parts_of if x)
            if third:
                parts.append(
                    f'<p align="center" style="margin:0; font-size:{sheet.body_pt - 2.5}pt; '
                    f'color:{_SOFT}">{_text(third)}</p>'
                )
        parts.append(f'<hr style="margin-top:{gap // 2}px; margin-bottom:0; color:#b8bcc2" />')
    date_gap = gap * (2 if not sheet.is_card else 1)
    parts.append(
        f'<p align="right" style="margin-top:{date_gap}px; margin-bottom:{date_gap}px; '
        f'color:{_INK}">{_text(page.date_line)}</p>'
    )
    for paragraph in _paragraphs(page.body):
        parts.append(
            f'<p style="margin-top:0; margin-bottom:{gap}px; white-space:pre-wrap; '
            f'line-height:125%; color:{_INK}">{_text(paragraph)}</p>'
        )
    return (
        f'<html><body style="font-size:{sheet.body_pt}pt; color:{_INK}">'
        + "".join(parts)
        + "</body></html>"
    )


def envelope_html(page: NotePage, envelope: Envelope, dpi: float) -> str:
    """An envelope page (landscape): the rep's return address top left, the recipient's
    address in the right half, below the middle, as postal services expect."""
    # A spacer first: the top margin of a document's first block is ignored.
    parts = ['<p style="margin:0; font-size:1pt">&nbsp;</p>']
    for line in page.return_address:
        parts.append(f'<p style="margin:0; font-size:9pt; color:{_SOFT}">{_text(line)}</p>')
    # Start the recipient block a little below the middle and at about 42% of the width.
    top = _vpx(envelope.height_mm * 0.40)
    if page.return_address:
        top -= _vpx(len(page.return_address) * 4.2)
    left = _hpx(envelope.width_mm * 0.38, dpi)
    for index, line in enumerate(page.recipient):
        margin_top = max(top, 0) if index == 0 else 0
        parts.append(
            f'<p style="margin:0; margin-top:{margin_top}px; margin-left:{left}px; '
            f'font-size:12pt; color:{_INK}">{_text(line)}</p>'
        )
    return "<html><body>" + "".join(parts) + "</body></html>"
