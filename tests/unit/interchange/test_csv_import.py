"""CSV import: Google, Outlook and LinkedIn exports read as they are written, other CSVs mapped."""

from __future__ import annotations

import codecs
import csv
import io
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from relationship_crm.domain.errors import InvalidInputError
from relationship_crm.domain.records import Address, ContactDraft, Labeled
from relationship_crm.interchange.csv_import import (
    contacts_and_errors,
    contacts_from_csv,
    read_contacts,
)
from relationship_crm.interchange.csv_mapping import FIELDS, guess_mapping
from relationship_crm.interchange.csv_reading import CsvFile, read_csv
from relationship_crm.interchange.csv_rows import NO_CONTENT
from relationship_crm.interchange.records import RecordError, UnknownFormatError

DATA = Path(__file__).parents[2] / "data" / "csv"

GOOGLE_HEADER = (
    "First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,"
    "Phonetic Last Name,Name Prefix,Name Suffix,Nickname,File As,Organization Name,"
    "Organization Title,Organization Department,Birthday,Notes,Photo,Labels,"
    "E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value,"
    "E-mail 3 - Label,E-mail 3 - Value,Phone 1 - Label,Phone 1 - Value,"
    "Phone 2 - Label,Phone 2 - Value,Phone 3 - Label,Phone 3 - Value,"
    "Address 1 - Label,Address 1 - Formatted,Address 1 - Street,Address 1 - City,"
    "Address 1 - PO Box,Address 1 - Region,Address 1 - Postal Code,Address 1 - Country,"
    "Address 1 - Extended Address,Website 1 - Label,Website 1 - Value"
).split(",")

OUTLOOK_HEADER = (
    "First Name,Middle Name,Last Name,Title,Suffix,Company,Department,Job Title,"
    "Business Street,Business Street 2,Business Street 3,Business City,Business State,"
    "Business Postal Code,Business Country/Region,Home Street,Home City,Home State,"
    "Home Postal Code,Home Country/Region,Assistant's Phone,Business Fax,Business Phone,"
    "Home Phone,Mobile Phone,Other Phone,Birthday,Categories,E-mail Address,E-mail Type,"
    "E-mail Display Name,E-mail 2 Address,E-mail 2 Type,E-mail 2 Display Name,Notes"
).split(",")


def load(name: str) -> CsvFile:
    return read_csv((DATA / name).read_bytes())


