"""The fields a CSV column can be mapped to, and a guess of each column's field from its name.

The import dialog offers `FIELDS` for each column of a CSV it does not recognise and pre-selects
`guess_mapping(header)` (English, German, French and Spanish column names). Pure.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

FIELDS: tuple[tuple[str, str], ...] = (
    ("name", "Full name"),
    ("given_name", "Given name"),
    ("family_name", "Family name"),
    ("email", "Email"),
    ("phone", "Phone"),
    ("company", "Company"),
    ("title", "Job title"),
    ("street", "Street"),
    ("city", "City"),
    ("region", "Region / state"),
    ("postcode", "Postcode"),
    ("country", "Country"),
    ("birthday", "Birthday"),
    ("notes", "Notes"),
    ("tags", "Tags"),
)
"""(key, label) pairs a column can be mapped to; a column mapped to nothing is ignored."""

FIELD_KEYS: frozenset[str] = frozenset(key for key, _ in FIELDS)

# Fields that several columns may feed: their values are collected, not joined into one.
MULTI_FIELDS: frozenset[str] = frozenset({"email", "phone", "tags", "street", "notes"})

# A mapping must name the contact somehow, or every row would be an error.
# --------------------------------------------------------------------------------------------
# Guessing a mapping for other CSVs


def name_words(text: str) -> list[str]:
    """Lowercase words without accents: "Téléphone (mobile)" -> ["telephone", "mobile"]."""
    plain = "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )
    return re.findall(r"[a-z0-9]+", plain.lower().replace("ß", "ss"))


# Exact header names (as joined `name_words`), English first, then German, French and Spanish.
_ALIASES: dict[str, tuple[str, ...]] = {
    "name": (
        "name", "full name", "fullname", "display name", "contact", "contact name", "file as",
        "nom complet", "nom et prenom", "prenom et nom", "nombre completo", "vollstandiger name",
        "vollstaendiger name", "anzeigename",
    ),
    "given_name": (
        "first name", "firstname", "first", "given name", "givenname", "forename", "prenom",
        "vorname", "nombre", "nombre de pila",
    ),
    "family_name": (
        "last name", "lastname", "last", "surname", "family name", "familyname", "nom",
        "nom de famille", "nachname", "familienname", "apellido", "apellidos",
    ),
    "email": (
        "email", "e mail", "mail", "email address", "e mail address", "emailaddress",
        "courriel", "adresse email", "adresse e mail", "adresse electronique", "mel",
        "e mail adresse", "emailadresse", "correo", "correo electronico",
    ),
    "phone": (
        "phone", "telephone", "tel", "mobile", "cell", "cellphone", "phone number",
        "mobile phone", "work phone", "home phone", "portable", "telefon", "telefonnummer",
        "handy", "mobil", "mobiltelefon", "telefono", "movil", "celular", "fax",
    ),
    "company": (
        "company", "company name", "firm", "organisation", "organization", "organisation name",
        "organization name", "org", "employer", "business", "societe", "entreprise",
        "organisme", "firma", "unternehmen", "empresa", "compania", "organizacion",
    ),
    "title": (
        "title", "job title", "jobtitle", "position", "role", "job", "occupation",
        "fonction", "poste", "titre", "berufsbezeichnung", "beruf", "stellung",
        "funktion", "cargo", "puesto",
    ),
    "street": (
        "street", "address", "street address", "address line 1", "address line 2",
        "address 1", "address 2", "adresse", "rue", "strasse", "anschrift", "direccion", "calle",
    ),
    "city": ("city", "town", "ville", "stadt", "ort", "ciudad", "localite", "locality"),
    "region": (
        "region", "state", "province", "county", "state province", "departement",
        "bundesland", "provincia", "estado",
    ),
    "postcode": (
        "postcode", "post code", "postal code", "zip", "zip code", "zipcode", "code postal",
        "cp", "plz", "postleitzahl", "codigo postal",
    ),
    "country": ("country", "country region", "pays", "land", "pais", "nation"),
    "birthday": (
        "birthday", "birth date", "birthdate", "date of birth", "dob", "date de naissance",
        "anniversaire", "geburtstag", "geburtsdatum", "cumpleanos", "fecha de nacimiento",
    ),
    "notes": (
        "notes", "note", "comments", "comment", "remarks", "description", "memo",
        "remarques", "remarque", "commentaire", "commentaires", "notizen", "notiz",
        "bemerkung", "bemerkungen", "kommentar", "notas", "nota", "comentarios",
    ),
    "tags": (
        "tags", "tag", "labels", "label", "categories", "category", "groups", "group",
        "group membership", "etiquettes", "etiquette", "categorie",
        "kategorien", "kategorie", "gruppen", "etiquetas", "categorias",
    ),
}  # fmt: skip

# Words that give a header away when it is not an exact alias ("Work E-mail", "Home Phone"),
# tried in this order: "Email Address" is an email, "Company Phone" a phone, "Organization
# Title" a title, "Company Name" a company. Each entry: field, whole words, word prefixes.
_KEYWORDS: tuple[tuple[str, frozenset[str], tuple[str, ...]], ...] = (
    ("email", frozenset({"email", "mail", "courriel", "correo"}), ("email",)),
    (
        "phone",
        frozenset({"phone", "phones", "tel", "telephone", "mobile", "cell", "cellphone", "fax",
                   "portable", "handy", "mobil", "telefono", "movil", "celular", "pager"}),
        ("telefon",),
    ),
    ("birthday", frozenset({"birthday", "dob", "naissance", "geburtstag"}), ("geburts",)),
    ("postcode", frozenset({"zip", "postcode", "postal", "plz"}), ()),
    ("country", frozenset({"country", "pays", "pais"}), ()),
    ("city", frozenset({"city", "town", "ville", "stadt", "ciudad"}), ()),
    ("region", frozenset({"state", "region", "province", "county"}), ()),
    ("street", frozenset({"street", "address", "adresse", "rue", "direccion"}), ("strasse",)),
    ("title", frozenset({"title", "position", "job", "role", "poste", "fonction"}), ()),
    ("company", frozenset({"company", "firm", "organisation", "organization", "societe",
                           "entreprise", "firma", "empresa", "employer"}), ()),
    ("given_name", frozenset({"first", "given", "prenom", "vorname"}), ()),
    ("family_name", frozenset({"last", "surname", "family", "nachname", "apellido"}), ()),
    ("name", frozenset({"name", "nom", "nombre"}), ()),
    ("notes", frozenset({"notes", "note", "comments", "comment", "remarks"}), ()),
    ("tags", frozenset({"tags", "tag", "labels", "categories", "groups"}), ()),
)  # fmt: skip

# Headers about something else that merely mentions a field: "E-mail Type", "Phone 1 - Label",
# "Phonetic First Name", "Name Suffix", "Manager's Name", "Website 1 - Value".
_NOT_A_FIELD = frozenset(
    {"type", "label", "display", "yomi", "phonetic", "prefix", "suffix", "initials",
     "department", "symbol", "location", "website", "web", "url", "photo", "gender", "id",
     "assistant", "assistants", "manager", "managers", "spouse", "children", "referred",
     "middle", "additional", "maiden", "short", "nickname"}
)  # fmt: skip

# Exact aliases that are still a weak guess: Outlook's "Title" is the honorific (Mr.), so a
# "Job Title" column wins over it.
_WEAK_ALIASES = frozenset({"title"})


def _guess_field(name: str) -> tuple[str, int] | None:
    """The field a header names and how sure that is (2 exact alias, 1 keyword), or None."""
    words = name_words(name)
    joined = " ".join(words)
    for key, aliases in _ALIASES.items():
        if joined in aliases:
            return key, 1 if joined in _WEAK_ALIASES else 2
    if _NOT_A_FIELD & set(words):
        return None
    for key, exact, prefixes in _KEYWORDS:
        if any(word in exact or word.startswith(prefixes) for word in words):
            return key, 1
    return None


def guess_mapping(header: Sequence[str]) -> dict[int, str]:
    """Best guesses (column index -> field key) for the column-mapping dialog.

    A field that takes one value (name, company, city...) goes to the surest, then first,
    column that looks like it; emails, phones, streets, notes and tags may come from several.
    """
    guesses = [(index, _guess_field(name)) for index, name in enumerate(header)]
    best: dict[str, tuple[int, int]] = {}  # single-valued field -> (-sureness, index)
    mapping: dict[int, str] = {}
    for index, guess in guesses:
        if guess is None:
            continue
        key, sureness = guess
        if key in MULTI_FIELDS:
            mapping[index] = key
        elif key not in best or (-sureness, index) < best[key]:
            best[key] = (-sureness, index)
    for key, (_, index) in best.items():
        mapping[index] = key
    return dict(sorted(mapping.items()))
