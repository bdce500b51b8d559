"""`relationship-crm tag list | rename | delete`: the rep's labels corrected across the whole book,
and every list, search and rhythm that shows a tag follows."""

from __future__ import annotations

import pytest


def _tags_of(cli, contact_id: int) -> list[str]:
    return cli("contact", "show", str(contact_id), "--format", "json").json()[0]["tags"]


@pytest.fixture
def book(cli) -> dict[str, int]:
    return {
        "ann": cli("contact", "add", "Ann Lee", "--tag", "vpi", "--tag", "golf").id,
        "bob": cli("contact", "add", "Bob Ray", "--tag", "VIP").id,
        "cy": cli("contact", "add", "Cy Ode", "--tag", "vpi", "--tag", "vip").id,
        "dee": cli("contact", "add", "Dee Gone", "--tag", "golf").id,
    }


def test_list_counts_each_tags_contacts_and_rhythm(cli, book):
    assert cli("contact", "delete", str(book["dee"])).code == 0
    assert cli("tag", "keep-in-touch", "golf", "--ideal", "30", "--max", "60").code == 0
    rows = cli("tag", "list", "--format", "json").json()
    assert rows == [
        {"name": "golf", "contacts": 1, "in_trash": 1, "rhythm": True},
        {"name": "VIP", "contacts": 2, "in_trash": 0, "rhythm": False},
        {"name": "vpi", "contacts": 2, "in_trash": 0, "rhythm": False},
    ]
    text = cli("tag", "list").out.splitlines()
    assert text[0].split() == ["TAG", "CONTACTS", "RHYTHM"]
    assert "(+1 in the trash)" in text[1] and text[1].endswith("yes")


def test_a_typo_is_made_one_with_the_right_tag_everywhere(cli, book):
    assert cli("tag", "keep-in-touch", "vpi", "--ideal", "14", "--max", "30").code == 0
    result = cli("tag", "rename", "VPI", "vip")
    assert (result.code, result.out) == (0, "")
    assert "made 'vpi' one with 'VIP' (2 contacts had it)" in result.err
    assert _tags_of(cli, book["ann"]) == ["golf", "VIP"]
    assert _tags_of(cli, book["cy"]) == ["VIP"]  # had both: one tag now
    names = [r["name"] for r in cli("tag", "list", "--format", "json").json()]
    assert names == ["golf", "VIP"]
    listed = cli("contact", "list", "--tag", "vip", "--format", "json").json()
    assert [c["name"] for c in listed] == ["Ann Lee", "Bob Ray", "Cy Ode"]
    assert "vpi" not in cli("contact", "list").out
    # The typo's rhythm went to the tag (which had none of its own).
    rows = {r["name"]: r["rhythm"] for r in cli("tag", "list", "--format", "json").json()}
    assert rows["VIP"] is True
    assert cli("search", "vpi", "--format", "json").json() == []
    assert len(cli("search", "vip", "--format", "json").json()) == 3
    assert cli("check").code == 0


def test_a_plain_rename_keeps_the_rhythm_and_a_respelling_is_a_rename(cli, book):
    assert cli("tag", "keep-in-touch", "golf", "--ideal", "30", "--max", "60").code == 0
    result = cli("tag", "rename", "golf", "Golf Club")
    assert result.code == 0 and "renamed 'golf' to 'Golf Club' on 2 contacts" in result.err
    assert _tags_of(cli, book["ann"]) == ["Golf Club", "vpi"]
    rows = {r["name"]: r for r in cli("tag", "list", "--format", "json").json()}
    assert rows["Golf Club"]["rhythm"] is True
    found = sorted(c["name"] for c in cli("search", "club", "--format", "json").json())
    assert found == ["Ann Lee", "Dee Gone"]
    respelt = cli("tag", "rename", "golf club", "GOLF  club")
    assert respelt.code == 0 and "renamed 'Golf Club' to 'GOLF club'" in respelt.err
    assert "GOLF club" in cli("contact", "list").out
    assert cli("check").code == 0


def test_deleting_a_tag_takes_it_off_everyone(cli, book):
    assert cli("tag", "keep-in-touch", "vpi", "--ideal", "14", "--max", "30").code == 0
    result = cli("tag", "delete", "vpi")
    assert (result.code, result.out) == (0, "")
    assert "deleted the tag 'vpi' (taken off 2 contacts)" in result.err
    assert _tags_of(cli, book["ann"]) == ["golf"]
    assert _tags_of(cli, book["cy"]) == ["VIP"]  # the tag keeps its first spelling (Bob's)
    assert [r["name"] for r in cli("tag", "list", "--format", "json").json()] == ["golf", "VIP"]
    # A new tag of that name later starts with no rhythm.
    cli("contact", "edit", str(book["ann"]), "--tag", "vpi")
    rows = {r["name"]: r["rhythm"] for r in cli("tag", "list", "--format", "json").json()}
    assert rows["vpi"] is False
    assert cli("check").code == 0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["rename", "vpj", "x"], "no tag named 'vpj'; did you mean 'vpi'"),
        (["rename", "vpi", "   "], "a tag must not be empty"),
        (["rename", "vpi", "x" * 101], "too long"),
        (["delete", "nothing-like-it"], "no tag named 'nothing-like-it'"),
        (["rename", "vpi"], "NEW_NAME"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(cli, book, argv, message):
    before = cli("tag", "list", "--format", "json").json()
    result = cli("tag", *argv)
    assert result.code == 1 and message in result.err, result.err
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert cli("tag", "list", "--format", "json").json() == before


def test_control_characters_in_a_new_name_are_dropped_as_in_names(cli, book):
    assert cli("tag", "rename", "golf", "gol\x07f\tclub").code == 0
    names = [r["name"] for r in cli("tag", "list", "--format", "json").json()]
    assert "gol f club" in names
    assert cli("contact", "edit", str(book["bob"]), "--tag", "new\x1bline").code == 0
    assert "new line" in [r["name"] for r in cli("tag", "list", "--format", "json").json()]


def test_renaming_to_the_same_name_says_nothing_changed(cli, book):
    result = cli("tag", "rename", "GOLF", "golf")
    assert result.code == 0 and "already named 'golf'; nothing changed" in result.err
