"""Redline: clause alignment and classification, and the word diff inside each pair."""

from dataclasses import replace

import pytest

from logic.content import Clause
from logic.redline import CHANGES, DIFF_OPS, diff_markdown, layout_free, redline, word_diff
from tests.review_revisions import classified, revise

COUNCILS = ("allerdale", "county", "maldon", "parish", "thurrock")
SEEDS = range(20)


def _clause(slug, number, text, section="1", title="General"):
    return Clause(id=f"{slug}:{number}", council=slug, number=number, section=section, section_title=title,
                  topics=("purpose-and-principles",), text=text, order=0)


def _side(diff, op):
    return "".join(text for kind, text in diff if kind in ("equal", op)).strip()


@pytest.mark.parametrize("slug", COUNCILS)
def test_generated_revisions_are_classified_right_pair_by_pair(corpus, slug, capsys):
    council = corpus.councils[slug]
    right = total = unchanged = unchanged_wrong = 0
    kinds = set()
    for seed in SEEDS:
        revision = revise(council, seed)
        result = redline(council, revision.council)
        found = classified(result)
        kinds |= {change for *_, change in revision.truth}
        right += len(found & revision.truth)
        total += max(len(found), len(revision.truth))
        for pair in result.pairs:
            if pair.old_id in revision.untouched:
                unchanged += 1
                unchanged_wrong += pair.change not in ("same", "renumbered")
    with capsys.disabled():
        print(f"\n{slug}: {right}/{total} pairs right ({right / total:.1%}) over {len(SEEDS)} revisions; "
              f"{unchanged_wrong} of {unchanged} unchanged clauses reported as changed")
    assert kinds == set(CHANGES), "every kind of change is exercised"
    assert right / total >= 0.98
    assert unchanged_wrong == 0


def test_an_inserted_clause_renumbers_later_clauses_without_changing_them():
    old = [_clause("v1", f"1.{i}", f"Clause number {i} says something different about topic {i} every time.")
           for i in range(1, 6)]
    inserted = _clause("v2", "1.1", "A brand new clause about social media and its use by councillors.")
    new = [inserted] + [replace(c, id=f"v2:1.{i + 1}", council="v2", number=f"1.{i + 1}") for i, c in
                        enumerate(old, 1)]
    result = redline(old, new)
    assert [(p.old_id, p.new_id, p.change) for p in result.pairs] == [
        (None, "v2:1.1", "added"),
        *((f"v1:1.{i}", f"v2:1.{i + 1}", "renumbered") for i in range(1, 6))]
    assert all(p.diff == (("equal", p.new.text),) and p.similarity == 1.0 for p in result.pairs[1:])


def test_layout_bullets_and_quotation_marks_are_not_changes():
    old = [_clause("v1", "2.1", "Officers will:\n- give advice;\n- act **impartially** in the Council’s interest.")]
    new = [_clause("v2", "2.1", "Officers will: give advice;   act impartially in the Council's interest.")]
    (pair,) = redline(old, new).pairs
    assert pair.change == "same" and pair.similarity == 1.0
    assert layout_free(old[0].text) == "Officers will: give advice; act impartially in the Council’s interest."


def test_word_diff_marks_each_inserted_and_deleted_word():
    diff = word_diff("Officers should speak to the Leader of the Council.",
                     "Officers must speak promptly to the Leader.")
    assert diff == (("equal", "Officers "), ("delete", "should "), ("insert", "must "), ("equal", "speak "),
                    ("insert", "promptly "), ("equal", "to the "), ("delete", "Leader of the Council. "),
                    ("insert", "Leader."))
    assert {op for op, _ in diff} <= set(DIFF_OPS)


@pytest.mark.parametrize("slug", COUNCILS)
def test_each_diff_rebuilds_the_old_and_the_new_wording(corpus, slug):
    council = corpus.councils[slug]
    result = redline(council, revise(council, 3).council)
    for pair in result.pairs:
        if pair.change in ("split", "merged"):
            continue
        assert _side(pair.diff, "delete") == (layout_free(pair.old.text) if pair.old else "")
        assert _side(pair.diff, "insert") == (layout_free(pair.new.text) if pair.new else "")


@pytest.mark.parametrize("slug", COUNCILS)
def test_split_and_merged_parts_together_hold_the_whole_clause(corpus, slug):
    council = corpus.councils[slug]
    result = redline(council, revise(council, 5).council)
    split = result.of_kind("split")
    assert len(split) == 2 and split[0].old == split[1].old
    assert " ".join(_side(p.diff, "delete") for p in split) == layout_free(split[0].old.text)
    assert [_side(p.diff, "insert") for p in split] == [layout_free(p.new.text) for p in split]
    merged = result.of_kind("merged")
    assert len(merged) == 2 and merged[0].new == merged[1].new
    assert " ".join(_side(p.diff, "insert") for p in merged) == layout_free(merged[0].new.text)


