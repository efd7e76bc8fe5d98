"""The Handbook journeys in Chromium: a clause link in an answer stays in the tab and the session and opens
the clause in its section; the Handbook's filters and the Glossary's search survive reload, back and
forward; printing the Handbook gives the protocol without the app around it; the induction PDF; axe on
every new state."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from e2e_helpers import AXE_SUMMARY, assert_no_exception, main, settle, sidebar
from playwright.sync_api import expect
from pypdf import PdfReader
from test_accessibility import AXE_OPTIONS, FAILING_IMPACTS, _describe, _excused

pytestmark = pytest.mark.browser

EXPLORER_ANSWER = "/explorer?council=maldon&question=member-role-in-appointment&post=officer"
MALDON_6_1 = "Members will take no part in the appointment or dismissal of"
MALDON_3_2 = "Members should not require an Officer"
PRINT_STYLESHEET_LOADED = ("() => [...document.querySelectorAll('style')]"
                           ".some(s => s.textContent.includes('@media print'))")
SESSION_MARK = "window.__sameDocument"  # survives in-app navigation; a new tab or a reload has none


def linked_card(page):
    return main(page).locator(".st-key-linked-clause")


def in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and 0 <= box["y"] < page.viewport_size["height"] - 40


def selected(page, label: str) -> str:
    return main(page).get_by_role("combobox", name=label).input_value()


def choose(page, label: str, option: str, h1: str) -> None:
    """Pick ``option`` in the select box labelled ``label`` (Streamlit's combobox), then let the rerun finish."""
    main(page).get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option, exact=True).click()
    settle(page, h1)


def axe_clean(page, name: str) -> None:
    """No serious or critical axe violation (the same rules and exclusions as test_accessibility.py)."""
    results = Axe().run(page, options=AXE_OPTIONS).response
    by_impact: Counter[str] = Counter()
    failing = []
    for violation in results["violations"]:
        kept = [node for node in violation["nodes"] if not _excused(page, violation["id"], node)]
        by_impact[violation["impact"]] += len(kept)
        if kept and violation["impact"] in FAILING_IMPACTS:
            failing.append(_describe(violation, kept))
    line = f"axe {name} ({page.url}): " + ", ".join(f"{i} {by_impact[i]}" for i in
                                                     ("critical", "serious", "moderate", "minor"))
    print(line)
    AXE_SUMMARY.append(line)
    assert not failing, f"{name}: serious/critical accessibility violations:\n" + "\n".join(failing)


# ------------------------------------------------------------------ clause links stay in the tab


def test_clause_link_in_an_answer_stays_in_the_tab_and_opens_the_clause_in_its_section(app_page, context):
    page = app_page(EXPLORER_ANSWER, "May I…?")
    page.evaluate(f"{SESSION_MARK} = true")
    citation = main(page).get_by_role("link", name="maldon:6.1", exact=True)
    assert citation.get_attribute("target") != "_blank"
    citation.click()
    page.wait_for_url(re.compile(r"#clause-maldon-6-1$"))
    card_heading = main(page).locator("#clause-maldon-6-1")
    assert in_viewport(page, card_heading), "the citation scrolls to the quoted clause"
    card = card_heading.locator("xpath=ancestor::div[@data-testid='stVerticalBlock'][1]")
    assert MALDON_6_1 in card.inner_text()

    card.get_by_role("link", name="Read it in its section").click()
    page.wait_for_url(re.compile(r"/handbook\?council=maldon&clause=6\.1"))
    settle(page, "Handbook")
    assert len(context.pages) == 1, "no new tab"
    assert page.evaluate(SESSION_MARK) is True, "the same page and session (no reload)"
    linked_card(page).wait_for()
    assert MALDON_6_1 in linked_card(page).inner_text()
    headers = [t.strip() for t in main(page).locator("h2").all_inner_texts()]
    assert headers == ["6. Appointment or Dismissal of Officers"], headers
    assert_no_exception(page)

    main(page).get_by_role("link", name="Go to the clause").click()
    page.wait_for_url(re.compile(r"#clause-maldon-6-1$"))
    assert in_viewport(page, main(page).locator("#clause-maldon-6-1"))

    main(page).get_by_role("button", name="Show the whole protocol").click()
    settle(page, "Handbook")
    assert "section=all" in page.url
    assert main(page).locator("h2").count() > 10
    assert linked_card(page).count() == 1, "still highlighted in place in the whole protocol"
    axe_clean(page, "handbook: whole protocol with the linked clause")


