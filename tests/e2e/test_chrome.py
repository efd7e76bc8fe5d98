"""The chrome in Chromium: a phone user (390x844, touch, a phone's user agent) is asked which council they are,
asks a question in their own words and gets the route, and the menu closes after every page chosen; back and
reload after opening a search result keep the question and the results; the sidebar by keyboard alone; print
hides the app around the page; axe finds no violation on the council prompt, the answer and the results.

Streamlit decides "phone" by the user agent (``deviceType === "mobile"``) when it closes the menu after a
navigation link, so the phone context sends an Android Chrome user agent, as a real phone does.
"""

from __future__ import annotations

import re
import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from e2e_helpers import AXE_SUMMARY, SETTLE_TIMEOUT_MS, assert_no_exception, main, open_app, settle, sidebar
from playwright.sync_api import expect
from test_accessibility import AXE_OPTIONS, _describe, _excused

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
ANDROID_CHROME = ("Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/124.0.0.0 Mobile Safari/537.36")
ASK = "Ask a question or search the protocols"
RESULT_LINK = re.compile(r"^Open (\S+) in the Handbook$")
SIDEBAR_STATE_JS = """() => { const s = document.querySelector('[data-testid="stSidebar"]');
  const r = s.getBoundingClientRect();
  return {collapsed: s.getAttribute('data-collapsed') === 'true', right: r.right}; }"""
# True when the element at the centre of the page's h1 is the h1 itself (no menu drawn over it).
H1_UNCOVERED_JS = """() => { const h = document.querySelector('[data-testid="stMain"] h1');
  const r = h.getBoundingClientRect();
  const top = document.elementFromPoint(r.left + Math.min(r.width, 300) / 2, r.top + r.height / 2);
  return !!top && h.contains(top); }"""


@pytest.fixture
def phone(browser, base_url):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2,
                                  user_agent=ANDROID_CHROME)
    context.set_default_timeout(SETTLE_TIMEOUT_MS)
    yield context.new_page()
    context.close()


def assert_no_axe_violations(page, state: str) -> None:
    """axe-core (WCAG A and AA) on the state shown: no violation of any impact."""
    results = Axe().run(page, options=AXE_OPTIONS).response
    found = []
    for violation in results["violations"]:
        kept = [node for node in violation["nodes"] if not _excused(page, violation["id"], node)]
        if kept:
            found.append(_describe(violation, kept))
    AXE_SUMMARY.append(f"axe {state} ({page.url}): {len(found)} violations")
    assert not found, f"{state}: accessibility violations:\n" + "\n".join(found)


def prompt(page):
    return main(page).locator(".st-key-council_prompt")


def open_menu(page) -> None:
    page.get_by_test_id("stExpandSidebarButton").tap()
    page.wait_for_function("() => document.querySelector('[data-testid=stSidebar]')"
                           ".getAttribute('data-collapsed') === 'false'")


def choose_in_menu(page, label: str, h1: str) -> None:
    """Open the menu, tap a page, and check the menu closed and left the page's heading in view."""
    open_menu(page)
    sidebar(page).locator('[data-testid="stSidebarNavLink"]').get_by_text(label, exact=True).tap()
    settle(page, h1)
    page.wait_for_function("() => document.querySelector('[data-testid=stSidebar]')"
                           ".getAttribute('data-collapsed') === 'true'")
    state = page.evaluate(SIDEBAR_STATE_JS)
    assert state["collapsed"] and state["right"] <= 0, f"the menu is still over the page after “{label}”: {state}"
    assert page.evaluate(H1_UNCOVERED_JS), f"something covers the {h1!r} heading after choosing “{label}”"


def no_sideways_scroll(page) -> int:
    return page.evaluate("() => { const m = document.querySelector('[data-testid=stMain]');"
                         " return m.scrollWidth - m.clientWidth; }")


