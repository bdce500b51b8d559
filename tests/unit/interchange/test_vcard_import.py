"""vCard import: the files real programs write, our own export read back, and no input that
makes the parser fail with anything but a clear InvalidInputError."""

from __future__ import annotations

import codecs
import dataclasses
import encodings.aliases
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from vobject.base import line_re

from relationship_crm.domain.enums import Stage
from relationship_crm.domain.errors import InvalidInputError
from relationship_crm.domain.records import Address, ContactDraft, ContactView, Labeled
from relationship_crm.interchange.records import ImportedContact, RecordError, UnknownFormatError
from relationship_crm.interchange.vcard_export import card, escape
from relationship_crm.interchange.vcard_import import VCardRecordError, parse_vcards, read_vcards

DATA = Path(__file__).parents[2] / "data" / "vcards"


def sample(name: str) -> list[ContactDraft]:
    return [c.draft for c in parse_vcards((DATA / name).read_bytes())]


def one(text: str, encoding: str = "utf-8") -> ContactDraft:
    """The single card of `text` (LF line ends become CRLF, as most programs write)."""
    (contact,) = parse_vcards(text.replace("\n", "\r\n").encode(encoding))
    return contact.draft


def vcard(*lines: str, version: str = "3.0") -> str:
    return "\n".join(["BEGIN:VCARD", f"VERSION:{version}", *lines, "END:VCARD", ""])


def emails(draft: ContactDraft) -> list[tuple[str, str]]:
    return [(e.value, e.label) for e in draft.emails]


def phones(draft: ContactDraft) -> list[tuple[str, str]]:
    return [(p.value, p.label) for p in draft.phones]


def error(data: bytes) -> RecordError:
    with pytest.raises(RecordError) as caught:
        parse_vcards(data)
    return caught.value


# --- files as programs write them ----------------------------------------------------------------


def test_outlook_21_windows_1252_with_quoted_printable_soft_breaks():
    helene, jurgen = sample("outlook-2.1.vcf")
    assert helene.name == "Hélène Lefèvre"
    assert (helene.given_name, helene.family_name) == ("Hélène", "Lefèvre")
    assert helene.company == "Société Générale"
    assert helene.title == "Directrice commerciale"
    assert helene.notes == (
        "Rencontré au salon à Paris, très intéressé par l'offre « Premium ».\n"
        "Rappeler après le 15 : il préfère le téléphone."
    )
    assert phones(helene) == [
        ("+33 1 23 45 67 89", "work"),
        ("+33 1 98 76 54 32", "home"),
        ("+33 6 12 34 56 78", "mobile"),
        ("+33 1 23 45 67 00", "work fax"),
    ]
    assert emails(helene) == [("helene.lefevre@example.fr", "")]
    assert helene.addresses == (
        Address("12, rue de la République\nBâtiment B", "Paris", "", "75001", "France", "work"),
    )
    assert helene.birthday == "1975-06-21"
    # ISO-8859-1 quoted-printable, raw Windows-1252 without CHARSET, bare PREF orders first
    assert jurgen.name == "Jürgen Müller"
    assert jurgen.company == "Müller & Söhne GmbH"
    assert emails(jurgen) == [("juergen@example.de", "home"), ("j.mueller@example.de", "work")]
    assert phones(jurgen) == [("+49 171 1234567", "mobile"), ("+49 89 555 0100", "pager")]
    assert jurgen.addresses[0].street == "Königstraße 5"
    assert jurgen.addresses[0].city == "München"


def test_android_21_utf8_quoted_printable_and_a_base64_photo_ending_in_a_blank_line():
    zhang, ase, phone_only = sample("android-2.1.vcf")
    assert (zhang.name, zhang.family_name, zhang.given_name) == ("张伟", "张", "伟")
    assert zhang.company == "北京科技有限公司"
    assert zhang.title == "销售经理"
    assert zhang.notes == "第一次见面在上海的展会上。\n他对我们的新产品很感兴趣，下个月再联系。"
    assert zhang.birthday == "1985-09-03"
    assert phones(zhang) == [("+86 138 0013 8000", "mobile"), ("010-1234-5678", "home")]
    assert emails(zhang) == [("zhang.wei@example.cn", "home")]
    assert ase.name == "Åse Ødegård"
    # Android writes a custom label of a 2.1 property as an X- type word
    assert phones(ase) == [("+47 22 12 34 56", "work"), ("+47 22 12 34 57", "Assistant")]
    assert emails(ase) == [("ase.odegard@example.no", "work"), ("ase@example.no", "Privat")]
    assert ase.addresses == (
        Address("Storgata 1\nLeilighet 3", "Oslo", "", "0155", "Norge", "home"),
    )
    # no name at all, but a phone number: the number is the best name there is
    assert phone_only.name == "+1 555 0199"


def test_android_cards_report_where_they_start():
    contacts = parse_vcards((DATA / "android-2.1.vcf").read_bytes())
    assert [(c.record, c.line) for c in contacts] == [(1, 1), (2, 31), (3, 42)]


def test_iphone_30_item_groups_labels_photo_and_a_birthday_without_year():
    johnny, acme = sample("iphone-3.0.vcf")
    assert johnny.name == "Johnny Appleseed"
    assert johnny.company == "Apple Inc."
    assert johnny.birthday == "--03-14"
    assert johnny.tags == ("Friends", "Work")
    assert johnny.notes == "Met at WWDC, 2023.\nFollow up about the beta; bring the slides."
    assert emails(johnny) == [
        ("johnny@example.com", "other"),  # type=pref comes first
        ("j.appleseed@example.net", "home"),
        ("johnny.a@example.org", "work"),
        ("assistant@example.com", "Assistant"),
    ]
    assert phones(johnny) == [
        ("+1 (408) 555-0100", "mobile"),
        ("(408) 555-0102", "home"),
        ("+1 408 555 0101", "mobile"),
        ("(408) 555-0103", "work fax"),
        ("+1 408 555 0104", "mobile"),
        ("+1 408 996 1010", "main"),
    ]
    assert johnny.addresses == (
        Address("1 Infinite Loop\nBuilding 2", "Cupertino", "CA", "95014", "United States", "home"),
        Address("10 Downing St", "London", "", "SW1A 2AA", "United Kingdom", "Summer house"),
    )
    assert (acme.name, acme.company) == ("Acme Corp", "Acme Corp")
    assert phones(acme) == [("+1 800 555 0000", "work fax")]


