"""Browser benchmark of "Add your council": a 60-page PDF from upload to preview, in Chromium.

Run with ``python -m tests.import_page_bench [--rounds N] [--json]``. It starts ``streamlit run app.py`` on a free
loopback port, opens the import page in Debian Chromium, names the council and then, each round, puts the
60-page PDF (tests/doc_fixtures.paged_pdf: the county seed's paragraphs, running header, "Page N of M" footer) in
the upload widget and clicks "Read the protocol", timing

* upload: from handing the file to the widget until the page is idle again (the file sent to the server);
* read to preview: from the click until the preview's heading and clause table are on screen (extraction,
  segmentation, topic suggestions, the rerun and the browser drawing the table), and until the table's
  accessible copy for screen readers is there too;
* server: the page's own "read in N s" figure (extraction to preview built, on the server).

Between rounds "Change the name or the file" drops the preview and the file is taken out of the widget, so every
round uploads and reads afresh. The first round is reported apart (it may start the parsing child).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from e2e_helpers import FIRST_PAGE_TIMEOUT_MS, launch_chromium, main, open_app, running_server, settle  # noqa: E402

from tests import doc_fixtures  # noqa: E402

H1 = "Add your council"
PAGES = 60
SERVER_SECONDS = re.compile(r"in (\d+\.\d) s\.")


def _round(page, path: Path) -> dict:
    started = time.perf_counter()
    main(page).locator('input[type="file"]').set_input_files(str(path))
    settle(page, H1, quiet_ms=100)
    uploaded = time.perf_counter()
    main(page).get_by_role("button", name="Read the protocol").click()
    main(page).get_by_role("heading", name="Check what was read: Bench District Council").wait_for(timeout=120_000)
    main(page).locator('[data-testid="stDataFrame"] canvas').first.wait_for()
    shown = time.perf_counter()
    main(page).locator('[data-testid="stDataFrame"] [role="columnheader"]').first.wait_for(state="attached")
    accessible = time.perf_counter()
    summary = main(page).get_by_text(re.compile(r"clauses in \d+ sections")).first.inner_text()
    settle(page, H1, quiet_ms=100)
    main(page).get_by_role("button", name="Change the name or the file").click()
    settle(page, H1, quiet_ms=100)
    main(page).get_by_role("button", name=re.compile("^Remove")).first.click()  # the file, out of the widget
    settle(page, H1, quiet_ms=100)
    return {"upload_ms": (uploaded - started) * 1000, "read_to_preview_ms": (shown - uploaded) * 1000,
            "read_to_accessible_table_ms": (accessible - uploaded) * 1000,
            "server_ms": float(SERVER_SECONDS.search(summary).group(1)) * 1000, "summary": summary}


def measure(rounds: int) -> dict:
    from playwright.sync_api import sync_playwright

    pdf = doc_fixtures.paged_pdf(doc_fixtures.seed_paragraphs(), pages=PAGES)
    with tempfile.TemporaryDirectory() as folder, running_server(ready="app") as server, \
            sync_playwright() as playwright:
        path = Path(folder) / "protocol-60-pages.pdf"
        path.write_bytes(pdf)
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            open_app(page, server.base_url + "/import", H1, timeout_ms=FIRST_PAGE_TIMEOUT_MS)
            name = main(page).get_by_role("textbox", name="Council name", exact=True)
            name.fill("Bench District Council")
            name.press("Tab")
            settle(page, H1)
            runs = [_round(page, path) for _ in range(rounds + 1)]
        finally:
            browser.close()
    first, rest = runs[0], runs[1:]
    return {"pages": PAGES, "file_kb": len(pdf) // 1024, "rounds": rounds, "summary": first["summary"],
            "first": {k: round(v) for k, v in first.items() if k.endswith("_ms")},
            **{f"median_{k}": round(statistics.median(r[k] for r in rest)) for k in
               ("upload_ms", "read_to_preview_ms", "read_to_accessible_table_ms", "server_ms")},
            "max_read_to_preview_ms": round(max(r["read_to_preview_ms"] for r in rest)),
            "load_average": round(os.getloadavg()[0], 1)}


def main_cli(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.import_page_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5, choices=range(1, 21), metavar="N")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = measure(args.rounds)
    if args.json:
        print(json.dumps(result))
    else:
        print(f"import page, {result['pages']}-page PDF ({result['file_kb']} KB), median of {result['rounds']} "
              f"rounds in Chromium: upload {result['median_upload_ms']} ms; read to preview "
              f"{result['median_read_to_preview_ms']} ms (max {result['max_read_to_preview_ms']} ms; on the server "
              f"{result['median_server_ms']} ms; the grid's accessible table "
              f"{result['median_read_to_accessible_table_ms']} ms); first round {result['first']}; load average "
              f"{result['load_average']}")
        print(f"preview: {result['summary']}")
    return 0


if __name__ == "__main__":
    sys.exit(main_cli())
