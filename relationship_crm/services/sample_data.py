"""Sample data: a realistic, reproducible book of business for demos, screenshots and load tests.

`generate` fills a database with contacts (names from many cultures, accents included), their
companies, stage histories, tags, emails, phones and offices, then meetings with attendees, research
notes, follow-ups (overdue, due today, upcoming, recurring), thank-you notes and gifts. Everything
comes from `random.Random(seed)` and the `today`/`now` arguments, never the wall clock, so the same
seed and the same day give the same rows, ids included. Dates are placed around `today`, so the
daily list always has something overdue, something due today and something coming.

Rows are written with bulk INSERTs and ids assigned here, after the largest id already in each
table: running it on a database that has data adds to it. The `relationship-crm sample-data`
command and the desktop app's "load sample data" button both call `generate`.
"""

from __future__ import annotations

import functools
import itertools
import random
import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Column, Connection, Date, DateTime, Table, func, select
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

from relationship_crm.domain.changes import Changes
from relationship_crm.domain.enums import FollowUpStatus, ThanksStatus
from relationship_crm.domain.errors import InvalidInputError
from relationship_crm.domain.text import fold
from relationship_crm.scheduling.zones import as_utc, get_zone, localize
from relationship_crm.services import contacts as contact_service
from relationship_crm.storage.schema import (
    Base,
    Company,
    Contact,
    ContactAddress,
    ContactEmail,
    ContactPhone,
    FollowUp,
    FollowUpCompletion,
    Gift,
    Meeting,
    ResearchNote,
    StageChange,
    Tag,
    ThankYouNote,
    contact_tags,
    meeting_attendees,
)
from relationship_crm.storage.types import DayDate, DecimalText, UTCDateTime, WallClock

__all__ = ["MAX_CONTACTS", "SampleSummary", "check_contact_count", "generate"]

MAX_CONTACTS = 1_000_000

# Contacts handled per batch of INSERTs: keeps memory flat at a million contacts, and is the
# granularity of progress reports.
_CHUNK = 5_000

Row = dict[str, Any]
Progress = Callable[[int, int], None]
_T = TypeVar("_T")


@dataclass(frozen=True)
class SampleSummary:
    """How many rows of each kind `generate` added."""

    contacts: int
    companies: int
    meetings: int
    research_notes: int
    follow_ups: int
    thank_you_notes: int
    gifts: int

    def describe(self) -> str:
        """One sentence for people: "Added 200 contacts, 41 companies, ... and 95 gifts." """
        parts = [
            _counted(self.contacts, "contact", "contacts"),
            _counted(self.companies, "company", "companies"),
            _counted(self.meetings, "meeting", "meetings"),
            _counted(self.research_notes, "research note", "research notes"),
            _counted(self.follow_ups, "follow-up", "follow-ups"),
            _counted(self.thank_you_notes, "thank-you note", "thank-you notes"),
            _counted(self.gifts, "gift", "gifts"),
        ]
        return f"Added {', '.join(parts[:-1])} and {parts[-1]}."

    @property
    def changes(self) -> Changes:
        """The kinds of records added (the settings are left alone)."""
        return Changes(
            contacts=self.contacts > 0,
            companies=self.companies > 0,
            meetings=self.meetings > 0,
            research=self.research_notes > 0,
            follow_ups=self.follow_ups > 0,
            thanks=self.thank_you_notes > 0,
            gifts=self.gifts > 0,
        )


def _counted(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n == 1 else plural}"


