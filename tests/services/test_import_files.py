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
