"""The validator catches each class of content error, names the file, and reports all at once."""

import shutil
from pathlib import Path

import pytest
import yaml

from logic.cli import main
from logic.content import ContentError
from logic.model import load_model

FIXTURES = Path(__file__).parent / "fixtures"
VALID = FIXTURES / "valid"
BROKEN = yaml.safe_load((FIXTURES / "broken_cases.yaml").read_text(encoding="utf-8"))


def make_broken(tmp_path: Path, case: dict) -> Path:
    root = tmp_path / "content"
    shutil.copytree(VALID, root)
    target = root / case["file"]
    if "copy_from" in case:
        shutil.copy(root / case["copy_from"], target)
    elif "write" in case:
        target.write_text(case["write"], encoding="utf-8")
    else:
        old, new = case["replace"]
        text = target.read_text(encoding="utf-8")
        assert old in text, f"fixture edit for {case['name']!r} no longer applies"
        target.write_text(text.replace(old, new), encoding="utf-8")
    return root


def test_valid_fixture_loads():
    model = load_model(VALID)
    assert list(model.corpus.councils) == ["testshire"]
    assert [c.id for c in model.corpus.all_clauses()] == ["testshire:1.1", "testshire:2.1", "testshire:2.2"]


@pytest.mark.parametrize("case", BROKEN, ids=[c["name"] for c in BROKEN])
def test_broken_fixture_is_reported_with_its_file(tmp_path, case):
    root = make_broken(tmp_path, case)
    with pytest.raises(ContentError) as caught:
        load_model(root)
    expected_file = case.get("expect_file", case["file"])
    matching = [p for p in caught.value.problems if case["message"] in p.message]
    assert matching, [str(p) for p in caught.value.problems]
    assert any(expected_file in p.path for p in matching), [str(p) for p in matching]
    if "line" in case:
        assert any(p.line == case["line"] for p in matching)
    assert all(p.fix or "YAML" in p.message or p.message for p in matching)


@pytest.mark.parametrize("case", BROKEN, ids=[c["name"] for c in BROKEN])
def test_cli_validate_exits_1_naming_the_file(tmp_path, case, capsys):
    root = make_broken(tmp_path, case)
    assert main(["validate", "--content", str(root)]) == 1
    err = capsys.readouterr().err
    assert case.get("expect_file", case["file"]).split("/")[0] in err
    assert case["message"] in err


def test_all_problems_are_reported_at_once(tmp_path):
    root = make_broken(tmp_path, BROKEN[1])  # unknown topic
    (root / "glossary.yaml").write_text(
        (root / "glossary.yaml").read_text().replace("[testshire:2.1]", "[testshire:9.9]"))
    (root / "testshire/clauses/003-2.2.md").write_text("no front matter\n")
    with pytest.raises(ContentError) as caught:
        load_model(root)
    messages = " | ".join(p.message for p in caught.value.problems)
    assert "unknown topic" in messages and "no YAML front matter" in messages
    assert "cites missing clause 'testshire:9.9'" in messages


def test_error_names_how_to_fix(tmp_path):
    root = make_broken(tmp_path, BROKEN[1])
    with pytest.raises(ContentError) as caught:
        load_model(root)
    text = str(caught.value)
    assert "content/testshire/clauses/002-2.1.md" in text
    assert "Fix: Use a slug from content/topics.yaml" in text
