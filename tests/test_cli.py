"""The command-line contract: JSON shapes, human text, exit codes 0/1/2, options before or after."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from logic.cli import main

ROOT = Path(__file__).resolve().parent.parent
VALID = ROOT / "tests" / "fixtures" / "valid"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_bundled_content(capsys):
    code, out, _ = run(capsys, "validate", "--json")
    data = json.loads(out)
    assert code == 0 and data["valid"] is True and data["clauses"] == 227
    assert data["councils"] == {"allerdale": 51, "county": 57, "maldon": 43, "parish": 23, "thurrock": 53}


def test_clauses_json_shape_and_council_filter(capsys):
    code, out, _ = run(capsys, "clauses", "--council", "parish", "--json")
    clauses = json.loads(out)["clauses"]
    assert code == 0 and len(clauses) == 23
    assert set(clauses[0]) == {"id", "council", "number", "section", "title", "topics", "text"}
    assert clauses[0]["id"] == "parish:1.1" and clauses[0]["section"] == "Reason for policy"


def test_global_options_before_or_after_the_subcommand(capsys):
    before = run(capsys, "--json", "--content", str(VALID), "clauses")
    after = run(capsys, "clauses", "--content", str(VALID), "--json")
    assert before == after and before[0] == 0
    assert [c["id"] for c in json.loads(before[1])["clauses"]] == ["testshire:1.1", "testshire:2.1", "testshire:2.2"]


def test_route_json_contract(capsys):
    code, out, _ = run(capsys, "route", "member-concern-about-officer", "--council", "allerdale",
                       "--set", "about=head-of-service", "--set", "stage=formal", "--json")
    data = json.loads(out)
    assert code == 0
    assert {"council", "scenario", "covered", "steps", "note"} <= set(data)
    assert data["steps"][0] == {"actor": "corporate-director", "actor_label": "Corporate Director",
                                "action": data["steps"][0]["action"], "within": None, "other_limits": [],
                                "condition": "", "parallel": False, "recipients": [], "cites": ["allerdale:10.1"]}


def test_route_json_names_who_is_copied_in(capsys):
    """Thurrock 13.1: a formal complaint goes to the relevant Director or the Chief Executive, copied to the MO."""
    code, out, _ = run(capsys, "route", "member-concern-about-officer", "--council", "thurrock",
                       "--set", "stage=formal", "--json")
    first = json.loads(out)["steps"][0]
    assert code == 0 and first["actor"] == "member"
    assert first["recipients"] == [
        {"role": "director", "label": "Director", "how": "sent"},
        {"role": "chief-executive", "label": "Chief Executive", "how": "sent"},
        {"role": "monitoring-officer", "label": "Monitoring Officer", "how": "copied"}]


def test_route_dot_output(capsys):
    code, out, _ = run(capsys, "route", "personal-relationship", "--council", "thurrock", "--dot")
    assert code == 0 and out.startswith("digraph route {") and "thurrock:5.2" in out


def test_route_human_text(capsys):
    code, out, _ = run(capsys, "route", "information-access-dispute", "--council", "parish")
    assert code == 0 and "Not covered" in out


def test_ask_json_contract(capsys):
    code, out, _ = run(capsys, "ask", "member-role-in-appointment", "--council", "maldon", "--set", "post=director",
                       "--json")
    data = json.loads(out)
    assert code == 0
    assert (data["council"], data["question"], data["verdict"]) == ("maldon", "member-role-in-appointment", "yes")
    assert data["cites"] == ["maldon:6.1", "maldon:6.2"] and data["reasons"]


@pytest.mark.parametrize("argv", [
    ["route", "nonsense", "--council", "maldon"],
    ["route", "member-concern-about-officer", "--council", "atlantis"],
    ["ask", "member-role-in-appointment", "--council", "maldon", "--set", "post"],
    ["ask", "member-role-in-appointment", "--council", "maldon", "--set", "post=king"],
    ["clauses", "--council", "atlantis"],
    ["frobnicate"],
    [],
])
def test_bad_arguments_exit_2_with_one_line(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1


def test_invalid_content_exits_1(tmp_path, capsys):
    (tmp_path / "topics.yaml").write_text("a: [unclosed\n")
    code, out, err = run(capsys, "validate", "--content", str(tmp_path))
    assert code == 1 and "topics.yaml" in err and "unreadable YAML" in err


def test_invalid_content_json(tmp_path, capsys):
    (tmp_path / "topics.yaml").write_text("a: [unclosed\n")
    code, out, _ = run(capsys, "validate", "--content", str(tmp_path), "--json")
    data = json.loads(out)
    assert code == 1 and data["valid"] is False and any("topics.yaml" in e for e in data["errors"])


def test_missing_content_folder_is_a_bad_argument(tmp_path, capsys):
    code, out, err = run(capsys, "validate", "--content", str(tmp_path / "missing"))
    assert code == 2 and out == "" and "is not a folder" in err


def test_python_dash_m_logic_runs():
    done = subprocess.run([sys.executable, "-m", "logic", "ask", "share-group-advice", "--council", "county",
                           "--json"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and json.loads(done.stdout)["verdict"] == "no"
