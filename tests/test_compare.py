"""Comparison logic: coverage facts read from the protocols, gaps, shared model text,
the differences table, exports and the comparison CLI commands.

The coverage facts below were checked by reading the clause texts, so a tag added in the
wrong place (a gap that is no longer a gap, a topic appearing where the text says nothing
of it) or a tag lost fails here with the topic and the council named.
"""

import dataclasses
import io
import json
import subprocess
import sys

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from logic.cli import EXIT_OK, EXIT_USAGE, main
from logic.compare import (
    EXPORT_FORMATS,
    NOT_COVERED,
    SHARED_WORDING_THRESHOLD,
    coverage,
    coverage_counts,
    coverage_matrix,
    differences,
    differences_table,
    export,
    export_about,
    gaps,
    load_difference_specs,
    passages,
    shared_wording,
    shared_wording_table,
    side_by_side,
    side_by_side_table,
    to_csv,
    to_excel,
    to_markdown,
)
from logic.content import ContentError
from logic.decisions import ParameterError

# ------------------------------------------------------------------ coverage facts

# (topic, council, clause ids that must carry the topic), each read in the text.
KNOWN_COVERAGE = [
    ("ceremonial-events", "county", ["county:9.1", "county:9.2", "county:9.3", "county:9.4"]),
    ("planning", "maldon", ["maldon:13.1", "maldon:13.2"]),
    ("correspondence", "county", ["county:7.1", "county:7.2", "county:7.3"]),
    ("correspondence", "maldon", ["maldon:11.1"]),
    ("complaints-about-officers", "allerdale", ["allerdale:10.1"]),
    ("complaints-about-officers", "county", ["county:2.1"]),
    ("complaints-about-officers", "maldon", ["maldon:dr-3.1"]),
    ("complaints-about-officers", "parish", ["parish:7.3"]),
    ("complaints-about-officers", "thurrock", ["thurrock:13.1"]),
    ("complaints-about-members", "allerdale", ["allerdale:10.2"]),
    ("complaints-about-members", "county", ["county:2.3"]),
    ("complaints-about-members", "maldon", ["maldon:dr-5.1"]),
    ("complaints-about-members", "thurrock", ["thurrock:14.1"]),
    ("personal-relationships", "maldon", ["maldon:5.1"]),
    ("personal-relationships", "thurrock", ["thurrock:5.2"]),
    ("appointment-and-discipline", "maldon", ["maldon:6.1", "maldon:6.2"]),
    ("appointment-and-discipline", "thurrock", ["thurrock:6.1", "thurrock:6.2"]),
    ("political-groups", "county", ["county:3.6", "county:3.9"]),
    ("political-groups", "maldon", ["maldon:7.1", "maldon:7.2"]),
    ("political-groups", "parish", ["parish:6.4"]),
    ("political-groups", "thurrock", ["thurrock:7.1", "thurrock:7.2"]),
    ("access-to-information", "allerdale", ["allerdale:6.3", "allerdale:6.4"]),
    ("access-to-information", "county", ["county:5.7", "county:5.8", "county:5.11"]),
    ("access-to-information", "maldon", ["maldon:10.2"]),
    ("access-to-information", "thurrock", ["thurrock:9.2", "thurrock:9.4"]),
    ("declarations-of-interest", "maldon", ["maldon:8.1"]),
    ("support-services", "county", ["county:4.1", "county:4.2"]),
    ("media-and-publicity", "thurrock", ["thurrock:11.1", "thurrock:11.2", "thurrock:11.3"]),
    ("outside-bodies", "maldon", ["maldon:14.1"]),
    ("ward-and-local-members", "maldon", ["maldon:12.1"]),
    ("officers-employment-matters", "maldon", ["maldon:3.4"]),
    ("monitoring-and-review", "thurrock", ["thurrock:16.1"]),
]

# Topics a council's protocol does not address at all (read in the whole text).
KNOWN_GAPS = [
    ("allerdale", "correspondence"),
    ("allerdale", "ceremonial-events"),
    ("allerdale", "leader-and-chair-relations"),
    ("allerdale", "declarations-of-interest"),
    ("county", "appointment-and-discipline"),
    ("county", "outside-bodies"),
    ("county", "planning"),
    ("maldon", "media-and-publicity"),
    ("maldon", "ceremonial-events"),
    ("parish", "planning"),
    ("parish", "correspondence"),
    ("parish", "media-and-publicity"),
    ("parish", "ceremonial-events"),
    ("parish", "declarations-of-interest"),
    ("thurrock", "correspondence"),
    ("thurrock", "leader-and-chair-relations"),
    ("thurrock", "ceremonial-events"),
]

