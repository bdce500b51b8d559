"""Fuzzing the whole command grammar: whatever a rep types is accepted or refused, never a bug.

The commands and their options are read from `build_parser()`, so a new command is fuzzed without
touching this file. Each example runs one command with generated values (extreme and malformed
dates, huge and negative numbers, long and control-character text, repeat rules, zone names)
in-process against a seeded database: exit 0 or 1, never 70, never a traceback. After every write
that was accepted, every read command must still work (exit 0), `check` included.

Bounded in CI (FUZZ_EXAMPLES); `HYPOTHESIS_PROFILE=fuzz-long` runs it for as long as that profile
says (see tests/conftest.py).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from relationship_crm.cli import build_parser
from tests.database_files import connect_file

Result = Any  # tests/conftest.py's Result (conftest is not imported by test modules)
FUZZ_SETTINGS = settings(
    settings.get_profile(
        "fuzz-long" if os.environ.get("HYPOTHESIS_PROFILE") == "fuzz-long" else "fuzz"
    )
)

# Commands not fuzzed: they print PDFs, open the app, replace or copy the whole database file,
# read a file named by the rep (import is fuzzed by its own tests over generated files), or
# reach a sync server (tests/sync runs them against a real Radicale).
SKIPPED = {
    ("thanks", "print"),
    ("campaign", "print"),
    ("campaign", "labels"),
    ("sync", "setup"),
    ("sync", "run"),
    ("backup",),
    ("restore",),
    ("import",),
    ("sample-data",),
}
# Commands that only read: no need to re-run the read suite after them.
READS = {
    ("today",),
    ("search",),
    ("export",),
    ("check",),
    ("duplicates",),
    ("contact", "list"),
    ("contact", "show"),
    ("followup", "list"),
    ("meeting", "list"),
    ("gift", "list"),
    ("config", "show"),
    ("thanks", "list"),
    ("report", "weekly"),
    ("thanks", "show"),
    ("thanks", "templates"),
    ("trash", "list"),
}


def _leaves(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every runnable command as (words, its parser), walking the subparsers."""
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield path, parser
        return
    for sub in subs:
        for name, child in sub.choices.items():
            yield from _leaves(child, (*path, name))


COMMANDS = sorted((path, p) for path, p in _leaves(build_parser()) if path and path not in SKIPPED)


# --- values -------------------------------------------------------------------------------------

EXTREME_WALL_CLOCKS = [
    "0001-01-01 00:00",
    "0206-11-30 09:00",
    "9999-12-31 23:59",
    "1899-12-31 23:59",
    "1900-01-01 00:00",
    "2200-12-31 23:59",
    "2201-01-01 00:00",
    "2026-03-08 02:30",  # inside a DST gap in America/New_York
    "2026-11-01 01:30",  # inside a DST fold
    "2026-02-30 09:00",
    "2026-13-01 09:00",
    "2026-11-30T09:00:59",
    " 2026-11-30 09:00 ",
]
EXTREME_DAYS = [
    "0001-01-01",
    "0206-11-30",
    "9999-12-31",
    "1899-12-31",
    "1900-01-01",
    "2200-12-31",
    "2201-01-01",
    "2026-02-29",
    "2024-02-29",
    "--02-29",
]
EXTREME_NUMBERS = [
    "0", "-1", "1", "2", "3", "7", "30", "-0", "+1", " 1 ", "1.5", "1e9", "NaN", "inf", "\u0663",
    str(2**31), str(2**63 - 1), str(2**63), str(2**64), "9" * 20, "-" + "9" * 20, "9" * 5000,
]  # fmt: skip
ZONES = ["America/New_York", "UTC", "europe/paris", "Nowhere/Else", "../../etc/passwd", "+05:00"]
RULES = [
    "FREQ=DAILY",
    "FREQ=DAILY;COUNT=0",
    "FREQ=SECONDLY",
    "FREQ=MINUTELY;INTERVAL=1",
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=WEEKLY;UNTIL=99991231T000000Z",
    "FREQ=DAILY;INTERVAL=0",
    "FREQ=DAILY;INTERVAL=99999999999999999999",
    "RRULE:FREQ=MONTHLY;BYDAY=5FR",
    "every 3 weeks",
    "monthly",
    "every 0 days",
]


def wall_clock_texts() -> st.SearchStrategy[str]:
    generated = st.datetimes().map(lambda d: f"{d.year:04d}-{d:%m-%d %H:%M}")  # every year 1..9999
    usual = st.builds(
        lambda d, h: f"2026-12-{d:02d} {h:02d}:00", st.integers(1, 31), st.integers(0, 23)
    )
    return st.one_of(usual, usual, st.sampled_from(EXTREME_WALL_CLOCKS), generated)


