"""Any one property value of one card replaced by junk: every other card of the file is read
exactly as before (issue 14). Parser level, not strict: a value the import service would refuse
(an email address that is junk) is the service's "bad cell" handling to keep."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relationship_crm.interchange.vcard_import import read_vcards

CARDS = [
    # vCard 2.1 as Outlook and Android write it: quoted-printable with soft breaks, bare words.
    "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C3=85ngstr=C3=B6m;"
    "Bj=C3=B6rn;;;\r\nFN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Bj=C3=B6rn =C3=85ngstr=C3=B6m\r\n"
    "TEL;CELL;PREF:+46 70 123 45 67\r\nADR;HOME;PREF;:;;1 Main St;Springfield;;;USA\r\n"
    "NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Tr=C3=A4ffade p=C3=A5 m=C3=A4ssan. "
    "Gillar kaff=\r\n"
    "e.\r\nEMAIL;INTERNET:bjorn@example.se\r\nEND:VCARD\r\n",
    # vCard 3.0 as Apple writes it: item groups, labels, omitted year, escapes, categories.
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Lovelace;Ada;King;;\r\nFN:Ada King Lovelace\r\n"
    "item1.EMAIL;type=INTERNET;type=pref:ada@analytical.example\r\nitem1.X-ABLabel:school\r\n"
    "TEL;type=WORK:+44 20 7946 0001\r\nBDAY;X-APPLE-OMIT-YEAR=1604:1604-12-10\r\n"
    "ORG:Analytical Engines\\, Ltd;R&D\r\nTITLE:Programmer\r\nCATEGORIES:vip,math\r\n"
    'NOTE:Said \\"hello\\"\\; then left.\\nBack soon.\r\nEND:VCARD\r\n',
    # vCard 4.0: text birthday, organisation, long folded note, stage of our own export.
    "BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:org\r\nFN:Acme Widgets\r\nORG:Acme Widgets\r\n"
    "EMAIL;TYPE=work:sales@acme.example\r\nADR;TYPE=work:;;10 Industrial Way;Leeds;;LS1 1AA;UK\r\n"
    "BDAY;VALUE=text:circa 1800\r\nNOTE:A long note that goes on and on and on so that it has "
    "to be folded\r\n  onto a second line.\r\nX-RELATIONSHIP-CRM-STAGE:customer\r\nEND:VCARD\r\n",
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Østergaard;Søren;;;\r\nFN:Søren Østergaard\r\n"
    "EMAIL;TYPE=INTERNET,HOME:soren@example.dk\r\nTEL;TYPE=CELL:+45 20 12 34 56\r\n"
    "X-messaging/twitter-All:@soren\r\nEND:VCARD\r\n",
]
BASELINE = [c.draft for c in read_vcards("".join(CARDS).encode()).contacts]

junk_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n"), max_size=40
).map(str.encode)
junk_bytes = st.binary(max_size=40).map(lambda b: b.replace(b"\n", b""))


@st.composite
def corrupted(draw: st.DrawFn) -> tuple[int, bytes]:
    """(which card, the file with one property value of that card replaced by junk)."""
    which = draw(st.integers(0, len(CARDS) - 1))
    lines = CARDS[which].encode().split(b"\r\n")
    # A property line of the card (not BEGIN, VERSION or END; not a folded continuation).
    choices = [
        i
        for i, line in enumerate(lines)
        if b":" in line
        and line[:1] not in (b" ", b"\t")
        and not line.upper().startswith((b"BEGIN:", b"END:", b"VERSION:"))
    ]
    at = draw(st.sampled_from(choices))
    head = lines[at].partition(b":")[0]
    lines[at] = head + b":" + draw(st.one_of(junk_text, junk_bytes))
    cards = [c.encode() for c in CARDS]
    cards[which] = b"\r\n".join(lines)
    return which, b"".join(cards)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corrupted())
def test_one_bad_value_leaves_every_other_card_as_it_was(case):
    which, data = case
    result = read_vcards(data, strict=False)
    drafts = [c.draft for c in result.contacts]
    assert len(drafts) == len(CARDS)  # the damaged card is read too, its bad value in notes
    for i, (draft, before) in enumerate(zip(drafts, BASELINE, strict=True)):
        if i != which:
            assert draft == before
    # Every warning is about the damaged card.
    assert {w.record for w in result.warnings} <= {which + 1}