def test_google_30_export():
    jane, ravi = sample("google-3.0.vcf")
    assert jane.name == "Dr. Jane Q. Doe PhD"
    assert (jane.given_name, jane.family_name) == ("Jane", "Doe")
    assert emails(jane) == [
        ("jane@example.com", "home"),
        ("jane.doe@corp.example", "work"),
        ("jd@club.example", "Tennis club"),
    ]
    assert phones(jane) == [("+1 650-555-0123", "mobile"), ("+1 650-555-0199", "work")]
    assert jane.birthday == "--07-04"
    assert jane.tags == ("myContacts", "Clients")
    assert jane.notes == "Likes hiking\nPrefers email over calls"
    assert (jane.company, jane.title) == ("Example Corp", "VP Sales")
    assert ravi.company == "Kumar & Sons, Pvt. Ltd."
    assert ravi.birthday == "1982-11-30"


def test_rfc6350_tel_uris_pref_and_month_day_birthdays():
    simon, maria = sample("rfc6350-4.0.vcf")
    assert simon.name == "Simon Perreault"
    assert simon.birthday == "--02-03"
    assert simon.company == "Viagenie"
    assert phones(simon) == [
        ("+1-418-656-9254 ext. 102", "work"),  # tel: URI with ;ext=
        ("+1-418-262-6501", "mobile"),  # TYPE="work,cell,voice,video,text"
    ]
    assert simon.addresses == (
        Address("2875 Laurier\nSuite D2-630", "Quebec", "QC", "G1V 2M2", "Canada", "work"),
    )
    assert emails(maria) == [
        ("maria.garcia@work.example", "work"),  # PREF=1
        ("maria@home.example", "home"),  # PREF=2
        ("maria.g@other.example", ""),
    ]
    assert phones(maria) == [("+34-600-555-0101", "mobile"), ("+34-91-555-0100", "home")]
    assert maria.birthday == "--03-14"
    assert maria.notes == "Spanish speaker, also French.\nCall after 10:00 CET."


def test_rfc2426_examples():
    frank, tim, john = sample("rfc2426-3.0.vcf")
    assert frank.name == "Frank Dawson"
    assert emails(frank) == [("Frank_Dawson@Lotus.com", ""), ("fdawson@earthlink.net", "")]
    assert phones(frank) == [("+1-919-676-9515", "work"), ("+1-919-676-9564", "work fax")]
    assert frank.addresses == (
        Address("6544 Battleford Drive", "Raleigh", "NC", "27613-3502", "U.S.A.", "work"),
    )
    assert tim.addresses[0].postcode == "94043"
    # no FN: the name is built from N (prefix given additional family suffix)
    assert john.name == "Mr. John Quinlan Public Esq."
    assert john.company == "ABC, Inc."
    assert john.title == "Director, Research and Development"
    assert john.birthday == "1953-10-15"
    assert john.tags == ("INTERNET", "IETF", "INDUSTRY", "INFORMATION TECHNOLOGY")
    assert john.notes == "This fax number is operational 0800 to 1715 EST, Mon-Fri."
    assert emails(john)[0] == ("jane_doe@abc.com", "")


def test_vcard_21_specification_example():
    (alden,) = sample("vcard21-spec.vcf")
    assert alden.name == "Alden Cook"
    assert alden.notes == "Alden's office is on the \n3rd floor."
    assert alden.addresses == (
        Address(
            "123 Main Street\nSuite 101\nP.O. Box 101", "Any Town", "CA", "91921-1234", "", "home"
        ),
    )
    assert emails(alden) == [("alden@acme.example", "")]  # after the base64 photo


def test_utf16_little_endian_with_bom():
    (antonin,) = sample("utf16-outlook.vcf")
    assert antonin.name == "Antonín Dvořák"
    assert antonin.company == "Česká filharmonie"
    assert antonin.notes == "Skladatel – Symfonie č. 9"


def test_truncated_file_names_the_unfinished_card():
    problem = error((DATA / "truncated.vcf").read_bytes())
    assert (problem.record, problem.line) == (2, 6)
    assert "END:VCARD" in problem.problem


def test_garbage_line_names_record_line_and_content():
    problem = error((DATA / "bad-line.vcf").read_bytes())
    assert (problem.record, problem.line) == (3, 10)
    assert "line 13" in problem.problem
    assert "this line is not a content line" in problem.problem


def test_a_file_without_cards_is_not_a_vcard():
    with pytest.raises(UnknownFormatError, match="not a vCard"):
        parse_vcards((DATA / "not-a-vcard.vcf").read_bytes())


