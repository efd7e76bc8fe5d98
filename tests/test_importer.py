"""Importing a protocol: clause numbers, wording and layout repair, anomalies, suggestions, content folders.

The main measure is *sequence agreement*: the clause numbers an import finds against the curated
numbers of the same council, in order. Both sequences are compared with difflib's matching blocks
(numbers matched in order, divided by the longer sequence's length); an appended document's prefix is
written as "+" on both sides, so Maldon's curated ``dr-2.2`` meets the importer's ``a2-2.2`` but not
``2.2``. Each of the five raw sources is imported as published and in the layouts councils' documents
really come in (re-wrapped, CRLF, paged with running headers and "Page N of M" footers with and without
form feeds, a contents list in front, an HTML ordered list pasted from a web page, quotation and
preamble paragraphs); every figure must be at least 0.95. ``pytest -s -k agreement_report`` prints them.
"""

from __future__ import annotations

import difflib
import io
import re
import shutil
import textwrap
import zipfile
from collections import Counter
from functools import cache, lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logic.cli import main
from logic.content import NUMBER_RE, ContentError, Corpus, load_corpus
from logic.importer import (
    VOCABULARY_FILES,
    ImportProblem,
    content_folder_files,
    content_folder_zip,
    import_bytes,
    import_text,
    to_council,
    with_edits,
    write_content_folder,
)
from logic.segment import segment
from logic.suggest import suggest_titles

ROOT = Path(__file__).resolve().parent.parent
COUNCILS = ("maldon", "thurrock", "parish", "county", "allerdale")
QUOTATION = "“Members and officers must treat each other with respect,” as the national code puts it."
PREAMBLE = "This protocol was adopted by the Council on 1 April 2020 and replaces all earlier guidance."
_PREFIX = re.compile(r"^[a-z][a-z0-9]*-")
_MARKER_LINE = re.compile(r"^\s*(?:[-#*]+\s*)?(?:\d+(?:\.\d+)*\.?\s|\(?[a-z]\)|[\u2022\uf0b7])")
_WORDS = re.compile(r"[^\W\d_]+")


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load_corpus()


@lru_cache(maxsize=1)
def _corpus() -> Corpus:
    return load_corpus()


def source(slug: str) -> str:
    return _corpus().councils[slug].source_text()


def curated_numbers(slug: str) -> list[str]:
    return [c.number for c in _corpus().councils[slug].clauses]


