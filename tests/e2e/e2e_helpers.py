"""Helpers for the real-browser tests: start `streamlit run`, launch Debian Chromium, wait for the app to settle.

Imported by conftest.py and the test modules (pytest puts this folder on sys.path).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from tests.streamlit_ws import open_page_sync

ROOT = Path(__file__).resolve().parents[2]  # tests/e2e/e2e_helpers.py -> repo root (where app.py lives)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 900}


def _timeout_scale() -> float:
    """How much longer than on an idle machine waiting may take: E2E_TIMEOUT_SCALE if set, else the
    load average per core when the tests start, between 1 and 3 (a busy machine runs everything slower)."""
    if os.environ.get("E2E_TIMEOUT_SCALE"):
        return max(1.0, float(os.environ["E2E_TIMEOUT_SCALE"]))
    return min(3.0, max(1.0, os.getloadavg()[0] / (os.cpu_count() or 1)))


# Budgets for work that is legitimately slow on a busy 2-core machine (imports, the first run of
# app.py filling the caches, Chromium's first start, the first page compiling Streamlit's
# JavaScript); an idle machine needs a tenth of them. Passing tests never wait for a budget to run out.
TIMEOUT_SCALE = _timeout_scale()
SERVER_HEALTH_TIMEOUT_S = 120 * TIMEOUT_SCALE
SERVER_APP_READY_TIMEOUT_S = 180 * TIMEOUT_SCALE
SERVER_START_ATTEMPTS = 2
CHROMIUM_LAUNCH_TIMEOUT_MS = int(120_000 * TIMEOUT_SCALE)
FIRST_PAGE_TIMEOUT_MS = int(120_000 * TIMEOUT_SCALE)
SETTLE_TIMEOUT_MS = int(30_000 * TIMEOUT_SCALE)

# Lines the accessibility tests add (one per page/state); conftest prints them at the end of the run.
AXE_SUMMARY: list[str] = []

COUNCILS = {
    "allerdale": "Allerdale Borough Council",
    "county": "County council (name not given)",
    "maldon": "Maldon District Council",
    "parish": "Town/parish council (name not given)",
    "thurrock": "Thurrock Council",
}


# ---------------------------------------------------------------- the server


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _python() -> str:
    venv_python = ROOT / ".venv" / "bin" / "python"
    return str(venv_python) if venv_python.exists() else sys.executable


class ServerStartError(RuntimeError):
    pass


class StreamlitServer:
    """`streamlit run <script>` as a child process on a free loopback port, its output in a log file.

    ``start()`` returns once the server is ready: with ``ready="app"`` (the default) once a page run of
    the default page, made over Streamlit's websocket protocol like a browser tab, finished without an
    exception (this also fills the app's caches and switches Streamlit into st.navigation mode); with
    ``ready="http"`` once ``/_stcore/health`` says ok and the app's HTML page is served, leaving the
    first page run to the caller. A start that fails (a port taken meanwhile, a crash, no readiness
    within the budget) is retried once on a new port; the error names the step, the URL and the log.
    """

    def __init__(self, root: Path = ROOT, extra_args: tuple[str, ...] = (), *, script: str = "app.py",
                 ready: str = "app"):
        assert ready in ("app", "http"), ready
        self.root = root
        self.script = script
        self.extra_args = extra_args
        self.ready = ready
        self.port = 0
        self.base_url = ""
        fd, name = tempfile.mkstemp(prefix="streamlit-e2e-", suffix=".log")
        os.close(fd)
        self.log_path = Path(name)
        self.process: subprocess.Popen | None = None

    def start(self) -> StreamlitServer:
        for attempt in range(1, SERVER_START_ATTEMPTS + 1):
            try:
                self._start_once()
                RUNNING_SERVERS.append(self)
                return self
            except ServerStartError as exc:
                self.stop()
                if attempt == SERVER_START_ATTEMPTS:
                    raise ServerStartError(f"{exc} (after {attempt} attempts)\n--- server log (tail) ---\n"
                                           f"{self.log_tail()}") from None
                with open(self.log_path, "ab") as log:
                    log.write(f"\n--- attempt {attempt} failed: {exc}; retrying on a new port ---\n".encode())
        raise AssertionError("unreachable")

    def _start_once(self) -> None:
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", "PYTHONUNBUFFERED": "1"}
        command = [_python(), "-m", "streamlit", "run", self.script, "--server.headless", "true",
                   "--server.port", str(self.port), "--server.address", "127.0.0.1", *self.extra_args]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(command, cwd=self.root, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, env=env)
        self._wait_for(f"{self.base_url}/_stcore/health", SERVER_HEALTH_TIMEOUT_S, self._healthy)
        if self.ready == "http":
            self._wait_for(f"{self.base_url}/", SERVER_HEALTH_TIMEOUT_S, self._serves_html)
        else:
            self._wait_for(f"{self.base_url}/ (a page run over the websocket)", SERVER_APP_READY_TIMEOUT_S,
                           self._runs_default_page)

    def _wait_for(self, what: str, budget_s: float, check) -> None:
        deadline = time.monotonic() + budget_s
        last_error = "no answer yet"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerStartError(f"streamlit exited with code {self.process.returncode} while waiting for {what}")
            try:
                check(max(1.0, deadline - time.monotonic()))
                return
            except Exception as exc:  # noqa: BLE001  (any failure here means "not ready yet")
                last_error = f"{type(exc).__name__}: {exc}"[:300]
            time.sleep(0.25)
        raise ServerStartError(f"{what} not ready within {budget_s:.0f} s (last: {last_error})")

    def _healthy(self, timeout_s: float) -> None:
        with urllib.request.urlopen(f"{self.base_url}/_stcore/health", timeout=min(5.0, timeout_s)) as response:
            body = response.read().decode().strip()
        if body != "ok":
            raise ServerStartError(f"/_stcore/health answered {body!r}")

    def _serves_html(self, timeout_s: float) -> None:
        with urllib.request.urlopen(f"{self.base_url}/", timeout=min(10.0, timeout_s)) as response:
            if b"<html" not in response.read(4096).lower():
                raise ServerStartError("/ did not return the app's HTML page")

    def _runs_default_page(self, timeout_s: float) -> None:
        # In a thread of its own: the caller may be inside Playwright's sync API, which owns an event loop.
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(open_page_sync, self.base_url, "/", "", timeout_s).result()

    def stop(self) -> None:
        """Terminate, then kill if it has not gone within 10 s."""
        if self in RUNNING_SERVERS:
            RUNNING_SERVERS.remove(self)
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:] or "(empty)"
        except OSError:
            return "(no server log)"


# The servers started and not yet stopped, so a failing step can quote the server log.
RUNNING_SERVERS: list[StreamlitServer] = []


def server_log_tails(chars: int = 2000) -> str:
    return "\n".join(f"--- {server.script} on {server.base_url}: server log (tail) ---\n{server.log_tail(chars)}"
                     for server in RUNNING_SERVERS)


@contextlib.contextmanager
def running_server(root: Path = ROOT, *, ready: str = "http") -> Iterator[StreamlitServer]:
    """A started server, stopped afterwards. ``ready="http"`` by default, so the caller's first page
    run is the server's first (test_deep_link_as_first_request_on_a_fresh_server needs exactly that)."""
    server = StreamlitServer(root, ready=ready)
    try:
        yield server.start()
    finally:
        server.stop()
        with contextlib.suppress(OSError):
            server.log_path.unlink()


# ---------------------------------------------------------------- the browser


def launch_chromium(playwright):
    """Debian's Chromium, given two minutes (a busy machine) and a second try. A failure is a test failure."""
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: install Debian's chromium package"
    try:
        return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
                                          timeout=CHROMIUM_LAUNCH_TIMEOUT_MS)
    except Exception as first:  # noqa: BLE001  (retried once, then reported with the first cause)
        try:
            return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
                                              timeout=CHROMIUM_LAUNCH_TIMEOUT_MS)
        except Exception as second:
            raise AssertionError(f"step: launch Chromium ({CHROMIUM}) failed twice: first {first!r}; "
                                 f"then {second!r}") from second


