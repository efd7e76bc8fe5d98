"""Routing engine, deadlines and flowcharts, tested on real outputs."""

import datetime as dt
import re

import pytest

from logic.decisions import ParameterError
from logic.flowchart import render, renderer_available, route_dot, scenario_tree_dot
from logic.routing import TimeLimit, add_time_limit, deadlines, route, route_all

COUNCILS = ["allerdale", "county", "maldon", "parish", "thurrock"]


def test_every_scenario_is_answered_for_every_council_citing_only_its_own_clauses(model):
    for scenario in model.routing.catalogue:
        for council in COUNCILS:
            answer = route(model.corpus, model.routing, scenario, council)
            cites = [c for s in answer.steps for c in s.cites]
            assert all(c.startswith(f"{council}:") for c in cites), (scenario, council)
            assert answer.covered == bool(answer.steps)
            assert answer.covered or answer.note, (scenario, council)


def test_allerdale_routes_by_seniority(model):
    def first(about):
        return route(model.corpus, model.routing, "member-concern-about-officer", "allerdale",
                     {"about": about, "stage": "formal"}).steps[0].actor_label
    assert first("officer") == "Head of Service"
    assert first("head-of-service") == "Corporate Director"
    assert first("corporate-director") == "Chief Executive"
    assert first("chief-executive") == "Monitoring Officer"


def test_maldon_informal_route_escalates_with_a_seven_day_limit(model):
    answer = route(model.corpus, model.routing, "member-concern-about-officer", "maldon", {"stage": "informal"})
    assert [s.actor for s in answer.steps][:3] == ["member", "officer", "director"]
    assert answer.steps[1].within == "7 days"
    assert "maldon:dr-2.2" in answer.steps[1].cites


def test_silent_protocol_says_not_covered_and_cites_nothing(model):
    answer = route(model.corpus, model.routing, "information-access-dispute", "parish")
    assert answer.covered is False and answer.steps == ()
    assert "not" in answer.note.lower()
    assert answer.as_dict()["steps"] == []


def test_route_uses_the_councils_own_titles(model):
    answer = route(model.corpus, model.routing, "officer-concern-about-member", "maldon", {"stage": "formal"})
    labels = [s.actor_label for s in answer.steps]
    assert labels == ["Officer", "Monitoring Officer", "Standards Committee"]


def test_assumptions_come_first_from_defaults(model):
    answer = route(model.corpus, model.routing, "member-concern-about-officer", "thurrock")
    assert answer.assumptions == ("the officer has no particular seniority", "you want to raise it informally first")


@pytest.mark.parametrize(("scenario", "council", "params", "message"), [
    ("no-such-scenario", "maldon", {}, "unknown scenario 'no-such-scenario'; valid scenarios: member-concern"),
    ("member-concern-about-officer", "atlantis", {}, "unknown council 'atlantis'; valid councils: allerdale"),
    ("member-concern-about-officer", "maldon", {"stage": "urgent"}, "choose one of: informal, formal"),
    ("member-concern-about-officer", "maldon", {"colour": "red"}, "has no parameter 'colour'; its parameters: about"),
    ("planning-case-concern", "maldon", {"stage": "formal"}, "its parameters: none"),
])
def test_parameter_validation_lists_valid_values(model, scenario, council, params, message):
    with pytest.raises(ParameterError) as caught:
        route(model.corpus, model.routing, scenario, council, params)
    assert message in str(caught.value)


def test_route_all_gives_five_councils_in_order(model):
    answers = route_all(model.corpus, model.routing, "personal-relationship", {"party": "officer"})
    assert [a.council for a in answers] == COUNCILS


# ------------------------------------------------------------------ deadlines


def test_working_days_skip_weekends_and_english_bank_holidays():
    # Friday 18 Dec 2026 + 3 working days: Mon 21, Tue 22, Wed 23 Dec.
    assert add_time_limit(dt.date(2026, 12, 18), TimeLimit(3, working=True)) == dt.date(2026, 12, 23)
    # Wed 23 Dec + 3 working days skips Christmas (Fri 25) and Boxing Day substitute (Mon 28).
    assert add_time_limit(dt.date(2026, 12, 23), TimeLimit(3, working=True)) == dt.date(2026, 12, 30)
    # Calendar days do not skip anything.
    assert add_time_limit(dt.date(2026, 12, 23), TimeLimit(7, working=False)) == dt.date(2026, 12, 30)


def test_deadlines_for_a_route(model):
    answer = route(model.corpus, model.routing, "member-concern-about-officer", "maldon", {"stage": "informal"})
    dated = deadlines(answer, dt.date(2026, 11, 23))
    assert dated[1][1] == dt.date(2026, 11, 30)
    assert dated[0][1] is None


# ------------------------------------------------------------------ flowcharts


def test_route_dot_has_numbered_role_boxes_and_clause_ids(model):
    answer = route(model.corpus, model.routing, "member-concern-about-officer", "allerdale",
                   {"about": "head-of-service", "stage": "formal"})
    dot = route_dot(model, answer)
    assert re.search(r'route_s1 \[label="1\. Corporate Director\n', dot)
    assert "[allerdale:10.1]" in dot
    assert "start -> route_s1" in dot
    assert dot == route_dot(model, answer)  # deterministic


