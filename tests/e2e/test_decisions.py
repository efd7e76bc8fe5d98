"""The decision pages in Chromium: a governance user reads the heatmap and its export, a councillor on a phone
gets a route, and back / forward / reload restore each page's state. axe finds no violation in any new state.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from axe_playwright_python.sync_playwright import Axe
from e2e_helpers import AXE_SUMMARY, COUNCILS, assert_no_exception, main, settle, sidebar
from test_accessibility import AXE_OPTIONS, _describe, _excused
from test_page_decisions import planning_in_words, silent_route

from logic.export import long_date
from logic.model import load_model

pytestmark = pytest.mark.browser

GOVERNANCE = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
ROW_HEIGHT = 35  # Streamlit's dataframe rows (and its header row)
PLANNING_ROW = 16  # the heatmap's rows are the topics in vocabulary order
COMPARE = "Compare councils"
ESCALATION = "Who do I go to?"
EXPLORER = "May I…?"
SHORT = {"maldon": "Maldon", "allerdale": "Allerdale", "county": "County", "parish": "Parish", "thurrock": "Thurrock"}


def _open(page, base_url: str, path: str, h1: str, viewport=GOVERNANCE):
    page.set_viewport_size(viewport)
    page.goto(base_url + path, wait_until="domcontentloaded")
    settle(page, h1)
    return page


def click_heatmap(page, row: int, *, last_column: bool = False) -> None:
    """Click a heatmap cell: the topic (first column) or the last council's count, scrolled into view first."""
    grid = main(page).locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    y = box["y"] + ROW_HEIGHT * (row + 1) + ROW_HEIGHT / 2
    if not 60 < y < page.viewport_size["height"] - 60:
        page.mouse.wheel(0, y - page.viewport_size["height"] / 2)
        page.wait_for_timeout(300)
        box = grid.bounding_box()
        y = box["y"] + ROW_HEIGHT * (row + 1) + ROW_HEIGHT / 2
    x = box["x"] + box["width"] - 30 if last_column else box["x"] + 20
    # Hover first: the grid (drawn on a canvas) places the pointer only after a move once the page has scrolled.
    page.mouse.move(x, y)
    page.wait_for_timeout(300)
    page.mouse.click(x, y)
    settle(page, COMPARE)


def dialog(page):
    return page.get_by_role("dialog")


def assert_no_axe_violations(page, state: str) -> None:
    """axe-core (WCAG A and AA) on the state shown: no violation of any impact (the shared check fails only on
    serious and critical ones; these states are new and are held to none at all)."""
    results = Axe().run(page, options=AXE_OPTIONS).response
    found = []
    for violation in results["violations"]:
        kept = [node for node in violation["nodes"] if not _excused(page, violation["id"], node)]
        if kept:
            found.append(_describe(violation, kept))
    AXE_SUMMARY.append(f"axe {state} ({page.url}): {len(found)} violations")
    assert not found, f"{state}: accessibility violations:\n" + "\n".join(found)


def test_governance_user_clicks_a_heatmap_topic_and_reads_it_side_by_side(page, base_url):
    _open(page, base_url, "/compare?council=maldon", COMPARE)
    click_heatmap(page, PLANNING_ROW)
    box = dialog(page)
    box.wait_for()
    assert "Planning" in box.inner_text()
    planning = planning_in_words(load_model().corpus, ["maldon", "allerdale", "county", "parish", "thurrock"])
    assert " · ".join(f"{name} {planning[slug]}" for slug, name in SHORT.items()) in box.inner_text()
    # The way on is where the eye is: in the panel the click opened, not below the table.
    read = box.get_by_role("button", name="Read “Planning” side by side")
    assert read.is_visible() and read.bounding_box()["y"] < page.viewport_size["height"]
    assert_no_axe_violations(page, "compare heatmap, a topic clicked")
    read.click()
    settle(page, COMPARE)
    main(page).get_by_role("heading", name="Planning", level=2).wait_for()
    assert "view=topic" in page.url and "topic=planning" in page.url, page.url
    council_headings = main(page).locator("h3").all_inner_texts()
    assert council_headings[:2] == ["Maldon (your council)", "Allerdale"], council_headings
    assert dialog(page).count() == 0

    page.go_back()
    settle(page, COMPARE)
    main(page).get_by_role("heading", name="Coverage: topics by council").wait_for()
    assert main(page).get_by_role("combobox", name="Read a topic side by side").input_value() == "Planning"
    assert dialog(page).count() == 0  # the URL's topic is shown as chosen, not clicked again
    page.go_forward()
    settle(page, COMPARE)
    main(page).get_by_role("heading", name="Planning", level=2).wait_for()
    page.reload()
    settle(page, COMPARE)
    main(page).get_by_role("heading", name="Planning", level=2).wait_for()
    assert_no_exception(page)


