"""Load test: concurrent real browsers against a real ``streamlit run app.py`` (``make load``).

    .venv/bin/python -m tests.load [--sessions N] [--seconds S] [--json]
    .venv/bin/python -m tests.load --browser-direct [--rounds R] [--json]   (see tests/browser_direct.py)

Starts the app on a free 127.0.0.1 port (polling ``/_stcore/health``), warms it up with one
journey, then drives N concurrent headless Chromium sessions (one browser, N contexts, asyncio)
through a realistic journey, repeated until the time is up:

1. ``home``: open the Home page.
2. ``handbook``: open a Handbook deep link to a clause (a new browser session, as a shared link is).
3. ``search``: type a question into the sidebar search box and submit (same session, page switch).
4. ``escalation``: open an escalation deep link and wait for the flowchart SVG to be drawn.
5. ``explorer``: open the "May I…?" explorer with all five councils side by side.

Each step's latency runs from the navigation (or click) to the page's h1 being visible and
Streamlit reporting no script running (plus the step's own evidence: the linked clause, search
hits, the SVG, the five-council table). Errors are step timeouts, a Streamlit exception box, the
content-error page, a lost websocket, and uncaught JavaScript errors.

Memory: the server's RSS (psutil, the process and its children) is sampled at start, after the
warm-up, every few seconds during the run and, after every browser context has closed, until it
settles (up to --settle seconds). Streamlit keeps a disconnected session for
``server.disconnectedSessionTTL`` seconds (120 by default); this test starts the server with
``--session-ttl`` (default 10) so the memory of closed sessions can be seen coming back within the
settle window. The report says which TTL it used.

Exit status: 0 when every step of every journey succeeded, 1 otherwise, 2 on bad arguments.
Network: the server listens on 127.0.0.1 and Chromium resolves no other host.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import platform
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.e2e_helpers import CHROMIUM, StreamlitServer  # noqa: E402  (after the path is set)
from tests.e2e.e2e_helpers import CHROMIUM_ARGS as BROWSER_TEST_ARGS  # noqa: E402
from ui.chrome import ASK_LABEL  # noqa: E402  (the sidebar box's label, wherever the sidebar puts it)

CHROMIUM_ARGS = [
    *BROWSER_TEST_ARGS,
    "--disable-dev-shm-usage",
    # Loopback only: every host name but the server's address fails to resolve.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
VIEWPORT = {"width": 1280, "height": 900}
MAX_SESSIONS, MAX_SECONDS, MAX_SETTLE, MAX_DIRECT_ROUNDS = 50, 600, 300, 30
STEPS = ("home", "handbook", "search", "escalation", "explorer")
HEADINGS = {"home": "Protocol Explorer", "handbook": "Handbook", "search": "Search",
            "escalation": "Who do I go to?", "explorer": "May I…?"}
SEARCHES = ["planing case oficer", "who do I complain to about the chief exec", "confidentaility",
            "need to know", "friendship with a councillor", "party group advice", "press release",
            "monitoring officer", "can a councillor instruct an officer", "exempt information"]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
CONNECTED = '[data-testid="stApp"][data-test-connection-state="CONNECTED"]'
EXCEPTION = '[data-testid="stException"]'
SAMPLE_EVERY_S = 2.0


# ---------------------------------------------------------------- arguments


def bounded_int(low: int, high: int, what: str):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what} must be a whole number, not {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{what} must be from {low} to {high}, not {value}")
        return value
    return parse


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=bounded_int(1, MAX_SESSIONS, "--sessions"), default=10,
                        help=f"concurrent browser sessions (default 10, at most {MAX_SESSIONS})")
    parser.add_argument("--seconds", type=bounded_int(1, MAX_SECONDS, "--seconds"), default=60,
                        help=f"how long to start new journeys (default 60, at most {MAX_SECONDS})")
    parser.add_argument("--step-timeout", type=bounded_int(5, 300, "--step-timeout"), default=60,
                        help="seconds one step may take before it counts as an error (default 60)")
    parser.add_argument("--session-ttl", type=bounded_int(0, 3600, "--session-ttl"), default=10,
                        help="server.disconnectedSessionTTL for the test server (default 10; Streamlit: 120)")
    parser.add_argument("--settle", type=bounded_int(0, MAX_SETTLE, "--settle"), default=90,
                        help="seconds to wait for memory to settle after the sessions close (default 90)")
    parser.add_argument("--ramp", type=float, default=5.0, help="seconds over which sessions start (default 5)")
    parser.add_argument("--artifacts", type=Path, help="folder for a screenshot of every failed step")
    parser.add_argument("--browser-direct", action="store_true",
                        help="instead: every page's direct load in Chromium against the bare page's, in the same run")
    parser.add_argument("--rounds", type=bounded_int(1, MAX_DIRECT_ROUNDS, "--rounds"), default=5,
                        help=f"--browser-direct: loads of every page (default 5, at most {MAX_DIRECT_ROUNDS})")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    return parser.parse_args(argv)


# ---------------------------------------------------------------- the server


class Server(StreamlitServer):
    """The browser tests' server, with a short session TTL so memory can settle within the test."""

    def __init__(self, session_ttl: int):
        super().__init__(ROOT, extra_args=("--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false",
                                           "--server.disconnectedSessionTTL", str(session_ttl)))
        self.session_ttl = session_ttl

    @property
    def url(self) -> str:
        return self.base_url

    @property
    def log(self):
        return self.log_path

    def rss(self) -> int:
        """Resident memory of the server process and all its children, in bytes."""
        return tree_rss(self.process.pid)


