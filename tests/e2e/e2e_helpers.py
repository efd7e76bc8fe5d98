"""Helpers for the real-browser tests: start `streamlit run`, launch Debian Chromium, wait for the app to settle.

Imported by conftest.py and the test modules (pytest puts this folder on sys.path).
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
SERVER_START_TIMEOUT_S = 60
SETTLE_TIMEOUT_MS = 30_000

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


class StreamlitServer:
    """`streamlit run app.py` as a child process on a free loopback port, its output in a log file."""

    def __init__(self, root: Path = ROOT, extra_args: tuple[str, ...] = ()):
        self.root = root
        self.extra_args = extra_args
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        fd, name = tempfile.mkstemp(prefix="streamlit-e2e-", suffix=".log")
        os.close(fd)
        self.log_path = Path(name)
        self.process: subprocess.Popen | None = None

    def start(self) -> StreamlitServer:
        env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", "PYTHONUNBUFFERED": "1"}
        command = [_python(), "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                   "--server.port", str(self.port), "--server.address", "127.0.0.1", *self.extra_args]
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(command, cwd=self.root, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, env=env)
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited with code {self.process.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/_stcore/health", timeout=2) as response:
                    if response.read().decode().strip() == "ok":
                        return self
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"streamlit was not healthy within {SERVER_START_TIMEOUT_S} s:\n{self.log_tail()}")

    def stop(self) -> None:
        """Terminate, then kill if it has not gone within 10 s."""
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


# ---------------------------------------------------------------- the browser


def launch_chromium(playwright):
    """Debian's Chromium. Any failure to start is a test failure, never a skip."""
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: install Debian's chromium package"
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


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
    so a rerun that follows straight on is waited for too) and, when given, the page's h1 is visible."""
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
        page.wait_for_timeout(50)
    else:
        raise AssertionError(f"the app did not settle within {timeout_ms} ms (last state: {state}) at {page.url}")
    if h1 is not None:
        remaining = max(2000, int((deadline - time.monotonic()) * 1000))
        heading_1(page, h1).wait_for(state="visible", timeout=remaining)


def open_app(page, url: str, h1: str | None = None, *, timeout_ms: int = SETTLE_TIMEOUT_MS) -> None:
    """Open a URL (a deep link) and wait for the app to settle on the page whose h1 is `h1`."""
    page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
    settle(page, h1, timeout_ms=timeout_ms)


def heading_1(page, text: str):
    return page.get_by_role("heading", level=1, name=text, exact=True)


def assert_no_exception(page) -> None:
    errors = page.locator('[data-testid="stException"]')
    assert errors.count() == 0, f"uncaught exception shown at {page.url}: {errors.first.inner_text()[:500]}"


def sidebar(page):
    return page.locator('[data-testid="stSidebar"]')


def main(page):
    return page.locator('[data-testid="stMain"]')
