"""Exports of the Compare page's tables carry a title, the date and the sources, and hold what the screen shows;
the ordering and lookup helpers behind "your council first" and the related clauses."""

import csv
import datetime as dt
import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from logic.compare import (
    GAP,
    GAP_IN_WORDS,
    NOT_COVERED,
    ExportAbout,
    answers_resting_on,
    clauses_on_topics,
    council_order,
    coverage,
    coverage_counts,
    differences,
    export,
    export_about,
    heatmap_cells,
    only_councils,
    pairs_between,
    shared_wording,
    side_by_side_table,
    source_line,
    to_csv,
    to_excel,
    to_markdown,
)

DAY = dt.date(2026, 3, 2)
ORDER = ["maldon", "allerdale", "county", "parish", "thurrock"]


@pytest.fixture(scope="module")
def heatmap(corpus):
    """The heatmap exactly as the page builds it for a Maldon visitor."""
    return heatmap_cells(only_councils(corpus, coverage_counts(corpus), council_order(corpus, corpus.councils,
                                                                                        "maldon")))


@pytest.fixture(scope="module")
def about(corpus):
    return export_about(corpus, "Coverage: topics by council", ORDER, notes=("Each cell counts clauses.",),
                        generated=DAY)


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_source_line_names_the_council_and_its_document(corpus):
    assert source_line(corpus, "maldon") == (
        "Maldon District Council: “Protocol on Member / Officer Relations” (adoption date not stated)")


def test_export_about_lists_the_councils_sources_in_the_order_shown(corpus, about):
    assert about.title == "Coverage: topics by council" and about.generated == DAY
    assert [line.split(":")[0] for line in about.sources] == [corpus.councils[s].name for s in ORDER]
    assert about.rows()[:3] == [["Coverage: topics by council"], ["Generated", "2 March 2026 by Protocol Explorer"],
                                ["Source", source_line(corpus, "maldon")]]
    assert about.rows()[-1] == ["Note", "Each cell counts clauses."]


def test_export_about_defaults_to_today(corpus):
    assert export_about(corpus, "T", ["maldon"]).generated == dt.date.today()


def test_coverage_csv_has_title_date_sources_then_the_heatmap_cells(heatmap, about, corpus):
    rows = _csv_rows(export(heatmap, "csv", about.title, about))
    preamble = len(about.rows())
    assert rows[:preamble] == about.rows()
    assert rows[preamble] == []  # a blank row, then the table
    table = rows[preamble + 1:]
    assert table[0] == ["Topic", "Maldon", "Allerdale", "County", "Parish", "Thurrock"]
    assert table[1:] == heatmap.astype(str).values.tolist()
    ceremonial = next(row for row in table if row[0] == "Ceremonial and civic events")
    assert ceremonial[1:] == [GAP, GAP, "5 clauses", GAP, GAP]
    # Counts and gaps as on the screen, never clause ids or "not covered".
    body = " ".join(" ".join(row) for row in table)
    assert "maldon:" not in body and NOT_COVERED not in body


def test_coverage_counts_match_the_tagged_clauses(corpus, heatmap):
    table = coverage(corpus)
    for _, row in heatmap.iterrows():
        slug = next(t for t, topic in corpus.topics.items() if topic.label == row["Topic"])
        for council in ORDER:
            n = len(table[slug][council])
            assert row[corpus.councils[council].short_name] == (f"{n} clause{'s' * (n != 1)}" if n else GAP)


def test_markdown_export_opens_with_heading_date_sources_and_notes(heatmap, about, corpus):
    text = export(heatmap, "md", about.title, about).decode("utf-8")
    lines = text.splitlines()
    assert lines[0] == "# Coverage: topics by council"
    assert "Generated 2 March 2026 by Protocol Explorer." in lines
    assert f"- {source_line(corpus, 'thurrock')}" in lines
    assert "Each cell counts clauses." in lines
    assert text.endswith(to_markdown(heatmap))  # then the same table as without the preamble


