"""Review: gaps with peers' model wording, differences from most peers, decision answers that change."""

from dataclasses import replace

import pytest

from logic.audit import answer_keys
from logic.compare import gaps as coverage_gaps
from logic.decisions import ParameterError
from logic.overlay import with_councils
from logic.review import build_review, decision_changes, differences_from_peers, gaps, rules_missing
from tests.review_revisions import revise

FIVE = ("allerdale", "county", "maldon", "parish", "thurrock")


def _without_topics(council, topics, slug):
    """``council`` as a new protocol with every clause on ``topics`` deleted."""
    kept = tuple(replace(c, id=f"{slug}:{c.number}", council=slug) for c in council.clauses
                 if not set(c.topics) & set(topics))
    return replace(council, slug=slug, name=f"{council.name} (cut)", clauses=kept, folder=None)


def _renumbered_with_rules(model, slug, section, new_slug):
    """``slug`` with a clause inserted at the top of ``section`` (later numbers shift) and its rules kept,
    citing the clauses by their new numbers."""
    council = model.corpus.councils[slug]
    clauses, renamed = [], {}
    for clause in council.clauses:
        if clause.section == section and not any(c.section == section for c in clauses):
            clauses.append(replace(clause, id=f"{new_slug}:{section}.1", council=new_slug, number=f"{section}.1",
                                   text="A new opening clause about remote meetings and their courtesies."))
        number = clause.number
        if clause.section == section:
            head, _, last = number.rpartition(".")
            number = f"{head}.{int(last) + 1}"
        renamed[clause.id] = f"{new_slug}:{number}"
        clauses.append(replace(clause, id=renamed[clause.id], council=new_slug, number=number))
    new = replace(council, slug=new_slug, name=f"{council.name} (renumbered)", clauses=tuple(clauses), folder=None)
    held = with_councils(model, [new])

    def cites(ids):
        return tuple(renamed[i] for i in ids)

    routes = {scenario: [replace(case, steps=tuple(replace(s, cites=cites(s.cites)) for s in case.steps),
                                 note_cites=cites(case.note_cites))
                         for case in cases] for scenario, cases in model.routing.answers[slug].items()}
    rules = {question: [replace(case, cites=cites(case.cites)) for case in cases]
             for question, cases in model.rules.answers[slug].items()}
    return replace(held, routing=replace(model.routing, answers={**model.routing.answers, new_slug: routes}),
                   rules=replace(model.rules, answers={**model.rules.answers, new_slug: rules})), renamed


# ------------------------------------------------------------------ gaps


@pytest.mark.parametrize("slug", FIVE)
def test_gaps_are_the_topics_peers_address_and_the_protocol_does_not(model, slug):
    report = gaps(model, slug)
    expected = [t for t in coverage_gaps(model.corpus)[slug]
                if any(t in c.topics for p in report.peers for c in model.corpus.councils[p].clauses)]
    assert [g.topic for g in report.gaps] == expected
    assert set(report.covered).isdisjoint(expected) and slug not in report.peers


def test_a_protocol_with_whole_topics_deleted_reports_exactly_those_topics(model):
    maldon = model.corpus.councils["maldon"]
    deleted = ("outside-bodies", "declarations-of-interest", "planning", "ward-and-local-members")
    held = with_councils(model, [_without_topics(maldon, deleted, "maldon-cut")])
    peers = [p for p in FIVE if p != "maldon"]
    addressed_by_peers = {t for p in peers for c in model.corpus.councils[p].clauses for t in c.topics}
    before = gaps(model, "maldon", peers)
    after = gaps(held, "maldon-cut", peers)
    new_gaps = {g.topic for g in after.gaps} - {g.topic for g in before.gaps}
    assert new_gaps == set(deleted) & addressed_by_peers and len(new_gaps) >= 2
    # A deleted topic no peer addresses is silent everywhere, not a gap.
    assert set(after.silent_everywhere) == set(deleted) - addressed_by_peers and before.silent_everywhere == ()
    assert set(after.covered) == set(before.covered) - set(deleted)


def test_model_wording_is_quoted_word_for_word_from_the_peers_that_cover_the_topic(model):
    report = gaps(model, "parish")
    for gap in report.gaps:
        for wording in gap.model_wording:
            clause = model.corpus.clauses_by_id[wording.clause.id]
            assert wording.clause.text == clause.text and gap.topic in clause.topics
            assert clause.council in report.peers and clause.id in gap.peers[clause.council]
        quoted = {w.clause.id for w in gap.model_wording}
        assert quoted == {i for ids in gap.peers.values() for i in ids}


def _without_topic(model, slug, topic):
    """The model with ``topic`` taken off every clause of ``slug`` (so that council has a gap there)."""
    council = model.corpus.councils[slug]
    clauses = tuple(replace(c, topics=tuple(t for t in c.topics if t != topic) or ("purpose-and-principles",))
                    for c in council.clauses)
    corpus = replace(model.corpus, councils={**model.corpus.councils, slug: replace(council, clauses=clauses)},
                     clauses_by_id={**model.corpus.clauses_by_id, **{c.id: c for c in clauses}})
    return replace(model, corpus=corpus)


def test_wording_several_peers_share_is_flagged_as_shared_model_text_and_comes_first(model):
    held = _without_topic(model, "parish", "access-to-information")
    access = next(g for g in gaps(held, "parish").gaps if g.topic == "access-to-information")
    by_id = {w.clause.id: w for w in access.model_wording}
    assert by_id["allerdale:7.1"].shared_ids == ("county:5.12", "thurrock:10.1")
    assert by_id["allerdale:7.1"].shared_with == ("county", "thurrock")
    assert by_id["county:5.12"].shared_ids == ("allerdale:7.1", "thurrock:10.1")
    assert not by_id["maldon:10.1"].is_shared
    shared_counts = [len(w.shared_with) for w in access.model_wording]
    assert shared_counts == sorted(shared_counts, reverse=True)