def check_contact_count(value: int) -> int:
    """The number of contacts to generate: a whole number from 1 to 1,000,000."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_CONTACTS:
        raise InvalidInputError(
            f"the number of sample contacts must be from 1 to {MAX_CONTACTS:,}, not {value!r}"
        )
    return value


def generate(
    session: Session,
    *,
    contacts: int,
    seed: int = 0,
    today: date,
    tz: str,
    now: datetime,
    progress: Progress | None = None,
) -> SampleSummary:
    """Add `contacts` sample contacts with their companies, meetings, notes, follow-ups and gifts.

    `today` is the rep's calendar day in zone `tz` (the sample's dates are placed around it) and
    `now` the aware moment of generation (no past timestamp is later). `progress(done, total)` is
    called now and then. The search index is rebuilt at the end. Runs in the caller's transaction.
    """
    count = check_contact_count(contacts)
    zone = get_zone(tz)
    as_utc(now)  # a naive `now` is a programming error: fail before writing anything
    return _Generator(session, count, seed, today, zone, now, progress).run()


# --- reference data ---------------------------------------------------------------------------


def _split(text: str) -> tuple[str, ...]:
    """ "a, b c, d" -> ("a", "b c", "d"): keeps long word lists compact and formatter-proof."""
    return tuple(item.strip() for item in text.split(",") if item.strip())


# Names by culture: (weight, given names, family names). The accents are deliberate: the sample
# exercises accent-insensitive search and sorting ("briain" finds "Ó Briain").
_CULTURES: tuple[tuple[int, tuple[str, ...], tuple[str, ...]], ...] = tuple(
    (weight, _split(given), _split(family))
    for weight, given, family in (
        (
            22,
            "James, Mary, Michael, Jennifer, David, Sarah, Emily, Daniel, Jessica, Ryan, Ashley, "
            "Brian, Megan, Kevin, Laura, Jason, Rachel, Tyler, Hannah, Chris, Olivia, Ethan, "
            "Madison, Noah, Grace, Zoë, Renée, Nathan, Brooke, Marcus",
            "Smith, Johnson, Williams, Brown, Jones, Miller, Davis, Wilson, Anderson, Taylor, "
            "Thomas, Moore, Martin, Jackson, Thompson, White, Harris, Clark, Lewis, Walker, Hall, "
            "Young, Allen, King, Wright, Scott, Green, Baker, Adams, Nelson, Carter, Mitchell, "
            "Turner, Parker, Collins, Stewart, Morris, Cook, Bennett, Brooks, Sullivan",
        ),
        (
            9,
            "Oliver, Harry, George, Amelia, Isla, Poppy, Alfie, Freddie, Imogen, Rhys, Gareth, "
            "Siân, Dafydd, Eleanor, Charlotte, Hamish, Fiona, Callum, Bethan, Rory",
            "Clarke, Hughes, Edwards, Khan, Davies, Evans, Roberts, Robinson, Wood, Watson, "
            "Fletcher, Ashworth, Pemberton, Whitfield, Cartwright, Llewellyn, Price, MacLeod, "
            "Fraser, Ellis",
        ),
        (
            7,
            "Aoife, Siobhán, Niamh, Saoirse, Ciarán, Seán, Pádraig, Róisín, Caoimhe, Eoin, Oisín, "
            "Orla, Cillian, Éabha, Dara, Fionn, Clodagh, Méabh, Tadhg, Declan",
            "Ó Briain, Ó Súilleabháin, Mac Cárthaigh, O'Brien, Murphy, Kelly, Byrne, Walsh, "
            "O'Connor, Ó Ceallaigh, Fitzgerald, Doyle, Gallagher, Ó Sé, Mac Giolla Phádraig, "
            "Ó Dónaill, Quinn, McCarthy",
        ),
        (
            7,
            "Jürgen, Jörg, Günter, Sören, Lena, Anja, Katrin, Maximilian, Lukas, Jonas, Sabine, "
            "Ute, Dieter, Klaus, Uwe, Annika, Mareike, Hannelore, Bärbel, Matthias",
            "Müller, Schröder, Schäfer, Weiß, Groß, Becker, Hoffmann, Wagner, Köhler, Krüger, "
            "Fischer, Schmidt, Meyer, Bauer, Zimmermann, Vogel, Neumann, Braun, Jäger, von Bülow, "
            "Engelhardt, Hüttner",
        ),
        (
            8,
            "José, María, Ana, Lucía, Sofía, Javier, Álvaro, Raúl, Jesús, Iñaki, Núria, Andrés, "
            "Martín, Inés, Begoña, Ramón, Elena, Pilar, Ángel, Mónica",
            "García, Fernández, González, Rodríguez, López, Martínez, Sánchez, Pérez, Gómez, "
            "Jiménez, Ruiz, Hernández, Díaz, Muñoz, Álvarez, Romero, Peña, Ibáñez, de la Fuente, "
            "Castaño, Ortiz, Nuñez",
        ),
        (
            6,
            "Amélie, Chloé, Léa, Hélène, Céline, Élodie, Noémie, François, Stéphane, Jérôme, "
            "Benoît, Loïc, Gaëlle, Maëlle, Thibault, Mathieu, Agnès, Frédéric, Rémi, Anaïs",
            "Dubois, Lefèvre, Moreau, Laurent, Girard, Rousseau, Lemaître, Bérenger, Fontaine, "
            "Chevalier, Mercier, Gauthier, Dupont, Lacroix, Bouchard, Faure, Marchand, Barbier, "
            "Ménard, Chénier",
        ),
        (
            5,
            "Minh, Linh, Hương, Thảo, Trâm, Hùng, Dũng, Tuấn, Phương, Quỳnh, Hải, Lan, Khánh, "
            "Bảo, Thu, Vy, Đức, Long, Mai, Ngọc",
            "Nguyễn, Trần, Lê, Phạm, Hoàng, Huỳnh, Phan, Vũ, Võ, Đặng, Bùi, Đỗ, Hồ, Ngô, Dương, Lý",
        ),
        (
            8,
            "Priya, Ananya, Aarav, Rohan, Arjun, Kavya, Deepika, Rahul, Sneha, Vikram, Aditi, "
            "Nikhil, Pooja, Sanjay, Meera, Rajesh, Lakshmi, Karthik, Divya, Amit",
            "Sharma, Patel, Gupta, Iyer, Reddy, Nair, Menon, Singh, Kumar, Rao, Chatterjee, "
            "Banerjee, Desai, Joshi, Mehta, Kapoor, Malhotra, Krishnan, Bhat, Agarwal",
        ),
        (
            4,
            "Björn, Åsa, Søren, Ingrid, Sigrid, Mikael, Anders, Astrid, Freja, Linnéa, Henrik, "
            "Maja, Øystein, Kristín, Jóhann",
            "Andersson, Johansson, Nilsson, Lindqvist, Ødegård, Søndergaard, Hansen, Jensen, "
            "Åberg, Lindström, Sjöberg, Dahl, Holm, Strøm, Guðmundsdóttir",
        ),
        (
            4,
            "Łukasz, Paweł, Małgorzata, Agnieszka, Zbigniew, Katarzyna, Wojciech, Grzegorz, Jiří, "
            "Tomáš, Petra, Zuzana, Ondřej, Michał, Žaneta",
            "Kowalski, Nowak, Wiśniewski, Wójcik, Kamiński, Lewandowski, Zieliński, Szymański, "
            "Dvořák, Novák, Svoboda, Černý, Procházka, Kučera",
        ),
        (
            6,
            "Hiro, Yuki, Haruto, Sakura, Kenji, Aiko, Takeshi, Mei, Wei, Jun, Xiaoming, Ming, Jia, "
            "Hao, Yan, Shōta, Ryō",
            "Tanaka, Suzuki, Sato, Takahashi, Watanabe, Yamamoto, Nakamura, Kobayashi, Wang, Li, "
            "Zhang, Liu, Chen, Yang, Huang, Zhao, Itō",
        ),
        (
            5,
            "Omar, Fatima, Layla, Youssef, Amira, Karim, Nour, Hassan, Leila, Samir, Mehmet, Ayşe, "
            "Zeynep, Emre, Çağla, Burak, Elif, Gökhan",
            "Haddad, Khalil, Mansour, Nasser, Saleh, El-Amin, Al-Farsi, Yılmaz, Kaya, Demir, "
            "Şahin, Çelik, Öztürk, Aydın, Arslan",
        ),
        (
            5,
            "João, Conceição, Gonçalo, Tânia, Márcio, Thiago, Luíza, Sebastião, Flávia, Caio, "
            "Beatriz, Rafael",
            "Silva, Santos, Oliveira, Souza, Pereira, Costa, Rodrigues, Almeida, Nascimento, Lima, "
            "Araújo, Gonçalves, Simões, Magalhães",
        ),
        (
            4,
            "Daan, Sanne, Joost, Femke, Pieter, Anouk, Maarten, Lotte, Bram, Eline, Sjoerd, Ilse",
            "de Vries, van den Berg, van Dijk, Bakker, Janssen, Visser, Smit, de Jong, "
            "van der Meer, Mulder, Vermeulen, IJsselmuiden",
        ),
    )
)
_CULTURE_WEIGHTS = tuple(weight for weight, _, _ in _CULTURES)
_ALL_FAMILY: tuple[str, ...] = tuple(f for _, _, families in _CULTURES for f in families)
_INITIALS = "ABCDEFGHJKLMNPRSTVW"


@dataclass(frozen=True)
class _Country:
    """What a company's home country decides: web domain, currency, legal suffixes, offices."""

    name: str
    tld: str
    currency: str
    suffixes: tuple[str, ...]
    # (city, region, postcode pattern); in patterns "#" is a random digit, "@" a random letter.
    cities: tuple[tuple[str, str, str], ...]
    street: str  # "{n}" is the house number
    # Fictional or drama ranges where the country has them (NANP 555, Ofcom 7946 0xxx).
    phones: tuple[str, ...]
    mobiles: tuple[str, ...]


