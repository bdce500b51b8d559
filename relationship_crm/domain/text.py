"""Text folding and name splitting: pure helpers that make search case- and accent-insensitive."""

from __future__ import annotations

import re
import unicodedata

# Letters that NFKD does not decompose but a rep would type without the accent.
_EXTRA_FOLDS = str.maketrans(
    {
        "ø": "o",
        "đ": "d",
        "ħ": "h",
        "ı": "i",
        "ł": "l",
        "ŧ": "t",
        "æ": "ae",
        "œ": "oe",
        "ß": "ss",
        "þ": "th",
        "ð": "d",
    }
)

_WORD = re.compile(r"\w+", re.UNICODE)
_BASIC_ACCENTS = re.compile("[\u0300-\u036f]+")

# Lower-case particles that belong to the family name ("Ludwig van Beethoven", "Siobhán Ó Briain").
_PARTICLES = frozenset(
    {
        "van",
        "von",
        "der",
        "den",
        "de",
        "del",
        "della",
        "di",
        "da",
        "das",
        "dos",
        "du",
        "la",
        "le",
        "ó",
        "o",
        "mac",
        "mc",
        "bin",
        "ibn",
        "al",
        "el",
        "st",
        "ter",
        "ten",
        "zu",
    }
)


def fold(text: str) -> str:
    """Case- and accent-folded form used for search and sorting ("Ó Briain" -> "o briain")."""
    if text.isascii():  # the same result, without the Unicode passes (imports fold millions)
        return text.lower()
    # NFKD before and after casefold: compatibility forms (math letters, ligatures) fold too.
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    # Western names ("Chloé", "Müller") are ASCII letters and combining accents once decomposed:
    # those accents (U+0300-U+036F, all marks) go in one pass; other text goes letter by letter.
    plain = _BASIC_ACCENTS.sub("", decomposed)
    if plain.isascii():
        return plain
    # Drop every mark, not only those with a combining class: SQLite's tokenizer and Python's
    # \w disagree on newer marks, and search must fold the query and the index the same way.
    stripped = "".join(
        c for c in decomposed if not unicodedata.combining(c) and unicodedata.category(c)[0] != "M"
    )
    return stripped.translate(_EXTRA_FOLDS)


def words(text: str) -> list[str]:
    """The folded words of `text`, in order."""
    return _WORD.findall(fold(text))


def split_name(display_name: str) -> tuple[str, str]:
    """Guess (given, family) from a display name; particles stay with the family name.

    "Jane Doe" -> ("Jane", "Doe"); "Siobhán Ó Briain" -> ("Siobhán", "Ó Briain");
    "Cher" -> ("Cher", ""). Callers can always override the guess.
    """
    parts = display_name.split()
    if len(parts) <= 1:
        return (parts[0] if parts else "", "")
    family_start = len(parts) - 1
    while family_start > 1 and parts[family_start - 1].casefold().rstrip("'’") in _PARTICLES:
        family_start -= 1
    return " ".join(parts[:family_start]), " ".join(parts[family_start:])


def clean_line(text: str) -> str:
    """One line of user text: control characters removed, whitespace collapsed and trimmed."""
    if not text.isprintable():  # printable text has no control or format characters
        text = "".join(" " if unicodedata.category(c).startswith("C") else c for c in text)
    elif "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text  # its only white space is single spaces between words: nothing to change
    return " ".join(text.split())


def clean_block(text: str) -> str:
    """Multi-line user text: keep newlines and tabs, drop other control characters, trim ends."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.replace("\n", "").replace("\t", "").isprintable():  # nothing to drop: skip the pass
        return text.strip()
    kept = "".join(c for c in text if c in "\n\t" or not unicodedata.category(c).startswith("C"))
    return kept.strip()
