"""The review pack: the Word and PDF files open, and hold the summary, every change and the gaps."""

import io
import re
from dataclasses import replace

import pytest
from docx import Document
from pypdf import PdfReader

import logic.export
from logic.decisions import ParameterError
from logic.overlay import with_councils
from logic.redline import CHANGE_LABELS, CHANGES
from logic.review import build_review
from logic.review_pack import MARKERS, filename, pack_parts, review_pack
from tests.review_revisions import revise

FOOTER = re.compile(r"Protocol review: [^\n]*page \d+ of \d+")


@pytest.fixture(scope="module")
def draft_review(model):
    revision = revise(model.corpus.councils["maldon"], 1)
    held = with_councils(model, [revision.council])
    return held, build_review(held, "maldon", revision.council.slug)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _docx_text(data: bytes) -> tuple[str, Document]:
    document = Document(io.BytesIO(data))
    paragraphs = [p.text for p in document.paragraphs]
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return _flat(" ".join(paragraphs + cells)), document


def _pdf_text(data: bytes) -> str:
    """The pages' text run together, without the page footers (which may fall inside a clause)."""
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
    return _flat(" ".join(FOOTER.sub(" ", page) for page in pages))


def _expected_headings(review) -> list[str]:
    """What the pack must say for every change of the redline (renumbered ones are in a table)."""
    out = []
    for pair in review.redline.pairs:
        if pair.change in ("changed", "moved"):
            out.append(f"{CHANGE_LABELS[pair.change]}: old {pair.old.number} → new {pair.new.number}")
        elif pair.change == "added":
            out.append(f"Added: new {pair.new.number}")
        elif pair.change == "removed":
            out.append(f"Removed: old {pair.old.number}")
        elif pair.change == "split":
            out.append(f"Split: old {pair.old.number} → new")
        elif pair.change == "merged":
            out.append(f"→ new {pair.new.number}")
    return out


def _marked_words(review) -> list[str]:
    return [_flat(f"{MARKERS['inserted' if op == 'insert' else 'deleted'][0]}{text.strip()}]")
            for pair in review.redline.pairs for op, text in pair.diff if op != "equal"]


def test_the_word_pack_opens_and_holds_the_summary_and_every_change(draft_review):
    held, review = draft_review
    text, document = _docx_text(review_pack(held, review, "docx"))
    summary = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert summary == [["Change", "Clauses"], *([CHANGE_LABELS[c], str(review.redline.summary()[c])] for c in CHANGES)]
    assert f"Protocol review: {review.new.name}" in text and "Old version: Maldon District Council" in text
    for heading in _expected_headings(review):
        assert heading in text
    for marked in _marked_words(review):
        assert marked in text
    renumbered = document.tables[1]
    assert [(r.cells[0].text, r.cells[1].text) for r in renumbered.rows][1:] == [
        (p.old.number, p.new.number) for p in review.redline.of_kind("renumbered")]


def test_the_word_pack_marks_changes_by_formatting_as_well_as_words(draft_review):
    held, review = draft_review
    _, document = _docx_text(review_pack(held, review, "docx"))
    runs = [run for p in document.paragraphs for run in p.runs]
    underlined = {run.text for run in runs if run.font.underline}
    struck = {run.text for run in runs if run.font.strike}
    inserted = {text.strip() for p in review.redline.pairs for op, text in p.diff if op == "insert"}
    deleted = {text.strip() for p in review.redline.pairs for op, text in p.diff if op == "delete"}
    assert inserted <= underlined and deleted <= struck
    assert document.core_properties.title == f"Protocol review: {review.new.name}"


def test_the_pdf_pack_opens_and_holds_the_summary_every_change_and_the_gaps(draft_review):
    held, review = draft_review
    text = _pdf_text(review_pack(held, review, "pdf"))
    assert "Summary" in text and all(f"{CHANGE_LABELS[c]} {n}" in text for c, n in review.redline.summary().items())
    for heading in _expected_headings(review):
        assert heading in text
    for marked in _marked_words(review):
        assert marked in text
    for gap in review.gaps.gaps:
        assert gap.label in text
        quoted = gap.model_wording[0].clause
        assert _flat(quoted.text)[:80] in text and quoted.id in text


