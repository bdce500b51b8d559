"""The built-in rules that read the columns of known CSV exports: our own, Google Contacts,
Outlook, LinkedIn, and the address books of Thunderbird and Roundcube.

Each rule turns one row's cells into a `Builder` (`csv_rows`), finding its columns by name
through `Columns`, which also remembers every column a rule asked for: the cells of the others
are kept in the notes. Which rule a file gets is `csv_import`'s choice, by the export
`csv_reading` recognised. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence

from relationship_crm.domain.enums import SHIPPED_STAGES, Stage
from relationship_crm.domain.records import Address
from relationship_crm.interchange.csv_export import COLUMNS, unneutralise
from relationship_crm.interchange.csv_reading import GOOGLE_NUMBERED, column_key, labelled_column
from relationship_crm.interchange.csv_rows import Builder, clean, join


class Columns:
    """Finds a header's columns by name (case, spaces and punctuation ignored)."""

    def __init__(self, header: Sequence[str]) -> None:
        self.header = header
        self.index: dict[str, int] = {}
        for at, name in enumerate(header):
            self.index.setdefault(column_key(name), at)
        # Every column a rule has asked for: the others' cells are kept in the notes.
        self.read: set[int] = set()

    def has(self, *names: str) -> bool:
        return any(column_key(name) in self.index for name in names)

    def mark(self, *names: str) -> None:
        """Count these columns as read (a rule uses them only sometimes, or on purpose not)."""
        for name in names:
            at = self.index.get(column_key(name))
            if at is not None:
                self.read.add(at)

    def get(self, cells: Sequence[str], *names: str) -> str:
        """The first non-empty stripped cell among the columns `names`, else ""."""
        self.mark(*names)
        for name in names:
            at = self.index.get(column_key(name))
            if at is not None and at < len(cells):
                value = clean(cells[at])
                if value:
                    return value
        return ""

    def birthday(self, cells: Sequence[str]) -> str:
        """ "Birthday", else the split "Birth Year/Birth Month/Birth Day" of mail programs as
        "YYYY-MM-DD" or "--MM-DD" (no year); unreadable parts come back as written."""
        # "Birth Day" and "Birthday" are one column key: a "Birth Month" column tells them apart.
        if not self.has("Birth Month"):
            return self.get(cells, "Birthday", "Birth Date", "Date of Birth")
        year = self.get(cells, "Birth Year")
        month = self.get(cells, "Birth Month")
        day = self.get(cells, "Birth Day")
        if not (month or day):
            return ""
        if month.isdigit() and day.isdigit() and (not year or year.isdigit()):
            prefix = f"{int(year):04d}" if year else "-"
            return f"{prefix}-{int(month):02d}-{int(day):02d}"
        return "/".join(part for part in (year, month, day) if part)


def _split_multi(value: str) -> list[str]:
    """Google puts several values of one label in one cell: "a@x.com ::: b@x.com"."""
    return [part.strip() for part in value.split(":::") if part.strip()]


def _google_label(value: str) -> str:
    """Google marks the primary value's label with "* " ("* Work"): "work"."""
    return value.strip().lstrip("*").strip().lower()


class OwnRule:
    """Our own export (`csv_export`): cells un-neutralised, "label: value" lists split again."""

    def __init__(self, columns: Columns, stages: Collection[str] = SHIPPED_STAGES) -> None:
        self.columns = columns
        self.stages = stages

    def get(self, cells: Sequence[str], name: str) -> str:
        self.columns.mark(name)
        at = self.columns.index.get(column_key(name))
        if at is None or at >= len(cells):
            return ""
        return clean(unneutralise(cells[at]))

    def __call__(self, cells: Sequence[str]) -> Builder:
        stage_text = self.get(cells, "Stage")
        bad: list[tuple[str, str, str]] = []
        key = stage_text.lower()
        stage: str = Stage.PROSPECT
        if key in SHIPPED_STAGES:
            stage = Stage(key)
        elif key in self.stages:
            stage = key
        elif stage_text:
            valid = ", ".join(self.stages)
            bad.append(("stage", stage_text, f"not a stage; use one of: {valid}"))
        row = Builder(
            name=self.get(cells, "Name"),
            given_name=self.get(cells, "Given name"),
            family_name=self.get(cells, "Family name"),
            company=self.get(cells, "Company"),
            title=self.get(cells, "Title"),
            birthday=self.get(cells, "Birthday"),
            notes=self.get(cells, "Notes"),
            stage=stage,
            bad=bad,
        )
        for value, label in _own_labelled(self.get(cells, "Emails")):
            row.add_email(value, label)
        for value, label in _own_labelled(self.get(cells, "Phones")):
            row.add_phone(value, label)
        row.add_tags(self.get(cells, "Tags").split("; "))
        if self.columns.has("Street"):
            row.add_address(
                Address(
                    street=self.get(cells, "Street"),
                    city=self.get(cells, "City"),
                    region=self.get(cells, "Region"),
                    postcode=self.get(cells, "Postcode"),
                    country=self.get(cells, "Country"),
                    label=self.get(cells, "Address label"),
                )
            )
        else:
            # A file from before the address parts had their columns: the one-line address.
            row.add_address(Address(street=self.get(cells, "Address")))
        # Our own columns are ours to know: the id is this database's, the one-line address
        # repeats the parts.
        self.columns.mark(*COLUMNS)
        return row