def test_a_count_click_shows_that_councils_clauses(page, base_url):
    _open(page, base_url, "/compare?council=maldon", COMPARE)
    click_heatmap(page, PLANNING_ROW, last_column=True)  # Thurrock, the last column
    box = dialog(page)
    words = planning_in_words(load_model().corpus, ["thurrock"])["thurrock"]
    box.get_by_role("heading", name=f"Thurrock: {words}").wait_for()
    assert "thurrock:" in box.inner_text()
    page.keyboard.press("Escape")
    dialog(page).wait_for(state="detached")
    settle(page, COMPARE)
    assert_no_exception(page)


def test_coverage_csv_download_matches_the_screen(page, base_url):
    _open(page, base_url, "/compare?council=maldon", COMPARE)
    with page.expect_download() as download:
        main(page).get_by_role("button", name="CSV", exact=True).click()
    assert download.value.suggested_filename == "coverage.csv"
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["Coverage: topics by council"]
    assert rows[1] == ["Generated", f"{long_date(dt.date.today())} by Protocol Explorer"]
    sources = [row[1] for row in rows if len(row) > 1 and row[0] in ("Source", "")]
    assert [s.split(":")[0] for s in sources] == [COUNCILS[s] for s in
                                                  ("maldon", "allerdale", "county", "parish", "thurrock")]
    header = rows.index(["Topic", "Maldon", "Allerdale", "County", "Parish", "Thurrock"])
    table = {row[0]: row[1:] for row in rows[header + 1:]}
    assert len(table) == 25

    # The gaps on the screen, in words, are the file's "✗ Gap" cells, council by council.
    main(page).locator('[data-testid="stExpander"] summary', has_text="Gaps, in words").click()
    gaps_text = main(page).locator('[data-testid="stExpander"]', has_text="Gaps, in words").inner_text()
    for index, name in enumerate(["Maldon", "Allerdale", "County", "Parish", "Thurrock"]):
        line = next(line for line in gaps_text.splitlines() if line.startswith(f"{name} does not address:"))
        in_file = [topic for topic, cells in table.items() if cells[index] == "✗ Gap"]  # in vocabulary order
        assert line == f"{name} does not address: {', '.join(in_file) or 'none'}.", name
    # And a topic's counts in the panel a click opens are the file's row.
    click_heatmap(page, PLANNING_ROW)
    counts = re.findall(r"(Maldon|Allerdale|County|Parish|Thurrock) (✗ Gap|\d+ clauses?)", dialog(page).inner_text())
    assert [cell for _, cell in counts] == table["Planning"]
    assert_no_exception(page)


def test_phone_user_picks_a_council_and_gets_a_route(page, base_url):
    _open(page, base_url, "/escalation", ESCALATION, PHONE)
    prompt = main(page).get_by_role("button", name="Thurrock Council", exact=True)
    if prompt.count():  # the first-visit "Which council are you?"
        prompt.click()
    else:
        page.get_by_test_id("stExpandSidebarButton").click()
        sidebar(page).get_by_role("combobox", name="Your council").click()
        page.get_by_role("option", name="Thurrock Council", exact=True).click()
        settle(page, ESCALATION)
        if sidebar(page).get_attribute("data-collapsed") == "false":  # the menu is a drawer over the page here
            sidebar(page).get_by_test_id("stSidebarCollapseButton").locator("button").click()
    settle(page, ESCALATION)
    assert "council=thurrock" in page.url, page.url
    main(page).get_by_text("Informal steps have failed or it is serious").click()
    settle(page, ESCALATION)
    main(page).get_by_role("heading", name="Thurrock Council", level=2).wait_for()
    steps = main(page).locator("ol").first.inner_text()
    assert "Member" in steps and "Copied to Monitoring Officer" in steps, steps
    # Readable at 390 px: nothing wider than the screen, and the flowchart scaled to the width.
    overflow = page.evaluate("() => { const m = document.querySelector('[data-testid=stMain]');"
                             " return m.scrollWidth - m.clientWidth; }")
    assert overflow <= 1, f"the page scrolls sideways by {overflow}px"
    chart = main(page).locator('[data-testid="stGraphVizChart"] svg').first
    chart.wait_for()
    assert chart.bounding_box()["width"] <= PHONE["width"]
    assert_no_axe_violations(page, "escalation on a phone, a route")
    assert_no_exception(page)


