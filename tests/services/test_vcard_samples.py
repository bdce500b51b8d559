"""vCards other programs write (issue 14), each sample imported whole through the import service
on a real database, with the values that must come out of it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from relationship_crm.domain.records import Address, ContactView, Labeled
from relationship_crm.interchange.vcard_import import read_vcards
from relationship_crm.services import companies, contacts, import_files

DATA = Path(__file__).resolve().parent.parent / "data" / "vcards"
T0 = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def imported(db, name: str) -> dict[str, ContactView]:
    """Import a sample into the empty test database: its contacts by name."""
    data = (DATA / name).read_bytes()
    with db.write() as s:
        result = import_files.import_data(s, data, now=T0)
    with db.read() as s:
        found = {c.name: c for c in contacts.list_contacts(s)}
    assert result.contacts.added == len(found) == len(read_vcards(data).contacts)
    return found


def parts(contact: ContactView) -> tuple[str, str]:
    return (contact.given_name, contact.family_name)


def test_outlook_21_empty_parameter_vanity_fax_soft_breaks_and_a_bare_cr(db):
    found = imported(db, "outlook-2.1-oddities.vcf")
    quimby = found["Joseph Quimby"]
    assert quimby.addresses == (Address("1 Main St", "Springfield", "OR", "97403", "USA", "home"),)
    assert quimby.phones == (Labeled("+1 555 0100", "work"),)
    # The vanity fax number is kept as written (the phone check takes digits only).
    assert quimby.notes == (
        "phone (work fax): +1-800-MYFAX\n\n"
        "Vote Quimby! Re-elect the mayor who brought you the monorail and the\nlemon tree."
    )
    assert (quimby.company, quimby.title) == ("Springfield City Hall", "Mayor")
    helene = found["Hélène Lefèvre"]  # the CHARSET is named on N only
    assert parts(helene) == ("Hélène", "Lefèvre")
    assert helene.notes == "Prefers calls before noon.\nAsk about the bakery."


def test_vcard_40_text_birthday_organisation_and_nameless_cards(db):
    found = imported(db, "rfc6350-4.0-oddities.vcf")
    aunt = found["Aunt Ermintrude"]
    assert aunt.birthday is None
    assert aunt.notes == (
        'birthday: circa 1800\n\nShe said "never", then; later, wrote \\o/ and:\nsee you'
    )
    assert aunt.emails == (Labeled("ermintrude@school.example", "school"),)
    assert parts(aunt) == ("", "Ermintrude")  # N as the file says it, nothing guessed
    acme = found["Acme Widgets Ltd"]  # KIND:org
    assert (acme.company, parts(acme)) == ("Acme Widgets Ltd", ("", ""))
    assert acme.addresses[0].label == "work"
    # Named by what they have: a nickname, an email address, a company.
    assert found["Bubba"].phones == (Labeled("+1 555 0142", "mobile"),)
    assert parts(found["hosting@1and1.com"]) == ("", "")
    assert (found["Gadgets GmbH"].company, parts(found["Gadgets GmbH"])) == (
        "Gadgets GmbH",
        ("", ""),
    )
    with db.read() as s:
        names = {c.name for c in companies.list_companies(s)}
    assert {"Acme Widgets Ltd", "Gadgets GmbH"} <= names


def test_apple_company_card_labels_and_names_as_the_file_says_them(db):
    found = imported(db, "apple-3.0-names.vcf")
    apple = found["Apple Computer AG"]  # X-ABShowAs:COMPANY: not split into a person
    assert (apple.company, parts(apple)) == ("Apple Computer AG", ("", ""))
    assert apple.phones == (Labeled("+41 43 444 00 00", "main"),)
    ada = found["Ada King Lovelace"]  # FN, not "Ada King Lovelace PhD"
    assert parts(ada) == ("Ada", "Lovelace")
    assert ada.emails == (
        Labeled("ada@analytical.example", "school"),
        Labeled("ada@home.example", "home"),
    )
    assert (ada.birthday, ada.notes) == ("--12-10", 'Writes "notes" on the engine; see G.')
    host = found["hosting@1and1.com"]
    assert parts(host) == ("hosting@1and1.com", "")  # no family name made up from FN


@pytest.mark.parametrize(
    ("name", "people"),
    [
        (
            "greek-cp1253-2.1.vcf",
            {
                "Βαγγέλης Παπαδόπουλος": (
                    "Ελληνικά Ναυπηγεία",
                    "Συναντηθήκαμε στη Θεσσαλονίκη, στην έκθεση του Σεπτεμβρίου.",
                )
            },
        ),
        ("hebrew-cp1255-2.1.vcf", {"דוד לוי": ("תעשיות ים המלח", "")}),
        (
            "cyrillic-cp1251-2.1.vcf",
            {
                "Иван Петров": ("Уральский завод", ""),
                "Ольга Смирнова": ("", "Познакомились в Екатеринбурге на выставке."),
            },
        ),
    ],
)
def test_windows_code_pages_named_on_another_line_or_detected(db, name, people):
    found = imported(db, name)
    assert {n: (c.company, c.notes) for n, c in found.items()} == people


def test_a_guessed_code_page_is_reported_and_a_named_one_is_not():
    guessed = read_vcards((DATA / "cyrillic-cp1251-2.1.vcf").read_bytes()).warnings
    assert [(w.record, w.line) for w in guessed] == [(1, 1), (2, 8)]
    assert str(guessed[0]) == (
        "vCard record 1 (line 1): the card names no character set; its text was read as "
        "Windows-1251 (Cyrillic) (a guess: check its names)"
    )
    for named in ("greek-cp1253-2.1.vcf", "hebrew-cp1255-2.1.vcf", "outlook-2.1-oddities.vcf"):
        assert read_vcards((DATA / named).read_bytes()).warnings == []


@pytest.mark.parametrize("name", ["utf16be-nobom.vcf", "utf16le-nobom.vcf"])
def test_utf16_without_a_byte_order_mark(db, name):
    assert import_files.inspect((DATA / name).read_bytes()).kind == "vcard"
    found = imported(db, name)
    assert found["Søren Østergaard"].emails == (Labeled("soren@example.dk", "home"),)
    assert parts(found["Μαρία Βαγγέλη"]) == ("Μαρία", "Βαγγέλη")


def test_evolution(db):
    (yuki,) = imported(db, "evolution-3.0.vcf").values()
    assert yuki.name == "Yuki Nakamura"
    assert yuki.emails == (
        Labeled("yuki@kaisha.example", "work"),
        Labeled("yuki.n@example.org", "other"),
    )
    assert yuki.phones == (Labeled("+81 90 1234 5678", "mobile"),)
    assert yuki.addresses == (
        Address("2-3-1 Marunouchi", "Chiyoda-ku", "Tokyo", "100-0005", "Japan", "home"),
    )
    assert (yuki.tags, yuki.birthday) == (("Conference", "Tokyo"), "1985-04-01")
    assert yuki.notes == "Met at the Tokyo fair.\nLikes green tea."


def test_kde_legacy_messaging_names_are_kept_in_the_notes(db):
    (konqi,) = imported(db, "kde-3.0.vcf").values()
    assert (konqi.name, konqi.company) == ("Konqi Dragon", "KDE e.V.")
    assert konqi.notes == "xmpp: konqi@jabber.example\n\ntwitter: @konqi\n\nicq: 123456789"


def test_android_quoted_printable_soft_breaks_and_a_nickname_card(db):
    found = imported(db, "android-2.1-nicknames.vcf")
    bjorn = found["Björn Ångström"]
    assert bjorn.notes == "Träffade på mässan i Göteborg. Gillar kaffe och kanelbullar."
    assert bjorn.phones[1] == Labeled("+46 8 123 456", "Assistant")
    assert found["Moose"].emails == (Labeled("moose@example.se", "home"),)
