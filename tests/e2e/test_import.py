""""Add your council" in Chromium: one visitor uploads a Word protocol, checks the preview and adds it, then finds
it in Compare's matrix and in Search without a restart; a second, separate visitor sees it nowhere. The content
folder downloads and validates; saving to the shared content folder is not offered by default; axe finds nothing
on the page with a preview and with an error shown."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from e2e_helpers import AXE_SUMMARY, ROOT, VIEWPORT, assert_no_exception, main, open_app, settle
from test_accessibility import AXE_OPTIONS, _describe, _excused

from logic.cli import main as cli
from tests import doc_fixtures as fx

pytestmark = pytest.mark.browser

H1 = "Add your council"
NAME, SLUG, SHORT = "Wyvern District Council", "wyvern-district", "Wyvern"
CLAUSE_TEXT = "Disputes are resolved informally where possible."  # numbered_docx's clause 3.1


@pytest.fixture(scope="module")
def protocol_docx(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("upload") / "wyvern-protocol.docx"
    path.write_bytes(fx.numbered_docx())
    return path


def name_the_council(page, name: str = NAME) -> None:
    field = main(page).get_by_role("textbox", name="Council name", exact=True)
    field.fill(name)
    field.press("Tab")  # leaving the field suggests the short name
    settle(page, H1)


def read(page) -> None:
    main(page).get_by_role("button", name="Read the protocol").click()
    settle(page, H1)


def upload_and_preview(page, path: Path) -> None:
    name_the_council(page)
    main(page).locator('input[type="file"]').set_input_files(str(path))
    settle(page, H1)
    read(page)
    main(page).get_by_role("heading", name=f"Check what was read: {NAME}").wait_for()


def grid_headers(page) -> list[str]:
    grid = main(page).locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    headers = grid.locator('[role="columnheader"]')  # the grid's accessible table, inside its canvas
    headers.first.wait_for(state="attached")
    return headers.all_text_contents()


def assert_no_axe_violations(page, state: str) -> None:
    """axe-core (WCAG A and AA, the shared options and exclusions): no violation of any impact."""
    results = Axe().run(page, options=AXE_OPTIONS).response
    found = [_describe(v, kept) for v in results["violations"]
             if (kept := [node for node in v["nodes"] if not _excused(page, v["id"], node)])]
    AXE_SUMMARY.append(f"axe import: {state}: {len(found)} violations")
    assert not found, f"{state}: accessibility violations:\n" + "\n".join(found)


def test_a_visitor_adds_a_word_protocol_and_finds_it_in_compare_and_search_and_no_one_else_does(
        browser, base_url, protocol_docx):
    visitor = browser.new_context(viewport=VIEWPORT)
    other = browser.new_context(viewport=VIEWPORT)
    try:
        page = visitor.new_page()
        open_app(page, base_url + "/import", H1)
        name_the_council(page)
        assert main(page).get_by_role("textbox", name="Short name", exact=True).input_value() == SLUG
        main(page).locator('input[type="file"]').set_input_files(str(protocol_docx))
        settle(page, H1)
        read(page)
        main(page).get_by_role("heading", name=f"Check what was read: {NAME}").wait_for()
        assert grid_headers(page)[:4] == ["Clause", "Text (word for word)", "Topics (editable)", "Confidence"]
        assert main(page).locator('[role="gridcell"]', has_text=CLAUSE_TEXT).count() == 1
        main(page).get_by_role("button", name="Add to my session").click()
        settle(page, H1)
        main(page).get_by_text(f"{NAME} is added, for you only").wait_for()

        main(page).get_by_role("link", name="Compare it with the others").click()
        settle(page, "Compare councils")
        assert SHORT in grid_headers(page), "the council is a column of the coverage matrix"
        page.go_back()
        settle(page, H1)
        main(page).get_by_role("link", name="Search its clauses").click()
        settle(page, "Search")
        box = main(page).get_by_role("textbox", name="Ask a question or search the protocols")
        box.fill("resolved informally")
        box.press("Enter")
        settle(page, "Search")
        main(page).get_by_text(f"{SHORT} 3.1").first.wait_for()
        assert main(page).get_by_role("link", name=f"Open {SLUG}:3.1 in the Handbook").count() == 1
        assert_no_exception(page)

        stranger = other.new_page()
        open_app(stranger, base_url + "/compare", "Compare councils")
        assert SHORT not in grid_headers(stranger)
        open_app(stranger, base_url + "/search?q=resolved%20informally", "Search")
        main(stranger).get_by_text("best matches, best first").wait_for()
        assert SLUG not in main(stranger).inner_text()
        open_app(stranger, base_url + f"/handbook?council={SLUG}", "Handbook")
        assert "no council called" in main(stranger).inner_text()
        open_app(stranger, base_url + "/import", H1)
        assert "Your imported councils" not in main(stranger).inner_text()
    finally:
        visitor.close()
        other.close()


def heatmap_cell(page, topic: str, column: str) -> str:
    """A coverage matrix cell, read from the grid's accessible table."""
    headers = grid_headers(page)
    row = main(page).locator('[data-testid="stDataFrame"] [role="row"]').filter(
        has=page.locator('[role="gridcell"]', has_text=topic))
    return row.first.locator('[role="gridcell"]').nth(headers.index(column)).text_content()