def table(header: list[str], rows: list[dict[str, str]], *, delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return out.getvalue()


def outlook(row: dict[str, str]) -> list[ContactDraft]:
    """Drafts read from a one-row Outlook CSV."""
    csv_file = read_csv(table(OUTLOOK_HEADER, [row]).encode())
    assert csv_file.kind == "outlook"
    return [c.draft for c in contacts_from_csv(csv_file)]


# --- what kind of file is it ---------------------------------------------------------------


@pytest.mark.parametrize(
    "name, kind, encoding, header_line, description",
    [
        ("google-contacts.csv", "google", "utf-8", 1, "Google Contacts CSV"),
        ("google-legacy.csv", "google", "utf-8", 1, "Google Contacts CSV"),
        ("outlook-utf8.csv", "outlook", "utf-8-sig", 1, "Outlook CSV"),
        ("outlook-cp1252.csv", "outlook", "cp1252", 1, "Outlook CSV"),
        ("linkedin-connections.csv", "linkedin", "utf-8", 4, "LinkedIn connections CSV"),
        ("custom-semicolon.csv", None, "cp1252", 1, "CSV (semicolon-separated, 5 columns)"),
    ],
)
def test_detects_each_export(name, kind, encoding, header_line, description):
    csv_file = load(name)
    assert csv_file.kind == kind
    assert csv_file.encoding == encoding
    assert csv_file.header_line == header_line
    assert csv_file.describe() == description == csv_file.description


def test_linkedin_preamble_is_skipped_and_rows_keep_their_physical_lines():
    csv_file = load("linkedin-connections.csv")
    assert csv_file.header == (
        "First Name",
        "Last Name",
        "URL",
        "Email Address",
        "Company",
        "Position",
        "Connected On",
    )
    assert [(c.record, c.line) for c in contacts_from_csv(csv_file)] == [(1, 5), (2, 6), (3, 7)]


# --- Google --------------------------------------------------------------------------------


def test_google_contact_keeps_every_field_with_labels():
    contacts = contacts_from_csv(load("google-contacts.csv"))
    assert contacts[0].draft == ContactDraft(
        name="Zoë Ångström-Müller",
        given_name="Zoë",
        family_name="Ångström-Müller",
        emails=(
            Labeled("zoe@nordlicht.example", "work"),
            Labeled("z.angstrom@nordlicht.example", "work"),
            Labeled("zoe@home.example", "home"),
        ),
        phones=(
            Labeled("+49 170 1234567", "mobile"),
            Labeled("+49 40 123456", "work"),
            Labeled("+49 40 654321", "work"),
        ),
        addresses=(
            Address(
                street="Hafenstraße 1\n3. OG",
                city="Hamburg",
                postcode="20457",
                country="Germany",
                label="work",
            ),
        ),
        company="Nordlicht GmbH",
        title="Head of Sales",
        tags=("Clients", "Friends"),
        birthday="--03-14",
        # Columns no field holds are kept in the notes, never dropped.
        notes='Met at Hannover Messe, booth 12\nLikes "strong" coffee\n'
        "Website (work): https://nordlicht.example\nOrganization Department: Sales",
    )


def test_google_rows_after_a_multiline_note_have_their_own_line():
    contacts = contacts_from_csv(load("google-contacts.csv"))
    assert [(c.record, c.line) for c in contacts] == [(1, 2), (2, 7), (3, 9), (4, 10)]


def test_google_name_suffix_formatted_address_and_fallback_to_company():
    _, jose, blue_box, li = (c.draft for c in contacts_from_csv(load("google-contacts.csv")))
    assert jose.name == "José Luis García Jr."
    assert jose.birthday == "1980-03-14"
    assert jose.emails == (Labeled("jose@acme.example", "other"),)
    assert jose.addresses == (Address(street="Calle Mayor 5\n28013 Madrid", label="home"),)
    assert jose.tags == ()
    assert blue_box.name == "Blue Box Ltd" and blue_box.company == "Blue Box Ltd"
    assert (li.name, li.tags) == ("小龙 李", ("同事",))


def test_google_legacy_export():
    anna, bob = (c.draft for c in contacts_from_csv(load("google-legacy.csv")))
    assert anna == ContactDraft(
        name="Anna Schmidt",
        given_name="Anna",
        family_name="Schmidt",
        emails=(Labeled("anna@schmidt.example", "home"),),
        phones=(Labeled("+49 171 7654321", "mobile"),),
        addresses=(
            Address(
                street="Lindenweg 3",
                city="Berlin",
                postcode="10115",
                country="Germany",
                label="home",
            ),
        ),
        company="Bauhaus AG",
        title="Architect",
        tags=("Friends", "Golf"),
        birthday="1975-07-01",
        notes="Golf partner",
    )
    # "Name" is the fallback when there are no name parts; hidden system groups are dropped.
    assert (bob.name, bob.tags) == ("Bob", ("Coworkers",))


# --- Outlook -------------------------------------------------------------------------------


def test_outlook_contact_keeps_every_field_with_labels():
    john = contacts_from_csv(load("outlook-utf8.csv"))[0].draft
    assert john == ContactDraft(
        name="John Q. Public Jr.",  # with Suffix, without the honorific "Mr."
        given_name="John",
        family_name="Public",
        emails=(Labeled("john@initech.example"), Labeled("jqp@home.example")),
        phones=(
            Labeled("+1 217 555 0100", "work"),
            Labeled("+1 217 555 0150", "home"),
            Labeled("+1 217 555 0199", "mobile"),
            Labeled("+1 217 555 0000", "main"),
            Labeled("+1 217 555 0105", "assistant"),
            Labeled("+1 217 555 0177", "other"),
            Labeled("+1 217 555 0101", "work fax"),
        ),
        addresses=(
            Address(
                street="1 Main St\nSuite 200",
                city="Springfield",
                region="IL",
                postcode="62701",
                country="United States",
                label="work",
            ),
            Address(
                street="42 Elm Rd", city="Chatham", region="IL", postcode="62629", label="home"
            ),
        ),
        company="Initech",
        title="Account Manager",
        tags=("Clients", "VIP"),
        birthday="1980-03-14",
        notes="Prefers mornings.\nCall before 10, not after.\nTitle: Mr.\nDepartment: Sales",
    )


def test_outlook_day_first_birthday_comma_categories_and_company_only_row():
    _, mary, umbrella = (c.draft for c in contacts_from_csv(load("outlook-utf8.csv")))
    assert (mary.birthday, mary.tags) == ("1975-12-25", ("Partners", "Golf"))
    assert umbrella.name == "Umbrella Corp"
    assert umbrella.birthday is None  # Outlook's "0/0/00"
    assert umbrella.phones == (Labeled("+1 555 0123", "work"),)


def test_outlook_in_windows_code_page_with_exchange_addresses():
    rene, francoise, juergen = (c.draft for c in contacts_from_csv(load("outlook-cp1252.csv")))
    assert rene.name == "René Müller"
    assert rene.company == "Straße & Söhne AG"
    assert rene.notes == "Budget 5.000 € – “vertraulich”"
    # The X.500 path is replaced by the SMTP address found in the display name ...
    assert rene.emails == (Labeled("rene.mueller@strasse.example"),)
    # ... and dropped when the display name has none.
    assert francoise.emails == ()
    assert francoise.phones == (Labeled("+33 6 12 34 56 78", "mobile"),)
    assert (juergen.name, juergen.birthday) == ("Jürgen Weiß", "1969-07-04")


@pytest.mark.parametrize(
    "written, expected",
    [
        ("3/14/1980", "1980-03-14"),
        ("03/04/1980", "1980-03-04"),  # US month first
        ("14/3/1980", "1980-03-14"),  # first number > 12: day first
        ("14.03.1980", "1980-03-14"),  # German Outlook
        ("1980-03-14", "1980-03-14"),
        ("--03-14", "--03-14"),
        ("3/14/1604", "--03-14"),  # Outlook's year for "no year"
        ("3/14/1980 0:00:00", "1980-03-14"),
        ("2/29/2000", "2000-02-29"),
        ("0/0/00", None),
        ("", None),
    ],
)
def test_birthdays(written, expected):
    (draft,) = outlook({"First Name": "Ann", "Birthday": written})
    assert draft.birthday == expected


@pytest.mark.parametrize("written", ["31/31/1999", "2/29/2001", "3/14/80", "soon", "--13-01"])
def test_unreadable_birthday_is_a_record_error_naming_the_value(written):
    with pytest.raises(RecordError, match=f'birthday "{written}"') as error:
        outlook({"First Name": "Ann", "Birthday": written})
    assert (error.value.record, error.value.line) == (1, 2)


def test_bad_birthday_names_record_and_line():
    csv_file = load("bad-birthday.csv")
    with pytest.raises(RecordError) as error:
        contacts_from_csv(csv_file)
    assert (error.value.record, error.value.line) == (3, 5)
    assert str(error.value).startswith("record 3 (line 5): ")
    assert "31/31/1999" in str(error.value)
    good, bad = contacts_and_errors(csv_file)
    assert [c.draft.name for c in good] == ["Ann Able", "Ben Baker"]
    assert [(e.record, e.line) for e in bad] == [(3, 5)]


def test_row_without_name_company_email_or_phone_is_an_error():
    text = table(OUTLOOK_HEADER, [{"First Name": "Ann"}, {"Notes": "just a note"}])
    with pytest.raises(RecordError, match="no name, company, email or phone") as error:
        contacts_from_csv(read_csv(text.encode()))
    assert (error.value.record, error.value.line) == (2, 3)


def test_name_falls_back_to_email_then_phone():
    (by_email,) = outlook({"E-mail Address": "x@example.com", "E-mail Type": "SMTP"})
    (by_phone,) = outlook({"Mobile Phone": "+1 555 0100"})
    assert (by_email.name, by_phone.name) == ("x@example.com", "+1 555 0100")


def test_blank_rows_are_skipped_and_extra_cells_ignored():
    text = table(OUTLOOK_HEADER, [{"First Name": "Ann"}]) + ",,,\r\n\r\n"
    text += "Bob," + "," * (len(OUTLOOK_HEADER) + 3) + "surplus\r\n"
    contacts = contacts_from_csv(read_csv(text.encode()))
    assert [(c.record, c.line, c.draft.name) for c in contacts] == [(1, 2, "Ann"), (2, 5, "Bob")]


# --- LinkedIn ------------------------------------------------------------------------------


def test_linkedin_connection():
    ada, grace, linus = (c.draft for c in contacts_from_csv(load("linkedin-connections.csv")))
    assert ada == ContactDraft(
        name="Ada Lovelace",
        given_name="Ada",
        family_name="Lovelace",
        company="Analytical Engines Ltd",
        title="Chief Programmer, R&D",
        notes="LinkedIn: https://www.linkedin.com/in/ada-lovelace\n"
        "Connected on LinkedIn: 14 Mar 2023",
    )
    assert grace.emails == (Labeled("grace@navy.example"),)
    assert (linus.company, linus.emails) == ("", ())


# --- other CSVs: the column mapping ----------------------------------------------------------


def test_unknown_csv_needs_a_mapping_and_the_message_names_its_columns():
    with pytest.raises(UnknownFormatError) as error:
        contacts_from_csv(load("custom-semicolon.csv"))
    assert str(error.value) == (
        'this CSV has columns "Nom", "Prénom", "Courriel", "Téléphone", "Société" — it is not '
        "a Google, Outlook, LinkedIn, Thunderbird or Roundcube export; map its columns in the "
        "app (File → Import)"
    )


def test_french_columns_are_guessed_and_mapped():
    csv_file = load("custom-semicolon.csv")
    mapping = guess_mapping(csv_file.header)
    assert mapping == {0: "family_name", 1: "given_name", 2: "email", 3: "phone", 4: "company"}
    contacts = contacts_from_csv(csv_file, mapping)
    assert [(c.record, c.line) for c in contacts] == [(1, 2), (2, 3), (3, 5)]  # blank row skipped
    assert contacts[0].draft == ContactDraft(
        name="Jean Dupont",
        given_name="Jean",
        family_name="Dupont",
        emails=(Labeled("jean.dupont@exemple.fr"),),
        phones=(Labeled("+33 1 23 45 67 89"),),
        company="ACME, SARL",
    )
    assert contacts[1].draft.name == "Hélène Lefèvre"


@pytest.mark.parametrize(
    "header, field",
    [
        ("E-mail", "email"),
        ("Mail", "email"),
        ("Work Email", "email"),
        ("Phone", "phone"),
        ("Mobile", "phone"),
        ("Tél", "phone"),
        ("Handy", "phone"),
        ("Firm", "company"),
        ("Organisation", "company"),
        ("Empresa", "company"),
        ("Job title", "title"),
        ("Position", "title"),
        ("Full Name", "name"),
        ("Vorname", "given_name"),
        ("Nachname", "family_name"),
        ("Geburtsdatum", "birthday"),
        ("Code postal", "postcode"),
        ("Ville", "city"),
        ("Pays", "country"),
        ("Remarques", "notes"),
        ("Catégories", "tags"),
    ],
)
def test_guess_mapping_single_columns(header, field):
    assert guess_mapping(["ID", header]) == {1: field}


def test_guess_mapping_prefers_job_title_to_the_honorific_and_skips_lookalikes():
    header = ["Title", "First Name", "Middle Name", "Job Title", "E-mail Type", "Manager's Name"]
    assert guess_mapping(header) == {1: "given_name", 3: "title"}


def test_mapping_collects_several_email_and_phone_columns_with_labels():
    text = (
        "Full name,Work Email,Private E-mail,Mobile,Home Phone,Tags,Groups,Street,Street 2,City\n"
        "Ann Lee,ann@work.example,ann@home.example,+1 555 1,+1 555 2,a; b,c,1 Road,Flat 2,Leeds\n"
    )
    csv_file = read_csv(text.encode())
    assert csv_file.kind is None
    mapping = dict(enumerate(["name", "email", "email", "phone", "phone", "tags", "tags"]))
    mapping |= {7: "street", 8: "street", 9: "city"}
    (ann,) = contacts_from_csv(csv_file, mapping)
    assert ann.draft == ContactDraft(
        name="Ann Lee",
        emails=(Labeled("ann@work.example", "work"), Labeled("ann@home.example", "private")),
        phones=(Labeled("+1 555 1", "mobile"), Labeled("+1 555 2", "home")),
        addresses=(Address(street="1 Road\nFlat 2", city="Leeds"),),
        tags=("a", "b", "c"),
    )


def test_mapping_without_a_name_company_or_email_is_refused():
    csv_file = load("custom-semicolon.csv")
    with pytest.raises(UnknownFormatError, match="at least one column to name"):
        contacts_from_csv(csv_file, {3: "phone", 4: "notes"})


def test_a_mapping_overrides_the_built_in_rules():
    csv_file = load("linkedin-connections.csv")
    (ada, grace), (linus,) = contacts_and_errors(csv_file, {4: "name"})
    assert ada.draft == ContactDraft(name="Analytical Engines Ltd")
    assert grace.draft == ContactDraft(name="US Navy")
    assert (linus.record, linus.line, linus.problem) == (3, 7, NO_CONTENT)


def test_semicolon_files_read_dates_day_first():
    text = "Name;Birthday\nAnn;03/04/1980\nBob;12/31/1980\n"
    ann, bob = contacts_from_csv(read_csv(text.encode()), {0: "name", 1: "birthday"})
    assert (ann.draft.birthday, bob.draft.birthday) == ("1980-04-03", "1980-12-31")


def test_fields_cover_the_mapping_keys():
    assert [key for key, _ in FIELDS] == [
        "name",
        "given_name",
        "family_name",
        "email",
        "phone",
        "company",
        "title",
        "street",
        "city",
        "region",
        "postcode",
        "country",
        "birthday",
        "notes",
        "tags",
    ]
    assert all(label for _, label in FIELDS)


# --- encodings and structure -----------------------------------------------------------------

SAMPLE = table(
    OUTLOOK_HEADER,
    [{"First Name": "Zoë", "Last Name": "Weiß", "Company": "Café €", "Notes": "“hi”\nthere"}],
)


@pytest.mark.parametrize(
    "data, encoding",
    [
        (SAMPLE.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"), "utf-8-sig"),
        (SAMPLE.encode("utf-16"), "utf-16"),  # with its BOM
        (b"\xfe\xff" + SAMPLE.encode("utf-16-be"), "utf-16"),
        (SAMPLE.encode("cp1252"), "cp1252"),
        (SAMPLE.replace(",", "\t").encode("utf-16-le"), "utf-16-le"),  # Excel "Unicode text"
    ],
)
def test_encodings(data, encoding):
    csv_file = read_csv(data)
    assert (csv_file.encoding, csv_file.kind) == (encoding, "outlook")
    (contact,) = contacts_from_csv(csv_file)
    assert (contact.draft.name, contact.draft.company) == ("Zoë Weiß", "Café €")
    assert contact.draft.notes == "“hi”\nthere"


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiters(delimiter):
    csv_file = read_csv(
        table(OUTLOOK_HEADER, [{"First Name": "Ann"}], delimiter=delimiter).encode()
    )
    assert (csv_file.delimiter, csv_file.kind) == (delimiter, "outlook")


def test_excel_sep_line_names_the_delimiter():
    csv_file = read_csv(b"sep=;\r\nName;Email\r\nAnn, Jr.;ann@example.com\r\n")
    assert (csv_file.delimiter, csv_file.header, csv_file.header_line) == (
        ";",
        ("Name", "Email"),
        2,
    )
    assert csv_file.rows == ((3, ("Ann, Jr.", "ann@example.com")),)


def test_quoted_cells_with_newlines_and_doubled_quotes():
    text = 'Name,Notes\r\n"Ann","say ""hi""\r\nand\nbye"\r\nBob,x\r\n'
    csv_file = read_csv(text.encode())
    assert csv_file.rows == ((2, ("Ann", 'say "hi"\r\nand\nbye')), (5, ("Bob", "x")))
    ann, bob = contacts_from_csv(csv_file, {0: "name", 1: "notes"})
    assert ann.draft.notes == 'say "hi"\nand\nbye'
    assert (bob.record, bob.line) == (2, 5)


@pytest.mark.parametrize(
    "data, message",
    [
        ((DATA / "not-csv.csv").read_bytes(), "PNG image"),
        (b"PK\x03\x04\x14\x00\x06\x00", "xlsx"),
        (b"", "empty"),
        (b" \r\n\r\n,,,\r\n", "no rows"),
        (bytes(range(256)) * 4, "binary"),
        (b"alice@example.com\r\nbob@example.com\r\n", "single column"),
        (b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Doe;Jane;;;\r\nEND:VCARD\r\n", "vCard"),
        (b'{"contacts": []}', "JSON"),
    ],
)
def test_not_a_csv_of_contacts(data, message):
    with pytest.raises(UnknownFormatError, match=message):
        read_csv(data)


def test_single_column_with_a_recognisable_header_is_fine():
    csv_file = read_csv(b"Email\nann@example.com\n")
    assert guess_mapping(csv_file.header) == {0: "email"}
    (ann,) = contacts_from_csv(csv_file, {0: "email"})
    assert ann.draft.name == "ann@example.com"


# --- properties ------------------------------------------------------------------------------


def read_everything(data: bytes) -> None:
    """Everything a front end does with a file; only InvalidInputError may come out."""
    try:
        csv_file = read_csv(data)
        csv_file.describe()
        mapping = guess_mapping(csv_file.header)
        contacts_and_errors(csv_file, None if csv_file.kind else mapping)
        contacts_from_csv(csv_file, None if csv_file.kind else mapping)
    except InvalidInputError:
        pass


@settings(max_examples=300)
@given(st.binary(max_size=2000))
def test_random_bytes_raise_only_invalid_input(data):
    read_everything(data)


CSVISH = st.text(alphabet=st.sampled_from(list('ab ,;\t"\r\n*:-/0123456789@éü€“”')), max_size=400)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    header=st.sampled_from([GOOGLE_HEADER, OUTLOOK_HEADER]),
    body=CSVISH,
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
)
def test_random_rows_under_a_real_header_raise_only_invalid_input(header, body, encoding):
    read_everything((",".join(header) + "\r\n" + body).encode(encoding))


@settings(max_examples=200)
@given(st.lists(CSVISH, max_size=5))
def test_random_csvish_text_raises_only_invalid_input(parts):
    read_everything("\n".join(parts).encode())


# A value a person could type into one field: no control or line-separator characters, and not
# Google's multi-value separator or its "* " marker.
line = (
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=30)
    .map(str.strip)
    .filter(lambda s: ":::" not in s and not s.startswith("*"))
)
word = line.filter(bool)
block = st.lists(word, max_size=3).map("\n".join)
label = line.map(str.lower).map(str.strip).filter(lambda s: not s.startswith("*"))
birthday = st.one_of(
    st.none(),
    st.dates(min_value=date(1700, 1, 1), max_value=date(2100, 12, 31)).map(date.isoformat),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2000, 12, 31)).map(
        lambda d: d.strftime("--%m-%d")
    ),
)


