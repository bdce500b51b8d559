"""`relationship-crm report weekly`: the figures as JSON, the text review, and the PDF read back."""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.cli.test_without_qt import run_without_qt


@pytest.fixture
def seeded(cli, db):
    cli("config", "set", "timezone", "UTC")
    cli("config", "set", "gift_budget", "1200 USD")
    ann = cli("contact", "add", "Ann Archer", "--stage", "lead").id
    bob = cli("contact", "add", "Bob Baker").id
    cli("followup", "add", str(ann), "--due", "2026-12-01 09:00", "--note", "overdue call")
    cli("followup", "add", str(ann), "--due", "2026-12-04 10:30", "--note", "send the quote")
    cli("followup", "add", str(bob), "--due", "2026-12-08 09:00", "--every", "weekly")
    cli("gift", "add", str(ann), "--item", "Wine", "--cost", "45.50", "--date", "2026-11-20")
    meeting = cli(
        "meeting", "log", "--title", "Lunch at Rivoli", "--at", "2026-11-30 12:00",
        "--with", str(bob),
    ).id  # fmt: skip
    cli("thanks", "draft", str(meeting))
    # The review is of 2026-12-03: the two contacts joined their stages before it, whatever the
    # day the tests run (the pipeline counts only the stage changes made by then).
    with db.write() as s:
        s.execute(text("UPDATE stage_changes SET changed_at = '2026-11-02 09:00:00.000000'"))
    return ann, bob


def test_json_gives_the_figures_behind_the_review(cli, seeded):
    result = cli("report", "weekly", "--date", "2026-12-03", "--format", "json")
    assert result.code == 0, result.err
    data = result.json()
    for key in (
        "funnel",
        "due_per_week",
        "health",
        "spend_per_month",
        "thanks_outstanding",
        "campaigns",
    ):
        assert key in data
    assert data["date"] == "2026-12-03"
    stages = {row["stage"]: row["contacts"] for row in data["funnel"]}
    assert stages == {"prospect": 1, "lead": 1, "customer": 0, "partner": 0, "other": 0}
    weeks = [(row["week"], row["total"]) for row in data["due_per_week"]]
    assert weeks[:3] == [("overdue", 1), ("2026-11-30", 1), ("2026-12-07", 1)]
    assert data["health"] == [] and data["campaigns"] == []
    spend = data["spend_per_month"]
    assert spend["months"][-2] == {"month": "2026-11", "amounts": {"USD": "45.50"}}
    assert spend["budget"] == {
        "amount": "1200.00",
        "currency": "USD",
        "spent": "45.50",
        "used_pct": 3.8,
    }
    assert spend["top_recipients"][0]["name"] == "Ann Archer"
    ages = {row["age"]: (row["drafts"], row["printed"]) for row in data["thanks_outstanding"]}
    assert ages == {"0-1": (0, 0), "2-7": (1, 0), "8-30": (0, 0), "31+": (0, 0)}
    days = {d["day"]: [f["contact_name"] for f in d["follow_ups"]] for d in data["week"]}
    assert days["2026-12-04"] == ["Ann Archer"] and days["2026-12-08"] == ["Bob Baker"]
    assert [n["contact_name"] for n in data["notes_to_send"]] == ["Bob Baker"]


def test_text_review_for_people(cli, seeded):
    result = cli("report", "weekly", "--date", "2026-12-03")
    assert result.code == 0, result.err
    assert "Weekly review from Thu 03 Dec 2026 (UTC)" in result.out
    assert "Lead 1" in result.out and "Overdue 1" in result.out
    assert "Fri 04 Dec 10:30  Ann Archer — send the quote" in result.out
    assert "3.8% of 1200.00 USD budget" in result.out


def test_an_empty_database_has_a_review_too(cli):
    result = cli("report", "weekly", "--format", "json")
    assert result.code == 0, result.err
    assert sum(row["total"] for row in result.json()["due_per_week"]) == 0


@pytest.mark.parametrize(
    "argv",
    [
        ("report", "weekly", "--date", "2026-13-01"),
        ("report", "weekly", "--date", "0001-01-01"),
        ("report", "monthly"),
        ("report", "weekly", "--format", "yaml"),
    ],
)
def test_bad_input_is_one_line(cli, argv):
    result = cli(*argv)
    assert result.code == 1
    assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err


def pdf_pages(path: Path) -> list[str]:
    import pypdf

    reader = pypdf.PdfReader(path)
    return [
        re.sub(r"\s+", " ", unicodedata.normalize("NFKC", page.extract_text())).strip()
        for page in reader.pages
    ]


def test_pdf_has_the_charts_and_the_lists(cli, seeded, tmp_path):
    pytest.importorskip("PySide6", reason="the PDF needs PySide6 (the desktop extra)")
    out = tmp_path / "review.pdf"
    result = cli("report", "weekly", "--date", "2026-12-03", "--pdf", str(out))
    assert result.code == 0, result.err
    assert result.out == ""
    pages = pdf_pages(out)
    assert len(pages) == 2
    first, second = pages
    assert "Weekly review · Thu 03 Dec 2026 – Wed 09 Dec 2026" in first
    for title in (
        "Pipeline",
        "Follow-ups due",
        "Keep-in-touch health",
        "Gifts and hospitality",
        "Thank-you notes to send",
        "Campaigns",
    ):
        assert title in first
    assert "Overdue" in first and "This week" in first
    assert "45.50 USD" in first and "3.8% of the 1,200 USD budget" in first
    assert "No keep-in-touch rhythms yet" in first and "No campaigns yet" in first
    assert "Follow-ups this week" in second
    assert "1 overdue follow-up before these" in second
    assert "Fri 04 Dec 2026 — 1 follow-up" in second
    assert "10:30 Ann Archer — send the quote" in second
    assert "30 Nov draft Bob Baker — Lunch at Rivoli" in second
    assert "Lost or drifting" in second and "No keep-in-touch rhythms yet" in second


def test_pdf_with_json_writes_both(cli, seeded, tmp_path):
    pytest.importorskip("PySide6", reason="the PDF needs PySide6 (the desktop extra)")
    out = tmp_path / "review.pdf"
    result = cli("report", "weekly", "--pdf", str(out), "--format", "json")
    assert result.code == 0, result.err
    assert out.exists() and "funnel" in result.json()


def test_pdf_says_it_needs_the_desktop_package(tmp_path):
    db = str(tmp_path / "core.sqlite3")
    out = tmp_path / "review.pdf"
    result = run_without_qt("--db", db, "report", "weekly", "--pdf", str(out))
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert "a PDF needs PySide6" in line and "work without it" in line
    assert not out.exists()
    json_run = run_without_qt("--db", db, "report", "weekly", "--format", "json")
    assert json_run.returncode == 0, json_run.stderr


def test_report_runs_as_a_real_process(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "relationship_crm", "--db", str(tmp_path / "x.sqlite3"),
         "report", "weekly", "--format", "json"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