@pytest.mark.parametrize("data", [b"", b"\r\n\r\n", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"])
def test_empty_and_other_formats_are_not_vcards(data):
    with pytest.raises(UnknownFormatError):
        parse_vcards(data)


# --- bytes, lines and encodings ------------------------------------------------------------------

CARD = "BEGIN:VCARD\nVERSION:3.0\nFN:Zoë Ångström\nNOTE:a\\nb\nEND:VCARD\n"


@pytest.mark.parametrize(
    "data",
    [
        CARD.encode("utf-8"),
        codecs.BOM_UTF8 + CARD.replace("\n", "\r\n").encode("utf-8"),
        codecs.BOM_UTF16_LE + CARD.replace("\n", "\r\n").encode("utf-16-le"),
        codecs.BOM_UTF16_BE + CARD.encode("utf-16-be"),
        CARD.encode("utf-16-le"),  # no BOM: the NUL bytes give it away
        CARD.replace("\n", "\r").encode("utf-8"),  # old Mac line ends
        CARD.replace("\n", "\r\r\n").encode("utf-8"),  # CRLF through a Windows text stream
        CARD.encode("cp1252"),  # not UTF-8: Windows code page
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf16le", "cr", "crcrlf", "cp1252"],
)
def test_encodings_and_line_ends(data):
    (contact,) = parse_vcards(data)
    assert contact.draft.name == "Zoë Ångström"
    assert contact.draft.notes == "a\nb"


def test_folded_lines_are_unfolded_with_space_or_tab():
    draft = one(vcard("FN:Jo", " hn", "\t Smith", "NOTE:one\\n", " two"))
    assert draft.name == "John Smith"
    assert draft.notes == "one\ntwo"


def test_quoted_printable_soft_breaks_are_joined_before_unfolding():
    text = vcard(
        "FN;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Ren=C3=A9e =",
        "Dupont-=",
        " Martin",  # after a soft break a leading space is data, not folding
        "NOTE;QUOTED-PRINTABLE:line one=0D=0Aline=",
        "two=",
        version="2.1",
    )
    draft = one(text)
    assert draft.name == "Renée Dupont- Martin"
    assert draft.notes == "line one\nlinetwo"  # a dangling "=" before END:VCARD is dropped


@pytest.mark.parametrize(
    "charset, encoded, expected",
    [
        ("UTF-8", "=C3=A9t=C3=A9", "été"),
        ("ISO-8859-1", "=E9t=E9", "été"),
        ("windows-1252", "=80 =93ok=94", "€ “ok”"),
        ("Windows-1250", "=8A=9Akoda", "Šškoda"),
        ("SHIFT_JIS", "=83=65=83=58=83=67", "テスト"),
        ("x-unknown", "=C3=A9", "é"),  # unknown charset: UTF-8, else cp1252
        ("x-unknown", "=E9", "é"),
    ],
)
def test_quoted_printable_values_use_their_charset(charset, encoded, expected):
    draft = one(vcard(f"FN;CHARSET={charset};ENCODING=QUOTED-PRINTABLE:{encoded}", version="2.1"))
    assert draft.name == expected


def test_8bit_values_of_a_non_utf8_file_use_their_charset():
    data = (
        b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=ISO-8859-1:J\xfcrgen\r\n"
        b"ORG;CHARSET=UTF-8:Caf\xc3\xa9\r\nTITLE:Ma\xeetre\r\nEND:VCARD\r\n"
    )
    (contact,) = parse_vcards(data)
    assert (contact.draft.name, contact.draft.company) == ("Jürgen", "Café")
    assert contact.draft.title == "Maître"


@pytest.mark.parametrize(
    "line",
    [
        "FN;ENCODING=QUOTED-PRINTABLE:broken =ZZ escape",
        "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E5=BC",  # half a character
        "FN;ENCODING=b;CHARSET=UTF-8:QUJDR",  # not whole base64
    ],
)
def test_undecodable_values_are_errors(line):
    problem = error(vcard(line, version="2.1").encode())
    assert (problem.record, problem.line) == (1, 1)
    assert problem.problem.startswith("line 3:")


def test_base64_text_values_are_decoded():
    draft = one(vcard("FN;ENCODING=b;CHARSET=UTF-8:Sm9zw6k="))
    assert draft.name == "José"


# --- skipping what we do not keep ----------------------------------------------------------------

PHOTO = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo" * 40


def test_photos_in_every_shape_are_skipped():
    text = "\n".join(
        [
            "BEGIN:VCARD",
            "VERSION:2.1",
            "FN:Pat Photo",
            "PHOTO;ENCODING=BASE64;TYPE=JPEG:" + PHOTO[:60],
            *(PHOTO[i : i + 76] for i in range(60, len(PHOTO), 76)),  # not indented
            "",  # 2.1 base64 ends with a blank line
            "LOGO;ENCODING=BASE64;GIF:",
            *("    " + PHOTO[i : i + 76] for i in range(0, len(PHOTO), 76)),
            "",
            "SOUND;ENCODING=b:" + PHOTO,
            "KEY;ENCODING=b;TYPE=X509:" + PHOTO[:70],
            *(" " + PHOTO[i : i + 74] for i in range(70, len(PHOTO), 74)),
            "EMAIL:pat@example.com",
            "END:VCARD",
            "",
        ]
    )
    draft = one(text)
    assert draft.name == "Pat Photo"
    assert emails(draft) == [("pat@example.com", "")]


def test_unknown_properties_are_ignored():
    draft = one(
        vcard(
            "FN:Una Known",
            "UID:1234",
            "REV:2024-01-01T00:00:00Z",
            "PRODID:-//Test//EN",
            "URL:https://example.com",
            "NICKNAME:Unny",
            "X-SOCIALPROFILE;type=twitter:https://twitter.com/una",
            "IMPP;X-SERVICE-TYPE=Skype:skype:una",
            'X-CUSTOM;X-Q="a:b;c":value',
            "item1.URL:https://una.example",
            "item1.X-ABLabel:_$!<HomePage>!$_",
            "LABEL;HOME:1 Road",
            "GEO:geo:1\\,2",
        )
    )
    assert draft == ContactDraft(name="Una Known")


def test_names_and_parameters_are_case_insensitive():
    text = (
        "begin:vcard\nversion:3.0\nfn:Lower Case\nemail;type=work;Type=PREF:a@example.com\n"
        "Tel;TYPE=Cell:+1 555 0100\nend:VCard\n"
    )
    draft = one(text)
    assert draft.name == "Lower Case"
    assert emails(draft) == [("a@example.com", "work")]
    assert phones(draft) == [("+1 555 0100", "mobile")]


def test_lotus_notes_underscores_and_quoted_parameters():
    draft = one(
        vcard(
            "FN:Quinn",
            'ADR;LABEL="1 Main St\\nTown: here";TYPE=work:;;1 Main St;Town;;;',
            'ADR;LABEL="2 Side St: there":;;2 Side St;Village;;;',
            "X_LOTUS_THING:ignored",
        )
    )
    assert [(a.street, a.city, a.label) for a in draft.addresses] == [
        ("1 Main St", "Town", "work"),
        ("2 Side St", "Village", ""),
    ]


# --- labels and preference -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, label",
    [
        ("TEL;CELL:1", "mobile"),
        ("TEL;TYPE=iPhone:1", "mobile"),
        ("TEL;TYPE=mobile:1", "mobile"),
        ("TEL;TYPE=work,voice:1", "work"),
        ("TEL;TYPE=WORK;TYPE=VOICE:1", "work"),
        ('TEL;TYPE="home,voice":1', "home"),
        ("TEL;WORK;FAX:1", "work fax"),
        ("TEL;TYPE=home,fax:1", "home fax"),
        ("TEL;FAX:1", "fax"),
        ("TEL;PAGER:1", "pager"),
        ("TEL;TYPE=MAIN:1", "main"),
        ("TEL;TYPE=other:1", "other"),
        ("TEL;VOICE;MSG:1", ""),
        ("TEL;X-Assistant:1", "Assistant"),
        ("TEL;TYPE=work,cell:1", "mobile"),
        ("item1.TEL:1\nitem1.X-ABLabel:_$!<Mobile>!$_", "mobile"),
        ("item1.TEL:1\nitem1.X-ABLabel:_$!<WorkFAX>!$_", "work fax"),
        ("item1.TEL:1\nitem1.X-ABLabel:_$!<HomeFAX>!$_", "home fax"),
        ("item1.TEL:1\nitem1.X-ABLabel:_$!<Other>!$_", "other"),
        ("item1.TEL:1\nitem1.X-ABLabel:_$!<Main>!$_", "main"),
        ("item1.X-ABLabel:Assistant\nitem1.TEL:1", "Assistant"),  # label before the number
        ("ITEM1.TEL;TYPE=work:1\nitem1.X-ABLABEL:Night line", "Night line"),
        ("item1.TEL;TYPE=work:1\nitem1.X-ABLabel:", "work"),  # an empty label: the type
        ("item1.TEL;TYPE=work:1\nitem2.X-ABLabel:Other card", "work"),
        ("EMAIL;INTERNET;WORK:1", "work"),
        ("EMAIL;TYPE=INTERNET,HOME:1", "home"),
        ("EMAIL;TYPE=x400:1", ""),
        ("EMAIL;TYPE=internet;TYPE=pref:1", ""),
    ],
)
def test_labels(line, label):
    draft = one(vcard("FN:Label Test", *line.split("\n")))
    (item,) = draft.phones or draft.emails
    assert (item.value, item.label) == ("1", label)


def test_preferred_email_and_phone_come_first_in_every_version():
    draft = one(
        vcard(
            "FN:Pref",
            "EMAIL:third@example.com",
            "EMAIL;PREF=2:second@example.com",
            "EMAIL;PREF=1:first@example.com",
            "TEL:+1 3",
            "TEL;TYPE=pref:+1 1",
            "TEL;CELL;PREF:+1 2",
            "TEL;PREF=oops:+1 4",
            version="4.0",
        )
    )
    assert [e.value for e in draft.emails] == [
        "first@example.com",
        "second@example.com",
        "third@example.com",
    ]
    assert [p.value for p in draft.phones] == ["+1 1", "+1 2", "+1 3", "+1 4"]


@pytest.mark.parametrize(
    "line, number",
    [
        ("TEL;VALUE=uri:tel:+1-555-555-0100", "+1-555-555-0100"),
        ("TEL;VALUE=uri;TYPE=work:tel:+1-555-555-0100;ext=22", "+1-555-555-0100 ext. 22"),
        ("TEL;VALUE=uri:tel:5550100;phone-context=+1-555", "5550100"),
        ("TEL;VALUE=text:+1 555 0100", "+1 555 0100"),
        ("TEL:TEL:+44 20 7946 0000", "+44 20 7946 0000"),
        ("TEL: +1 555 0100 ", "+1 555 0100"),
    ],
)
def test_phone_numbers(line, number):
    assert [p.value for p in one(vcard("FN:Tel", line)).phones] == [number]


def test_empty_values_are_dropped_and_values_are_stripped():
    draft = one(
        vcard(
            "FN:  Spacey  ",
            "EMAIL;TYPE=work:",
            "EMAIL:  a@example.com  ",
            "TEL;CELL: ",
            "ADR;TYPE=home:;;;;;;",
            "CATEGORIES:, one ,,two,one",
            "NOTE:",
            "TITLE: ",
        )
    )
    assert draft.name == "Spacey"
    assert emails(draft) == [("a@example.com", "")]
    assert draft.phones == draft.addresses == ()
    assert draft.tags == ("one", "two")
    assert (draft.notes, draft.title) == ("", "")


# --- names ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lines, name, given, family",
    [
        (["FN:Ann Smith", "N:Smith;Ann;;;"], "Ann Smith", "Ann", "Smith"),
        (["N:Smith;Ann;Marie;Dr.;PhD"], "Dr. Ann Marie Smith PhD", "Ann", "Smith"),
        (["N:Stevenson;John;Philip,Paul;Dr.;Jr.,M.D.,A.C.P."], "", "John", "Stevenson"),
        (["N:Smith"], "Smith", "", "Smith"),
        (["FN:", "N:;;;;", "ORG:Acme\\; Sons;Sales"], "Acme; Sons", "", ""),
        (["EMAIL:only@example.com"], "only@example.com", "", ""),
        (["FN:Ann\\, the \\\\first\\; and best"], "Ann, the \\first; and best", "", ""),
        (["FN:First", "FN:Second"], "First", "", ""),
    ],
)
def test_names(lines, name, given, family):
    draft = one(vcard(*lines))
    if name:
        assert draft.name == name
    else:
        assert draft.name == "Dr. John Philip Paul Stevenson Jr., M.D., A.C.P."
    assert (draft.given_name, draft.family_name) == (given, family)


def test_a_card_with_nothing_to_call_it_by_is_an_error():
    data = (vcard("FN:Fine") + vcard("N:;;;;", "NOTE:who am I?", "UID:1")).encode()
    problem = error(data)
    assert (problem.record, problem.line) == (2, 5)
    assert "the card has no name" in problem.problem


def test_company_title_notes_and_tags():
    draft = one(
        vcard(
            "FN:Tag Person",
            "ORG:ABC\\, Inc.;North American Division;Marketing",
            "TITLE:Head of R\\&D\\, EMEA",
            "NOTE:one\\ntwo\\Nthree\\, four\\; five \\\\ six",
            "NOTE:second note",
            "CATEGORIES:alpha,beta\\,gamma",
            "CATEGORIES:delta",
        )
    )
    assert draft.company == "ABC, Inc."
    assert draft.title == "Head of R\\&D, EMEA"  # an unknown escape stays as written
    assert draft.notes == "one\ntwo\nthree, four; five \\ six\n\nsecond note"
    assert draft.tags == ("alpha", "beta,gamma", "delta")


def test_our_stage_comes_back_and_nothing_else_sets_it():
    assert one(vcard("FN:S", "X-RELATIONSHIP-CRM-STAGE:customer")).stage is Stage.CUSTOMER
    assert one(vcard("FN:S", "X-RELATIONSHIP-CRM-STAGE:bogus")).stage is Stage.PROSPECT


# --- addresses -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        (
            ";;1 Main St;Springfield;IL;62701;USA",
            Address("1 Main St", "Springfield", "IL", "62701", "USA"),
        ),
        ("PO Box 5;;;Nome;AK;99762;", Address("PO Box 5", "Nome", "AK", "99762")),
        (";Apt 4;1 Main St;Town;;;", Address("1 Main St\nApt 4", "Town")),
        (";;Line 1\\nLine 2;Town", Address("Line 1\nLine 2", "Town")),
        (";;12\\, Rue X;Paris;;75001;France", Address("12, Rue X", "Paris", "", "75001", "France")),
        (";;1 A St;B;C;D;E;extra", Address("1 A St", "B", "C", "D", "E")),
    ],
)
def test_addresses(value, expected):
    (address,) = one(vcard("FN:Addr", f"ADR:{value}")).addresses
    assert address == expected


