"""The truth audit: every catalogue answer has a reviewer's verdict on its current wording, and none is wrong."""

import pytest
import yaml

from logic.audit import answer_keys, answers, audit_markdown, skeleton, verdict_counts, verdict_problems

COUNCILS = ["allerdale", "county", "maldon", "parish", "thurrock"]


def test_answer_keys_cover_every_parameter_combination(model):
    keys = list(answer_keys(model))
    inspect = [k for k in keys if k.slug == "inspect-document"]
    assert len(inspect) == 3 * 2 * 2 * 2
    assert str(inspect[0]) == "question:inspect-document?basis=meeting-business&exempt=no&draft=no&other-group=no"
    assert "route:planning-case-concern" in [str(k) for k in keys]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("council", COUNCILS)
def test_every_answer_has_a_current_verdict_and_none_is_wrong(model, council):
    problems = verdict_problems(model, council)
    shown = "\n".join(problems[:30])
    assert not problems, f"{len(problems)} audit problem(s) for {council}; run `make audit`:\n{shown}"


def _record(tmp_path, council, entries):
    folder = tmp_path / "verdicts"
    folder.mkdir(exist_ok=True)
    (folder / f"{council}.yaml").write_text(yaml.safe_dump(entries), encoding="utf-8")


def test_a_changed_answer_makes_its_verdict_stale(model, tmp_path):
    first = answers(model, "maldon")[0]
    _record(tmp_path, "maldon", {str(first.key): {"verdict": "correct", "fingerprint": "0000000000"}})
    problems = verdict_problems(model, "maldon", tmp_path)
    assert f"{first.key}: stale verdict (answer is now {first.fingerprint}, verdict was on 0000000000); " \
           "read it again" in problems


def test_wrong_verdicts_and_missing_notes_are_reported(model, tmp_path):
    first, second = answers(model, "parish")[:2]
    _record(tmp_path, "parish", {
        str(first.key): {"verdict": "wrong", "fingerprint": first.fingerprint, "note": "cites the wrong clause"},
        str(second.key): {"verdict": "defensible", "fingerprint": second.fingerprint},
        "route:no-such-scenario": {"verdict": "correct", "fingerprint": "x"},
    })
    problems = verdict_problems(model, "parish", tmp_path)
    assert f"{first.key}: still wrong: cites the wrong clause" in problems
    assert f"{second.key}: a 'defensible' verdict needs a note saying why" in problems
    assert "route:no-such-scenario: verdict for an answer that no longer exists" in problems
    counts = verdict_counts(model, "parish", tmp_path)
    assert counts["wrong"] == 1 and counts["defensible"] == 1 and counts["missing"] == counts["answers"] - 2


def test_skeleton_lists_only_missing_or_stale_answers(model, tmp_path):
    first = answers(model, "county")[0]
    _record(tmp_path, "county", {str(first.key): {"verdict": "correct", "fingerprint": first.fingerprint}})
    entries = yaml.safe_load(skeleton(model, "county", tmp_path))
    assert str(first.key) not in entries
    assert len(entries) == len(answers(model, "county")) - 1
    assert all(e["verdict"] == "todo" and len(e["fingerprint"]) == 10 for e in entries.values())


def test_audit_file_quotes_the_cited_clause_beside_the_answer(model, tmp_path):
    text = audit_markdown(model, "thurrock", tmp_path)
    assert text.startswith("# Audit: Thurrock Council")
    at = text.index("`route:member-concern-about-officer?about=officer&stage=formal`")
    after = text[at:]
    assert "copied to Monitoring Officer" in after.split("### Answer")[0]
    assert "> Members should make any formal complaints about Officers to the relevant Director" in after