# Topics that only these councils address.
EXCLUSIVE_TOPICS = [
    ("ceremonial-events", {"county"}),
    ("correspondence", {"county", "maldon"}),
    ("ward-and-local-members", {"county", "maldon"}),
]


def _covering(corpus, topic):
    return {slug for slug, ids in coverage(corpus)[topic].items() if ids}


def test_coverage_has_every_topic_and_council_and_only_matching_clauses(corpus):
    table = coverage(corpus)
    assert list(table) == list(corpus.topics)
    for topic, by_council in table.items():
        assert list(by_council) == list(corpus.councils)
        for slug, ids in by_council.items():
            for clause_id in ids:
                clause = corpus.clauses_by_id[clause_id]
                assert clause.council == slug and topic in clause.topics


@pytest.mark.parametrize(("topic", "council", "ids"), KNOWN_COVERAGE, ids=[f"{t}-{c}" for t, c, _ in KNOWN_COVERAGE])
def test_known_coverage(corpus, topic, council, ids):
    missing = set(ids) - set(coverage(corpus)[topic][council])
    assert not missing, f"{', '.join(sorted(missing))} should be tagged '{topic}'"


@pytest.mark.parametrize(("council", "topic"), KNOWN_GAPS)
def test_known_gap(corpus, council, topic):
    assert topic in gaps(corpus)[council], (
        f"{council} says nothing about {topic}, yet these are tagged with it: {coverage(corpus)[topic][council]}")


@pytest.mark.parametrize(("topic", "councils"), EXCLUSIVE_TOPICS, ids=[t for t, _ in EXCLUSIVE_TOPICS])
def test_topic_covered_only_by(corpus, topic, councils):
    assert _covering(corpus, topic) == councils


def test_planning_in_maldon_and_thurrock_only(corpus):
    """Maldon has a planning section; Thurrock 1.2 points to its separate planning code."""
    assert _covering(corpus, "planning") == {"maldon", "thurrock"}


def test_gaps_agree_with_matrix_and_counts(corpus):
    matrix, counts = coverage_matrix(corpus), coverage_counts(corpus)
    labels = [t.label for t in corpus.topics.values()]
    assert matrix["Topic"].tolist() == labels == counts["Topic"].tolist()
    for slug, missing in gaps(corpus).items():
        column = corpus.councils[slug].short_name
        gap_labels = {corpus.topics[t].label for t in missing}
        assert set(matrix.loc[matrix[column] == NOT_COVERED, "Topic"]) == gap_labels
        assert set(counts.loc[counts[column] == 0, "Topic"]) == gap_labels


def test_matrix_cells_list_the_ids_and_counts_count_them(corpus):
    matrix, counts = coverage_matrix(corpus), coverage_counts(corpus)
    row = matrix.index[matrix["Topic"] == corpus.topics["ceremonial-events"].label][0]
    assert matrix.loc[row, "County"] == "county:8.1, county:9.1, county:9.2, county:9.3, county:9.4"
    assert counts.loc[row, "County"] == 5
    assert counts.loc[row, "Maldon"] == 0


# ------------------------------------------------------------------ side by side


def test_side_by_side_gives_each_council_its_clauses_in_document_order(corpus):
    by_council = side_by_side(corpus, "complaints-about-officers")
    assert list(by_council) == list(corpus.councils)
    for slug, clauses in by_council.items():
        assert [c.council for c in clauses] == [slug] * len(clauses)
        assert [c.order for c in clauses] == sorted(c.order for c in clauses)
    assert [c.id for c in by_council["thurrock"]] == ["thurrock:13.1", "thurrock:13.2", "thurrock:13.3"]


def test_side_by_side_table_shows_gaps_as_not_covered(corpus):
    table = side_by_side_table(corpus, "ceremonial-events")
    assert list(table.columns) == [c.short_name for c in corpus.councils.values()]
    assert table["Maldon"].tolist()[0] == NOT_COVERED
    assert table["County"].tolist()[1].startswith("county:9.1\nThe Chairman of the County Council")
    assert len(table) == 5


