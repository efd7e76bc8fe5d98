"""Named decision-table cases per council (tests/cases/<slug>.yaml), in the ALKiln spirit:
one human-named case per row, run against the routing and permission engines."""

from pathlib import Path

import pytest
import yaml

from logic.permissions import ask
from logic.routing import route

CASE_DIR = Path(__file__).parent / "cases"


def _cases():
    for path in sorted(CASE_DIR.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            yield pytest.param(path.stem, case, id=case["name"])


def _normalise(value):
    return {True: "yes", False: "no"}.get(value, value) if isinstance(value, bool) else value


@pytest.mark.parametrize(("council", "case"), list(_cases()))
def test_named_case(model, council, case):
    expect = case["expect"]
    params = {k: _normalise(v) for k, v in (case.get("params") or {}).items()}
    if "route" in case:
        answer = route(model.corpus, model.routing, case["route"], council, params)
        assert answer.covered is expect.get("covered", True), answer.note
        if "actors" in expect:
            assert [s.actor for s in answer.steps] == expect["actors"]
        if "recipients" in expect:  # [[role, how], ...] over every step, in order
            assert [[r.role, r.how] for s in answer.steps for r in s.recipients] == expect["recipients"]
        if "parallel" in expect:  # the step numbers that run alongside the step before
            assert [s.number for s in answer.steps if s.parallel] == expect["parallel"]
        if "scope" in expect:
            assert expect["scope"] in answer.scope
        for words in expect.get("note_mentions", []):
            assert words in answer.note, answer.note
        for words in expect.get("actions_mention", []):
            assert any(words in s.action for s in answer.steps), [s.action for s in answer.steps]
        if "limits" in expect:  # every time limit in words, e.g. ["7 days; 3 working days if ..."]
            assert [s.limits_text for s in answer.steps if s.limits_text] == expect["limits"]
        cited = set(answer.cites)  # the steps' cites and the note's
        if not answer.covered:
            assert not cited
    else:
        answer = ask(model.corpus, model.rules, case["ask"], council, params)
        assert answer.verdict == _normalise(expect["verdict"]), answer.reasons
        cited = set(answer.cites)
        for words in expect.get("reasons_mention", []):
            assert any(words in reason for reason in answer.reasons), answer.reasons
    assert set(expect.get("cites", [])) <= cited
    assert all(c.startswith(f"{council}:") for c in cited)


def test_every_council_has_named_cases(model):
    assert sorted(p.stem for p in CASE_DIR.glob("*.yaml")) == sorted(model.corpus.councils)
