"""Screenshots of the dashboard site for the README: the director cockpit and a rep workbench.

Usage: crmwh screenshots [--site site] [--out docs/img] [--rep USER_ID]

Opens the pages in headless Chromium (Debian's package, `make browser`) with no network.
Without --rep, the workbench shown is the rep ranked first on bookings this month.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from crm_warehouse.dashboards.browser import offline_browser  # noqa: E402
from crm_warehouse.project import ROOT


def pick_rep(site: Path) -> str:
    """The user id of the first rep on the site's bookings leaderboard."""
    html = (site / "leaderboards.html").read_text(encoding="utf-8")
    table = html.split('data-metric="bookings_amount"', 1)[-1]
    found = re.search(r'href="rep/([^"]+)\.html"', table)
    if not found:
        raise SystemExit("screenshot_site: no rep found on the bookings leaderboard")
    return found.group(1)


def main(argv: list[str] | None = None) -> int:
    """Command line: screenshot the company cockpit and a rep's workbench into the output folder
    in an offline browser; returns 1 when the pages tried to reach the network."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "site")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    parser.add_argument("--rep", default=None)
    args = parser.parse_args(argv)
    args.site = args.site.resolve()
    if not (args.site / "index.html").is_file():
        print(f"screenshot_site: no site in {args.site}: run `make site` first", file=sys.stderr)
        return 2
    rep = args.rep or pick_rep(args.site)
    shots = [
        ("cockpit.png", args.site / "cockpit" / "company.html", 2300),
        ("workbench.png", args.site / "rep" / f"{rep}.html", 1400),
    ]
    args.out.mkdir(parents=True, exist_ok=True)
    with offline_browser(viewport=(1400, 900)) as (context, blocked):
        for name, page_path, height in shots:
            page = context.new_page()
            page.set_viewport_size({"width": 1400, "height": height})
            page.goto(page_path.as_uri())
            page.wait_for_selector("body[data-charts-ready='true']")
            page.screenshot(path=str(args.out / name))
            print(f"wrote {args.out / name} ({page_path.relative_to(args.site)})")
            page.close()
        if blocked:
            print(f"screenshot_site: blocked network requests: {blocked}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