# --- birthdays -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, birthday",
    [
        ("BDAY:1980-03-14", "1980-03-14"),
        ("BDAY:19800314", "1980-03-14"),
        ("BDAY:--0314", "--03-14"),
        ("BDAY:--03-14", "--03-14"),
        ("BDAY:1980-03-14T00:00:00Z", "1980-03-14"),
        ("BDAY:19800314T000000", "1980-03-14"),
        ("BDAY:1987-09-27T08:30:00-06:00", "1987-09-27"),
        ("BDAY;X-APPLE-OMIT-YEAR=1604:1604-03-14", "--03-14"),
        ("BDAY;X-APPLE-OMIT-YEAR=1604:1980-03-14", "1980-03-14"),
        ("BDAY;VALUE=date:--0229", "--02-29"),
        ("BDAY:0000-12-25", "--12-25"),
        ("BDAY: ", None),
    ],
)
def test_birthdays(line, birthday):
    assert one(vcard("FN:B", line)).birthday == birthday


@pytest.mark.parametrize(
    "value",
    ["1980-02-30", "14.03.1980", "--1314", "---14", "circa 1800", "1980-3-14", "１９８０-03-14"],
)
def test_unreadable_birthdays_are_errors_that_name_them(value):
    problem = error((vcard("FN:Ok") + vcard("FN:B", f"BDAY:{value}")).encode())
    assert (problem.record, problem.line) == (2, 5)
    assert "birthday" in problem.problem
    assert repr(value) in problem.problem