@st.composite
def drafts(draw: st.DrawFn) -> ContactDraft:
    given_name, family_name = draw(line), draw(line)
    emails = draw(st.lists(st.tuples(word, label), max_size=3, unique_by=lambda e: e[0].lower()))
    phones = draw(st.lists(st.tuples(word, label), max_size=3, unique_by=lambda p: p[0]))
    company = draw(line)
    street, city, region, postcode, country = draw(block), *(draw(line) for _ in range(4))
    has_address = any((street, city, region, postcode, country))
    name = " ".join(n for n in (given_name, family_name) if n)
    name = name or company or next((e for e, _ in emails), "") or next((p for p, _ in phones), "")
    assume(name)
    return ContactDraft(
        name=name,
        given_name=given_name,
        family_name=family_name,
        emails=tuple(Labeled(v, lab) for v, lab in emails),
        phones=tuple(Labeled(v, lab) for v, lab in phones),
        addresses=(Address(street, city, region, postcode, country, draw(label)),)
        if has_address
        else (),
        company=company,
        title=draw(line),
        tags=tuple(draw(st.lists(word, max_size=3, unique=True))),
        birthday=draw(birthday),
        notes=draw(block),
    )


def google_row(draft: ContactDraft) -> dict[str, str]:
    row = {
        "First Name": draft.given_name,
        "Last Name": draft.family_name,
        "Organization Name": draft.company,
        "Organization Title": draft.title,
        "Birthday": draft.birthday or "",
        "Notes": draft.notes,
        "Labels": " ::: ".join(("* myContacts", *draft.tags)),
    }
    for n, email in enumerate(draft.emails, start=1):
        row |= {f"E-mail {n} - Label": email.label, f"E-mail {n} - Value": email.value}
    for n, phone in enumerate(draft.phones, start=1):
        row |= {f"Phone {n} - Label": phone.label, f"Phone {n} - Value": phone.value}
    for address in draft.addresses:
        row |= {
            "Address 1 - Label": address.label,
            "Address 1 - Street": address.street,
            "Address 1 - City": address.city,
            "Address 1 - Region": address.region,
            "Address 1 - Postal Code": address.postcode,
            "Address 1 - Country": address.country,
        }
    return row


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(
    contacts=st.lists(drafts(), min_size=1, max_size=4),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
)
def test_google_round_trip(contacts, encoding):
    text = table(GOOGLE_HEADER, [google_row(draft) for draft in contacts])
    csv_file = read_csv(text.encode(encoding))
    assert csv_file.kind == "google"
    assert [c.draft for c in contacts_from_csv(csv_file)] == contacts


