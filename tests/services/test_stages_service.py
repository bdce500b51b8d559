"""Stages as a funnel: the stage table, backdated changes, stuck limits, the pipeline figures."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relationship_crm.domain.errors import InvalidInputError
from relationship_crm.domain.records import ContactDraft
from relationship_crm.services import contacts, json_copy, json_copy_import, stages
from relationship_crm.services import settings as rep_settings
from relationship_crm.storage.db import open_database


def at(day: str, hour: int = 9) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def test_the_shipped_stages_are_seeded_with_their_definitions_and_limits(db):
    with db.read() as s:
        found = stages.list_stages(s)
    assert [(x.key, x.stuck_after_days) for x in found] == [
        ("prospect", 180),
        ("lead", 30),
        ("customer", None),
        ("partner", None),
        ("other", None),
    ]
    by_key = {x.key: x for x in found}
    assert "Actively shopping, or open to shopping now" in by_key["lead"].definition
    assert "May need us some day" in by_key["prospect"].definition
    assert all(x.definition and x.shipped for x in found)
    assert [x.position for x in found] == sorted(x.position for x in found)


def test_the_rep_edits_renames_and_adds_stages_between_the_shipped_ones(db):
    with db.write() as s:
        stages.edit_stage(s, "Lead", label="Hot lead", definition="Budget and timeline known.")
        stages.edit_stage(s, "prospect", stuck_after_days=None)
        stages.add_stage(s, "qualified", label="Qualified", after="lead", stuck_after_days=14)
        stages.add_stage(s, "proposal", label="Proposal", after="qualified")
    with db.read() as s:
        found = stages.list_stages(s)
        assert [x.key for x in found] == [
            "prospect",
            "lead",
            "qualified",
            "proposal",
            "customer",
            "partner",
            "other",
        ]
        lead = stages.get_stage(s, "lead")
        assert (lead.label, lead.definition) == ("Hot lead", "Budget and timeline known.")
        assert stages.get_stage(s, "prospect").stuck_after_days is None
        assert stages.get_stage(s, "qualified").stuck_after_days == 14
        assert not stages.get_stage(s, "qualified").shipped
    with db.write() as s:  # a stage of the rep's own is a stage like any other
        cid = contacts.create(s, ContactDraft(name="Q", stage="qualified")).id
        assert contacts.get(s, cid).stage == "qualified"
        assert [c.id for c in contacts.list_contacts(s, stage="QUALIFIED")] == [cid]


@pytest.mark.parametrize(
    ("key", "label", "after", "message"),
    [
        ("Qualified", "Q", "lead", "lowercase"),
        ("1st", "Q", "lead", "starting with a letter"),
        ("a" * 17, "Q", "lead", "1 to 16"),
        ("lead", "Q", "lead", "already a stage 'lead'"),
        ("qualified", "  ", "lead", "label"),
        ("qualified", "Q", "nowhere", "unknown stage 'nowhere'"),
    ],
)
def test_a_bad_new_stage_is_refused_in_one_line(db, key, label, after, message):
    with db.write() as s, pytest.raises(InvalidInputError, match=message):
        stages.add_stage(s, key, label=label, after=after)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("30", 30), ("none", None), ("NONE", None), (" 7 ", 7), (None, None), (36_600, 36_600)],
)
def test_stuck_limits_parse(text, expected):
    assert stages.parse_stuck_after(text) == expected


@pytest.mark.parametrize("text", ["0", "-3", "3.5", "lots", "36601", "٣"])
def test_bad_stuck_limits_are_refused(text):
    with pytest.raises(InvalidInputError, match="stuck limit"):
        stages.parse_stuck_after(text)


def test_an_unknown_stage_is_refused_naming_the_valid_ones(db):
    with db.write() as s:
        stages.add_stage(s, "qualified", label="Qualified", after="lead")
        cid = contacts.create(s, ContactDraft(name="X")).id
        with pytest.raises(InvalidInputError, match=r"unknown stage 'hot'.*lead, qualified"):
            contacts.set_stage(s, cid, "hot")
        with pytest.raises(InvalidInputError, match="unknown stage 'hot'"):
            contacts.create(s, ContactDraft(name="Y", stage="hot"))


def test_a_stage_change_can_be_backdated_within_bounds(db):
    now = at("2026-06-30", 15)
    with db.write() as s:
        rep_settings.put(s, "timezone", "Europe/Paris")
        cid = contacts.create(s, ContactDraft(name="Dana"), now=at("2026-01-10")).id
        contacts.set_stage(s, cid, "lead", on=date(2026, 3, 1), now=now)
        with pytest.raises(InvalidInputError, match="before the contact's previous"):
            contacts.set_stage(s, cid, "customer", on=date(2026, 2, 28), now=now)
        with pytest.raises(InvalidInputError, match="in the future"):
            contacts.set_stage(s, cid, "customer", on=date(2026, 7, 1), now=now)
        with pytest.raises(InvalidInputError, match="between 1900 and 2200"):
            contacts.set_stage(s, cid, "customer", on=date(1899, 1, 1), now=now)
        contacts.set_stage(s, cid, "customer", on=date(2026, 3, 1), now=now)  # same day: after
        contacts.set_stage(s, cid, "partner", on=date(2026, 6, 30), now=now)  # today: now
    with db.read() as s:
        history = contacts.get(s, cid).stage_history
    assert [h.stage for h in history] == ["prospect", "lead", "customer", "partner"]
    # Midnight in Paris on 1 March is 23:00 UTC the day before.
    assert history[1].changed_at == datetime(2026, 2, 28, 23, tzinfo=UTC)
    assert history[2].changed_at > history[1].changed_at
    assert history[3].changed_at == now


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    previous=st.datetimes(
        min_value=datetime(2020, 1, 1), max_value=datetime(2026, 6, 30), timezones=st.just(UTC)
    ),
    day=st.dates(min_value=date(2019, 12, 30), max_value=date(2026, 7, 2)),
    zone=st.sampled_from(["UTC", "Pacific/Auckland", "America/Los_Angeles", "Asia/Kolkata"]),
)
def test_a_dated_change_never_lands_before_the_previous_one_nor_after_now(
    shared_db, previous, day, zone
):
    now = datetime(2026, 6, 30, 12, tzinfo=UTC)
    with shared_db.write() as s:
        rep_settings.put(s, "timezone", zone)
        try:
            moment = stages.change_instant(s, day, previous=previous, now=now)
        except InvalidInputError:
            return
        assert previous < moment <= now
        local = moment.astimezone(ZoneInfo(zone)).date()
        assert local == day or moment - previous < timedelta(seconds=1)


@pytest.fixture(scope="module")
def shared_db(tmp_path_factory):
    database = open_database(tmp_path_factory.mktemp("stages") / "crm.sqlite3")
    yield database
    database.close()


def test_a_contact_is_stuck_only_past_its_stage_limit(db):
    with db.write() as s:
        rep_settings.put(s, "timezone", "UTC")
        cid = contacts.create(s, ContactDraft(name="Lee", stage="lead"), now=at("2026-05-01")).id
        status = stages.stage_status(s, cid, today=date(2026, 5, 31))
        assert (status.stage, status.days_in_stage, status.stuck) == ("lead", 30, False)
        assert stages.is_stuck(s, cid, today=date(2026, 6, 1))  # 31 days > 30
        stages.edit_stage(s, "lead", stuck_after_days=None)
        assert not stages.is_stuck(s, cid, today=date(2027, 6, 1))
        contacts.set_stage(s, cid, "prospect", now=at("2026-06-02"))
        assert stages.stage_status(s, cid, today=date(2026, 6, 2)).days_in_stage == 0


def test_a_stage_change_is_undone_by_removing_it_from_the_history(db):
    with db.write() as s:
        cid = contacts.create(s, ContactDraft(name="Uma"), now=at("2026-01-01")).id
        moved = contacts.move_stage(s, cid, "lead", now=at("2026-02-01"))
        assert moved.value is not None
        assert contacts.move_stage(s, cid, "lead", now=at("2026-02-02")).value is None
        contacts.undo_stage_change(s, cid, moved.value)
        view = contacts.get(s, cid)
        assert view.stage == "prospect"
        assert [h.stage for h in view.stage_history] == ["prospect"]
        again = contacts.move_stage(s, cid, "lead", now=at("2026-02-03")).value
        assert again is not None
        contacts.set_stage(s, cid, "customer", now=at("2026-02-04"))
        with pytest.raises(InvalidInputError, match="changed again"):
            contacts.undo_stage_change(s, cid, again)


def build_funnel(db) -> None:
    """The small database of test_pipeline_figures_match_the_hand_count (zone UTC)."""
    with db.write() as s:
        rep_settings.put(s, "timezone", "UTC")
        stages.add_stage(s, "qualified", label="Qualified", after="lead", stuck_after_days=20)

        def person(name: str, stage: str, created: str, *moves: tuple[str, str]) -> int:
            cid = contacts.create(s, ContactDraft(name=name, stage=stage), now=at(created)).id
            for new, day in moves:
                contacts.set_stage(s, cid, new, now=at(day))
            return cid

        person("A", "prospect", "2025-12-01")
        person("B", "prospect", "2026-06-10")
        person("C", "prospect", "2026-03-01", ("lead", "2026-06-15"))
        person("D", "prospect", "2025-09-01", ("lead", "2026-01-10"), ("prospect", "2026-05-01"))
        person("E", "lead", "2026-05-01", ("customer", "2026-06-20"))
        f = person("F", "lead", "2026-04-01")
        contacts.trash(s, f, now=at("2026-06-25"))
        person("G", "lead", "2026-05-15")
        person("H", "customer", "2024-01-01", ("lead", "2026-07-05"))
        person("I", "prospect", "2024-03-01", ("lead", "2024-06-01"), ("customer", "2025-08-01"))
        person("J", "lead", "2026-02-01", ("qualified", "2026-06-05"))


def test_pipeline_figures_match_the_hand_count(db):
    """The funnel on 2026-06-30 (zone UTC): figures run to 2026-07-01 00:00 (the end of the day),
    30 days back to 2026-06-01 00:00 and 365 days back to 2025-07-01 00:00. Changes at 09:00.

    Contacts (stage moves):
      A prospect 2025-12-01                       -> in prospect 211 days (212 d - 9 h)
      B prospect 2026-06-10                       -> in prospect 20 days, entered in 30 days
      C prospect 2026-03-01, lead 06-15           -> prospect left forward (in 30 d); lead 15 d
      D prospect 2025-09-01, lead 2026-01-10, prospect 05-01
                                                  -> prospect left forward 01-10 (in 365 d),
                                                     lead left back 05-01; prospect 60 days
      E lead 2026-05-01, customer 06-20           -> lead left forward (30 d); customer 10 d
      F lead 2026-04-01, trashed 06-25            -> lead left out (30 d); not counted
      G lead 2026-05-15                           -> lead 46 days: stuck (limit 30)
      H customer 2024-01-01, lead 2026-07-05      -> customer 911 days (the move is after)
      I prospect 2024-03-01, lead 2024-06-01, customer 2025-08-01
                                                  -> prospect exit too old; lead left forward
                                                     2025-08-01 (in 365 d); customer 333 d
      J lead 2026-02-01, qualified 06-05          -> lead left forward (30 d); qualified 25 d:
                                                     stuck (limit 20)

    prospect:  contacts A B D = 3; entered B = 1; left C = 1; stuck A (211 > 180) = 1;
               median of 20, 60, 211 = 60; left in 365 d: C, D both forward -> 100.0 %
    lead:      contacts C G = 2; entered C = 1; left E F J = 3; stuck G = 1;
               median of 15, 46 = 30.5; left in 365 d: D back, E fwd, F out, I fwd, J fwd
               -> 3 of 5 = 60.0 %
    qualified: J = 1; entered 1; left 0; stuck 1; median 25; nobody left -> None
    customer:  E H I = 3; entered E = 1; left 0; no limit -> stuck 0; median of 10, 333, 911
               = 333; None
    partner, other: nothing -> zeros, None, None
    """
    build_funnel(db)
    with db.read() as s:
        rows = stages.pipeline(s, today=date(2026, 6, 30))
    got = [
        (
            r.stage,
            r.contacts,
            r.entered_30d,
            r.left_30d,
            r.stuck,
            r.median_days_in_stage,
            r.converted_pct,
        )
        for r in rows
    ]
    assert got == [
        ("prospect", 3, 1, 1, 1, 60.0, 100.0),
        ("lead", 2, 1, 3, 1, 30.5, 60.0),
        ("qualified", 1, 1, 0, 1, 25.0, None),
        ("customer", 3, 1, 0, 0, 333.0, None),
        ("partner", 0, 0, 0, 0, None, None),
        ("other", 0, 0, 0, 0, None, None),
    ]


def test_pipeline_on_a_later_day_sees_the_later_moves(db):
    """On 2026-07-10 H has moved customer -> lead (07-05): lead gains H (5 days in it), customer
    keeps E and I; H's customer stay left back, in the last 30 days."""
    build_funnel(db)
    with db.read() as s:
        rows = {r.stage: r for r in stages.pipeline(s, today=date(2026, 7, 10))}
    assert (rows["lead"].contacts, rows["lead"].entered_30d) == (3, 2)
    assert (rows["customer"].contacts, rows["customer"].left_30d) == (2, 1)
    assert rows["customer"].converted_pct == 0.0