# --- broken structure ----------------------------------------------------------------------------


def test_nested_begin_is_an_error():
    data = "BEGIN:VCARD\nFN:Outer\nAGENT:\nBEGIN:VCARD\nFN:Inner\nEND:VCARD\nEND:VCARD\n"
    problem = error(data.encode())
    assert (problem.record, problem.line) == (1, 1)
    assert "line 4" in problem.problem


def test_missing_end_before_the_next_card_is_an_error():
    problem = error((vcard("FN:A") + "BEGIN:VCARD\nFN:B\n" + vcard("FN:C")).encode())
    assert (problem.record, problem.line) == (2, 5)


def test_end_of_something_else_is_an_error():
    problem = error(b"BEGIN:VCARD\nFN:A\nEND:VCALENDAR\nEND:VCARD\n")
    assert "END:" in problem.problem


@pytest.mark.parametrize(
    "data, record, line",
    [
        (b"Hello\nBEGIN:VCARD\nFN:A\nEND:VCARD\n", 1, 1),
        (b"BEGIN:VCARD\nFN:A\nEND:VCARD\nstray\nBEGIN:VCARD\nFN:B\nEND:VCARD\n", 2, 4),
        (b"BEGIN:VCARD\nFN:A\nEND:VCARD\ntrailing words\n", 2, 4),
    ],
)
def test_text_outside_cards_is_an_error(data, record, line):
    problem = error(data)
    assert (problem.record, problem.line) == (record, line)
    assert "outside a card" in problem.problem


def test_blank_lines_nul_padding_and_ctrl_z_outside_cards_are_fine():
    data = b"\r\n  \r\n" + vcard("FN:A").encode() + b"\r\n\r\n\x00\x00\r\n\x1a"
    assert [c.draft.name for c in parse_vcards(data)] == ["A"]


def test_lines_vobject_would_take_forever_on_fail_fast():
    started = time.perf_counter()
    for garbage in ("A;B" + "=," * 40 + "x", "A;B=" + "," * 60 + "x", "X" + ";A=a" * 50 + '"'):
        assert "cannot be read" in error(vcard("FN:A", garbage).encode()).problem
    assert time.perf_counter() - started < 1


# --- round trip with our exporter ----------------------------------------------------------------

# Every label our exporter writes comes back as it was: standard ones as TYPE words, the rest
# ("other", "main", "cell", "personal", custom words) in item groups with an X-ABLabel.
EMAIL_LABELS = {k: k for k in ("work", "home", "personal", "other", "")}
ADDRESS_LABELS = {k: k for k in ("work", "home", "other", "")}
PHONE_LABELS = {
    k: k for k in ("work", "home", "mobile", "cell", "fax", "pager", "main", "other", "")
}


