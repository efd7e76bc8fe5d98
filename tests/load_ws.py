"""Protocol-level load test: simulated sessions that speak Streamlit's websocket protocol (``make load``).

    .venv/bin/python -m tests.load_ws [--sessions N] [--seconds S] [--think S] [--json]
    .venv/bin/python -m tests.load_ws --single [--rounds R] [--json]

No browser: each simulated session does what a browser tab does for a deep link (the HTML page,
``/_stcore/health``, ``/_stcore/host-config``, the websocket, one ``rerun_script``; see
``tests/streamlit_ws.py``), waits for ``script_finished``, thinks about ``--think`` seconds
(uniformly jittered between half and one and a half times that), and opens the next page. The pages
are the app's st.navigation pages as the server announces them (so a page added to app.py is
measured without changing this file), each session starting at a different one; ``--link`` adds
deep links with a query string. ``--mode navigate`` keeps one websocket per session and switches
pages as the sidebar menu does (a rerun with the page's script hash) instead.

The same load is run against a bare one-heading Streamlit page (``tests/bare_app/app.py``, same
Streamlit, same ``.streamlit/config.toml``) in the same invocation, first, so every figure is also
given as a ratio to the bare page's (``ratios``: app / bare). ``--target app`` or ``bare`` runs one.

Each target's server is started on a free 127.0.0.1 port (``--processes K`` starts K server
processes behind the sticky nginx proxy of ``deploy/multiprocess/``), then every page is opened once
to warm the caches; the figures exclude that warm-up. ``--url`` drives a server you started yourself
(loopback only; give ``--server-pid`` for its CPU figures).

Figures per target: runs completed, runs per second, latency (from the page request to
``script_finished``) p50/p95/max per page and overall, errors by kind (``exception`` elements in
the delta stream, ``page-not-found``, ``lost-connection``, ``connect-failed``, ``http-NNN``,
``timeout`` after ``--timeout`` s), and the server's CPU seconds per run (psutil: the server
processes' user+system time over the run, divided by the runs completed). ``--single`` instead runs
one session, ``--rounds`` runs of every page in turn, and gives per page the p50 latency, the CPU per
run, and the number of elements and bytes the page sent.

Bounds: at most 100 sessions, 600 seconds (new runs stop then; runs in flight get ``--timeout``).
Exit status: 0 when no run failed, 1 otherwise, 2 on bad arguments.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import random
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy.multiprocess.serve import MultiProcessServer  # noqa: E402  (after the path is set)
from tests.e2e.e2e_helpers import StreamlitServer  # noqa: E402
from tests.load import percentile  # noqa: E402
from tests.pyspy import Profiler  # noqa: E402
from tests.streamlit_ws import (  # noqa: E402
    AppPage,
    PageRun,
    ProtocolError,
    Tab,
    loopback_base,
    open_page,
    run_to_completion,
)

MAX_SESSIONS, MAX_SECONDS, MAX_ROUNDS, MAX_PROCESSES = 100, 600, 100, 8
TARGETS = {"app": "app.py", "bare": "tests/bare_app/app.py"}
ERROR_SAMPLES = 10


# ---------------------------------------------------------------- arguments


def bounded(kind, low, high, what: str):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what} must be a number, not {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{what} must be from {low} to {high}, not {value}")
        return value
    return parse


def loopback_url(text: str) -> str:
    try:
        loopback_base(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text.rstrip("/")


def server_option(text: str) -> str:
    name, equals, value = text.partition("=")
    if not equals or not re.fullmatch(r"[a-z]+\.[A-Za-z]+", name) or not value:
        raise argparse.ArgumentTypeError(f"a server option is SECTION.NAME=VALUE, e.g. runner.postScriptGC=false, "
                                         f"not {text!r}")
    return text


def deep_link(text: str) -> str:
    if not text.startswith("/") or "://" in text:
        raise argparse.ArgumentTypeError(f"a deep link is a path with an optional query, e.g. "
                                         f"/handbook?council=maldon, not {text!r}")
    return text


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.load_ws", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=bounded(int, 1, MAX_SESSIONS, "--sessions"), default=20,
                        help=f"concurrent simulated sessions (default 20, at most {MAX_SESSIONS})")
    parser.add_argument("--seconds", type=bounded(int, 1, MAX_SECONDS, "--seconds"), default=60,
                        help=f"how long to start new page runs, per target (default 60, at most {MAX_SECONDS})")
    parser.add_argument("--think", type=bounded(float, 0, 30, "--think"), default=2.0,
                        help="mean think time between a session's runs in seconds, jittered 0.5-1.5x (default 2)")
    parser.add_argument("--timeout", type=bounded(float, 1, 300, "--timeout"), default=30.0,
                        help="seconds one page run may take before it counts as an error (default 30)")
    parser.add_argument("--single", action="store_true",
                        help="one session, --rounds runs of every page in turn: per-page latency and CPU")
    parser.add_argument("--rounds", type=bounded(int, 1, MAX_ROUNDS, "--rounds"), default=10,
                        help="runs of each page in --single mode (default 10)")
    parser.add_argument("--mode", choices=("deeplink", "navigate"), default="deeplink",
                        help="deeplink: a new tab (session) per run, as a shared link; navigate: one tab per "
                             "session, pages switched as the sidebar menu does (default deeplink)")
    parser.add_argument("--target", choices=("both", "app", "bare"), default="both",
                        help="what to measure: the app and the bare page (default), or one of them")
    parser.add_argument("--processes", type=bounded(int, 1, MAX_PROCESSES, "--processes"), default=1,
                        help="server processes per target; more than 1 runs them behind the sticky nginx "
                             "proxy of deploy/multiprocess (needs nginx)")
    parser.add_argument("--link", type=deep_link, action="append", default=[],
                        help="an extra deep link of the app to include, e.g. '/handbook?council=maldon&clause=3.2' "
                             "(repeatable)")
    parser.add_argument("--url", type=loopback_url,
                        help="drive this already running server (http://127.0.0.1:PORT only) instead of starting one")
    parser.add_argument("--server-pid", type=int, action="append", default=[],
                        help="with --url: a server process to measure CPU on (repeatable)")
    parser.add_argument("--server-option", type=server_option, action="append", default=[],
                        help="a Streamlit option for every server this starts, e.g. runner.postScriptGC=false "
                             "(repeatable): to measure what a setting changes")
    parser.add_argument("--profile", type=Path, metavar="DIR",
                        help="record the servers with py-spy during the measured runs (per page with --single); "
                             "raw stacks go to DIR, a summary into the report")
    parser.add_argument("--seed", type=int, default=12, help="seed of the think-time jitter (default 12)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    if args.url and args.target == "both":
        args.target = "app"
    if args.server_pid and not args.url:
        parser.error("--server-pid goes with --url")
    return args


# ---------------------------------------------------------------- the servers


@dataclass
class Deployment:
    """Where the simulated sessions connect, and which processes' CPU is the server's."""

    base_url: str
    server_pids: list[int]
    proxy_pids: list[int] = field(default_factory=list)
    backend_urls: list[str] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)

    def log_errors(self) -> dict:
        """Tracebacks in the servers' logs: how many, and the last lines of the first."""
        texts = [path.read_text(errors="replace") for path in self.logs if path.exists()]
        count = sum(text.count("Traceback (most recent call last)") for text in texts)
        first = next((text[text.index("Traceback (most recent call last)"):] for text in texts
                      if "Traceback (most recent call last)" in text), "")
        return {"tracebacks": count, "first_traceback_tail": "\n".join(first.splitlines()[:60][-25:])}


