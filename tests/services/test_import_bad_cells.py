"""Property: one corrupted cell never blocks a file. A valid CSV (Outlook's layout) or vCard with
any one value replaced by generated junk imports whole: every other record is imported with its
values unchanged, and the corrupted one is imported, listed, or both."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relationship_crm.services import contacts, import_files

T0 = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)

HEADER = [
    "First Name",
    "Last Name",
    "Company",
    "Job Title",
    "E-mail Address",
    "E-mail Type",
    "Mobile Phone",
    "Business Phone",
    "Birthday",
]

given_names = st.sampled_from(["Ann", "Björn", "Zoë", "José", "李", "Ωmega", "Anne-Marie"])
family_names = st.sampled_from(["Able", "Öberg", "O'Neil", "García", "Nakamura", "Ng"])
companies = st.sampled_from(["", "Acme", "Straße & Söhne", "Blue, Box Ltd", '"Quoted" Co'])


@st.composite
def people(draw: st.DrawFn) -> list[dict[str, str]]:
    count = draw(st.integers(2, 6))
    rows = []
    for i in range(count):
        rows.append(
            {
                "First Name": draw(given_names),
                "Last Name": draw(family_names),
                "Company": draw(companies),
                "Job Title": draw(st.sampled_from(["", "Buyer", "CTO"])),
                "E-mail Address": f"person{i}@example{i}.com",
                "E-mail Type": "SMTP",
                "Mobile Phone": f"+1 415 555 {100 + i:04d}",
                "Business Phone": "",
                "Birthday": draw(st.sampled_from(["", "3/14/1980", "1975-07-01"])),
            }
        )
    return rows


# Junk a cell may hold: anything printable or invisible, line breaks, quotes and delimiters,
# but no control characters (a file full of them is binary, not a CSV, and is refused).
junk = st.text(
    st.one_of(
        st.characters(blacklist_categories=("Cc", "Cs")),
        st.sampled_from(list(',;"\n\r\t :@+\u202a\u202c\u200b\ufeff')),
    ),
    max_size=30,
)


def as_csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow([row[name] for name in HEADER])
    return out.getvalue().encode()


Seen = tuple[str, tuple[str, ...], tuple[str, ...], str, str, str | None, str]


def expected(row: dict[str, str]) -> Seen:
    birthday = {"": None, "3/14/1980": "1980-03-14", "1975-07-01": "1975-07-01"}
    return (
        f"{row['First Name']} {row['Last Name']}",
        (row["E-mail Address"],),
        (row["Mobile Phone"],),
        row["Company"],
        row["Job Title"],
        birthday[row["Birthday"]],
        "",
    )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(people(), st.data())
def test_one_corrupted_csv_cell_leaves_every_other_record_as_it_was(db, rows, data):
    spoiled = data.draw(st.integers(0, len(rows) - 1), label="record")
    column = data.draw(st.sampled_from(HEADER), label="column")
    corrupted = [dict(row) for row in rows]
    corrupted[spoiled][column] = data.draw(junk, label="junk")
    with db.write() as s:
        result = import_files.import_data(s, as_csv(corrupted), on_duplicate="add", now=T0)
        found = Counter(
            (
                c.name,
                tuple(e.value for e in c.emails),
                tuple(p.value for p in c.phones),
                c.company,
                c.title,
                c.birthday,
                c.notes,
            )
            for c in contacts.list_contacts(s)
        )
        s.rollback()
    others = Counter(expected(row) for at, row in enumerate(rows) if at != spoiled)
    assert not others - found, (others - found, result.problems)
    assert all(p.record == spoiled + 1 for p in result.problems), result.problems
    assert result.contacts.added + result.contacts.skipped_blank + sum(
        1 for p in result.problems if p.outcome == "record skipped"
    ) == len(rows)


# BDAY is left out for now: the vCard reader still refuses a card whose birthday is no date
# (issue 14 has it keep the text; that is the vCard reader's change, not this test's).
VCARD_PROPERTIES = ("FN", "EMAIL", "TEL", "ORG", "TITLE", "BDAY")


def vcard_escape(text: str) -> str:
    """A value as RFC 6350 writes it: backslash, comma, semicolon and line breaks escaped."""
    text = text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def as_vcards(rows: list[dict[str, str]], spoiled: int, prop: str, value: str) -> bytes:
    cards = []
    for at, row in enumerate(rows):
        values = {
            "FN": vcard_escape(f"{row['First Name']} {row['Last Name']}"),
            "EMAIL": row["E-mail Address"],
            "TEL": row["Mobile Phone"],
            "ORG": vcard_escape(row["Company"]),
            "TITLE": vcard_escape(row["Job Title"]),
            "BDAY": {"": "", "3/14/1980": "1980-03-14", "1975-07-01": "1975-07-01"}[
                row["Birthday"]
            ],
        }
        if at == spoiled:
            values[prop] = vcard_escape(value)
        lines = ["BEGIN:VCARD", "VERSION:3.0"]
        lines.append(f"N:{vcard_escape(row['Last Name'])};{vcard_escape(row['First Name'])};;;")
        lines += [f"{name}:{text}" for name, text in values.items() if text]
        lines.append("END:VCARD")
        cards.append("\r\n".join(lines) + "\r\n")
    return "".join(cards).encode()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(people(), st.data())
def test_one_corrupted_vcard_value_leaves_every_other_card_as_it_was(db, rows, data):
    spoiled = data.draw(st.integers(0, len(rows) - 1), label="card")
    prop = data.draw(st.sampled_from(VCARD_PROPERTIES), label="property")
    value = data.draw(junk, label="junk")
    with db.write() as s:
        result = import_files.import_data(
            s, as_vcards(rows, spoiled, prop, value), on_duplicate="add", now=T0
        )
        found = Counter(
            (
                c.name,
                tuple(e.value for e in c.emails),
                tuple(p.value for p in c.phones),
                c.company,
                c.title,
                c.birthday,
                c.notes,
            )
            for c in contacts.list_contacts(s)
        )
        s.rollback()
    others = Counter(expected(row) for at, row in enumerate(rows) if at != spoiled)
    assert not others - found, (others - found, result.problems)
    assert all(p.record == spoiled + 1 for p in result.problems), result.problems
