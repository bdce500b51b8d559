"""`relationship-crm company edit | merge | delete`: the rep corrects the companies a typo or an
import made, and every list that shows a company follows."""

from __future__ import annotations

import pytest


def _company_id(cli, name: str) -> int:
    rows = cli("company", "list", "--format", "json").json()
    (found,) = [r["id"] for r in rows if r["name"] == name]
    return found


def _company_of(cli, contact_id: int) -> str:
    return cli("contact", "show", str(contact_id), "--format", "json").json()[0]["company"]


@pytest.fixture
def book(cli) -> dict[str, int]:
    ids = {
        "ann": cli("contact", "add", "Ann Lee", "--company", "Acme", "--stage", "lead").id,
        "bob": cli("contact", "add", "Bob Ray", "--company", "Acme Inc").id,
        "cy": cli("contact", "add", "Cy Ode", "--company", "Globex").id,
    }
    ids["acme"] = _company_id(cli, "Acme")
    ids["acme_inc"] = _company_id(cli, "Acme Inc")
    ids["globex"] = _company_id(cli, "Globex")
    return ids


def test_a_renamed_company_shows_and_is_found_by_its_new_name(cli, book):
    result = cli(
        "company",
        "edit",
        str(book["acme"]),
        "--name",
        "Acme Rockets",
        "--website",
        "https://acme.example",
        "--notes",
        "HQ in Phoenix.\nFiscal year ends in March.",
    )
    assert (result.code, result.out, result.err) == (0, "", "")
    (shown,) = cli("company", "show", str(book["acme"]), "--format", "json").json()
    assert (shown["name"], shown["website"]) == ("Acme Rockets", "https://acme.example")
    assert shown["notes"] == "HQ in Phoenix.\nFiscal year ends in March."
    assert _company_of(cli, book["ann"]) == "Acme Rockets"
    listed = cli("contact", "list", "--stage", "lead").out
    assert "Acme Rockets" in listed
    assert [c["id"] for c in cli("search", "rockets", "--format", "json").json()] == [book["ann"]]
    assert cli("search", "rockets").code == 0
    # Only the case: the same company, renamed.
    assert cli("company", "edit", str(book["acme"]), "--name", "ACME ROCKETS").code == 0
    assert _company_of(cli, book["ann"]) == "ACME ROCKETS"
    # Emptied website and notes.
    assert cli("company", "edit", str(book["acme"]), "--website", "", "--notes", "").code == 0
    (shown,) = cli("company", "show", str(book["acme"]), "--format", "json").json()
    assert (shown["website"], shown["notes"]) == ("", "")
    assert cli("check").code == 0


def test_another_companys_name_is_refused_with_the_merge_to_run(cli, book):
    before = cli("company", "list", "--format", "json").json()
    result = cli("company", "edit", str(book["acme_inc"]), "--name", "  acme ")
    assert result.code == 1
    assert result.err.count("\n") == 1
    assert f"company merge {book['acme']} {book['acme_inc']}" in result.err
    assert cli("company", "list", "--format", "json").json() == before


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--name", "   "], "company name"),
        (["--name", "x" * 201], "company name"),
        (["--website", "w" * 501], "website"),
        (["--notes", "n" * 100_001], "notes are too long"),
    ],
)
def test_bad_values_are_one_line_and_change_nothing(cli, book, argv, message):
    before = cli("company", "show", str(book["acme"]), "--format", "json").json()
    result = cli("company", "edit", str(book["acme"]), *argv)
    assert result.code == 1
    assert message in result.err and result.err.count("\n") == 1
    assert "Traceback" not in result.err
    assert cli("company", "show", str(book["acme"]), "--format", "json").json() == before


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["company", "edit", "99", "--name", "X"], "no company with id 99"),
        (["company", "merge", "99", "1"], "no company with id 99"),
        (["company", "merge", "1", "1"], "cannot be merged into itself"),
        (["company", "delete", "99"], "no company with id 99"),
        (["company", "delete", "abc"], "COMPANY_ID"),
    ],
)
def test_unknown_or_wrong_ids_are_one_line(cli, book, argv, message):
    result = cli(*argv)
    assert result.code == 1
    assert message in result.err and "Traceback" not in result.err


