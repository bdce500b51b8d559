"""`sync run`, contacts both ways, against a real Radicale: cards pushed, a phone-side edit comes
back through the import's merge rule, a clash keeps both values, a deletion goes to the trash, a
card made on the phone is imported. The phone is a second client with plain WebDAV requests."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
import requests
from radicale_server import PASSWORD

from relationship_crm.domain.records import ContactDraft, FollowUpDraft, Labeled
from relationship_crm.services import contacts, followups, trash
from relationship_crm.sync import run as sync_run

pytestmark = pytest.mark.timeout(180)

NOW = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)


class Phone:
    def __init__(self, book_url: str, user: str) -> None:
        self.url = book_url
        self.auth = (user, PASSWORD)

    def cards(self) -> dict[str, str]:
        """file name -> vCard text of every card in the address book."""
        answer = requests.request(
            "PROPFIND", self.url, auth=self.auth, timeout=30, headers={"Depth": "1"},
            data='<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:getetag/>'
            "</d:prop></d:propfind>",
        )  # fmt: skip
        assert answer.status_code == 207
        names = [
            (r.findtext("{DAV:}href") or "").rsplit("/", 1)[-1]
            for r in ET.fromstring(answer.content).iter("{DAV:}response")
        ]
        return {n: self.get(n) for n in names if n}

    def get(self, name: str) -> str:
        answer = requests.get(self.url + name, auth=self.auth, timeout=30)
        assert answer.status_code == 200
        return answer.text

    def edit(self, name: str, change) -> None:
        body = change(self.get(name))
        answer = requests.put(
            self.url + name, data=body.encode(), auth=self.auth, timeout=30,
            headers={"Content-Type": "text/vcard"},
        )  # fmt: skip
        assert answer.status_code in (201, 204), answer.text

    def delete(self, name: str) -> None:
        answer = requests.delete(self.url + name, auth=self.auth, timeout=30)
        assert answer.status_code in (200, 204)

    def create(self, name: str, body: str) -> None:
        answer = requests.put(
            self.url + name, data=body.encode(), auth=self.auth, timeout=30,
            headers={"Content-Type": "text/vcard", "If-None-Match": "*"},
        )  # fmt: skip
        assert answer.status_code == 201, answer.text


@pytest.fixture
def phone(cli, radicale, user, sync_env) -> Phone:
    assert cli("sync", "setup", "--url", radicale.url, "--username", user).code == 0
    return Phone(cli("sync", "status", "--format", "json").json()["address_book_url"], user)


def add(db, name: str, **kw) -> int:
    with db.write() as s:
        return contacts.create(s, ContactDraft(name=name, **kw), now=NOW).id


def sync(db, now: datetime = NOW):
    tally = sync_run.run(db, PASSWORD, now=now)
    assert tally.errors == 0
    return tally


def add_line(text: str, line: str) -> str:
    return text.replace("END:VCARD", f"{line}\r\nEND:VCARD")


def test_contacts_go_to_the_address_book(db, phone):
    jane = add(db, "Jane Doe", emails=(Labeled("jane@acme.com", "work"),), company="Acme")
    bob = add(db, "Bob Stone")
    assert sync(db).contacts_pushed == 2
    cards = phone.cards()
    assert sorted(cards) == [f"contact-{jane}.vcf", f"contact-{bob}.vcf"]
    assert "EMAIL;TYPE=work:jane@acme.com" in cards[f"contact-{jane}.vcf"]
    assert sync(db).contacts_pushed == 0  # nothing changed, nothing sent
    with db.write() as s:
        contacts.trash(s, bob, now=NOW)
    sync(db)
    assert sorted(phone.cards()) == [f"contact-{jane}.vcf"]


def test_a_phone_side_edit_comes_back(db, phone):
    jane = add(db, "Jane Doe", phones=(Labeled("+1 212 555 0100", "work"),), title="Buyer")
    sync(db)
    phone.edit(
        f"contact-{jane}.vcf",
        lambda t: add_line(
            t.replace("TITLE:Buyer", "TITLE:Head buyer"), "TEL;TYPE=cell:+1 917 555 0199"
        ),
    )
    tally = sync(db)
    assert (tally.contacts_pulled, tally.conflicts) == (1, 0)
    with db.read() as s:
        view = contacts.get(s, jane)
    assert view.title == "Head buyer"
    assert [p.value for p in view.phones] == ["+1 212 555 0100", "+1 917 555 0199"]
    # The merged card went back, and nothing more happens after that.
    assert "Head buyer" in phone.get(f"contact-{jane}.vcf")
    again = sync(db)
    assert (again.contacts_pulled, again.contacts_pushed) == (0, 0)


def test_a_contact_changed_on_both_sides_keeps_both_values(db, phone):
    jane = add(db, "Jane Doe", title="Buyer", emails=(Labeled("jane@acme.com", "work"),))
    sync(db)
    with db.write() as s:
        contacts.update(s, jane, title="Chief buyer", now=NOW)
    phone.edit(
        f"contact-{jane}.vcf",
        lambda t: add_line(t.replace("TITLE:Buyer", "TITLE:Purchasing lead"), "EMAIL:jd@home.net"),
    )  # fmt: skip
    tally = sync(db)
    assert (tally.contacts_pulled, tally.conflicts) == (1, 1)
    with db.read() as s:
        view = contacts.get(s, jane)
    assert view.title == "Chief buyer"  # ours, the phone's in the notes
    assert "Job title: Purchasing lead" in view.notes
    assert [e.value for e in view.emails] == ["jane@acme.com", "jd@home.net"]
    card = phone.get(f"contact-{jane}.vcf")
    assert "TITLE:Chief buyer" in card and "jd@home.net" in card


def test_a_contact_deleted_on_the_phone_goes_to_the_trash(db, phone):
    jane = add(db, "Jane Doe")
    with db.write() as s:
        followups.add(s, FollowUpDraft(jane, datetime(2026, 10, 5, 9), "UTC"), now=NOW)
    assert sync(db).events_created == 1
    phone.delete(f"contact-{jane}.vcf")
    tally = sync(db)
    # Its follow-up leaves the calendar in the same run (hidden with the contact here).
    assert (tally.contacts_pulled, tally.events_deleted) == (1, 1)
    with db.read() as s:
        assert [t.id for t in trash.list_trash(s)] == [jane]
    assert phone.cards() == {}
    with db.write() as s:  # restored here: it goes back to the phone
        trash.restore(s, jane)
    assert sync(db).contacts_pushed == 1
    assert list(phone.cards()) == [f"contact-{jane}.vcf"]


def test_later_syncs_ask_only_for_what_changed(db, phone, monkeypatch):
    from relationship_crm.storage.schema import SyncAccount
    from relationship_crm.sync.dav import DavClient

    jane, bob = add(db, "Jane Doe"), add(db, "Bob Stone")
    sync(db)
    real = DavClient.request
    asked: list[tuple[str, str, str]] = []

    def spy(self, method, url, **kw):
        asked.append((method, url, (kw.get("headers") or {}).get("Depth", "")))
        return real(self, method, url, **kw)

    monkeypatch.setattr(DavClient, "request", spy)
    phone.edit(f"contact-{bob}.vcf", lambda t: add_line(t, "TITLE:Owner"))
    phone.delete(f"contact-{jane}.vcf")
    tally = sync(db)
    assert tally.contacts_pulled == 2
    assert ("REPORT", phone.url, "0") in asked  # RFC 6578 sync-collection
    assert ("PROPFIND", phone.url, "1") not in asked  # no full listing
    with db.read() as s:
        assert contacts.get(s, bob).title == "Owner"
        assert [t.id for t in trash.list_trash(s)] == [jane]
    # A token the server no longer knows: the full listing again, nothing lost or repeated.
    with db.write() as s:
        s.get(SyncAccount, 1).contacts_sync_token = "http://radicale.org/ns/sync/unknown"
    asked.clear()
    phone.edit(f"contact-{bob}.vcf", lambda t: add_line(t, "EMAIL:bob@stone.org"))
    tally = sync(db)
    assert (tally.contacts_pulled, tally.contacts_pushed) == (1, 1)
    assert ("PROPFIND", phone.url, "1") in asked
    with db.read() as s:
        assert [e.value for e in contacts.get(s, bob).emails] == ["bob@stone.org"]


def phone_card(uid: str, name: str, *lines: str) -> str:
    """A card as a phone writes it (vCard 3.0, its own UID and file name)."""
    family, given = name.split()[-1], name.split()[0]
    body = [
        "BEGIN:VCARD", "VERSION:3.0", f"UID:{uid}", f"FN:{name}", f"N:{family};{given};;;",
        *lines, "END:VCARD",
    ]  # fmt: skip
    return "\r\n".join(body) + "\r\n"


def everyone(db) -> dict[str, int]:
    """name -> id of every contact not in the trash."""
    from sqlalchemy import select

    from relationship_crm.storage.schema import Contact

    with db.read() as s:
        ids = s.scalars(select(Contact.id).where(Contact.deleted_at.is_(None))).all()
        return {contacts.get(s, i).name: i for i in ids}


def test_a_contact_created_on_the_phone_is_imported(db, phone):
    # Made on the phone before the first sync (the full listing) ...
    phone.create(
        "8F2C-11.vcf",
        phone_card("8F2C-11", "Ana Lima", "TEL;TYPE=CELL:+1 917 555 0142", "ORG:Lima & Co"),
    )
    tally = sync(db)
    assert (tally.contacts_pulled, tally.contacts_pushed, tally.conflicts) == (1, 1, 0)
    ana = everyone(db)["Ana Lima"]
    with db.read() as s:
        view = contacts.get(s, ana)
    assert (view.company, [p.value for p in view.phones]) == ("Lima & Co", ["+1 917 555 0142"])
    # ... its card replaced by the app's, which keeps the values (no duplicate on the phone).
    cards = phone.cards()
    assert list(cards) == [f"contact-{ana}.vcf"]
    assert "+1 917 555 0142" in cards[f"contact-{ana}.vcf"]
    # ... and one made after a sync (the incremental listing).
    phone.create("C0FFEE.vcf", phone_card("C0FFEE", "Tom Berg", "EMAIL:tom@berg.io"))
    tally = sync(db)
    assert (tally.contacts_pulled, tally.contacts_pushed) == (1, 1)
    tom = everyone(db)["Tom Berg"]
    assert sorted(phone.cards()) == sorted([f"contact-{ana}.vcf", f"contact-{tom}.vcf"])
    again = sync(db)
    assert (again.contacts_pulled, again.contacts_pushed) == (0, 0)
    assert sorted(everyone(db)) == ["Ana Lima", "Tom Berg"]


def test_a_card_made_on_the_phone_for_someone_already_here_is_merged(db, phone):
    jane = add(db, "Jane Doe", emails=(Labeled("jane@acme.com", "work"),))
    sync(db)
    phone.create(
        "jane-again.vcf",
        phone_card("jane-again", "Jane Doe", "EMAIL:jane@acme.com", "TEL:+1 212 555 0177"),
    )
    tally = sync(db)
    assert (tally.contacts_pulled, tally.contacts_pushed) == (1, 1)
    assert everyone(db) == {"Jane Doe": jane}
    with db.read() as s:
        assert [p.value for p in contacts.get(s, jane).phones] == ["+1 212 555 0177"]
    cards = phone.cards()
    assert list(cards) == [f"contact-{jane}.vcf"]
    assert "+1 212 555 0177" in cards[f"contact-{jane}.vcf"]


def test_a_card_the_import_cannot_read_is_left_on_the_phone(db, phone):
    phone.create("nameless.vcf", "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:x1\r\nFN: \r\nEND:VCARD\r\n")
    tally = sync(db)
    assert (tally.contacts_pulled, tally.errors) == (0, 0)
    assert everyone(db) == {}
    assert list(phone.cards()) == ["nameless.vcf"]  # not ours to delete


def test_a_sync_stopped_after_importing_a_phone_card_does_not_import_it_twice(
    db, phone, monkeypatch
):
    from relationship_crm.sync.dav import DavClient

    sync(db)
    phone.create("A1.vcf", phone_card("A1", "Ana Lima", "TEL:+1 917 555 0142"))
    real = DavClient.request

    def stopped(self, method, url, **kw):
        if method in ("PUT", "DELETE"):  # the connection dies right after the import
            raise KeyboardInterrupt
        return real(self, method, url, **kw)

    monkeypatch.setattr(DavClient, "request", stopped)
    with pytest.raises(KeyboardInterrupt):
        sync_run.run(db, PASSWORD, now=NOW)
    monkeypatch.setattr(DavClient, "request", real)
    assert list(everyone(db)) == ["Ana Lima"]
    tally = sync(db)
    assert (tally.contacts_pulled, tally.contacts_pushed) == (0, 1)
    assert list(everyone(db)) == ["Ana Lima"]
    assert list(phone.cards()) == [f"contact-{everyone(db)['Ana Lima']}.vcf"]
