"""Contacts as CSV for spreadsheets: one row per contact, safe to open in Excel or LibreOffice.

A cell a spreadsheet would run as a formula (starting with =, +, -, @, or a tab or carriage
return, OWASP's list) gets a leading apostrophe, which spreadsheets show as plain text; a cell
that already starts with apostrophes before such a character gets one more, so `unneutralise`
undoes exactly that and our own file imports back unchanged. Several emails or phones share one
cell, each as "label: value", separated by "; ". "Address" is the first address on one line for
reading; the columns after "Notes" hold its parts, so the importer need not guess them.
Pure: DTOs in, text out.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TextIO

from relationship_crm.domain.records import Address, ContactView, Labeled

COLUMNS: tuple[str, ...] = (
    "ID",
    "Name",
    "Given name",
    "Family name",
    "Company",
    "Title",
    "Stage",
    "Emails",
    "Phones",
    "Address",
    "Birthday",
    "Tags",
    "Notes",
    "Address label",
    "Street",
    "City",
    "Region",
    "Postcode",
    "Country",
)

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """The cell as plain text for a spreadsheet: a formula-like start gets an apostrophe."""
    # Counting apostrophes already there keeps this one-to-one, so `unneutralise` is exact.
    return "'" + cell if cell.lstrip("'").startswith(_FORMULA_STARTS) else cell


def unneutralise(cell: str) -> str:
    """The cell as it was before `neutralise`: its added apostrophe removed, nothing else."""
    if cell.startswith("'") and cell.lstrip("'").startswith(_FORMULA_STARTS):
        return cell[1:]
    return cell


def _labelled(items: Iterable[Labeled]) -> str:
    return "; ".join(f"{i.label}: {i.value}" if i.label else i.value for i in items)


def _address(address: Address) -> str:
    street = ", ".join(line.strip() for line in address.street.splitlines() if line.strip())
    town = " ".join(p for p in (address.postcode, address.city) if p)
    parts = (street, town, address.region, address.country)
    return ", ".join(p.strip() for p in parts if p and p.strip())


def _address_parts(address: Address) -> tuple[str, ...]:
    return (
        address.label,
        address.street,
        address.city,
        address.region,
        address.postcode,
        address.country,
    )


def row(contact: ContactView) -> list[str]:
    """One contact as the cells of COLUMNS, neutralised."""
    cells = [
        str(contact.id),
        contact.name,
        contact.given_name,
        contact.family_name,
        contact.company,
        contact.title,
        contact.stage,
        _labelled(contact.emails),
        _labelled(contact.phones),
        _address(contact.addresses[0]) if contact.addresses else "",
        contact.birthday or "",
        "; ".join(contact.tags),
        contact.notes,
        *_address_parts(contact.addresses[0] if contact.addresses else Address()),
    ]
    return [neutralise(cell) for cell in cells]


def write_contacts_csv(contacts: Iterable[ContactView], out: TextIO) -> int:
    """Write a header and one row per contact to `out`; returns the number of contacts."""
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180 line ends, as spreadsheets write
    writer.writerow(COLUMNS)
    written = 0
    for contact in contacts:
        writer.writerow(row(contact))
        written += 1
    return written