def day_texts() -> st.SearchStrategy[str]:
    generated = st.dates().map(lambda d: f"{d.year:04d}-{d:%m-%d}")
    usual = st.builds(lambda d: f"2026-11-{d:02d}", st.integers(1, 30))
    return st.one_of(usual, usual, st.sampled_from(EXTREME_DAYS), generated)


def id_texts() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(EXTREME_NUMBERS), st.integers(-(2**70), 2**70).map(str))


def weird_texts() -> st.SearchStrategy[str]:
    """Anything: empty, very long, Unicode, control characters, dates, numbers, zones, rules."""
    return st.one_of(
        st.just(""),
        st.text(max_size=40),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=20).map(lambda t: f"a{t}\x07\n"),
        st.sampled_from(
            ["x" * 301, "x" * 10_001, "y" * 100_001, "\u202e\u0000\x1b[31m", "🎁" * 50]
        ),
        st.sampled_from(EXTREME_WALL_CLOCKS + EXTREME_DAYS + EXTREME_NUMBERS + ZONES + RULES),
    )


def _value_strategy(
    action: argparse.Action, out_file: Path, *, wild: bool
) -> st.SearchStrategy[str]:
    """Text for one argument: what it expects (extremes included), or when `wild` anything."""
    dest = action.dest
    if dest in {"out", "pdf", "to", "file"}:
        return st.sampled_from([str(out_file), "-"])
    plausible: st.SearchStrategy[str]
    name = getattr(action.type, "__name__", "")
    if action.choices is not None:
        plausible = st.sampled_from([str(c) for c in action.choices])
    elif dest == "tz":
        plausible = st.sampled_from(ZONES)
    elif dest in {"every", "cadence", "repeat"}:
        plausible = st.sampled_from(RULES)
    elif name == "_wall_clock" or dest in {"due", "until", "at"}:
        plausible = wall_clock_texts()
    elif name == "_day" or dest in {"date", "today", "birthday"}:
        plausible = day_texts()
    elif name.endswith(" id") or dest.endswith(("_id", "_ids")) or dest in NUMBERS:
        plausible = st.sampled_from(["1", "2", "3", "4", "2"])
    elif dest == "cost":
        plausible = st.sampled_from(["12.50", "0", "-1", "1e400", "NaN", "9" * 40, "0.0000001"])
    elif dest in {"email", "remove_email"}:
        plausible = st.sampled_from(["work:a@b.co", "x@y.org", "not an email", "mailto:@"])
    elif dest == "phone":
        plausible = st.sampled_from(["+1 212 555 0100", "mobile:0612345678", "12", "+" + "9" * 40])
    elif dest in WORDS:
        plausible = st.sampled_from(WORDS[dest])
    else:
        plausible = st.text("abcdefgh XYZ-éü", min_size=1, max_size=12).filter(str.strip)
    if not wild:
        return plausible
    return st.one_of(plausible, weird_texts(), id_texts())


WORDS = {
    "kind": ["meeting", "call", "lunch", "event", "email", "Lunch"],
    "stage": ["prospect", "lead", "customer", "partner", "other", "Customer"],
    "currency": ["EUR", "usd", "GBP"],
    "template": ["", "formal", "casual"],
    "value": ["Europe/Paris", "EUR", "Jane Rep", "A4", "letter"],
}
NUMBERS = {
    "keep", "others", "contact", "meeting", "company", "limit", "upcoming", "seed", "duration",
    "count",
}  # fmt: skip


@st.composite
def _argv(draw: st.DrawFn, out_file: Path) -> list[str]:
    """One command line: a command, its positionals, and some of its options."""
    path, parser = draw(st.sampled_from(COMMANDS))
    # Half the examples keep to values of the expected kind (extreme dates and all), so writes
    # are accepted and the reads afterwards get exercised; the other half may type anything.
    wild = draw(st.booleans())
    argv = list(path)
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction) or action.dest in {"db", "help"}:
            continue
        if action.option_strings:
            if not action.required and draw(st.integers(0, 2)) > 0:
                continue
            flag = draw(st.sampled_from(action.option_strings))
            if action.nargs == 0:
                argv.append(flag)
                continue
            repeat = 1
            if isinstance(action, argparse._AppendAction):
                repeat = draw(st.integers(1, 2))
            for _ in range(repeat):
                argv += [flag, draw(_value_strategy(action, out_file, wild=wild))]
        else:
            if action.nargs in ("*", "?") and not draw(st.booleans()):
                continue
            count = draw(st.integers(1, 2)) if action.nargs in ("+", "*") else 1
            argv += [draw(_value_strategy(action, out_file, wild=wild)) for _ in range(count)]
    return argv