_APP_STATE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return 'absent';
  const widget = document.querySelector('[data-testid="stStatusWidget"]');
  const label = widget ? (widget.innerText || '') + ' ' + (widget.getAttribute('aria-label') || '') : '';
  const script = app.getAttribute('data-test-script-state');
  const connection = app.getAttribute('data-test-connection-state');
  if (/running|rerun/i.test(label) || ['initial', 'running', 'rerunRequested'].includes(script)) return 'running';
  if (connection && connection !== 'CONNECTED') return 'connecting';
  return 'idle';
}"""


def settle(page, h1: str | None = None, *, timeout_ms: int = SETTLE_TIMEOUT_MS, quiet_ms: int = 250) -> None:
    """Wait for [data-testid=stApp], then until no script run is in progress (for `quiet_ms` in a row,
    so a rerun that follows straight on is waited for too) and, when given, the page's h1 is visible.

    A failure names the step that timed out, the URL, the app's last state and the server log's tail."""
    started = time.monotonic()
    try:
        page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    except Exception as exc:  # noqa: BLE001  (Playwright's TimeoutError and a closed page alike)
        _fail("wait for the Streamlit app to appear", page, started, exc)
    deadline = started + timeout_ms / 1000
    idle_since = None
    state = "absent"
    while time.monotonic() < deadline:
        state = page.evaluate(_APP_STATE_JS)
        if state == "idle":
            idle_since = idle_since or time.monotonic()
            if (time.monotonic() - idle_since) * 1000 >= quiet_ms:
                break
        else:
            idle_since = None
        page.wait_for_timeout(50)
    else:
        _fail(f"wait for the script run to finish (last state: {state})", page, started)
    if h1 is not None:
        remaining = max(2000, int((deadline - time.monotonic()) * 1000))
        try:
            heading_1(page, h1).wait_for(state="visible", timeout=remaining)
        except Exception as exc:  # noqa: BLE001
            shown = [text.strip() for text in page.locator("h1").all_inner_texts()]
            _fail(f"wait for the h1 {h1!r} (h1s shown: {shown})", page, started, exc)


def open_app(page, url: str, h1: str | None = None, *, timeout_ms: int = SETTLE_TIMEOUT_MS) -> None:
    """Open a URL (a deep link) and wait for the app to settle on the page whose h1 is `h1`."""
    started = time.monotonic()
    try:
        page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
    except Exception as exc:  # noqa: BLE001
        _fail("open the URL", page, started, exc, url=url)
    settle(page, h1, timeout_ms=max(2000, timeout_ms - int((time.monotonic() - started) * 1000)))


def _fail(step: str, page, started: float, cause: Exception | None = None, *, url: str | None = None):
    elapsed = time.monotonic() - started
    where = url or page.url
    because = f"\ncause: {type(cause).__name__}: {str(cause).splitlines()[0] if str(cause) else ''}" if cause else ""
    raise AssertionError(f"step: {step}: failed after {elapsed:.1f} s at {where}{because}\n"
                         f"{server_log_tails()}") from None


def heading_1(page, text: str):
    return page.get_by_role("heading", level=1, name=text, exact=True)


def assert_no_exception(page) -> None:
    errors = page.locator('[data-testid="stException"]')
    assert errors.count() == 0, f"uncaught exception shown at {page.url}: {errors.first.inner_text()[:500]}"


def sidebar(page):
    return page.locator('[data-testid="stSidebar"]')


def main(page):
    return page.locator('[data-testid="stMain"]')
