"""Browser benchmark: how long Chromium takes to draw an escalation flowchart after the script sends it.

``python -m tests.render_bench [--json]`` (part of ``make bench``). Opens the whole decision tree
for Maldon's member-concern-about-officer scenario (18 nodes) several times in Debian's Chromium
and times from the chart element's arrival to its SVG nodes being in the page.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.e2e.e2e_helpers import VIEWPORT, launch_chromium, running_server  # noqa: E402

TREE = "/escalation?council=maldon&scenario=member-concern-about-officer&stage=formal&tree=yes"
CHART = "[data-testid=stGraphVizChart]"
ROUNDS = 7


def measure(base_url: str) -> dict:
    times, nodes = [], 0
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        warm = browser.new_page()
        warm.goto(base_url + "/")
        warm.wait_for_selector("h1", timeout=60_000)
        for _ in range(ROUNDS):
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(base_url + TREE)
            page.wait_for_selector(CHART, state="attached", timeout=60_000)
            start = time.perf_counter()
            page.wait_for_selector(f"{CHART} svg g.node", timeout=60_000)
            times.append((time.perf_counter() - start) * 1000)
            nodes = page.locator(f"{CHART} svg g.node").count()
            page.close()
        browser.close()
    warm_runs = times[1:]  # the first draw also loads the Graphviz renderer
    return {"nodes": nodes, "first_ms": round(times[0], 1), "median_ms": round(statistics.median(warm_runs), 1),
            "max_ms": round(max(warm_runs), 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.render_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with running_server() as server:
        result = measure(server.base_url)
    if args.json:
        print(json.dumps({"flowchart": result}))
    else:
        print(f"flowchart with {result['nodes']} nodes drawn {result['median_ms']:.0f} ms (median, max "
              f"{result['max_ms']:.0f} ms) after the script sent it; first draw {result['first_ms']:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