# --- issue 14: mail programs' layouts, bad cells, columns no rule reads ----------------------

THUNDERBIRD_HEADER = (
    "First Name,Last Name,Display Name,Nickname,Primary Email,Secondary Email,Screen Name,"
    "Work Phone,Home Phone,Fax Number,Pager Number,Mobile Number,Home Address,Home Address 2,"
    "Home City,Home State,Home ZipCode,Home Country,Work Address,Work Address 2,Work City,"
    "Work State,Work ZipCode,Work Country,Job Title,Department,Organization,Web Page 1,"
    "Web Page 2,Birth Year,Birth Month,Birth Day,Custom 1,Custom 2,Custom 3,Custom 4,Notes"
).split(",")


def parsed(header: list[str], rows: list[dict[str, str]]):
    return read_contacts(read_csv(table(header, rows).encode()))


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        (THUNDERBIRD_HEADER, "thunderbird"),
        (["Display Name", "First Name", "Last Name", "Email Home", "Email Work"], "roundcube"),
        (["First Name", "Last Name", "Email Other", "Phone Mobile", "Organization"], "roundcube"),
        (OUTLOOK_HEADER, "outlook"),
        (GOOGLE_HEADER, "google"),
    ],
)
def test_mail_programs_are_told_apart_from_outlook_and_google(header, kind):
    assert read_csv(table(header, [{header[0]: "x"}]).encode()).kind == kind


