"""User journeys through the real app in Chromium: search to clause, a flowchart, a verdict for five councils,
and the files people download."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from e2e_helpers import COUNCILS, assert_no_exception, heading_1, main, settle, sidebar

pytestmark = pytest.mark.browser

ESCALATION_LINK = "/escalation?scenario=member-concern-about-officer&council=allerdale&about=head-of-service"
VERDICT = re.compile(r"^(Yes|No|Conditional.*|Not covered.*)$")


def _normalise(text: str) -> str:
    return " ".join(text.split())


def test_misspelt_sidebar_search_leads_to_the_linked_clause(app_page, context):
    page = app_page("/", "Protocol Explorer")
    box = sidebar(page).get_by_role("textbox", name="Search the protocols")
    box.fill("planing case oficer")
    sidebar(page).get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"/search\?"))
    settle(page, "Search")
    assert "q=planing+case+oficer" in page.url or "q=planing%20case%20oficer" in page.url, page.url
    assert main(page).get_by_role("textbox", name="Search the protocols").input_value() == "planing case oficer"
    main(page).get_by_text(re.compile(r"\d+ best matches, best first")).wait_for()

    first = main(page).get_by_role("link", name=re.compile(r"^Open \S+ in the Handbook$")).first
    clause_id = first.inner_text().removeprefix("Open ").removesuffix(" in the Handbook")
    assert clause_id.startswith("maldon:13."), f"best match for a misspelt planning case officer: {clause_id}"
    # Markdown links open in a new tab (Streamlit's behaviour); follow whichever way it goes.
    if first.get_attribute("target") == "_blank":
        with context.expect_page() as new_tab:
            first.click()
        handbook = new_tab.value
    else:
        first.click()
        handbook = page
    handbook.wait_for_url(re.compile(r"/handbook\?"))
    settle(handbook, "Handbook")
    council, number = clause_id.split(":", 1)
    assert f"council={council}" in handbook.url and f"clause={number}" in handbook.url, handbook.url
    badge = main(handbook).get_by_text("Linked clause", exact=True).first
    badge.wait_for()
    card = badge.locator("xpath=ancestor::div[@data-testid='stVerticalBlock'][1]")
    assert clause_id in card.inner_text()
    assert main(handbook).get_by_role("heading", name="Maldon District Council").is_visible()
    assert_no_exception(handbook)


def test_escalation_flowchart_is_drawn_as_svg_with_the_council_role(app_page):
    page = app_page(ESCALATION_LINK, "Who do I go to?")
    chart = main(page).locator('[data-testid="stGraphVizChart"]').first
    chart.locator("svg").first.wait_for()
    texts = chart.locator("svg text").all_text_contents()
    assert texts, "the flowchart SVG has no text elements"
    assert "Corporate Director" in _normalise(" ".join(texts)), texts
    # A text alternative for the picture (WCAG 1.1.1), naming the same role.
    assert chart.get_attribute("role") in ("figure", "img")
    assert "Corporate Director" in (chart.get_attribute("aria-label") or "")
    # The same steps as text on the page.
    assert main(page).get_by_text("Corporate Director").first.is_visible()

    with page.expect_download() as download:
        main(page).get_by_role("button", name="Download DOT").first.click()
    dot = Path(download.value.path()).read_text(encoding="utf-8")
    assert download.value.suggested_filename.endswith(".dot")
    assert re.match(r"\s*(strict\s+)?digraph\b", dot), dot[:200]
    assert "Corporate Director" in dot
    assert_no_exception(page)


def test_permission_question_verdict_for_all_five_councils(app_page):
    page = app_page("/explorer", "May I…?")
    m = main(page)
    question = m.get_by_role("combobox", name="Question")
    if question.input_value() != "Taking part in appointing an officer":
        question.click()
        page.get_by_role("option", name="Taking part in appointing an officer", exact=True).click()
        settle(page, "May I…?")
    m.get_by_role("combobox", name="Which post is being filled?").click()
    page.get_by_role("option", name="A director or chief officer post", exact=True).click()
    settle(page, "May I…?")
    m.get_by_role("radio", name="All five councils side by side").click()
    settle(page, "May I…?")

    assert "question=member-role-in-appointment" in page.url and "post=director" in page.url, page.url
    assert "view=all" in page.url, page.url
    m.get_by_role("heading", name="All five councils").wait_for()

    # One card per council (a table of five long rows is unreadable on a phone): its name, then the verdict.
    short = {"allerdale": "Allerdale", "county": "County", "maldon": "Maldon", "parish": "Parish",
             "thurrock": "Thurrock"}
    verdicts = {}
    for slug, name in short.items():
        card = m.get_by_role("heading", name=name, level=3, exact=True).locator(
            "xpath=ancestor::div[@data-testid='stVerticalBlock'][1]")
        # The verdict's icon is a ligature ("check_circle Yes"); the verdict is the words after it.
        lines = [re.sub(r"^[a-z_]+ ", "", _normalise(line)) for line in card.inner_text().splitlines() if line.strip()]
        verdicts[slug] = next(line for line in lines if VERDICT.match(line))
    assert set(verdicts) == set(COUNCILS)
    assert verdicts["maldon"] == "Yes"
    assert verdicts["thurrock"] == "Yes"

    # Reading one: the card's expander quotes the cited clause.
    maldon = m.get_by_role("heading", name="Maldon", level=3, exact=True).locator(
        "xpath=ancestor::div[@data-testid='stVerticalBlock'][1]")
    assert maldon.get_by_text("Based on").is_visible()
    maldon.locator('[data-testid="stExpander"] summary', has_text="The clauses quoted").click()
    maldon.get_by_role("heading", name=re.compile(r"^Maldon \d")).first.wait_for()
    assert_no_exception(page)


def test_compare_differences_csv_export(app_page):
    page = app_page("/compare?view=differences", "Compare councils")
    main(page).get_by_role("heading", name="Concrete differences").wait_for()
    with page.expect_download() as download:
        main(page).get_by_role("button", name="CSV", exact=True).click()
    assert download.value.suggested_filename.endswith(".csv")
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Concrete differences"]  # the title, the date and the sources come first
    rows = rows[rows.index([]) + 1:]
    header = rows[0]
    assert header[0] == "Question", header
    assert header[1:] == ["Allerdale", "County", "Maldon", "Parish", "Thurrock"], header
    assert len(rows) > 2
    assert all(len(row) == len(header) for row in rows), "ragged CSV"
    assert_no_exception(page)


def test_handbook_markdown_download(app_page):
    page = app_page("/handbook?council=maldon", "Handbook")
    assert sidebar(page).get_by_role("combobox", name="Your council").input_value() == "Maldon District Council"
    with page.expect_download() as download:
        main(page).get_by_role("button", name="Download Markdown").click()
    assert download.value.suggested_filename == "maldon-protocol.md"
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("# "), text[:100]
    assert "maldon:3.2" in text
    assert "Members should not require an Officer" in text
    assert heading_1(page, "Handbook").is_visible()


def test_handbook_pdf_is_built_when_asked_for(app_page):
    page = app_page("/handbook?council=parish", "Handbook")
    with page.expect_download(timeout=60_000) as download:
        main(page).get_by_role("button", name="Download PDF").click()
    assert download.value.suggested_filename == "parish-protocol.pdf"
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 5_000
    assert_no_exception(page)
