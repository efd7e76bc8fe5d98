"""Browser direct loads: every page opened by its address in Chromium, against the bare page in the same run.

    .venv/bin/python -m tests.load --browser-direct [--rounds R] [--step-timeout S] [--json]

Starts the app and the bare one-heading page (``tests/bare_app/app.py``: same Streamlit, same
``.streamlit/config.toml``) on free 127.0.0.1 ports, takes the app's pages from its st.navigation (as
``tests/load_ws.py`` does, so a page added to app.py is measured without changing this file), and
opens each page once in a warm-up. Then, ``--rounds`` times, for every page: the bare page, then the
app's page, each a navigation in the same tab (a new Streamlit session, as a typed address, a
bookmark or a shared link is; the browser's cache is warm, as it is for a returning visitor). A load's
time runs from the navigation to the page's ``h1`` being visible and Streamlit reporting no script
running. Each page's median is given as a ratio to the bare page's median over the whole run, so
work on the machine that slows both does not change the figure much.

Errors (a timeout, a Streamlit exception box, a websocket that is not connected, an uncaught
JavaScript error) are counted and make the exit status 1. Loopback only: Chromium resolves no other
host.
"""

from __future__ import annotations

import os
import statistics
import time
from dataclasses import dataclass, field

from tests.e2e.e2e_helpers import CHROMIUM, ROOT, StreamlitServer
from tests.load import CHROMIUM_ARGS, VIEWPORT, percentile
from tests.streamlit_ws import open_page, run_to_completion

TARGETS = {"bare": "tests/bare_app/app.py", "app": "app.py"}
MAIN_HEADING = '[data-testid="stMain"] h1'
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
CONNECTED = '[data-testid="stApp"][data-test-connection-state="CONNECTED"]'
EXCEPTION = '[data-testid="stException"]'


class LoadError(Exception):
    pass


@dataclass
class Samples:
    """Load times in ms by page path, and the errors met."""

    times: dict[str, list[float]] = field(default_factory=dict)
    errors: list[dict] = field(default_factory=list)

    def add(self, path: str, ms: float) -> None:
        self.times.setdefault(path, []).append(ms)


async def direct_load(page, url: str, timeout_ms: float, js_errors: list[str]) -> float:
    """Navigate to ``url``; ms until its h1 is visible and no script is running. LoadError when it broke."""
    js_errors.clear()
    started = time.perf_counter()
    await page.goto(url, wait_until="commit", timeout=timeout_ms)
    await page.locator(MAIN_HEADING).first.wait_for(state="visible", timeout=timeout_ms)
    await page.locator(IDLE).wait_for(state="attached", timeout=timeout_ms)
    elapsed = (time.perf_counter() - started) * 1000
    if await page.locator(EXCEPTION).count():
        raise LoadError("Streamlit exception on the page: " + (await page.locator(EXCEPTION).first.inner_text())[:200])
    if not await page.locator(CONNECTED).count():
        raise LoadError("the websocket is not connected")
    if js_errors:
        raise LoadError(f"JavaScript error: {js_errors[0]}")
    return elapsed


async def measured(page, target: str, base: str, path: str, timeout_ms: float, js_errors: list[str],
                   samples: Samples) -> None:
    try:
        samples.add(path if target == "app" else "bare", await direct_load(page, base + path, timeout_ms, js_errors))
    except Exception as exc:  # noqa: BLE001  (Playwright timeouts and LoadError alike are counted)
        samples.errors.append({"target": target, "page": path, "kind": type(exc).__name__,
                               "detail": (str(exc).splitlines() or [""])[0][:200]})