def tree_rss(pid: int, exclude: set[int] = frozenset()) -> int:
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for process in processes:
        if process.pid in exclude:
            continue
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            total += process.memory_info().rss
    return total


class Sampler(threading.Thread):
    """Samples server RSS and CPU, and the load generator's RSS, every few seconds."""

    def __init__(self, server: Server):
        super().__init__(daemon=True)
        self.server = server
        self.samples: list[dict] = []
        self.stopping = threading.Event()
        self.started_at = time.monotonic()
        self.server_process = psutil.Process(server.process.pid)
        self.server_process.cpu_percent(None)

    def sample(self) -> dict:
        cpu = 0.0
        with contextlib.suppress(psutil.NoSuchProcess):
            cpu = self.server_process.cpu_percent(None)
        server_pids = {self.server.process.pid, *(p.pid for p in self.server_process.children(recursive=True))}
        row = {"t": round(time.monotonic() - self.started_at, 1), "server_rss": self.server.rss(),
               "server_cpu": cpu, "client_rss": tree_rss(os.getpid(), exclude=server_pids),
               "load1": os.getloadavg()[0], "health_ms": self.health_ms()}
        self.samples.append(row)
        return row

    def health_ms(self) -> float | None:
        """How long the server takes to answer /_stcore/health: its event loop's responsiveness."""
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(f"{self.server.url}/_stcore/health", timeout=10) as response:
                response.read()
        except (urllib.error.URLError, OSError):
            return None
        return (time.perf_counter() - started) * 1000

    def run(self) -> None:
        while not self.stopping.wait(SAMPLE_EVERY_S):
            self.sample()


# ---------------------------------------------------------------- the journey


@dataclass
class Links:
    """Deep links chosen from the content, so every one is valid and rotates over the councils."""

    councils: list[str]
    clauses: dict[str, list[str]]
    routes: dict[str, list[tuple[str, dict]]]

    @classmethod
    def from_content(cls) -> Links:
        from logic.model import load_model
        from logic.routing import route

        model = load_model()
        corpus, routing = model.corpus, model.routing
        clauses = {slug: [c.number for c in council.clauses] for slug, council in corpus.councils.items()}
        routes = {}
        for slug in corpus.councils:
            routes[slug] = []
            for scenario, entry in routing.catalogue.items():
                names = list(entry.params)
                for values in itertools.product(*[list(entry.params[n].values) for n in names]):
                    params = dict(zip(names, values))
                    if route(corpus, routing, scenario, slug, params).covered:
                        routes[slug].append((scenario, params))
        return cls(list(corpus.councils), clauses, routes)


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in STEPS})
    errors: list[dict] = field(default_factory=list)
    journeys_started: int = 0
    journeys_completed: int = 0


class StepError(Exception):
    pass