def test_merging_two_spellings_moves_people_research_and_events(cli, book):
    cli("company", "edit", str(book["acme_inc"]), "--website", "https://acme.example")
    cli("company", "edit", str(book["acme_inc"]), "--notes", "Buys in Q4.")
    gone = cli("contact", "add", "Dee Gone", "--company", "Acme Inc").id
    assert cli("contact", "delete", str(gone)).code == 0
    note = cli("research", "add", "New plant in Ohio", "--company", str(book["acme_inc"])).id
    event = cli(
        "event", "add", "--company", "Acme Inc", "--kind", "funding", "--date", "2026-11-02"
    ).id
    result = cli("company", "merge", str(book["acme"]), str(book["acme_inc"]))
    assert (result.code, result.out) == (0, f"{book['acme']}\n")
    assert "2 contacts (1 in the trash), 1 research note and 1 trigger event" in result.err
    names = [r["name"] for r in cli("company", "list", "--format", "json").json()]
    assert names == ["Acme", "Globex"]
    (acme,) = cli("company", "show", str(book["acme"]), "--format", "json").json()
    assert [c["name"] for c in acme["contacts"]] == ["Ann Lee", "Bob Ray"]
    assert [n["id"] for n in acme["research"]] == [note]
    assert (acme["website"], acme["notes"]) == ("https://acme.example", "Buys in Q4.")
    (shown,) = cli("event", "show", str(event), "--format", "json").json()
    assert shown["company_id"] == book["acme"]
    assert cli("trash", "restore", str(gone)).code == 0
    assert _company_of(cli, gone) == "Acme"
    found = {c["id"] for c in cli("search", "acme", "--format", "json").json()}
    assert found == {book["ann"], book["bob"], gone}
    assert cli("check").code == 0


def test_deleting_a_company_keeps_its_people_without_it(cli, book):
    cli("research", "add", "Globex is hiring", "--company", str(book["globex"]))
    cli(
        "event",
        "add",
        "--company",
        "Globex",
        "--kind",
        "merger",
        "--date",
        "2026-11-02",
        "--follow-up",
        "2026-12-07 10:00",
    )
    followups = cli("followup", "list", "--format", "json").json()
    assert len(followups) == 1
    result = cli("company", "delete", str(book["globex"]))
    assert (result.code, result.out) == (0, "")
    assert "deleted company" in result.err and "'Globex'" in result.err
    assert "1 contact, 1 research note and 1 trigger event" in result.err
    assert _company_of(cli, book["cy"]) is None
    names = [r["name"] for r in cli("company", "list", "--format", "json").json()]
    assert "Globex" not in names
    assert cli("research", "list", "--format", "json").json() == []
    assert cli("event", "list", "--format", "json").json() == []
    # The follow-up the event made stays: the rep still calls Cy.
    assert [f["id"] for f in cli("followup", "list", "--format", "json").json()] == [
        followups[0]["id"]
    ]
    assert cli("search", "globex", "--format", "json").json() == []
    listed = cli("contact", "list").out
    assert "Globex" not in listed and "Cy Ode" in listed
    # A company with nothing says so.
    empty = cli("company", "delete", str(book["acme_inc"]))
    assert empty.code == 0 and "it had 1 contact" in empty.err
    assert cli("check").code == 0


def test_duplicates_lists_spellings_of_one_company_with_the_merge_to_run(cli):
    for name, company in (
        ("Ann", "Acme"),
        ("Bob", "ACME, Inc."),
        ("Cy", "Acme Inc"),
        ("Dee", "Müller GmbH & Co. KG"),
        ("Eve", "Muller"),
        ("Fay", "Globex"),
        ("Gus", "Société Générale S.A."),
    ):
        cli("contact", "add", name, "--company", company)
    cli("contact", "add", "Hal", "--company", "ACME, Inc.")
    groups = cli("company", "duplicates", "--format", "json").json()
    named = [[c["name"] for c in g["companies"]] for g in groups]
    assert named == [["Acme", "Acme Inc", "ACME, Inc."], ["Muller", "Müller GmbH & Co. KG"]]
    acme = {c["name"]: c["id"] for c in groups[0]["companies"]}
    # The one with the most contacts is kept.
    assert groups[0]["merge"][0] == acme["ACME, Inc."]
    assert sorted(groups[0]["merge"][1:]) == sorted([acme["Acme"], acme["Acme Inc"]])
    text = cli("company", "duplicates").out
    assert f"  company merge {' '.join(map(str, groups[0]['merge']))}\n" in text
    assert cli("company", "merge", *map(str, groups[0]["merge"])).code == 0
    assert len(cli("company", "duplicates", "--format", "json").json()) == 1


def test_no_duplicates_says_so(cli):
    cli("contact", "add", "Ann", "--company", "Acme")
    assert cli("company", "duplicates").out == "No companies look like one another.\n"
    assert cli("company", "duplicates", "--format", "json").json() == []
