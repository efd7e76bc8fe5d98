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

The bare page is opened the same way as the page it is compared with. Streamlit's frontend, opened at
any address but the root (``/handbook``), first asks ``/handbook/_stcore/health`` whether the app is
served under that prefix, and after that fails waits 100 ms before it asks ``/_stcore/health``: every
deep link of every multipage Streamlit app pays this. So the app's root (Home) is compared with the bare
page's root ``/``, and every other page with the bare page's own deep link, ``/bare``; the ratio to the
bare root is reported too (``ratio_to_bare_root``).

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
BARE_ROOT, BARE_DEEP_LINK = "/", "/bare"  # tests/bare_app/app.py's one page, by the root and by its url_path


def bare_counterpart(path: str) -> str:
    """The bare page's address opened the same way as ``path``: the root for the root, else a deep link."""
    return BARE_ROOT if path.split("?")[0] == "/" else BARE_DEEP_LINK


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
        key = path if target == "app" else f"bare {path}"
        samples.add(key, await direct_load(page, base + path, timeout_ms, js_errors))
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
            for bare_path in (BARE_ROOT, BARE_DEEP_LINK):
                await measured(tabs["bare"], "bare", urls["bare"], bare_path, timeout_ms, js_errors["bare"], warm)
            for path in paths:
                await measured(tabs["app"], "app", urls["app"], path, timeout_ms, js_errors["app"], warm)
            samples.errors += warm.errors
            for _ in range(rounds):
                for path in paths:  # the bare page just before each page: both see the same moment's machine
                    await measured(tabs["bare"], "bare", urls["bare"], bare_counterpart(path), timeout_ms,
                                   js_errors["bare"], samples)
                    await measured(tabs["app"], "app", urls["app"], path, timeout_ms, js_errors["app"], samples)
        finally:
            await browser.close()
    return samples


def summary(samples: Samples, paths: list[str]) -> dict:
    """Per page: n, p50, p95, the p50's ratio to the bare page's p50 opened the same way (``ratio``) and to
    the bare root's (``ratio_to_bare_root``); the mean and worst of each."""
    def stats(values: list[float]) -> dict:
        return {"n": len(values), "p50_ms": round(statistics.median(values), 1),
                "p95_ms": round(percentile(values, 95), 1)} if values else {"n": 0, "p50_ms": None, "p95_ms": None}

    def ratio(p50: float | None, bare_p50: float | None) -> float | None:
        return round(p50 / bare_p50, 2) if p50 and bare_p50 else None

    bare = {path: stats(samples.times.get(f"bare {path}", [])) for path in (BARE_ROOT, BARE_DEEP_LINK)}
    pages = {}
    for path in paths:
        row = stats(samples.times.get(path, []))
        row["bare"] = bare_counterpart(path)
        row["ratio"] = ratio(row["p50_ms"], bare[row["bare"]]["p50_ms"])
        row["ratio_to_bare_root"] = ratio(row["p50_ms"], bare[BARE_ROOT]["p50_ms"])
        pages[path] = row

    def mean_and_worst(key: str) -> tuple[float | None, float | None]:
        ratios = [row[key] for row in pages.values() if row[key] is not None]
        return (round(statistics.mean(ratios), 2), max(ratios)) if ratios else (None, None)

    (ratio_mean, ratio_worst), (root_mean, root_worst) = mean_and_worst("ratio"), mean_and_worst("ratio_to_bare_root")
    return {"bare": bare, "pages": pages, "ratio_mean": ratio_mean, "ratio_worst": ratio_worst,
            "ratio_to_bare_root_mean": root_mean, "ratio_to_bare_root_worst": root_worst,
            "errors": len(samples.errors), "error_samples": samples.errors[:10]}


def format_report(report: dict) -> str:
    lines = [f"Browser direct loads (Chromium, {report['rounds']} round(s); navigation to h1 visible and script "
             f"idle); load average before {report['load_average_before']}, after {report['load_average_after']}",
             f"  {'page':<14}{'n':>5}{'p50 ms':>10}{'p95 ms':>10}{'x bare p50':>12}  (bare page at){'x bare /':>10}"]
    for path, bare in report["bare"].items():
        lines.append(f"  {'bare ' + path:<14}{bare['n']:>5}{bare['p50_ms'] or '-':>10}{bare['p95_ms'] or '-':>10}")
    for path, row in report["pages"].items():
        lines.append(f"  {path:<14}{row['n']:>5}{row['p50_ms'] or '-':>10}{row['p95_ms'] or '-':>10}"
                     f"{row['ratio'] or '-':>12}  {row['bare']:<13}{row['ratio_to_bare_root'] or '-':>10}")
    lines.append(f"  every page: mean {report['ratio_mean']}x the bare page opened the same way, worst "
                 f"{report['ratio_worst']}x (against the bare root: mean {report['ratio_to_bare_root_mean']}x, "
                 f"worst {report['ratio_to_bare_root_worst']}x); errors {report['errors']}")
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
