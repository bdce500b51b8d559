"""The sample's second pass: each contact's meetings, thank-you notes, follow-ups and gifts.

Made once every contact exists, so a meeting can bring in colleagues from anywhere: past and
upcoming meetings with their attendees, thank-you notes the further along the older the meeting,
research, follow-ups (overdue, due today, upcoming, done, snoozed; some recurring) in the
proportions `sample_data.follow_up_weights` gives, and gifts. Part of the sample generator
(`sample_data.generate`): the draws come from `sample_run.SampleRun`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from relationship_crm.domain.enums import FollowUpStatus, ThanksStatus
from relationship_crm.services import sample_words as words
from relationship_crm.services.sample_run import Met, Person, SampleRun


class SampleHistory(SampleRun):
    """The meetings and what follows them, for one run of `sample_data.generate`."""

    # --- meetings and what follows them -------------------------------------------------------

    def make_history(self, person: Person) -> None:
        """A contact's meetings, research, follow-ups and gifts."""
        rng = self.rng
        horizon = min(540, person.since_days)  # ~18 months, and not before we knew them
        met = [
            self.meeting(person, -self.between(1, horizon + 1))
            for _ in range(self.weighted((1, 2, 3, 4), words.MEETINGS_PER_CONTACT))
        ]
        if rng.random() < 0.1:
            upcoming = self.meeting(person, self.between(1, 22))
            if rng.random() < 0.7:
                self.research("meeting_id", upcoming.id, "", recent=True)
        if rng.random() < 0.3:
            source = f"https://www.{person.firm.domain}/news" if person.firm else ""
            for _ in range(self.one((1, 1, 2))):
                self.research("contact_id", person.id, source)
        latest = min(met, key=lambda m: m.days_ago)
        for _ in range(self.weighted((0, 1, 2), words.FOLLOW_UPS_PER_CONTACT)):
            self.follow_up(person, latest.id if rng.random() < 0.4 else None)
        if rng.random() < 0.12:
            lunches = [m for m in met if m.kind == "lunch"]
            for n in range(self.one((1, 1, 2, 3))):
                self.gift(person, lunches[0] if n == 0 and lunches else None)

    def meeting(self, person: Person, day: int) -> Met:
        """A meeting `day` days from today (negative: in the past) with 1-3 attendees."""
        rng = self.rng
        upcoming = day > 0
        kind = self.weighted(
            words.KINDS, words.UPCOMING_KIND_WEIGHTS if upcoming else words.KIND_WEIGHTS
        )
        if kind != "event":  # conferences and golf days may fall on a weekend; the rest do not
            day = self.business_day(day)
        minute = self.quarter_hour(12, 13) if kind == "lunch" else self.quarter_hour()
        wall, starts_at = self.moment(day, minute)
        firm = person.firm
        if kind == "lunch":
            location = self.one(words.RESTAURANTS)
            title = f"Lunch at {location}"
        else:
            location = self.one(words.LOCATIONS_BY_KIND[kind])
            title = self.one(words.TITLES_BY_KIND[kind])
            if firm is not None and kind in ("meeting", "call") and rng.random() < 0.5:
                title = f"{title} – {firm.name}"
        attendees = [person.id]
        if firm is not None and len(firm.members) > 1:
            for _ in range(self.weighted((0, 1, 2), words.COLLEAGUES_PER_MEETING)):
                attendees.append(self.people[self.one(firm.members)].id)
        attendees = list(dict.fromkeys(attendees))  # unique, first one stays the main contact
        if len(attendees) < 3 and rng.random() < 0.05:  # someone from elsewhere: an introducer
            attendees = list(dict.fromkeys([*attendees, self.one(self.people).id]))
        low, high = words.DURATIONS[kind]
        created = self.past(self.between(1, 15)) if upcoming else min(starts_at, self.now)
        mid = self.new_id("meetings")
        self.add(
            "meetings",
            {
                "id": mid,
                "kind": kind,
                "title": title,
                "starts_at": starts_at,
                "tz": self.zone.key,
                "starts_local": wall,
                "duration_minutes": 15 * self.between(low // 15, high // 15 + 1) if high else 0,
                "location": location,
                "notes": self.one(words.AGENDAS) if upcoming else self.one(words.MEETING_NOTES),
                "created_at": created,
                "updated_at": created,
            },
        )
        for contact_id in attendees:
            self.add("meeting_attendees", {"meeting_id": mid, "contact_id": contact_id})
        self.tally["meetings"] += 1
        if not upcoming and kind in ("meeting", "lunch", "event") and rng.random() < 0.45:
            self.thank_you_notes(mid, attendees, wall, starts_at, -day, kind)
        return Met(mid, kind, -day)

    def thank_you_notes(
        self,
        meeting_id: int,
        attendees: list[int],
        wall: datetime,
        starts_at: datetime,
        days_ago: int,
        kind: str,
    ) -> None:
        """One note per attendee; the older the meeting, the further along draft->printed->sent."""
        day = f"{wall.day} {words.MONTHS[wall.month - 1]}"
        for contact_id in attendees:
            if self.thanks_wanted and days_ago >= 10:
                status = self.thanks_wanted.pop(0)  # every status shows up, even in tiny samples
            elif days_ago >= 14:
                status = self.weighted(words.THANKS_STATUSES, (10, 10, 80))
            elif days_ago >= 3:
                status = self.weighted(words.THANKS_STATUSES, (30, 30, 40))
            else:
                status = self.weighted(words.THANKS_STATUSES, (70, 30, 0))
            drafted = starts_at + timedelta(hours=self.between(12, 30))
            printed = drafted + timedelta(hours=self.between(1, 48))
            sent = printed + timedelta(hours=self.between(2, 48))
            # A step that would fall after `now` has not happened yet.
            if status is ThanksStatus.SENT and sent > self.now:
                status = ThanksStatus.PRINTED
            if status is ThanksStatus.PRINTED and printed > self.now:
                status = ThanksStatus.DRAFT
            # Contact ids of this run are consecutive: the offset from the first is the index.
            given = self.people[contact_id - self.people[0].id].given
            body = (
                f"Dear {given},\n\nThank you for {words.THANKS_FOR.get(kind, 'your time')} on "
                f"{day}. {self.one(words.THANKS_LINES)}\n\nBest wishes"
            )
            self.add(
                "thank_you_notes",
                {
                    "id": self.new_id("thank_you_notes"),
                    "meeting_id": meeting_id,
                    "contact_id": contact_id,
                    "template": words.THANKS_TEMPLATES.get(kind, "after-meeting"),
                    "body": body,
                    "status": status.value,
                    "drafted_at": min(drafted, self.now),
                    "printed_at": printed if status is not ThanksStatus.DRAFT else None,
                    "sent_at": sent if status is ThanksStatus.SENT else None,
                    "edited_at": None,
                },
            )
            self.tally["thanks"] += 1

    def follow_up(self, person: Person, meeting_id: int | None) -> None:
        """One follow-up: overdue, today, soon, later, done, cancelled or snoozed; some recur."""
        rng = self.rng
        n = self.tally["follow_ups"]
        situation = (
            words.FU_KINDS[n] if n < 3 else self.weighted(words.FU_KINDS, self.follow_up_weights)
        )
        if situation == "overdue":
            day = -self.between(1, 21)
        elif situation == "today":
            day = 0
        elif situation == "soon":
            day = self.between(1, 15)
        elif situation == "later":
            day = self.between(15, 181)
        elif situation == "done":
            day = -self.between(3, 120)
        elif situation == "cancelled":
            day = self.between(-60, 30)
        else:  # snoozed
            day = -self.between(1, 8)
        wall, due_at = self.moment(self.business_day(day), self.quarter_hour())
        status = FollowUpStatus.OPEN
        if situation == "done":
            status = FollowUpStatus.DONE
        elif situation == "cancelled":
            status = FollowUpStatus.CANCELLED
        rule = None
        if status is FollowUpStatus.OPEN and rng.random() < words.RECURRING_SHARE:
            rule = self.weighted(words.RRULES, words.RRULE_WEIGHTS)
        # Put off until tomorrow 09:00, as the "tomorrow" snooze preset does.
        snoozed = self.moment(1, 9 * 60)[1] if situation == "snoozed" else None
        created = self.past(max(0, -day) + self.between(1, 30))
        fid = self.new_id("follow_ups")
        completed = None
        if status is FollowUpStatus.DONE:
            completed = min(due_at + timedelta(hours=self.between(0, 60)), self.now)
            self.add(
                "follow_up_completions",
                {
                    "id": self.new_id("follow_up_completions"),
                    "follow_up_id": fid,
                    "due_at": due_at,
                    "completed_at": completed,
                },
            )
        self.add(
            "follow_ups",
            {
                "id": fid,
                "contact_id": person.id,
                "meeting_id": meeting_id,
                "trigger_event_id": None,
                "due_at": due_at,
                "tz": self.zone.key,
                "due_local": wall,
                "anchor_local": wall,
                "rrule": rule,
                "note": self.one(words.RECURRING_NOTES if rule else words.FOLLOW_UP_NOTES),
                "status": status.value,
                "snoozed_until": snoozed,
                "remind_at": snoozed or due_at,
                "completed_at": completed,
                "created_at": created,
                "updated_at": completed or created,
            },
        )
        self.tally["follow_ups"] += 1

    def gift(self, person: Person, lunch: Met | None) -> None:
        """A gift; for a past lunch meeting, the lunch itself (linked to the meeting)."""
        low: int | None
        high: int | None
        if lunch is not None:
            item, low, high, days_ago = "Lunch for two", 60, 220, lunch.days_ago
        else:
            item, low, high = self.one(words.GIFTS)
            days_ago = self.between(1, 540)
        cost = None
        if low is not None and high is not None:
            # Whole cents from an integer, so the Decimal is exact (45.50, never a float).
            cost = Decimal(5 * self.between(low * 20, high * 20 + 1)).scaleb(-2)
        self.add(
            "gifts",
            {
                "id": self.new_id("gifts"),
                "contact_id": person.id,
                "meeting_id": lunch.id if lunch is not None else None,
                "item": item,
                "occasion": "" if lunch is not None else self.one(words.OCCASIONS),
                "cost": cost,
                "currency": person.currency,
                "given_on": self.today - timedelta(days=days_ago),
                "created_at": min(self.moment(-days_ago, 18 * 60)[1], self.now),
            },
        )
        self.tally["gifts"] += 1
