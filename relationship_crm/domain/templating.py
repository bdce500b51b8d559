"""Note and letter templates: plain text with `{{placeholder}}` fields, checked and filled here.

A template is the text of a note from greeting to signature. A field is `{{name}}`, or
`{{name|fallback words}}` where the words are used when the value is empty. Filling is one pass
over the template: a value is inserted as it is and never read again, so a name such as
"{{rep_name}}" or "<b>Ann</b>" typed by the rep or imported from a file stays plain text.
Templates are checked when they are saved (`check_template`), so filling never meets an unknown
field. This module is pure (no Qt, no database).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher

from relationship_crm.domain.errors import InvalidInputError

#: Every field a template may use, with the words the template editor shows for it.
PLACEHOLDERS: dict[str, str] = {
    "first_name": "the attendee's first name (their full name when no first name is known)",
    "last_name": "the attendee's family name",
    "full_name": "the attendee's full name",
    "company": "the attendee's company",
    "job_title": "the attendee's job title",
    "meeting_title": "the meeting's title",
    "meeting_date": "the meeting's date, written out",
    "meeting_weekday": "the meeting's day of the week",
    "meeting_kind": "meeting, call, lunch, event or email",
    "meeting_location": "where the meeting was",
    "rep_name": "your name (Settings)",
    "rep_title": "your job title (Settings)",
    "rep_company": "your company (Settings)",
    "signature": "how you sign (Settings; your name when not set)",
    "date": "today's date, written out",
}

#: The fields of a campaign letter: the member's, the campaign's and the rep's details.
CAMPAIGN_PLACEHOLDERS: dict[str, str] = {
    "first_name": "the member's first name (their full name when no first name is known)",
    "last_name": "the member's family name",
    "full_name": "the member's full name",
    "company": "the member's company",
    "job_title": "the member's job title",
    "campaign_name": "the campaign's name",
    "campaign_topic": "the campaign's topic or offer text",
    "rep_name": "your name (Settings)",
    "rep_title": "your job title (Settings)",
    "rep_company": "your company (Settings)",
    "rep_phone": "your phone number (Settings)",
    "rep_email": "your email address (Settings)",
    "signature": "how you sign (Settings; your name when not set)",
    "date": "today's date, written out",
}

# A field: two braces, a name, an optional "|fallback", two braces. Names are matched loosely
# here so that a misspelt one ("{{ First Name }}") is reported rather than printed as is.
_FIELD = re.compile(r"\{\{(?P<name>[^{}|]*)(?:\|(?P<fallback>[^{}]*))?\}\}")
_NAME = re.compile(r"[a-z_]+")

#: Longest template accepted, in characters: a note is one page, not a book.
MAX_TEMPLATE_CHARS = 20_000


@dataclass(frozen=True, slots=True)
class TemplateProblem:
    """One thing wrong with a template, with its 1-based line for the editor to point at."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def template_problems(
    text: str, placeholders: Mapping[str, str] = PLACEHOLDERS
) -> list[TemplateProblem]:
    """Everything wrong with a template's text, in reading order (empty when it is fine).

    `placeholders` are the fields this kind of template may use (thank-you notes by default).

    Reported: an unknown field name (with the nearest known one when it looks like a typo), an
    opening `{{` that never closes, a stray `}}`, an empty template and one that is too long.
    """
    problems: list[TemplateProblem] = []
    if not text.strip():
        return [TemplateProblem(1, "the template is empty")]
    if len(text) > MAX_TEMPLATE_CHARS:
        problems.append(
            TemplateProblem(1, f"the template is longer than {MAX_TEMPLATE_CHARS} characters")
        )
    covered: list[tuple[int, int]] = []
    for match in _FIELD.finditer(text):
        covered.append(match.span())
        raw = match.group("name")
        name = raw.strip()
        if name in placeholders and _NAME.fullmatch(name):
            continue
        line = _line_of(text, match.start())
        hint = _suggestion(name, placeholders)
        shown = "{{" + raw + "}}"
        message = f"unknown placeholder {shown}"
        if hint:
            message += f" (did you mean {{{{{hint}}}}}?)"
        problems.append(TemplateProblem(line, message))
    # Braces outside a well-formed field: an unclosed "{{" or a stray "}}".
    rest = list(text)
    for start, end in covered:
        rest[start:end] = [" "] * (end - start)
    leftover = "".join(rest)
    for match in re.finditer(r"\{\{|\}\}", leftover):
        line = _line_of(text, match.start())
        if match.group() == "{{":
            problems.append(TemplateProblem(line, "'{{' is not closed by '}}'"))
        else:
            problems.append(TemplateProblem(line, "'}}' has no opening '{{'"))
    problems.sort(key=lambda p: p.line)
    return problems


def _suggestion(name: str, placeholders: Mapping[str, str]) -> str | None:
    """The known field a misspelt name most likely meant ("First Name" -> first_name)."""
    key = re.sub(r"[^a-z]+", "_", name.lower()).strip("_")
    if key in placeholders:
        return key
    # Closest by shared letters; only offered when clearly close.
    best, best_score = None, 0.0
    for known in placeholders:
        score = SequenceMatcher(None, key, known).ratio()
        if score > best_score:
            best, best_score = known, score
    return best if best_score >= 0.75 else None


def check_template(text: str, placeholders: Mapping[str, str] = PLACEHOLDERS) -> None:
    """Raise InvalidInputError listing every problem of a template (one per line)."""
    problems = template_problems(text, placeholders)
    if problems:
        listed = "; ".join(str(p) for p in problems)
        known = ", ".join("{{" + name + "}}" for name in placeholders)
        raise InvalidInputError(
            f"the template cannot be used: {listed}. Known placeholders: {known}"
        )


def fill_template(text: str, values: Mapping[str, str]) -> str:
    """The template with every field replaced by its value (or fallback words when empty).

    Values are inserted verbatim in a single pass, so text inside a value is never treated as a
    field. Fields missing from `values` count as empty. The template should have passed
    `check_template`; an unknown field is left out rather than printed with its braces.
    """

    def replace(match: re.Match[str]) -> str:
        name = match.group("name").strip()
        value = (values.get(name) or "").replace(_GAP, "").strip()
        if value:
            return value
        return (match.group("fallback") or "").strip() or _GAP

    filled = _FIELD.sub(replace, text.replace(_GAP, ""))
    # A field left empty must not leave "Dear ," or a doubled space behind; only the space next
    # to the empty field is touched, never the rep's own text or the values.
    filled = re.sub(rf"[ \t]*{_GAP}(?=[,.;:!?])", "", filled)
    filled = re.sub(rf"[ \t]{_GAP}(?=[ \t])", "", filled)
    filled = filled.replace(_GAP, "")
    lines = [line.rstrip(" \t") for line in filled.split("\n")]
    return "\n".join(lines).strip("\n")


# Marks where an empty field was, for the tidy-up above; removed from values beforehand.
_GAP = "\x00"
