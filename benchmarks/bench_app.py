"""Measures the desktop app at a heavy rep's scale (issue 18): first paint, search, scrolling...

Usage:
    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_app.py --json \\
        --big /tmp/perfapp-db/big.db --empty /tmp/perfapp-db/empty.db [--runs 3]

`--big` is a database made by `relationship-crm sample-data --contacts 100000 --seed 7`, `--empty`
a new one. Neither is changed: both are copied into a scratch folder first, and the big copy gets
a contact with 200 timeline items and, if it has fewer, enough follow-ups for a 30,000-item agenda.
Every figure is timed with event timestamps in the running app (a paint, a model reset, the
database thread's call-back), never with sleeps. Each first paint runs in its own process (so a
warm cache or a big heap of an earlier figure does not help or hurt it); the interactive figures
run in one app session on the big database, whose peak RSS is the memory figure.

Prints one JSON object per figure (--json), else a table:
    {"figure", "value", "unit", "baseline", "ratio", "target", "ok"}
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()
AGENDA_ITEMS = 30_000
TIMELINE_ITEMS = 200
BENCH_CONTACT = "Bench Twohundred Timeline"
FRAME_MS = 16.0
FRAME_PERIOD = 1 / 60  # the scroll's pace: a frame each refresh of a 60 Hz screen
PAUSE_MS = 100.0  # a GUI thread blocked longer than this is a pause the rep sees

# The clocks (--clock). "cpu", the default: a latency is the CPU time the whole app process spent
# (GUI and database threads together, so never less than the time on an idle machine, where the
# two mostly take turns), a frame or a call-back the GUI thread's own CPU time. On a shared,
# loaded machine a wall clock measures the neighbours; "wall" is for a quiet one.
LATENCY_CLOCK: Callable[[], float] = time.process_time
GUI_CLOCK: Callable[[], float] = time.thread_time


def use_wall_clock() -> None:
    global LATENCY_CLOCK, GUI_CLOCK
    LATENCY_CLOCK = GUI_CLOCK = time.perf_counter


# --- preparing the scratch copies ---------------------------------------------------------------


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy (SQLite's backup API), whatever the source's journal holds."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def prepare_big(path: Path) -> dict[str, int]:
    """Add the benchmark's own contact (200 timeline items) and top the agenda up to 30,000."""
    from sqlalchemy import func, select

    from relationship_crm.domain.records import ContactDraft, FollowUpDraft, MeetingDraft
    from relationship_crm.services import contacts, followups, meetings, settings
    from relationship_crm.storage.db import open_database
    from relationship_crm.storage.schema import Contact

    db = open_database(path)
    now = datetime.now(UTC)
    try:
        with db.write() as s:
            zone = settings.zone(s)
            cid = contacts.create(s, ContactDraft(name=BENCH_CONTACT), now=now).id
            local = now.replace(tzinfo=None)
            n_meetings = TIMELINE_ITEMS * 3 // 4
            for i in range(n_meetings):
                start = local - timedelta(days=3 * i + 1)
                draft = MeetingDraft(f"Meeting {i}", start, zone, (cid,), notes=f"notes {i}")
                meetings.log(s, draft, now=now)
            for i in range(TIMELINE_ITEMS - n_meetings):
                due = local + timedelta(days=30 + i)
                followups.add(s, FollowUpDraft(cid, due, zone, note=f"call {i}"), now=now)
            agenda = followups.load_agenda(s, now=now, tz=zone).agenda
            in_agenda = len(agenda.overdue) + len(agenda.today) + len(agenda.upcoming)
            missing = max(0, AGENDA_ITEMS - in_agenda)
            ids = list(s.scalars(select(Contact.id).where(Contact.deleted_at.is_(None))))
            for i in range(missing):
                due = local - timedelta(days=1 + i % 300, minutes=i % 600)
                followups.add(s, FollowUpDraft(ids[i % len(ids)], due, zone, note=f"x{i}"))
            total = s.scalar(select(func.count()).select_from(Contact)) or 0
        return {"contact": cid, "agenda": in_agenda + missing, "contacts": total}
    finally:
        db.close()


