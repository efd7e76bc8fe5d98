"""AppTest of the trainers' scenarios page: the slide, mode, quiz answers and score live in the URL and
come back from it (reload, back, forward, a shared link); slide mode shows only the slide and its controls."""

from __future__ import annotations

import pytest
from test_pages import open_page

from logic.scenarios import quiz
from logic.slides import deck

PAGE = "pages/scenarios.py"
BULLIED = "officer-feels-bullied"


@pytest.fixture(scope="module")
def bullied(model):
    return next(s for s in model.scenarios if s.slug == BULLIED)


def right_letter(question) -> str:
    return "abcdefghij"[question.options.index(question.answer)]


def wrong_letter(question) -> str:
    return "abcdefghij"[next(i for i, o in enumerate(question.options) if o != question.answer)]


def headers(app) -> list[str]:
    return [h.value for h in app.header]


def test_the_step_in_the_url_opens_that_slide_and_next_writes_the_next(app):
    open_page(app, PAGE, council="maldon", scenario=BULLIED, step="3")
    assert headers(app) == ["What the protocols say"]
    app.button(key="scn_next").click().run()
    assert headers(app) == ["The route as a flowchart"]
    assert app.query_params["step"] == "4"
    app.button(key="scn_previous").click().run()
    app.button(key="scn_previous").click().run()
    assert headers(app) == ["Discuss"] and app.query_params["step"] == "2"


def test_moves_made_after_entering_slides_from_step_through_stay_made(app):
    """The pickers drawn in step-through are hidden in slides, and Streamlit forgets a widget's value after
    a run that does not draw it: the page must not then reseed from the URL and undo each move."""
    open_page(app, PAGE, council="maldon", scenario=BULLIED, step="2")
    app.button(key="scn_slides").click().run()
    assert app.query_params["mode"] == "present" and app.query_params["step"] == "2"
    for expected in ("3", "4"):
        app.button(key="scn_next").click().run()
        assert app.query_params["step"] == expected
    app.button(key="scn_previous_pageup").click().run()
    assert app.query_params["step"] == "3" and headers(app) == ["What the protocols say"]
    app.button(key="scn_exit_escape").click().run()
    assert "mode" not in app.query_params and app.query_params["step"] == "3"


def test_back_and_forward_rerun_with_the_older_url_and_the_page_follows_it(app):
    open_page(app, PAGE, council="maldon", scenario=BULLIED, mode="present", step="2")
    app.button(key="scn_next").click().run()
    assert app.query_params["step"] == "3"
    app.query_params["step"] = "2"  # what the browser's back button does: the page reruns with the older URL
    app.run()
    assert headers(app) == ["Discuss"]
    assert app.query_params["step"] == "2" and app.query_params["mode"] == "present"


def test_slide_mode_shows_only_the_slide_and_its_controls(app):
    open_page(app, PAGE, council="maldon", scenario=BULLIED, mode="present", step="4")
    assert headers(app) == ["The route as a flowchart"]
    assert not app.main.selectbox and not app.main.get("segmented_control")
    assert not app.get("download_button")  # no DOT/SVG/PNG or card downloads on a slide
    assert not [c for c in app.caption if "Picture downloads" in c.value]
    assert app.get("graphviz_chart")
    labels = [b.label for b in app.main.button]
    assert labels[:3] == ["Previous", "Next", "Exit slides"]
    # The clicker's other keys are buttons too (hidden by the stylesheet): PageUp, PageDown, Space.
    assert {"Next (Page Down)", "Previous (Page Up)", "Next (Space)"} <= set(labels)


def test_the_slide_chart_is_the_compact_one_and_step_through_keeps_the_downloads(app, model, bullied):
    from logic.flowchart import route_dot
    from logic.scenarios import outcome

    answer = outcome(model, bullied.links[0], "maldon")
    open_page(app, PAGE, council="maldon", scenario=BULLIED, mode="present", step="4")
    assert app.get("graphviz_chart")[0].proto.spec == route_dot(model, answer, slide=True)
    app.button(key="scn_slides").click().run()
    assert app.get("graphviz_chart")[0].proto.spec == route_dot(model, answer)
    assert "Download DOT" in [b.label for b in app.get("download_button")]


def test_exit_slides_goes_back_to_step_through_on_the_same_slide(app):
    open_page(app, PAGE, council="maldon", scenario=BULLIED, mode="present", step="3")
    app.button(key="scn_slides").click().run()
    assert "mode" not in app.query_params and app.query_params["step"] == "3"
    assert headers(app) == ["What the protocols say"]
    assert app.selectbox(key="scn_scenario").value == BULLIED
    app.button(key="scn_slides").click().run()
    assert app.query_params["mode"] == "present" and headers(app) == ["What the protocols say"]


@pytest.mark.parametrize(("step", "expected"), [("99", "there is no slide 99"), ("0", "there is no slide 0"),
                                                ("two", "there is no slide two"), ("²", "there is no slide ²")])
def test_a_bad_step_in_the_url_is_reported_and_the_first_slide_shown(app, step, expected):
    open_page(app, PAGE, council="maldon", scenario=BULLIED, step=step)
    assert any(expected in w.value for w in app.warning)
    assert headers(app) == ["The situation"]
    assert "step" not in app.query_params