async def settle(page, step: str, timeout_ms: float, evidence: str | None = None) -> None:
    """Wait for the page's h1, the step's evidence, and Streamlit to finish running; check for errors."""
    heading = page.locator("h1", has_text=HEADINGS[step]).first
    await heading.wait_for(state="visible", timeout=timeout_ms)
    if evidence:
        await page.locator(evidence).first.wait_for(state="visible", timeout=timeout_ms)
    await page.locator(IDLE).wait_for(state="attached", timeout=timeout_ms)
    if await page.locator(EXCEPTION).count():
        raise StepError("Streamlit exception on the page: "
                        + (await page.locator(EXCEPTION).first.inner_text())[:200])
    if await page.locator("h1", has_text="The protocol content has errors").count():
        raise StepError("the content-error page is shown")
    if not await page.locator(CONNECTED).count():
        raise StepError("the websocket is not connected")


async def run_step(page, step: str, number: int, links: Links, base: str, timeout_ms: float) -> None:
    council = links.councils[number % len(links.councils)]
    if step == "home":
        await page.goto(f"{base}/?{urlencode({'council': council})}", wait_until="commit", timeout=timeout_ms)
        await settle(page, step, timeout_ms)
    elif step == "handbook":
        clauses = links.clauses[council]
        query = {"council": council, "clause": clauses[number % len(clauses)]}
        await page.goto(f"{base}/handbook?{urlencode(query)}", wait_until="commit", timeout=timeout_ms)
        await settle(page, step, timeout_ms, evidence="text=Linked clause")
    elif step == "search":
        box = page.locator(f'[data-testid="stSidebar"] input[aria-label="{ASK_LABEL}"]')
        await box.fill(SEARCHES[number % len(SEARCHES)], timeout=timeout_ms)
        await page.locator('[data-testid="stSidebar"] [data-testid="stFormSubmitButton"] button').click(
            timeout=timeout_ms)
        await settle(page, step, timeout_ms, evidence="text=best matches")
    elif step == "escalation":
        routes = links.routes[council]
        scenario, params = routes[number % len(routes)]
        query = {"council": council, "scenario": scenario, **params, "view": "one"}
        await page.goto(f"{base}/escalation?{urlencode(query)}", wait_until="commit", timeout=timeout_ms)
        await settle(page, step, timeout_ms, evidence='[data-testid="stGraphVizChart"] svg')
    elif step == "explorer":
        query = {"council": council, "question": "inspect-document", "basis": "need-to-know", "view": "all"}
        await page.goto(f"{base}/explorer?{urlencode(query)}", wait_until="commit", timeout=timeout_ms)
        await settle(page, step, timeout_ms, evidence="h2:has-text('All five councils')")


async def session(browser, index: int, base: str, links: Links, deadline: float, start_delay: float,
                  timeout_ms: float, results: Results, artifacts: Path | None, journeys: int | None = None) -> None:
    """One browser context running journeys until ``deadline`` (or exactly ``journeys`` of them)."""
    await asyncio.sleep(start_delay)
    context = await browser.new_context(viewport=VIEWPORT)
    page = await context.new_page()
    js_errors: list[str] = []
    page.on("pageerror", lambda exc: js_errors.append(str(exc)[:200]))
    try:
        journey = 0
        while (journey < journeys) if journeys is not None else (time.monotonic() < deadline):
            results.journeys_started += 1
            number = index * 1000 + journey
            failed = False
            for step in STEPS:
                started = time.perf_counter()
                try:
                    await run_step(page, step, number, links, base, timeout_ms)
                except Exception as exc:  # noqa: BLE001  (timeouts and StepError alike are counted)
                    kind = "timeout" if type(exc).__name__ == "TimeoutError" else type(exc).__name__
                    results.errors.append({"session": index, "journey": journey, "step": step, "kind": kind,
                                           "detail": str(exc).splitlines()[0][:200] if str(exc) else kind,
                                           "after_ms": round((time.perf_counter() - started) * 1000)})
                    if artifacts:
                        with contextlib.suppress(Exception):
                            await page.screenshot(path=str(artifacts / f"s{index}-j{journey}-{step}.png"))
                    failed = True
                    break
                results.latencies[step].append((time.perf_counter() - started) * 1000)
            if js_errors:
                results.errors.append({"session": index, "journey": journey, "step": "-", "kind": "pageerror",
                                       "detail": js_errors[0], "after_ms": 0})
                js_errors.clear()
                failed = True
            if not failed:
                results.journeys_completed += 1
            journey += 1
    finally:
        await context.close()