def view(**fields: object) -> ContactView:
    base: dict[str, object] = dict(
        id=1,
        name="Ann Smith",
        given_name="Ann",
        family_name="Smith",
        emails=(),
        phones=(),
        company="",
        company_id=None,
        title="",
        stage=Stage.PROSPECT,
        tags=(),
        birthday=None,
        notes="",
    )
    base.update(fields)
    return ContactView(**base)  # type: ignore[arg-type]


def draft_of(contact: ContactView) -> ContactDraft:
    """The draft we expect back from an exported contact."""
    return ContactDraft(
        name=contact.name,
        given_name=contact.given_name,
        family_name=contact.family_name,
        emails=tuple(Labeled(e.value, EMAIL_LABELS.get(e.label, e.label)) for e in contact.emails),
        phones=tuple(Labeled(p.value, PHONE_LABELS.get(p.label, p.label)) for p in contact.phones),
        addresses=tuple(
            dataclasses.replace(a, label=ADDRESS_LABELS.get(a.label, a.label))
            for a in contact.addresses
        ),
        company=contact.company,
        title=contact.title,
        stage=contact.stage,
        tags=contact.tags,
        birthday=contact.birthday,
        notes=contact.notes,
        name_parts_known=True,  # our cards always have N: its parts are kept as they are
    )


FULL = view(
    name="Dr. Ann-Marie O'Neil, Jr.",
    given_name="Ann-Marie",
    family_name="O'Neil",
    emails=(
        Labeled("ann@work.example", "work"),
        Labeled("ann@home.example", "home"),
        Labeled("ann@club.example", "Tennis club"),
        Labeled("ann@other.example", "other"),
    ),
    phones=(
        Labeled("+1 555 0100", "mobile"),
        Labeled("+1 555 0101", "work"),
        Labeled("+1 555 0102", "fax"),
        Labeled("+1 555 0103", "pager"),
        Labeled("+1 555 0104", "Assistant"),
        Labeled("+1 555 0105", "main"),
    ),
    addresses=(
        Address("1 Main St\nSuite 5", "Springfield", "IL", "62701", "USA", "work"),
        Address("2 Rue de l'Église", "Paris", "", "75001", "France", "home"),
        Address("3 Lake Rd", "Tahoe", "CA", "", "", "Cabin; summer"),
    ),
    company="Smith, Jones; Partners \\ Co.",
    title="VP, Sales; EMEA",
    stage=Stage.CUSTOMER,
    tags=("vip", "golf, tennis", "a;b"),
    birthday="1980-03-14",
    notes="Line one, with comma; and semicolon\nLine two \\ backslash\n\nÉté 2024 ☀",
)


@pytest.mark.parametrize("version", ["4.0", "3.0"])
@pytest.mark.parametrize("birthday", ["1980-03-14", "--03-14", "--02-29", None])
def test_everything_we_export_comes_back(version, birthday):
    contact = dataclasses.replace(FULL, birthday=birthday)
    (back,) = parse_vcards(card(contact, version).encode())
    assert back.draft == draft_of(contact)


@pytest.mark.parametrize("version", ["4.0", "3.0"])
def test_many_exported_cards_come_back_in_order(version):
    contacts = [view(id=i, name=f"Person {i}", given_name="", family_name="") for i in range(1, 6)]
    text = "".join(card(c, version) for c in contacts)
    back = parse_vcards(text.encode())
    assert [(c.record, c.draft.name) for c in back] == [(i, f"Person {i}") for i in range(1, 6)]
    per_card = card(contacts[0], version).count("\n")
    assert [c.line for c in back] == [1 + per_card * i for i in range(5)]


# What a rep can type in a one-line field or a note (as in the exporter's tests), plus the
# characters vCard escapes.
special = st.sampled_from([",", ";", "\\", ":", '"', "=", "\\n", "é", "中", "😀", " "])
line_text = (
    st.lists(
        st.one_of(
            st.text(
                alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=8
            ),
            special,
        ),
        max_size=8,
    )
    .map("".join)
    .map(str.strip)
)
block_text = st.lists(line_text, max_size=4).map("\n".join).map(str.strip)


@settings(max_examples=200, deadline=None)
@given(
    name=line_text,
    given_name=line_text,
    family=line_text,
    company=line_text,
    title=line_text,
    notes=block_text,
    tags=st.lists(line_text.filter(bool), max_size=3, unique=True),
    version=st.sampled_from(["4.0", "3.0"]),
)
def test_any_text_round_trips(name, given_name, family, company, title, notes, tags, version):
    contact = view(
        name=name or "X",
        given_name=given_name,
        family_name=family,
        company=company,
        title=title,
        notes=notes,
        tags=tuple(tags),
        emails=(Labeled("x@example.com", name.strip() or "work"),),
    )
    (back,) = parse_vcards(card(contact, version).encode())
    expected = draft_of(contact)
    assert back.draft.name == expected.name
    assert (back.draft.given_name, back.draft.family_name) == (given_name, family)
    assert (back.draft.company, back.draft.title) == (company, title)
    assert back.draft.notes == notes
    assert back.draft.tags == tuple(tags)
    assert [e.value for e in back.draft.emails] == ["x@example.com"]


@settings(max_examples=50, deadline=None)
@given(st.lists(line_text.filter(bool), min_size=1, max_size=6))
def test_repeated_line_heads_keep_their_own_values(notes):
    """Lines with the same head are read once by vobject; each still has its own value."""
    data = "".join(vcard("FN:N", f"NOTE:{escape(n)}") for n in notes).encode()
    assert [c.draft.notes for c in parse_vcards(data)] == notes


# --- nothing but InvalidInputError, whatever the bytes -------------------------------------------


def check_any(data: bytes) -> None:
    try:
        result = parse_vcards(data)
    except InvalidInputError:
        return
    assert all(isinstance(c, ImportedContact) and c.draft.name for c in result)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600))
@example(b"BEGIN:VCARD")
@example(b"BEGIN:VCARD\nEND:VCARD")
@example(b"\xff\xfe\x00")
@example(b"\xfe\xff")
@example(b"\x00\x00\xfe\xff")
@example(b"BEGIN:VCARD\nFN;ENCODING=QUOTED-PRINTABLE:=\nEND:VCARD")
def test_random_bytes(data):
    check_any(data)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_inside_a_card(data):
    check_any(b"BEGIN:VCARD\r\nVERSION:3.0\r\n" + data + b"\r\nEND:VCARD\r\n")


