"""Every page opened directly by its URL renders itself (st.navigation with url_path), and deep links work."""

from __future__ import annotations

import pytest
from e2e_helpers import (
    VIEWPORT,
    assert_no_exception,
    heading_1,
    main,
    open_app,
    running_server,
    settle,
    sidebar,
)

pytestmark = pytest.mark.browser

# path (a deep link, opened directly) -> the page's own h1
PAGES = {
    "/": "Protocol Explorer",
    "/handbook": "Handbook",
    "/search": "Search",
    "/glossary": "Glossary",
    "/escalation": "Who do I go to?",
    "/explorer": "May I…?",
    "/scenarios": "Scenarios and quiz",
    "/compare": "Compare councils",
}
ALL_H1S = set(PAGES.values())
NAV_LABELS = ["Home", "Handbook", "Search", "Glossary", "Who do I go to?", "May I…?", "Scenarios and quiz",
              "Compare councils"]
MALDON_3_2 = "Members should not require an Officer"


def linked_card(page):
    """The clause card carrying the "Linked clause" badge (highlighted in place, in its section)."""
    badge = main(page).get_by_text("Linked clause", exact=True).first
    return badge.locator("xpath=ancestor::div[@data-testid='stVerticalBlock'][1]")


def assert_app_chrome(page) -> None:
    """app.py ran: the st.navigation menu with our titles, the council picker and the search form.

    Each is waited for before it is counted: on a busy machine (CI runs everything at once) the browser
    can still be drawing the sidebar of a long page when the script has finished. A failure shows what
    the sidebar held."""
    side = sidebar(page)
    expected = [side.locator('[data-testid="stSidebarNavLink"]').get_by_text(label, exact=True)
                for label in NAV_LABELS]
    expected += [side.get_by_role("combobox", name="Your council"),
                 side.get_by_role("textbox", name="Search the protocols"), side.get_by_role("button", name="Search")]
    for element in expected:
        try:
            element.wait_for(state="visible", timeout=15_000)
        except Exception as exc:  # noqa: BLE001  (Playwright's TimeoutError: say what was there instead)
            raise AssertionError(f"{element} is not in the sidebar at {page.url}; the sidebar holds:\n"
                                 f"{side.aria_snapshot()[:2000]}") from exc
        assert element.count() == 1, element


@pytest.mark.parametrize("path", list(PAGES))
def test_each_page_opens_directly_by_its_url(app_page, path):
    page = app_page(path, PAGES[path])
    assert heading_1(page, PAGES[path]).is_visible()
    others = [h for h in ALL_H1S - {PAGES[path]} if heading_1(page, h).count()]
    assert not others, f"{path} also shows the h1 of {others}"
    assert page.locator("h1").count() == 1
    assert_no_exception(page)
    assert_app_chrome(page)


def test_sidebar_navigation_reaches_every_page_and_each_has_its_own_title(app_page):
    """Every page through the st.navigation menu, and WCAG 2.4.2 (Page Titled): each <title> says
    which page it is, not only the app's name."""
    page = app_page("/", PAGES["/"])
    wrong_titles = {}
    for label, (path, h1) in zip(NAV_LABELS, PAGES.items(), strict=True):
        sidebar(page).locator('[data-testid="stSidebarNavLink"]').get_by_text(label, exact=True).click()
        page.wait_for_url(lambda url, path=path: url.split("?")[0].endswith(path))
        settle(page, h1)
        assert_no_exception(page)
        title = page.title()
        if "Protocol Explorer" not in title or (path != "/" and h1 not in title):
            wrong_titles[path] = title
    assert not wrong_titles, f"pages whose <title> does not name the page: {wrong_titles}"


def test_compare_shared_wording_deep_link(app_page):
    """(The other views and states are opened directly by test_accessibility.py and test_journeys.py.)"""
    page = app_page("/compare?view=shared", "Compare councils")
    main(page).get_by_role("heading", name="Shared wording").wait_for()
    assert main(page).locator('[data-testid="stExpander"]', has_text="≈").count() >= 1
    assert_no_exception(page)


def test_handbook_clause_link_highlights_the_clause(app_page):
    page = app_page("/handbook?council=maldon&clause=3.2", "Handbook")
    assert main(page).get_by_role("heading", name="Maldon District Council").is_visible()
    card = linked_card(page)
    card.wait_for(state="visible")
    assert MALDON_3_2 in card.inner_text()
    assert "maldon:3.2" in card.inner_text()
    assert main(page).get_by_role("link", name="Go to the clause").is_visible()  # the notice above the filters
    # The council picker follows the link.
    assert sidebar(page).get_by_role("combobox", name="Your council").input_value() == "Maldon District Council"
    assert "has no clause" not in main(page).inner_text()
    assert_no_exception(page)


def test_handbook_bad_clause_link_shows_a_friendly_warning(app_page):
    page = app_page("/handbook?council=maldon&clause=99.9", "Handbook")
    warning = main(page).locator('[data-testid="stAlert"]', has_text="has no clause")
    warning.wait_for(state="visible")
    assert "Maldon's protocol has no clause “99.9”" in warning.inner_text()
    assert main(page).get_by_text("Linked clause", exact=True).count() == 0
    # The protocol opens at its first section instead.
    assert [t.strip() for t in main(page).locator("h2").all_inner_texts()] == ["1. Introduction"]
    assert_no_exception(page)


def test_unknown_council_in_a_link_is_reported_not_a_traceback(app_page):
    page = app_page("/handbook?council=atlantis&clause=3.2", "Handbook")
    page.get_by_text("There is no council called “atlantis”").first.wait_for(state="visible")
    assert_no_exception(page)


def test_deep_link_as_first_request_on_a_fresh_server(browser):
    """The first visitor of a freshly started server arrives by a deep link (a shared clause URL).

    The page must still be the st.navigation page, run through app.py: chrome in the sidebar,
    the council taken from the URL, the clause highlighted.
    """
    with running_server() as server:
        context = browser.new_context(viewport=VIEWPORT)
        try:
            page = context.new_page()
            open_app(page, server.base_url + "/handbook?council=maldon&clause=3.2", "Handbook")
            assert_no_exception(page)
            assert_app_chrome(page)
            assert main(page).get_by_role("heading", name="Maldon District Council").is_visible(), \
                main(page).inner_text()[:300]
            card = linked_card(page)
            card.wait_for(state="visible", timeout=5000)
            assert MALDON_3_2 in card.inner_text()
        finally:
            context.close()