def agreement(found: list[str], curated: list[str]) -> float:
    """Numbers matched in order over the longer sequence; an appended document's prefix counts as "+"."""
    found = [_PREFIX.sub("+", n) for n in found]
    curated = [_PREFIX.sub("+", n) for n in curated]
    matcher = difflib.SequenceMatcher(None, found, curated, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / max(len(found), len(curated), 1)


# ---------------------------------------------------------------- layouts councils' documents come in


def crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


def rewrapped(text: str, width: int = 55) -> str:
    """Body lines re-flowed at ``width`` columns; short lines, blank lines and numbered starts kept."""
    out: list[str] = []
    run: list[str] = []

    def flush():
        if run:
            out.extend(textwrap.wrap(" ".join(run), width))
            run.clear()

    for line in text.split("\n"):
        if _MARKER_LINE.match(line):
            flush()
        if not line.strip():
            flush()
            out.append(line)
        elif len(line.strip()) >= 45:
            run.append(line.strip())
        elif run:
            run.append(line.strip())
            flush()
        else:
            out.append(line)
    flush()
    return "\n".join(out)


def paged(text: str, name: str, lines_per_page: int = 40, form_feeds: bool = True) -> str:
    """A running header and a "Page N of M" footer on every page, pages split by form feeds or not."""
    lines = text.split("\n")
    pages = [lines[i:i + lines_per_page] for i in range(0, len(lines), lines_per_page)]
    return ("\f" if form_feeds else "\n").join(
        "\n".join([f"{name} – Member/Officer Protocol", "", *page, "", f"Page {n} of {len(pages)}"])
        for n, page in enumerate(pages, 1))


def with_contents(slug: str, text: str, page_numbers: bool = True) -> str:
    lines = ["Contents", ""]
    for page, section in enumerate(_corpus().councils[slug].sections, 2):
        entry = f"{_PREFIX.sub('', section.number)}. {section.title}"
        lines.append(f"{entry} {'.' * 12} {page}" if page_numbers else entry)
    return "\n".join(lines) + "\n\n" + text


def html_ordered_list(slug: str) -> str:
    """The curated protocol as a web page's <ol> pastes: each section's paragraphs numbered again from 1."""
    council = _corpus().councils[slug]
    lines: list[str] = []
    section = None
    for clause in council.clauses:
        if clause.section != section:
            section = clause.section
            if clause.title and clause.number.startswith("dr-1."):
                lines += ["", clause.title.upper()]  # Maldon's appended dispute procedure
            lines += ["", f"{_PREFIX.sub('', section)}. {clause.section_title}"]
        number = _PREFIX.sub("", clause.number)
        nested = re.match(r"^\d+\.(\d+(?:\.\d+)*)$", number)
        if nested:
            levels = nested.group(1).split(".")
            lines.append("   " * (len(levels) - 1) + f"{levels[-1]}. {clause.text}")
        else:
            lines.append(clause.text)  # lettered clauses (Allerdale 3 and 4) are printed with their letter
    return "\n".join(lines)


def _after_first_paragraph_of(text: str, number: str, insert: str) -> str:
    """``insert`` as an unnumbered paragraph after the paragraph that opens with ``number``."""
    start = re.search(rf"(?m)^[ #*-]*{re.escape(number)}\.?\s", text).start()
    end = re.search(r"\n[ \t]*\n", text[start:]).start() + start
    return text[:end] + f"\n\n{insert}\n" + text[end:]


def with_quotation(slug: str, text: str) -> str:
    return _after_first_paragraph_of(text, QUOTED_IN[slug], QUOTATION)


def with_preamble(text: str) -> str:
    first = re.search(r"(?m)^[ #*-]*1\.?\d*\.?\s", text).start()
    return text[:first] + f"\n{PREAMBLE}\n\n" + text[first:]


QUOTED_IN = {"maldon": "2.1", "thurrock": "2.1", "parish": "1.2", "county": "1.2", "allerdale": "1.2"}


def layout(slug: str, variant: str) -> str:
    text, name = source(slug), _corpus().councils[slug].short_name
    return {
        "as published": lambda: text,
        "CRLF": lambda: crlf(text),
        "re-wrapped": lambda: rewrapped(text),
        "paged, form feeds": lambda: paged(text, name),
        "paged, no form feeds": lambda: paged(text, name, form_feeds=False),
        "contents list": lambda: with_contents(slug, text),
        "contents, no page numbers": lambda: with_contents(slug, text, page_numbers=False),
        "HTML ordered list": lambda: html_ordered_list(slug),
        "quotation paragraph": lambda: with_quotation(slug, text),
        "preamble": lambda: with_preamble(text),
        "all at once": lambda: with_contents(slug, paged(crlf(rewrapped(text)), name)),
    }[variant]()


VARIANTS = ("as published", "CRLF", "re-wrapped", "paged, form feeds", "paged, no form feeds", "contents list",
            "contents, no page numbers", "HTML ordered list", "quotation paragraph", "preamble", "all at once")


@cache
def imported_numbers(slug: str, variant: str) -> tuple[str, ...]:
    return tuple(c.number for c in segment(layout(slug, variant)).clauses)


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("slug", COUNCILS)
def test_import_reproduces_the_curated_clause_numbers_in_order(slug, variant):
    figure = agreement(list(imported_numbers(slug, variant)), curated_numbers(slug))
    assert figure >= 0.95, f"{slug}, {variant}: sequence agreement {figure:.3f}"


def test_agreement_report(capsys):
    """The figures per council and layout (run with -s to see them)."""
    rows = {slug: {v: agreement(list(imported_numbers(slug, v)), curated_numbers(slug)) for v in VARIANTS}
            for slug in COUNCILS}
    with capsys.disabled():
        print("\nsequence agreement of imported clause numbers with the curated ones")
        for slug, figures in rows.items():
            print(f"  {slug:<10} " + "  ".join(f"{v}: {f:.3f}" for v, f in figures.items()))
    assert min(f for figures in rows.values() for f in figures.values()) >= 0.95


# ---------------------------------------------------------------- wording kept, layout repaired


@pytest.mark.parametrize("slug", COUNCILS)
def test_clause_text_is_the_source_wording_in_order_and_nothing_is_dropped(slug):
    text = source(slug)
    found = segment(text)
    source_words = _WORDS.findall(text)
    clause_words = [w for clause in found.clauses for w in _WORDS.findall(clause.text)]
    remaining = iter(source_words)
    assert all(word in remaining for word in clause_words), "a clause holds words not in the source, or reordered"
    pieces = [found.title, *(s.title for s in found.sections), *(c.title for c in found.clauses),
              *(c.text for c in found.clauses)]
    missing = Counter(source_words) - Counter(w for piece in pieces for w in _WORDS.findall(piece))
    assert not missing, f"words of the source in no clause, title or heading: {dict(missing)}"


@pytest.mark.parametrize("slug", COUNCILS)
def test_imported_text_matches_the_curated_clauses_word_for_word(slug, corpus):
    """Apart from the curators' recorded repairs (run-together words split, dropped hyphens restored)."""
    def words(text):
        return re.sub(r"(?m)^- ", "", text.replace("’", "'")).split()

    curated = {_PREFIX.sub("+", c.number): c for c in corpus.councils[slug].clauses}
    found = segment(source(slug)).clauses
    differing = [c.number for c in found if words(c.text) != words(curated[_PREFIX.sub("+", c.number)].text)]
    repaired = {c.number for c in corpus.councils[slug].clauses if re.search(r"repair|split|restored", c.note, re.I)}
    assert set(differing) <= repaired


def test_layout_repair_joins_wrapped_lines_and_keeps_lists_and_paragraphs():
    clauses = {c.number: c for c in segment(source("maldon")).clauses}
    assert clauses["1.1"].text.startswith("This protocol has been produced to assist the working relationship "
                                          "between Members and Officers. Whilst the vast bulk")
    parish = {c.number: c for c in segment(source("parish")).clauses}
    assert parish["3.1"].text == (
        "Councillors have four main areas of responsibility:\n\n- To determine council policy and provide community "
        "leadership;\n- To monitor and review council performance in delivering services;\n- To represent the "
        "council externally; and\n- To act as advocates for their constituents.")
    assert parish["2.1"].text.startswith("The respective roles of Councillors and employees can be summarised as "
                                         "follows:\n\nCouncillors and Officers are servants of the public")


def test_crlf_and_page_furniture_leave_no_trace_in_the_clauses():
    found = segment(layout("county", "all at once"))
    text = "\n".join(c.text for c in found.clauses)
    assert "\r" not in text and "Page " not in text and "Member/Officer Protocol" not in text
    assert {c.number: c.text for c in found.clauses}["1.4"] == {c.number: c.text for c in
                                                              segment(source("county")).clauses}["1.4"]


def test_hyphen_is_dropped_only_where_it_is_clearly_a_line_break():
    text = ("1. Rules\n1.1 The government of the council is shared. Local govern-\nment depends on trust.\n"
            "1.2 Members take part in pre-\napplication talks with the Sub-\nCommittee.\n")
    clauses = {c.number: c.text for c in segment(text).clauses}
    assert "Local government depends on trust." in clauses["1.1"]
    assert "pre-application talks with the Sub-Committee." in clauses["1.2"]


def test_numbering_schemes_real_protocols_use():
    text = ("PROTOCOL\n\n1.\tIntroduction\n1.1\tThis protocol applies to all members.\n1.2      Officers must be "
            "courteous.\n1.2.1It applies at meetings too.\n1.2.2.\n\nAnd by email, within\n10 working days of "
            "receipt.\n2. Roles\n2.1 Members lead. See paragraph\n1.2 above for more.\n2.2 (a) they set policy;\n"
            "(b) they represent residents:\n(i) individuals; and\n(ii) groups.\n")
    clauses = {c.number: c.text for c in segment(text).clauses}
    assert list(clauses) == ["1.1", "1.2", "1.2.1", "1.2.2", "2.1", "2.2"]
    assert clauses["1.2.1"] == "It applies at meetings too."
    assert clauses["1.2.2"] == "And by email, within 10 working days of receipt."
    assert clauses["2.1"] == "Members lead. See paragraph 1.2 above for more."
    assert clauses["2.2"].endswith("(i) individuals; and\n(ii) groups.")


def test_lettered_items_stay_in_their_clause_unless_the_section_has_only_letters():
    allerdale = {c.number: c for c in segment(source("allerdale")).clauses}
    assert "g) Officers should not approach Members" in allerdale["2.1"].text
    assert allerdale["3(a)"].text.startswith("a) Members provide the political direction")
    assert allerdale["3(i)"].section == "3" and allerdale["4(h)"].section == "4"
    thurrock = {c.number: c for c in segment(source("thurrock")).clauses}
    assert "(j) A commitment to non adversarial working and dispute resolution" in thurrock["3.1"].text
    assert "3.1(a)" not in thurrock


def test_headings_become_sections_and_titles_as_printed():
    county = segment(source("county"))
    sections = {s.number: s.title for s in county.sections}
    assert sections["3"] == "Officer advice to party groups"  # printed after the number 3.1
    assert sections["5"] == "Members’ access to information and to County Council documents"  # over two lines
    assert county.title == "Part 4 Appendix D - Protocol for Member/Officer Relations"
    thurrock = segment(source("thurrock"))
    assert {s.number: s.title for s in thurrock.sections}["8"] == "Members' Enquiries"  # stray ** dropped
    titles = {c.number: c.title for c in thurrock.clauses}
    assert titles["11.4"] == "Managing and Enhancing the Reputation of the Council"


def test_appended_document_restarting_at_1_gets_a_prefix_and_its_title():
    found = segment(source("maldon"))
    numbers = [c.number for c in found.clauses]
    assert numbers[numbers.index("15.1") + 1:] == ["a2-1.1", "a2-1.2", "a2-2.1", "a2-2.2", "a2-2.3", "a2-3.1",
                                                   "a2-4.1", "a2-4.2", "a2-4.3", "a2-5.1"]
    assert found.clauses[numbers.index("a2-1.1")].title.startswith("MEMBER/OFFICER RELATIONS – A PROCEDURE")
    assert {s.number: s.title for s in found.sections}["a2-3"] == "Members’ complaints about Officers"
    assert [a.kind for a in found.anomalies] == ["restart"]


def test_quotation_and_preamble_paragraphs_stay_where_they_belong():
    found = segment(layout("county", "quotation paragraph"))
    assert QUOTATION in {c.number: c.text for c in found.clauses}["1.2"]
    found = segment(layout("county", "preamble"))
    assert all(PREAMBLE not in c.text for c in found.clauses)
    assert [a.kind for a in found.anomalies] == ["text-before-first-number"]


def test_html_ordered_list_restarting_under_each_heading_reads_as_nested_numbers():
    found = segment("1. Introduction\n1. This protocol applies.\n2. It covers:\n(a) members;\n(b) officers.\n"
                    "2. Roles\n1. Members lead.\n2. Officers advise.\n")
    assert [(c.section, c.number) for c in found.clauses] == [("1", "1.1"), ("1", "1.2"), ("2", "2.1"), ("2", "2.2")]
    assert any(a.kind == "restart" and "restart at 1 under each numbered heading" in a.message
               for a in found.anomalies)


def test_numbers_printed_apart_from_their_text_are_reconstructed_and_reported():
    found = segment(source("parish"))
    clauses = {c.number: c for c in found.clauses}
    assert clauses["6.1"].text.startswith("The operation of political groups")
    assert clauses["6.3"].text.startswith("If your council has adopted party political groupings")
    assert clauses["7.3"].text.startswith("If a Councillor is dissatisfied")
    assert "reconstructed" in clauses["6.1"].note and "apart from its text" in clauses["6.3"].note
    kinds = [a.kind for a in found.anomalies]
    assert kinds == ["reconstructed-numbering"]


# ---------------------------------------------------------------- anomalies


def test_planted_gap_and_repeat_are_reported():
    text = source("allerdale")
    text = re.sub(r"(?m)^1\.3 ", "1.4 ", text.replace("\n1.4 ", "\n1.5 ", 1), count=1)  # 1.3 repeated as 1.4...
    text = text.replace("\n7.2 ", "\n7.4 ")  # ... and 7.3 follows 7.4: 7.2 missing
    found = segment(text)
    messages = {a.kind: a.message for a in found.anomalies}
    assert "numbering-repeat" in messages or "numbering-gap" in messages
    gaps = [a.message for a in found.anomalies if a.kind == "numbering-gap"]
    assert any("from 7.1 to 7.4" in m for m in gaps)


def test_repeated_number_is_reported_and_its_text_kept():
    found = segment("1. Rules\n1.1 First rule.\n1.2 Second rule.\n1.2 Second rule again.\n1.3 Third rule.\n")
    assert [c.number for c in found.clauses] == ["1.1", "1.2", "1.3"]
    assert found.clauses[1].text == "Second rule.\n\nSecond rule again."
    assert [(a.kind, a.where) for a in found.anomalies] == [("numbering-repeat", "line 4")]


def test_gap_in_numbering_is_reported():
    found = segment("1. Rules\n1.1 First rule.\n1.3 Third rule.\n")
    assert [c.number for c in found.clauses] == ["1.1", "1.3"]
    assert [a.message for a in found.anomalies] == ["Numbering jumps from 1.1 to 1.3; 1 number(s) missing."]


def test_contents_list_and_page_furniture_are_reported():
    kinds = {a.kind for a in segment(layout("thurrock", "all at once")).anomalies}
    assert {"contents-list", "removed-header-footer"} <= kinds
    message = next(a.message for a in segment(layout("thurrock", "paged, form feeds")).anomalies
                   if a.kind == "removed-header-footer")
    assert "'Thurrock – Member/Officer Protocol'" in message and "'Page 1 of" in message


def test_unnumbered_heading_followed_by_text_is_kept_and_reported():
    found = segment("1. Rules\n\n1.1 First rule applies here.\n\nA Side Note\n\nIt continues here.\n\n1.2 Next.\n")
    assert found.clauses[0].text == "First rule applies here.\n\nA Side Note\n\nIt continues here."
    assert [a.kind for a in found.anomalies] == ["unnumbered-heading"]


# ---------------------------------------------------------------- suggestions


def test_topics_for_a_clause_copied_from_thurrock_complaints_put_complaints_about_officers_first(corpus):
    copied = corpus.clauses_by_id["thurrock:13.1"].text
    result = import_text(f"1. Complaints\n1.1 {copied}\n", slug="copy", name="Copy Council", corpus=corpus)
    assert result.clauses[0].topics[0] == "complaints-about-officers"
    assert result.clauses[0].confidence >= 0.5


def test_topic_confidence_is_low_for_text_unlike_any_tagged_clause(corpus):
    text = "1. Car parks\n1.1 The car park barrier opens at seven and the tariff is shown on the machine.\n"
    clause = import_text(text, slug="park", name="Park Council", corpus=corpus).clauses[0]
    assert clause.topics and clause.confidence < 0.2


def test_topics_suggested_from_the_other_councils_mostly_match_the_curators(corpus):
    """Leave-one-out: Allerdale's clauses tagged from the other four councils alone."""
    others = Corpus(corpus.root, {k: v for k, v in corpus.councils.items() if k != "allerdale"}, corpus.topics,
                    corpus.roles, corpus.glossary, corpus.synonyms, corpus.clauses_by_id)
    result = import_text(source("allerdale"), slug="test-allerdale", name="Allerdale", corpus=others)
    curated = {c.number: set(c.topics) for c in corpus.councils["allerdale"].clauses}
    hits = sum(1 for c in result.clauses if c.topics[0] in curated[c.number])
    assert hits / len(result.clauses) >= 0.55


def test_title_suggestions_are_titles_printed_in_the_text(corpus):
    others = Corpus(corpus.root, {k: v for k, v in corpus.councils.items() if k != "allerdale"}, corpus.topics,
                    corpus.roles, corpus.glossary, corpus.synonyms, corpus.clauses_by_id)
    titles = suggest_titles(source("allerdale"), others)
    assert titles["corporate-director"] == "Corporate Director" and titles["head-of-service"] == "Head of Service"
    assert titles["s151-officer"] == "Chief Financial Officer"
    assert "line-manager" not in titles  # "Marketing Manager" is another title, not a line manager
    for slug in COUNCILS:
        flat = " ".join(source(slug).split())
        assert all(title in flat for title in suggest_titles(source(slug), corpus).values())


# ---------------------------------------------------------------- the API around a result


def test_import_text_refuses_bad_input_with_one_sentence(corpus):
    for text, slug, name, fragment in (("", "ok", "Ok", "no text"), ("No numbers at all.", "ok", "Ok", "numbered"),
                                       ("1.1 Text.", "Bad Slug", "Ok", "short name"), ("1.1 Text.", "ok", " ", "name")):
        with pytest.raises(ImportProblem) as caught:
            import_text(text, slug=slug, name=name, corpus=corpus)
        assert fragment in caught.value.args[0] and "\n" not in caught.value.args[0]


def test_import_bytes_reads_text_and_markdown_through_extraction(corpus):
    result = import_bytes(source("thurrock").encode("utf-8"), "protocol.md", slug="md", name="Md Council",
                          corpus=corpus)
    assert result.source_format == "markdown" and len(result.clauses) == 53
    with pytest.raises(ImportProblem):
        import_bytes(b"\x00\x01\x02binary" * 100, "protocol.txt", slug="b", name="B", corpus=corpus)


def test_import_bytes_reads_word_automatic_numbering_and_a_paged_pdf(corpus):
    from tests import doc_fixtures

    word = import_bytes(doc_fixtures.numbered_docx(), "protocol.docx", slug="w", name="W Council", corpus=corpus)
    assert [c.number for c in word.clauses][:6] == ["1.1", "1.2", "2.1", "2.2", "2.3", "3.1"]
    assert word.source_format == "docx" and "tracked-changes" in {a.kind for a in word.anomalies}
    pdf = import_bytes(doc_fixtures.paged_pdf(doc_fixtures.seed_paragraphs()), "protocol.pdf", slug="p",
                       name="P Council", corpus=corpus)
    assert agreement([c.number for c in pdf.clauses], curated_numbers("county")) >= 0.95


def test_with_edits_replaces_topics_and_marks_them_accepted(corpus):
    result = import_text(source("parish"), slug="p2", name="P Council", corpus=corpus)
    edited = with_edits(result, {"1.1": ("confidentiality", "confidentiality")})
    assert edited.clauses[0].topics == ("confidentiality",) and edited.clauses[0].confidence == 1.0
    assert edited.clauses[1] == result.clauses[1]
    with pytest.raises(ImportProblem):
        with_edits(result, {"9.9": ("confidentiality",)})
    with pytest.raises(ImportProblem):
        with_edits(result, {"1.1": ()})


def test_to_council_is_validated_like_a_loaded_council(corpus):
    result = import_text(source("maldon"), slug="maldon-draft", name="Maldon District Council", corpus=corpus)
    council = to_council(result, corpus)
    assert council.short_name == "Maldon" and council.kind == "District council"
    assert council.clauses[0].id == "maldon-draft:1.1" and council.clauses[-1].id == "maldon-draft:a2-5.1"
    assert any("not reviewed" in note for note in council.editorial_notes)
    with pytest.raises(ContentError) as caught:
        to_council(with_edits(result, {"1.1": ("no-such-topic",)}), corpus)
    assert "unknown topic 'no-such-topic'" in str(caught.value)


def _vocabulary_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    folder.mkdir()
    for name in VOCABULARY_FILES:
        shutil.copyfile(ROOT / "content" / name, folder / name)
    return folder


@pytest.mark.parametrize("slug", COUNCILS)
def test_content_folder_zip_passes_validate_beside_the_shared_vocabularies(slug, corpus, tmp_path, capsys):
    result = import_text(source(slug), slug=f"imported-{slug}", name=f"{slug.title()} Council", corpus=corpus)
    folder = _vocabulary_dir(tmp_path)
    with zipfile.ZipFile(io.BytesIO(content_folder_zip(result, corpus))) as archive:
        assert all(name.startswith(f"imported-{slug}/") for name in archive.namelist())
        archive.extractall(folder)
    assert main(["validate", "--content", str(folder)]) == 0, capsys.readouterr()
    loaded = load_corpus(folder).councils[f"imported-{slug}"]
    in_memory = to_council(result, corpus)
    assert [(c.id, c.section, c.topics, c.text, c.title) for c in loaded.clauses] == \
           [(c.id, c.section, c.topics, c.text, c.title) for c in in_memory.clauses]
    assert (folder / f"imported-{slug}" / "source.txt").read_text(encoding="utf-8") == source(slug)


def test_generated_rules_answer_every_catalogue_entry_not_covered(corpus):
    result = import_text(source("parish"), slug="p3", name="P Council", corpus=corpus)
    files = content_folder_files(result, corpus)
    import yaml

    routes, rules = yaml.safe_load(files["routes.yaml"]), yaml.safe_load(files["rules.yaml"])
    assert set(routes) == set(yaml.safe_load((ROOT / "content" / "route-catalogue.yaml").read_text()))
    assert set(rules) == set(yaml.safe_load((ROOT / "content" / "question-catalogue.yaml").read_text()))
    assert all(cases == [{"not_covered": cases[0]["not_covered"]}] for cases in routes.values())
    assert all(cases[0]["verdict"] == "not-covered" and "have not been written yet" in cases[0]["reasons"][0]
               for cases in rules.values())


def test_write_content_folder_refuses_to_overwrite_then_keeps_a_backup(corpus, tmp_path):
    folder = _vocabulary_dir(tmp_path)
    first = import_text(source("parish"), slug="ours", name="Our Council", corpus=corpus)
    target = write_content_folder(first, corpus, folder)
    assert target == folder / "ours" and load_corpus(folder).councils["ours"].clauses[0].id == "ours:1.1"
    second = import_text(source("allerdale"), slug="ours", name="Our Council", corpus=corpus)
    with pytest.raises(ImportProblem) as caught:
        write_content_folder(second, corpus, folder)
    assert "already exists" in caught.value.args[0]
    assert len(load_corpus(folder).councils["ours"].clauses) == 23
    write_content_folder(second, corpus, folder, overwrite=True)
    assert len(load_corpus(folder).councils["ours"].clauses) == 51
    backups = list((folder / ".backups").iterdir())
    assert len(backups) == 1 and backups[0].name.startswith("ours-")
    assert (backups[0] / "source.txt").read_text(encoding="utf-8") == source("parish")
    assert sorted(p.name for p in folder.iterdir() if p.is_dir()) == [".backups", "ours"]


@pytest.mark.parametrize("existing", [False, True])
def test_interrupted_save_leaves_no_partial_folder(corpus, tmp_path, monkeypatch, existing):
    folder = _vocabulary_dir(tmp_path)
    result = import_text(source("county"), slug="ours", name="Our Council", corpus=corpus)
    if existing:
        write_content_folder(import_text(source("parish"), slug="ours", name="Our Council", corpus=corpus),
                             corpus, folder)
    before = sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))
    written = []
    real_write = Path.write_bytes

    def failing_write(self, data):
        if len(written) == 5:
            raise OSError(28, "No space left on device")
        written.append(self)
        return real_write(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing_write)
    with pytest.raises(OSError):
        write_content_folder(result, corpus, folder, overwrite=existing)
    assert len(written) == 5
    assert sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) == before