async def drive(args: argparse.Namespace, server: Server, sampler: Sampler, links: Links) -> tuple[Results, dict]:
    from playwright.async_api import async_playwright

    timeout_ms = args.step_timeout * 1000
    marks: dict = {}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            # Warm-up: one journey fills the server's caches (model, search index, handbook PDF).
            warm = Results()
            await session(browser, 0, server.url, links, 0, 0, timeout_ms, warm, args.artifacts, journeys=1)
            marks["warmup_errors"] = warm.errors
            marks["rss_after_warmup"] = sampler.sample()["server_rss"]
            marks["sessions_start_t"] = sampler.sample()["t"]
            results = Results()
            deadline = time.monotonic() + args.seconds
            ramp = max(0.0, min(args.ramp, args.seconds / 2))
            delays = [ramp * i / (args.sessions - 1) if args.sessions > 1 else 0.0 for i in range(args.sessions)]
            tasks = [session(browser, i + 1, server.url, links, deadline, delays[i], timeout_ms, results,
                             args.artifacts) for i in range(args.sessions)]
            started = time.monotonic()
            await asyncio.gather(*tasks)
            marks["run_seconds"] = round(time.monotonic() - started, 1)
        finally:
            await browser.close()
    marks["sessions_end_t"] = sampler.sample()["t"]
    return results, marks


def wait_for_settle(sampler: Sampler, server: Server, ttl: int, limit: int) -> tuple[int, float]:
    """After the browsers closed: RSS once it stops falling (TTL passed and <1% change over 10 s)."""
    closed = time.monotonic()
    history: list[tuple[float, int]] = []
    while True:
        time.sleep(SAMPLE_EVERY_S)
        elapsed = time.monotonic() - closed
        rss = sampler.sample()["server_rss"]
        history.append((elapsed, rss))
        recent = [r for t, r in history if t >= elapsed - 10]
        if elapsed >= ttl + 5 and len(recent) >= 4 and (max(recent) - min(recent)) <= 0.01 * max(recent):
            return rss, round(elapsed, 1)
        if elapsed >= limit:
            return rss, round(elapsed, 1)


# ---------------------------------------------------------------- report


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def build_report(args, server: Server, results: Results, marks: dict, sampler: Sampler,
                 rss_start: int, rss_after: int, settled_after: float) -> dict:
    during = [s for s in sampler.samples if marks["sessions_start_t"] <= s["t"] <= marks["sessions_end_t"]]
    health = [s["health_ms"] for s in during if s["health_ms"] is not None]
    mb = 2 ** 20
    steps = {}
    for step in STEPS:
        values = results.latencies[step]
        steps[step] = ({"n": len(values), "p50_ms": round(statistics.median(values)),
                        "p95_ms": round(percentile(values, 95)), "max_ms": round(max(values))}
                       if values else {"n": 0, "p50_ms": None, "p95_ms": None, "max_ms": None})
    errors = marks["warmup_errors"] + results.errors
    errors += [{"session": "-", "journey": "-", "step": "health", "kind": "health-failed", "after_ms": 10_000,
                "detail": f"/_stcore/health did not answer at t={s['t']} s"} for s in during if s["health_ms"] is None]
    kinds: dict[str, int] = {}
    for error in errors:
        kinds[error["kind"]] = kinds.get(error["kind"], 0) + 1
    return {
        "sessions": args.sessions, "seconds": args.seconds, "run_seconds": marks["run_seconds"],
        "step_timeout_s": args.step_timeout, "session_ttl_s": args.session_ttl,
        "machine": {"cpus": os.cpu_count(), "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
                    "python": platform.python_version()},
        "journeys_started": results.journeys_started, "journeys_completed": results.journeys_completed,
        "steps": steps,
        "errors": len(errors), "error_kinds": kinds, "error_samples": errors[:10],
        "server_rss_mb": {
            "start": round(rss_start / mb, 1),
            "after_warmup": round(marks["rss_after_warmup"] / mb, 1),
            "peak": round(max([s["server_rss"] for s in during] or [0]) / mb, 1),
            "after": round(rss_after / mb, 1),
            "settled_after_s": settled_after,
        },
        "server_cpu_percent": {
            "mean": round(statistics.mean([s["server_cpu"] for s in during]), 0) if during else None,
            "max": round(max([s["server_cpu"] for s in during]), 0) if during else None,
        },
        "server_health_ms": {
            "p50": round(statistics.median(health), 1) if health else None,
            "p95": round(percentile(health, 95), 1) if health else None,
            "max": round(max(health), 1) if health else None,
            "failed": sum(s["health_ms"] is None for s in during),
        },
        "load_generator_rss_peak_mb": round(max([s["client_rss"] for s in during] or [0]) / mb, 1),
        "load_average_peak": round(max([s["load1"] for s in during] or [0]), 2),
        "load_average_before": marks["load_before"],
    }