# --- inside an app process ----------------------------------------------------------------------


def _app_setup() -> Any:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication(sys.argv[:1])


def child_first_paint(db_path: Path, t0: float, wait_idle: bool) -> dict[str, Any]:
    """Start the real app as a rep does (`relationship-crm` with no command: `cli.main`) and note
    when its window first paints with its data: the contact list's first page and the agenda
    loaded. `t0` is the parent's clock before it started this process, so the figure includes
    Python's start and every import (the app's own modules are imported by `main`, as they are
    for the rep, not here beforehand)."""
    app = _app_setup()
    from PySide6.QtCore import QEvent, QObject, QTimer

    found: dict[str, Any] = {}

    def window() -> Any:
        for w in app.topLevelWidgets():
            if type(w).__name__ == "MainWindow":
                return w
        return None

    def ready(w: Any) -> bool:
        return bool(w.contact_list.count_label.text()) and w.reminders.loaded

    def finish(w: Any) -> None:
        w.repaint()  # the frame that shows the data, painted now
        found["data_paint_wall"] = time.time() - t0
        usage = resource.getrusage(resource.RUSAGE_SELF)
        found["data_paint_cpu"] = usage.ru_utime + usage.ru_stime
        if wait_idle:
            runner = w._ctx.runner  # noqa: SLF001 - a benchmark looks inside
            if not runner.idle:
                runner.busy_changed.connect(lambda busy: busy or done())
                return
        done()

    def done() -> None:
        found["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(found), flush=True)
        os._exit(0)

    class Watch(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint and "first_paint" not in found:
                found["first_paint"] = time.time() - t0
                usage = resource.getrusage(resource.RUSAGE_SELF)
                found["shell_paint_cpu"] = usage.ru_utime + usage.ru_stime
            if event.type() == QEvent.Type.Paint and "armed" not in found:
                w = window()
                if w is not None and ready(w):
                    found["armed"] = True
                    QTimer.singleShot(0, lambda: finish(w))
            return False

    watch = Watch()
    app.installEventFilter(watch)
    # The guard: a figure that never comes is reported, not waited for.
    QTimer.singleShot(120_000, lambda: (found.setdefault("error", "timeout"), done()))
    from relationship_crm.cli import main

    sys.argv = ["relationship-crm", "--db", str(db_path)]
    main()
    return found


class Session:
    """One app window on a database, with the helpers the figures share."""

    def __init__(self, db_path: Path) -> None:
        self.app = _app_setup()
        from relationship_crm.paths import AppPaths
        from relationship_crm.services import settings
        from relationship_crm.storage.db import open_database
        from relationship_crm.ui.context import UiContext
        from relationship_crm.ui.events import AppEvents
        from relationship_crm.ui.main_window import MainWindow
        from relationship_crm.ui.runner import TaskRunner

        deliveries = self.deliveries = []  # (start, seconds) of every call-back on the GUI thread
        collections = self.collections = []  # seconds of each garbage collection check

        class TimedRunner(TaskRunner):
            def _deliver(self, future: Any) -> None:
                start, cpu = time.perf_counter(), GUI_CLOCK()
                super()._deliver(future)
                deliveries.append((start, GUI_CLOCK() - cpu))

        from relationship_crm.ui.garbage import GarbageCollector

        class TimedCollector(GarbageCollector):
            # The app collects garbage on the GUI thread, once a second: a frame's work too.
            def check(self) -> None:
                start, cpu = time.perf_counter(), GUI_CLOCK()
                super().check()
                collections.append(GUI_CLOCK() - cpu)
                deliveries.append((start, collections[-1]))

        self.collector = TimedCollector(self.app)
        self.collector.start()
        self.db = open_database(db_path)
        with self.db.read() as s:
            zone = settings.zone(s)
        self.runner = TimedRunner(self.db)
        self.ctx = UiContext(runner=self.runner, events=AppEvents(), zone=zone)
        self.window = MainWindow(self.ctx, AppPaths(db_path))
        self.window.fit_to(1366, 768)
        self.window.show()
        self.collector.freeze()  # as ui.launch does
        self.wait(lambda: self.runner.idle and self.window.reminders.loaded)

    def wait(self, condition: Callable[[], bool], timeout: float = 120.0) -> None:
        """Run the event loop until `condition` holds (woken by each event, never polling)."""
        from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

        deadline = time.monotonic() + timeout
        tick = QTimer()  # only a guard so a lost wake-up cannot hang the benchmark
        tick.start(200)
        try:
            while not condition():
                if time.monotonic() > deadline:
                    raise TimeoutError("the app did not get there in time")
                QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        finally:
            tick.stop()

    def run_until(self, deadline: float) -> None:
        """Run the event loop until `deadline` (time.perf_counter), handling what comes."""
        from PySide6.QtCore import QEventLoop, Qt, QTimer

        left_ms = int((deadline - time.perf_counter()) * 1000)
        loop = QEventLoop()
        if left_ms <= 0:
            loop.processEvents()
            return
        timer = QTimer()
        timer.setSingleShot(True)
        timer.setTimerType(Qt.TimerType.PreciseTimer)
        timer.timeout.connect(loop.quit)
        timer.start(left_ms)
        loop.exec()

    def until_idle_painted(self, widget: Any, start: float) -> float:
        """Seconds (LATENCY_CLOCK) from `start` until the database work is delivered and
        `widget` repainted."""
        self.wait(lambda: self.runner.idle)
        widget.repaint()
        return LATENCY_CLOCK() - start

    def longest_delivery(self, since: float) -> float:
        return max((d for t, d in self.deliveries if t >= since), default=0.0)


def child_session(db_path: Path, contact_id: int) -> dict[str, Any]:
    """The interactive figures, one after the other, in one window on the big database."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    s = Session(db_path)
    w = s.window
    out: dict[str, Any] = {}

    # A search keystroke to the updated list: "smith" typed letter by letter, then erased.
    lst = w.contact_list
    lst.search.setFocus()
    times: list[float] = []
    stalls: list[float] = []
    for word in ("smith", "garcia"):
        typed = ""
        for ch in word:
            typed += ch
            start, wall = LATENCY_CLOCK(), time.perf_counter()
            QTest.keyClick(lst.search, ch)
            s.wait(lambda t=typed: lst.model.contact_filter.query == t and not lst.model.searching)
            lst.view.viewport().repaint()
            times.append(LATENCY_CLOCK() - start)
            stalls.append(s.longest_delivery(wall))
        s.wait(lambda: s.runner.idle)
        lst.search.clear()
        s.wait(lambda: lst.model.contact_filter.query == "" and s.runner.idle)
    out["search_ms"] = [round(t * 1000, 1) for t in times]
    out["search_stall_ms"] = round(max(stalls) * 1000, 1)

    # Opening a contact with 200 timeline items.
    opened: list[float] = []
    for _ in range(3):
        w.contact_page.show_contact(0)
        start = LATENCY_CLOCK()
        w.open_contact(contact_id)
        opened.append(s.until_idle_painted(w.contact_page, start))
    out["open_contact_ms"] = [round(t * 1000, 1) for t in opened]
    out["timeline_rows"] = w.contact_page.timeline.topLevelItemCount()

    # The Reminders panel refreshing with 30,000 items.
    # The list: from refresh() to its `refreshed` signal and the repainted rows. The whole panel
    # (the thank-you and keep-in-touch boxes below the list load with it) until the runner idles.
    panel = w.reminders
    refreshes: list[float] = []
    whole: list[float] = []
    gui: list[float] = []
    for _ in range(3):
        done: list[float] = []

        def on_refreshed(done: list[float] = done) -> None:
            panel.view.viewport().repaint()
            done.append(LATENCY_CLOCK())

        panel.refreshed.connect(on_refreshed)
        start, wall = LATENCY_CLOCK(), time.perf_counter()
        panel.refresh()
        whole.append(s.until_idle_painted(panel, start))
        panel.refreshed.disconnect(on_refreshed)
        refreshes.append(done[0] - start)
        gui.append(s.longest_delivery(wall))
    out["reminders_ms"] = [round(t * 1000, 1) for t in refreshes]
    out["reminders_panel_ms"] = [round(t * 1000, 1) for t in whole]
    out["reminders_gui_ms"] = round(max(gui) * 1000, 1)
    out["reminders_items"] = len(panel.model.reminders())
    out["reminders_count"] = panel.model.rowCount()

    # The Pipeline board, the Campaigns window and the Dashboard appearing.
    for name, show, target in (
        ("pipeline", w.show_pipeline, lambda: w.pipeline_board),
        ("dashboard", w.show_dashboard, lambda: w.dashboard),
        ("campaigns", w.show_campaigns, lambda: w.campaigns_dialog),
    ):
        start, wall, cpu = LATENCY_CLOCK(), time.perf_counter(), GUI_CLOCK()
        show()
        widget = target()
        widget.repaint()
        shown = GUI_CLOCK() - cpu
        data = s.until_idle_painted(widget, start)
        start = wall
        out[f"{name}_shown_ms"] = round(shown * 1000, 1)
        out[f"{name}_data_ms"] = round(data * 1000, 1)
        out[f"{name}_stall_ms"] = round(max(shown, s.longest_delivery(start)) * 1000, 1)
        if name == "campaigns":
            widget.close()
    w.show_contacts()
    s.wait(lambda: s.runner.idle)

    # Scrolling the whole contact list, a page per frame at 60 frames a second; a frame is the GUI
    # thread's work for one step (move and paint), or a page's delivery. Between frames the event
    # loop runs, as it does while a rep scrolls: the pages the list asks for are read then.
    lst.view.setFocus()
    log(
        f"scroll from: filter {lst.model.contact_filter}, {lst.model.rowCount()} rows of "
        f"{lst.model.total}, can fetch more {lst.model.canFetchMore()}"
    )
    bar = lst.view.verticalScrollBar()
    frames: list[float] = []
    scroll_start = time.perf_counter()
    s.deliveries.clear()
    s.collections.clear()
    model = lst.model
    while True:
        tick, start = time.perf_counter(), GUI_CLOCK()
        bar.setValue(bar.value() + bar.pageStep())
        lst.view.viewport().repaint()
        frames.append(GUI_CLOCK() - start)
        s.run_until(tick + FRAME_PERIOD)
        at_end = bar.value() >= bar.maximum()
        if at_end and not model.canFetchMore() and s.runner.idle:
            if model.rowCount() >= model.total:
                break
        if at_end:
            s.wait(lambda: s.runner.idle)
        if time.perf_counter() - scroll_start > 600:
            out["scroll_error"] = "gave up after 10 minutes"
            break
    moves = list(frames)
    frames.extend(d for _, d in s.deliveries)
    out["scroll_move_max_ms"] = round(max(moves) * 1000, 1)
    out["scroll_gc_max_ms"] = round(max(s.collections, default=0.0) * 1000, 1)
    out["scroll_frames"] = len(frames)
    out["scroll_max_ms"] = round(max(frames) * 1000, 1)
    out["scroll_p99_ms"] = round(sorted(frames)[int(len(frames) * 0.99)] * 1000, 1)
    out["scroll_over_16"] = sum(1 for f in frames if f * 1000 > FRAME_MS)
    out["scroll_total_s"] = round(time.perf_counter() - scroll_start, 2)
    out["scroll_rows"] = model.rowCount()
    out["rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    _ = Qt
    return out


# --- the parent: runs the children and prints the figures ----------------------------------------


def run_child(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    t0 = time.time()
    proc = subprocess.run(
        [sys.executable, str(HERE), *args, "--t0", repr(t0)],
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"child {args} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def figure(
    name: str,
    value: float,
    unit: str,
    target: str,
    ok: bool,
    baseline: float | None = None,
    note: str = "",
) -> dict[str, Any]:
    ratio = round(value / baseline, 2) if baseline else None
    row: dict[str, Any] = {
        "figure": name,
        "value": round(value, 3),
        "unit": unit,
        "baseline": None if baseline is None else round(baseline, 3),
        "ratio": ratio,
        "target": target,
        "ok": ok,
    }
    if note:
        row["note"] = note
    return row


def main_parent(opts: argparse.Namespace) -> int:
    scratch = Path(tempfile.mkdtemp(prefix="bench-app-"))
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["XDG_CONFIG_HOME"] = str(scratch / "config")  # the window's remembered layout
    env["HOME"] = str(scratch / "home")
    big_dir, empty_dir = scratch / "big", scratch / "empty"
    big_dir.mkdir()
    empty_dir.mkdir()
    big, empty = big_dir / "big.db", empty_dir / "empty.db"
    started = time.perf_counter()
    copy_database(opts.big, big)
    copy_database(opts.empty, empty)
    prepared = prepare_big(big)
    log(f"prepared {prepared} in {time.perf_counter() - started:.1f} s ({scratch})")

    # Warm-up runs (not counted): the OS cache, and the daily backup each one makes once.
    for path in (empty, big):
        run_child(["--child", "first-paint", "--db", str(path), "--wait-idle"], env)
    clock = ["--clock", opts.clock]
    paints: dict[str, list[float]] = {"empty": [], "big": []}
    shells: dict[str, list[float]] = {"empty": [], "big": []}
    walls: dict[str, list[float]] = {"empty": [], "big": []}
    rss_first: list[float] = []
    for _ in range(opts.runs):
        for key, path in (("empty", empty), ("big", big)):
            got = run_child(["--child", "first-paint", "--db", str(path), *clock], env)
            if "error" in got:
                raise RuntimeError(f"first paint on {key}: {got['error']}")
            paints[key].append(got["data_paint_cpu" if opts.clock == "cpu" else "data_paint_wall"])
            walls[key].append(got["data_paint_wall"])
            shells[key].append(got["shell_paint_cpu" if opts.clock == "cpu" else "first_paint"])
            if key == "big":
                rss_first.append(got["rss_mb"])
    log(f"first paints ({opts.clock}): {paints}; wall: {walls}; window shell: {shells}")
    session = run_child(
        ["--child", "session", "--db", str(big), "--contact", str(prepared["contact"]), *clock],
        env,
    )
    log(f"session: {json.dumps(session)}")

    rows: list[dict[str, Any]] = []
    empty_shell, big_shell = (statistics.median(shells[k]) for k in ("empty", "big"))
    rows.append(
        figure(
            "first paint of the window (empty / 100,000 contacts)",
            big_shell,
            "s",
            "<= 1.3x empty and <= 1.5 s",
            big_shell <= 1.5 and big_shell <= 1.3 * empty_shell,
            baseline=empty_shell,
        )
    )
    empty_paint = statistics.median(paints["empty"])
    big_paint = statistics.median(paints["big"])
    rows.append(
        figure(
            "first paint with the list and reminders, empty database",
            empty_paint,
            "s",
            "<= 1.5 s",
            empty_paint <= 1.5,
        )
    )
    rows.append(
        figure(
            "first paint with the list and reminders, 100,000 contacts",
            big_paint,
            "s",
            "<= 1.3x empty and <= 1.5 s",
            big_paint <= 1.5 and big_paint <= 1.3 * empty_paint,
            baseline=empty_paint,
        )
    )
    search = statistics.median(session["search_ms"])
    rows.append(
        figure(
            "search keystroke to updated list (median of 11)",
            search,
            "ms",
            "<= 50 ms",
            search <= 50,
            note=f"max {max(session['search_ms'])} ms",
        )
    )
    opened = statistics.median(session["open_contact_ms"])
    rows.append(
        figure(
            f"open a contact with {session['timeline_rows']} timeline items",
            opened,
            "ms",
            "<= 100 ms",
            opened <= 100,
        )
    )
    reminders = statistics.median(session["reminders_ms"])
    rows.append(
        figure(
            f"Reminders list refresh, {prepared['agenda']:,} items",
            reminders,
            "ms",
            "<= 100 ms",
            reminders <= 100,
            note=(
                f"longest GUI-thread block {session['reminders_gui_ms']} ms; whole panel with "
                f"its thank-you and keep-in-touch boxes "
                f"{statistics.median(session['reminders_panel_ms'])} ms"
            ),
        )
    )
    rows.append(
        figure(
            f"scroll the whole contact list ({session['scroll_rows']:,} rows), longest frame",
            session["scroll_max_ms"],
            "ms",
            "no frame over 16 ms",
            session["scroll_max_ms"] <= FRAME_MS,
            note=(
                f"{session['scroll_over_16']} of {session['scroll_frames']} frames over 16 ms "
                f"(longest move and paint {session['scroll_move_max_ms']} ms, garbage "
                f"collection {session['scroll_gc_max_ms']} ms), "
                f"p99 {session['scroll_p99_ms']} ms, whole scroll {session['scroll_total_s']} s"
            ),
        )
    )
    rss = max(session["rss_mb"], *rss_first)
    rows.append(figure("peak RSS at 100,000 contacts", rss, "MB", "<= 250 MB", rss <= 250))
    for key, label in (
        ("pipeline", "Pipeline board"),
        ("campaigns", "Campaigns window"),
        ("dashboard", "Dashboard"),
    ):
        stall = session[f"{key}_stall_ms"]
        rows.append(
            figure(
                f"{label} appears (longest GUI-thread block)",
                stall,
                "ms",
                "no visible pause: GUI thread never blocked over 100 ms",
                stall <= PAUSE_MS,
                note=(
                    f"first frame {session[f'{key}_shown_ms']} ms, "
                    f"data painted {session[f'{key}_data_ms']} ms"
                ),
            )
        )
    machine = f"{platform.node()} {platform.machine()}, {os.cpu_count()} cores, " + (
        f"Python {platform.python_version()}, {os.environ.get('QT_QPA_PLATFORM', '')}"
    )
    if opts.json:
        for row in rows:
            print(json.dumps(row))
    else:
        print(f"machine: {machine}; load {os.getloadavg()[0]:.2f}; clock {opts.clock}")
        for row in rows:
            ratio = f" ({row['ratio']}x)" if row["ratio"] is not None else ""
            mark = "ok" if row["ok"] else "MISS"
            print(f"{mark:4} {row['figure']:70} {row['value']:>9} {row['unit']}{ratio}")
            print(f"     target {row['target']}" + (f"; {row['note']}" if "note" in row else ""))
    if not opts.keep:
        import shutil

        shutil.rmtree(scratch, ignore_errors=True)
    return 0


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="one JSON object per figure")
    parser.add_argument("--big", type=Path, help="the 100,000-contact database")
    parser.add_argument("--empty", type=Path, help="an empty database")
    parser.add_argument("--runs", type=int, default=3, help="first-paint runs (median)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument(
        "--clock",
        choices=("cpu", "wall"),
        default="cpu",
        help="cpu (default): CPU time, for a shared machine; wall: elapsed time",
    )
    parser.add_argument("--child", choices=("first-paint", "session"), help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--t0", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--contact", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--wait-idle", action="store_true", help=argparse.SUPPRESS)
    opts = parser.parse_args()
    if opts.clock == "wall":
        use_wall_clock()
    if opts.child == "first-paint":
        child_first_paint(opts.db, opts.t0, opts.wait_idle)
        return 1  # child_first_paint exits by itself once it has its figure
    if opts.child == "session":
        result = child_session(opts.db, opts.contact)
        print(json.dumps(result), flush=True)
        os._exit(0)  # not a clean shutdown: the figures are out, the window need not close
    if opts.big is None or opts.empty is None:
        parser.error("--big and --empty are required")
    return main_parent(opts)


if __name__ == "__main__":
    sys.exit(main())