SEEDS = [
    (DATA / name).read_bytes()
    for name in ("outlook-2.1.vcf", "android-2.1.vcf", "google-3.0.vcf", "rfc6350-4.0.vcf")
] + [card(FULL, "4.0").encode(), card(FULL, "3.0").encode()]

NASTY_LINES = [
    b"BEGIN:VCARD",
    b"END:VCARD",
    b"",
    b" folded",
    b"=",
    b"NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:=E5=",
    b"NOTE;QUOTED-PRINTABLE:=ZZ",
    b"FN;CHARSET=utf-16:=00",
    b"BDAY:garbage",
    b"BDAY:--1399",
    b"PHOTO;ENCODING=BASE64:",
    b"TEL;VALUE=uri:tel:;ext=",
    b"item1.X-ABLabel:_$!<>!$_",
    b'EMAIL;TYPE="unterminated:a@b',
    b"A;B=,=,=,=,=,=,=,=,=,=,=,=,=,=,=,=,=,=,=,=,=,=,=,=x",
    b"\xff\xfe\x00",
    b"X-RELATIONSHIP-CRM-STAGE:lead",
]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    lines = draw(st.sampled_from(SEEDS)).split(b"\n")
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["delete", "duplicate", "insert", "flip", "truncate"]))
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "insert":
            lines.insert(i, draw(st.sampled_from(NASTY_LINES) | st.binary(max_size=40)))
        elif op == "flip" and lines[i]:
            j = draw(st.integers(0, len(lines[i]) - 1))
            byte = draw(st.integers(0, 255))
            lines[i] = lines[i][:j] + bytes([byte]) + lines[i][j + 1 :]
        elif op == "truncate":
            lines = lines[: i + 1]
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
    return b"\n".join(lines)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_damaged_real_files(data):
    check_any(data)


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(
        sorted(set(encodings.aliases.aliases) | set(encodings.aliases.aliases.values()))
    ),
    st.binary(min_size=1, max_size=12),
    st.booleans(),
)
def test_any_charset_name(charset, data, raw):
    value = "".join(f"={b:02X}" for b in data)
    line = f"FN;CHARSET={charset};ENCODING=QUOTED-PRINTABLE:{value}"
    if raw:  # an 8-bit value in a file that is not UTF-8
        body = f"FN;CHARSET={charset}:".encode() + data + b"\xff"
    else:
        body = line.encode()
    check_any(b"BEGIN:VCARD\r\nORG:x\r\n" + body + b"\r\nEND:VCARD\r\n")


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet='A;=,":.x ', min_size=1, max_size=12))
def test_a_line_is_unreadable_exactly_when_vobject_cannot_read_it(line):
    if line[0] == " ":
        line = "A" + line
    readable = line_re.match(line) is not None
    head, colon, value = line.partition(":")
    if colon and '"' not in head:
        # Empty parameters (`ADR;HOME;PREF;:`, as Outlook writes) are dropped before reading.
        name, _, params = head.partition(";")
        params = ";".join(p for p in params.split(";") if p)
        readable = readable or line_re.match(f"{name};{params}:{value}".replace(";:", ":"))
    try:
        (contact,) = parse_vcards(f"BEGIN:VCARD\r\nFN:F\r\n{line}\r\nEND:VCARD\r\n".encode())
    except RecordError as exc:
        assert not readable, exc
        assert "cannot be read" in exc.problem
    else:
        assert readable


# --- issue 14: what other programs write, read whole ------------------------------------------


def test_a_text_birthday_goes_to_the_notes():
    draft = one(vcard("FN:Old", "BDAY;VALUE=text:circa 1800", version="4.0"))
    assert (draft.birthday, draft.notes) == (None, "birthday: circa 1800")


@pytest.mark.parametrize(
    "line",
    [
        "ADR;HOME;PREF;:;;1 Main St;Springfield;;;USA",
        "ADR;;HOME;;PREF:;;1 Main St;Springfield;;;USA",
    ],
)
def test_empty_parameters_are_dropped(line):
    (address,) = one(vcard("FN:A", line, version="2.1")).addresses
    assert address == Address("1 Main St", "Springfield", "", "", "USA", "home")


def test_legacy_property_names_are_kept_in_the_notes():
    draft = one(
        vcard("FN:A", "X-messaging/twitter-All:@ada", "X-messaging/aim-All:ada1", "X-ICQ-All:42")
    )
    assert draft.notes == "twitter: @ada\n\naim: ada1\n\nicq: 42"


@pytest.mark.parametrize(
    ("value", "kept"),
    [("+1-800-MYFAX", True), ("1-800-FLOWERS", True), ("+1 555 0100 ext. 12", False)],
)
def test_vanity_numbers_are_kept_as_written(value, kept):
    draft = one(vcard("FN:A", f"TEL;TYPE=WORK:{value}"))
    if kept:
        assert (draft.phones, draft.notes) == ((), f"phone (work): {value}")
    else:
        assert phones(draft) == [(value, "work")]


def test_a_bare_cr_inside_a_value_is_not_a_line_end():
    data = b"BEGIN:VCARD\r\nFN:A\r\nNOTE:one\rtwo\r\nEND:VCARD\r\n"
    (contact,) = parse_vcards(data)
    assert contact.draft.notes == "one\ntwo"
    # A file with CR alone at every line end (old Macs) still reads.
    (old_mac,) = parse_vcards(b"BEGIN:VCARD\rFN:Mac\rNOTE:x\rEND:VCARD\r")
    assert (old_mac.draft.name, old_mac.draft.notes) == ("Mac", "x")


@pytest.mark.parametrize(
    ("lines", "name"),
    [
        (["NICKNAME:Bubba,B", "EMAIL:b@example.com"], "Bubba"),
        (["N:;;;;", "EMAIL:only@example.com"], "only@example.com"),
        (["ORG:Acme;Sales", "TEL:+1 555 0100"], "Acme"),
    ],
)
def test_a_card_without_a_name_is_named_by_what_it_has(lines, name):
    assert one(vcard(*lines)).name == name


