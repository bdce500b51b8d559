"""The sample's first pass: companies, then contacts with their stages, emails, phones and tags.

About one company per five contacts, each with a website and an office; then each contact, with
a name from one of many cultures (accents included), a stage history, a birthday now and then,
work and personal emails, phones in its country's formats and a few shared tags. Part of the
sample generator (`sample_data.generate`): the draws come from `sample_run.SampleRun`.
"""

from __future__ import annotations

import functools
import re
from datetime import date, timedelta

from sqlalchemy import select

from relationship_crm.domain.text import fold
from relationship_crm.services import sample_words as words
from relationship_crm.services.sample_run import Firm, Person, SampleRun
from relationship_crm.storage.schema import Company

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
# Names come from small pools, so their folded forms are worth remembering.
_fold = functools.cache(fold)


class SamplePeople(SampleRun):
    """The companies and contacts of one run of `sample_data.generate`."""

    # --- companies ----------------------------------------------------------------------------

    def make_companies(self) -> None:
        """About one company per five contacts, with a website, an office and some research."""
        rng = self.rng
        taken = set(self.session.scalars(select(Company.name_key)))
        for _ in range(max(1, round(self.count / 5))):
            country = self.weighted(words.COUNTRY_LIST, words.COUNTRY_WEIGHTS)
            name, base = self.company_name(country, taken)
            city, region, postcode = self.one(country.cities)
            firm = Firm(
                id=self.new_id("companies"),
                name=name,
                domain=f"{_NOT_ALNUM.sub('', fold(base))}.{country.tld}",
                country=country,
                address=(
                    country.street.format(n=self.between(1, 400)),
                    city,
                    region,
                    self.fill(postcode),
                ),
            )
            self.firms.append(firm)
            since = self.past(self.between(60, 1200))
            self.add(
                "companies",
                {
                    "id": firm.id,
                    "name": name,
                    "name_key": fold(name),
                    "website": f"https://www.{firm.domain}",
                    "notes": self.one(words.COMPANY_NOTES) if rng.random() < 0.4 else "",
                    "created_at": since,
                    "updated_at": since,
                },
            )
            for _ in range(self.one((0, 0, 1, 1, 2))):
                self.research("company_id", firm.id, f"https://www.{firm.domain}/news")

    def company_name(self, country: words.Country, taken: set[str]) -> tuple[str, str]:
        """A name not used yet (in the database or this run) and its base, for the web domain."""
        base = ""
        for attempt in range(12):
            base = f"{self.one(words.COMPANY_WORDS)} {self.one(words.COMPANY_TRADES)}"
            if attempt >= 6:  # a crowded namespace (large samples): qualify with a city
                base = f"{base} {self.one(country.cities)[0]}"
            suffix = self.one(country.suffixes)
            name = f"{base} {suffix}" if suffix else base
            if fold(name) not in taken:
                taken.add(fold(name))
                return name, base
        # Only reached when nearly every combination is taken; a number always ends the search.
        number = 2
        while fold(f"{base} {number}") in taken:
            number += 1
        name = f"{base} {number}"
        taken.add(fold(name))
        return name, name

    # --- contacts -----------------------------------------------------------------------------

    def person_name(self) -> tuple[str, str, str, str]:
        """(display, given, family, sort name): mostly distinct, with a middle initial when the
        pool runs dry."""
        rng = self.rng
        display = given = family = middle = ""
        for attempt in range(8):
            _, givens, families = self.weighted(words.CULTURES, words.CULTURE_WEIGHTS)
            given = self.one(givens)
            # Most family names come from the same culture, some not (marriage, emigration);
            # the mixing also makes many more distinct names.
            family = self.one(families if rng.random() < 0.75 else words.ALL_FAMILY)
            middle = f" {self.one(words.INITIALS)}." if attempt >= 3 else ""
            display = f"{given}{middle} {family}"
            if display not in self.names_used:
                break
        self.names_used.add(display)
        # fold() works letter by letter, so folding the parts is folding the whole (tested).
        return display, given, family, f"{_fold(given)}{middle.lower()} {_fold(family)}"

    def make_contact(self) -> None:
        rng = self.rng
        cid = self.new_id("contacts")
        display, given, family, sort_name = self.person_name()
        firm: Firm | None = None
        if rng.random() >= 0.08:
            # Skewed towards the first companies: a few big accounts, many with one contact.
            firm = self.firms[int(len(self.firms) * rng.random() ** 1.6)]
        country = firm.country if firm is not None else words.COUNTRIES[0][1]
        final = self.weighted(words.STAGES, words.STAGE_WEIGHTS)
        path = self.one(words.STAGE_PATHS[final])
        since_days = self.between(30, 900)
        # The history: distinct, increasing days from `since_days` ago up to yesterday.
        later = sorted(rng.sample(range(1, since_days), len(path) - 1), reverse=True)
        changed = [self.past(days) for days in (since_days, *later)]
        for stage, at in zip(path, changed, strict=True):
            self.add(
                "stage_changes",
                {
                    "id": self.new_id("stage_changes"),
                    "contact_id": cid,
                    "stage": stage,
                    "changed_at": at,
                },
            )
        self.add(
            "contacts",
            {
                "id": cid,
                "display_name": display,
                "given_name": given,
                "family_name": family,
                "sort_name": sort_name,
                "company_id": firm.id if firm is not None else None,
                "title": self.one(words.TITLES)
                if firm is not None
                else self.one(words.INDEPENDENT_TITLES),
                "stage": final,
                "birthday": self.birthday() if rng.random() < 0.25 else None,
                "notes": " ".join(rng.sample(words.CONTACT_NOTES, self.one((0, 0, 1, 1, 2)))),
                "created_at": changed[0],
                "updated_at": changed[-1],
                "deleted_at": None,
                "campaign_opt_out": False,
            },
        )
        self.reachability(cid, given, family, firm, country)
        tag_count = self.one((0, 0, 1, 1, 1, 2, 2, 3))
        for name in dict.fromkeys(
            self.weighted(self.tags, words.TAG_WEIGHTS) for _ in range(tag_count)
        ):
            key = _fold(name)
            if key not in self.tag_ids:  # tags are shared, and reused from earlier runs
                self.tag_ids[key] = self.new_id("tags")
                self.add("tags", {"id": self.tag_ids[key], "name": name, "name_key": key})
            self.add("contact_tags", {"contact_id": cid, "tag_id": self.tag_ids[key]})
        if firm is not None:
            firm.members.append(len(self.people))
        self.people.append(Person(cid, given, firm, since_days, country.currency))
        self.tally["contacts"] += 1

    def birthday(self) -> str:
        """ "YYYY-MM-DD", or "--MM-DD" when the rep never learned the year."""
        day = date(2000, 1, 1) + timedelta(days=self.between(366))  # 2000 has a 29 Feb
        year = self.between(1955, 2001)
        if self.rng.random() < 0.3 or ((day.month, day.day) == (2, 29) and year % 4):
            return f"--{day:%m-%d}"
        return f"{year:04d}-{day:%m-%d}"

    def reachability(
        self, cid: int, given: str, family: str, firm: Firm | None, country: words.Country
    ) -> None:
        """Emails (first.last@company, sometimes a personal one), phones and an office address."""
        rng = self.rng
        local = f"{_NOT_ALNUM.sub('', _fold(given))}.{_NOT_ALNUM.sub('', _fold(family))}"
        emails = []
        if firm is not None:
            emails.append(("work", f"{local}@{firm.domain}"))
        if firm is None or rng.random() < 0.2:
            digits = str(self.between(10, 99)) if rng.random() < 0.5 else ""
            emails.append(("home", f"{local}{digits}@{self.one(words.PERSONAL_DOMAINS)}"))
        for position, (label, value) in enumerate(emails):
            self.add(
                "contact_emails",
                {
                    "id": self.new_id("contact_emails"),
                    "contact_id": cid,
                    "label": label,
                    "value": value,
                    "value_key": value.lower(),
                    "position": position,
                },
            )
        phones = []
        if rng.random() < 0.85:
            phones.append(("work", self.fill(self.one(country.phones))))
        if rng.random() < 0.3:
            phones.append(("mobile", self.fill(self.one(country.mobiles))))
        for position, (label, value) in enumerate(phones):
            # All these formats are valid international numbers whose E.164 form is "+" and the
            # digits, which is what contact_fields.phone_key gives (without a slow parse per row).
            self.add(
                "contact_phones",
                {
                    "id": self.new_id("contact_phones"),
                    "contact_id": cid,
                    "label": label,
                    "value": value,
                    "value_key": "+" + "".join(filter(str.isdigit, value)),
                    "position": position,
                },
            )
        if firm is not None and rng.random() < 0.4:
            street, city, region, postcode = firm.address
            self.add(
                "contact_addresses",
                {
                    "id": self.new_id("contact_addresses"),
                    "contact_id": cid,
                    "label": "work",
                    "street": f"{firm.name}\n{street}",
                    "city": city,
                    "region": region,
                    "postcode": postcode,
                    "country": firm.country.name,
                    "position": 0,
                },
            )