# ---------------------------------------------------------------- hostile and odd input


def test_repeated_list_items_are_not_taken_for_page_furniture():
    text = "".join(f"1.{n} Rule {n}.\n(a) not applicable to parish councils\n" for n in range(1, 6))
    found = segment("1. Rules\n" + text)
    assert all(c.text.endswith("(a) not applicable to parish councils") for c in found.clauses)
    assert not found.anomalies


def test_anomalies_are_capped_per_kind():
    found = segment("1. Rules\n1.1 First rule.\n" + "\n".join("7." for _ in range(200)) + "\n1.2 Next.\n")
    unplaced = [a for a in found.anomalies if a.kind == "unplaced-paragraph"]
    assert len(unplaced) == 31 and unplaced[-1].message == "... and 170 more of the same kind."
    assert [c.number for c in found.clauses] == ["1.1", "1.2"]


_LINE = st.one_of(
    st.from_regex(r"\A(?:\d{1,2}(?:\.\d{1,2}){0,4}\.?|\([a-z]\)|[a-z]\)|[-•])?[ \t]{0,3}[A-Za-z ]{0,30}[.:;]?\Z"),
    st.sampled_from(["", " ", "\f", "Page 2 of 9", "CONTENTS", "PART 2", "1.", "(i)", "Introduction", "---", "**"]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_LINE, max_size=60))
def test_any_text_gives_valid_unique_clause_numbers_in_listed_sections(lines):
    found = segment("\n".join(lines))
    numbers = [c.number for c in found.clauses]
    assert len(numbers) == len(set(numbers))
    assert all(NUMBER_RE.match(n) for n in numbers)
    sections = {s.number for s in found.sections}
    assert all(c.section in sections and c.text.strip() for c in found.clauses)
