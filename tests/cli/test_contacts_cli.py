"""`contact add|list|show|edit` and `search` through the real command line on a temp database."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest


def test_add_prints_only_the_new_id(cli):
    first = cli("contact", "add", "Jane Doe", "--email", "jane@acme.com", "--company", "Acme")
    second = cli("contact", "add", "John Roe")
    assert first.out.strip().isdigit() and first.err == ""
    assert second.id == first.id + 1


def test_list_json_has_the_documented_fields(cli):
    cid = cli(
        "contact",
        "add",
        "Jane Doe",
        "--email",
        "work:jane@acme.com",
        "--email",
        "jd@home.example",
        "--phone",
        "mobile:+1 212 555 0100",
        "--company",
        "Acme Corp",
        "--title",
        "CTO",
        "--stage",
        "lead",
        "--tag",
        "vip",
        "--tag",
        "Boston",
    ).id
    (row,) = cli("contact", "list", "--format", "json").json()
    assert row["id"] == cid
    assert row["name"] == "Jane Doe"
    assert row["emails"] == ["jane@acme.com", "jd@home.example"]
    assert row["phones"] == ["+1 212 555 0100"]
    assert row["email_details"][0] == {"label": "work", "value": "jane@acme.com"}
    assert row["company"] == "Acme Corp"
    assert row["title"] == "CTO"
    assert row["stage"] == "lead"
    assert row["tags"] == ["Boston", "vip"]


def test_list_filters_by_stage_and_tag(cli):
    cli("contact", "add", "Ann Lead", "--stage", "lead", "--tag", "golf")
    cli("contact", "add", "Pat Prospect", "--tag", "golf")
    cli("contact", "add", "Cy Customer", "--stage", "customer")
    leads = cli("contact", "list", "--stage", "lead", "--format", "json").json()
    golfers = cli("contact", "list", "--tag", "GOLF", "--format", "json").json()
    assert [c["name"] for c in leads] == ["Ann Lead"]
    assert [c["name"] for c in golfers] == ["Ann Lead", "Pat Prospect"]


def test_list_text_is_a_readable_table(cli):
    cli("contact", "add", "Zoë Ärger", "--company", "Straße AG")
    result = cli("contact", "list")
    assert result.code == 0
    assert "Zoë Ärger" in result.out and "Straße AG" in result.out
    assert result.out.splitlines()[0].split()[:3] == ["ID", "NAME", "COMPANY"]


def test_a_stages_text_table_shows_the_stage_in_its_column_on_every_row(cli):
    cli("contact", "add", "Ann", "--stage", "customer", "--email", "ann@x.example", "--tag", "vip")
    cli("contact", "add", "Bartholomew Long-Name", "--stage", "customer", "--company", "Acme")
    cli("contact", "add", "Cy", "--stage", "lead", "--email", "cy@x.example")
    whole = cli("contact", "list").out.splitlines()
    for argv, key in ((["--stage", "CUSTOMER"], "customer"), (["--stage", "lead"], "lead")):
        lines = cli("contact", "list", *argv).out.splitlines()
        head = lines[0]
        assert head.split() == ["ID", "NAME", "COMPANY", "STAGE", "EMAIL", "TAGS"]
        stage_at, email_at = head.index("STAGE"), head.index("EMAIL")
        assert email_at - stage_at == max(len("STAGE"), len(key)) + 2
        names = [line.split("  ")[1].strip() for line in lines[1:]]
        assert names == [
            line.split("  ")[1].strip() for line in whole[1:] if f"  {key}  " in line + "  "
        ]
        for line in lines[1:]:
            assert line[stage_at:email_at].rstrip() == key  # the row's email (if any) after
            assert line == line.rstrip()
    assert cli("contact", "list", "--stage", "partner").out == "No contacts.\n"


def test_empty_list_json_is_an_empty_list(cli):
    assert cli("contact", "list", "--format", "json").json() == []


def test_company_is_shared_regardless_of_case(cli, db):
    cli("contact", "add", "A One", "--company", "Acme")
    cli("contact", "add", "B Two", "--company", "ACME")
    rows = cli("contact", "list", "--format", "json").json()
    assert {r["company"] for r in rows} == {"Acme"}


@pytest.mark.parametrize(
    "argv, message",
    [
        (["contact", "add", "X", "--stage", "hot"], "unknown stage 'hot'"),
        (["contact", "add", "X", "--email", "not-an-email"], "is not an email address"),
        (["contact", "add", "X", "--phone", "call me"], "is not a phone number"),
        (["contact", "add", "   "], "name must not be empty"),
        (["contact", "add", "X", "--birthday", "1990-02-30"], "is not a date"),
        (["contact", "add"], "required: NAME"),
        (["contact", "show", "abc"], "expected a contact id"),
        (["contact", "show", "999"], "no contact with id 999"),
        (["contact", "list", "--stage", "nope"], "unknown stage"),
        (["contact", "frobnicate"], "invalid choice"),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_exit_1(cli, argv, message):
    result = cli(*argv)
    assert result.code == 1
    assert message in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert "Traceback" not in result.err
    assert result.out == ""


def test_failed_add_writes_nothing(cli):
    cli("contact", "add", "Keep Me", "--company", "Acme")
    result = cli("contact", "add", "New Co Person", "--company", "Brand New Inc", "--email", "bad")
    assert result.code == 1
    rows = cli("contact", "list", "--format", "json").json()
    assert [r["name"] for r in rows] == ["Keep Me"]
    found = cli("search", "Brand New", "--format", "json").json()
    assert found == []


def test_edit_changes_stage_and_keeps_history(cli):
    cid = cli("contact", "add", "Sam Stage").id
    assert cli("contact", "edit", str(cid), "--stage", "lead").code == 0
    assert cli("contact", "edit", str(cid), "--stage", "customer", "--tag", "won").code == 0
    (shown,) = cli("contact", "show", str(cid), "--format", "json").json()
    assert shown["stage"] == "customer"
    assert [h["stage"] for h in shown["stage_history"]] == ["prospect", "lead", "customer"]
    assert shown["tags"] == ["won"]


def test_name_parts_are_guessed_and_overridable(cli):
    a = cli("contact", "add", "Siobhán Ó Briain").id
    b = cli("contact", "add", "Prince", "--given", "Prince", "--family", "Nelson").id
    (sa,) = cli("contact", "show", str(a), "--format", "json").json()
    (sb,) = cli("contact", "show", str(b), "--format", "json").json()
    assert (sa["given_name"], sa["family_name"]) == ("Siobhán", "Ó Briain")
    assert (sb["given_name"], sb["family_name"]) == ("Prince", "Nelson")


def test_search_is_case_and_accent_insensitive(cli):
    cli("contact", "add", "Siobhán Ó Briain", "--company", "Eire Ltd")
    cli("contact", "add", "Brian Smith")
    found = cli("search", "briain", "--format", "json").json()
    assert [c["name"] for c in found] == ["Siobhán Ó Briain"]
    assert [c["name"] for c in cli("search", "SIOBHAN", "--format", "json").json()] == [
        "Siobhán Ó Briain"
    ]


def test_search_covers_email_company_and_notes(cli):
    cli("contact", "add", "Ann Email", "--email", "ann@zeta-widgets.example")
    cli("contact", "add", "Bob Company", "--company", "Quokka Systems")
    cli("contact", "add", "Cat Notes", "--notes", "Met at the Lisbon fintech summit")
    assert [c["name"] for c in cli("search", "zeta", "--format", "json").json()] == ["Ann Email"]
    assert [c["name"] for c in cli("search", "quokka", "--format", "json").json()] == [
        "Bob Company"
    ]
    assert [c["name"] for c in cli("search", "lisbon", "--format", "json").json()] == ["Cat Notes"]


def test_search_ranks_best_match_first(cli):
    cli("contact", "add", "Acme Fan", "--notes", "likes jazz")
    cli("contact", "add", "Jazz Hands", "--company", "Acme")
    cli("contact", "add", "Nobody Here")
    found = [c["name"] for c in cli("search", "jazz acme", "--format", "json").json()]
    assert set(found) == {"Acme Fan", "Jazz Hands"}
    partial = [c["name"] for c in cli("search", "jazz", "--format", "json").json()]
    assert partial[0] == "Jazz Hands"  # a name hit outranks a notes hit


def test_search_finds_part_of_a_word(cli):
    cli("contact", "add", "Ronald McDonald")
    assert [c["name"] for c in cli("search", "donald", "--format", "json").json()] == [
        "Ronald McDonald"
    ]
    assert cli("search", "mcd", "--format", "json").json()[0]["name"] == "Ronald McDonald"


def test_search_with_query_syntax_characters_is_safe(cli):
    cli("contact", "add", "Quote O'Neil")
    for query in ['"', "AND OR NOT", "*", "a:b", "(x", "NEAR(", "%", "_"]:
        result = cli("search", query, "--format", "json")
        assert result.code == 0, result.err


def test_database_and_folder_are_private(cli, db_path: Path):
    cli("contact", "add", "Private Person")
    assert stat.S_IMODE(os.stat(db_path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(db_path.parent).st_mode) == 0o700
    for suffix in ("-wal", "-shm"):
        side = db_path.with_name(db_path.name + suffix)
        if side.exists():
            assert stat.S_IMODE(os.stat(side).st_mode) == 0o600


def test_help_on_every_level(cli):
    for argv in (
        ["--help"],
        ["contact", "--help"],
        ["contact", "add", "--help"],
        ["followup", "snooze", "--help"],
        ["today", "--help"],
    ):
        result = cli(*argv)
        assert result.code == 0 and "usage:" in result.out


# --- issue 13: the same email, a repeat gift --------------------------------------------------


def test_a_second_contact_with_the_same_email_is_created_with_a_warning(cli):
    jane = cli("contact", "add", "Jane Doe", "--email", "work:jane@acme.com").id
    quiet = cli("contact", "add", "Omar Ali", "--email", "omar@acme.com")
    assert quiet.code == 0 and quiet.err == ""
    again = cli("contact", "add", "J. Doe", "--email", "JANE@acme.com")
    assert again.code == 0 and again.out.strip().isdigit() and int(again.out) != jane
    assert again.err == (
        f"relationship-crm: warning: jane@acme.com is also the email of Jane Doe (#{jane})\n"
    )


def test_a_repeat_gift_is_recorded_with_a_warning(cli):
    jane = cli("contact", "add", "Jane Doe").id
    first = cli("gift", "add", str(jane), "--item", "Red wine", "--date", "2026-07-01")
    assert first.code == 0 and first.err == ""
    again = cli("gift", "add", str(jane), "--item", "wine")
    assert again.code == 0 and again.out.strip().isdigit()
    assert again.err == (
        "relationship-crm: warning: already given to Jane Doe: Red wine on 2026-07-01\n"
    )
    omar = cli("contact", "add", "Omar Ali").id
    other = cli("gift", "add", str(omar), "--item", "Wine")  # another contact: no repeat
    assert other.code == 0 and other.err == ""


# --- issue 13: search narrows with every word, phones by digits, research notes ---------------


def names(cli, query: str) -> list[str]:
    result = cli("search", query, "--format", "json")
    assert result.code == 0, result.err
    return [c["name"] for c in result.json()]


def test_search_narrows_with_every_word(cli):
    cli("contact", "add", "Raj Patel", "--company", "Acme")
    cli("contact", "add", "Zoe Quinn", "--company", "Acme")
    cli("contact", "add", "Raj Kumar", "--company", "Globex")
    assert sorted(names(cli, "acme")) == ["Raj Patel", "Zoe Quinn"]
    assert names(cli, "raj acme") == ["Raj Patel"]
    assert names(cli, "acme raj") == ["Raj Patel"]
    assert names(cli, "ra acm") == ["Raj Patel"]  # prefixes
    assert names(cli, "aj cme") == ["Raj Patel"]  # inside words
    assert names(cli, "raj initech") == []


def test_search_finds_phone_numbers_in_any_format(cli):
    cli("contact", "add", "Dashes", "--phone", "212-555-0100")
    cli("contact", "add", "Formatted", "--phone", "+1 (646) 555-0199")
    cli("contact", "add", "Other", "--phone", "+44 20 7946 0000")
    assert names(cli, "+1 (212) 555-0100") == ["Dashes"]
    assert names(cli, "2125550100") == ["Dashes"]
    assert names(cli, "646-555-0199") == ["Formatted"]
    assert names(cli, "(646) 555 0199") == ["Formatted"]
    assert sorted(names(cli, "555-01")) == ["Dashes", "Formatted"]
    assert names(cli, "7946 0000") == ["Other"]
    assert names(cli, "999-999-9999") == []


def test_search_finds_research_notes(cli):
    jane = cli("contact", "add", "Jane Doe", "--company", "Acme").id
    cli("contact", "add", "Omar Ali", "--company", "Acme")
    assert (
        cli("research", "add", "Expanding into Brazil next year", "--contact", str(jane)).code == 0
    )
    assert names(cli, "brazil") == ["Jane Doe"]
    assert names(cli, "acme brazil") == ["Jane Doe"]
    assert names(cli, "omar brazil") == []
