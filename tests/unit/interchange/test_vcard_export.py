"""vCard export: any text a rep can type survives a reading by an independent parser."""

from __future__ import annotations

import dataclasses

import pytest
import vobject
from hypothesis import given, settings
from hypothesis import strategies as st

from relationship_crm.domain.enums import Stage
from relationship_crm.domain.records import Address, ContactView, Labeled
from relationship_crm.interchange.vcard_export import card

# What a rep can type in a one-line field or a note: any printable text, line breaks in notes.
line = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=60
).map(str.strip)
block = st.lists(line, max_size=4).map("\n".join).map(str.strip)


def view(name: str, company: str, notes: str, label: str) -> ContactView:
    return ContactView(
        id=7,
        name=name or "X",
        given_name="",
        family_name="",
        emails=(Labeled("a@example.com", label),),
        phones=(),
        company=company,
        company_id=None,
        title="",
        stage=Stage.LEAD,
        tags=("vip",),
        birthday=None,
        notes=notes,
    )


@settings(max_examples=200)
@given(name=line, company=line, notes=block, label=line)
def test_text_fields_round_trip_through_vobject(name, company, notes, label):
    text = card(view(name, company, notes, label), "4.0")
    (parsed,) = list(vobject.readComponents(text))
    assert parsed.fn.value == (name or "X")
    if company:
        assert parsed.org.value == [company]
    if notes:
        assert parsed.note.value == notes


@pytest.mark.parametrize("version", ["4.0", "3.0"])
def test_every_address_is_written_with_its_label(version):
    contact = dataclasses.replace(
        view("Ann", "", "", "work"),
        addresses=(
            Address("1 Main St\nFloor 2", "Springfield", "OR", "97403", "USA", "home"),
            Address("10 Industrial Way", "Leeds", "", "LS1 1AA", "UK", "Work"),
            Address("Dock 4; Gate B", "Rotterdam", "", "3011", "NL", "warehouse"),
            Address("PO Box 7", "Zug", "", "", "CH", ""),
        ),
    )
    text = card(contact, version)
    (parsed,) = list(vobject.readComponents(text))
    written = [
        (
            adr.value.street,
            adr.value.city,
            adr.value.region,
            adr.value.code,
            adr.value.country,
            adr.params.get("TYPE", []),
            adr.group,
        )
        for adr in parsed.contents["adr"]
    ]
    assert written == [
        ("1 Main St\nFloor 2", "Springfield", "OR", "97403", "USA", ["home"], None),
        ("10 Industrial Way", "Leeds", "", "LS1 1AA", "UK", ["work"], None),
        ("Dock 4; Gate B", "Rotterdam", "", "3011", "NL", [], "item1"),
        ("PO Box 7", "Zug", "", "", "CH", [], None),
    ]
    labels = {x.group: x.value for x in parsed.contents["x-ablabel"]}
    assert labels == {"item1": "warehouse"}