def test_phone_user_picks_a_council_asks_in_plain_words_and_gets_the_route(phone, base_url):
    page = phone
    open_app(page, base_url + "/", "Protocol Explorer")
    assert page.evaluate(SIDEBAR_STATE_JS)["collapsed"], "the menu starts folded away on a phone"
    ask = prompt(page)
    ask.get_by_text("Which council are you?").wait_for()
    maldon = ask.get_by_role("button", name="Maldon District Council")
    box = maldon.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] and box["y"] < PHONE["height"], box
    assert_no_axe_violations(page, "council prompt on a phone")

    maldon.tap()
    settle(page, "Protocol Explorer")
    page.wait_for_url(re.compile(r"council=maldon"))
    assert prompt(page).count() == 0

    open_menu(page)
    assert sidebar(page).get_by_role("combobox", name="Your council").input_value() == "Maldon District Council"
    # The sidebar search would leave the menu open over its results: phones ask on the Search page.
    assert not sidebar(page).get_by_role("textbox", name=ASK).is_visible()
    page.get_by_test_id("stSidebarCollapseButton").get_by_role("button").tap()

    choose_in_menu(page, "Search", "Search")
    question = main(page).get_by_role("textbox", name=ASK)
    question.tap()
    question.fill("the chief exec was rude to me")
    question.press("Enter")
    settle(page, "Search")
    main(page).get_by_role("heading", name="Your answer").wait_for()
    assert "q=the+chief+exec" in page.url and "council=maldon" in page.url, page.url
    main(page).get_by_role("heading", name="Maldon District Council").wait_for()
    steps = main(page).locator("ol").first.inner_text()
    assert "Member" in steps, steps
    citation = main(page).locator('ol a[href^="#clause-maldon-"]').first
    assert citation.count() and citation.get_attribute("target") != "_blank"  # a cite stays on this page
    full_page = re.compile(re.escape("See it in full on “Who do I go to?”"))
    assert main(page).get_by_role("link", name=full_page).count() == 1
    assert no_sideways_scroll(page) <= 1
    assert_no_axe_violations(page, "question answered, on a phone")
    assert_no_exception(page)

    choose_in_menu(page, "Who do I go to?", "Who do I go to?")
    main(page).get_by_role("heading", name="Maldon District Council").first.wait_for()
    choose_in_menu(page, "Handbook", "Handbook")


def _results_become(page, expected, timeout_s: float = 20) -> list[str]:
    """The first results once the rerun has drawn them (a rerun can briefly show the previous run's list),
    or what was there when the time ran out."""
    deadline = time.monotonic() + timeout_s
    while True:
        got = main(page).get_by_role("link", name=RESULT_LINK).all_inner_texts()[:len(expected)]
        if got == expected or time.monotonic() > deadline:
            return got
        page.wait_for_timeout(200)


def test_back_after_opening_a_result_returns_to_the_question_and_results_and_reload_keeps_them(app_page):
    page = app_page("/search?council=maldon&q=planing+case+oficer", "Search")
    results = main(page).get_by_role("link", name=RESULT_LINK)
    results.first.wait_for()
    shown = results.all_inner_texts()[:5]
    search_url = page.url

    results.nth(1).click()  # a same-tab page link (a new tab would have its own history)
    page.wait_for_url(re.compile(r"/handbook\?"))
    settle(page, "Handbook")
    page.go_back()
    page.wait_for_url(search_url)
    settle(page, "Search")
    assert main(page).get_by_role("textbox", name=ASK).input_value() == "planing case oficer"
    assert _results_become(page, shown) == shown

    page.reload()
    settle(page, "Search")
    assert main(page).get_by_role("textbox", name=ASK).input_value() == "planing case oficer"
    assert _results_become(page, shown) == shown
    assert sidebar(page).get_by_role("combobox", name="Your council").input_value() == "Maldon District Council"