def format_report(report: dict) -> str:
    rss, cpu, health = report["server_rss_mb"], report["server_cpu_percent"], report["server_health_ms"]
    lines = [
        "Protocol Explorer load test",
        f"  {report['sessions']} concurrent Chromium sessions (1 browser, {report['sessions']} contexts) for "
        f"{report['seconds']} s (last journeys finished after {report['run_seconds']} s); step timeout "
        f"{report['step_timeout_s']} s",
        f"  server: streamlit run app.py on 127.0.0.1, server.disconnectedSessionTTL={report['session_ttl_s']} s "
        "for this test (Streamlit's default is 120 s)",
        f"  machine: {report['machine']['cpus']} CPUs, {report['machine']['memory_gb']} GB RAM, "
        f"Python {report['machine']['python']}; server and browsers share it",
        "",
        f"journeys: {report['journeys_completed']} completed of {report['journeys_started']} started",
        f"errors: {report['errors']}" + (f" ({', '.join(f'{k} {v}' for k, v in report['error_kinds'].items())})"
                                         if report["errors"] else ""),
    ]
    for error in report["error_samples"]:
        lines.append(f"  - session {error['session']} journey {error['journey']} {error['step']}: "
                     f"{error['kind']} after {error['after_ms']} ms: {error['detail']}")
    lines += ["", f"{'step':<12}{'n':>6}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}"]
    for step, s in report["steps"].items():
        cells = [s["p50_ms"], s["p95_ms"], s["max_ms"]]
        lines.append(f"{step:<12}{s['n']:>6}" + "".join(f"{('-' if c is None else c):>10}" for c in cells))
    lines += [
        "",
        f"server RSS: start {rss['start']} MB, after warm-up {rss['after_warmup']} MB, peak {rss['peak']} MB, "
        f"after the sessions closed {rss['after']} MB (settled after {rss['settled_after_s']} s)",
        f"server CPU during the run: mean {cpu['mean']}%, max {cpu['max']}% (100% = one core)",
        f"server /_stcore/health latency during the run: p50 {health['p50']} ms, p95 {health['p95']} ms, "
        f"max {health['max']} ms, {health['failed']} failed",
        f"load generator (Chromium + Playwright driver) RSS peak: {report['load_generator_rss_peak_mb']} MB; "
        f"1-minute load average peak {report['load_average_peak']} (before the test: "
        f"{report['load_average_before']})",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.browser_direct:
        from tests import browser_direct

        report = browser_direct.run(args.rounds, args.step_timeout)
        print(json.dumps(report, indent=1) if args.json else browser_direct.format_report(report))
        return 1 if report["errors"] else 0
    if args.artifacts:
        args.artifacts.mkdir(parents=True, exist_ok=True)
    links = Links.from_content()
    load_before = round(os.getloadavg()[0], 2)  # other work on the machine skews every number below
    server = Server(args.session_ttl)
    try:
        server.start()
        sampler = Sampler(server)
        rss_start = sampler.sample()["server_rss"]
        sampler.start()
        results, marks = asyncio.run(drive(args, server, sampler, links))
        marks["load_before"] = load_before
        rss_after, settled_after = wait_for_settle(sampler, server, args.session_ttl, args.settle)
        sampler.stopping.set()
        report = build_report(args, server, results, marks, sampler, rss_start, rss_after, settled_after)
        if server.process.poll() is not None:
            report["errors"] += 1
            report["error_kinds"]["server-exited"] = 1
    finally:
        server.stop()
    report["server_log_tracebacks"] = server.log.read_text(errors="replace").count("Traceback")
    if report["server_log_tracebacks"]:
        report["errors"] += report["server_log_tracebacks"]
        report["error_kinds"]["server-traceback"] = report["server_log_tracebacks"]
    print(json.dumps(report, indent=1) if args.json else format_report(report))
    if report["errors"]:
        print(f"server log: {server.log}", file=sys.stderr)
    else:
        server.log.unlink(missing_ok=True)
    return 1 if report["errors"] or not report["journeys_completed"] else 0


if __name__ == "__main__":
    sys.exit(main())
