"""Real-browser fixtures: one `streamlit run` server and one Debian Chromium for the whole session.

Nothing here is skipped: if the server or Chromium cannot start, the tests fail.
Loopback only (the server binds 127.0.0.1; Chromium never leaves it).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]  # tests/e2e/conftest.py -> repo root (where app.py lives)
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
SERVER_START_TIMEOUT_S = 60
SETTLE_TIMEOUT_MS = 30_000

# Every test in this folder is a browser test (`make test-fast` deselects them with -m "not browser").
BROWSER_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if BROWSER_DIR in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


# ---------------------------------------------------------------- the server


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _python() -> str:
    venv_python = ROOT / ".venv" / "bin" / "python"
    return str(venv_python) if venv_python.exists() else sys.executable


class StreamlitServer:
    """A `streamlit run app.py` child process on a free loopback port, with its output in a log file."""

    def __init__(self, root: Path = ROOT):
        self.root = root
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(tempfile.mkstemp(prefix="streamlit-e2e-", suffix=".log")[1])
        self.process: subprocess.Popen | None = None

    def start(self) -> StreamlitServer:
        env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", "PYTHONUNBUFFERED": "1"}
        command = [_python(), "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                   "--server.port", str(self.port), "--server.address", "127.0.0.1"]
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(command, cwd=self.root, stdout=log, stderr=subprocess.STDOUT, env=env,
                                            stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited with code {self.process.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/_stcore/health", timeout=2) as response:
                    if response.read().decode().strip() == "ok":
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"streamlit was not healthy within {SERVER_START_TIMEOUT_S} s:\n{self.log_tail()}")

    def stop(self) -> None:
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
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return "(no server log)"


@contextlib.contextmanager
def running_server(root: Path = ROOT) -> Iterator[StreamlitServer]:
    server = StreamlitServer(root)
    try:
        yield server.start()
    finally:
        server.stop()
        with contextlib.suppress(OSError):
            server.log_path.unlink()


@pytest.fixture(scope="session")
def streamlit_server() -> Iterator[StreamlitServer]:
    with running_server() as server:
        yield server


# ---------------------------------------------------------------- the browser


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


def launch_chromium(pw):
    """Debian's Chromium; any failure to start is a test failure, never a skip."""
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: install Debian's chromium package"
    return pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = launch_chromium(playwright_instance)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def base_url(streamlit_server, browser) -> str:
    """The server's URL, after one visit to Home.

    Warm-up, on purpose: on a fresh server Streamlit treats this app as a legacy `pages/`
    folder app until some session runs app.py (which calls st.navigation), so a deep link
    as the very first request renders the bare page file without the sidebar chrome.
    test_pages_in_browser.py::test_deep_link_on_a_fresh_server checks that case on its own
    server; every other test starts from a server that has run app.py once.
    """
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        open_app(page, streamlit_server.base_url + "/", "Protocol Explorer")
    finally:
        context.close()
    return streamlit_server.base_url


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    context.set_default_timeout(SETTLE_TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


# ---------------------------------------------------------------- helpers used by the tests

_APP_STATE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return 'absent';
  const widget = document.querySelector('[data-testid="stStatusWidget"]');
  const busy = widget && /running|connecting|rerun/i.test(widget.innerText || widget.getAttribute('aria-label') || '');
  const script = app.getAttribute('data-test-script-state');
  const connection = app.getAttribute('data-test-connection-state');
  if (busy || script === 'running' || script === 'initial' || script === 'rerunRequested') return 'running';
  if (connection && connection !== 'CONNECTED') return 'connecting';
  return 'idle';
}"""


def settle(page, h1: str | None = None, *, timeout_ms: int = SETTLE_TIMEOUT_MS, quiet_ms: int = 400) -> None:
    """Wait until the app is connected, no script run is in progress (for `quiet_ms` in a row)
    and, when given, the page's own h1 is visible."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    deadline = time.monotonic() + timeout_ms / 1000
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
        page.wait_for_timeout(100)
    else:
        raise AssertionError(f"the app did not settle within {timeout_ms} ms (last state: {state}) at {page.url}")
    if h1 is not None:
        heading_1(page, h1).wait_for(state="visible", timeout=max(1000, int((deadline - time.monotonic()) * 1000)))


def open_app(page, url: str, h1: str | None = None, *, timeout_ms: int = SETTLE_TIMEOUT_MS) -> None:
    page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
    settle(page, h1, timeout_ms=timeout_ms)


def heading_1(page, text: str):
    return page.get_by_role("heading", level=1, name=text, exact=True)


def assert_no_exception(page) -> None:
    errors = page.locator('[data-testid="stException"]')
    assert errors.count() == 0, f"uncaught exception shown at {page.url}: {errors.first.inner_text()[:500]}"


def sidebar(page):
    return page.locator('[data-testid="stSidebar"]')


@pytest.fixture
def app_page(page, base_url):
    """`app_page(path, h1)`: open a path of the running app (deep link) and wait for it to settle."""

    def go(path: str, h1: str | None = None):
        open_app(page, base_url + path, h1)
        return page

    return go