def test_board_columns_and_cards_page_through_a_stage(db):
    build_funnel(db)
    with db.read() as s:
        columns = stages.board_columns(s, today=date(2026, 6, 30))
        assert [(c.stage.key, c.count, c.stuck) for c in columns] == [
            ("prospect", 3, 1),
            ("lead", 3, 1),  # today H is a lead too (its move is dated 07-05, before now)
            ("qualified", 1, 1),
            ("customer", 2, 0),
            ("partner", 0, 0),
            ("other", 0, 0),
        ]
        first = stages.board_cards(s, "prospect", today=date(2026, 6, 30), limit=2)
        rest = stages.board_cards(s, "prospect", today=date(2026, 6, 30), limit=2, offset=2)
    assert [(c.name, c.days_in_stage, c.stuck) for c in first + rest] == [
        ("A", 211, True),
        ("D", 60, False),
        ("B", 20, False),
    ]


def test_a_json_copy_carries_the_stage_table(db, tmp_path):
    build_funnel(db)
    with db.write() as s:
        stages.edit_stage(s, "lead", label="Hot lead", stuck_after_days=45)
        data = json_copy.export_json(s)
    fresh = open_database(tmp_path / "fresh.sqlite3")
    try:
        with fresh.write() as s:
            json_copy_import.import_document(s, data)
        with fresh.read() as s:
            assert [(x.key, x.label, x.stuck_after_days) for x in stages.list_stages(s)][:3] == [
                ("prospect", "Prospect", 180),
                ("lead", "Hot lead", 45),
                ("qualified", "Qualified", 20),
            ]
            j = next(c.id for c in contacts.list_contacts(s) if c.name == "J")
            assert [h.stage for h in contacts.get(s, j).stage_history] == ["lead", "qualified"]
        with fresh.write() as s:  # a stage the rep edited here stays as they left it
            stages.edit_stage(s, "lead", label="Mine")
            json_copy_import.import_document(s, data)
            assert stages.get_stage(s, "lead").label == "Mine"
    finally:
        fresh.close()


@given(st.text(max_size=12))
def test_any_stuck_limit_text_gives_days_or_none_or_one_clear_error(text):
    try:
        days = stages.parse_stuck_after(text)
    except InvalidInputError as error:
        assert "stuck limit" in str(error)
        return
    assert days is None or 1 <= days <= stages.MAX_STUCK_DAYS
    if days is not None:
        assert int(text.strip()) == days