def test_shared_clause_link_with_a_fragment_scrolls_to_the_clause(app_page):
    page = app_page("/handbook?council=maldon&clause=3.4#clause-maldon-3-4", "Handbook")
    heading = main(page).locator("#clause-maldon-3-4")
    heading.wait_for()
    page.wait_for_function("() => { const r = document.getElementById('clause-maldon-3-4').getBoundingClientRect();"
                           " return r.top >= 0 && r.top < 300; }")
    assert in_viewport(page, heading)


def test_deep_link_in_its_section_on_a_phone(browser, base_url):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(base_url + "/handbook?council=maldon&clause=3.2")
        settle(page, "Handbook")
        linked_card(page).wait_for()
        assert MALDON_3_2 in linked_card(page).inner_text()
        assert sidebar(page).is_hidden() or not in_viewport(page, sidebar(page))
        axe_clean(page, "handbook: clause in its section (phone)")
    finally:
        context.close()


# ------------------------------------------------------------------ state in the URL


def test_handbook_filters_survive_reload_back_and_forward(app_page):
    page = app_page("/handbook?council=maldon", "Handbook")
    choose(page, "Section", "10. Members’ Access to Information and Council Documents", "Handbook")
    page.wait_for_url(re.compile(r"section=10"))
    choose(page, "Using the term", "Exempt information", "Handbook")
    page.wait_for_url(re.compile(r"term=exempt-information"))
    shown = main(page).locator("h3").all_inner_texts()

    page.reload()
    settle(page, "Handbook")
    assert selected(page, "Section").startswith("10. ") and selected(page, "Using the term") == "Exempt information"
    assert main(page).locator("h3").all_inner_texts() == shown

    page.go_back()
    settle(page, "Handbook")
    assert "term=" not in page.url and "section=10" in page.url
    assert selected(page, "Using the term") == "Any term" and selected(page, "Section").startswith("10. ")
    page.go_back()
    settle(page, "Handbook")
    assert "section=" not in page.url
    assert selected(page, "Section") == "1. Introduction"
    assert [t.strip() for t in main(page).locator("h2").all_inner_texts()] == ["1. Introduction"]
    page.go_forward()
    settle(page, "Handbook")
    assert "section=10" in page.url
    assert [t.strip() for t in main(page).locator("h2").all_inner_texts()] == [
        "10. Members’ Access to Information and Council Documents"]
    axe_clean(page, "handbook: one section chosen")


def test_next_section_opens_at_its_top_and_back_returns(app_page):
    page = app_page("/handbook?council=maldon", "Handbook")
    assert [t.strip() for t in main(page).locator("h2").all_inner_texts()] == ["1. Introduction"]
    following = main(page).get_by_role("button", name="Next: 2. Guiding Principles of the Relationship")
    following.scroll_into_view_if_needed()
    following.click()
    page.wait_for_url(re.compile(r"section=2"))
    settle(page, "Handbook")
    expect(main(page).locator("h2")).to_have_text(["2. Guiding Principles of the Relationship"])
    assert selected(page, "Section").startswith("2. ")
    assert in_viewport(page, main(page).get_by_role("heading", name="Handbook", level=1)), "opens at the top"
    assert page.evaluate("document.activeElement.tagName") == "H2", "the new section's heading has the focus"
    axe_clean(page, "handbook: a section with previous and next")
    again = main(page).get_by_role("button", name="Next: 3. The Working Relationship in Practice")
    again.scroll_into_view_if_needed()
    again.click()  # a second press in a row: its script must run too
    page.wait_for_url(re.compile(r"section=3"))
    settle(page, "Handbook")
    expect(main(page).locator("h2")).to_have_text(["3. The Working Relationship in Practice"])
    assert in_viewport(page, main(page).get_by_role("heading", name="Handbook", level=1)), "opens at the top again"
    page.go_back()
    settle(page, "Handbook")
    expect(main(page).locator("h2")).to_have_text(["2. Guiding Principles of the Relationship"])
    page.go_back()
    settle(page, "Handbook")
    expect(main(page).locator("h2")).to_have_text(["1. Introduction"])