def test_unknown_topic_lists_the_valid_ones(corpus):
    with pytest.raises(ParameterError, match="valid topics: purpose-and-principles, .*planning"):
        side_by_side(corpus, "plannning")


# ------------------------------------------------------------------ shared wording

KNOWN_SHARED = [
    ("allerdale:6.4", "county:5.8", "roving commission"),
    ("allerdale:6.3", "county:5.7", "commonly referred to as"),
    ("allerdale:1.4", "county:1.5", "shared object of these"),
    ("allerdale:7.1", "thurrock:10.1", "must only be used by the Member"),
    ("maldon:7.1", "thurrock:7.1", "any advice given to one party group"),
    ("maldon:7.2", "thurrock:7.2", "particular difficulties involving advice to party groups"),
    ("maldon:dr-2.1", "thurrock:12.2", "key principle for dispute resolution"),
    ("county:6.1", "maldon:4.2", "never be allowed to become so close"),
]

# Same subject, different wording (or the opposite rule): must not be reported as shared text.
UNRELATED = [
    ("allerdale:6.4", "thurrock:9.2"),  # both "need to know", in different words
    ("county:3.6", "maldon:7.1"),  # county keeps group advice confidential, Maldon shares it
    ("county:3.6", "thurrock:7.1"),
    ("county:9.1", "thurrock:11.2"),
    ("allerdale:10.1", "thurrock:13.1"),  # both route complaints about officers, differently
    ("maldon:5.1", "thurrock:5.2"),
]


@pytest.fixture(scope="module")
def shared(corpus):
    return {(s.left.id, s.right.id): s for s in shared_wording(corpus)}


@pytest.mark.parametrize(("left", "right", "phrase"), KNOWN_SHARED, ids=[f"{a}~{b}" for a, b, _ in KNOWN_SHARED])
def test_known_shared_wording_is_found(shared, left, right, phrase):
    pair = shared.get((left, right))
    assert pair, f"{left} and {right} share model text but were not paired"
    assert any(phrase.lower() in m.left.lower() and phrase.lower() in m.right.lower() for m in pair.passages)


def test_party_group_lists_match_item_by_item(shared):
    pair = shared[("maldon:7.1", "thurrock:7.1")]
    assert len(pair.passages) >= 6
    assert pair.score == 100.0


@pytest.mark.parametrize(("left", "right"), UNRELATED, ids=[f"{a}~{b}" for a, b in UNRELATED])
def test_unrelated_clauses_are_not_paired(shared, left, right):
    assert (left, right) not in shared and (right, left) not in shared


def test_no_reported_pair_is_below_the_threshold(corpus, shared):
    for pair in shared.values():
        assert pair.score >= SHARED_WORDING_THRESHOLD
        assert all(m.score >= SHARED_WORDING_THRESHOLD for m in pair.passages)
        assert pair.score == max(m.score for m in pair.passages)
    strict = shared_wording(corpus, 90)
    assert strict and all(s.score >= 90 for s in strict)
    assert {(s.left.id, s.right.id) for s in strict} < set(shared)


def test_pairs_are_across_councils_best_first_with_passages_from_the_texts(corpus, shared):
    order = list(corpus.councils)
    pairs = shared_wording(corpus)
    assert [s.score for s in pairs] == sorted((s.score for s in pairs), reverse=True)
    for pair in shared.values():
        assert order.index(pair.left.council) < order.index(pair.right.council)
        for match in pair.passages:
            assert match.left in pair.left.text and match.right in pair.right.text


def test_bad_threshold_is_a_parameter_error(corpus):
    for bad in (0, -5, 101):
        with pytest.raises(ParameterError):
            shared_wording(corpus, bad)


def test_passages_split_sentences_and_list_items_and_skip_short_ones():
    text = "Short one. This sentence is long enough to count here.\n(a) a list item that is long enough;\n- tiny"
    assert passages(text) == ["This sentence is long enough to count here.", "(a) a list item that is long enough;"]


