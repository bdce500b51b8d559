"""`stage` (list, set, add, delete): the funnel's stages; `pipeline`: how many stand where, and
how fast."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TextIO

import relationship_crm.cli.args as types
from relationship_crm.cli.common import Commands, Common
from relationship_crm.cli.output import JsonRow, Table, print_list
from relationship_crm.domain.errors import InvalidInputError

if TYPE_CHECKING:
    from relationship_crm.services import stages
    from relationship_crm.storage.db import Database


def register(commands: Commands, common: Common) -> None:
    stage = common.group(
        commands, "stage", "the funnel's stages: definitions, stuck limits, your own stages"
    )
    common.command(stage, "list", _list, "list the stages in funnel order", [common.fmt])
    set_options(
        common.command(
            stage, "set", _set, "rename a stage, rewrite its definition or change its stuck limit"
        )
    )
    _add_options(
        common.command(stage, "add", _add, "add a stage of your own after another; prints its key")
    )
    common.command(
        stage,
        "delete",
        _delete,
        "delete a stage of your own that no contact is or was in; prints its key",
    ).add_argument("key", metavar="KEY", help="the stage's key (see `stage list`)")
    _pipeline_options(
        common.command(
            commands,
            "pipeline",
            _pipeline,
            "the funnel on a day: contacts per stage, entered and left in 30 days, stuck, "
            "median days in the stage, share moved forward in a year",
            [common.fmt],
        )
    )


# --- stage ------------------------------------------------------------------------------------


def stage_json(s: stages.StageInfo) -> JsonRow:
    return {
        "stage": s.key,
        "label": s.label,
        "definition": s.definition,
        "stuck_after_days": s.stuck_after_days,
        "position": s.position,
    }


STAGE_TABLE: Table[stages.StageInfo] = Table(
    headers=("STAGE", "LABEL", "STUCK AFTER", "DEFINITION"),
    cells=lambda s: (
        s.key,
        s.label,
        f"{s.stuck_after_days} days" if s.stuck_after_days is not None else "never",
        " ".join(s.definition.split()),
    ),
    empty="No stages.",
)


def _list(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import stages

    with db.read() as s:
        found = stages.list_stages(s)
    print_list(found, args.format, out, to_json=stage_json, text=STAGE_TABLE)
    return 0


def set_options(p: argparse.ArgumentParser) -> None:
    """The options of `stage set` (each optional: only what is given changes)."""
    p.add_argument("stage", metavar="STAGE", help="the stage's key (see `stage list`)")
    p.add_argument("--label", metavar="TEXT", help="the name shown in lists and on the board")
    p.add_argument("--definition", metavar="TEXT", help="what the stage means; entry criteria")
    p.add_argument(
        "--stuck-after",
        metavar="DAYS|none",
        help="a contact in the stage longer than this is stuck; none: never",
    )
    p.add_argument(
        "--keep-in-touch",
        metavar="IDEAL/MAX",
        help="days between touches for contacts in this stage, e.g. 30/45; none: no rhythm",
    )


def _set(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import health, stages
    from relationship_crm.services.common import UNSET

    with db.write() as s:
        key = stages.check_stage(s, args.stage)
        changes = (args.label, args.definition, args.stuck_after, args.keep_in_touch)
        if all(change is None for change in changes):
            raise InvalidInputError(
                "nothing to change: give --label, --definition, --stuck-after or --keep-in-touch"
            )
        if args.keep_in_touch is not None:
            rhythm = health.parse_rhythm(args.keep_in_touch)
            health.set_stage_rhythm(s, key, *(rhythm or (None, None)))
        stages.edit_stage(
            s,
            key,
            label=args.label,
            definition=args.definition,
            stuck_after_days=(
                UNSET if args.stuck_after is None else stages.parse_stuck_after(args.stuck_after)
            ),
        )
    return 0


def _add_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("key", metavar="KEY", help="lowercase letters, digits, - or _ (e.g. qualified)")
    p.add_argument("--label", required=True, metavar="TEXT")
    p.add_argument("--after", required=True, metavar="STAGE", help="the stage it follows")
    p.add_argument("--definition", default="", metavar="TEXT")
    p.add_argument("--stuck-after", metavar="DAYS|none", help="default: never stuck")


def _add(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import stages

    with db.write() as s:
        stages.add_stage(
            s,
            args.key,
            label=args.label,
            after=args.after,
            definition=args.definition,
            stuck_after_days=stages.parse_stuck_after(args.stuck_after),
        )
    out.write(f"{args.key.strip()}\n")
    return 0


# --- pipeline ---------------------------------------------------------------------------------


def _pipeline_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--date", type=types.day, metavar="YYYY-MM-DD", help="default: today")


def pipeline_json(r: stages.PipelineRow) -> JsonRow:
    return {
        "stage": r.stage,
        "contacts": r.contacts,
        "entered_30d": r.entered_30d,
        "left_30d": r.left_30d,
        "stuck": r.stuck,
        "median_days_in_stage": r.median_days_in_stage,
        "converted_pct": r.converted_pct,
    }


def _number(value: float | None, suffix: str = "") -> str:
    if value is None:
        return "-"
    return f"{value:g}{suffix}"


PIPELINE_TABLE: Table[stages.PipelineRow] = Table(
    headers=("STAGE", "CONTACTS", "IN 30D", "OUT 30D", "STUCK", "MEDIAN DAYS", "FORWARD"),
    cells=lambda r: (
        r.label,
        str(r.contacts),
        str(r.entered_30d),
        str(r.left_30d),
        str(r.stuck),
        _number(r.median_days_in_stage),
        _number(r.converted_pct, "%"),
    ),
)


def _pipeline(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import settings, stages

    with db.read() as s:
        day = args.date or types.today_in(settings.zone(s))
        found = stages.pipeline(s, today=day)
    print_list(found, args.format, out, to_json=pipeline_json, text=PIPELINE_TABLE)
    return 0


def _delete(args: argparse.Namespace, db: Database, out: TextIO) -> int:
    from relationship_crm.services import stages

    with db.write() as s:
        key = stages.check_stage(s, args.key)
        stages.delete_stage(s, key)
    out.write(f"{key}\n")
    return 0
