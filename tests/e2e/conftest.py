"""Real-browser fixtures: one `streamlit run` server and one Debian Chromium for the whole session,
a fresh browser context (1280x900) per test.

Nothing here is skipped: if the server or Chromium cannot start, the tests fail.
Loopback only: the server binds 127.0.0.1 and the browser only ever opens its URLs.
"""

from __future__ import annotations

import pytest
from e2e_helpers import AXE_SUMMARY, SETTLE_TIMEOUT_MS, VIEWPORT, launch_chromium, open_app, running_server


def pytest_terminal_summary(terminalreporter):
    """The axe results per page and state, whether the tests passed or not."""
    if AXE_SUMMARY:
        terminalreporter.section("axe-core accessibility summary")
        for line in AXE_SUMMARY:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def streamlit_server():
    with running_server() as server:
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
    """The server's URL, after one visit to Home.

    This warm-up is deliberate. On a fresh server Streamlit treats this app as a legacy
    `pages/`-folder app until some session has run app.py (whose st.navigation call switches
    that off for the process), so a deep link as the very first request renders the bare page
    file without app.py's chrome. test_pages_in_browser.py::test_deep_link_as_first_request_on_a_fresh_server
    checks exactly that case on its own server; every other test starts from a server that has
    run app.py once, so the tests do not depend on their order.
    """
    context = browser.new_context(viewport=VIEWPORT)
    try:
        open_app(context.new_page(), streamlit_server.base_url + "/", "Protocol Explorer")
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