def test_shared_wording_table_has_both_ids_texts_and_passages(corpus, shared):
    table = shared_wording_table(corpus)
    assert len(table) == len(shared)
    row = table[(table["Clause A"] == "allerdale:6.4") & (table["Clause B"] == "county:5.8")].iloc[0]
    assert "roving commission" in row["Passages A"] and "roving commission" in row["Passages B"]
    assert row["Text B"] == corpus.clauses_by_id["county:5.8"].text


# ------------------------------------------------------------------ differences


def test_every_difference_row_is_answered_for_every_council(model):
    rows = differences(model)
    assert [r.spec.id for r in rows] == [s.id for s in load_difference_specs(model)]
    for row in rows:
        assert list(row.cells) == list(model.corpus.councils)


def test_difference_cells_cite_only_their_own_councils_clauses(model):
    for row in differences(model):
        for slug, cell in row.cells.items():
            assert cell.answer
            assert cell.covered == (cell.answer != NOT_COVERED)
            for cite in cell.cites:
                assert cite.startswith(f"{slug}:"), f"{row.spec.id}: {slug} cites {cite}"
                assert model.corpus.resolve(cite) is not None


def test_differences_table_cells_read_answer_and_ids(model):
    table = differences_table(model)
    rows = differences(model)
    assert table["Question"].tolist() == [r.spec.question for r in rows]
    for (_, line), row in zip(table.iterrows(), rows, strict=True):
        for slug, cell in row.cells.items():
            text = line[model.corpus.councils[slug].short_name]
            assert text == (NOT_COVERED if not cell.covered else f"{cell.answer} ({', '.join(cell.cites)})")


def _cited_clauses(model, row_id):
    """{council: clause ids its cell rests on}, a cited sub-item (thurrock:5.2(b)) as its clause."""
    cells = next(r for r in differences(model) if r.spec.id == row_id).cells
    return {slug: {model.corpus.resolve(c).id for c in cell.cites} for slug, cell in cells.items()}


def test_maldon_alone_states_a_response_time_limit(model):
    row = next(r for r in differences(model) if r.spec.id == "response-time-limits")
    assert "7 days" in row.cells["maldon"].answer and "maldon:dr-2.2" in _cited_clauses(model, row.spec.id)["maldon"]
    assert all("within" not in cell.answer for slug, cell in row.cells.items() if slug != "maldon")


def test_party_group_advice_sharing_rests_on_each_councils_rule(model):
    cited = _cited_clauses(model, "share-group-advice")
    assert "county:3.6" in cited["county"]  # kept confidential from other groups
    assert "maldon:7.1" in cited["maldon"] and "thurrock:7.1" in cited["thurrock"]  # made available
    assert "parish:6.4" in cited["parish"]  # other groups told that advice was given
    assert not cited["allerdale"]


def test_officer_tells_of_personal_relationship(model):
    cited = _cited_clauses(model, "personal-relationship-officer")
    assert "maldon:5.1" in cited["maldon"] and "thurrock:5.2" in cited["thurrock"]
    assert not cited["allerdale"] and not cited["county"] and not cited["parish"]


def test_members_appoint_senior_officers_only_where_the_text_says_so(model):
    cited = _cited_clauses(model, "appoint-directors")
    assert "maldon:6.2" in cited["maldon"] and "thurrock:6.1" in cited["thurrock"]
    assert not cited["allerdale"] and not cited["county"] and not cited["parish"]


def test_bad_differences_file_lists_every_problem(model, tmp_path):
    (tmp_path / "differences.yaml").write_text(
        "- {id: a, question: q, route: no-such-scenario, summary: destination}\n"
        "- {id: b, question: q, ask: share-group-advice, summary: destination}\n"
        "- {id: c, question: q, route: personal-relationship, ask: share-group-advice, summary: verdict}\n"
        "- {id: d, question: q, route: personal-relationship, params: {party: alien}, summary: actors}\n",
        encoding="utf-8")
    elsewhere = dataclasses.replace(model, corpus=dataclasses.replace(model.corpus, root=tmp_path))
    with pytest.raises(ContentError) as info:
        load_difference_specs(elsewhere)
    messages = [p.message for p in info.value.problems]
    assert len(messages) == 4
    assert "unknown scenario 'no-such-scenario'" in messages[0]
    assert "summary 'destination' does not apply to 'ask'" in messages[1]
    assert "exactly one of 'route' or 'ask'" in messages[2]
    assert "'alien' is not a valid party" in messages[3]