def streamlit_args(options: list[str]) -> tuple[str, ...]:
    """``--server-option runner.postScriptGC=false`` as ``streamlit run`` flags."""
    return tuple(word for option in options for word in (f"--{option.partition('=')[0]}", option.partition("=")[2]))


@contextlib.contextmanager
def deployment(target: str, args: argparse.Namespace) -> Iterator[Deployment]:
    if args.url:
        yield Deployment(args.url, args.server_pid, backend_urls=[args.url])
    elif args.processes == 1:
        server = StreamlitServer(ROOT, streamlit_args(args.server_option), script=TARGETS[target], ready="app")
        try:
            server.start()
            yield Deployment(server.base_url, [server.process.pid], backend_urls=[server.base_url],
                             logs=[server.log_path])
        finally:
            server.stop()
            if "Traceback" not in server.log_tail(10**7):
                server.log_path.unlink(missing_ok=True)
    else:
        with MultiProcessServer(ROOT, script=TARGETS[target], processes=args.processes,
                                streamlit_args=streamlit_args(args.server_option)) as multi:
            yield Deployment(multi.base_url, multi.server_pids, multi.proxy_pids, multi.backend_urls,
                             logs=sorted(multi.run_dir.glob("streamlit-*.log")))


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of the processes and of their finished children."""
    total = 0.0
    for pid in pids:
        with contextlib.suppress(psutil.NoSuchProcess):
            times = psutil.Process(pid).cpu_times()
            total += times.user + times.system + times.children_user + times.children_system
    return total


# ---------------------------------------------------------------- the pages


@dataclass(frozen=True)
class Link:
    """One deep link to run: a page of the app and an optional query string."""

    page: AppPage
    query: str = ""

    @property
    def name(self) -> str:
        return self.page.path + (f"?{self.query}" if self.query else "")


def links_for(pages: list[AppPage], extra: list[str]) -> list[Link]:
    """Every navigation page, then the extra deep links (each must name one of the pages)."""
    by_path = {page.path: page for page in pages}
    links = [Link(page) for page in pages]
    for text in extra:
        path, _, query = text.partition("?")
        if path not in by_path:
            raise SystemExit(f"--link {text!r}: {path!r} is not one of the app's pages ({', '.join(by_path)})")
        links.append(Link(by_path[path], query))
    return links


async def warm_up(dep: Deployment, extra: list[str], timeout: float) -> tuple[list[Link], list[dict]]:
    """Open every page once on every backend (fills each process's caches); return the links and errors."""
    first = await asyncio.wait_for(open_page(dep.backend_urls[0]), timeout)
    links = links_for(first.pages, extra)
    errors = []
    for backend in dep.backend_urls:
        for link in links:
            try:
                await asyncio.wait_for(open_page(backend, link.page.path, link.query), timeout)
            except (ProtocolError, TimeoutError, OSError) as exc:
                errors.append(error_row("warm-up", link, exc, 0.0))
    return links, errors


def error_row(session, link: Link, exc: BaseException, after_ms: float) -> dict:
    kind = exc.kind if isinstance(exc, ProtocolError) else "timeout" if isinstance(exc, TimeoutError) else \
        type(exc).__name__
    detail = exc.detail if isinstance(exc, ProtocolError) else str(exc)[:200]
    return {"session": session, "page": link.name, "kind": kind, "detail": detail, "after_ms": round(after_ms)}


# ---------------------------------------------------------------- the load


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    elements: dict[str, list[int]] = field(default_factory=dict)
    bytes: dict[str, list[int]] = field(default_factory=dict)
    errors: list[dict] = field(default_factory=list)

    def record(self, link: Link, run: PageRun) -> None:
        self.latencies.setdefault(link.name, []).append(run.latency_ms)
        self.elements.setdefault(link.name, []).append(run.element_count)
        self.bytes.setdefault(link.name, []).append(run.bytes)


async def one_run(tab: Tab | None, dep: Deployment, link: Link, mode: str) -> PageRun:
    if mode == "deeplink":
        return await open_page(dep.base_url, link.page.path, link.query)
    return await tab.run(link.page.path, link.query, page_script_hash=link.page.script_hash)


async def simulated_session(index: int, dep: Deployment, links: list[Link], args: argparse.Namespace,
                            deadline: float, rng: random.Random, tally: Tally) -> None:
    await asyncio.sleep(rng.uniform(0, args.think))
    tab: Tab | None = None
    step = 0
    try:
        while time.monotonic() < deadline:
            link = links[(index + step) % len(links)]
            step += 1
            started = time.perf_counter()
            try:
                async with asyncio.timeout(args.timeout):
                    if args.mode == "navigate" and tab is None:
                        tab = Tab(dep.base_url)
                        await tab.load(link.page.path, link.query)
                        await tab.connect()
                    run = await one_run(tab, dep, link, args.mode)
                tally.record(link, run)
            except (ProtocolError, TimeoutError, OSError) as exc:
                tally.errors.append(error_row(index, link, exc, (time.perf_counter() - started) * 1000))
                if tab is not None:  # a failed tab is closed; the next run opens a new one
                    with contextlib.suppress(Exception):
                        await tab.close()
                    tab = None
            await asyncio.sleep(args.think * rng.uniform(0.5, 1.5))
    finally:
        if tab is not None:
            await tab.close()


async def drive(dep: Deployment, links: list[Link], args: argparse.Namespace) -> tuple[Tally, float]:
    tally = Tally()
    deadline = time.monotonic() + args.seconds
    rngs = [random.Random(args.seed * 1000 + i) for i in range(args.sessions)]
    started = time.monotonic()
    await asyncio.gather(*(simulated_session(i, dep, links, args, deadline, rngs[i], tally)
                           for i in range(args.sessions)))
    return tally, time.monotonic() - started


def profiled(dep: Deployment, args: argparse.Namespace, label: str):
    """A py-spy recording of the servers when --profile is given, else nothing."""
    if not args.profile:
        return contextlib.nullcontext()
    return Profiler(dep.server_pids, args.profile, re.sub(r"[^A-Za-z0-9]+", "_", label).strip("_") or "root")


async def single_session(dep: Deployment, links: list[Link], args: argparse.Namespace, target: str) -> dict:
    """--rounds runs of each page, one at a time: per-page latency, CPU, elements and bytes.

    In navigate mode one tab stays open and switches pages; in deeplink mode every run is a new tab."""
    pages, errors = {}, []
    tab = None
    if args.mode == "navigate":
        tab = Tab(dep.base_url)
        await tab.load("/")
        await tab.connect()
    try:
        for link in links:
            tally = Tally()
            with profiled(dep, args, f"{target}-{link.name}") as profile:
                cpu_before = cpu_seconds(dep.server_pids)
                for _ in range(args.rounds):
                    started = time.perf_counter()
                    try:
                        run = await asyncio.wait_for(one_run(tab, dep, link, args.mode), args.timeout)
                        tally.record(link, run)
                    except (ProtocolError, TimeoutError, OSError) as exc:
                        errors.append(error_row("single", link, exc, (time.perf_counter() - started) * 1000))
                cpu = cpu_seconds(dep.server_pids) - cpu_before
            runs = len(tally.latencies.get(link.name, []))
            pages[link.name] = {
                "n": runs,
                "p50_ms": rounded(median_or_none(tally.latencies.get(link.name, []))),
                "cpu_ms_per_run": rounded(cpu * 1000 / runs) if runs and dep.server_pids else None,
                "elements": median_or_none(tally.elements.get(link.name, [])),
                "bytes": median_or_none(tally.bytes.get(link.name, [])),
                **({"profile": profile.summary} if profile else {}),
            }
    finally:
        if tab is not None:
            await tab.close()
    every_run = [p for p in pages.values() if p["n"]]
    cpus = [p["cpu_ms_per_run"] for p in every_run if p["cpu_ms_per_run"] is not None]
    return {
        "rounds": args.rounds,
        "pages": pages,
        "overall": {"p50_ms": rounded(median_or_none([p["p50_ms"] for p in every_run])),
                    "cpu_ms_per_run": rounded(statistics.mean(cpus)) if cpus else None},
        **error_summary(errors),
    }


# ---------------------------------------------------------------- figures


def median_or_none(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def rounded(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def latency_summary(values: list[float]) -> dict:
    if not values:
        return {"n": 0, "p50_ms": None, "p95_ms": None, "max_ms": None}
    return {"n": len(values), "p50_ms": rounded(statistics.median(values)),
            "p95_ms": rounded(percentile(values, 95)), "max_ms": rounded(max(values))}


def error_summary(errors: list[dict]) -> dict:
    return {"errors": len(errors), "error_kinds": dict(Counter(e["kind"] for e in errors)),
            "error_samples": errors[:ERROR_SAMPLES]}


def load_summary(tally: Tally, duration_s: float, cpu_s: float | None, proxy_cpu_s: float | None,
                 client_cpu_s: float, sessions: int) -> dict:
    every = [v for values in tally.latencies.values() for v in values]
    runs = len(every)
    return {
        "sessions": sessions,
        "runs": runs,
        "duration_s": rounded(duration_s),
        "runs_per_s": rounded(runs / duration_s, 2) if duration_s > 0 else None,
        "latency": latency_summary(every),
        "pages": {name: {**latency_summary(values),
                         "elements": median_or_none(tally.elements[name]), "bytes": median_or_none(tally.bytes[name])}
                  for name, values in tally.latencies.items()},
        "server_cpu_ms_per_run": rounded(cpu_s * 1000 / runs) if cpu_s is not None and runs else None,
        "server_cpu_percent": rounded(cpu_s * 100 / duration_s) if cpu_s is not None and duration_s > 0 else None,
        "proxy_cpu_ms_per_run": rounded(proxy_cpu_s * 1000 / runs) if proxy_cpu_s is not None and runs else None,
        "driver_cpu_ms_per_run": rounded(client_cpu_s * 1000 / runs) if runs else None,
        **error_summary(tally.errors),
    }


def ratio(app: float | None, bare: float | None) -> float | None:
    """app / bare, or None when either is missing or the bare figure is zero."""
    if app is None or not bare:
        return None
    return round(app / bare, 2)


def ratios(app: dict, bare: dict) -> dict:
    """Every figure of the app's report as a multiple of the bare page's (1.0 = as cheap as a bare page)."""
    out: dict = {}
    if "load" in app and "load" in bare:
        a, b = app["load"], bare["load"]
        out["load"] = {
            "server_cpu_ms_per_run": ratio(a["server_cpu_ms_per_run"], b["server_cpu_ms_per_run"]),
            "runs_per_s": ratio(a["runs_per_s"], b["runs_per_s"]),
            **{f"{k}": ratio(a["latency"][k], b["latency"][k]) for k in ("p50_ms", "p95_ms", "max_ms")},
            "pages": {name: {k: ratio(page[k], b["latency"][k]) for k in ("p50_ms", "p95_ms")}
                      for name, page in a["pages"].items()},
        }
    if "single" in app and "single" in bare:
        a, b = app["single"], bare["single"]
        out["single"] = {
            "p50_ms": ratio(a["overall"]["p50_ms"], b["overall"]["p50_ms"]),
            "cpu_ms_per_run": ratio(a["overall"]["cpu_ms_per_run"], b["overall"]["cpu_ms_per_run"]),
            "pages": {name: {"p50_ms": ratio(page["p50_ms"], b["overall"]["p50_ms"]),
                             "cpu_ms_per_run": ratio(page["cpu_ms_per_run"], b["overall"]["cpu_ms_per_run"])}
                      for name, page in a["pages"].items()},
        }
        cpus = [p["cpu_ms_per_run"] for p in out["single"]["pages"].values() if p["cpu_ms_per_run"] is not None]
        out["single"]["cpu_ms_per_run_worst_page"] = max(cpus) if cpus else None
    return out


# ---------------------------------------------------------------- one target, the whole run


def measure(target: str, args: argparse.Namespace) -> dict:
    load_before = round(os.getloadavg()[0], 2)  # other work on the machine skews every figure
    with deployment(target, args) as dep:
        links, warm_errors = run_to_completion(warm_up(dep, args.link if target == "app" else [], args.timeout))
        report = {"script": TARGETS[target] if not args.url else args.url, "processes": len(dep.server_pids) or None,
                  "pages": [link.name for link in links], "load_average_before": load_before,
                  "warm_up_errors": warm_errors}
        if args.single:
            report["single"] = run_to_completion(single_session(dep, links, args, target))
            report["server_log"] = {**dep.log_errors(), "files": [str(path) for path in dep.logs]}
            return report
        own = psutil.Process()
        client_before, server_before = sum(own.cpu_times()[:2]), cpu_seconds(dep.server_pids)
        proxy_before = cpu_seconds(dep.proxy_pids)
        with profiled(dep, args, f"{target}-load") as profile:
            tally, duration = run_to_completion(drive(dep, links, args))
        server_cpu = cpu_seconds(dep.server_pids) - server_before if dep.server_pids else None
        proxy_cpu = cpu_seconds(dep.proxy_pids) - proxy_before if dep.proxy_pids else None
        client_cpu = sum(own.cpu_times()[:2]) - client_before
        report["load"] = load_summary(tally, duration, server_cpu, proxy_cpu, client_cpu, args.sessions)
        report["load_average_after"] = round(os.getloadavg()[0], 2)
        if profile:
            report["profile"] = profile.summary
        report["server_log"] = {**dep.log_errors(), "files": [str(path) for path in dep.logs]}
    return report


def run(args: argparse.Namespace) -> dict:
    targets = ["bare", "app"] if args.target == "both" else [args.target]
    report = {
        "config": {"mode": "single" if args.single else args.mode, "sessions": 1 if args.single else args.sessions,
                   "seconds": None if args.single else args.seconds, "think_s": None if args.single else args.think,
                   "rounds": args.rounds if args.single else None, "timeout_s": args.timeout,
                   "processes": args.processes, "seed": args.seed, "links": args.link,
                   "server_options": args.server_option},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "targets": {target: measure(target, args) for target in targets},
    }
    if {"app", "bare"} <= report["targets"].keys():
        report["ratios"] = ratios(report["targets"]["app"], report["targets"]["bare"])
    return report


def total_errors(report: dict) -> int:
    """Failed runs, warm-up failures and server tracebacks, over every target."""
    return sum(len(t["warm_up_errors"]) + t.get("load", t.get("single", {})).get("errors", 0)
               + t["server_log"]["tracebacks"] for t in report["targets"].values())


def format_report(report: dict) -> str:
    config = report["config"]
    lines = [f"Streamlit websocket load test: mode {config['mode']}, {config['sessions']} session(s), "
             f"{config['processes']} server process(es) per target; {report['machine']['cpus']} CPUs"]
    for name, target in report["targets"].items():
        lines += ["", f"== {name} ({target['script']}); load average before {target['load_average_before']}"]
        for error in target["warm_up_errors"]:
            lines.append(f"  warm-up error {error['page']}: {error['kind']} {error['detail']}")
        if "single" in target:
            single = target["single"]
            lines.append(f"  {'page':<40}{'n':>4}{'p50 ms':>9}{'CPU ms/run':>12}{'elements':>10}{'bytes':>9}")
            for page, row in single["pages"].items():
                lines.append(f"  {page:<40}{row['n']:>4}{cell(row['p50_ms']):>9}{cell(row['cpu_ms_per_run']):>12}"
                             f"{cell(row['elements']):>10}{cell(row['bytes']):>9}")
                if "profile" in row:
                    lines += profile_lines(row["profile"], indent="      ")
            lines.append(f"  overall: p50 {single['overall']['p50_ms']} ms, CPU {single['overall']['cpu_ms_per_run']} "
                         f"ms per run; errors {single['errors']} {single['error_kinds'] or ''}")
        else:
            load = target["load"]
            lat = load["latency"]
            lines.append(f"  {load['runs']} runs in {load['duration_s']} s = {load['runs_per_s']} runs/s; "
                         f"p50 {lat['p50_ms']} / p95 {lat['p95_ms']} / max {lat['max_ms']} ms; "
                         f"server CPU {load['server_cpu_ms_per_run']} ms per run ({load['server_cpu_percent']}% of a "
                         f"core); errors {load['errors']} {load['error_kinds'] or ''}")
            lines.append(f"  {'page':<40}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'elements':>10}")
            for page, row in load["pages"].items():
                lines.append(f"  {page:<40}{row['n']:>5}{cell(row['p50_ms']):>9}{cell(row['p95_ms']):>9}"
                             f"{cell(row['max_ms']):>9}{cell(row['elements']):>10}")
            if "profile" in target:
                lines += profile_lines(target["profile"], indent="  ")
            for error in load["error_samples"]:
                lines.append(f"  - session {error['session']} {error['page']}: {error['kind']} after "
                             f"{error['after_ms']} ms {error['detail']}")
        log = target["server_log"]
        if log["tracebacks"]:
            lines += [f"  server log: {log['tracebacks']} traceback(s), kept in {', '.join(log['files'])}; the first:",
                      *(f"    {line}" for line in log["first_traceback_tail"].splitlines())]
    if "ratios" in report:
        lines += ["", "ratios, app / bare page:"]
        for section, figures in report["ratios"].items():
            flat = ", ".join(f"{k} {v}x" for k, v in figures.items() if not isinstance(v, dict))
            lines.append(f"  {section}: {flat}")
            for page, row in figures["pages"].items():
                lines.append(f"    {page:<40}" + ", ".join(f"{k} {v}x" for k, v in row.items()))
    return "\n".join(lines)


def profile_lines(profile: dict, indent: str) -> list[str]:
    areas = ", ".join(f"{name} {share}%" for name, share in profile["areas"].items())
    ours = ", ".join(f"{name} {share}%" for name, share in profile["our_functions"][:6])
    return [f"{indent}profile ({profile['samples']} samples): {areas}", f"{indent}  our code: {ours or '-'}"]


def cell(value) -> str:
    return "-" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    report = run(args)
    print(json.dumps(report, indent=1) if args.json else format_report(report))
    return 1 if total_errors(report) else 0


if __name__ == "__main__":
    sys.exit(main())