def _own_labelled(cell: str) -> list[tuple[str, str]]:
    """Our "label: value; value" cell as (value, label) pairs."""
    pairs = []
    for item in cell.split("; "):
        label, colon, value = item.partition(": ")
        pairs.append((value, label) if colon else (item, ""))
    return [(value.strip(), label.strip()) for value, label in pairs if value.strip()]


class GoogleRule:
    """Google Contacts, current ("First Name", "Labels", "E-mail 1 - Label") and older
    ("Name", "Given Name", "Group Membership", "E-mail 1 - Type", "Organization 1 - Name")."""

    # System groups Google exports but never shows as labels; other "* X" groups of the older
    # export (Friends, Family, Coworkers) were shown to the user, so they stay as tags.
    _HIDDEN_GROUPS = frozenset({"mycontacts", "starred", "othercontacts", "chatbuddies", "blocked"})
    # Numbered groups a contact has no field for: kept in the notes as "Website (work): …".
    _KEPT_IN_NOTES = {
        "website": "Website",
        "relation": "Relation",
        "event": "Event",
        "customfield": "Custom field",
        "im": "IM",
        "instantmessage": "IM",
    }

    def __init__(self, columns: Columns) -> None:
        self.columns = columns
        # (what, number) -> {part: column index}, e.g. ("phone", 1) -> {"label": 21, "value": 22}
        self.numbered: dict[tuple[str, int], dict[str, int]] = {}
        for at, name in enumerate(columns.header):
            match = GOOGLE_NUMBERED.fullmatch(name.strip())
            if match:
                what, number, part = (
                    column_key(match.group(1)),
                    int(match.group(2)),
                    column_key(match.group(3)),
                )
                part = "label" if part == "type" else part
                self.numbered.setdefault((what, number), {}).setdefault(part, at)

    def _groups(self, what: str) -> list[dict[str, int]]:
        return [parts for (kind, _), parts in sorted(self.numbered.items()) if kind == what]

    def __call__(self, cells: Sequence[str]) -> Builder:
        col = self.columns

        def at(parts: dict[str, int], part: str) -> str:
            index = parts.get(part)
            if index is not None:
                col.read.add(index)
            return clean(cells[index]) if index is not None and index < len(cells) else ""

        given = col.get(cells, "First Name", "Given Name")
        family = col.get(cells, "Last Name", "Family Name")
        # The older export's "Name" is the name as the rep wrote it: kept, never rebuilt.
        row = Builder(
            name=col.get(cells, "Name")
            or join(
                given,
                col.get(cells, "Middle Name", "Additional Name"),
                family,
                col.get(cells, "Name Suffix"),
            ),
            fallback_names=[
                n for n in (col.get(cells, "File As"), col.get(cells, "Nickname")) if n
            ],
            given_name=given,
            family_name=family,
            company=col.get(cells, "Organization Name") or self._organization(cells, "name"),
            title=col.get(cells, "Organization Title") or self._organization(cells, "title"),
            birthday=col.get(cells, "Birthday") or col.birthday(cells),
            notes=col.get(cells, "Notes"),
        )
        for parts in self._groups("email"):
            for value in _split_multi(at(parts, "value")):
                row.add_email(value, _google_label(at(parts, "label")))
        for parts in self._groups("phone"):
            for value in _split_multi(at(parts, "value")):
                row.add_phone(value, _google_label(at(parts, "label")))
        for parts in self._groups("address"):
            self._add_addresses(row, parts, at)
        for what, shown in self._KEPT_IN_NOTES.items():
            for parts in self._groups(what):
                label = _google_label(at(parts, "label"))
                for value in _split_multi(at(parts, "value")):
                    row.other_columns.append(
                        f"{shown} ({label}): {value}" if label else f"{shown}: {value}"
                    )
        labels = _split_multi(col.get(cells, "Labels") or col.get(cells, "Group Membership"))
        row.add_tags(
            label.lstrip("*").strip()
            for label in labels
            if not (label.startswith("*") and column_key(label) in self._HIDDEN_GROUPS)
        )
        return row

    def _organization(self, cells: Sequence[str], part: str) -> str:
        for parts in self._groups("organization"):
            self.columns.read.update(parts.get(p, -1) for p in ("label", "type", part))
            index = parts.get(part)
            if index is not None and index < len(cells) and clean(cells[index]):
                return join(*_split_multi(clean(cells[index])), sep=", ")
        return ""

    @staticmethod
    def _add_addresses(
        row: Builder, parts: dict[str, int], at: Callable[[dict[str, int], str], str]
    ) -> None:
        names = ("street", "extendedaddress", "pobox", "city", "region", "postalcode", "country")
        values = {name: _split_multi(at(parts, name)) for name in (*names, "formatted")}
        label = _google_label(at(parts, "label"))
        # Several addresses of one label share a cell, " ::: " apart, in every part.
        count = max((len(v) for v in values.values()), default=0)

        def nth(name: str, i: int) -> str:
            items = values[name]
            return items[i] if i < len(items) else ""

        for i in range(count):
            street = join(nth("street", i), nth("extendedaddress", i), nth("pobox", i), sep="\n")
            address = Address(
                street=street,
                city=nth("city", i),
                region=nth("region", i),
                postcode=nth("postalcode", i),
                country=nth("country", i),
                label=label,
            )
            if not any(
                (address.street, address.city, address.region, address.postcode, address.country)
            ):
                address = Address(street=nth("formatted", i), label=label)
            row.add_address(address)