# ------------------------------------------------------------------ exports


@pytest.fixture(scope="module")
def tables(corpus):
    return {"matrix": coverage_matrix(corpus), "counts": coverage_counts(corpus),
            "side-by-side": side_by_side_table(corpus, "political-groups"), "shared": shared_wording_table(corpus)}


@pytest.mark.parametrize("name", ["matrix", "counts", "side-by-side", "shared"])
def test_csv_round_trips(tables, name):
    back = pd.read_csv(io.BytesIO(to_csv(tables[name])), keep_default_na=False)
    pd.testing.assert_frame_equal(back, tables[name])


@pytest.mark.parametrize("name", ["matrix", "counts", "side-by-side", "shared"])
def test_excel_is_readable_and_equal(tables, name):
    back = pd.read_excel(io.BytesIO(to_excel({name: tables[name]})), keep_default_na=False)
    pd.testing.assert_frame_equal(back, tables[name])


@pytest.mark.parametrize("name", ["matrix", "counts", "side-by-side", "shared"])
def test_markdown_has_header_separator_and_one_line_per_row(tables, name):
    frame = tables[name]
    lines = to_markdown(frame).splitlines()
    assert len(lines) == len(frame) + 2
    assert lines[0] == "| " + " | ".join(frame.columns) + " |"
    assert set(lines[1]) <= set("|-: ")
    assert all(line.startswith("| ") and line.endswith(" |") for line in lines)


def test_differences_exports(model):
    table = differences_table(model)
    pd.testing.assert_frame_equal(pd.read_csv(io.BytesIO(to_csv(table)), keep_default_na=False), table)
    pd.testing.assert_frame_equal(pd.read_excel(io.BytesIO(to_excel({"Differences": table}))), table)
    assert len(to_markdown(table).splitlines()) == len(table) + 2


def test_markdown_escapes_pipes_markup_and_line_breaks():
    frame = pd.DataFrame({"a|b": ["x | y\n<script>alert(1)</script>"], "n": [3]})
    assert to_markdown(frame).splitlines() == [
        "| a\\|b | n |", "| --- | ---: |", "| x \\| y<br>&lt;script&gt;alert(1)&lt;/script&gt; | 3 |"]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(), min_size=1, max_size=4))
def test_excel_stores_any_text_as_text_never_a_formula(texts):
    data = to_excel({"Hostile: [sheet]/name?*": pd.DataFrame({"text": texts})})
    sheet = load_workbook(io.BytesIO(data)).active
    assert all(cell.data_type == "s" or cell.value is None for (cell,) in sheet.iter_rows(min_row=2))


def test_excel_keeps_formula_like_text_verbatim():
    frame = pd.DataFrame({"text": ["=HYPERLINK(\"http://x\")", "+1", "plain"]})
    back = pd.read_excel(io.BytesIO(to_excel({"T": frame})))
    assert back["text"].tolist() == frame["text"].tolist()


def test_export_dispatches_by_format(tables):
    frame = tables["counts"]
    assert set(EXPORT_FORMATS) == {"csv", "md", "xlsx"}
    assert export(frame, "csv", "Coverage") == to_csv(frame)
    assert export(frame, "md", "Coverage").decode("utf-8") == to_markdown(frame)
    assert load_workbook(io.BytesIO(export(frame, "xlsx", "Coverage"))).sheetnames == ["Coverage"]
    with pytest.raises(ParameterError, match="choose one of: csv, md, xlsx"):
        export(frame, "pdf", "Coverage")


# ------------------------------------------------------------------ CLI


def _run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_coverage_json(corpus, capsys):
    code, out, err = _run(capsys, "coverage", "--json", "--content", str(corpus.root))
    assert code == EXIT_OK and not err
    assert json.loads(out) == {"topics": coverage(corpus)}


def test_cli_coverage_text_is_the_counts_table(corpus, capsys):
    code, out, _ = _run(capsys, "coverage")
    assert code == EXIT_OK
    assert out == to_markdown(coverage_counts(corpus))