def test_glossary_search_survives_reload_back_and_forward(app_page):
    page = app_page("/glossary", "Glossary")
    box = main(page).get_by_role("textbox", name="Find a term")
    box.fill("exempt")
    box.press("Enter")
    page.wait_for_url(re.compile(r"q=exempt"))
    settle(page, "Glossary")
    assert main(page).locator("h3").first.inner_text().strip() == "Exempt information"
    page.reload()
    settle(page, "Glossary")
    expect(main(page).get_by_role("textbox", name="Find a term")).to_have_value("exempt")
    page.go_back()
    settle(page, "Glossary")
    expect(main(page).get_by_role("textbox", name="Find a term")).to_have_value("")
    page.go_forward()
    settle(page, "Glossary")
    expect(main(page).get_by_role("textbox", name="Find a term")).to_have_value("exempt")
    axe_clean(page, "glossary: a search")

    link = main(page).get_by_role("link", name=re.compile(r"^Maldon")).first
    link.click()
    page.wait_for_url(re.compile(r"/handbook\?council=maldon&term=exempt-information"))
    settle(page, "Handbook")
    assert selected(page, "Using the term") == "Exempt information"
    axe_clean(page, "handbook: clauses using a glossary term")


def test_clause_left_out_by_the_filters_is_offered_back(app_page):
    page = app_page("/handbook?council=maldon&clause=3.2&section=13", "Handbook")
    main(page).get_by_text("the filters you chose leave it out").wait_for()
    axe_clean(page, "handbook: linked clause left out by the filters")
    main(page).get_by_role("button", name="Show 3.2 in its section").click()
    settle(page, "Handbook")
    linked_card(page).wait_for()
    assert "section=" not in page.url


# ------------------------------------------------------------------ print and PDF


def pdf_pages(path: Path) -> list[str]:
    """Each page's text, with the ligatures a browser's PDF uses ("ﬀ" in "Oﬀicer") spelled out."""
    return [unicodedata.normalize("NFKC", page.extract_text() or "") for page in PdfReader(path).pages]


def test_printing_the_handbook_gives_the_protocol_without_the_app(app_page, tmp_path):
    page = app_page("/handbook?council=maldon&clause=3.2&section=all", "Handbook")
    linked_card(page).wait_for()
    page.wait_for_function(PRINT_STYLESHEET_LOADED)
    out = tmp_path / "handbook-print.pdf"
    page.pdf(path=str(out), format="A4")  # page.pdf() lays out with print media
    pages = pdf_pages(out)
    text = "\n".join(pages)
    assert len(pages) >= 8, f"the whole protocol runs over many sheets, not one cut-off screen ({len(pages)})"
    for wanted in ("Handbook", "Maldon District Council", MALDON_3_2, "15. Clarification of matters",
                   "3. The Working Relationship in Practice", "Linked clause"):
        assert wanted in " ".join(text.split()), wanted
    for chrome in ("Your council", "Search the protocols", "Ask or search", "Download PDF", "Download Markdown",
                   "Only clauses about", "Using the term", "Show the whole protocol", "Review a protocol",
                   "Scenarios and quiz"):
        assert chrome not in text, f"{chrome!r} is printed"


def test_downloaded_handbook_pdf_is_an_induction_pack(app_page, tmp_path):
    page = app_page("/handbook?council=maldon", "Handbook")
    with page.expect_download(timeout=60_000) as download:
        main(page).get_by_role("button", name="Download PDF").click()
    out = tmp_path / download.value.suggested_filename
    download.value.save_as(out)
    text = " ".join(" ".join(pdf_pages(out)).split())
    contents, first_clause = text.find("Contents"), text.find(MALDON_3_2)
    notes = text.find("Editorial notes and omissions", first_clause)
    assert 0 <= contents < first_clause < notes, (contents, first_clause, notes)
    assert re.search(r"Page 2 of \d+", text) and "Version:" in text and "Glossary" in text
    assert re.search(r"Generated \d{1,2} \w+ \d{4}", text)


def test_home_starts_from_your_council_on_a_phone(browser, base_url):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(base_url + "/?council=thurrock")
        settle(page, "Protocol Explorer")
        main(page).get_by_text("Your council: Thurrock Council.").wait_for()
        cards = main(page).locator(".st-key-protocols [data-testid='stLayoutWrapper']")
        assert "Thurrock Council" in cards.first.inner_text() and "your council" in cards.first.inner_text()
        width = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollWidth")
        assert width <= 390, f"the page scrolls sideways on a phone ({width} px)"
        axe_clean(page, "home: your council chosen (phone)")
        main(page).get_by_role("link", name="Read the Thurrock handbook").click()
        page.wait_for_url(re.compile(r"/handbook\?council=thurrock"))
        settle(page, "Handbook")
        assert main(page).get_by_role("heading", name="Thurrock Council").is_visible()
    finally:
        context.close()