_OUTLOOK_PHONES: tuple[tuple[str, str], ...] = (
    ("Business Phone", "work"),
    ("Business Phone 2", "work"),
    ("Home Phone", "home"),
    ("Home Phone 2", "home"),
    ("Mobile Phone", "mobile"),
    ("Primary Phone", "primary"),
    ("Company Main Phone", "main"),
    ("Assistant's Phone", "assistant"),
    ("Other Phone", "other"),
    ("Car Phone", "car"),
    ("Pager", "pager"),
    ("Callback", "callback"),
    ("Radio Phone", "radio"),
    ("ISDN", "isdn"),
    ("Telex", "telex"),
    ("TTY/TDD Phone", "tty"),
    ("Business Fax", "work fax"),
    ("Home Fax", "home fax"),
    ("Other Fax", "other fax"),
)

_ADDRESS_IN_PARENS = re.compile(r"\(\s*([^()\s]+@[^()\s]+)\s*\)")


class OutlookRule:
    """Outlook desktop and Outlook.com. "Title" is the honorific (Mr.), "Job Title" the job."""

    _DERIVED = (
        "E-mail Type",
        "E-mail Display Name",
        "E-mail 2 Type",
        "E-mail 2 Display Name",
        "E-mail 3 Type",
        "E-mail 3 Display Name",
        "Initials",
    )

    def __init__(self, columns: Columns) -> None:
        self.columns = columns

    def __call__(self, cells: Sequence[str]) -> Builder:
        col = self.columns
        given = col.get(cells, "First Name")
        family = col.get(cells, "Last Name")
        # Derived from other columns, or Outlook's defaults: nothing of the rep's own.
        col.mark(*self._DERIVED)
        row = Builder(
            name=col.get(cells, "Display Name", "Name")
            or join(given, col.get(cells, "Middle Name"), family, col.get(cells, "Suffix")),
            fallback_names=[n for n in (col.get(cells, "Nickname"),) if n],
            given_name=given,
            family_name=family,
            company=col.get(cells, "Company"),
            title=col.get(cells, "Job Title"),
            birthday=col.birthday(cells),
            notes=col.get(cells, "Notes"),
        )
        for prefix in ("E-mail", "E-mail 2", "E-mail 3"):
            address = self._email(cells, prefix)
            if address:
                row.add_email(address)
        for name, label in _OUTLOOK_PHONES:
            row.add_phone(col.get(cells, name), label)
        for place, label in (("Business", "work"), ("Home", "home"), ("Other", "other")):
            street = join(
                col.get(cells, f"{place} Street"),
                col.get(cells, f"{place} Street 2"),
                col.get(cells, f"{place} Street 3"),
                col.get(cells, f"{place} Address PO Box"),
                sep="\n",
            )
            row.add_address(
                Address(
                    street=street,
                    city=col.get(cells, f"{place} City"),
                    region=col.get(cells, f"{place} State"),
                    postcode=col.get(cells, f"{place} Postal Code"),
                    country=col.get(cells, f"{place} Country/Region", f"{place} Country"),
                    label=label,
                )
            )
        row.add_tags(re.split(r"[;,]", col.get(cells, "Categories")))
        return row

    def _email(self, cells: Sequence[str], prefix: str) -> str:
        col = self.columns
        address = col.get(cells, f"{prefix} Address")
        kind = col.get(cells, f"{prefix} Type")
        if kind.upper() == "EX" or address.lower().startswith("/o="):
            # An Exchange X.500 path (/o=ExchangeLabs/ou=...): the SMTP address, if Outlook
            # kept one, is in the display name, "Jane Doe (jane@example.com)".
            match = _ADDRESS_IN_PARENS.search(col.get(cells, f"{prefix} Display Name"))
            return match.group(1) if match else ""
        return address