def test_excel_export_opens_with_bold_title_and_freezes_below_the_header(heatmap, about):
    sheet = load_workbook(io.BytesIO(export(heatmap, "xlsx", "Coverage", about)))["Coverage"]
    assert sheet["A1"].value == "Coverage: topics by council" and sheet["A1"].font.bold
    assert [sheet["A2"].value, sheet["B2"].value] == ["Generated", "2 March 2026 by Protocol Explorer"]
    header = len(about.rows()) + 2
    assert [c.value for c in sheet[header]] == ["Topic", "Maldon", "Allerdale", "County", "Parish", "Thurrock"]
    assert all(c.font.bold for c in sheet[header])
    assert sheet.freeze_panes == f"A{header + 1}"
    back = pd.read_excel(io.BytesIO(to_excel({"Coverage": heatmap}, about)), skiprows=header - 1,
                         keep_default_na=False)
    pd.testing.assert_frame_equal(back, heatmap.reset_index(drop=True))


def test_without_about_the_files_are_the_bare_tables(heatmap):
    assert export(heatmap, "csv", "T") == to_csv(heatmap)
    assert _csv_rows(to_csv(heatmap))[0][0] == "Topic"
    assert export(heatmap, "md", "T").decode("utf-8") == to_markdown(heatmap)


def test_hostile_source_text_is_escaped_in_markdown_and_stored_as_text_in_excel():
    hostile = ExportAbout("<img src=x onerror=alert(1)>", DAY, ("=HYPERLINK(\"http://x\")",), ("<b>note</b>",))
    frame = pd.DataFrame({"Topic": ["a"], "X": ["1 clause"]})
    markdown = to_markdown(frame, hostile)
    assert "<img" not in markdown and "&lt;img" in markdown and "<b>" not in markdown
    sheet = load_workbook(io.BytesIO(to_excel({"T": frame}, hostile)))["T"]
    assert sheet["B3"].value == "=HYPERLINK(\"http://x\")" and sheet["B3"].data_type == "s"


def test_topic_export_shows_a_gap_as_on_screen(corpus):
    table = only_councils(corpus, side_by_side_table(corpus, "ceremonial-events", GAP_IN_WORDS), ORDER, label=False)
    assert list(table.columns) == ["Maldon", "Allerdale", "County", "Parish", "Thurrock"]
    assert table["Maldon"].tolist()[0] == GAP_IN_WORDS
    assert table["County"].tolist()[0].startswith("county:")


def test_council_order_puts_the_visitors_council_first_and_keeps_the_rest_in_order(corpus):
    assert council_order(corpus, corpus.councils, "parish") == ["parish", "allerdale", "county", "maldon", "thurrock"]
    assert council_order(corpus, ["thurrock", "county"], "maldon") == ["county", "thurrock"]
    assert council_order(corpus, ["thurrock", "county"]) == ["county", "thurrock"]


def test_only_councils_keeps_the_order_given(corpus):
    frame = only_councils(corpus, coverage_counts(corpus), ["thurrock", "allerdale"])
    assert list(frame.columns) == ["Topic", "Thurrock", "Allerdale"]


def test_shared_wording_with_your_council_first_and_on_the_left(corpus):
    pairs = shared_wording(corpus)
    mine = pairs_between(pairs, corpus.councils, "thurrock")
    assert len(mine) == len(pairs)
    involving = [p for p in mine if "thurrock" in (p.left.council, p.right.council)]
    assert mine[:len(involving)] == involving and involving
    assert all(p.left.council == "thurrock" for p in involving)
    flipped = next(p for p in involving if p.left.council == "thurrock")
    original = next(p for p in pairs if {p.left.id, p.right.id} == {flipped.left.id, flipped.right.id})
    assert original.right.council == "thurrock"  # Thurrock is last, so it was on the right: turned round,
    assert [m.left for m in flipped.passages] == [m.right for m in original.passages]  # passages follow their clause


def test_clauses_on_topics_are_the_councils_tagged_clauses_in_document_order(corpus):
    found = clauses_on_topics(corpus, "maldon", ["planning", "ceremonial-events"])
    assert [c.id for c in found] == [c.id for c in corpus.councils["maldon"].clauses
                                     if {"planning", "ceremonial-events"} & set(c.topics)]
    assert found and all(c.council == "maldon" for c in found)
    assert clauses_on_topics(corpus, "maldon", ["ceremonial-events"]) == []


def test_answers_resting_on_clauses_are_the_rows_that_cite_them(model):
    rows = differences(model)
    thurrock = answers_resting_on(rows, "thurrock", ["thurrock:13.1"])
    assert thurrock and all("thurrock:13.1" in row.cells["thurrock"].cites for row in thurrock)
    assert "member-complaint-about-officer" in [row.spec.id for row in thurrock]
    assert answers_resting_on(rows, "thurrock", []) == []