_COUNTRIES: tuple[tuple[int, _Country], ...] = (
    (
        38,
        _Country(
            "United States",
            "com",
            "USD",
            ("Inc.", "LLC", "Corp.", "Group", "", ""),
            (
                ("New York", "NY", "100##"),
                ("San Francisco", "CA", "941##"),
                ("Chicago", "IL", "606##"),
                ("Boston", "MA", "021##"),
                ("Austin", "TX", "787##"),
                ("Seattle", "WA", "981##"),
                ("Denver", "CO", "802##"),
                ("Atlanta", "GA", "303##"),
            ),
            "{n} Market Street",
            ("+1 212 555 ####", "+1 415 555 ####", "+1 312 555 ####", "+1 617 555 ####"),
            ("+1 646 555 ####", "+1 206 555 ####", "+1 512 555 ####", "+1 303 555 ####"),
        ),
    ),
    (
        20,
        _Country(
            "United Kingdom",
            "co.uk",
            "GBP",
            ("Ltd", "plc", "& Co.", ""),
            (
                ("London", "", "EC2A #@@"),
                ("Manchester", "", "M1 #@@"),
                ("Bristol", "", "BS1 #@@"),
                ("Edinburgh", "", "EH2 #@@"),
                ("Leeds", "", "LS1 #@@"),
            ),
            "{n} Bishopsgate",
            ("+44 20 7946 0###", "+44 161 496 0###", "+44 117 496 0###", "+44 131 496 0###"),
            ("+44 7700 900###",),
        ),
    ),
    (
        8,
        _Country(
            "Germany",
            "de",
            "EUR",
            ("GmbH", "AG", "GmbH & Co. KG"),
            (
                ("Berlin", "Berlin", "101##"),
                ("München", "Bayern", "803##"),
                ("Hamburg", "Hamburg", "204##"),
                ("Frankfurt am Main", "Hessen", "603##"),
            ),
            "Friedrichstraße {n}",
            ("+49 30 #### ####", "+49 89 #### ####"),
            ("+49 151 #### ####", "+49 170 #### ####"),
        ),
    ),
    (
        6,
        _Country(
            "Ireland",
            "ie",
            "EUR",
            ("Ltd", "DAC", "Teoranta"),
            (("Dublin", "Co. Dublin", "D02 @###"), ("Cork", "Co. Cork", "T12 @###")),
            "{n} Grafton Street",
            ("+353 1 ### ####", "+353 21 ### ####"),
            ("+353 87 ### ####", "+353 86 ### ####"),
        ),
    ),
    (
        6,
        _Country(
            "France",
            "fr",
            "EUR",
            ("SA", "SAS", "SARL"),
            (("Paris", "Île-de-France", "750##"), ("Lyon", "Auvergne-Rhône-Alpes", "6900#")),
            "{n} rue de Rivoli",
            ("+33 1 ## ## ## ##", "+33 4 ## ## ## ##"),
            ("+33 6 ## ## ## ##", "+33 7 ## ## ## ##"),
        ),
    ),
    (
        5,
        _Country(
            "Spain",
            "es",
            "EUR",
            ("S.L.", "S.A."),
            (("Madrid", "Madrid", "280##"), ("Barcelona", "Cataluña", "080##")),
            "Calle de Alcalá {n}",
            ("+34 91 ### ## ##", "+34 93 ### ## ##"),
            ("+34 6## ### ###",),
        ),
    ),
    (
        4,
        _Country(
            "Netherlands",
            "nl",
            "EUR",
            ("B.V.", "N.V."),
            (("Amsterdam", "Noord-Holland", "10## @@"), ("Rotterdam", "Zuid-Holland", "30## @@")),
            "Herengracht {n}",
            ("+31 20 ### ####", "+31 10 ### ####"),
            ("+31 6 #### ####",),
        ),
    ),
    (
        5,
        _Country(
            "India",
            "in",
            "USD",
            ("Pvt Ltd", "Ltd"),
            (("Bengaluru", "Karnataka", "5600##"), ("Mumbai", "Maharashtra", "4000##")),
            "{n} MG Road",
            ("+91 80 #### ####", "+91 22 #### ####"),
            ("+91 98 #### ####", "+91 99 #### ####"),
        ),
    ),
    (
        4,
        _Country(
            "Japan",
            "jp",
            "USD",
            ("K.K.", "Co., Ltd."),
            (("Tokyo", "Tokyo", "100-00##"), ("Osaka", "Osaka", "530-00##")),
            "1-{n} Marunouchi",
            ("+81 3 #### ####", "+81 6 #### ####"),
            ("+81 90 #### ####", "+81 80 #### ####"),
        ),
    ),
)

_COUNTRY_LIST = tuple(country for _, country in _COUNTRIES)
_COUNTRY_WEIGHTS = tuple(weight for weight, _ in _COUNTRIES)