class LinkedInRule:
    """LinkedIn's Connections.csv: the profile URL and connection date go into the notes."""

    def __init__(self, columns: Columns) -> None:
        self.columns = columns

    def __call__(self, cells: Sequence[str]) -> Builder:
        col = self.columns
        given = col.get(cells, "First Name")
        family = col.get(cells, "Last Name")
        url = col.get(cells, "URL")
        connected = col.get(cells, "Connected On")
        row = Builder(
            name=join(given, family),
            given_name=given,
            family_name=family,
            company=col.get(cells, "Company"),
            title=col.get(cells, "Position"),
            notes=join(
                f"LinkedIn: {url}" if url else "",
                f"Connected on LinkedIn: {connected}" if connected else "",
                sep="\n",
            ),
        )
        row.add_email(col.get(cells, "Email Address", "E-mail Address"))
        return row


# Thunderbird's phone columns and their labels; Roundcube's are "Phone <label>".
_MAIL_PHONES: tuple[tuple[str, str], ...] = (
    ("Work Phone", "work"),
    ("Home Phone", "home"),
    ("Mobile Number", "mobile"),
    ("Cellular Number", "mobile"),
    ("Fax Number", "fax"),
    ("Pager Number", "pager"),
)
# Each address part's column names after the place ("Home", "Work", "Other").
_MAIL_ADDRESS_PARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("street", ("Address", "Street", "Address 2", "Street 2", "Address Street")),
    ("city", ("City", "Locality", "Address City")),
    ("region", ("State", "Region", "Province", "Address State")),
    ("postcode", ("ZipCode", "Zip Code", "Zip", "Postal Code", "Postcode", "Address Zip")),
    ("country", ("Country", "Country/Region", "Address Country")),
)


class MailProgramRule:
    """Mail programs' address books: Thunderbird ("Primary Email", "Work Phone", "Home
    Address", "Birth Year/Month/Day") and Roundcube ("Email Home", "Email Work", "Phone
    Mobile", any custom label). "Display Name" is kept as the contact's name."""

    def __init__(self, columns: Columns) -> None:
        self.columns = columns
        # (index, "email" or "phone", label) of Roundcube's labelled columns, in file order.
        self.labelled = [
            (at, *found)
            for at, name in enumerate(columns.header)
            if (found := labelled_column(name)) is not None
        ]

    def __call__(self, cells: Sequence[str]) -> Builder:
        col = self.columns
        given = col.get(cells, "First Name", "Firstname", "Given Name")
        family = col.get(cells, "Last Name", "Lastname", "Surname", "Family Name")
        row = Builder(
            name=col.get(cells, "Display Name", "Name")
            or join(given, col.get(cells, "Middle Name"), family),
            fallback_names=[n for n in (col.get(cells, "Nickname"),) if n],
            given_name=given,
            family_name=family,
            company=col.get(cells, "Organization", "Organisation", "Company"),
            title=col.get(cells, "Job Title", "Title"),
            birthday=col.birthday(cells),
            notes=col.get(cells, "Notes"),
        )
        row.add_email(col.get(cells, "Primary Email"))
        row.add_email(col.get(cells, "Secondary Email"))
        for name, label in _MAIL_PHONES:
            row.add_phone(col.get(cells, name), label)
        for at, kind, label in self.labelled:
            col.read.add(at)
            value = clean(cells[at]) if at < len(cells) else ""
            for part in re.split(r"[;,]|:::", value) if kind == "email" else [value]:
                if kind == "email":
                    row.add_email(part, label)
                else:
                    row.add_phone(part, label)
        for place in ("Home", "Work", "Other"):
            parts = {
                part: join(*(col.get(cells, f"{place} {n}") for n in names), sep="\n")
                if part == "street"
                else col.get(cells, *(f"{place} {n}" for n in names))
                for part, names in _MAIL_ADDRESS_PARTS
            }
            row.add_address(Address(label=place.lower(), **parts))
        return row
