"""One fact, one answer everywhere: coverage, routes, rules, the differences table and the quizzes agree.

These run over every council, every catalogue answer (every parameter combination), every
differences cell and every quiz item, with no list of exceptions.
"""

import re

import pytest

from logic.audit import answers
from logic.compare import coverage, differences
from logic.permissions import Answer
from logic.routing import first_contact, roles_in
from logic.scenarios import NO_LIMIT, NOT_COVERED, outcome, quiz

COUNCILS = ["allerdale", "county", "maldon", "parish", "thurrock"]
# A clause number as a note or reason names it: 13.1, 3.4.1, dr-2.2, 5.2(a), 4(h).
CLAUSE_MENTION = re.compile(
    r"(?<![\w.-])((?:dr-)?\d{1,2}(?:\.\d{1,2}){1,2}(?:\([a-z]{1,3}\))?|\d{1,2}\([a-z]\))(?![\w.])")


def _entry(model, kind, slug):
    return (model.routing.catalogue if kind == "route" else model.rules.catalogue)[slug]


def _topics_of(model, cites):
    return {t for c in cites for t in model.corpus.resolve(c).topics}


def _words_of(result):
    if isinstance(result, Answer):
        return " ".join(result.reasons)
    steps = result.steps
    return " ".join([result.note, result.scope, *(s.action for s in steps), *(s.condition for s in steps)])


@pytest.mark.parametrize("council", COUNCILS)
def test_every_covered_answer_cites_a_clause_on_its_topic(model, council):
    """So coverage can never call a topic a gap while a route or rule answers from it."""
    wrong = []
    for answer in answers(model, council):
        entry = _entry(model, answer.key.kind, answer.key.slug)
        if answer.cites and not _topics_of(model, answer.cites) & set(entry.topics):
            wrong.append(f"{answer.key} cites {', '.join(answer.cites)}, none tagged {' or '.join(entry.topics)}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("council", COUNCILS)
def test_every_clause_an_answer_names_is_cited_and_silence_names_none(model, council):
    wrong = []
    for answer in answers(model, council):
        for number in CLAUSE_MENTION.findall(_words_of(answer.result)):
            clause = model.corpus.resolve(f"{council}:{number}")
            if clause is None:
                wrong.append(f"{answer.key} names {number}, which is not a {council} clause")
            elif not answer.cites:
                wrong.append(f"{answer.key} is not covered but names {number}")
            elif clause.id not in {model.corpus.resolve(c).id for c in answer.cites}:
                wrong.append(f"{answer.key} names {number} without citing it")
    assert not wrong, "\n".join(sorted(set(wrong)))


def test_every_differences_cell_rests_on_a_clause_tagged_with_the_rows_topic(model):
    table = coverage(model.corpus)
    wrong = []
    for row in differences(model):
        entry = _entry(model, "route" if row.spec.kind == "route" else "question", row.spec.entry)
        for council, cell in row.cells.items():
            if not cell.covered:
                continue
            if not _topics_of(model, cell.cites) & set(entry.topics):
                wrong.append(f"{row.spec.id}/{council}: {cell} cites no clause tagged {entry.topics}")
            if not any(table[t][council] for t in entry.topics):
                wrong.append(f"{row.spec.id}/{council}: answered, but coverage shows {entry.topics} as gaps")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("council", COUNCILS)
def test_a_topic_a_council_covers_is_used_by_the_answers_that_deal_with_it(model, council):
    """Where every clause on a topic bears on some catalogue entries (their ``answers_topic``), a council with
    clauses on that topic answers from at least one of them: a covered topic is never "not covered" everywhere."""
    table = coverage(model.corpus)
    cited_by_entry = {}
    for answer in answers(model, council):
        cited_by_entry.setdefault(answer.key.slug, set()).update(model.corpus.resolve(c).id for c in answer.cites)
    by_topic = {}
    for catalogue in (model.routing.catalogue, model.rules.catalogue):
        for slug, entry in catalogue.items():
            if entry.answers_topic:
                by_topic.setdefault(entry.answers_topic, []).append(slug)
    wrong = []
    for topic, slugs in by_topic.items():
        tagged = set(table[topic][council])
        if tagged and not tagged & set().union(*(cited_by_entry.get(s, set()) for s in slugs)):
            wrong.append(f"{council} has {topic} clauses ({', '.join(sorted(tagged))}) but no answer to "
                         f"{', '.join(slugs)} cites any of them")
    assert not wrong, "\n".join(wrong)


def _quiz_items(model):
    for scenario in model.scenarios:
        for council in COUNCILS:
            for question in quiz(model, scenario, council):
                yield scenario, council, question


def test_every_quiz_item_has_exactly_one_right_option(model):
    wrong = []
    for scenario, council, question in _quiz_items(model):
        where = f"{scenario.slug}/{council}/{question.kind}"
        if question.options.count(question.answer) != 1 or len(set(question.options)) != len(question.options):
            wrong.append(f"{where}: options {question.options} answer {question.answer}")
        if question.kind in ("first-contact", "copied"):
            right = dict(question.option_roles)[question.answer]
            others = [(o, roles) for o, roles in question.option_roles if o != question.answer]
            involved = roles_in(outcome(model, question.link, council)) if question.answer != NOT_COVERED else set()
            involved |= {v for v in question.link.params.values() if v in model.corpus.roles}
            for option, roles in others:
                if roles & (involved | right):
                    wrong.append(f"{where}: wrong option {option!r} names someone the route involves")
        if question.kind == "time-limit":
            right_limits = question.answer.removeprefix("Within ")
            for option in question.options:
                if option not in (question.answer, NO_LIMIT) and option.removeprefix("Within ") in right_limits:
                    wrong.append(f"{where}: wrong option {option!r} is one of the route's limits")
    assert not wrong, "\n".join(wrong)


def test_quiz_first_contact_is_who_the_asker_goes_to_not_the_asker(model):
    """The person asking is never the answer; a councillor's complaint about an officer is never answered
    with the officer complained about helping "where necessary"."""
    for scenario, council, question in _quiz_items(model):
        if question.kind != "first-contact" or question.answer == NOT_COVERED:
            continue
        result = outcome(model, question.link, council)
        asker = model.routing.catalogue[question.link.slug].asker_for(result.params)
        contact = first_contact(result, asker)
        assert asker not in contact.roles, (scenario.slug, council)
        assert question.answer == contact.in_words
        assert not contact.step.condition.lower().startswith("where necessary"), (scenario.slug, council)