async def drive(urls: dict[str, str], paths: list[str], rounds: int, timeout_ms: float) -> Samples:
    from playwright.async_api import async_playwright

    samples = Samples()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            tabs, js_errors = {}, {}
            for target in TARGETS:
                context = await browser.new_context(viewport=VIEWPORT)
                tabs[target] = await context.new_page()
                js_errors[target] = []
                tabs[target].on("pageerror", lambda exc, found=js_errors[target]: found.append(str(exc)[:200]))
            warm = Samples()  # fills the browser's cache and the server's, not counted
            await measured(tabs["bare"], "bare", urls["bare"], "/", timeout_ms, js_errors["bare"], warm)
            for path in paths:
                await measured(tabs["app"], "app", urls["app"], path, timeout_ms, js_errors["app"], warm)
            samples.errors += warm.errors
            for _ in range(rounds):
                for path in paths:  # the bare page just before each page: both see the same moment's machine
                    await measured(tabs["bare"], "bare", urls["bare"], "/", timeout_ms, js_errors["bare"], samples)
                    await measured(tabs["app"], "app", urls["app"], path, timeout_ms, js_errors["app"], samples)
        finally:
            await browser.close()
    return samples


def summary(samples: Samples, paths: list[str]) -> dict:
    """Per page: n, p50, p95 and the p50's ratio to the bare page's p50; the mean and worst ratio."""
    def stats(values: list[float]) -> dict:
        return {"n": len(values), "p50_ms": round(statistics.median(values), 1),
                "p95_ms": round(percentile(values, 95), 1)} if values else {"n": 0, "p50_ms": None, "p95_ms": None}

    bare = stats(samples.times.get("bare", []))
    pages = {}
    for path in paths:
        row = stats(samples.times.get(path, []))
        row["ratio"] = (round(row["p50_ms"] / bare["p50_ms"], 2) if row["p50_ms"] and bare["p50_ms"] else None)
        pages[path] = row
    ratios = [row["ratio"] for row in pages.values() if row["ratio"] is not None]
    return {"bare": bare, "pages": pages,
            "ratio_mean": round(statistics.mean(ratios), 2) if ratios else None,
            "ratio_worst": max(ratios) if ratios else None,
            "errors": len(samples.errors), "error_samples": samples.errors[:10]}


def format_report(report: dict) -> str:
    lines = [f"Browser direct loads (Chromium, {report['rounds']} round(s); navigation to h1 visible and script "
             f"idle); load average before {report['load_average_before']}, after {report['load_average_after']}",
             f"  {'page':<14}{'n':>5}{'p50 ms':>10}{'p95 ms':>10}{'x bare p50':>12}"]
    bare = report["bare"]
    lines.append(f"  {'bare page':<14}{bare['n']:>5}{bare['p50_ms'] or '-':>10}{bare['p95_ms'] or '-':>10}{1:>12}")
    for path, row in report["pages"].items():
        lines.append(f"  {path:<14}{row['n']:>5}{row['p50_ms'] or '-':>10}{row['p95_ms'] or '-':>10}"
                     f"{row['ratio'] or '-':>12}")
    lines.append(f"  every page: mean {report['ratio_mean']}x the bare page, worst {report['ratio_worst']}x; "
                 f"errors {report['errors']}")
    lines += [f"  - {e['target']} {e['page']}: {e['kind']}: {e['detail']}" for e in report["error_samples"]]
    return "\n".join(lines)


def run(rounds: int, timeout_s: float) -> dict:
    """Start both servers, find the app's pages, drive the loads; the report (servers stopped after)."""
    servers = {target: StreamlitServer(ROOT, script=script) for target, script in TARGETS.items()}
    load_before = round(os.getloadavg()[0], 2)
    try:
        for server in servers.values():
            server.start()
        first = run_to_completion(open_page(servers["app"].base_url))
        paths = [page.path for page in first.pages]
        urls = {target: server.base_url for target, server in servers.items()}
        samples = run_to_completion(drive(urls, paths, rounds, timeout_s * 1000))
    finally:
        for server in servers.values():
            server.stop()
    tracebacks = {target: server.log_tail(10**7).count("Traceback") for target, server in servers.items()}
    report = {"rounds": rounds, "load_average_before": load_before, "load_average_after": round(os.getloadavg()[0], 2),
              **summary(samples, paths), "server_log_tracebacks": tracebacks}
    report["errors"] += sum(tracebacks.values())
    if not report["errors"]:
        for server in servers.values():
            server.log_path.unlink(missing_ok=True)
    else:
        report["server_logs"] = {target: str(server.log_path) for target, server in servers.items()}
    return report