def test_a_quiz_slide_answer_is_checked_scored_and_kept_in_the_url(app, model, bullied):
    questions = quiz(model, bullied, "thurrock")
    first_question = deck(bullied, questions).index(next(s for s in deck(bullied, questions) if s.kind == "question"))
    open_page(app, PAGE, council="thurrock", scenario=BULLIED, mode="present", step=str(first_question + 1))
    assert headers(app) == [f"Question 1 of {len(questions)}"]
    assert app.button(key="scn_check").disabled  # nothing picked yet
    app.radio[0].set_value(questions[0].options.index(questions[0].answer)).run()
    app.button(key="scn_check").click().run()
    assert app.query_params["answers"] == right_letter(questions[0]) + "-" * (len(questions) - 1)
    assert any(s.value.startswith("**Correct: ") for s in app.success)
    assert any("Score 1 of 1" in m.value for m in app.markdown)
    assert app.button(key="scn_check").label == "Hide the answer"
    app.button(key="scn_check").click().run()
    assert not app.success and app.button(key="scn_check").label == "Show the answer"


def test_answers_and_score_come_back_from_the_url_on_a_fresh_session(app, model, bullied):
    questions = quiz(model, bullied, "thurrock")
    answers = wrong_letter(questions[0]) + right_letter(questions[1])
    slides = deck(bullied, questions)
    open_page(app, PAGE, council="thurrock", scenario=BULLIED, mode="present", step=str(len(slides)),
              answers=answers, tally="3-4")
    assert headers(app) == ["Your score"]
    assert any(m.value == "1 of 2 right" for m in app.markdown)
    assert any("Score 1 of 2 · this session 4 of 6" in m.value for m in app.markdown)
    assert app.query_params["answers"] == answers and app.query_params["tally"] == "3-4"


@pytest.mark.parametrize("answers", ["zz", "a", "abc-", "<b>"])
def test_answers_that_do_not_fit_the_quiz_are_reported_and_left_out(app, answers):
    open_page(app, PAGE, council="thurrock", scenario=BULLIED, mode="quiz", answers=answers)
    assert any("answers was left out" in w.value for w in app.warning)
    assert "answers" not in app.query_params
    assert app.metric[0].value == "No answer checked yet"


@pytest.mark.parametrize("tally", ["5-3", "x-1", "1-", "99999-99999"])
def test_an_impossible_tally_is_reported_and_left_out(app, tally):
    open_page(app, PAGE, council="maldon", scenario=BULLIED, tally=tally)
    assert any("tally was left out" in w.value for w in app.warning)
    assert "tally" not in app.query_params


def test_another_scenario_adds_this_quiz_to_the_session_tally_and_starts_at_its_first_slide(app, model, bullied):
    questions = quiz(model, bullied, "maldon")
    open_page(app, PAGE, council="maldon", scenario=BULLIED, mode="quiz", step="3",
              answers=right_letter(questions[0]) + "-" * (len(questions) - 1), tally="2-3")
    app.selectbox(key="scn_scenario").set_value("cousin-on-appointment-panel").run()
    assert app.query_params["tally"] == "3-4"
    assert "answers" not in app.query_params and "step" not in app.query_params
    assert not app.warning


def test_a_council_chosen_in_the_sidebar_keeps_the_slide_and_starts_a_new_quiz_without_a_warning(app, model, bullied):
    questions = quiz(model, bullied, "thurrock")
    open_page(app, PAGE, council="thurrock", scenario=BULLIED, mode="present", step="3",
              answers=right_letter(questions[0]) + right_letter(questions[1]))
    app.selectbox(key="_council_picker").set_value("maldon").run()
    assert not app.warning
    assert app.query_params["council"] == "maldon" and app.query_params["step"] == "3"
    assert app.query_params["tally"] == "2-2" and "answers" not in app.query_params


def test_the_last_slide_leads_on_to_the_next_scenario_in_slide_mode(app, model, bullied):
    slugs = [s.slug for s in model.scenarios]
    slides = deck(bullied, quiz(model, bullied, "maldon"))
    open_page(app, PAGE, council="maldon", scenario=BULLIED, mode="present", step=str(len(slides)))
    assert app.button(key="scn_next").label == "Next scenario"
    app.button(key="scn_next").click().run()
    assert app.query_params["scenario"] == slugs[slugs.index(BULLIED) + 1]
    assert "step" not in app.query_params and app.query_params["mode"] == "present"
    assert headers(app) == ["The situation"]


def test_quiz_mode_shows_every_question_and_quotes_each_cited_clause_once(app, model):
    scenario = next(s for s in model.scenarios if s.slug == "neighbour-planning-papers")
    questions = quiz(model, scenario, "maldon")
    answers = "".join(right_letter(q) for q in questions)
    open_page(app, PAGE, council="maldon", scenario=scenario.slug, mode="quiz", answers=answers)
    assert len([m for m in app.markdown if m.value.startswith("**Question ")]) == len(questions)
    assert app.metric[0].value == f"{len(questions)} of {len(questions)}"
    anchored = [s.proto.anchor for s in app.subheader if s.proto.anchor.startswith("clause-")]
    assert anchored and len(anchored) == len(set(anchored))
