"""`relationship-crm export --format vcf`: vCard 4.0 (or 3.0) that another reader parses."""

from __future__ import annotations

import vobject
from hypothesis import given
from hypothesis import strategies as st

from relationship_crm.interchange.vcard_export import escape, fold


def add_people(cli) -> None:
    cli(
        "contact",
        "add",
        "Zoë Ångström-Łukasiewicz",
        "--email",
        "work:zoe@example.com",
        "--email",
        "Assistant:office@example.com",
        "--phone",
        "mobile:+44 7700 900123",
        "--company",
        "Café; Über, GmbH",
        "--title",
        "CFO",
        "--tag",
        "vip",
        "--tag",
        "berlin",
        "--notes",
        "Likes espresso.\nMet at SaaStr, 2026; follow up \\ later.",
        "--birthday=--11-23",
    )
    cli("contact", "add", "Bob Stone", "--birthday", "1980-02-29")


def parse(text: str) -> dict[str, vobject.base.Component]:
    return {c.fn.value: c for c in vobject.readComponents(text)}


def test_every_contact_becomes_a_card_that_vobject_reads(cli, tmp_path):
    add_people(cli)
    out = tmp_path / "contacts.vcf"
    result = cli("export", "--format", "vcf", str(out))
    assert result.code == 0, result.err
    raw = out.read_bytes()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")  # CRLF only
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    cards = parse(raw.decode("utf-8"))
    assert set(cards) == {"Zoë Ångström-Łukasiewicz", "Bob Stone"}
    zoe = cards["Zoë Ångström-Łukasiewicz"]
    assert zoe.version.value == "4.0"
    assert [e.value for e in zoe.contents["email"]] == ["zoe@example.com", "office@example.com"]
    assert zoe.contents["email"][0].params["TYPE"] == ["work"]
    assert zoe.contents["tel"][0].value == "+44 7700 900123"
    assert zoe.contents["tel"][0].params["TYPE"] == ["cell"]
    assert zoe.contents["x-ablabel"][0].value == "assistant"  # a custom label, Apple's way
    assert zoe.title.value == "CFO"
    assert zoe.note.value == "Likes espresso.\nMet at SaaStr, 2026; follow up \\ later."
    assert zoe.bday.value == "--1123"  # no year: vCard 4.0 says so directly
    assert cards["Bob Stone"].bday.value == "19800229"


def test_vcard_3_for_older_clients(cli):
    add_people(cli)
    result = cli("export", "--format", "vcf", "--vcard-version", "3.0", "-")
    assert result.code == 0, result.err
    cards = parse(result.out)
    zoe = cards["Zoë Ångström-Łukasiewicz"]
    assert zoe.version.value == "3.0"
    assert zoe.bday.value == "1604-11-23"  # Apple's year for "no year"
    assert zoe.bday.params["X-APPLE-OMIT-YEAR"] == ["1604"]
    assert cards["Bob Stone"].bday.value == "1980-02-29"


@given(st.text(max_size=300))
def test_folding_keeps_the_text_and_the_line_length(text):
    line = "NOTE:" + escape(text)
    folded = fold(line)
    assert folded.replace("\r\n ", "") == line
    assert all(len(part.encode("utf-8")) <= 75 for part in folded.split("\r\n"))
