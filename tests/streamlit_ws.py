"""A Streamlit client without a browser: the HTTP requests and websocket messages a browser tab makes.

Used by the protocol-level load driver (``tests/load_ws.py``) and by the browser tests' server
readiness check (``tests/e2e/e2e_helpers.py``). It follows what Streamlit 1.67's frontend does when
a tab opens a deep link such as ``/handbook?council=maldon``:

1. ``GET /handbook?council=maldon`` (the HTML page; the JavaScript bundle is cached by a browser),
2. ``GET /_stcore/health`` (which sets the ``_streamlit_xsrf`` cookie) and ``GET /_stcore/host-config``,
3. a websocket to ``/_stcore/stream`` with the subprotocols ``["streamlit", <xsrf token>]`` and the
   cookies, then one ``BackMsg.rerun_script`` carrying the query string and the page's URL path,
4. ``ForwardMsg``s until ``script_finished`` (a ``FINISHED_EARLY_FOR_RERUN`` is followed by the rerun).

A page switch inside a tab (the sidebar menu) is a ``rerun_script`` on the same websocket with the
page's ``page_script_hash``: :meth:`Tab.run` with ``page_script_hash``.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

XSRF_COOKIE = "_streamlit_xsrf"
LOOPBACK = "127.0.0.1"
R = TypeVar("R")


class ProtocolError(Exception):
    """A page run that did not finish cleanly; ``kind`` is the error's category in the reports."""

    def __init__(self, kind: str, detail: str = ""):
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True)
class AppPage:
    """One entry of the app's st.navigation, as the server announces it."""

    path: str  # the deep link's path: "/" for the default page, "/handbook", ...
    title: str
    script_hash: str

    @property
    def url_pathname(self) -> str:
        return self.path.lstrip("/")


@dataclass
class PageRun:
    """What one page run sent back: elements by type, bytes, and the app's pages (st.navigation)."""

    latency_ms: float = 0.0
    messages: int = 0
    bytes: int = 0
    elements: Counter = field(default_factory=Counter)
    reruns: int = 0
    pages: list[AppPage] = field(default_factory=list)

    @property
    def element_count(self) -> int:
        return sum(self.elements.values())


def loopback_base(url: str) -> tuple[str, int]:
    """(host, port) of an ``http://127.0.0.1:PORT`` URL; anything else is refused with ValueError."""
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname != LOOPBACK or parts.port is None:
        raise ValueError(f"only http://{LOOPBACK}:PORT servers may be driven, not {url!r}")
    if parts.path not in ("", "/") or parts.query:
        raise ValueError(f"give the server's base URL without a path or query, not {url!r}")
    return LOOPBACK, parts.port