@pytest.mark.parametrize(
    ("year", "month", "day", "birthday", "bad"),
    [
        ("1985", "12", "10", "1985-12-10", None),
        ("", "2", "29", "--02-29", None),
        ("", "", "", None, None),
        ("1985", "Dec", "10", None, "1985/Dec/10"),
        ("1985", "2", "30", None, "1985-02-30"),
    ],
)
def test_the_split_birthday_is_one_date_or_kept_in_the_notes(year, month, day, birthday, bad):
    row = {"Display Name": "Ada", "Birth Year": year, "Birth Month": month, "Birth Day": day}
    (contact,) = parsed(THUNDERBIRD_HEADER, [row]).contacts
    assert contact.draft.birthday == birthday
    if bad is None:
        assert contact.problems == () and contact.draft.notes == ""
    else:
        assert [(p.field, p.value) for p in contact.problems] == [("birthday", bad)]
        assert contact.draft.notes == f"unreadable birthday: {bad}"


def test_a_known_layout_keeps_columns_it_has_no_field_for_in_the_notes():
    header = [*OUTLOOK_HEADER, "Spouse", "Hobby", "Priority", "Sensitivity"]
    row = {
        "First Name": "Ann",
        "Notes": "Own note",
        "Spouse": "Bo",
        "Hobby": "Golf, sailing",
        "Priority": "Normal",  # Outlook's default: nothing of the rep's own
        "Sensitivity": "Normal",
        "E-mail Address": "ann@example.com",
        "E-mail Type": "SMTP",
        "E-mail Display Name": "Ann (ann@example.com)",
    }
    (contact,) = parsed(header, [row]).contacts
    assert contact.draft.notes == "Own note\nSpouse: Bo\nHobby: Golf, sailing"


