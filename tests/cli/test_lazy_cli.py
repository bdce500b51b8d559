"""Start-up (issue 18): a command loads only its own group and services before it runs."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from relationship_crm.cli import COMMANDS, GROUPS, build_parser, command_of, group_module
from relationship_crm.cli.common import Common, Parser


def _declared(names: tuple[str, ...]) -> set[str]:
    parser = Parser(prog="x")
    commands = parser.add_subparsers(dest="command")
    common = Common.create()
    for name in names:
        group_module(name).register(commands, common)
    return set(commands.choices)


def test_the_command_table_says_which_groups_declare_each_command():
    found: dict[str, list[str]] = {}
    for name in GROUPS:
        for command in _declared((name,)):
            found.setdefault(command, []).append(name)
    assert {k: tuple(v) for k, v in found.items()} == COMMANDS


def _help_texts(parser: argparse.ArgumentParser, path: list[str]) -> list[str]:
    """The help of `path` and of every action under it."""
    sub = parser
    for word in path:
        action = next(a for a in sub._actions if isinstance(a, argparse._SubParsersAction))
        sub = action.choices[word]
    texts = [sub.format_help()]
    for action in sub._actions:
        if isinstance(action, argparse._SubParsersAction):
            texts += [p.format_help() for p in action.choices.values()]
    return texts


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_command_parses_as_with_the_full_parser(command):
    assert _help_texts(build_parser(command), [command]) == _help_texts(build_parser(), [command])


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["today"], "today"),
        (["--db", "x.sqlite3", "contact", "list"], "contact"),
        (["--db=today", "search", "x"], "search"),
        (["--d", "contact", "today"], "today"),
        (["--help"], None),
        (["--version", "today"], None),
        (["nonsense"], None),
        ([], None),
        (["--db"], None),
    ],
)
def test_the_command_is_told_before_parsing(argv, command):
    assert command_of(argv) == command


def _loaded_after(argv: list[str]) -> set[str]:
    code = (
        "import sys, contextlib, io\n"
        "from relationship_crm.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main({argv!r})\n"
        "print(' '.join(m for m in sys.modules if m.startswith('relationship_crm.')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    return set(done.stdout.split())


def test_importing_the_command_line_loads_no_service_and_no_group():
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, relationship_crm.cli\n"
            "print(' '.join(m for m in sys.modules if m.startswith('relationship_crm.')))",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    loaded = set(done.stdout.split())
    assert not {m for m in loaded if m.startswith("relationship_crm.services")}
    assert not {m for m in loaded if m.startswith("relationship_crm.storage")}
    assert not loaded & {f"relationship_crm.cli.{g}" for g in GROUPS}


def test_today_loads_only_what_it_uses(tmp_path):
    loaded = _loaded_after(["--db", str(tmp_path / "t.sqlite3"), "today"])
    assert "relationship_crm.services.followups" in loaded
    groups = {m.rsplit(".", 1)[1] for m in loaded if m.startswith("relationship_crm.cli.")}
    assert groups & set(GROUPS) == {"followups"}
    heavy_modules = (
        "campaigns",
        "campaign_merge",
        "campaign_letters",
        "campaign_results",
        "dashboard",
        "health",
        "thanks",
        "thanks_drafts",
        "thanks_printing",
        "thanks_text",
        "import_files",
        "json_copy",
        "json_copy_reading",
        "json_copy_import",
        "json_copy_rows",
    )
    for heavy in heavy_modules:
        assert f"relationship_crm.services.{heavy}" not in loaded


def test_help_still_lists_every_command(cli):
    result = cli("--help")
    for command in COMMANDS:
        assert command in result.out
