"""The Review page in Chromium: a redline from a deep link, filtered to one kind by clicking, kept by
reload and back; both review packs downloaded and read back; axe (no violation of any impact) on every
state of the page."""

from __future__ import annotations

import io
import re
from collections import Counter
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from e2e_helpers import AXE_SUMMARY, assert_no_exception, main, settle
from test_accessibility import AXE_OPTIONS, _describe, _excused

from logic.model import load_model
from logic.redline import CHANGE_LABELS
from logic.review import build_review

pytestmark = pytest.mark.browser

H1 = "Review a protocol"
OLD, NEW = "allerdale", "county"
REVIEW = f"/review?old={OLD}&new={NEW}"
CARD_HEADING = re.compile(r"^\S+ → \S+: (unchanged|renumbered|changed|moved|added|removed|split|merged)$")


@pytest.fixture(scope="module")
def review():
    return build_review(load_model(), OLD, NEW)


def card_kinds(page) -> Counter:
    """The kinds of the redline cards on screen, read from their headings ("1.7 → 1.6: changed")."""
    headings = main(page).locator("strong").filter(has_text=CARD_HEADING).all_inner_texts()
    return Counter(text.rsplit(": ", 1)[1] for text in headings)


def pill(page, kind: str, count: int):
    return main(page).get_by_role("button", name=f"{CHANGE_LABELS[kind]} ({count})", exact=True)


def click_and_settle(page, locator) -> None:
    locator.click()
    settle(page, H1)


def test_filter_the_redline_to_changed_clauses_and_keep_it_on_reload_and_back(app_page, review):
    summary = review.redline.summary()
    page = app_page(REVIEW, H1)
    shown = card_kinds(page)
    assert shown == Counter({k: n for k, n in summary.items() if n and k not in ("same", "renumbered")})
    for kind in ("moved", "added", "removed", "split", "merged"):
        click_and_settle(page, pill(page, kind, summary[kind]))
    assert card_kinds(page) == Counter(changed=summary["changed"])
    assert "kind=changed" in page.url and "kind=changed%2C" not in page.url, page.url
    page.reload()
    settle(page, H1)
    assert card_kinds(page) == Counter(changed=summary["changed"]), "reload keeps the filter"
    page.go_back()  # the last click took "merged" out; back brings it in again
    settle(page, H1)
    assert card_kinds(page) == Counter({k: summary[k] for k in ("changed", "merged") if summary[k]})
    assert_no_exception(page)


def test_open_another_section_and_come_back_with_the_browser(app_page, review):
    page = app_page(REVIEW + "&kind=changed", H1)
    click_and_settle(page, main(page).get_by_role("radio", name=f"Gaps ({len(review.gaps.gaps)})"))
    assert "section=gaps" in page.url
    main(page).get_by_role("heading", name=review.gaps.gaps[0].label).wait_for()
    page.go_back()
    settle(page, H1)
    assert card_kinds(page) == Counter(changed=review.redline.summary()["changed"])


def test_both_review_packs_download_and_hold_the_summary_and_every_change(app_page, review):
    from docx import Document
    from pypdf import PdfReader

    page = app_page(REVIEW, H1)
    summary = review.redline.summary()
    changed = review.redline.of_kind("changed", "moved")
    with page.expect_download(timeout=60_000) as download:
        main(page).get_by_role("button", name="Review pack (Word)").click()
    assert download.value.suggested_filename == f"review-{OLD}-to-{NEW}-{review.date.isoformat()}.docx"
    document = Document(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"Protocol review: {review.new.name}" in text
    table = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert table[0] == ["Change", "Clauses"]
    assert {label: int(n) for label, n in table[1:]} == {CHANGE_LABELS[k]: n for k, n in summary.items()}
    for pair in changed:
        assert f"old {pair.old.number} → new {pair.new.number}" in text, pair.describe()
    assert "[inserted: " in text and "[deleted: " in text

    with page.expect_download(timeout=60_000) as download:
        main(page).get_by_role("button", name="Review pack (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")
    reader = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    pdf_text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    assert "Protocol review" in pdf_text and "Summary" in pdf_text
    assert f"Changed {summary['changed']}" in pdf_text
    for pair in changed:
        assert f"old {pair.old.number} → new {pair.new.number}" in pdf_text, pair.describe()


def open_first_expander(page) -> None:
    main(page).locator('[data-testid="stExpander"] summary').first.click()
    main(page).locator('[data-testid="stExpanderDetails"]').first.wait_for()


# name -> (path, what must be on screen before the scan, optional action to reach the state)
STATES = {
    "redline shown": (REVIEW, "clause pairs:", None),
    "redline, every kind": (REVIEW + "&kind=same,renumbered,changed,moved,added,removed,split,merged",
                            "Unchanged (", None),
    "gaps, model wording open": (REVIEW + "&section=gaps", "Model wording", open_first_expander),
    "differences from peers": (REVIEW + "&section=peers", "with most peers", None),
    "decision answers, one open": (REVIEW + "&section=decisions", "answers compared", open_first_expander),
    "new version not chosen": ("/review?old=maldon", "Choose the new version", None),
    "old and new the same": ("/review?old=maldon&new=maldon", "same protocol", None),
}


@pytest.mark.parametrize("name", list(STATES))
def test_review_page_states_have_no_axe_violations(app_page, name):
    path, ready_text, action = STATES[name]
    page = app_page(path, H1)
    main(page).get_by_text(ready_text).first.wait_for()
    if action:
        action(page)
    assert_no_exception(page)
    results = Axe().run(page, options=AXE_OPTIONS).response
    failing, by_impact = [], Counter()
    for violation in results["violations"]:
        kept = [node for node in violation["nodes"] if not _excused(page, violation["id"], node)]
        by_impact[violation["impact"]] += len(kept)
        if kept:  # every state of this page is held to no violation at all, of any impact
            failing.append(_describe(violation, kept))
    line = f"axe review: {name} ({path}): violations (nodes) by impact: " + ", ".join(
        f"{impact} {by_impact[impact]}" for impact in ("critical", "serious", "moderate", "minor"))
    print(line)
    AXE_SUMMARY.append(line)
    assert not failing, f"{name} ({path}): accessibility violations:\n" + "\n".join(failing)