def test_a_moved_and_reworded_clause_is_moved_with_its_word_diff(corpus):
    council = corpus.councils["thurrock"]
    revision = revise(council, 0)
    moved = [p for p in redline(council, revision.council).pairs if p.change == "moved"]
    assert len(moved) == 2
    assert all(p.old.section != p.new.section for p in moved)
    reworded = [p for p in moved if p.similarity < 1]
    assert len(reworded) == 1 and {"insert", "delete"} & {op for op, _ in reworded[0].diff}


def test_sections_renumbered_by_a_new_section_are_not_moves():
    old = [_clause("v1", "1.1", "Introductory words about the purpose of this protocol for everyone.", "1", "Intro"),
           _clause("v1", "2.1", "Officers give impartial advice to every member of the council.", "2", "Officers")]
    new = [_clause("v2", "1.1", "Introductory words about the purpose of this protocol for everyone.", "1", "Intro"),
           _clause("v2", "2.1", "An entirely new section on the use of social media by everyone.", "2", "Media"),
           _clause("v2", "3.1", "Officers give impartial advice to every member of the council.", "3", "Officers")]
    assert [(p.old_id, p.new_id, p.change) for p in redline(old, new).pairs] == [
        ("v1:1.1", "v2:1.1", "same"), (None, "v2:2.1", "added"), ("v1:2.1", "v2:3.1", "renumbered")]


def test_a_clause_whose_section_was_dissolved_has_moved():
    old = [_clause("v1", "1.1", "Introductory words about the purpose of this protocol for everyone.", "1", "Intro"),
           _clause("v1", "2.1", "Officers give impartial advice to every member of the council.", "2", "Officers")]
    new = [_clause("v2", "1.1", "Introductory words about the purpose of this protocol for everyone.", "1", "Intro"),
           _clause("v2", "1.2", "Officers give impartial advice to every member of the council.", "1", "Intro")]
    assert [p.change for p in redline(old, new).pairs] == ["same", "moved"]


def test_identical_versions_are_all_same_and_unrelated_ones_share_little(corpus):
    maldon, thurrock = corpus.councils["maldon"], corpus.councils["thurrock"]
    assert redline(maldon, maldon).summary() == {c: (len(maldon.clauses) if c == "same" else 0) for c in CHANGES}
    across = redline(maldon, thurrock).summary()
    assert across["same"] == across["renumbered"] == 0
    assert across["removed"] > 30 and across["added"] > 40


def test_summary_counts_every_pair_and_each_clause_appears_once(corpus):
    council = corpus.councils["county"]
    revision = revise(council, 7)
    result = redline(council, revision.council)
    assert sum(result.summary().values()) == len(result.pairs)
    assert {p.old_id for p in result.pairs} - {None} == {c.id for c in council.clauses}
    assert {p.new_id for p in result.pairs} - {None} == {c.id for c in revision.council.clauses}


def test_removed_clauses_stand_where_they_were_in_the_old_order():
    old = [_clause("v1", f"1.{i}", f"Clause {i} of the old version with its own distinct wording number {i}.")
           for i in range(1, 4)]
    new = [replace(old[0], id="v2:1.1", council="v2"), replace(old[2], id="v2:1.2", council="v2", number="1.2")]
    assert [(p.old_id, p.change) for p in redline(old, new).pairs] == [
        ("v1:1.1", "same"), ("v1:1.2", "removed"), ("v1:1.3", "renumbered")]


def test_an_empty_version_makes_everything_added_or_removed(corpus):
    parish = corpus.councils["parish"]
    assert redline([], parish).summary()["added"] == len(parish.clauses)
    assert redline(parish, []).summary()["removed"] == len(parish.clauses)


def test_pairs_as_json_follow_the_cli_contract(corpus):
    council = corpus.councils["maldon"]
    data = redline(council, revise(council, 2).council).as_dict()
    assert set(data) == {"old", "new", "pairs", "summary"} and data["old"] == "maldon"
    for pair in data["pairs"]:
        assert set(pair) == {"old", "new", "change", "similarity", "diff"}
        assert pair["change"] in CHANGES and 0 <= pair["similarity"] <= 1
        assert all(len(segment) == 2 and segment[0] in DIFF_OPS for segment in pair["diff"])


def test_diff_markdown_marks_changes_in_words_and_escapes_the_clause_text():
    diff = word_diff("Officers *should* speak to the [Leader](http://x).", "Officers must speak to the [Leader](http://x).")
    assert diff_markdown(diff) == (
        "Officers [deleted: ~~\\*should\\*~~] [inserted: **must**] speak to the "
        "\\[Leader\\]\\(http\\:\\/\\/x\\)\\.")