def test_a_topic_chosen_by_keyboard_in_the_table_is_the_added_councils(app_page, protocol_docx):
    page = app_page("/import", H1)
    upload_and_preview(page, protocol_docx)
    grid = main(page).locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 30, box["y"] + 35 + 17)  # clause 1.1: the grid has the focus from here on
    for key in ("ArrowRight", "ArrowRight", "Enter"):  # to its Topics cell, and open the editor
        page.keyboard.press(key)
    page.keyboard.type("Confidential")
    page.keyboard.press("Enter")  # choose the topic
    page.keyboard.press("Tab")  # keep the edit
    settle(page, H1)
    topics = grid.locator('[role="gridcell"]').nth(2)
    assert topics.text_content() == "purpose-and-principles,confidentiality"
    main(page).get_by_role("button", name="Add to my session").click()
    settle(page, H1)
    main(page).get_by_role("link", name="Compare it with the others").click()
    settle(page, "Compare councils")
    assert heatmap_cell(page, "Confidentiality", SHORT) == "1 clause"


def test_the_downloaded_content_folder_passes_validate(app_page, protocol_docx, tmp_path, capsys):
    page = app_page("/import", H1)
    upload_and_preview(page, protocol_docx)
    with page.expect_download(timeout=60_000) as download:
        main(page).get_by_role("button", name="Download as a content folder (.zip)").click()
    assert download.value.suggested_filename == f"{SLUG}.zip"
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    with zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes())) as archive:
        assert {Path(name).parts[0] for name in archive.namelist()} == {SLUG}
        archive.extractall(content)
    assert cli(["validate", "--content", str(content)]) == 0, capsys.readouterr()
    clause = next((content / SLUG / "clauses").glob("*-3.1.md")).read_text(encoding="utf-8")
    assert clause.rstrip().endswith(CLAUSE_TEXT)


def test_saving_to_the_shared_content_folder_is_not_offered_by_default(app_page, protocol_docx):
    page = app_page("/import", H1)
    upload_and_preview(page, protocol_docx)
    main(page).get_by_role("button", name="Add to my session").wait_for()
    assert main(page).get_by_role("button", name="Save to the shared content folder").count() == 0
    assert "shared content folder" not in main(page).inner_text()


def test_a_file_over_the_upload_limit_is_refused_by_the_upload_box_and_nothing_is_added(app_page, tmp_path):
    big = tmp_path / "protocol.txt"
    big.write_bytes(b"1.1 Clause text.\n" * (6 * 1024 * 1024 // 17))
    page = app_page("/import", H1)
    name_the_council(page)
    main(page).locator('input[type="file"]').set_input_files(str(big))
    settle(page, H1)
    assert "File must be 5.0MB or smaller." in main(page).locator('[data-testid="stFileUploader"]').inner_text()
    read(page)
    main(page).get_by_role("alert").filter(has_text="No file was uploaded").wait_for()
    assert main(page).get_by_role("heading", name="Your imported councils").count() == 0


def test_the_page_with_a_preview_has_no_axe_violations(app_page, protocol_docx):
    page = app_page("/import", H1)
    upload_and_preview(page, protocol_docx)
    main(page).locator('[data-testid="stDataFrame"]').first.wait_for()
    assert_no_exception(page)
    assert_no_axe_violations(page, "preview shown")


def test_the_page_with_an_error_has_no_axe_violations(app_page, tmp_path):
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(fx.image_only_pdf())
    page = app_page("/import", H1)
    name_the_council(page)
    main(page).locator('input[type="file"]').set_input_files(str(scan))
    settle(page, H1)
    read(page)
    main(page).get_by_text("it needs OCR").wait_for()
    assert "Nothing was added." in main(page).get_by_role("alert").first.inner_text()
    assert_no_axe_violations(page, "error shown")


def test_the_page_with_an_imported_council_has_no_axe_violations(app_page, protocol_docx):
    page = app_page("/import", H1)
    upload_and_preview(page, protocol_docx)
    main(page).get_by_role("button", name="Add to my session").click()
    settle(page, H1)
    main(page).locator('[data-testid="stExpander"] summary', has_text="Still to write").click()
    main(page).get_by_role("link", name="A councillor is unhappy with an officer").first.wait_for()
    assert_no_axe_violations(page, "imported council with its checklist open")
