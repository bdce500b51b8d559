"""Whole files through the import service: whatever the bytes, a clear error or an import, and a
failed import writes nothing (property-based: random bytes, near-valid vCards, CSV and JSON)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relationship_crm.domain.errors import KnownError
from relationship_crm.domain.records import ContactDraft, Labeled
from relationship_crm.services import contacts, import_files, json_copy

DATA = Path(__file__).resolve().parent.parent / "data"
T0 = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
SAMPLES = [
    (DATA / "vcards" / "iphone-3.0.vcf").read_bytes(),
    (DATA / "vcards" / "outlook-2.1.vcf").read_bytes(),
    (DATA / "vcards" / "rfc6350-4.0.vcf").read_bytes(),
    (DATA / "csv" / "google-contacts.csv").read_bytes(),
    (DATA / "csv" / "outlook-cp1252.csv").read_bytes(),
    (DATA / "csv" / "linkedin-connections.csv").read_bytes(),
]


@st.composite
def near_valid(draw: st.DrawFn) -> bytes:
    """A real file with a few lines deleted, doubled, swapped, or bytes flipped or cut."""
    data = bytearray(draw(st.sampled_from(SAMPLES)))
    for _ in range(draw(st.integers(1, 4))):
        lines = bytes(data).split(b"\n")
        action = draw(st.sampled_from(["delete", "double", "flip", "cut", "insert"]))
        at = draw(st.integers(0, max(0, len(lines) - 1)))
        if action == "delete":
            del lines[at]
        elif action == "double":
            lines.insert(at, lines[at])
        elif action == "insert":
            lines.insert(at, draw(st.binary(max_size=40)))
        data = bytearray(b"\n".join(lines))
        if action == "flip" and data:
            spot = draw(st.integers(0, len(data) - 1))
            data[spot] = draw(st.integers(0, 255))
        if action == "cut":
            data = data[: draw(st.integers(0, len(data)))]
    return bytes(data)


def seeded(db) -> bytes:
    with db.write() as s:
        if contacts.count(s) == 0:
            contacts.create(
                s,
                ContactDraft(name="Already Here", emails=(Labeled("here@example.com"),)),
                now=T0,
            )
    with db.read() as s:
        return json_copy.export_json(s, now=T0)


def attempt(db, data: bytes) -> None:
    before = seeded(db)
    try:
        with db.write() as s:
            import_files.import_data(s, data, now=T0)
            s.rollback()  # the property is about failures; keep the database for the next example
    except KnownError:
        with db.read() as s:
            assert json_copy.export_json(s, now=T0) == before


quick = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@quick
@given(st.binary(max_size=600))
def test_random_bytes_never_crash_or_write(db, data):
    attempt(db, data)


@quick
@given(near_valid())
def test_damaged_real_files_never_crash_or_write(db, data):
    attempt(db, data)


@quick
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner, max_size=3)
        ),
        max_leaves=12,
    ),
    st.sampled_from(["contacts", "meetings", "follow_ups", "gifts", "companies", "settings"]),
)
def test_odd_json_copies_never_crash_or_write(db, value, key):
    import json

    document = {"format": "relationship-crm", "version": 1, key: value}
    attempt(db, json.dumps(document).encode())


def test_a_nul_byte_in_an_email_is_kept_in_the_notes_not_refused_by_the_server(db):
    # Found by the damaged-files property on PostgreSQL, which refuses NUL in text.
    card = (
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Johnny Appleseed\r\n"
        b"EMAIL;type=WORK:\x00ohnny.a@example.org\r\nEMAIL:johnny@example.com\r\nEND:VCARD\r\n"
    )
    with db.write() as s:
        import_files.import_data(s, card, now=T0)
    with db.read() as s:
        (johnny,) = [c for c in contacts.list_contacts(s) if c.name == "Johnny Appleseed"]
        whole = contacts.get(s, johnny.id)
    assert [e.value for e in whole.emails] == ["johnny@example.com"]
    assert "\x00" not in whole.notes and "ohnny.a@example.org" in whole.notes


def test_nul_bytes_anywhere_in_a_card_never_reach_the_database(db):
    """PostgreSQL refuses NUL in text: every field a card can fill drops or refuses it."""
    n = "\x00"
    card = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\n"
        f"N:Ap{n}pleseed;Jo{n}hnny;;;\r\nFN:Johnny{n} Appleseed\r\n"
        f"ORG:Ac{n}me;Dev{n}\r\nTITLE:Eng{n}ineer\r\n"
        f"EMAIL;type=WO{n}RK:johnny@example.com\r\n"
        f"item1.EMAIL:second@example.com\r\nitem1.X-ABLabel:Assi{n}stant\r\n"
        f"TEL;type=CE{n}LL:+1 408 555 0100\r\n"
        f"ADR;type=HO{n}ME:;;1 Infinite{n} Loop;Cuper{n}tino;CA;95014;US{n}A\r\n"
        f"NOTE:Met{n} at WWDC\r\nCATEGORIES:Fri{n}ends,Work\r\nBDAY:1990-01-0{n}2\r\n"
        "END:VCARD\r\n"
    ).encode()
    with db.write() as s:
        import_files.import_data(s, card, now=T0)
    with db.read() as s:
        (johnny,) = [c for c in contacts.list_contacts(s) if "Appleseed" in c.name]
        whole = contacts.get(s, johnny.id)
    shown = repr(whole)
    assert "\\x00" not in shown, shown
    assert whole.company.startswith("Ac") and [e.value for e in whole.emails][0].startswith(
        "johnny"
    )