_COMPANY_WORDS = _split(
    "Northwind, Bluefin, Contoso, Fabrikam, Tailspin, Wingtip, Litware, Proseware, Lucerne, "
    "Alpine, Summit, Granite, Silverline, Redwood, Evergreen, Ironbridge, Brightwater, Clearview, "
    "Meridian, Pinnacle, Crescent, Oakridge, Riverside, Stonegate, Sunrise, Westbrook, Blackwell, "
    "Highland, Kestrel, Falcon, Orion, Atlas, Vertex, Beacon, Cobalt, Copperleaf, Harbour, "
    "Lakeside, Maple, Nordlicht, Pacific, Polaris, Quantum, Sterling, Thistle, Trident, Vantage, "
    "Zenith, Aurora, Bramble, Cedar, Driftwood, Fjord, Glacier, Hawthorn, Juniper, Keystone, "
    "Lighthouse, Marlow, Nimbus, Osprey, Pioneer, Rosewood, Saffron, Tidewater, Willow, Zephyr, "
    "Castellan, Montclair, Halcyon, Ashford, Bexley, Calder, Dunmore, Kilbride, Élan, Sólás, "
    "Løvland, Großmann, Miraflores, Sakura, Lotus, Tamarind, Banyan, Kōyō"
)
_COMPANY_TRADES = _split(
    "Logistics, Analytics, Foods, Health, Software, Systems, Energy, Capital, Consulting, "
    "Manufacturing, Freight, Pharma, Robotics, Media, Telecom, Retail, Insurance, Engineering, "
    "Labs, Biotech, Partners, Solutions, Networks, Materials, Instruments, Motors, Hospitality, "
    "Realty, Textiles, Packaging, Security, Cloud, Data, Medical, Aerospace, Marine, Brewing, "
    "Coffee Roasters, Furniture, Electronics, Learning, Design, Ventures, Holdings, Agritech, "
    "Water, Chemicals, Print, Studios, Travel"
)
_COMPANY_NOTES = (
    "Fiscal year ends in March; budgets are set in January.",
    "Procurement runs a formal RFP for anything above 50k.",
    "Long-standing customer of a competitor; their contract is up for renewal next year.",
    "Expanding into two new regions this year.",
    "Family-owned; decisions go through the founder.",
    "Uses Salesforce and SAP; integration questions come up early.",
    "Recently acquired; the new parent reviews all vendors.",
)

_TITLES = _split(
    "VP Sales, CFO, Procurement Manager, Head of Operations, CTO, CEO, Account Director, "
    "Marketing Manager, IT Director, Purchasing Lead, Head of Partnerships, Chief Revenue Officer, "
    "Operations Manager, Finance Director, Sales Director, Product Manager, Founder, "
    "Managing Director, Category Manager, Supply Chain Director, Head of Procurement, "
    "Office Manager, Engineering Manager, Business Development Manager, COO, "
    "Directrice commerciale, Geschäftsführer"
)
_INDEPENDENT_TITLES = ("Independent consultant", "Investor", "Advisor", "")

# Final stages with weights, and the stage paths (1-3 history entries) that lead to each.
_STAGES = ("prospect", "lead", "customer", "partner", "other")
_STAGE_WEIGHTS = (30, 25, 30, 8, 7)
_STAGE_PATHS: dict[str, tuple[tuple[str, ...], ...]] = {
    "prospect": (("prospect",),),
    "lead": (("lead",), ("prospect", "lead")),
    "customer": (("customer",), ("lead", "customer"), ("prospect", "lead", "customer")),
    "partner": (("partner",), ("prospect", "partner"), ("customer", "partner")),
    "other": (("other",), ("prospect", "other"), ("lead", "other")),
}

# "{year}" becomes the year of `today`, so the sample looks current in any year.
_TAGS = _split(
    "golf, vip, conference-{year}, referral, decision-maker, champion, newsletter, holiday-card, "
    "tennis, wine, board, alumni, trade-show, budget-holder, renewal-{year}, café-club"
)
_TAG_WEIGHTS = (8, 5, 10, 7, 9, 6, 10, 6, 4, 4, 2, 5, 5, 6, 4, 2)

_PERSONAL_DOMAINS = ("gmail.com", "outlook.com", "icloud.com", "proton.me", "yahoo.co.uk")

_CONTACT_NOTES = (
    "Prefers email over calls.",
    "Met at the spring trade show; introduced by a mutual customer.",
    "Two kids; coaches the under-10 football team on Saturdays.",
    "Keen cyclist, rides every weekend.",
    "Allergic to shellfish: keep in mind for lunches.",
    "Reports to the CFO; owns the budget for tools.",
    "Moved over from a competitor last year.",
    "Likes detailed written proposals before any call.",
    "Fan of Italian wines, especially Barolo.",
    "Best reached before 10:00 their time.",
    "Speaks French and German.",
    "Asked to be invited to the customer advisory board.",
)

# Meetings: kinds with weights (past / upcoming), titles, locations and duration range in minutes.
_KINDS = ("meeting", "call", "lunch", "event", "email")
_KIND_WEIGHTS = (36, 30, 12, 7, 15)
_UPCOMING_KIND_WEIGHTS = (50, 35, 15, 0, 0)
_TITLES_BY_KIND: dict[str, tuple[str, ...]] = {
    "meeting": _split(
        "Quarterly review, Kick-off, Product demo, Contract renewal, Discovery meeting, "
        "Pricing discussion, Onboarding check-in, Executive briefing, Roadmap session"
    ),
    "call": _split(
        "Intro call, Check-in call, Follow-up call, Pricing call, Reference call, Quick catch-up"
    ),
    "lunch": ("Lunch",),  # replaced by "Lunch at <restaurant>"
    "event": _split(
        "SaaStr Annual, Web Summit, Customer dinner, Golf day, Partner summit, Trade show, "
        "Hospitality box at the match"
    ),
    "email": _split("Proposal sent, Re: pricing, Intro by email, Case study shared"),
}
_RESTAURANTS = _split(
    "The Ivy, Nobu, Dishoom, Chez Janou, Café Central, La Boqueria Bistro, Tavern on the Green, "
    "Ottolenghi, Brasserie Zédel, Sushi Saito, Da Michele"
)
_LOCATIONS_BY_KIND: dict[str, tuple[str, ...]] = {
    "meeting": _split("Their office, Our office (room 4.12), Zoom, Microsoft Teams, Google Meet"),
    "call": _split("Phone, Zoom, Microsoft Teams"),
    "event": _split("ExCeL London, Javits Center, RDS Dublin, Messe Berlin, Moscone Center"),
    "email": ("",),
}
_MEETINGS_PER_CONTACT = (30, 35, 22, 13)  # weights of 1, 2, 3, 4 past meetings
_COLLEAGUES_PER_MEETING = (45, 40, 15)  # weights of 0, 1, 2 colleagues joining
_DURATIONS: dict[str, tuple[int, int]] = {
    "meeting": (30, 90),
    "call": (15, 45),
    "lunch": (60, 120),
    "event": (120, 480),
    "email": (0, 0),
}
_MEETING_NOTES = (
    "Discussed the renewal timeline; they want a proposal by the end of the month.",
    "Budget approved for Q3. Next step: technical deep-dive with their IT team.",
    "Concerned about onboarding time; promised a reference customer.",
    "Very positive about the demo. Legal review of the contract pending.",
    "They are comparing us with two other vendors.",
    "Introduced us to the head of procurement.",
    "Agreed on a pilot with 20 users.",
    "",
)
_AGENDAS = (
    "Agenda: pricing, timeline, next steps.",
    "Prepare the ROI summary and two customer references.",
    "Check the open support tickets before the meeting.",
    "Bring the updated proposal; ask about the decision process.",
)
_RESEARCH_NOTES = (
    "Announced quarterly results: revenue up 12% year on year.",
    "New CFO since March; the budget cycle starts in October.",
    "Opened an office in Dublin last month.",
    "Uses a competitor's product; their contract renews in the spring.",
    "Posted about hiring 30 engineers this year.",
    "Won an industry award for their sustainability programme.",
    "Press release: partnership with a large logistics provider.",
    "LinkedIn: promoted to the current role eight months ago.",
    "Spoke at a conference about digital transformation in procurement.",
    "Their annual report lists cost reduction as the top priority.",
)