def test_the_pack_says_why_decisions_were_not_compared_for_a_draft_without_rules(draft_review):
    held, review = draft_review
    text = " ".join(part.text for part in pack_parts(held, review))
    assert "has no routes or rules written yet" in text
    assert "Decision answers that change" in text


def test_a_pack_of_two_councils_lists_the_decision_changes_and_quotes_the_cited_clauses(model):
    review = build_review(model, "maldon", "thurrock")
    text, _ = _docx_text(review_pack(model, review, "docx"))
    assert "Decision answers that change" in text and "Clauses cited" in text
    assert "A councillor is unhappy with an officer" in text
    for clause in review.cited_clauses(model.corpus)[:10]:
        assert clause.id in text and _flat(clause.text)[:60] in text


def test_the_pdf_pack_builds_without_dejavu_spelling_characters_in_latin_1(draft_review, monkeypatch, tmp_path):
    held, review = draft_review
    monkeypatch.setattr(logic.export, "DEJAVU", tmp_path / "missing.ttf")
    text = _pdf_text(review_pack(held, review, "pdf"))
    changed = review.redline.of_kind("changed")[0]
    assert f"Changed: old {changed.old.number} -> new {changed.new.number}" in text
    assert all(marked in text for marked in _marked_words(review) if marked.isascii())


def test_control_characters_from_an_imported_file_do_not_break_the_word_pack(model):
    maldon = model.corpus.councils["maldon"]
    clauses = [replace(c, id=f"maldon-ctrl:{c.number}", council="maldon-ctrl") for c in maldon.clauses]
    clauses[0] = replace(clauses[0], text="Bell\x07 and form\x0cfeed " + clauses[0].text)
    draft = replace(maldon, slug="maldon-ctrl", name="Maldon draft\x1b", clauses=tuple(clauses), folder=None)
    held = with_councils(model, [draft])
    text, _ = _docx_text(review_pack(held, build_review(held, "maldon", "maldon-ctrl"), "docx"))
    assert "[inserted: Bell and form feed]" in text and "Protocol review: Maldon draft" in text


def test_an_unknown_pack_format_is_refused(draft_review):
    held, review = draft_review
    with pytest.raises(ParameterError, match="choose one of: docx, pdf"):
        review_pack(held, review, "odt")


def test_the_pack_file_name_names_both_versions_and_the_date(draft_review):
    _, review = draft_review
    assert filename(review, "pdf") == f"review-maldon-to-{review.new.slug}-{review.date.isoformat()}.pdf"


def test_the_word_pack_can_carry_the_redline_as_tracked_changes(draft_review):
    held, review = draft_review
    document = Document(io.BytesIO(review_pack(held, review, "docx", tracked_changes=True)))
    body = document.element.body
    namespace = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}

    def revisions(kind, text_tag):
        return ["".join(t.text for t in change.iterfind(f".//w:{text_tag}", namespace))
                for change in body.iterfind(f".//w:{kind}", namespace)]

    inserted, deleted = revisions("ins", "t"), revisions("del", "delText")
    diff = [(op, text.strip()) for pair in review.redline.pairs for op, text in pair.diff if op != "equal"]
    assert inserted == [text for op, text in diff if op == "insert"]
    assert deleted == [text for op, text in diff if op == "delete"]
    text = " ".join(p.text for p in document.paragraphs)
    assert "[inserted:" not in text and "Word tracked changes" in text


def test_tracked_changes_are_refused_for_a_pdf(draft_review):
    held, review = draft_review
    with pytest.raises(ParameterError, match="only in the Word"):
        review_pack(held, review, "pdf", tracked_changes=True)
