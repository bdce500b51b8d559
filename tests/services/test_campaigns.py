"""Micro-campaigns (issue 16) on a hand-made database: segment, creation in one transaction,
letters, members by hand, outcomes and suggestions, and the results figures."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from relationship_crm.domain.enums import FollowUpStatus, Stage
from relationship_crm.domain.errors import InvalidInputError, NotFoundError
from relationship_crm.domain.records import Address, ContactDraft, MeetingDraft
from relationship_crm.services import (
    campaign_letters,
    campaign_results,
    campaigns,
    contacts,
    followups,
    meetings,
    note_templates,
    settings,
)
from relationship_crm.services.campaigns import CampaignDraft, Segment
from relationship_crm.storage.schema import Campaign, CampaignMember, FollowUp

NY = "America/New_York"
BEFORE = datetime(2026, 11, 1, 15, 0, tzinfo=UTC)  # when the contacts were added
C = datetime(2026, 11, 23, 19, 0, tzinfo=UTC)  # the campaign is created: 14:00 in New York
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)  # when the results are read


def contact(db, name, stage=Stage.LEAD, **extra):
    with db.write() as s:
        return contacts.create(s, ContactDraft(name=name, stage=stage, **extra), now=BEFORE).id


def meeting(db, attendees, when):
    with db.write() as s:
        return meetings.log(
            s,
            MeetingDraft(
                title="Visit",
                starts_local=datetime.strptime(when, "%Y-%m-%d %H:%M"),
                tz=NY,
                attendee_ids=tuple(attendees),
            ),
            now=BEFORE,
        ).id


ADDRESS = (Address(street="1 Main St", city="Springfield", region="IL", postcode="62701"),)


@pytest.fixture
def people(db) -> dict[str, int]:
    """Seven contacts; the segment "tag spring, not contacted since 2026-11-15" takes three.

    ann, ben, cat: tagged, not met since the 15th -> members (cat has no address).
    dan opted out, eve is in the trash, fay has no tag, gus was met on the 20th -> left out.
    """
    with db.write() as s:
        settings.put(s, "timezone", NY)
        settings.put(s, "rep_name", "Sam Seller")
        settings.put(s, "rep_phone", "+1 555 0100")
    ids = {
        "ann": contact(db, "Ann Archer", company="Acme", tags=("spring",), addresses=ADDRESS),
        "ben": contact(db, "Ben Baker", tags=("Spring",), addresses=ADDRESS),
        "cat": contact(db, "Cat Cole", stage=Stage.PROSPECT, tags=("spring",)),
        "dan": contact(db, "Dan Drew", tags=("spring",), addresses=ADDRESS),
        "eve": contact(db, "Eve East", tags=("spring",)),
        "fay": contact(db, "Fay Fox", stage=Stage.CUSTOMER, addresses=ADDRESS),
        "gus": contact(db, "Gus Gray", tags=("spring",)),
    }
    with db.write() as s:
        campaigns.set_opt_out(s, ids["dan"], True, now=BEFORE)
        contacts.trash(s, ids["eve"], now=BEFORE)
    meeting(db, [ids["gus"]], "2026-11-20 10:00")
    meeting(db, [ids["ann"]], "2026-11-10 10:00")  # before the cut-off: still "not contacted"
    return ids


SEGMENT = Segment(tags=frozenset({"spring"}), not_contacted_since=date(2026, 11, 15))


def create(db, **extra) -> int:
    draft = CampaignDraft(
        name="Winter check",
        template="campaign-offer",
        segment=SEGMENT,
        topic="a free winter service check",
        cost=Decimal("90"),
        follow_up_local=datetime(2026, 12, 1, 9, 0),
        follow_up_tz=NY,
    )
    draft = CampaignDraft(**{**{f: getattr(draft, f) for f in draft.__slots__}, **extra})
    with db.write() as s:
        return campaigns.create(s, draft, now=C).id


def test_the_segment_counts_and_lists_its_members(db, people):
    with db.read() as s:
        preview = campaigns.preview_segment(s, SEGMENT)
        with_address = campaigns.preview_segment(
            s,
            Segment(
                tags=SEGMENT.tags, not_contacted_since=SEGMENT.not_contacted_since, has_address=True
            ),
        )
        leads_at_acme = campaigns.preview_segment(
            s, Segment(stages=frozenset({"lead"}), companies=frozenset({"ACME"}))
        )
    assert preview.count == 3
    assert [m.name for m in preview.members] == ["Ann Archer", "Ben Baker", "Cat Cole"]
    assert [m.name for m in with_address.members] == ["Ann Archer", "Ben Baker"]
    assert [m.name for m in leads_at_acme.members] == ["Ann Archer"]


def test_segment_errors_are_one_clear_line(db, people):
    with db.read() as s:
        with pytest.raises(NotFoundError, match="no tag called 'autumn'"):
            campaigns.preview_segment(s, Segment(tags=frozenset({"autumn"})))
        with pytest.raises(InvalidInputError, match="unknown stage"):
            campaigns.preview_segment(s, Segment(stages=frozenset({"hot"})))
        with pytest.raises(InvalidInputError, match="unknown keep-in-touch state"):
            campaigns.preview_segment(s, Segment(keep_in_touch=frozenset({"asleep"})))


def test_a_segment_can_take_the_drifting_or_the_lost(db, people):
    """Tag "spring" has a 10/20-day rhythm. On 2026-12-01: Ann was met on 11-10 (21 days: lost),
    Gus on 11-20 (11 days: drifting); Ben and Cat were never met (created 11-01: 30 days, lost);
    Dan opted out and Eve is in the trash, so neither is ever taken; Fay has no rhythm."""
    from relationship_crm.services import health

    with db.write() as s:
        health.set_tag_rhythm(s, "spring", 10, 20, now=BEFORE)
    on = date(2026, 12, 1)
    with db.read() as s:
        lost = campaigns.preview_segment(s, Segment(keep_in_touch=frozenset({"lost"}), as_of=on))
        drifting = campaigns.preview_segment(
            s, Segment(keep_in_touch=frozenset({"drifting"}), as_of=on)
        )
        both = campaigns.preview_segment(
            s,
            Segment(keep_in_touch=frozenset({"drifting", "lost"}), has_address=True, as_of=on),
        )
    assert [m.name for m in lost.members] == ["Ann Archer", "Ben Baker", "Cat Cole"]
    assert [m.name for m in drifting.members] == ["Gus Gray"]
    assert [m.name for m in both.members] == ["Ann Archer", "Ben Baker"]


def test_creating_writes_letters_and_follow_ups_in_one_go(db, people):
    campaign_id = create(db)
    with db.read() as s:
        page = campaign_results.get_campaign(s, campaign_id, now=C)
        ann = next(m for m in page.members if m.contact_name == "Ann Archer")
        follow_up = followups.get(s, ann.followup_id)
    assert page.results.members == 3 and page.results.drafts == 3
    assert {m.letter_status for m in page.members} == {"draft"}
    assert ann.body.startswith("Dear Ann,")
    assert "useful for Acme.\n\na free winter service check\n\nI would" in ann.body
    assert ann.body.rstrip().endswith("Sam Seller\n+1 555 0100")
    assert follow_up.due == datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    assert follow_up.due.strftime("%H:%M") == "09:00"
    assert follow_up.tz == NY and follow_up.note == "Campaign: Winter check"
    # Frozen: a contact tagged later does not join by itself.
    contact(db, "Hal Hill", tags=("spring",))
    with db.read() as s:
        assert campaign_results.get_campaign(s, campaign_id, now=C).results.members == 3


def test_a_failed_creation_writes_nothing(db, people):
    with pytest.raises(InvalidInputError, match="USD takes at most 2 decimals"):
        create(db, cost=Decimal("1.234"))
    with pytest.raises(NotFoundError, match="no campaign template called 'after-meeting'"):
        create(db, template="after-meeting")
    with pytest.raises(InvalidInputError, match="no members"):
        create(db, segment=Segment(stages=frozenset({"partner"})))
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Campaign)) == 0
        assert s.scalar(select(func.count()).select_from(FollowUp)) == 0


def test_the_campaign_walked_end_to_end_gives_the_expected_results(db, people):
    """Worked out by hand, with the campaign created on 23 Nov 19:00 UTC and read on 2 Dec:

    - members 3 (ann, ben, cat); fay is added by hand (letter and follow-up drafted) and
      removed again, so 3 remain, and her follow-up is cancelled.
    - letters: all three printed on 24 Nov; ann's then edited (a draft again); mark-sent moves
      ben and cat -> drafts 1, printed 3 (printed at least once), sent 2.
    - follow-ups done: ann's -> 1.
    - a meeting with ben on 25 Nov 10:00 New York (15:00 UTC) -> meetings after 1; ann's
      meeting on 10 Nov is before the campaign and does not count.
    - cat: prospect -> lead on 26 Nov -> 1 stage advance (suggests "lead"); ann: lead -> other
      on 27 Nov is not an advance (other is outside the funnel).
    - outcomes: ben meeting (28 Nov), cat deal (30 Nov), ann no-response -> responses 2,
      deals 1; cost 90.00 / 2 responses = 45.00 per response.
    - the first result is ben's meeting, 1 day 20 hours after creation -> 1 day.
    """
    ids = people
    campaign_id = create(db)
    day = timedelta(days=1)
    with db.write() as s:
        campaign_letters.mark_printed(s, campaign_id, now=C + day)
        campaign_letters.update_letter(
            s, campaign_id, ids["ann"], "Dear Ann,\n\nA note of my own.\n\nSam", now=C + day
        )
        campaigns.add_member(s, campaign_id, ids["fay"], now=C + day)
    with db.read() as s:
        fay = next(
            m
            for m in campaign_results.get_campaign(s, campaign_id, now=C).members
            if m.contact_id == ids["fay"]
        )
    assert fay.added_by_hand and fay.letter_status == "draft" and fay.followup_id is not None
    assert fay.body.startswith("Dear Fay,")
    with db.write() as s:
        campaigns.remove_member(s, campaign_id, ids["fay"], now=C + day)
        assert followups.get(s, fay.followup_id).status is FollowUpStatus.CANCELLED
        moved = campaign_letters.mark_sent(s, campaign_id, now=C + 2 * day).value
        assert moved == 2
    meeting(db, [ids["ben"]], "2026-11-25 10:00")
    with db.write() as s:
        contacts.update(s, ids["cat"], stage="lead", now=C + 3 * day)
        contacts.update(s, ids["ann"], stage="other", now=C + 4 * day)
        page = campaign_results.get_campaign(s, campaign_id, now=C + 4 * day)
        ann = next(m for m in page.members if m.contact_id == ids["ann"])
        followups.complete(s, ann.followup_id, now=C + 4 * day)
    with db.read() as s:
        suggested = {
            m.contact_name: m.suggested_outcome
            for m in campaign_results.get_campaign(s, campaign_id, now=NOW).members
        }
    assert suggested == {"Ann Archer": None, "Ben Baker": "meeting", "Cat Cole": "lead"}
    with db.write() as s:
        campaigns.set_outcome(s, campaign_id, ids["ben"], "meeting", now=C + 5 * day)
        campaigns.set_outcome(s, campaign_id, ids["cat"], "Deal", now=C + 7 * day)
        campaigns.set_outcome(s, campaign_id, ids["ann"], "no-response", now=C + 7 * day)
    with db.read() as s:
        (results,) = campaign_results.list_campaigns(s, now=NOW)
        page = campaign_results.get_campaign(s, campaign_id, now=NOW)
    assert page.members[0].body == "Dear Ann,\n\nA note of my own.\n\nSam"
    assert page.members[0].edited
    figures = {
        key: getattr(results, key)
        for key in (
            "members drafts printed sent followups_done responses meetings_after stage_moves "
            "deals cost cost_per_response first_result_days"
        ).split()
    }
    assert figures == {
        "members": 3,
        "drafts": 1,
        "printed": 3,
        "sent": 2,
        "followups_done": 1,
        "responses": 2,
        "meetings_after": 1,
        "stage_moves": 1,
        "deals": 1,
        "cost": Decimal("90"),
        "cost_per_response": Decimal("45.00"),
        "first_result_days": 1,
    }
    assert results.outcomes["no-response"] == 1 and results.currency == "USD"


def test_opted_out_outcome_keeps_the_contact_out_of_later_campaigns(db, people):
    campaign_id = create(db)
    with db.write() as s:
        campaigns.set_outcome(s, campaign_id, people["ben"], "opted-out", now=C)
    with db.read() as s:
        names = [m.name for m in campaigns.preview_segment(s, SEGMENT).members]
    assert names == ["Ann Archer", "Cat Cole"]
    with db.write() as s, pytest.raises(InvalidInputError, match="opted out of campaigns"):
        campaigns.add_member(s, campaign_id, people["dan"], now=C)
    with db.write() as s, pytest.raises(InvalidInputError, match="unknown outcome"):
        campaigns.set_outcome(s, campaign_id, people["ann"], "maybe", now=C)


def test_members_and_letters_follow_the_rules(db, people):
    campaign_id = create(db)
    with db.write() as s:
        with pytest.raises(InvalidInputError, match="already a member"):
            campaigns.add_member(s, campaign_id, people["ann"], now=C)
        with pytest.raises(NotFoundError, match="not a member"):
            campaigns.remove_member(s, campaign_id, people["fay"], now=C)
        with pytest.raises(InvalidInputError, match="needs some text"):
            campaign_letters.update_letter(s, campaign_id, people["ann"], "  \n ", now=C)
        campaign_letters.mark_printed(s, campaign_id, now=C)
        campaign_letters.mark_sent(s, campaign_id, now=C)
        with pytest.raises(InvalidInputError, match="already sent"):
            campaign_letters.update_letter(s, campaign_id, people["ann"], "New text", now=C)


def test_deleting_a_campaign_cancels_its_open_follow_ups(db, people):
    campaign_id = create(db)
    with db.write() as s:
        cancelled = campaigns.delete(s, campaign_id, now=C).value
    assert cancelled == 3
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(CampaignMember)) == 0
        statuses = set(s.scalars(select(FollowUp.status)))
    assert statuses == {"cancelled"}


def test_campaign_templates_are_their_own_kind(db):
    with db.write() as s:
        names = [t.name for t in note_templates.list_templates(s, note_templates.CAMPAIGN)]
        thanks_names = [t.name for t in note_templates.list_templates(s)]
        assert names == ["campaign-check-in", "campaign-invitation", "campaign-offer"]
        assert not set(names) & set(thanks_names)
        note_templates.save_template(
            s, "spring-event", "Dear {{first_name}}, {{campaign_name}}.", kind="campaign", now=C
        )
        with pytest.raises(InvalidInputError, match="unknown placeholder"):
            note_templates.save_template(
                s, "bad", "Dear {{first_name}}, {{meeting_title}}.", kind="campaign", now=C
            )
        with pytest.raises(InvalidInputError, match="already the name of a campaign letter"):
            note_templates.save_template(s, "spring-event", "Dear {{first_name}}", now=C)
        with pytest.raises(NotFoundError):
            note_templates.get_template(s, "spring-event")
        own = note_templates.get_template(s, "spring-event", note_templates.CAMPAIGN)
    assert own.kind == "campaign" and not own.shipped


def test_stage_position_orders_the_funnel(db):
    with db.read() as s:
        order = [campaign_results.stage_position(s, stage.value) for stage in Stage]
    assert order == [0, 1, 2, 3, None]


def test_a_stage_the_rep_added_takes_its_place_in_the_funnel(db):
    from relationship_crm.services import stages

    with db.write() as s:
        stages.add_stage(s, "qualified", label="Qualified", after="lead")
    with db.read() as s:
        assert [
            campaign_results.stage_position(s, k) for k in ("lead", "qualified", "customer")
        ] == [
            1,
            2,
            3,
        ]


def test_a_members_letter_is_on_their_timeline(db, people):
    from relationship_crm.services import timeline

    campaign_id = create(db)
    with db.write() as s:
        campaigns.set_outcome(s, campaign_id, people["ann"], "replied", now=C)
    with db.read() as s:
        entries = [e for e in timeline.timeline(s, people["ann"]) if e.kind == "campaign"]
        follow_ups = [e for e in timeline.timeline(s, people["ann"]) if e.kind == "follow-up"]
    (entry,) = entries
    assert entry.title == "Campaign letter: Winter check [draft, replied]"
    assert entry.ref_id == campaign_id and entry.detail.startswith("Dear Ann,")
    assert [f.detail for f in follow_ups] == ["Campaign: Winter check"]


def test_merging_duplicates_keeps_campaign_ties_and_the_opt_out(db, people):
    """Ben is merged into a new "Benjamin Baker" card: Ben's membership and letter move to the
    kept contact, and Dan's opt-out survives a merge of Dan into another card. Ben's own
    keep-in-touch rule moves too (the kept card had none)."""
    from relationship_crm.services import duplicates, health

    campaign_id = create(db)
    kept = contact(db, "Benjamin Baker")
    dan_again = contact(db, "Daniel Drew")
    with db.write() as s:
        health.set_contact_rhythm(s, people["ben"], 7, 14, now=C)
        duplicates.merge_contacts(s, kept, [people["ben"]], now=C)
        duplicates.merge_contacts(s, dan_again, [people["dan"]], now=C)
    with db.read() as s:
        page = campaign_results.get_campaign(s, campaign_id, now=C)
        members = {m.contact_id for m in page.members}
        later = campaigns.preview_segment(s, Segment(stages=frozenset({"lead"})))
        rule = health.contact_health(s, kept, on=date(2026, 12, 1), zone=NY).rhythm
    assert kept in members and people["ben"] not in members
    assert dan_again not in {m.contact_id for m in later.members}  # Dan's opt-out held
    assert (rule.ideal_days, rule.max_days) == (7, 14)