def test_blank_rows_and_rows_with_only_a_date_are_counted_not_refused():
    header = [
        "First Name",
        "Last Name",
        "URL",
        "Email Address",
        "Company",
        "Position",
        "Connected On",
    ]
    rows = [
        {"First Name": "Ann", "Connected On": "14 Mar 2023"},
        {"Connected On": "02 Jan 2024"},
        {"Connected On": "2024-01-02"},
        {"URL": "https://www.linkedin.com/in/someone"},  # not blank: listed, skipped
    ]
    result = parsed(header, rows)
    assert [c.draft.name for c in result.contacts] == ["Ann"]
    assert result.skipped_blank == 2
    (skipped,) = result.skipped
    assert (skipped.record, skipped.line, skipped.reason) == (4, 5, NO_CONTENT)
    with pytest.raises(RecordError) as error:  # strict: the unusable row refuses the file
        contacts_from_csv(read_csv(table(header, rows).encode()))
    assert (error.value.record, error.value.line) == (4, 5)


def test_the_display_name_a_file_gives_is_kept_and_its_parts_are_not_rebuilt():
    (contact,) = parsed(
        THUNDERBIRD_HEADER,
        [{"Display Name": "Ada King Lovelace", "First Name": "Ada", "Last Name": "Lovelace"}],
    ).contacts
    assert (contact.draft.name, contact.draft.given_name, contact.draft.family_name) == (
        "Ada King Lovelace",
        "Ada",
        "Lovelace",
    )
    legacy = read_contacts(load("google-legacy.csv")).contacts
    assert legacy[0].draft.name == "Anna Schmidt"


