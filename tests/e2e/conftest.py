"""Real-browser fixtures: one `streamlit run` server and one Debian Chromium for the whole session,
a fresh browser context (1280x900) per test.

Nothing here is skipped: if the server or Chromium cannot start, the tests fail, and the failure
says which step (server start, Chromium launch, the first page) and quotes the server log.
Loopback only: the server binds 127.0.0.1 and the browser only ever opens its URLs.

On a busy machine the slow steps are given room rather than failing: the server counts as started
only once a page run of Home has finished over the websocket (the app's caches are then warm), and
Chromium's launch and the first browser page (which compiles Streamlit's JavaScript) get two
minutes each (see e2e_helpers.py).
"""

from __future__ import annotations

import pytest
from e2e_helpers import (
    AXE_SUMMARY,
    FIRST_PAGE_TIMEOUT_MS,
    SETTLE_TIMEOUT_MS,
    VIEWPORT,
    launch_chromium,
    open_app,
    running_server,
    server_log_tails,
)


def pytest_terminal_summary(terminalreporter):
    """The axe results per page and state, whether the tests passed or not."""
    if AXE_SUMMARY:
        terminalreporter.section("axe-core accessibility summary")
        for line in AXE_SUMMARY:
            terminalreporter.write_line(line)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed browser test (or fixture) carries the tail of the running server's log in its report."""
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        tails = server_log_tails()
        if tails:
            report.sections.append(("streamlit server log (tail)", tails))


@pytest.fixture(scope="session")
def streamlit_server():
    with running_server(ready="app") as server:
        yield server


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = launch_chromium(playwright_instance)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def base_url(streamlit_server, browser) -> str:
    """The server's URL, after one browser visit to Home.

    Two warm-ups are deliberate. On a fresh server Streamlit treats this app as a legacy
    `pages/`-folder app until some session has run app.py (whose st.navigation call switches
    that off for the process), so a deep link as the very first request renders the bare page
    file without app.py's chrome: the server fixture's readiness check (a websocket page run of
    Home) has run app.py once. test_pages_in_browser.py::test_deep_link_as_first_request_on_a_fresh_server
    checks the fresh-server case on its own server. This browser visit then takes the first page
    load's cost (Chromium compiling Streamlit's JavaScript) with a long budget, so that no test's
    own budget pays it and the tests do not depend on their order.
    """
    context = browser.new_context(viewport=VIEWPORT)
    try:
        open_app(context.new_page(), streamlit_server.base_url + "/", "Protocol Explorer",
                 timeout_ms=FIRST_PAGE_TIMEOUT_MS)
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


@pytest.fixture
def app_page(page, base_url):
    """`app_page(path, h1)`: open a path of the running app directly and wait until it settles."""

    def go(path: str, h1: str | None = None):
        open_app(page, base_url + path, h1)
        return page

    return go