def test_search_order_and_filters_survive_reload(app_page):
    page = app_page("/search?council=thurrock&q=officer+was+rude+to+me+at+a+meeting", "Search")
    first = main(page).get_by_role("link", name=RESULT_LINK).first
    assert first.inner_text().startswith("Open thurrock:"), "your council's clauses first"
    order = main(page).get_by_role("switch", name="Your council's clauses first")
    assert order.is_checked()
    main(page).get_by_test_id("stCheckbox").locator("label").first.click()  # the switch under its label
    settle(page, "Search")
    page.wait_for_url(re.compile(r"order=score"))
    page.reload()
    settle(page, "Search")
    assert not main(page).get_by_role("switch", name="Your council's clauses first").is_checked()
    main(page).get_by_text("all councils ranked equally").wait_for()


@pytest.mark.parametrize(("path", "state", "ready"), [
    ("/search?council=thurrock&q=need+to+know", "search results, your council first", "best matches"),
    ("/search?council=thurrock&q=I+want+to+complain", "question asking councillor or officer",
     "Are you a councillor or an officer?"),
    ("/search?council=maldon&q=what+is+the+weather+like", "question not understood", "We could not tell"),
    ("/search", "search before a council is chosen", "Which council are you?"),
])
def test_no_axe_violations_on_the_search_states(app_page, path, state, ready):
    page = app_page(path, "Search")
    main(page).get_by_text(ready).first.wait_for()
    assert_no_axe_violations(page, state)


def focused(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement; const s = getComputedStyle(e);
      return {label: e.getAttribute('aria-label') || (e.innerText || '').trim().slice(0, 40), tag: e.tagName,
              inSidebar: !!e.closest('[data-testid="stSidebar"]'), inMain: !!e.closest('[data-testid="stMain"]'),
              ring: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none'}; }""")


def tab_to(page, wanted, what: str, limit: int = 25) -> int:
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if wanted(focused(page)):
            return presses
    raise AssertionError(f"{what} not reached in {limit} Tabs")


def test_the_sidebar_works_by_keyboard_alone(app_page):
    page = app_page("/", "Protocol Explorer")
    page.wait_for_function("() => [...document.querySelectorAll('style')]"
                           ".some(s => s.textContent.includes('stSidebarNavLink\"]:focus-visible'))")
    page.keyboard.press("Tab")
    first = focused(page)
    assert first["label"] == "Skip to main content", first  # Streamlit's own skip link, the first Tab stop
    page.keyboard.press("Tab")
    nav = focused(page)
    assert nav["inSidebar"] and nav["tag"] == "A" and nav["ring"], f"the first menu link shows its focus: {nav}"

    tabs = tab_to(page, lambda f: f["inSidebar"] and f["label"] == "Your council", "the council picker")
    print(f"Tabs from the first menu link to the council picker: {tabs}")
    page.keyboard.type("Thur")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"council=thurrock"))
    settle(page, "Protocol Explorer")

    tab_to(page, lambda f: f["inSidebar"] and f["tag"] == "INPUT" and f["label"] == ASK, "the ask box")
    page.keyboard.type("the chief exec was rude to me")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?"))
    settle(page, "Search")
    main(page).get_by_role("heading", name="Your answer").wait_for()
    main(page).get_by_role("heading", name="Thurrock Council").wait_for()


def test_skip_link_moves_focus_to_the_page(app_page):
    page = app_page("/glossary?council=maldon", "Glossary")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert focused(page)["inMain"], focused(page)


def test_a_folded_sidebar_takes_no_tab_stops(app_page):
    page = app_page("/scenarios?council=maldon&mode=present", "Scenarios and quiz")
    assert page.evaluate(SIDEBAR_STATE_JS)["collapsed"]
    stops = []
    for _ in range(6):
        page.keyboard.press("Tab")
        stops.append(focused(page))
    assert not any(stop["inSidebar"] for stop in stops), stops


def test_printing_hides_the_app_around_the_page(app_page):
    page = app_page("/search?council=maldon&q=need+to+know", "Search")
    page.emulate_media(media="print")
    # Auto-waiting checks: a busy browser may not have restyled for print the instant the media changes.
    expect(sidebar(page)).to_be_hidden()
    expect(main(page).get_by_role("textbox", name=ASK)).to_be_hidden()
    expect(main(page).get_by_role("heading", name="Search", level=1)).to_be_visible()