def test_a_code_page_guess_is_a_warning_and_utf8_is_not():
    text = table(THUNDERBIRD_HEADER, [{"Display Name": "山田 太郎", "First Name": "太郎"}])
    japanese = read_csv(text.encode("cp932"))
    assert japanese.encoding == "cp932" and "Shift-JIS" in japanese.warnings[0]
    assert read_contacts(japanese).contacts[0].draft.name == "山田 太郎"
    assert read_csv(text.encode("utf-8")).warnings == ()
    assert read_csv(codecs.BOM_UTF8 + text.encode("utf-8")).warnings == ()


@pytest.mark.parametrize(
    ("names", "code_page"),
    [
        ("Łódź Gdańsk,Żółw Świątek", "cp1250"),
        ("Βαγγέλης Παπαδόπουλος,Ελένη Γεωργίου", "cp1253"),
        ("Иван Сергеевич Петров,Мария Сидорова", "cp1251"),
        ("René Müller,Chloé Åberg", "cp1252"),
    ],
)
def test_the_code_page_of_an_unmarked_file_is_detected(names, code_page):
    text = "Name,Email\r\n" + "".join(f"{n},\r\n" for n in names.split(","))
    csv_file = read_csv(text.encode(code_page))
    assert [cells[0] for _, cells in csv_file.rows] == names.split(",")
    assert csv_file.encoding == code_page and len(csv_file.warnings) == 1
