"""Permission engine and the trainers' scenario library, tested on real outputs."""

import pytest

from logic.decisions import ParameterError
from logic.export import to_markdown, to_pdf
from logic.permissions import VERDICTS, ask, ask_all
from logic.scenarios import card_blocks, outcome, summary

COUNCILS = ["allerdale", "county", "maldon", "parish", "thurrock"]


def test_every_question_is_answered_for_every_council_citing_only_its_own_clauses(model):
    for question in model.rules.catalogue:
        for council in COUNCILS:
            answer = ask(model.corpus, model.rules, question, council)
            assert answer.verdict in VERDICTS
            assert all(c.startswith(f"{council}:") for c in answer.cites), (question, council)
            assert (answer.verdict == "not-covered") == (not answer.cites), (question, council)
            assert answer.reasons


def test_maldon_and_thurrock_draw_the_appointment_line_at_director(model):
    for council in ("maldon", "thurrock"):
        below = ask(model.corpus, model.rules, "member-role-in-appointment", council, {"post": "officer"})
        director = ask(model.corpus, model.rules, "member-role-in-appointment", council, {"post": "director"})
        related = ask(model.corpus, model.rules, "member-role-in-appointment", council,
                      {"post": "director", "related": "yes"})
        assert (below.verdict, director.verdict, related.verdict) == ("no", "yes", "no")


def test_group_advice_is_shared_in_maldon_and_thurrock_but_confidential_in_the_county(model):
    verdicts = {a.council: a.verdict for a in ask_all(model.corpus, model.rules, "share-group-advice")}
    assert verdicts["maldon"] == "yes" and verdicts["thurrock"] == "yes"
    assert verdicts["county"] == "no"


def test_curiosity_is_not_need_to_know(model):
    for council in ("county", "maldon", "allerdale"):
        curiosity = ask(model.corpus, model.rules, "inspect-document", council, {"basis": "curiosity"})
        assert curiosity.verdict == "no", council


def test_statutory_right_and_need_to_know_are_different_routes(model):
    meeting = ask(model.corpus, model.rules, "inspect-document", "county", {"basis": "meeting-business"})
    need = ask(model.corpus, model.rules, "inspect-document", "county", {"basis": "need-to-know"})
    assert (meeting.verdict, need.verdict) == ("yes", "conditional")
    assert set(meeting.cites) != set(need.cites)


def test_answer_starts_from_assumptions(model):
    answer = ask(model.corpus, model.rules, "member-role-in-appointment", "maldon")
    assert answer.as_dict()["assumptions"] == ["the post is below senior management level",
                                               "you are not related to or close to any candidate"]


@pytest.mark.parametrize(("params", "message"), [
    ({"post": "mayor"}, "'mayor' is not a valid post for 'member-role-in-appointment'; choose one of: officer,"),
    ({"related": "perhaps"}, "choose one of: no, yes"),
    ({"salary": "1"}, "has no parameter 'salary'; its parameters: post, related"),
])
def test_question_parameter_validation(model, params, message):
    with pytest.raises(ParameterError) as caught:
        ask(model.corpus, model.rules, "member-role-in-appointment", "maldon", params)
    assert message in str(caught.value)


def test_yaml_booleans_are_read_as_words(model):
    answer = ask(model.corpus, model.rules, "member-role-in-appointment", "thurrock", {"related": True})
    assert answer.params["related"] == "yes"


# ------------------------------------------------------------------ scenarios and quiz


def test_scenario_library_covers_every_route_and_question(model):
    assert len(model.scenarios) >= 15
    used = {(link.kind, link.slug) for s in model.scenarios for link in s.links}
    assert {("route", r) for r in model.routing.catalogue} <= used
    assert {("question", q) for q in model.rules.catalogue} <= used


def test_scenario_card_quotes_each_councils_outcome(model):
    scenario = next(s for s in model.scenarios if s.slug == "cousin-on-appointment-panel")
    markdown = to_markdown(card_blocks(model, scenario))
    assert markdown.startswith(f"# {scenario.title}")
    for council in model.corpus.councils.values():
        assert f"{council.short_name}: " in markdown
    first = scenario.links[0]
    assert summary(outcome(model, first, "maldon")) in markdown
    assert all(c in markdown for c in outcome(model, first, "maldon").cites)
    assert to_pdf(card_blocks(model, scenario)).startswith(b"%PDF")