def test_gaps_as_json_follow_the_cli_contract(model):
    data = gaps(model, "maldon").as_dict()
    assert {"source", "gaps", "covered"} <= set(data) and data["source"] == "maldon"
    media = next(g for g in data["gaps"] if g["topic"] == "media-and-publicity")
    assert set(media) >= {"topic", "peers", "model_wording"}
    assert media["peers"]["allerdale"] == ["allerdale:9.1", "allerdale:9.2", "allerdale:9.3"]
    assert set(media["model_wording"][0]) >= {"id", "text", "shared_with"}


def test_unknown_councils_are_parameter_errors(model):
    with pytest.raises(ParameterError, match="unknown council 'nowhere'"):
        gaps(model, "nowhere")
    with pytest.raises(ParameterError, match="unknown council 'atlantis'"):
        gaps(model, "maldon", peers=["atlantis"])
    with pytest.raises(ParameterError, match="at least one council"):
        gaps(model, "maldon", peers=["maldon"])


# ------------------------------------------------------------------ differences from peers


def test_maldon_alone_sets_a_time_limit_where_most_peers_state_none(model):
    comparison = differences_from_peers(model, "maldon")
    assert comparison.compared
    rows = {d.row.spec.id: d for d in comparison.differences}
    limits = rows["response-time-limits"]
    assert limits.source.answer.startswith("Officer: within 7 days") and limits.source.cites == ("maldon:dr-2.2",)
    assert limits.majority == ("allerdale", "county", "parish", "thurrock")
    assert limits.majority_cell.answer == "no time limit stated"


@pytest.mark.parametrize("slug", FIVE)
def test_a_reported_difference_has_more_than_half_the_peers_agreeing_on_another_answer(model, slug):
    comparison = differences_from_peers(model, slug)
    for difference in comparison.differences:
        assert len(difference.majority) * 2 > len(comparison.peers)
        assert difference.majority_cell.covered
        assert str(difference.source) != str(difference.majority_cell) or difference.source.answer == "not covered"


def test_an_imported_draft_without_rules_is_not_compared_on_decisions(model, corpus):
    draft = revise(corpus.councils["county"], 0).council
    held = with_councils(model, [draft])
    assert "has no routes or rules written yet" in rules_missing(held, draft.slug)
    comparison = differences_from_peers(held, draft.slug)
    assert not comparison.compared and comparison.differences == ()
    changes = decision_changes(held, "county", draft.slug)
    assert not changes.compared and changes.changes == () and "cannot be compared" in changes.note


# ------------------------------------------------------------------ decision changes


def test_renumbered_clauses_with_the_same_rules_change_no_decision(model):
    held, renamed = _renumbered_with_rules(model, "maldon", "dr-2", "maldon-v2")
    assert renamed["maldon:dr-2.1"] == "maldon-v2:dr-2.2"
    changes = decision_changes(held, "maldon", "maldon-v2")
    assert changes.compared and changes.checked == len(list(answer_keys(model)))
    assert changes.changes == ()


def test_a_changed_verdict_is_reported_for_exactly_the_answers_it_changes(model):
    held, _ = _renumbered_with_rules(model, "maldon", "dr-2", "maldon-v2")
    rules = dict(held.rules.answers["maldon-v2"])
    rules["share-group-advice"] = [replace(case, verdict="no") for case in rules["share-group-advice"]]
    held = replace(held, rules=replace(held.rules, answers={**held.rules.answers, "maldon-v2": rules}))
    changes = decision_changes(held, "maldon", "maldon-v2")
    assert [(c.key.kind, c.key.slug, c.what) for c in changes.changes] == [
        ("question", "share-group-advice", "Yes → No")]
    assert changes.changes[0].old["verdict"] == "yes" and changes.changes[0].new["verdict"] == "no"


def test_two_different_councils_differ_on_most_answers_and_each_change_is_real(model):
    changes = decision_changes(model, "maldon", "thurrock")
    assert changes.compared and 0 < len(changes.changes) <= changes.checked
    for change in changes.changes:
        assert change.old != change.new and change.what
        assert change.key.slug in (model.routing.catalogue if change.key.kind == "route" else model.rules.catalogue)


# ------------------------------------------------------------------ the whole review


def test_a_review_of_a_draft_holds_the_redline_gaps_and_says_decisions_are_not_compared(model, corpus):
    revision = revise(corpus.councils["maldon"], 1)
    held = with_councils(model, [revision.council])
    review = build_review(held, "maldon", revision.council.slug)
    assert review.redline.old == "maldon" and review.redline.new == revision.council.slug
    assert review.gaps.peers == ("allerdale", "county", "parish", "thurrock")
    assert {(p.old_id, p.new_id, p.change) for p in review.redline.pairs} == revision.truth
    assert not review.decisions.compared and review.cited_clauses(held.corpus) == []


def test_cited_clauses_of_a_review_are_the_clauses_its_answers_rest_on(model):
    review = build_review(model, "maldon", "thurrock")
    cited = review.cited_clauses(model.corpus)
    assert cited and {c.council for c in cited} <= {"maldon", "thurrock", *review.gaps.peers}
    first = review.decisions.changes[0]
    assert {s for step in first.new.get("steps", ()) for s in step["cites"]} <= {c.id for c in cited}


def test_a_review_of_a_protocol_against_itself_is_refused(model):
    with pytest.raises(ParameterError, match="same protocol"):
        build_review(model, "maldon", "maldon")
