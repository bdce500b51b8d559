"""The word lists and weights behind the sample data: names from many cultures, countries with
their phone formats and cities, companies, titles, notes, meetings, follow-ups and gifts.

Plain data for `services.sample_data`, kept apart so the generator stays readable.
"""

from __future__ import annotations

from dataclasses import dataclass

from relationship_crm.domain.enums import ThanksStatus


def split(text: str) -> tuple[str, ...]:
    """ "a, b c, d" -> ("a", "b c", "d"): keeps long word lists compact and formatter-proof."""
    return tuple(item.strip() for item in text.split(",") if item.strip())


# Names by culture: (weight, given names, family names). The accents are deliberate: the sample
# exercises accent-insensitive search and sorting ("briain" finds "Ó Briain").
CULTURES: tuple[tuple[int, tuple[str, ...], tuple[str, ...]], ...] = tuple(
    (weight, split(given), split(family))
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
CULTURE_WEIGHTS = tuple(weight for weight, _, _ in CULTURES)
ALL_FAMILY: tuple[str, ...] = tuple(f for _, _, families in CULTURES for f in families)
INITIALS = "ABCDEFGHJKLMNPRSTVW"


@dataclass(frozen=True)
class Country:
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


COUNTRIES: tuple[tuple[int, Country], ...] = (
    (
        38,
        Country(
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
        Country(
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
        Country(
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
        Country(
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
        Country(
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
        Country(
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
        Country(
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
        Country(
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
        Country(
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

COUNTRY_LIST = tuple(country for _, country in COUNTRIES)
COUNTRY_WEIGHTS = tuple(weight for weight, _ in COUNTRIES)

COMPANY_WORDS = split(
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
COMPANY_TRADES = split(
    "Logistics, Analytics, Foods, Health, Software, Systems, Energy, Capital, Consulting, "
    "Manufacturing, Freight, Pharma, Robotics, Media, Telecom, Retail, Insurance, Engineering, "
    "Labs, Biotech, Partners, Solutions, Networks, Materials, Instruments, Motors, Hospitality, "
    "Realty, Textiles, Packaging, Security, Cloud, Data, Medical, Aerospace, Marine, Brewing, "
    "Coffee Roasters, Furniture, Electronics, Learning, Design, Ventures, Holdings, Agritech, "
    "Water, Chemicals, Print, Studios, Travel"
)
COMPANY_NOTES = (
    "Fiscal year ends in March; budgets are set in January.",
    "Procurement runs a formal RFP for anything above 50k.",
    "Long-standing customer of a competitor; their contract is up for renewal next year.",
    "Expanding into two new regions this year.",
    "Family-owned; decisions go through the founder.",
    "Uses Salesforce and SAP; integration questions come up early.",
    "Recently acquired; the new parent reviews all vendors.",
)

TITLES = split(
    "VP Sales, CFO, Procurement Manager, Head of Operations, CTO, CEO, Account Director, "
    "Marketing Manager, IT Director, Purchasing Lead, Head of Partnerships, Chief Revenue Officer, "
    "Operations Manager, Finance Director, Sales Director, Product Manager, Founder, "
    "Managing Director, Category Manager, Supply Chain Director, Head of Procurement, "
    "Office Manager, Engineering Manager, Business Development Manager, COO, "
    "Directrice commerciale, Geschäftsführer"
)
INDEPENDENT_TITLES = ("Independent consultant", "Investor", "Advisor", "")

# Final stages with weights, and the stage paths (1-3 history entries) that lead to each.
STAGES = ("prospect", "lead", "customer", "partner", "other")
STAGE_WEIGHTS = (30, 25, 30, 8, 7)
STAGE_PATHS: dict[str, tuple[tuple[str, ...], ...]] = {
    "prospect": (("prospect",),),
    "lead": (("lead",), ("prospect", "lead")),
    "customer": (("customer",), ("lead", "customer"), ("prospect", "lead", "customer")),
    "partner": (("partner",), ("prospect", "partner"), ("customer", "partner")),
    "other": (("other",), ("prospect", "other"), ("lead", "other")),
}

# "{year}" becomes the year of `today`, so the sample looks current in any year.
TAGS = split(
    "golf, vip, conference-{year}, referral, decision-maker, champion, newsletter, holiday-card, "
    "tennis, wine, board, alumni, trade-show, budget-holder, renewal-{year}, café-club"
)
TAG_WEIGHTS = (8, 5, 10, 7, 9, 6, 10, 6, 4, 4, 2, 5, 5, 6, 4, 2)

PERSONAL_DOMAINS = ("gmail.com", "outlook.com", "icloud.com", "proton.me", "yahoo.co.uk")

CONTACT_NOTES = (
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
KINDS = ("meeting", "call", "lunch", "event", "email")
KIND_WEIGHTS = (36, 30, 12, 7, 15)
UPCOMING_KIND_WEIGHTS = (50, 35, 15, 0, 0)
TITLES_BY_KIND: dict[str, tuple[str, ...]] = {
    "meeting": split(
        "Quarterly review, Kick-off, Product demo, Contract renewal, Discovery meeting, "
        "Pricing discussion, Onboarding check-in, Executive briefing, Roadmap session"
    ),
    "call": split(
        "Intro call, Check-in call, Follow-up call, Pricing call, Reference call, Quick catch-up"
    ),
    "lunch": ("Lunch",),  # replaced by "Lunch at <restaurant>"
    "event": split(
        "SaaStr Annual, Web Summit, Customer dinner, Golf day, Partner summit, Trade show, "
        "Hospitality box at the match"
    ),
    "email": split("Proposal sent, Re: pricing, Intro by email, Case study shared"),
}
RESTAURANTS = split(
    "The Ivy, Nobu, Dishoom, Chez Janou, Café Central, La Boqueria Bistro, Tavern on the Green, "
    "Ottolenghi, Brasserie Zédel, Sushi Saito, Da Michele"
)
LOCATIONS_BY_KIND: dict[str, tuple[str, ...]] = {
    "meeting": split("Their office, Our office (room 4.12), Zoom, Microsoft Teams, Google Meet"),
    "call": split("Phone, Zoom, Microsoft Teams"),
    "event": split("ExCeL London, Javits Center, RDS Dublin, Messe Berlin, Moscone Center"),
    "email": ("",),
}
MEETINGS_PER_CONTACT = (30, 35, 22, 13)  # weights of 1, 2, 3, 4 past meetings
COLLEAGUES_PER_MEETING = (45, 40, 15)  # weights of 0, 1, 2 colleagues joining
DURATIONS: dict[str, tuple[int, int]] = {
    "meeting": (30, 90),
    "call": (15, 45),
    "lunch": (60, 120),
    "event": (120, 480),
    "email": (0, 0),
}
MEETING_NOTES = (
    "Discussed the renewal timeline; they want a proposal by the end of the month.",
    "Budget approved for Q3. Next step: technical deep-dive with their IT team.",
    "Concerned about onboarding time; promised a reference customer.",
    "Very positive about the demo. Legal review of the contract pending.",
    "They are comparing us with two other vendors.",
    "Introduced us to the head of procurement.",
    "Agreed on a pilot with 20 users.",
    "",
)
AGENDAS = (
    "Agenda: pricing, timeline, next steps.",
    "Prepare the ROI summary and two customer references.",
    "Check the open support tickets before the meeting.",
    "Bring the updated proposal; ask about the decision process.",
)
RESEARCH_NOTES = (
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

FOLLOW_UP_NOTES = (
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
RECURRING_NOTES = ("Keep in touch", "Quarterly check-in", "Monthly catch-up", "Account review")
# Canonical RRULE text, exactly as scheduling.recurrence.parse_cadence would store it.
RRULES = (
    "FREQ=MONTHLY;INTERVAL=3",
    "FREQ=MONTHLY",
    "FREQ=WEEKLY",
    "FREQ=WEEKLY;INTERVAL=2",
    "FREQ=MONTHLY;INTERVAL=6",
    "FREQ=YEARLY",
)
RRULE_WEIGHTS = (35, 25, 12, 12, 10, 6)
RECURRING_SHARE = 0.17  # of open follow-ups; ~15% of all
# Follow-up situations with weights. The first three generated are always overdue / today /
# soon, so even the smallest sample fills every section of the daily list.
FU_KINDS = ("overdue", "today", "soon", "later", "done", "cancelled", "snoozed")
FU_WEIGHTS = (18, 9, 30, 20, 15, 5, 3)
# What a heavy rep's daily list really holds, whatever the size of the book: follow-ups past these
# counts (on average) are ones the rep dealt with, so they become "done" instead (issue 18). The
# worst case (`--worst-case`) keeps FU_WEIGHTS at every size: a fifth of them overdue.
FU_CAPS = {"overdue": 250, "today": 60, "snoozed": 40}
FOLLOW_UPS_PER_CONTACT = (10, 75, 15)  # weights of 0, 1, 2 follow-ups

THANKS_STATUSES = tuple(ThanksStatus)  # draft, printed, sent
# Sample bodies are written here (varied wording), but name a real template, which the rep can
# re-draft from; they count as not edited, so printing fills them from it.
THANKS_TEMPLATES = {"meeting": "after-meeting", "lunch": "after-lunch", "event": "after-meeting"}
THANKS_LINES = (
    "It was great to hear about your plans for the coming year.",
    "I really enjoyed our conversation and look forward to the next steps.",
    "Thank you for making the time in such a busy week.",
    "I will send over the details we discussed shortly.",
)
THANKS_FOR = {"lunch": "lunch", "event": "joining us"}
# Not strftime("%B"): that follows the process locale, and the sample must not.
MONTHS = split(
    "January, February, March, April, May, June, July, August, September, October, November, "
    "December"
)

# Gifts: (item, lowest, highest cost in whole currency units); None = no cost recorded.
GIFTS: tuple[tuple[str, int | None, int | None], ...] = (
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
OCCASIONS = (
    "Signed the renewal",
    "Birthday",
    "Holiday season",
    "Thanks for the referral",
    "Closed the first order",
    "Promotion",
    "Conference",
    "",
)
