"""Keyboard only: search from the sidebar and open a result in the Handbook, with Tab, typing and Enter.

No mouse: the only page interactions are page.keyboard presses and typing; where focus is comes from
document.activeElement.
"""

from __future__ import annotations

import re

import pytest
from e2e_helpers import assert_no_exception, main, settle

pytestmark = pytest.mark.browser

MAX_TABS = 25  # a bound, not the path: the test counts the Tabs it really needs and reports them

FOCUS_JS = """() => {
  const el = document.activeElement;
  if (!el) return null;
  return {
    tag: el.tagName,
    label: el.getAttribute('aria-label') || '',
    text: (el.innerText || '').trim().slice(0, 80),
    href: el.getAttribute('href') || '',
    target: el.getAttribute('target') || '',
    inSidebar: !!el.closest('[data-testid="stSidebar"]'),
    inMain: !!el.closest('[data-testid="stMain"]'),
  };
}"""

RESULT_LINK = re.compile(r"^Open (\S+) in the Handbook$")


def focused(page) -> dict:
    return page.evaluate(FOCUS_JS) or {}


def tab_until(page, wanted, what: str, *, key: str = "Tab") -> tuple[dict, list[str]]:
    """Press Tab until `wanted(focus)` holds; return the focus and the path of focus stops."""
    path = []
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        focus = focused(page)
        name = focus.get("label") or focus.get("text") or focus.get("tag", "?")
        path.append(" ".join(name.split())[:40])
        if wanted(focus):
            return focus, path
    raise AssertionError(f"{what} not reached in {MAX_TABS} presses of {key}; focus went: {path}")


def test_keyboard_only_search_to_linked_clause(app_page, context):
    page = app_page("/?council=maldon", "Protocol Explorer")  # a visitor who has said which council they are

    # 1. Tab to the sidebar search box.
    _, to_box = tab_until(
        page, lambda f: f.get("tag") == "INPUT" and f.get("label") == "Ask a question or search the protocols"
        and f.get("inSidebar"),
        "the sidebar search box")
    print(f"Tabs to the sidebar search box: {len(to_box)} ({' > '.join(to_box)})")

    # 2. Type and submit the form with Enter.
    page.keyboard.type("need to know")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?"))
    settle(page, "Search")
    assert "q=need+to+know" in page.url or "q=need%20to%20know" in page.url, page.url
    main(page).get_by_text(re.compile(r"\d+ best matches, best first")).wait_for()
    first_result = main(page).get_by_role("link", name=RESULT_LINK).first.inner_text()

    # 3. Tab to the first result's Handbook link (Shift+Tab is not needed: results follow the filters).
    focus, to_link = tab_until(page, lambda f: f.get("inMain") and bool(RESULT_LINK.match(f.get("text", ""))),
                               "a result's Handbook link")
    print(f"Tabs from the search box to the first result link: {len(to_link)} ({' > '.join(to_link)})")
    assert focus["text"] == first_result, f"the first result link reached by Tab is {focus['text']!r}"
    clause_id = RESULT_LINK.match(focus["text"]).group(1)
    council, number = clause_id.split(":", 1)

    # 4. Enter follows the link (Streamlit opens Markdown links in a new tab; the keyboard follows either way).
    if focus.get("target") == "_blank":
        with context.expect_page() as new_tab:
            page.keyboard.press("Enter")
        handbook = new_tab.value
    else:
        page.keyboard.press("Enter")
        handbook = page
    handbook.wait_for_url(re.compile(r"/handbook\?"))
    settle(handbook, "Handbook")
    assert f"council={council}" in handbook.url and f"clause={number}" in handbook.url, handbook.url
    badge = main(handbook).get_by_text("Linked clause", exact=True).first
    badge.wait_for()
    card = badge.locator("xpath=ancestor::div[@data-testid='stVerticalBlock'][1]")
    assert clause_id in card.inner_text()
    assert_no_exception(handbook)
