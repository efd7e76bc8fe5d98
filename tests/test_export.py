"""The induction handbook: the PDF read back with pypdf (title page, contents with the right page
numbers, running header and "Page N of M", headings kept with their text, clauses before the
glossary and the editorial notes, Unicode) and the Markdown saying the same things."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

import logic.export as export
from logic.export import (
    HANDBOOK_NAME,
    content_fingerprint,
    content_version,
    handbook_blocks,
    to_markdown,
    to_pdf,
)

GENERATED = dt.date(2025, 3, 3)
CONTENTS_LINE_RE = re.compile(r"^(?P<name>.+?) \.{2,} ?(?P<page>\d+)$")
FOOTER_RE = re.compile(r"^Page (\d+) of (\d+)$")


@dataclasses.dataclass
class Handbook:
    slug: str
    blocks: list
    pages: list[list[str]]  # each page's text lines
    reader: PdfReader

    def page_of(self, text: str) -> int:
        """1-based number of the first page after the contents with a line equal to ``text`` (or starting it)."""
        for number in range(3, len(self.pages) + 1):
            if any(line == text or line.startswith(text) for line in self.body_lines(number)):
                return number
        raise AssertionError(f"{text!r} not found in the {self.slug} handbook")

    def page_text(self, number: int) -> str:
        """A page's body text as one line (headings may wrap)."""
        return " ".join(self.body_lines(number))

    def body_lines(self, number: int) -> list[str]:
        """A page's lines without the running header and the footer."""
        return [line for line in self.pages[number - 1]
                if not FOOTER_RE.match(line) and not line.endswith(HANDBOOK_NAME)]


@pytest.fixture(scope="module", params=["thurrock", "maldon", "parish", "county", "allerdale"])
def handbook(request, corpus) -> Handbook:
    blocks = handbook_blocks(corpus, request.param, generated=GENERATED)
    reader = PdfReader(io.BytesIO(to_pdf(blocks)))
    return Handbook(request.param, blocks, [p.extract_text().splitlines() for p in reader.pages], reader)


def first_line(text: str) -> str:
    return " ".join(text.split())[:40]


def test_title_page_names_the_council_source_date_and_version(handbook, corpus):
    council = corpus.councils[handbook.slug]
    title_page = " ".join(handbook.pages[0])
    for expected in (council.name, council.source_title, HANDBOOK_NAME, "Generated 3 March 2025",
                     f"content fingerprint {content_fingerprint(council)}"):
        assert expected in title_page
    assert "adoption date not stated" in title_page  # no council's source states one
    assert not any(FOOTER_RE.match(line) for line in handbook.pages[0]), "the title page is numbered"
    assert len(handbook.body_lines(1)) < 12, "the title page holds more than the title"


def test_every_page_after_the_title_says_page_n_of_m_and_carries_the_running_header(handbook, corpus):
    total = len(handbook.pages)
    assert total > 5
    for number, lines in enumerate(handbook.pages[1:], 2):
        assert f"Page {number} of {total}" in lines, number
        assert any(corpus.councils[handbook.slug].name in line and line.endswith(HANDBOOK_NAME) for line in lines)


def test_contents_list_every_section_with_the_page_it_starts_on(handbook):
    entries = [m.groupdict() for m in map(CONTENTS_LINE_RE.match, handbook.body_lines(2)) if m]
    headings = [b.text for b in handbook.blocks if b.kind == "heading"]
    assert [e["name"] for e in entries] == headings
    assert headings[-2:] == ["Glossary", "Editorial notes and omissions"]
    for entry in entries:
        page = int(entry["page"])
        assert page >= 3
        assert entry["name"] in handbook.page_text(page), f"{entry['name']!r} is not on page {page}"
        assert handbook.page_of(entry["name"][:30]) == page  # its first page, not a later mention


def test_clauses_come_first_then_the_glossary_then_the_editorial_notes(handbook, corpus):
    council = corpus.councils[handbook.slug]
    first_clause = handbook.page_of(first_line(council.clauses[0].text))
    last_clause = handbook.page_of(first_line(council.clauses[-1].text))
    glossary = handbook.page_of("Glossary")
    notes = handbook.page_of("Editorial notes and omissions")
    assert first_clause == 3
    assert first_clause <= last_clause < glossary < notes
    text_after_notes = " ".join(" ".join(lines) for lines in handbook.pages[notes - 1:])
    everything_before = " ".join(" ".join(lines) for lines in handbook.pages[:notes - 1])
    for note in (*council.editorial_notes, *council.omissions, *(c.note for c in council.clauses if c.note)):
        assert first_line(note)[:30] in text_after_notes
        assert first_line(note)[:30] not in everything_before, f"editorial note before the end: {note[:60]}"


