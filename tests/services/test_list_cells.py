"""The contact list's cells (contacts.list_company, list_emails, list_tags) follow every change.

Issue 18. The database's triggers keep them (storage.list_cells); these tests make the changes a
rep, an import, a merge or a script makes and compare the cells with the contacts' company, emails
and tags.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from relationship_crm.domain.errors import KnownError
from relationship_crm.domain.records import ContactDraft, Labeled
from relationship_crm.interchange.records import ImportedContact
from relationship_crm.services import (
    companies,
    contacts,
    duplicates,
    importing,
    json_copy,
    json_copy_import,
    tags,
    trash,
)
from relationship_crm.services.import_summary import ImportCancelled
from relationship_crm.storage import list_cells, stage_stays
from relationship_crm.storage.db import open_database
from relationship_crm.storage.portable import POSTGRESQL, dialect_of

COMPANIES = ("Acme", "Globex Corp", "", "Initech")
EMAILS = ("a@example.com", "b@example.org", "c@example.net", "d@example.de")
TAGS = ("vip", "Alumni", "renewal-2026", "éclair", "Zed")


def expected(session) -> dict[int, tuple[str, str]]:
    """Each live contact's cells as the contact's own page shows its emails and tags."""
    return {
        view.id: (", ".join(e.value for e in view.emails), ", ".join(view.tags))
        for view in contacts.list_contacts(session)
    }


def listed(session, **filters) -> dict[int, tuple[str, str]]:
    return {int(row[0]): (row[4], row[5]) for row in contacts.list_cells(session, **filters)}


def companies_expected(session) -> dict[int, str]:
    """Each live contact's company as the contact's own page shows it."""
    return {view.id: view.company for view in contacts.list_contacts(session)}


def companies_listed(session, **filters) -> dict[int, str]:
    return {int(row[0]): row[2] for row in contacts.list_cells(session, **filters)}


def differences(session) -> list[int]:
    postgresql = dialect_of(session) == POSTGRESQL
    return [
        row[0] for row in session.execute(text(list_cells.differences_sql(postgresql=postgresql)))
    ]


def test_the_cells_follow_edits_merges_tag_renames_and_the_trash(db):
    with db.write() as s:
        ann = contacts.create(
            s,
            ContactDraft(
                name="Ann Lee",
                emails=(Labeled("ann@work.example", "work"), Labeled("ann@home.example", "home")),
                tags=("vip", "Alumni"),
                stage="lead",
            ),
        ).id
        bob = contacts.create(
            s, ContactDraft(name="Bob Ray", emails=(Labeled("bob@x.example", ""),), tags=("zed",))
        ).id
    with db.read() as s:
        assert listed(s)[ann] == ("ann@work.example, ann@home.example", "Alumni, vip")
        assert listed(s, stage="lead") == {ann: listed(s)[ann]}
    with db.write() as s:
        contacts.update(
            s,
            ann,
            remove_emails=["ann@work.example"],
            add_emails=[Labeled("ann@new.example", "")],
            remove_tags=["vip"],
            add_tags=["buyer"],
        )
        # A script renames a tag: every contact that has it shows the new name.
        s.execute(
            text("UPDATE tags SET name = 'Alumnae', name_key = 'alumnae' WHERE name = 'Alumni'")
        )
    with db.read() as s:
        assert listed(s)[ann] == ("ann@home.example, ann@new.example", "Alumnae, buyer")
        assert listed(s) == expected(s)
    with db.write() as s:
        duplicates.merge_contacts(s, ann, [bob])
    with db.read() as s:
        assert set(listed(s)) == {ann}
        assert listed(s) == expected(s)
        assert "bob@x.example" in listed(s)[ann][0]
    with db.write() as s:
        s.execute(text("DELETE FROM tags WHERE name_key = 'buyer'"))
        contacts.trash(s, ann)
    with db.read() as s:
        assert listed(s) == {}
    with db.write() as s:
        trash.restore(s, ann)
    with db.read() as s:
        assert listed(s) == expected(s)
        assert "buyer" not in listed(s)[ann][1]
        assert differences(s) == []
        assert list_cells.missing_triggers(s) == []


# One step: (what, which contact, an email, a tag).
step = st.tuples(
    st.sampled_from(
        [
            "add",
            "add",
            "email+",
            "email-",
            "tag+",
            "tag-",
            "replace",
            "merge",
            "rename",
            "drop",
            "trash",
            "restore",
            "purge",
            "company",
            "company",
            "company-rename",
            "company-drop",
            "company-delete",
            "tag-rename",
            "tag-merge",
            "tag-delete",
        ]
    ),
    st.integers(0, 5),
    st.sampled_from(EMAILS),
    st.sampled_from(TAGS),
)


@pytest.mark.sqlite_only
@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step, min_size=1, max_size=20))
def test_any_sequence_of_changes_leaves_the_cells_as_the_contacts_are(db, steps):
    with db.write() as s:
        s.execute(text("DELETE FROM contacts"))
        s.execute(text("DELETE FROM tags"))
        made: list[int] = []
        for what, which, email, tag in steps:
            if what == "add" or not made:
                draft = ContactDraft(
                    name=f"C{len(made)}", emails=(Labeled(email, ""),), tags=(tag,)
                )
                made.append(contacts.create(s, draft).id)
                continue
            cid = made[which % len(made)]
            other = made[(which + 1) % len(made)]
            live = s.execute(
                text("SELECT deleted_at IS NULL FROM contacts WHERE id = :c"), {"c": cid}
            ).scalar()
            try:
                if live is None:
                    continue  # purged
                if what == "email+" and live:
                    contacts.update(s, cid, add_emails=[Labeled(f"{which}{email}", "")])
                elif what == "email-" and live:
                    contacts.update(s, cid, remove_emails=[email])
                elif what == "tag+" and live:
                    contacts.update(s, cid, add_tags=[tag])
                elif what == "tag-" and live:
                    contacts.update(s, cid, remove_tags=[tag])
                elif what == "replace" and live:  # the editor's save: emails in a new order
                    view = contacts.get(s, cid)
                    draft = ContactDraft(
                        name=view.name,
                        emails=tuple(reversed(view.emails)),
                        tags=tuple(reversed(view.tags)),
                    )
                    contacts.replace_details(s, cid, draft)
                elif what == "merge" and live and other != cid:
                    duplicates.merge_contacts(s, cid, [other])
                elif what == "rename":
                    s.execute(
                        text("UPDATE tags SET name = upper(name) WHERE name_key = lower(:t)"),
                        {"t": tag},
                    )
                elif what == "drop":
                    s.execute(text("DELETE FROM tags WHERE name_key = lower(:t)"), {"t": tag})
                elif what == "trash" and live:
                    contacts.trash(s, cid)
                elif what == "restore" and not live:
                    trash.restore(s, cid)
                elif what == "purge":
                    trash.empty_trash(s)
                elif what == "company" and live:  # "" takes the contact out of its company
                    contacts.update(s, cid, company=COMPANIES[which % len(COMPANIES)])
                elif what == "company-rename":  # a script, or a sync, renames a company
                    s.execute(
                        text("UPDATE companies SET name = name || ' Ltd' WHERE id = :c"),
                        {"c": which},
                    )
                elif what == "company-drop":  # its contacts keep no company (ON DELETE SET NULL)
                    s.execute(text("DELETE FROM companies WHERE id = :c"), {"c": which})
                    s.expunge_all()  # a script's delete: this session must not keep the row
                elif what == "company-delete":  # the rep's (services.companies)
                    companies.delete(s, which)
                elif what == "tag-rename":  # the rep's correction (services.tags)
                    tags.rename(s, tag, f"{tag} {which}")
                elif what == "tag-merge":  # into another tag, when it exists
                    tags.rename(s, tag, TAGS[(which + 1) % len(TAGS)])
                elif what == "tag-delete":
                    tags.delete_tag(s, tag)
            except KnownError:
                pass  # refused (a merge with a trashed contact, an email another contact has)
    with db.read() as s:
        assert differences(s) == []
        assert listed(s) == expected(s)
        assert companies_listed(s) == companies_expected(s)


def test_the_company_cell_follows_a_move_a_rename_a_merge_and_a_deletion(db):
    with db.write() as s:
        ann = contacts.create(s, ContactDraft(name="Ann Lee", company="Acme", stage="lead")).id
        bob = contacts.create(s, ContactDraft(name="Bob Ray", company="Globex")).id
        cy = contacts.create(s, ContactDraft(name="Cy Ode")).id
    with db.read() as s:
        assert companies_listed(s) == {ann: "Acme", bob: "Globex", cy: ""}
        assert companies_listed(s, stage="lead") == {ann: "Acme"}
    with db.write() as s:
        contacts.update(s, cy, company="acme")  # the same company, however it is typed
        contacts.update(s, ann, company="Initech")
        # A script (or a sync) renames a company: each of its contacts shows the new name.
        s.execute(text("UPDATE companies SET name = 'ACME Corp' WHERE name = 'Acme'"))
    with db.read() as s:
        assert companies_listed(s) == {ann: "Initech", bob: "Globex", cy: "ACME Corp"}
    with db.write() as s:
        duplicates.merge_contacts(s, bob, [cy])  # Bob keeps his own company
        s.execute(text("DELETE FROM companies WHERE name = 'Initech'"))  # Ann's: none now
    with db.read() as s:
        assert companies_listed(s) == {ann: "", bob: "Globex"}
        assert companies_listed(s) == companies_expected(s)
        assert differences(s) == []
    with db.write() as s:
        contacts.update(s, bob, company="")
    with db.read() as s:
        assert companies_listed(s) == {ann: "", bob: ""}
        assert differences(s) == []


@pytest.mark.sqlite_only
def test_a_json_copy_restored_elsewhere_has_the_cells(db, tmp_path):
    with db.write() as s:
        contacts.create(
            s,
            ContactDraft(
                name="Ann", company="Acme", emails=(Labeled("ann@x.example", ""),), tags=("vip",)
            ),
        )
        document = json_copy.export_json(s)
    assert b"list_" not in document
    other = open_database(tmp_path / "other.sqlite3")
    try:
        with other.write() as s:
            json_copy_import.import_document(s, document)
        with other.read() as s:
            assert list(listed(s).values()) == [("ann@x.example", "vip")]
            assert list(companies_listed(s).values()) == ["Acme"]
    finally:
        other.close()


@pytest.mark.sqlite_only
def test_a_name_another_program_stored_as_invalid_utf8_is_listed_not_refused(db):
    with db.write() as s:
        cid = contacts.create(s, ContactDraft(name="Ann", emails=(Labeled("a@x.example", ""),))).id
    with closing(sqlite3.connect(db.path)) as conn:
        conn.execute(
            "UPDATE contacts SET display_name = CAST(X'416E6EFF' AS TEXT) WHERE id = ?", (cid,)
        )
        conn.commit()
    with db.read() as s:
        rows = contacts.list_cells(s)
    assert [row[1] for row in rows] == ["Ann\ufffd"]


def _import(db, drafts, progress=None):
    records = [ImportedContact(d, i, i) for i, d in enumerate(drafts, start=1)]
    with db.write() as s:
        return importing.import_contacts(s, records, on_duplicate="merge", progress=progress)


def test_a_bulk_import_writes_the_cells_and_stays_and_keeps_the_triggers(db):
    with db.write() as s:
        old = contacts.create(
            s, ContactDraft(name="Ann Old", emails=(Labeled("ann@x.example", ""),), tags=("VIP",))
        ).id
    drafts = [
        ContactDraft(
            name=f"Person {i}",
            emails=tuple(Labeled(f"p{i}.{n}@x.example", "") for n in range(i % 3)),
            tags=("vip", f"t{i % 4}") if i % 2 else (),
            stage="lead" if i % 5 else "customer",
            company=f"Company {i % 7}" if i % 3 else "",
        )
        for i in range(1, 1300)
    ]
    # One record adds a tag and an address to the contact already there (a merge, not a new row).
    drafts.append(ContactDraft(name="Ann Old", emails=(Labeled("ann@x.example", ""),), tags=("b",)))
    summary = _import(db, drafts)
    assert summary.merged == 1 and summary.added == 1299
    with db.read() as s:
        assert differences(s) == []
        assert listed(s) == expected(s)
        assert listed(s)[old] == ("ann@x.example", "b, VIP")  # the tag's first spelling
        assert listed(s)[summary.added_ids[0]] == ("p1.0@x.example", "t1, VIP")
        assert companies_listed(s) == companies_expected(s)
        assert companies_listed(s)[summary.added_ids[0]] == "Company 1"
        assert list_cells.missing_triggers(s) == []
        assert stage_stays.missing_triggers(s) == []
        assert [s.execute(text(sql)).all() for sql in stage_stays.DIFFERENCES_SQL] == [[], []]
    # Triggers back: a later edit of an imported contact still updates its cells.
    with db.write() as s:
        contacts.update(s, summary.added_ids[1], add_emails=[Labeled("late@x.example", "")])
    with db.read() as s:
        assert listed(s)[summary.added_ids[1]][0].endswith("late@x.example")


def test_an_import_cancelled_while_writing_keeps_the_triggers_and_nothing_else(db):
    drafts = [ContactDraft(name=f"P {i}", tags=("x",)) for i in range(1, 2500)]

    def cancel(done: int, total: int) -> None:
        if done > total // 2 + 600:  # in the writing half, after the first rows went in
            raise ImportCancelled()

    with pytest.raises(ImportCancelled):
        _import(db, drafts, progress=cancel)
    with db.read() as s:
        assert contacts.count(s) == 0
        assert list_cells.missing_triggers(s) == []
        assert stage_stays.missing_triggers(s) == []
