"""Every figure of issue 18 in one run: `.venv/bin/python benchmarks/run.py` (see README.md).

Builds the databases once and keeps them in a cache folder (printed; `--cache DIR` to choose):
`sample-data --contacts 100000 --seed 7` (the big one), the same with `--worst-case` (a fifth of
the follow-ups overdue: the daily list's worst case) and an empty one. A cached database is reused
while the sample generator and the schema are unchanged (their hash is in the file name).

Then runs each figure script as a subprocess with `--json --big PATH --empty PATH` (one JSON
object per line: figure, value, unit, baseline, ratio, target, ok) and prints one table, with the
machine noted: `benchmarks/bench_cli.py` (start-up, the hot commands, vCard import) and
`benchmarks/bench_app.py` (the desktop app) when it exists. `--extras` also runs the older
per-feature scripts (bench_campaign, bench_dashboard, bench_health, bench_pipeline, scale) and
prints what they print.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import sqlite3
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "benchmarks"
CONTACTS = 100_000
SEED = 7
# What the cached databases depend on: a change to any of these builds them again.
BUILT_FROM = (
    "relationship_crm/services/sample_data.py",
    "relationship_crm/services/sample_history.py",
    "relationship_crm/services/sample_people.py",
    "relationship_crm/services/sample_rows.py",
    "relationship_crm/services/sample_run.py",
    "relationship_crm/services/sample_words.py",
    "relationship_crm/storage/schema.py",
    "relationship_crm/storage/database_file.py",
)
EXTRAS = (
    ("bench_campaign.py", ["5000"]),
    ("bench_dashboard.py", ["100000"]),
    ("bench_health.py", []),
    ("bench_pipeline.py", []),
    ("scale.py", ["100000"]),
)
# As installed: the package's bytecode cached (see bench_cli.ENV).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "relationship-crm-bench"


def fingerprint() -> str:
    digest = hashlib.sha256()
    for name in BUILT_FROM:
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()[:10]


def build(path: Path, *args: str) -> Path:
    """`relationship-crm --db path ARGS`, into a temporary name first: never a half-built cache."""
    if path.exists():
        print(f"  cached: {path}", flush=True)
        return path
    partial = path.with_name(path.name + ".partial")
    for leftover in path.parent.glob(partial.name + "*"):
        leftover.unlink()
    print(f"  building {path.name} ...", end=" ", flush=True)
    start = time.perf_counter()
    argv = [sys.executable, "-m", "relationship_crm", "--db", str(partial), *args]
    subprocess.run(argv, cwd=ROOT, env=ENV, check=True, stdout=subprocess.DEVNULL)
    with sqlite3.connect(partial) as conn:  # one file: fold the write-ahead log in
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    partial.rename(path)
    for leftover in path.parent.glob(partial.name + "-*"):
        leftover.unlink()
    print(f"{time.perf_counter() - start:.0f} s", flush=True)
    return path


def databases(cache: Path) -> dict[str, Path]:
    cache.mkdir(parents=True, exist_ok=True)
    tag = fingerprint()
    sample = ["sample-data", "--contacts", str(CONTACTS), "--seed", str(SEED)]
    print(f"databases in {cache}:")
    return {
        "big": build(cache / f"big-{CONTACTS}-seed{SEED}-{tag}.sqlite3", *sample),
        "worst": build(
            cache / f"worst-{CONTACTS}-seed{SEED}-{tag}.sqlite3", *sample, "--worst-case"
        ),
        # `today` on a missing file creates an empty database (and lists nothing).
        "empty": build(cache / f"empty-{tag}.sqlite3", "today"),
    }


def machine() -> list[str]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor() or "unknown"
    qt = "PySide6 not installed"
    for package in ("PySide6", "PySide6-Essentials"):  # the app needs only the latter
        try:
            qt = f"{package} {metadata.version(package)}"
            break
        except metadata.PackageNotFoundError:
            continue
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        f"CPUs: {os.cpu_count()} x {model}",
        f"load average: {load}",
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, {qt}, "
        f"{platform.system()} {platform.release()}",
    ]


def figures(script: Path, argv: list[str]) -> list[dict[str, Any]]:
    """Run one figure script; its JSON lines, printed as they come."""
    found = []
    with subprocess.Popen(
        [sys.executable, str(script), "--json", *argv],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.PIPE,
        text=True,
    ) as child:
        assert child.stdout is not None
        for line in child.stdout:
            line = line.strip()
            if not line.startswith("{"):
                continue
            figure = json.loads(line)
            found.append(figure)
            print(f"  {row(figure)}", flush=True)
    if child.returncode != 0:
        print(f"  {script.name} failed (exit status {child.returncode})", flush=True)
    return found


def row(f: dict[str, Any]) -> str:
    value = f"{f['value']:,.3f}" if f["value"] < 100 else f"{f['value']:,.0f}"
    baseline = "" if f.get("baseline") is None else f"{f['baseline']:,.3f}"
    ratio = "" if f.get("ratio") is None else f"{f['ratio']:.2f}x"
    verdict = "ok" if f["ok"] else "MISSED"
    return (
        f"{f['figure']:<52} {value:>10} {f['unit']:<11}{baseline:>9} {ratio:>7}  "
        f"{verdict:<6} {f['target']}"
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cache", type=Path, default=default_cache(), help="where the databases go")
    p.add_argument("--runs", type=int, default=5, help="runs per figure (the median is kept)")
    p.add_argument(
        "--clock",
        choices=("wall", "cpu"),
        default="wall",
        help="the command line's figures in wall time (default) or CPU time",
    )
    p.add_argument("--extras", action="store_true", help="also run the older feature scripts")
    args = p.parse_args(argv)
    dbs = databases(args.cache)
    print()
    print("\n".join(machine()))
    print(f"clock: {args.clock}, median of {args.runs}")
    print(f"  {'figure':<52} {'value':>10} {'unit':<11}{'baseline':>9} {'ratio':>7}  result")
    common = ["--big", str(dbs["big"]), "--empty", str(dbs["empty"])]
    found = figures(
        HERE / "bench_cli.py",
        [*common, "--worst", str(dbs["worst"]), "--runs", str(args.runs), "--clock", args.clock],
    )
    if (HERE / "bench_app.py").exists():
        found += figures(HERE / "bench_app.py", common)
    missed = [f["figure"] for f in found if not f["ok"]]
    print(f"load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{len(found) - len(missed)} of {len(found)} figures meet their targets")
    if args.extras:
        for name, extra in EXTRAS:
            print(f"\n--- {name} {' '.join(extra)}", flush=True)
            subprocess.run([sys.executable, str(HERE / name), *extra], cwd=ROOT, env=ENV)
    return 0


if __name__ == "__main__":
    sys.exit(main())