_FOLLOW_UP_NOTES = (
    "Send the proposal",
    "Check in after the demo",
    "Share the case study",
    "Ask about next year's budget",
    "Send pricing",
    "Congratulate on the promotion",
    "Introduce our solutions engineer",
    "Book a lunch",
    "Confirm the pilot scope",
    "Send the contract for signature",
    "Follow up on the reference call",
    "Send the agenda",
)
_RECURRING_NOTES = ("Keep in touch", "Quarterly check-in", "Monthly catch-up", "Account review")
# Canonical RRULE text, exactly as scheduling.recurrence.parse_cadence would store it.
_RRULES = (
    "FREQ=MONTHLY;INTERVAL=3",
    "FREQ=MONTHLY",
    "FREQ=WEEKLY",
    "FREQ=WEEKLY;INTERVAL=2",
    "FREQ=MONTHLY;INTERVAL=6",
    "FREQ=YEARLY",
)
_RRULE_WEIGHTS = (35, 25, 12, 12, 10, 6)
_RECURRING_SHARE = 0.17  # of open follow-ups; ~15% of all
# Follow-up situations with weights. The first three generated are always overdue / today /
# soon, so even the smallest sample fills every section of the daily list.
_FU_KINDS = ("overdue", "today", "soon", "later", "done", "cancelled", "snoozed")
_FU_WEIGHTS = (18, 9, 30, 20, 15, 5, 3)
_FOLLOW_UPS_PER_CONTACT = (10, 75, 15)  # weights of 0, 1, 2 follow-ups

_THANKS_STATUSES = tuple(ThanksStatus)  # draft, printed, sent
# Sample bodies are written here (varied wording), but name a real template, which the rep can
# re-draft from; they count as not edited, so printing fills them from it.
_THANKS_TEMPLATES = {"meeting": "after-meeting", "lunch": "after-lunch", "event": "after-meeting"}
_THANKS_LINES = (
    "It was great to hear about your plans for the coming year.",
    "I really enjoyed our conversation and look forward to the next steps.",
    "Thank you for making the time in such a busy week.",
    "I will send over the details we discussed shortly.",
)
_THANKS_FOR = {"lunch": "lunch", "event": "joining us"}
# Not strftime("%B"): that follows the process locale, and the sample must not.
_MONTHS = _split(
    "January, February, March, April, May, June, July, August, September, October, November, "
    "December"
)

# Gifts: (item, lowest, highest cost in whole currency units); None = no cost recorded.
_GIFTS: tuple[tuple[str, int | None, int | None], ...] = (
    ("Bottle of Rioja Reserva", 25, 60),
    ("Case of Sancerre", 120, 240),
    ("Two tickets to SaaStr Annual", 900, 1800),
    ("Conference pass for Web Summit", 800, 1500),
    ("Copy of 'The Challenger Sale'", 15, 30),
    ("Copy of 'Never Split the Difference'", 15, 30),
    ("Golf day at the club", 150, 400),
    ("Box of Belgian chocolates", 20, 45),
    ("Holiday hamper", 60, 150),
    ("Coffee table book on architecture", 35, 80),
    ("Handwritten card and flowers", 30, 70),
    ("Branded notebook and pen", None, None),
)
_OCCASIONS = (
    "Signed the renewal",
    "Birthday",
    "Holiday season",
    "Thanks for the referral",
    "Closed the first order",
    "Promotion",
    "Conference",
    "",
)

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def _table(model: type[Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)  # declarative models always map a Table
    return table


# Every table written, in an order where parents come before the rows that point at them.
_TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        _table(Company),
        _table(Tag),
        _table(Contact),
        contact_tags,
        _table(ContactEmail),
        _table(ContactPhone),
        _table(ContactAddress),
        _table(StageChange),
        _table(Meeting),
        meeting_attendees,
        _table(ResearchNote),
        _table(ThankYouNote),
        _table(FollowUp),
        _table(FollowUpCompletion),
        _table(Gift),
    )
}
_WITH_IDS = tuple(name for name in _TABLES if name not in ("contact_tags", "meeting_attendees"))


# --- writing ----------------------------------------------------------------------------------
# Rows go to the driver's executemany on the session's connection: one INSERT per table and
# batch, ids given, nothing read back. Building the same INSERT with SQLAlchemy (`insert(table)`)
# spends more time per row on parameter processing than SQLite spends storing it: at 100,000
# contacts (1.6 million rows) that was 30 s of inserts against 13 s plus 6 s of encoding here.
# So the values the column types would write are produced by the encoders below, which follow
# storage.types exactly (a test compares them); a column type they do not know is refused.


def _utc_text(value: datetime) -> str:
    """UTCDateTime's text: the instant in UTC, "YYYY-MM-DD HH:MM:SS.ffffff"."""
    if value.tzinfo is not UTC:
        value = as_utc(value)  # also refuses naive values, as UTCDateTime does
    return value.isoformat(" ", "microseconds")[:26]


def _wall_text(value: datetime) -> str:
    """WallClock's text: the naive wall-clock time, "YYYY-MM-DD HH:MM"."""
    if value.tzinfo is not None:
        raise ValueError("WallClock needs a naive datetime")
    return value.isoformat(" ", "minutes")


def _encoder(column: Column[Any]) -> Callable[[Any], Any] | None:
    """How to turn a Python value into what the column stores (None: the driver's own way)."""
    kind = column.type
    if isinstance(kind, UTCDateTime):
        return _utc_text
    if isinstance(kind, WallClock):
        return _wall_text
    if isinstance(kind, DecimalText):
        return str
    if isinstance(kind, Date | DayDate):
        return date.isoformat  # SQLAlchemy's SQLite DATE is ISO "YYYY-MM-DD" text
    if isinstance(kind, TypeDecorator | DateTime):
        raise TypeError(f"sample_data cannot write {column} of type {kind!r}; add an encoder")
    return None