def test_cli_compare_json(corpus, capsys):
    code, out, _ = _run(capsys, "--json", "compare", "ceremonial-events")
    payload = json.loads(out)
    assert code == EXIT_OK
    assert set(payload) == {"topic", "councils"} and payload["topic"] == "ceremonial-events"
    assert list(payload["councils"]) == list(corpus.councils)
    assert payload["councils"]["maldon"] == []
    assert payload["councils"]["county"][1] == {"id": "county:9.1", "text": corpus.clauses_by_id["county:9.1"].text}


def test_cli_compare_text_names_councils_and_gaps(capsys):
    code, out, _ = _run(capsys, "compare", "planning")
    assert code == EXIT_OK
    assert "== Maldon District Council" in out and "maldon:13.2  Members will often need" in out
    assert NOT_COVERED in out


def test_cli_compare_unknown_topic_exits_2_with_one_line(capsys):
    code, out, err = _run(capsys, "compare", "no-such-topic", "--json")
    assert code == EXIT_USAGE and out == ""
    assert len(err.strip().splitlines()) == 1
    assert "unknown topic 'no-such-topic'" in err and "valid topics:" in err and "ceremonial-events" in err


def test_python_m_logic_exit_status_and_stderr(corpus):
    bad = subprocess.run([sys.executable, "-m", "logic", "compare", "nope"], cwd=corpus.root.parent,
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == EXIT_USAGE and bad.stdout == ""
    assert bad.stderr.count("\n") == 1 and bad.stderr.startswith("error: unknown topic 'nope'")
    good = subprocess.run([sys.executable, "-m", "logic", "--json", "coverage"], cwd=corpus.root.parent,
                          capture_output=True, text=True, timeout=60)
    assert good.returncode == EXIT_OK and json.loads(good.stdout) == {"topics": coverage(corpus)}


def test_cli_missing_content_folder_is_a_bad_argument(capsys, tmp_path):
    code, _, _ = _run(capsys, "coverage", "--content", str(tmp_path / "missing"))
    assert code == EXIT_USAGE


def test_cli_shared_json_and_bad_threshold(shared, capsys):
    code, out, _ = _run(capsys, "shared", "--json")
    payload = json.loads(out)
    assert code == EXIT_OK and payload["threshold"] == SHARED_WORDING_THRESHOLD
    assert {(p["a"]["id"], p["b"]["id"]) for p in payload["pairs"]} == set(shared)
    assert {"score", "whole_score", "a", "b", "passages"} <= set(payload["pairs"][0])
    code, _, err = _run(capsys, "shared", "--threshold", "150")
    assert code == EXIT_USAGE and len(err.strip().splitlines()) == 1


def test_cli_differences_json(model, capsys):
    code, out, _ = _run(capsys, "differences", "--json")
    payload = json.loads(out)
    assert code == EXIT_OK
    assert payload == {"rows": [row.as_dict() for row in differences(model)]}


@pytest.mark.parametrize("suffix", ["csv", "md", "xlsx"])
def test_cli_output_writes_the_table(corpus, capsys, tmp_path, suffix):
    path = tmp_path / f"compare.{suffix}"
    code, out, _ = _run(capsys, "compare", "political-groups", "--output", str(path), "--json")
    assert code == EXIT_OK and json.loads(out)["written"] == str(path)
    table = side_by_side_table(corpus, "political-groups")
    about = export_about(corpus, "Party political groups", corpus.councils)
    if suffix == "xlsx":  # the workbook records when it was written, so compare what it holds
        skip = len(about.rows()) + 1  # the title, date and source rows, then a blank row
        pd.testing.assert_frame_equal(pd.read_excel(path, keep_default_na=False, skiprows=skip), table)
    else:
        assert path.read_bytes() == export(table, suffix, "Party political groups", about)
    head = (pd.read_excel(path, header=None, nrows=2).iloc[:, 0].tolist() if suffix == "xlsx"
            else path.read_text(encoding="utf-8-sig").splitlines()[:4])
    assert any("Party political groups" in str(cell) for cell in head)


def test_cli_output_with_unknown_suffix_or_bad_folder_exits_2(capsys, tmp_path):
    code, _, err = _run(capsys, "coverage", "--output", str(tmp_path / "coverage.pdf"))
    assert code == EXIT_USAGE and "unknown export format 'pdf'" in err
    code, _, err = _run(capsys, "coverage", "--output", str(tmp_path / "no" / "such" / "coverage.csv"))
    assert code == EXIT_USAGE and "cannot write" in err
