"""Screenshots of the dashboard on the sample database, to look at (and for the README).

Run under a virtual X display, e.g.:
    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python .ci/dashboard_screenshots.py \
        --out resources/screenshots --name dashboard-1366
    RELATIONSHIP_CRM_DARK=1 xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python \
        .ci/dashboard_screenshots.py --out resources/screenshots --name dashboard-1920-dark
It makes a sample database in a temporary folder (the rep's own data is never opened), sets a
gift budget, opens the main window on the whole screen, shows View → Dashboard and saves one PNG
of the screen as NAME.png.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

sys.path.insert(0, str(Path(__file__).parent))

from screenshots import NOW, spin  # noqa: E402  (the same fixed moment and event loop)

from relationship_crm.paths import AppPaths  # noqa: E402
from relationship_crm.services import (  # noqa: E402
    campaign_results,
    campaigns,
    health,
    sample_data,
    settings,
)
from relationship_crm.storage.db import open_database  # noqa: E402
from relationship_crm.ui.context import UiContext  # noqa: E402
from relationship_crm.ui.events import AppEvents  # noqa: E402
from relationship_crm.ui.launch import apply_dark_palette  # noqa: E402
from relationship_crm.ui.main_window import MainWindow  # noqa: E402
from relationship_crm.ui.runner import TaskRunner  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--name", default="dashboard")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    app.setOrganizationName("relationship-crm-screenshots")
    if os.environ.get("RELATIONSHIP_CRM_DARK") == "1":
        apply_dark_palette(app)
    folder = Path(tempfile.mkdtemp(prefix="crm-shots-"))
    paths = AppPaths(folder / "crm.sqlite3")
    db = open_database(paths.db)
    zone = "America/New_York"
    with db.write() as s:
        settings.put(s, "timezone", zone)
        settings.put(s, "gift_budget", "3000 USD")
        sample_data.generate_demo(s, today=NOW.astimezone().date(), tz=zone, now=NOW)
        # Rhythms and a campaign, so the health and campaign charts have something to show.
        health.set_stage_rhythm(s, "customer", 30, 60, now=NOW)
        health.set_stage_rhythm(s, "lead", 14, 30, now=NOW)
        made = campaigns.create(
            s,
            campaigns.CampaignDraft(
                name="Winter check-in",
                template="campaign-check-in",
                segment=campaigns.Segment(stages=frozenset({"lead"})),
            ),
            now=NOW,
        ).id
        members = campaign_results.get_campaign(s, made, now=NOW).members
        for member, outcome in zip(
            members, ("replied", "meeting", "deal", "replied"), strict=False
        ):
            campaigns.set_outcome(s, made, member.contact_id, outcome, now=NOW)
    runner = TaskRunner(db)
    ctx = UiContext(runner=runner, events=AppEvents(), zone=zone, clock=lambda: NOW)
    window = MainWindow(ctx, paths)
    window.setGeometry(app.primaryScreen().availableGeometry())
    window.show()
    spin(3, lambda: runner.idle)
    window.show_dashboard()
    spin(3, lambda: runner.idle and window.dashboard.loaded)
    spin(0.6)
    target = args.out / f"{args.name}.png"
    app.primaryScreen().grabWindow(0).save(str(target))
    print(target)
    window.close()
    runner.shutdown()
    db.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
