"""`sync run`, contacts both ways, against a real Radicale: cards pushed, a phone-side edit comes
back through the import's merge rule, a clash keeps both values, a deletion goes to the trash.
The phone is a second client with plain WebDAV requests."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
import requests
from conftest import PASSWORD

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
