"""`relationship-crm campaign ...` (issue 16): create over a segment (and --dry-run), list, show,
letters and address labels to PDF (read back with pypdf), outcomes, members, mark-sent, delete,
and `contact edit --no-campaigns/--campaigns`."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

MM = 72 / 25.4  # PDF points per millimetre


@pytest.fixture
def qt_printing() -> None:
    """Skip where the desktop extra (PySide6) is not installed: printing needs Qt."""
    pytest.importorskip("PySide6", reason="printing to PDF needs PySide6 (the desktop extra)")


def pdf_pages(path: Path) -> list[str]:
    import pypdf

    reader = pypdf.PdfReader(path)
    return [
        re.sub(r"\s+", " ", unicodedata.normalize("NFKC", page.extract_text())).strip()
        for page in reader.pages
    ]


def page_sizes_mm(path: Path) -> list[tuple[int, int]]:
    import pypdf

    reader = pypdf.PdfReader(path)
    return [
        (round(float(p.mediabox.width) / MM), round(float(p.mediabox.height) / MM))
        for p in reader.pages
    ]


@pytest.fixture
def people(cli) -> dict[str, int]:
    """Four leads tagged "spring": zoe and bob with addresses, dmitri without, ola opted out."""
    cli("config", "set", "timezone", "America/New_York")
    cli("config", "set", "rep_name", "Sam Seller")
    ids = {
        "zoe": cli(
            "contact",
            "add",
            "Zoë Ångström",
            "--company",
            "Café Über",
            "--stage",
            "lead",
            "--tag",
            "spring",
            "--address",
            "work:Hauptstraße 5\\n10115 Berlin",
        ).id,
        "bob": cli(
            "contact",
            "add",
            "Bob Griffin",
            "--stage",
            "lead",
            "--tag",
            "spring",
            "--address",
            "home:12 Main St\\nSpringfield, IL 62701",
        ).id,
        "dmitri": cli("contact", "add", "Дмитрий Петров", "--stage", "lead", "--tag", "spring").id,
        "ola": cli("contact", "add", "Ola Nordmann", "--stage", "lead", "--tag", "spring").id,
    }
    assert cli("contact", "edit", str(ids["ola"]), "--no-campaigns").code == 0
    return ids


def create(cli, *extra: str) -> int:
    return cli(
        "campaign",
        "create",
        "Spring offer",
        "--template",
        "campaign-offer",
        "--tag",
        "spring",
        "--follow-up",
        "2030-03-10 09:00",
        "--tz",
        "America/New_York",
        "--topic",
        "20% off renewals",
        "--cost",
        "60",
        *extra,
    ).id


def test_dry_run_lists_the_members_and_creates_nothing(cli, people):
    result = cli(
        "campaign",
        "create",
        "X",
        "--template",
        "campaign-offer",
        "--tag",
        "spring",
        "--dry-run",
        "--format",
        "json",
    )
    assert result.code == 0, result.err
    assert [m["contact_name"] for m in result.json()] == [
        "Bob Griffin",
        "Zoë Ångström",
        "Дмитрий Петров",
    ]
    text = cli(
        "campaign",
        "create",
        "X",
        "--template",
        "campaign-offer",
        "--stage",
        "lead",
        "--has-address",
        "--dry-run",
    )
    assert "Bob Griffin" in text.out and "Дмитрий" not in text.out
    assert "2 contacts; nothing was created" in text.err
    assert cli("campaign", "list", "--format", "json").json() == []


def test_create_prints_the_id_and_show_lists_the_members(cli, people):
    campaign_id = create(cli)
    assert campaign_id == 1
    (shown,) = cli("campaign", "show", "1", "--format", "json").json()
    members = {m["contact_name"]: m for m in shown["members_list"]}
    assert set(members) == {"Bob Griffin", "Zoë Ångström", "Дмитрий Петров"}
    for member in members.values():
        assert set(member) >= {
            "contact_id",
            "contact_name",
            "letter_status",
            "followup_id",
            "outcome",
        }
        assert member["letter_status"] == "draft" and member["outcome"] is None
    assert members["Zoë Ångström"]["letter"].startswith("Dear Zoë,")
    assert "useful for Café Über.\n\n20% off renewals\n\n" in members["Zoë Ångström"]["letter"]
    followup = cli("followup", "list", "--format", "json").json()
    assert len(followup) == 3
    assert {f["id"] for f in followup} == {m["followup_id"] for m in members.values()}
    (listed,) = cli("campaign", "list", "--format", "json").json()
    assert list(listed)[:14] == [
        "id",
        "name",
        "created",
        "members",
        "drafts",
        "printed",
        "sent",
        "followups_done",
        "responses",
        "meetings_after",
        "stage_moves",
        "deals",
        "cost",
        "first_result_days",
    ]
    assert listed["members"] == 3 and listed["drafts"] == 3 and listed["cost"] == "60.00"


def test_a_skipped_wall_time_is_told_like_followup_add(cli, people):
    result = cli(
        "campaign",
        "create",
        "Night",
        "--template",
        "campaign-check-in",
        "--tag",
        "spring",
        "--follow-up",
        "2030-03-10 02:30",
        "--tz",
        "America/New_York",
    )
    assert result.code == 0 and result.out.strip() == "1"
    assert "does not exist" in result.err and "clocks go forward" in result.err


def test_bad_input_is_one_line(cli, people):
    for argv, message in (
        (("--template", "after-meeting"), "no campaign template called 'after-meeting'"),
        (("--template", "campaign-offer", "--tag", "nope"), "no tag called 'nope'"),
        (("--template", "campaign-offer", "--cost", "abc"), "is not an amount"),
        (("--template", "campaign-offer", "--tz", "Europe/Paris"), "--tz needs --follow-up"),
        (("--template", "campaign-offer", "--stage", "partner"), "the segment has no members"),
    ):
        result = cli("campaign", "create", "X", *argv)
        assert result.code == 1 and message in result.err, (argv, result.err)
        assert result.err.count("\n") == 1
    assert cli("campaign", "show", "9").err.strip().endswith("no campaign with id 9")
    assert cli("campaign", "list", "--format", "json").json() == []


def test_letters_print_one_per_page_with_envelopes(cli, people, tmp_path, qt_printing):
    create(cli)
    out = tmp_path / "letters.pdf"
    result = cli("campaign", "print", "1", "--pdf", str(out), "--envelopes", "--page-size", "a4")
    assert result.code == 0, result.err
    pages = pdf_pages(out)
    assert len(pages) == 6  # three letters, each followed by its envelope
    assert "Dear Bob," in pages[0] and "Bob Griffin" in pages[1] and "Springfield" in pages[1]
    assert "Dear Zoë," in pages[2] and "Hauptstraße 5" in pages[3]
    assert page_sizes_mm(out)[0] == (210, 297)
    assert "no postal address for Дмитрий Петров" in result.err
    (shown,) = cli("campaign", "show", "1", "--format", "json").json()
    assert {m["letter_status"] for m in shown["members_list"]} == {"printed"}
    assert cli("campaign", "mark-sent", "1").code == 0
    (listed,) = cli("campaign", "list", "--format", "json").json()
    assert (listed["drafts"], listed["printed"], listed["sent"]) == (0, 3, 3)


@pytest.mark.parametrize(("sheet", "size"), [("l7163", (210, 297)), ("5160", (216, 279))])
def test_labels_on_the_right_sheet_skip_members_without_address(
    cli, people, tmp_path, qt_printing, sheet, size
):
    create(cli)
    out = tmp_path / "labels.pdf"
    result = cli("campaign", "labels", "1", "--pdf", str(out), "--sheet", sheet)
    assert result.code == 0, result.err
    assert page_sizes_mm(out) == [size]
    (page,) = pdf_pages(out)
    assert "Bob Griffin" in page and "12 Main St" in page and "Springfield" in page
    assert "Zoë Ångström" in page and "Café Über" in page and "10115 Berlin" in page
    assert "Дмитрий" not in page
    assert "skipped: Дмитрий Петров" in result.err
    as_json = cli(
        "campaign", "labels", "1", "--pdf", str(out), "--sheet", sheet, "--format", "json"
    ).json()
    assert as_json[0]["labels"] == 2
    assert [m["contact_name"] for m in as_json[0]["skipped"]] == ["Дмитрий Петров"]


def test_many_labels_fill_sheets(cli, tmp_path, qt_printing):
    for number in range(16):
        cli(
            "contact",
            "add",
            f"Person {number:02d}",
            "--tag",
            "all",
            "--address",
            f"{number} High St\\nLeeds",
        )
    assert (
        cli("campaign", "create", "All", "--template", "campaign-check-in", "--tag", "all").code
        == 0
    )
    out = tmp_path / "labels.pdf"
    assert cli("campaign", "labels", "1", "--pdf", str(out), "--sheet", "l7163").code == 0
    pages = pdf_pages(out)
    assert len(pages) == 2  # 14 on the first sheet, 2 on the second
    assert "Person 13" in pages[0] and "Person 14" in pages[1] and "Person 15" in pages[1]


def test_outcomes_members_and_opt_out(cli, people):
    create(cli)
    assert cli("campaign", "outcome", "1", str(people["bob"]), "replied").code == 0
    bad = cli("campaign", "outcome", "1", str(people["bob"]), "maybe")
    assert bad.code == 1 and "unknown outcome 'maybe'" in bad.err
    assert cli("campaign", "outcome", "1", str(people["zoe"]), "opted-out").code == 0
    (listed,) = cli("campaign", "list", "--format", "json").json()
    assert listed["responses"] == 2 and listed["cost_per_response"] == "30.00"
    assert listed["first_result_days"] == 0
    # Zoë opted out: not in a new segment; ola is welcome again after --campaigns.
    assert cli("contact", "edit", str(people["ola"]), "--campaigns").code == 0
    dry = cli(
        "campaign",
        "create",
        "Y",
        "--template",
        "campaign-offer",
        "--tag",
        "spring",
        "--dry-run",
        "--format",
        "json",
    ).json()
    assert [m["contact_name"] for m in dry] == ["Bob Griffin", "Ola Nordmann", "Дмитрий Петров"]
    added = cli("campaign", "add-member", "1", str(people["ola"]))
    assert added.code == 0, added.err
    again = cli("campaign", "add-member", "1", str(people["ola"]))
    assert again.code == 1 and "already a member" in again.err
    (shown,) = cli("campaign", "show", "1", "--format", "json").json()
    ola = next(m for m in shown["members_list"] if m["contact_id"] == people["ola"])
    assert ola["added_by_hand"] and ola["followup_id"] is not None
    removed = cli("campaign", "remove-member", "1", str(people["ola"]))
    assert removed.code == 0 and "cancelled" in removed.err
    status = cli("followup", "list", "--status", "all", "--format", "json").json()
    assert next(f for f in status if f["id"] == ola["followup_id"])["status"] == "cancelled"


def test_delete_cancels_the_open_follow_ups(cli, people):
    create(cli)
    result = cli("campaign", "delete", "1")
    assert result.code == 0 and "3 open follow-ups cancelled" in result.err
    assert cli("campaign", "list", "--format", "json").json() == []
    assert cli("followup", "list", "--format", "json").json() == []


def test_campaign_templates_are_listed(cli):
    found = cli("campaign", "templates", "--format", "json").json()
    assert [t["name"] for t in found] == [
        "campaign-check-in",
        "campaign-invitation",
        "campaign-offer",
    ]
    assert all("{{campaign_name}}" in t["body"] or "{{campaign_topic" in t["body"] for t in found)
    thanks = cli("thanks", "templates", "--format", "json").json()
    assert not {t["name"] for t in thanks} & {t["name"] for t in found}


def test_json_copy_keeps_campaigns(cli, people, tmp_path):
    create(cli)
    cli("campaign", "outcome", "1", str(people["bob"]), "replied")
    first, second = tmp_path / "one.json", tmp_path / "two.json"
    assert cli("export", "--format", "json", str(first)).code == 0
    fresh = tmp_path / "fresh.sqlite3"
    assert cli("import", str(first), db=fresh).code == 0
    assert cli("export", "--format", "json", str(second), db=fresh).code == 0
    one, two = (json.loads(p.read_text("utf-8")) for p in (first, second))
    one.pop("exported_at"), two.pop("exported_at")
    # A server's copy also has the team's and each rep's settings; a file keeps the rep's.
    one.pop("team_settings", None), one.pop("rep_settings", None)
    assert two == one
    assert one["campaigns"][0]["members"][0]["follow_up_id"] is not None
    assert any(c["campaign_opt_out"] for c in one["contacts"])


def test_a_segment_of_the_lost_by_keep_in_touch(cli, people):
    """Bob has a 30/60-day rhythm and was last met in 2020: lost. The others have no rhythm."""
    bob = str(people["bob"])
    assert cli("contact", "keep-in-touch", bob, "--ideal", "30", "--max", "60").code == 0
    met = cli("meeting", "log", "--title", "Lunch", "--at", "2020-01-06 12:00", "--with", bob)
    assert met.code == 0, met.err
    lost = cli(
        "campaign",
        "create",
        "Win back",
        "--template",
        "campaign-check-in",
        "--keep-in-touch",
        "lost",
        "--dry-run",
        "--format",
        "json",
    )
    assert lost.code == 0, lost.err
    assert [m["contact_name"] for m in lost.json()] == ["Bob Griffin"]
    wrong = cli(
        "campaign", "create", "X", "--template", "campaign-check-in", "--keep-in-touch", "asleep"
    )
    assert wrong.code != 0 and len(wrong.err.strip().splitlines()) <= 2


def test_edit_corrects_the_name_cost_and_currency(cli, people):
    cid = create(cli)
    letter_before = cli("campaign", "show", str(cid), "--format", "json").json()
    result = cli("campaign", "edit", str(cid), "--name", "Spring renewals", "--cost", "75.50")
    assert (result.code, result.out, result.err) == (0, "", "")
    (row,) = cli("campaign", "list", "--format", "json").json()
    assert (row["name"], row["cost"], row["currency"]) == ("Spring renewals", "75.50", "USD")
    assert cli("campaign", "edit", str(cid), "--currency", "eur").code == 0
    assert cli("campaign", "list", "--format", "json").json()[0]["currency"] == "EUR"
    assert cli("campaign", "edit", str(cid), "--cost", "").code == 0
    (row,) = cli("campaign", "list", "--format", "json").json()
    assert (row["name"], row["cost"], row["cost_per_response"]) == ("Spring renewals", None, None)
    after = cli("campaign", "show", str(cid), "--format", "json").json()
    assert after[0]["members"] == letter_before[0]["members"]  # the letters are untouched


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--name", "  "], "name"),
        (["--cost", "-5"], "negative"),
        (["--cost", "ten"], "not an amount"),
        (["--currency", "XXQ"], "XXQ"),
        (["--currency", "JPY"], "JPY"),  # 60.00 has places the yen does not
    ],
)
def test_edit_refuses_bad_values_in_one_line(cli, people, argv, message):
    cid = create(cli, "--cost", "60.25")
    before = cli("campaign", "list", "--format", "json").json()
    result = cli("campaign", "edit", str(cid), *argv)
    assert result.code == 1 and message in result.err, result.err
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert cli("campaign", "list", "--format", "json").json() == before
    assert cli("campaign", "edit", "999", "--name", "x").code == 1