def test_no_heading_is_left_at_the_foot_of_a_page(handbook):
    headings = {b.text.replace("**", "") for b in handbook.blocks if b.kind in ("heading", "subheading")}
    for number in range(3, len(handbook.pages) + 1):
        lines = handbook.body_lines(number)
        assert lines and lines[-1] not in headings, f"page {number} ends with the heading {lines[-1]!r}"


def test_glossary_holds_exactly_the_terms_this_councils_clauses_use(handbook, corpus):
    council = corpus.councils[handbook.slug]
    ids = {c.id for c in council.clauses}
    expected = {g.term for g in corpus.glossary
                if any((clause := corpus.resolve(cite)) is not None and clause.id in ids for cite in g.clauses)}
    glossary_at = next(i for i, b in enumerate(handbook.blocks) if b.text == "Glossary")
    notes_at = next(i for i, b in enumerate(handbook.blocks) if b.text == "Editorial notes and omissions")
    terms = {b.text for b in handbook.blocks[glossary_at:notes_at] if b.kind == "subheading"}
    assert terms == expected and expected
    pages = " ".join(" ".join(lines) for lines in handbook.pages[handbook.page_of("Glossary") - 1:])
    for term in expected:
        assert term in pages


def test_pdf_metadata_title_and_language(handbook, corpus):
    council = corpus.councils[handbook.slug]
    assert handbook.reader.metadata.title == f"{council.name}: {council.source_title} ({HANDBOOK_NAME})"
    assert handbook.reader.trailer["/Root"]["/Lang"] == "en-GB"


def test_typographic_quotes_survive_into_the_pdf(corpus):
    clause = corpus.clauses_by_id["maldon:2.1"]
    assert "Council’s" in clause.text
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(to_pdf(handbook_blocks(corpus, "maldon"))))
                    .pages)
    assert "Council’s constitution" in " ".join(text.split())
    assert "Members’ Access to Information" in text


def test_without_dejavu_the_pdf_spells_typography_in_latin1(corpus, monkeypatch):
    monkeypatch.setattr(export, "DEJAVU", export.DEJAVU.with_name("missing.ttf"))
    reader = PdfReader(io.BytesIO(to_pdf(handbook_blocks(corpus, "maldon", generated=GENERATED))))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Council's constitution" in text
    assert "Page 2 of" in text


def test_markdown_says_what_the_pdf_says_in_the_same_order(corpus):
    blocks = handbook_blocks(corpus, "thurrock", generated=GENERATED)
    markdown = to_markdown(blocks)
    assert markdown.startswith("# Thurrock Council\n\n**Part 5 – Protocol for Member / Officer Relations**")
    for line in (HANDBOOK_NAME, "Generated 3 March 2025", content_version(corpus.councils["thurrock"])):
        assert f"\n{line}\n" in markdown
    contents = markdown.split("## Contents\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    headings = [b.text for b in blocks if b.kind == "heading"]
    assert contents == [f"- {h}" for h in headings]
    positions = [markdown.index(f"\n## {h}\n") for h in headings]
    assert positions == sorted(positions)
    assert markdown.index("Members should make any formal complaints about Officers") < markdown.index("\n## Glossary")
    assert markdown.index("\n## Glossary") < markdown.index("\n## Editorial notes and omissions")
    for note in corpus.councils["thurrock"].omissions:
        assert markdown.index(f"- {note}") > markdown.index("\n## Editorial notes and omissions")


def test_fingerprint_follows_the_clause_texts(corpus):
    council = corpus.councils["parish"]
    assert content_fingerprint(council) == content_fingerprint(council)
    changed = dataclasses.replace(council, clauses=(
        dataclasses.replace(council.clauses[0], text=council.clauses[0].text + " "), *council.clauses[1:]))
    assert content_fingerprint(changed) != content_fingerprint(council)
    assert len({content_fingerprint(c) for c in corpus.councils.values()}) == len(corpus.councils)


def test_a_stated_adoption_date_is_the_version(corpus):
    council = dataclasses.replace(corpus.councils["parish"], adopted="2019-05-14")
    assert content_version(council).startswith("Version: adopted 2019-05-14; content fingerprint ")


def test_documents_without_a_cover_stay_plain(model):
    from logic.scenarios import card_blocks

    reader = PdfReader(io.BytesIO(to_pdf(card_blocks(model, model.scenarios[0]))))
    text = reader.pages[0].extract_text()
    assert text.startswith(model.scenarios[0].title)
    assert "Page 1 of" not in text and "Contents" not in text
