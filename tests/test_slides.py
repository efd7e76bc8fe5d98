"""logic/slides.py (a scenario's deck; quiz answers and tally as URL values) and the slide flowchart."""

from __future__ import annotations

import pytest

from logic.flowchart import route_dot
from logic.scenarios import outcome, quiz
from logic.slides import (
    add,
    answers_text,
    deck,
    is_right,
    read_answers,
    read_step,
    read_tally,
    score,
    tally_text,
)


@pytest.fixture(scope="module")
def scenario(model):
    return next(s for s in model.scenarios if s.slug == "cabinet-member-wants-recommendation-changed")


@pytest.fixture(scope="module")
def questions(model, scenario):
    return quiz(model, scenario, "maldon")


def test_deck_orders_situation_discussion_outcomes_flowcharts_questions_and_score(scenario, questions):
    slides = deck(scenario, questions)
    kinds = [s.kind for s in slides]
    routes = [link for link in scenario.links if link.kind == "route"]
    assert kinds == (["situation", "discuss"] + ["protocols"] * len(scenario.links) + ["flowchart"] * len(routes)
                     + ["question"] * len(questions) + ["score"])
    assert [s.link for s in slides if s.kind == "protocols"] == list(scenario.links)
    assert [s.question for s in slides if s.kind == "question"] == list(range(len(questions)))
    assert slides[-2].title == f"Question {len(questions)} of {len(questions)}"


def test_a_scenario_without_questions_has_no_score_slide(scenario):
    assert [s.kind for s in deck(scenario, [])][-1] == "flowchart"


def test_answers_round_trip_through_their_url_value(questions):
    chosen = (1,) + (None,) * (len(questions) - 1)
    text = answers_text(chosen)
    assert text == "b" + "-" * (len(questions) - 1)
    assert read_answers(text, questions) == chosen
    assert answers_text((None,) * len(questions)) == ""
    assert read_answers("", questions) is None and read_answers(None, questions) is None


@pytest.mark.parametrize("make", [lambda n: "a" * (n - 1), lambda n: "a" * (n + 1), lambda n: "z" * n,
                                  lambda n: "A" * n, lambda n: "<" * n, lambda n: "é" * n],
                         ids=["too-short", "too-long", "no-such-option", "capital", "markup", "non-ascii"])
def test_answers_that_do_not_fit_the_quiz_are_refused(questions, make):
    with pytest.raises(ValueError):
        read_answers(make(len(questions)), questions)


def test_score_counts_only_the_right_options_of_answered_questions(questions):
    right = [q.options.index(q.answer) for q in questions]
    wrong = [next(i for i, o in enumerate(q.options) if o != q.answer) for q in questions]
    assert score(questions, tuple(right)) == (len(questions), len(questions))
    assert score(questions, (wrong[0],) + (None,) * (len(questions) - 1)) == (0, 1)
    assert is_right(questions[0], right[0]) and not is_right(questions[0], None)


@pytest.mark.parametrize(("text", "slides", "expected"), [("1", 5, 0), ("5", 5, 4), (None, 5, None), ("", 5, None)])
def test_read_step_counts_slides_from_one(text, slides, expected):
    assert read_step(text, slides) == expected


@pytest.mark.parametrize("text", ["0", "6", "-1", "1.5", "two", "²", "٣"])
def test_read_step_refuses_what_is_not_a_slide(text):
    with pytest.raises(ValueError):
        read_step(text, 5)


def test_tally_round_trips_and_refuses_the_impossible():
    assert read_tally("3-5") == (3, 5) and tally_text((3, 5)) == "3-5" and tally_text((0, 0)) == ""
    assert add((3, 5), (1, 2)) == (4, 7)
    for bad in ("6-5", "3", "3-", "a-b", "-1-2", "12345-12345"):
        with pytest.raises(ValueError):
            read_tally(bad)


def test_slide_flowchart_names_everyone_in_the_step_boxes_without_title_or_action(model):
    scenario = next(s for s in model.scenarios if s.slug == "officer-feels-bullied")
    answer = outcome(model, scenario.links[0], "thurrock")
    full, slide = route_dot(model, answer), route_dot(model, answer, slide=True)
    assert 'label="Thurrock: ' in full and "label=\"Thurrock: " not in slide
    assert "Copied to: Monitoring Officer and Director" in slide and "copied to" in full
    assert "route_s1_r0" in full and "route_s1_r0" not in slide  # no side boxes on a slide
    assert answer.steps[0].action[:30] in full.replace("\n", " ") and answer.steps[0].action[:30] not in slide
    assert "[12.3, 14.1]" in slide and "thurrock:12.3" not in slide
    assert slide == route_dot(model, answer, slide=True)  # deterministic