async def http_get(host: str, port: int, target: str, cookies: dict[str, str]) -> int:
    """One ``GET`` (HTTP/1.1, connection closed after it); stores any cookies set; returns the status."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        cookie_line = f"Cookie: {'; '.join(f'{k}={v}' for k, v in cookies.items())}\r\n" if cookies else ""
        writer.write(f"GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept-Encoding: identity\r\n"
                     f"{cookie_line}Connection: close\r\n\r\n".encode("latin-1"))
        await writer.drain()
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        await reader.read()  # the body, to the end of the connection
    except asyncio.IncompleteReadError as exc:
        raise ProtocolError("lost-connection", f"GET {target}: the server closed the connection") from exc
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
    status_line, *header_lines = head.split("\r\n")
    for line in header_lines:
        name, _, value = line.partition(":")
        if name.strip().lower() == "set-cookie":
            pair = value.strip().split(";", 1)[0]
            key, _, cookie_value = pair.partition("=")
            cookies[key.strip()] = cookie_value.strip()
    return int(status_line.split()[1])


class Tab:
    """One browser tab: its cookies and (once opened) its websocket, i.e. one Streamlit session."""

    def __init__(self, base_url: str):
        self.host, self.port = loopback_base(base_url)
        self.cookies: dict[str, str] = {}
        self.ws: ClientConnection | None = None

    async def load(self, path: str, query: str = "") -> None:
        """What the browser fetches before the websocket: the page, the health check and the host config."""
        target = path + (f"?{query}" if query else "")
        for url in (target, "/_stcore/health", "/_stcore/host-config"):
            status = await http_get(self.host, self.port, url, self.cookies)
            if status != 200:
                raise ProtocolError(f"http-{status}", f"GET {url}")

    async def connect(self) -> None:
        origin = f"http://{self.host}:{self.port}"
        headers = {"Origin": origin}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        subprotocols = ["streamlit", self.cookies.get(XSRF_COOKIE, "PLACEHOLDER_AUTH_TOKEN")]
        try:
            self.ws = await connect(f"ws://{self.host}:{self.port}/_stcore/stream", subprotocols=subprotocols,
                                    additional_headers=headers, max_size=None, open_timeout=None)
        except (OSError, InvalidHandshake, InvalidStatus) as exc:
            raise ProtocolError("connect-failed", str(exc)[:200]) from exc

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            self.ws = None

    async def run(self, path: str, query: str = "", page_script_hash: str = "") -> PageRun:
        """Ask for a page run (by URL path, or by script hash as the sidebar menu does) and read it to the end.

        Raises :class:`ProtocolError` for an exception element, "page not found", a compile error or
        a lost connection. The caller bounds the time (``asyncio.timeout``).
        """
        assert self.ws is not None, "connect() first"
        message = BackMsg()
        rerun = message.rerun_script
        rerun.query_string = query
        if page_script_hash:
            rerun.page_script_hash = page_script_hash
        else:
            rerun.page_name = path.lstrip("/")
        rerun.context_info.timezone = "Europe/London"
        rerun.context_info.locale = "en-GB"
        rerun.context_info.url = f"http://{self.host}:{self.port}{path}" + (f"?{query}" if query else "")
        result = PageRun()
        started = time.perf_counter()
        try:
            await self.ws.send(message.SerializeToString())
            while True:
                data = await self.ws.recv()
                result.messages += 1
                result.bytes += len(data)
                forward = ForwardMsg()
                forward.ParseFromString(data)
                if self._read(forward, result):
                    break
        except ConnectionClosed as exc:
            raise ProtocolError("lost-connection", f"websocket closed ({exc.rcvd.code if exc.rcvd else 'no code'})"
                                ) from exc
        except ProtocolError as exc:
            if exc.kind == "page-not-found":  # Streamlit leaves the name empty: say what was asked for
                raise ProtocolError(exc.kind, path.lstrip("/") or page_script_hash) from None
            raise
        result.latency_ms = (time.perf_counter() - started) * 1000
        return result

    @staticmethod
    def _read(forward: ForwardMsg, result: PageRun) -> bool:
        """Account for one message; True when the run is over."""
        kind = forward.WhichOneof("type")
        if kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
            element = forward.delta.new_element
            element_type = element.WhichOneof("type")
            result.elements[element_type] += 1
            if element_type == "exception":
                raise ProtocolError("exception", f"{element.exception.type}: {element.exception.message}"[:300])
        elif kind == "navigation":
            result.pages = [AppPage("/" + page.url_pathname, page.page_name, page.page_script_hash)
                            for page in forward.navigation.app_pages]
        elif kind == "page_not_found":
            raise ProtocolError("page-not-found")
        elif kind == "script_finished":
            status = forward.script_finished
            if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                result.reruns += 1
                return False
            if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                raise ProtocolError("compile-error")
            return True
        return False


async def open_page(base_url: str, path: str = "/", query: str = "") -> PageRun:
    """A deep link opened in a new tab: load, connect, one page run, close (a fresh Streamlit session)."""
    tab = Tab(base_url)
    try:
        started = time.perf_counter()
        await tab.load(path, query)
        await tab.connect()
        run = await tab.run(path, query)
        run.latency_ms = (time.perf_counter() - started) * 1000
        return run
    finally:
        await tab.close()


def open_page_sync(base_url: str, path: str = "/", query: str = "", timeout_s: float = 60) -> PageRun:
    """:func:`open_page` from synchronous code, bounded by ``timeout_s`` (TimeoutError past it)."""

    async def bounded() -> PageRun:
        async with asyncio.timeout(timeout_s):
            return await open_page(base_url, path, query)

    return run_to_completion(bounded())


def run_to_completion(coroutine: Coroutine[Any, Any, R]) -> R:
    """``asyncio.run(coroutine)``, also from a thread whose event loop is already running.

    Playwright's sync API (the browser tests' session fixture) leaves a loop running on pytest's thread for
    the rest of the session, and ``asyncio.run`` refuses to start a second one there; a thread of its own
    has no loop, so the coroutine gets a fresh one either way (its result or exception comes back here).
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="run_to_completion") as worker:
        return worker.submit(asyncio.run, coroutine).result()
