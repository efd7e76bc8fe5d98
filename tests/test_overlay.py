"""An imported council held beside the built-in ones: visible everywhere, answering "not answered yet", never
changing the base model (another visitor's)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from logic.compare import coverage
from logic.content import load_corpus
from logic.importer import ImportProblem, import_text, to_council, write_content_folder
from logic.model import load_model
from logic.overlay import checklist, is_placeholder, with_councils
from logic.permissions import ask, ask_all
from logic.routing import route, route_all
from logic.search import SearchIndex

ROOT = Path(__file__).resolve().parent.parent
TEXT = """Protocol for Member/Officer Relations

1. Complaints

1.1 A member who has a complaint about an officer should raise it with the officer's Head of Service, who will
reply within ten working days.

1.2 Members must not criticise officers at public meetings.
"""


@pytest.fixture(scope="module")
def imported(model):
    result = import_text(TEXT, slug="ourtown", name="Ourtown Town Council", corpus=model.corpus)
    return to_council(result, model.corpus)


@pytest.fixture(scope="module")
def overlaid(model, imported):
    return with_councils(model, [imported])


def test_imported_council_joins_the_corpus_after_the_built_in_ones(model, overlaid, imported):
    assert list(overlaid.corpus.councils) == [*model.corpus.councils, "ourtown"]
    assert overlaid.corpus.resolve("ourtown:1.2").text == "Members must not criticise officers at public meetings."
    assert overlaid.corpus.clauses_by_id["maldon:3.2"] is model.corpus.clauses_by_id["maldon:3.2"]


def test_the_base_model_is_never_changed(model, overlaid):
    assert "ourtown" not in model.corpus.councils and "ourtown:1.1" not in model.corpus.clauses_by_id
    assert "ourtown" not in model.routing.answers and "ourtown" not in model.rules.answers
    assert overlaid.routing.catalogue is model.routing.catalogue


def test_every_route_and_question_says_the_rules_are_not_written_yet(overlaid):
    for scenario in overlaid.routing.catalogue:
        answer = route(overlaid.corpus, overlaid.routing, scenario, "ourtown")
        assert not answer.covered and not answer.steps and answer.cites == ()
        assert "have not been written yet" in answer.note and "not a finding that the protocol is silent" in answer.note
    for question in overlaid.rules.catalogue:
        answer = ask(overlaid.corpus, overlaid.rules, question, "ourtown")
        assert answer.verdict == "not-covered" and answer.cites == ()
        assert "Ourtown Town Council" in answer.reasons[0] and "have not been written yet" in answer.reasons[0]


def test_built_in_councils_answer_as_before(model, overlaid):
    params = {"about": "head-of-service", "stage": "formal"}
    before = route(model.corpus, model.routing, "member-concern-about-officer", "allerdale", params)
    after = route(overlaid.corpus, overlaid.routing, "member-concern-about-officer", "allerdale", params)
    assert after == before and after.covered
    answers = route_all(overlaid.corpus, overlaid.routing, "member-concern-about-officer", params)
    assert [a.council for a in answers][-1] == "ourtown" and len(answers) == len(model.corpus.councils) + 1
    verdicts = ask_all(overlaid.corpus, overlaid.rules, "criticise-officer-in-public")
    assert verdicts[-1].verdict == "not-covered"


def test_imported_council_appears_in_search_and_the_coverage_matrix(overlaid, imported):
    hits = SearchIndex(overlaid.corpus).search("criticise officers public meeting", council="ourtown")
    assert hits and hits[0].id == "ourtown:1.2"
    table = coverage(overlaid.corpus)
    assert any("ourtown:1.1" in ids for topic in table.values() for slug, ids in topic.items() if slug == "ourtown")


def test_checklist_lists_every_catalogue_entry_still_to_fill_in(overlaid, model):
    todo = checklist(overlaid, "ourtown")
    assert [k for k, _, _ in todo].count("route") == len(model.routing.catalogue)
    assert [k for k, _, _ in todo].count("question") == len(model.rules.catalogue)
    assert ("route", "member-concern-about-officer", model.routing.catalogue["member-concern-about-officer"].label) \
        in todo
    assert checklist(overlaid, "maldon") == []
    with pytest.raises(ImportProblem):
        checklist(overlaid, "nowhere")


def test_a_written_imported_folder_keeps_its_checklist_until_rules_are_written(tmp_path, model):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    corpus = load_corpus(content)
    write_content_folder(import_text(TEXT, slug="ourtown", name="Ourtown Town Council", corpus=corpus), corpus,
                         content)
    loaded = load_model(content)
    assert len(checklist(loaded, "ourtown")) == len(model.routing.catalogue) + len(model.rules.catalogue)
    answer = route(loaded.corpus, loaded.routing, "officer-concern-about-member", "ourtown")
    assert not answer.covered and is_placeholder(answer.note)


def test_a_slug_already_held_is_refused(model, imported, overlaid):
    with pytest.raises(ImportProblem) as caught:
        with_councils(overlaid, [imported])
    assert "already" in caught.value.args[0]
    clash = to_council(import_text(TEXT, slug="maldon", name="Maldon", corpus=model.corpus), model.corpus)
    with pytest.raises(ImportProblem):
        with_councils(model, [clash])