def _checked(page, name: str) -> bool:
    return main(page).get_by_role("radio", name=name).is_checked()


def test_escalation_back_forward_and_reload_restore_stage_and_view(page, base_url):
    _open(page, base_url, "/escalation?council=maldon&scenario=member-concern-about-officer", ESCALATION)
    main(page).get_by_text("Informal steps have failed or it is serious").click()
    settle(page, ESCALATION)
    assert "stage=formal" in page.url
    main(page).get_by_role("radio", name="All five councils side by side").click()
    settle(page, ESCALATION)
    main(page).get_by_role("heading", name="All five councils").wait_for()
    assert "view=all" in page.url
    assert main(page).locator("h3").first.inner_text() == "Maldon (your council)"
    assert_no_axe_violations(page, "escalation, all five as cards")

    page.go_back()
    settle(page, ESCALATION)
    main(page).get_by_role("heading", name="Maldon District Council", level=2).wait_for()
    assert _checked(page, "Maldon only") and _checked(page, "Informal steps have failed or it is serious")
    page.go_back()
    settle(page, ESCALATION)
    main(page).get_by_role("radio", name="I want to raise it informally first").wait_for()
    assert _checked(page, "I want to raise it informally first")
    page.go_forward()
    page.go_forward()
    settle(page, ESCALATION)
    main(page).get_by_role("heading", name="All five councils").wait_for()
    page.reload()
    settle(page, ESCALATION)
    main(page).get_by_role("heading", name="All five councils").wait_for()
    assert _checked(page, "Informal steps have failed or it is serious")
    assert_no_exception(page)


def test_escalation_deadlines_and_not_covered_states_are_accessible(page, base_url):
    _open(page, base_url, "/escalation?council=maldon&scenario=member-concern-about-officer&start=2026-12-21",
          ESCALATION)
    main(page).get_by_text("(by Monday 28 December 2026)").first.wait_for()
    assert_no_axe_violations(page, "escalation with deadlines dated")
    council, scenario, params = silent_route(load_model())
    _open(page, base_url, f"/escalation?{urlencode({'council': council, 'scenario': scenario, **params})}",
          ESCALATION)
    related = main(page).locator('[data-testid="stExpander"] summary', has_text="Clauses on the same topic")
    related.click()
    main(page).get_by_text("None of it answers it").wait_for()
    assert_no_axe_violations(page, "escalation not covered, related clauses open")


def test_explorer_back_forward_and_reload_restore_question_parameters_and_view(page, base_url):
    _open(page, base_url, "/explorer?council=thurrock&question=inspect-document", EXPLORER)
    main(page).get_by_role("radiogroup", name="Is it confidential or exempt information?").get_by_text("Yes").click()
    settle(page, EXPLORER)
    assert "exempt=yes" in page.url
    main(page).get_by_role("radio", name="All five councils side by side").click()
    settle(page, EXPLORER)
    main(page).get_by_role("heading", name="All five councils").wait_for()
    assert_no_axe_violations(page, "explorer, all five as cards")

    page.go_back()
    settle(page, EXPLORER)
    main(page).get_by_role("heading", name="Thurrock Council", level=2).wait_for()
    group = main(page).get_by_role("radiogroup", name="Is it confidential or exempt information?")
    assert group.get_by_role("radio", name="Yes").is_checked()
    page.go_back()
    settle(page, EXPLORER)
    group = main(page).get_by_role("radiogroup", name="Is it confidential or exempt information?")
    group.get_by_role("radio", name="No").wait_for()
    assert group.get_by_role("radio", name="No").is_checked()
    page.go_forward()
    page.go_forward()
    settle(page, EXPLORER)
    page.reload()
    settle(page, EXPLORER)
    main(page).get_by_role("heading", name="All five councils").wait_for()
    assert "exempt=yes" in page.url and "view=all" in page.url
    assert_no_exception(page)


def test_explorer_not_covered_offers_related_clauses_accessibly(page, base_url):
    _open(page, base_url, "/explorer?council=parish&question=member-role-in-appointment", EXPLORER)
    main(page).get_by_text("so nothing is cited").wait_for()
    main(page).locator('[data-testid="stExpander"] summary', has_text="Clauses on the same topic").click()
    main(page).get_by_text("None of it answers it").wait_for()
    assert_no_axe_violations(page, "explorer not covered, related clauses open")