def _assert_no_bug(result: Result, argv: list[str]) -> None:
    assert result.code in (0, 1), (argv, result.code, result.err[-2000:])
    assert "internal error" not in result.err, (argv, result.err[-2000:])
    assert "Traceback" not in result.err, (argv, result.err[-2000:])


def _read_suite(cli: Callable[..., Result], out_file: Path) -> None:
    """Every read command works on whatever the accepted writes left behind."""
    reads: list[list[str]] = [
        ["today"],
        ["today", "--format", "json", "--upcoming", "30"],
        ["followup", "list", "--status", "all"],
        ["followup", "list", "--status", "all", "--format", "json"],
        ["search", "a"],
        ["contact", "list", "--format", "json"],
        ["meeting", "list"],
        ["gift", "list"],
        ["thanks", "list"],
        *(["export", "--format", fmt, str(out_file)] for fmt in ("vcf", "csv", "ics", "json")),
        ["check"],
    ]
    for argv in reads:
        result = cli(*argv)
        assert result.code == 0, (argv, result.err[-2000:], result.out[-2000:])
        # Nothing a command accepted may read back as unreadable.
        assert "unreadable" not in result.err + result.out, (argv, result.err, result.out[-2000:])
        if argv[:3] == ["contact", "list", "--format"]:
            for contact in result.json()[:2]:
                shown = cli("contact", "show", str(contact["id"]))
                assert shown.code == 0, (contact, shown.err)


@pytest.fixture
def seeded(cli: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database with a few contacts, a meeting, follow-ups (one repeating), a gift and a note.

    Commands run in the temporary folder: a relative path the fuzzer draws lands there, not in
    the checkout.
    """
    monkeypatch.chdir(tmp_path)
    jane = cli("contact", "add", "Jane Doe", "--email", "jane@acme.com", "--company", "Acme").id
    bob = cli("contact", "add", "Bob Stone", "--birthday", "1980-02-29", "--tag", "vip").id
    cli("contact", "add", "Ana Lima")
    meeting = cli(
        "meeting", "log", "--title", "Kickoff", "--at", "2026-11-20 10:00",
        "--with", str(jane), "--with", str(bob),
    ).id  # fmt: skip
    cli("followup", "add", str(jane), "--due", "2026-11-25 09:00", "--note", "call back")
    cli("followup", "add", str(bob), "--due", "2026-11-01 09:00", "--every", "monthly")
    cli("gift", "add", str(jane), "--item", "Book", "--cost", "20", "--date", "2026-11-20")
    cli("thanks", "draft", str(meeting))
    return tmp_path / "fuzz-out"


GROUPS = {path[0] for path, _ in COMMANDS if len(path) > 1}


def test_the_fuzzer_sees_every_command() -> None:
    names = {path for path, _ in COMMANDS}
    assert ("followup", "add") in names and ("today",) in names and ("check",) in names
    assert len(names) >= 30


@FUZZ_SETTINGS
@given(data=st.data())
def test_any_command_line_is_accepted_or_refused_never_a_bug(
    cli: Callable[..., Result], seeded: Path, db_path: Path, data: st.DataObject
) -> None:
    # Each example starts from a fresh copy of the seeded database and runs one to three commands.
    example_db = seeded.parent / "example.sqlite3"
    _copy_database(db_path, example_db)

    def run(*argv: str) -> Result:
        return cli(*argv, db=example_db)

    for argv in data.draw(st.lists(_argv(seeded), min_size=1, max_size=3)):
        result = run(*argv)
        name = " ".join(argv[:2]) if argv[0] in GROUPS else argv[0]
        event(f"exit {result.code}: {name}")
        _tally(f"exit {result.code}: {name}")
        _assert_no_bug(result, argv)
        if result.code == 0 and tuple(argv[:2]) not in READS and tuple(argv[:1]) not in READS:
            _read_suite(run, seeded)


def _tally(line: str) -> None:
    """With FUZZ_TALLY=FILE, one line per command run (to count a long run's examples)."""
    if tally := os.environ.get("FUZZ_TALLY"):
        with open(tally, "a", encoding="utf-8") as f:
            f.write(line + "\n")


def _copy_database(source: Path, target: Path) -> None:
    for side in ("", "-wal", "-shm"):
        Path(f"{target}{side}").unlink(missing_ok=True)
    with closing(connect_file(source)) as src, closing(connect_file(target, like=source)) as dst:
        src.backup(dst)