_Memo = dict[Callable[[Any], Any], dict[Any, Any]]
_MEMO_LIMIT = 500_000  # entries; cleared beyond that so a million contacts stay within memory


@dataclass(frozen=True)
class _Insert:
    """A table's INSERT with named parameters and the encoders of its typed columns."""

    sql: str
    encoders: tuple[tuple[str, Callable[[Any], Any]], ...]

    @classmethod
    def of(cls, table: Table) -> _Insert:
        names = [c.name for c in table.columns]
        sql = (
            f"INSERT INTO {table.name} ({', '.join(names)}) "
            f"VALUES ({', '.join(':' + n for n in names)})"
        )
        coded = ((c.name, _encoder(c)) for c in table.columns)
        return cls(sql, tuple((name, f) for name, f in coded if f is not None))

    def run(self, connection: Connection, rows: list[Row], memo: _Memo) -> None:
        """Insert the rows (each must have every column: no Python-side defaults apply here).

        `memo` remembers encoded values across calls: the sample's instants come from a small
        set of days and times, and a dict hit is 20 times cheaper than formatting one again.
        """
        for name, encode in self.encoders:
            known = memo.setdefault(encode, {})
            for row in rows:
                value = row[name]
                if value is not None:
                    text = known.get(value)
                    if text is None:
                        text = known[value] = encode(value)
                    row[name] = text
        connection.exec_driver_sql(self.sql, rows)


_INSERTS = {name: _Insert.of(table) for name, table in _TABLES.items()}


# --- the generator ----------------------------------------------------------------------------


@dataclass
class _Firm:
    """A generated company and who works there."""

    id: int
    name: str
    domain: str
    country: _Country
    address: tuple[str, str, str, str]  # street, city, region, postcode
    members: list[int] = field(default_factory=list)  # indices into _Generator.people


@dataclass
class _Person:
    """What the second pass (meetings and what hangs off them) needs to know about a contact."""

    id: int
    given: str
    firm: _Firm | None
    since_days: int  # the first stage change was this many days before `today`
    currency: str


@dataclass(frozen=True)
class _Met:
    """A meeting made for a contact, for the follow-ups and gifts that refer to it."""

    id: int
    kind: str
    days_ago: int