def test_escapes_are_undone_everywhere():
    draft = one(vcard('FN:A \\"B\\"', 'NOTE:a \\"q\\"\\, b\\; c\\\\d\\ne', "TITLE:x\\,y"))
    assert (draft.name, draft.notes, draft.title) == ('A "B"', 'a "q", b; c\\d\ne', "x,y")


def test_custom_labels_from_type_words_and_item_groups():
    draft = one(
        vcard(
            "FN:A",
            "EMAIL;TYPE=school:a@school.example",
            "EMAIL;TYPE=INTERNET;TYPE=HOME:a@home.example",
            "item1.EMAIL;TYPE=INTERNET:a@club.example",
            "item1.X-ABLabel:chess club",
            "TEL;TYPE=VOICE;TYPE=boat:+1 555 0100",
        )
    )
    assert emails(draft) == [
        ("a@school.example", "school"),
        ("a@home.example", "home"),
        ("a@club.example", "chess club"),
    ]
    assert phones(draft) == [("+1 555 0100", "boat")]


@pytest.mark.parametrize(
    "lines",
    [
        ["KIND:org", "FN:Acme Ltd", "ORG:Acme Ltd"],
        ["FN:Acme Ltd", "N:;;;;", "ORG:Acme Ltd;", "X-ABShowAs:COMPANY"],
        ["FN:Acme Ltd", "N:;;;;", "ORG:Acme Ltd"],
        ["N:;;;;", "ORG:Acme Ltd"],
    ],
)
def test_organisation_cards_are_not_split_into_a_person(lines):
    draft = one(vcard(*lines, version="4.0"))
    assert (draft.name, draft.company) == ("Acme Ltd", "Acme Ltd")
    assert (draft.given_name, draft.family_name, draft.name_parts_known) == ("", "", True)


@pytest.mark.parametrize(
    ("lines", "given", "family", "known"),
    [
        (["FN:Ada King Lovelace", "N:Lovelace;Ada;King;;PhD"], "Ada", "Lovelace", True),
        (["FN:Ada King Lovelace", "N:;Ada;;;"], "Ada", "", True),  # no family name: none made
        (["FN:hosting@1and1.com", "N:;;;;"], "", "", True),
        (["FN:Jane Doe"], "", "", False),  # no N at all: the service guesses from FN
    ],
)
def test_fn_is_the_name_and_n_the_parts_as_the_file_says_them(lines, given, family, known):
    draft = one(vcard(*lines, version="4.0"))
    assert draft.name == lines[0][3:]
    assert (draft.given_name, draft.family_name, draft.name_parts_known) == (given, family, known)


@pytest.mark.parametrize(
    ("codec", "name", "company", "note"),
    [
        ("cp1253", "Βαγγέλης Παπαδόπουλος", "Ελληνικά Ναυπηγεία", "Θεσσαλονίκη"),
        ("cp1255", "דוד לוי", "תעשיות ים המלח", "ים המלח"),
        ("cp1251", "Иван Петров", "Уральский завод", "Екатеринбург"),
    ],
)
def test_code_pages(codec, name, company, note):
    body = f"FN:{name}\r\nORG:{company}\r\n".encode(codec)
    qp_note = "".join(f"={b:02X}" for b in note.encode(codec))
    tail = f"NOTE;ENCODING=QUOTED-PRINTABLE:{qp_note[:30]}=\r\n{qp_note[30:]}\r\n".encode()
    start = b"BEGIN:VCARD\r\nVERSION:2.1\r\n"
    end = b"END:VCARD\r\n"
    # The charset named on another line of the card only: no guess, no warning.
    hint = f"TITLE;CHARSET=windows-{codec[2:]}:x\r\n".encode()
    named = read_vcards(start + body + tail + hint + end)
    assert named.warnings == []
    (draft,) = [c.draft for c in named.contacts]
    assert (draft.name, draft.company, draft.notes) == (name, company, note)
    # No charset anywhere: detected per card, and the guess reported.
    guessed = read_vcards(start + body + tail + end + start + b"FN:Plain\r\n" + end)
    assert [(c.draft.name, c.draft.company, c.draft.notes) for c in guessed.contacts] == [
        (name, company, note),
        ("Plain", "", ""),
    ]
    (warning,) = guessed.warnings
    assert (warning.record, warning.line) == (1, 1)
    assert "a guess" in warning.text and codec[2:] in warning.text


def test_not_strict_keeps_bad_values_in_the_notes_and_warns():
    data = (
        vcard("FN:A", "BDAY:32.13.", "NOTE;ENCODING=QUOTED-PRINTABLE:=ZZ", "this is no line")
        + vcard("N:;;;;", "NOTE:who am I?")
        + vcard("FN:B", "EMAIL:b@example.com")
    ).encode()
    with pytest.raises(RecordError, match="birthday"):
        parse_vcards(data)
    result = read_vcards(data, strict=False)
    first, second = (c.draft for c in result.contacts)
    assert first.notes == (
        "unreadable birthday: 32.13.\n\nunreadable note: =ZZ\n\nunreadable line: this is no line"
    )
    assert second == ContactDraft(
        name="B", emails=(Labeled("b@example.com"),), name_parts_known=False
    )
    assert [(w.record, w.line) for w in result.warnings] == [(1, 1), (1, 1), (1, 1), (2, 8)]
    assert "line 4: the birthday '32.13.' is not a date; kept in notes" in str(result.warnings[0])
    assert "the card has no name; the card was left out" in str(result.warnings[3])


def test_errors_name_the_format():
    problem = error(vcard("FN:A", "BDAY:nope").encode())
    assert str(problem).startswith("vCard record 1 (line 1): line 4: the birthday")
    assert isinstance(problem, VCardRecordError)
    headless = b"ADR;TYPE=WORK:;;1 Main St;;;;\r\nFN:A\r\nEND:VCARD\r\n"
    assert str(error(headless)) == (
        "vCard record 1 (line 1): no BEGIN:VCARD before the card's first line"
    )
