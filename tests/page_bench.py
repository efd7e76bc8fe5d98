"""Page benchmark: script time to first render of each page and of one widget interaction.

Run with ``make bench`` (after the search benchmark) or ``python -m tests.page_bench [--json]``.
Times are the page script's run in Streamlit's AppTest (what the server spends before the
browser draws), median of several runs after one warm-up that fills the caches.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 5
# Each page with a realistic deep link, and one interaction to time as a rerun.
PAGES = {
    "home": ("pages/home.py", {}, None),
    "handbook": ("pages/handbook.py", {"council": "maldon", "clause": "3.2"},
                 lambda app: app.selectbox(key="hb_section").set_value("10")),
    "search": ("pages/search.py", {"q": "planing case oficer"},
               lambda app: app.text_input(key="search_q").input("need to know")),
    "glossary": ("pages/glossary.py", {}, lambda app: app.text_input[0].input("exempt")),
    "escalation": ("pages/escalation.py", {"council": "allerdale", "scenario": "member-concern-about-officer"},
                   lambda app: app.segmented_control(key="esc_view").set_value("all")),
    "explorer": ("pages/explorer.py", {"question": "inspect-document"},
                 lambda app: app.segmented_control(key="may_view").set_value("all")),
    "scenarios": ("pages/scenarios.py", {"scenario": "officer-feels-bullied"},
                  lambda app: app.segmented_control(key="scn_mode").set_value("quiz")),
    "compare": ("pages/compare.py", {"view": "coverage"},
                lambda app: app.segmented_control(key="cmp_view").set_value("differences")),
    "review": ("pages/review.py", {"old": "allerdale", "new": "county"},
               lambda app: app.pills(key="rv_kind").set_value(["changed"])),
}


def _keep_navigation_mode() -> None:
    """As the real server does once st.navigation has run (see tests/conftest.py)."""
    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init


def _open(path: str, query: dict) -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.run()
    app.query_params.update(query)
    return app.switch_page(path)


def measure(name: str) -> dict:
    path, query, interact = PAGES[name]
    first, rerun = [], []
    for round_number in range(ROUNDS + 1):
        app = _open(path, query)
        start = time.perf_counter()
        app.run()
        elapsed = (time.perf_counter() - start) * 1000
        if app.exception:
            raise SystemExit(f"{name}: {app.exception[0].value}")
        if interact:
            interact(app)
            start = time.perf_counter()
            app.run()
            rerun_ms = (time.perf_counter() - start) * 1000
        if round_number:  # the first round warms the caches
            first.append(elapsed)
            if interact:
                rerun.append(rerun_ms)
    return {"first_render_ms": round(statistics.median(first), 1),
            "rerun_ms": round(statistics.median(rerun), 1) if rerun else None}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.page_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    _keep_navigation_mode()
    results = {name: measure(name) for name in PAGES}
    if args.json:
        json.dump({"pages": results}, sys.stdout, indent=1)
        print()
    else:
        print(f"page script times, median of {ROUNDS} runs (AppTest)")
        for name, result in results.items():
            rerun = f"{result['rerun_ms']:.0f} ms" if result["rerun_ms"] is not None else "—"
            print(f"  {name:<11} first render {result['first_render_ms']:>6.0f} ms   widget rerun {rerun:>7}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