class _Generator:
    """One run of `generate`: the random stream, the id counters and what earlier passes made."""

    def __init__(
        self,
        session: Session,
        count: int,
        seed: int,
        today: date,
        zone: ZoneInfo,
        now: datetime,
        progress: Progress | None,
    ) -> None:
        self.session = session
        self.count = count
        self.rng = random.Random(seed)
        self.today = today
        self.zone = zone
        self.now = as_utc(now)
        self.progress = progress
        self.last_id = {name: _max_id(session, name) for name in _WITH_IDS}
        self.rows: dict[str, list[Row]] = {name: [] for name in _TABLES}
        self.firms: list[_Firm] = []
        self.people: list[_Person] = []
        self.names_used: set[str] = set()
        self.tag_ids = {
            key: tag_id for key, tag_id in session.execute(select(Tag.name_key, Tag.id))
        }
        self.tags = tuple(t.format(year=today.year) for t in _TAGS)
        self.tally = dict.fromkeys(
            ("contacts", "meetings", "research", "follow_ups", "thanks", "gifts"), 0
        )
        self.thanks_wanted = [ThanksStatus.SENT, ThanksStatus.PRINTED, ThanksStatus.DRAFT]
        self.instants: dict[tuple[int, int], tuple[datetime, datetime]] = {}
        self.memo: _Memo = {}

    # --- small helpers ------------------------------------------------------------------------

    def new_id(self, table: str) -> int:
        self.last_id[table] += 1
        return self.last_id[table]

    def add(self, table: str, row: Row) -> None:
        self.rows[table].append(row)

    # random.Random's own randrange/choices cost microseconds each; at a million rows the plain
    # arithmetic on random() below is several times faster (and just as deterministic).
    def between(self, low: int, high: int | None = None) -> int:
        """A whole number in [low, high), or in [0, low) with one argument."""
        if high is None:
            low, high = 0, low
        return low + int(self.rng.random() * (high - low))

    def one(self, items: Sequence[_T]) -> _T:
        return items[int(self.rng.random() * len(items))]

    def weighted(self, items: Sequence[_T], weights: tuple[int, ...]) -> _T:
        cumulative = _cumulative(weights)
        return items[bisect_right(cumulative, self.rng.random() * cumulative[-1])]

    def moment(self, day: int, minute: int) -> tuple[datetime, datetime]:
        """(wall clock, UTC instant) of `minute` past midnight, `day` days after today."""
        # Memoised: a few thousand distinct (day, minute) pairs serve a million rows. Instants
        # are kept in UTC, which is what the rows store (and the cheapest to write).
        found = self.instants.get((day, minute))
        if found is None:
            wall = datetime.combine(self.today + timedelta(days=day), time(minute // 60))
            wall += timedelta(minutes=minute % 60)
            found = self.instants[day, minute] = (wall, localize(wall, self.zone).astimezone(UTC))
        return found

    def past(self, days_ago: int) -> datetime:
        """An office-hours instant `days_ago` days before today, never later than `now`."""
        # On a five-minute grid: realistic enough, and few distinct values to encode.
        noon = self.moment(-days_ago, 12 * 60)[1]
        return min(noon + timedelta(minutes=5 * self.between(-48, 72)), self.now)

    def business_day(self, day: int) -> int:
        """`day` (days from today) moved off a weekend: back to Friday if past, on to Monday."""
        weekday = (self.today + timedelta(days=day)).weekday()
        if weekday < 5 or day == 0:
            return day
        return day + (7 - weekday) if day > 0 else day + (4 - weekday)

    def quarter_hour(self, first_hour: int = 8, last_hour: int = 17) -> int:
        """A minute-of-day on the quarter hour from first_hour:00 to last_hour:45."""
        return first_hour * 60 + 15 * self.between(4 * (last_hour - first_hour + 1))

    def fill(self, pattern: str) -> str:
        """The pattern with each "#" a random digit and each "@" a random capital letter."""
        return "".join(
            str(self.between(10)) if c == "#" else chr(65 + self.between(26)) if c == "@" else c
            for c in pattern
        )

    def flush(self, done: int) -> None:
        """Write the pending rows, parents first, and report progress."""
        connection = self.session.connection()
        if sum(len(known) for known in self.memo.values()) > _MEMO_LIMIT:
            self.memo.clear()
        for name, rows in self.rows.items():
            if rows:
                _INSERTS[name].run(connection, rows, self.memo)
                rows.clear()
        if self.progress is not None:
            self.progress(done, self.total)

    @property
    def total(self) -> int:
        return 2 * self.count + 1  # two passes over the contacts, then the search index

    # --- the run ------------------------------------------------------------------------------

    def run(self) -> SampleSummary:
        self.make_companies()
        self.flush(0)
        for start in range(0, self.count, _CHUNK):
            end = min(start + _CHUNK, self.count)
            for _ in range(start, end):
                self.make_contact()
            self.flush(end)
        # Second pass once every contact exists: a meeting can bring in colleagues from anywhere.
        for start in range(0, self.count, _CHUNK):
            end = min(start + _CHUNK, self.count)
            for person in self.people[start:end]:
                self.make_history(person)
            self.flush(self.count + end)
        contact_service.rebuild_index(self.session)
        if self.progress is not None:
            self.progress(self.total, self.total)
        return SampleSummary(
            contacts=self.tally["contacts"],
            companies=len(self.firms),
            meetings=self.tally["meetings"],
            research_notes=self.tally["research"],
            follow_ups=self.tally["follow_ups"],
            thank_you_notes=self.tally["thanks"],
            gifts=self.tally["gifts"],
        )

    # --- companies ----------------------------------------------------------------------------

    def make_companies(self) -> None:
        """About one company per five contacts, with a website, an office and some research."""
        rng = self.rng
        taken = set(self.session.scalars(select(Company.name_key)))
        for _ in range(max(1, round(self.count / 5))):
            country = self.weighted(_COUNTRY_LIST, _COUNTRY_WEIGHTS)
            name, base = self.company_name(country, taken)
            city, region, postcode = self.one(country.cities)
            firm = _Firm(
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
                    "notes": self.one(_COMPANY_NOTES) if rng.random() < 0.4 else "",
                    "created_at": since,
                    "updated_at": since,
                },
            )
            for _ in range(self.one((0, 0, 1, 1, 2))):
                self.research("company_id", firm.id, f"https://www.{firm.domain}/news")

    def company_name(self, country: _Country, taken: set[str]) -> tuple[str, str]:
        """A name not used yet (in the database or this run) and its base, for the web domain."""
        base = ""
        for attempt in range(12):
            base = f"{self.one(_COMPANY_WORDS)} {self.one(_COMPANY_TRADES)}"
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
            _, givens, families = self.weighted(_CULTURES, _CULTURE_WEIGHTS)
            given = self.one(givens)
            # Most family names come from the same culture, some not (marriage, emigration);
            # the mixing also makes many more distinct names.
            family = self.one(families if rng.random() < 0.75 else _ALL_FAMILY)
            middle = f" {self.one(_INITIALS)}." if attempt >= 3 else ""
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
        firm: _Firm | None = None
        if rng.random() >= 0.08:
            # Skewed towards the first companies: a few big accounts, many with one contact.
            firm = self.firms[int(len(self.firms) * rng.random() ** 1.6)]
        country = firm.country if firm is not None else _COUNTRIES[0][1]
        final = self.weighted(_STAGES, _STAGE_WEIGHTS)
        path = self.one(_STAGE_PATHS[final])
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
                "title": self.one(_TITLES) if firm is not None else self.one(_INDEPENDENT_TITLES),
                "stage": final,
                "birthday": self.birthday() if rng.random() < 0.25 else None,
                "notes": " ".join(rng.sample(_CONTACT_NOTES, self.one((0, 0, 1, 1, 2)))),
                "created_at": changed[0],
                "updated_at": changed[-1],
                "deleted_at": None,
            },
        )
        self.reachability(cid, given, family, firm, country)
        tag_count = self.one((0, 0, 1, 1, 1, 2, 2, 3))
        for name in dict.fromkeys(self.weighted(self.tags, _TAG_WEIGHTS) for _ in range(tag_count)):
            key = _fold(name)
            if key not in self.tag_ids:  # tags are shared, and reused from earlier runs
                self.tag_ids[key] = self.new_id("tags")
                self.add("tags", {"id": self.tag_ids[key], "name": name, "name_key": key})
            self.add("contact_tags", {"contact_id": cid, "tag_id": self.tag_ids[key]})
        if firm is not None:
            firm.members.append(len(self.people))
        self.people.append(_Person(cid, given, firm, since_days, country.currency))
        self.tally["contacts"] += 1

    def birthday(self) -> str:
        """ "YYYY-MM-DD", or "--MM-DD" when the rep never learned the year."""
        day = date(2000, 1, 1) + timedelta(days=self.between(366))  # 2000 has a 29 Feb
        year = self.between(1955, 2001)
        if self.rng.random() < 0.3 or ((day.month, day.day) == (2, 29) and year % 4):
            return f"--{day:%m-%d}"
        return f"{year:04d}-{day:%m-%d}"

    def reachability(
        self, cid: int, given: str, family: str, firm: _Firm | None, country: _Country
    ) -> None:
        """Emails (first.last@company, sometimes a personal one), phones and an office address."""
        rng = self.rng
        local = f"{_NOT_ALNUM.sub('', _fold(given))}.{_NOT_ALNUM.sub('', _fold(family))}"
        emails = []
        if firm is not None:
            emails.append(("work", f"{local}@{firm.domain}"))
        if firm is None or rng.random() < 0.2:
            digits = str(self.between(10, 99)) if rng.random() < 0.5 else ""
            emails.append(("home", f"{local}{digits}@{self.one(_PERSONAL_DOMAINS)}"))
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
            # digits, which is what contacts.phone_key gives (without a slow parse per row).
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

    # --- meetings and what follows them -------------------------------------------------------

    def make_history(self, person: _Person) -> None:
        """A contact's meetings, research, follow-ups and gifts."""
        rng = self.rng
        horizon = min(540, person.since_days)  # ~18 months, and not before we knew them
        met = [
            self.meeting(person, -self.between(1, horizon + 1))
            for _ in range(self.weighted((1, 2, 3, 4), _MEETINGS_PER_CONTACT))
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
        for _ in range(self.weighted((0, 1, 2), _FOLLOW_UPS_PER_CONTACT)):
            self.follow_up(person, latest.id if rng.random() < 0.4 else None)
        if rng.random() < 0.12:
            lunches = [m for m in met if m.kind == "lunch"]
            for n in range(self.one((1, 1, 2, 3))):
                self.gift(person, lunches[0] if n == 0 and lunches else None)

    def meeting(self, person: _Person, day: int) -> _Met:
        """A meeting `day` days from today (negative: in the past) with 1-3 attendees."""
        rng = self.rng
        upcoming = day > 0
        kind = self.weighted(_KINDS, _UPCOMING_KIND_WEIGHTS if upcoming else _KIND_WEIGHTS)
        if kind != "event":  # conferences and golf days may fall on a weekend; the rest do not
            day = self.business_day(day)
        minute = self.quarter_hour(12, 13) if kind == "lunch" else self.quarter_hour()
        wall, starts_at = self.moment(day, minute)
        firm = person.firm
        if kind == "lunch":
            location = self.one(_RESTAURANTS)
            title = f"Lunch at {location}"
        else:
            location = self.one(_LOCATIONS_BY_KIND[kind])
            title = self.one(_TITLES_BY_KIND[kind])
            if firm is not None and kind in ("meeting", "call") and rng.random() < 0.5:
                title = f"{title} – {firm.name}"
        attendees = [person.id]
        if firm is not None and len(firm.members) > 1:
            for _ in range(self.weighted((0, 1, 2), _COLLEAGUES_PER_MEETING)):
                attendees.append(self.people[self.one(firm.members)].id)
        attendees = list(dict.fromkeys(attendees))  # unique, first one stays the main contact
        if len(attendees) < 3 and rng.random() < 0.05:  # someone from elsewhere: an introducer
            attendees = list(dict.fromkeys([*attendees, self.one(self.people).id]))
        low, high = _DURATIONS[kind]
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
                "notes": self.one(_AGENDAS) if upcoming else self.one(_MEETING_NOTES),
                "created_at": created,
                "updated_at": created,
            },
        )
        for contact_id in attendees:
            self.add("meeting_attendees", {"meeting_id": mid, "contact_id": contact_id})
        self.tally["meetings"] += 1
        if not upcoming and kind in ("meeting", "lunch", "event") and rng.random() < 0.45:
            self.thank_you_notes(mid, attendees, wall, starts_at, -day, kind)
        return _Met(mid, kind, -day)

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
        day = f"{wall.day} {_MONTHS[wall.month - 1]}"
        for contact_id in attendees:
            if self.thanks_wanted and days_ago >= 10:
                status = self.thanks_wanted.pop(0)  # every status shows up, even in tiny samples
            elif days_ago >= 14:
                status = self.weighted(_THANKS_STATUSES, (10, 10, 80))
            elif days_ago >= 3:
                status = self.weighted(_THANKS_STATUSES, (30, 30, 40))
            else:
                status = self.weighted(_THANKS_STATUSES, (70, 30, 0))
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
                f"Dear {given},\n\nThank you for {_THANKS_FOR.get(kind, 'your time')} on "
                f"{day}. {self.one(_THANKS_LINES)}\n\nBest wishes"
            )
            self.add(
                "thank_you_notes",
                {
                    "id": self.new_id("thank_you_notes"),
                    "meeting_id": meeting_id,
                    "contact_id": contact_id,
                    "template": _THANKS_TEMPLATES.get(kind, "after-meeting"),
                    "body": body,
                    "status": status.value,
                    "drafted_at": min(drafted, self.now),
                    "printed_at": printed if status is not ThanksStatus.DRAFT else None,
                    "sent_at": sent if status is ThanksStatus.SENT else None,
                    "edited_at": None,
                },
            )
            self.tally["thanks"] += 1

    def research(self, subject: str, subject_id: int, source: str, *, recent: bool = False) -> None:
        """A research note about exactly one contact, company or meeting (the schema's CHECK)."""
        rng = self.rng
        row: Row = {
            "id": self.new_id("research_notes"),
            "contact_id": None,
            "company_id": None,
            "meeting_id": None,
            "noted_at": self.past(self.between(1, 5) if recent else self.between(1, 400)),
            "text": self.one(_RESEARCH_NOTES),
            "source_url": source if rng.random() < 0.6 else "",
        }
        row[subject] = subject_id
        self.add("research_notes", row)
        self.tally["research"] += 1

    def follow_up(self, person: _Person, meeting_id: int | None) -> None:
        """One follow-up: overdue, today, soon, later, done, cancelled or snoozed; some recur."""
        rng = self.rng
        n = self.tally["follow_ups"]
        situation = _FU_KINDS[n] if n < 3 else self.weighted(_FU_KINDS, _FU_WEIGHTS)
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
        if status is FollowUpStatus.OPEN and rng.random() < _RECURRING_SHARE:
            rule = self.weighted(_RRULES, _RRULE_WEIGHTS)
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
                "due_at": due_at,
                "tz": self.zone.key,
                "due_local": wall,
                "anchor_local": wall,
                "rrule": rule,
                "note": self.one(_RECURRING_NOTES if rule else _FOLLOW_UP_NOTES),
                "status": status.value,
                "snoozed_until": snoozed,
                "remind_at": snoozed or due_at,
                "completed_at": completed,
                "created_at": created,
                "updated_at": completed or created,
            },
        )
        self.tally["follow_ups"] += 1

    def gift(self, person: _Person, lunch: _Met | None) -> None:
        """A gift; for a past lunch meeting, the lunch itself (linked to the meeting)."""
        low: int | None
        high: int | None
        if lunch is not None:
            item, low, high, days_ago = "Lunch for two", 60, 220, lunch.days_ago
        else:
            item, low, high = self.one(_GIFTS)
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
                "occasion": "" if lunch is not None else self.one(_OCCASIONS),
                "cost": cost,
                "currency": person.currency,
                "given_on": self.today - timedelta(days=days_ago),
                "created_at": min(self.moment(-days_ago, 18 * 60)[1], self.now),
            },
        )
        self.tally["gifts"] += 1


def _max_id(session: Session, table: str) -> int:
    return session.scalar(select(func.max(_TABLES[table].c.id))) or 0


@functools.cache
def _cumulative(weights: tuple[int, ...]) -> tuple[int, ...]:
    """Running totals of the weights, computed once per weight tuple (for bisecting)."""
    return tuple(itertools.accumulate(weights))


# Names come from small pools, so their folded forms are worth remembering.
_fold = functools.cache(fold)