def test_scenario_tree_has_decisions_and_highlights_the_chosen_path(model):
    answer = route(model.corpus, model.routing, "member-concern-about-officer", "allerdale",
                   {"about": "corporate-director", "stage": "formal"})
    dot = scenario_tree_dot(model, "allerdale", "member-concern-about-officer", answer)
    assert dot.count("shape=diamond") >= 4
    assert re.search(r'd0 -> d1 \[label=No color="#0b3d91" penwidth=3', dot)  # path goes past the first question
    assert re.search(r'd1 -> c1_s1 \[label=Yes color="#0b3d91" penwidth=3', dot)  # and takes the second
    assert re.search(r'd0 -> c0_s1 \[label=Yes color="#505a5f"\]', dot)  # the untaken branch is muted
    assert 'c1_s1 [label="1. Chief Executive' in dot


def test_not_covered_route_draws_a_dashed_note(model):
    answer = route(model.corpus, model.routing, "officer-employment-issue", "county")
    assert not answer.covered
    dot = route_dot(model, answer)
    assert "not_covered" in dot and "style=dashed" in dot and "->" in dot


def test_svg_render_when_dot_binary_present(model):
    answer = route(model.corpus, model.routing, "personal-relationship", "maldon", {"party": "officer"})
    assert renderer_available(), "CI installs graphviz; the SVG/PNG export path must be exercised"
    svg = render(route_dot(model, answer), "svg").decode()
    assert "<svg" in svg and "Head of Paid Service" in svg
    assert render(route_dot(model, answer), "png").startswith(b"\x89PNG")


def test_renderer_absent_is_detected(monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    assert renderer_available() is False


# ------------------------------------------------------------------ people copied in, told, and parallel steps


def _route_from_yaml(model, tmp_path, steps_yaml: str):
    """Evaluate a one-case route written in YAML for a copy of the bundled content (no repo files change)."""
    import shutil

    from logic.model import load_model

    root = tmp_path / "content"
    shutil.copytree(model.corpus.root, root)
    path = root / "maldon" / "routes.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("party-group-advice-difficulty:")
    end = text.index("\n\n", start)
    path.write_text(text[:start] + "party-group-advice-difficulty:\n  - steps:\n" + steps_yaml + text[end:],
                    encoding="utf-8")
    copy = load_model(root)
    return copy, route(copy.corpus, copy.routing, "party-group-advice-difficulty", "maldon")


def test_recipients_are_shown_with_the_councils_titles_and_in_words(model):
    answer = route(model.corpus, model.routing, "member-concern-about-officer", "thurrock", {"stage": "formal"})
    first = answer.steps[0]
    assert first.actor == "member"
    assert [(r.role, r.how) for r in first.recipients] == [
        ("director", "sent"), ("chief-executive", "sent"), ("monitoring-officer", "copied")]
    assert first.reaches == "to Director or Chief Executive; copied to Monitoring Officer"


def test_flowchart_draws_a_copied_in_person_as_their_own_dashed_box(model):
    answer = route(model.corpus, model.routing, "member-concern-about-officer", "thurrock", {"stage": "formal"})
    dot = route_dot(model, answer)
    assert re.search(r'route_s1_r0 \[label="Monitoring Officer" shape=box style="rounded,dashed"\]', dot)
    assert re.search(r'route_s1 -> route_s1_r0 \[label="copied to"', dot)
    assert "To: Director or Chief Executive" in dot


def test_parallel_step_leaves_from_the_same_place_and_counts_time_from_the_same_day(model, tmp_path):
    copy, answer = _route_from_yaml(model, tmp_path, """\
      - actor: member
        action: Tells their Group Leader.
        recipients: [{role: group-leader, how: told}]
        within: {days: 7}
        cites: [maldon:5.1]
      - actor: officer
        parallel: true
        action: Tells the Head of Paid Service.
        within: {days: 3}
        recipients: [{role: head-of-paid-service, how: told}]
        cites: [maldon:5.1]
      - actor: group-leader
        action: Considers the implications.
        within: {days: 2}
        cites: [maldon:5.1]
""")
    assert [s.parallel for s in answer.steps] == [False, True, False]
    dot = route_dot(copy, answer)
    assert "start -> route_s1 " in dot and "start -> route_s2 " in dot  # both start at once
    assert 'label="At the same time"' in dot
    dated = [due for _, due in deadlines(answer, dt.date(2026, 11, 2))]  # Monday
    # 7 and 3 days both count from 2 Nov; the next step counts from the later of the two (9 Nov).
    assert dated == [dt.date(2026, 11, 9), dt.date(2026, 11, 5), dt.date(2026, 11, 11)]


def test_a_second_time_limit_in_the_same_clause_is_kept(model, tmp_path):
    _, answer = _route_from_yaml(model, tmp_path, """\
      - actor: officer
        action: Responds to the member.
        within: {days: 7}
        also_within: [{working_days: 3, applies: if the concern was sent by email}]
        cites: [maldon:dr-2.2]
""")
    step = answer.steps[0]
    assert step.limits_text == "7 days; 3 working days if the concern was sent by email"
    assert answer.as_dict()["steps"][0]["other_limits"] == ["3 working days if the concern was sent by email"]
