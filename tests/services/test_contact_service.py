"""Contact services: round trips, stage history, search properties and gift totals."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relationship_crm.domain.enums import Stage
from relationship_crm.domain.errors import InvalidInputError
from relationship_crm.domain.records import ContactDraft, GiftDraft, Labeled
from relationship_crm.domain.text import clean_line, fold, words
from relationship_crm.services import contact_search, contacts, gifts
from relationship_crm.storage.db import open_database

T0 = datetime(2026, 1, 1, 9, tzinfo=UTC)

# Names as people and imported files really write them: letters from many scripts, marks,
# apostrophes, hyphens and stray spaces.
name_text = st.text(
    alphabet=st.characters(categories=("L", "M", "Nd", "Zs", "Pd", "Po")), min_size=1, max_size=60
).filter(lambda s: clean_line(s) != "")


@pytest.fixture(scope="module")
def shared_db(tmp_path_factory):
    database = open_database(tmp_path_factory.mktemp("prop") / "crm.sqlite3")
    yield database
    database.close()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=name_text, company=st.one_of(st.just(""), name_text))
def test_any_name_round_trips_and_is_found_by_each_of_its_words(shared_db, name, company):
    with shared_db.write() as s:
        cid = contacts.create(s, ContactDraft(name=name, company=company), now=T0).id
    with shared_db.read() as s:
        view = contacts.get(s, cid)
        assert view.name == clean_line(name)
        # Companies are one per folded name: "Y" joins an existing "ý".
        assert fold(view.company) == (fold(clean_line(company)) if company else "")
        for word in words(name)[:3]:
            found = [c.id for c in contact_search.search(s, word, limit=10_000)]
            assert cid in found, word


def test_stage_history_records_each_change_once(db):
    with db.write() as s:
        cid = contacts.create(s, ContactDraft(name="Lee Lead"), now=T0).id
        contacts.set_stage(s, cid, "lead", now=datetime(2026, 2, 1, tzinfo=UTC))
        contacts.set_stage(s, cid, Stage.LEAD, now=datetime(2026, 2, 2, tzinfo=UTC))
        contacts.set_stage(s, cid, "Customer", now=datetime(2026, 3, 1, tzinfo=UTC))
    with db.read() as s:
        history = contacts.get(s, cid).stage_history
    assert [(h.stage, h.changed_at.date()) for h in history] == [
        (Stage.PROSPECT, date(2026, 1, 1)),
        (Stage.LEAD, date(2026, 2, 1)),
        (Stage.CUSTOMER, date(2026, 3, 1)),
    ]


def test_duplicate_emails_and_equivalent_phones_are_kept_once(db):
    with db.write() as s:
        cid = contacts.create(
            s,
            ContactDraft(
                name="Dup Person",
                emails=(Labeled("A@Example.com", "work"), Labeled("a@example.com")),
                phones=(Labeled("+44 20 7946 0000"), Labeled("+44 (0)20 7946-0000")),
            ),
            now=T0,
        ).id
        contacts.update(s, cid, add_emails=[Labeled("a@EXAMPLE.com")], now=T0)
    with db.read() as s:
        view = contacts.get(s, cid)
    assert [e.value for e in view.emails] == ["A@Example.com"]
    assert len(view.phones) == 1


def test_update_rejects_bad_values_without_changing_anything(db):
    with db.write() as s:
        cid = contacts.create(s, ContactDraft(name="Stable Sam", title="CEO"), now=T0).id
    with pytest.raises(InvalidInputError), db.write() as s:
        contacts.update(s, cid, title="Chair", add_emails=[Labeled("nope")], now=T0)
    with db.read() as s:
        assert contacts.get(s, cid).title == "CEO"


def test_renaming_updates_the_search_index(db):
    with db.write() as s:
        cid = contacts.create(s, ContactDraft(name="Old Name"), now=T0).id
        contacts.update(s, cid, name="Brand Newname", now=T0)
    with db.read() as s:
        assert contact_search.search(s, "old") == []
        assert [c.id for c in contact_search.search(s, "newname")] == [cid]


def test_birthday_without_a_year_is_accepted(db):
    with db.write() as s:
        cid = contacts.create(s, ContactDraft(name="Leap Day", birthday="--02-29"), now=T0).id
    with db.read() as s:
        assert contacts.get(s, cid).birthday == "--02-29"


def test_gift_totals_per_year_and_currency(db):
    with db.write() as s:
        cid = contacts.create(s, ContactDraft(name="Gifted Gail"), now=T0).id
        for item, cost, cur, day in [
            ("Wine", "45.50", "EUR", date(2026, 3, 1)),
            ("Lunch", "80", "EUR", date(2026, 9, 1)),
            ("Tickets", "200", "USD", date(2026, 5, 1)),
            ("Old gift", "999", "EUR", date(2025, 12, 31)),
        ]:
            gifts.add(s, GiftDraft(cid, item, day, Decimal(cost), cur), now=T0)
        gifts.add(s, GiftDraft(cid, "Card", date(2026, 1, 2)), now=T0)
    with db.read() as s:
        assert gifts.yearly_totals(s, contact_id=cid, year=2026) == {
            "EUR": Decimal("125.50"),
            "USD": Decimal("200"),
        }
        items = [g.item for g in gifts.list_gifts(s, contact_id=cid)]
    assert items == ["Lunch", "Tickets", "Wine", "Card", "Old gift"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("45", Decimal("45")),
        ("45.50", Decimal("45.50")),
        ("1,250.00", Decimal("1250.00")),
    ],
)
def test_parse_cost(text, expected):
    assert gifts.parse_cost(text) == expected


@given(st.text(max_size=30))
def test_parse_cost_only_ever_raises_invalid_input(text):
    try:
        amount = gifts.parse_cost(text)
    except InvalidInputError:
        return
    assert amount >= 0


def test_email_owners_finds_live_contacts_with_the_address(db):
    with db.write() as s:
        jane = contacts.create(
            s, ContactDraft(name="Jane Doe", emails=(Labeled("Jane@Acme.com"),))
        ).id
        gone = contacts.create(s, ContactDraft(name="Old", emails=(Labeled("old@acme.com"),))).id
        contacts.trash(s, gone)
    with db.read() as s:
        found = contacts.email_owners(s, ["jane@acme.com", "old@acme.com", "x@y.z"])
        assert [(o.contact_id, o.name) for o in found] == [(jane, "Jane Doe")]
        assert contacts.email_owners(s, ["JANE@ACME.COM"], exclude_id=jane) == []
        assert contacts.describe_email_owners(found) == (
            f"Jane@Acme.com is also the email of Jane Doe (#{jane})"
        )


def test_repeat_gifts_are_found_and_described(db):
    from relationship_crm.services import gifts

    with db.write() as s:
        jane = contacts.create(s, ContactDraft(name="Jane Doe")).id
        for day, item in enumerate(("Red wine", "Wine", "Pendant", "wine glasses", "White wine")):
            gifts.add(s, GiftDraft(jane, item, date(2026, 7, day + 1)))
    with db.read() as s:
        given = gifts.list_gifts(s, contact_id=jane)
    repeats = gifts.find_repeats("WINE", given)
    assert [g.item for g in repeats] == ["White wine", "wine glasses", "Wine", "Red wine"]
    assert gifts.describe_repeats(repeats) == (
        "White wine on 2026-07-05; wine glasses on 2026-07-04; Wine on 2026-07-02 and 1 more"
    )
    assert gifts.find_repeats("Pen", given) == []
