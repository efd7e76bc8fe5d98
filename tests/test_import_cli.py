"""``python -m logic import FILE|- --slug SLUG --name NAME [--content DIR] [--dry-run] [--overwrite] [--json]``."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from logic.cli import main
from logic.content import load_corpus

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "content" / "allerdale" / "source.txt"


@pytest.fixture
def content(tmp_path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(ROOT / "content", folder)
    return folder


def tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_import_json_contract_and_the_folder_it_writes_validates(capsys, content):
    code, out, err = run(capsys, "import", str(SEED), "--slug", "ourtown", "--name", "Ourtown Borough Council",
                         "--content", str(content), "--json")
    data = json.loads(out)
    assert code == 0 and err == ""
    assert set(data) == {"slug", "clauses", "ids", "anomalies", "written"}
    assert data["slug"] == "ourtown" and data["written"] is True and data["clauses"] == 51
    assert data["ids"][:3] == ["ourtown:1.1", "ourtown:1.2", "ourtown:1.3"] and "ourtown:3(c)" in data["ids"]
    assert data["anomalies"] == []
    assert run(capsys, "validate", "--content", str(content))[0] == 0
    council = load_corpus(content).councils["ourtown"]
    assert [c.id for c in council.clauses] == data["ids"] and council.name == "Ourtown Borough Council"


def test_anomalies_are_listed_with_kind_message_and_place(capsys, content):
    maldon = ROOT / "content" / "maldon" / "source.txt"
    code, out, _ = run(capsys, "import", str(maldon), "--slug", "m2", "--name", "M", "--content", str(content),
                       "--dry-run", "--json")
    anomaly = json.loads(out)["anomalies"][0]
    assert code == 0 and anomaly["kind"] == "restart" and anomaly["where"] == "line 476"
    assert json.loads(out)["ids"][-1] == "m2:a2-5.1"


def test_dash_reads_standard_input(capsys, content, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SEED.read_bytes())))
    code, out, _ = run(capsys, "import", "-", "--slug", "piped", "--name", "Piped Council", "--content",
                       str(content), "--json")
    assert code == 0 and json.loads(out)["clauses"] == 51 and (content / "piped" / "council.yaml").is_file()


def test_dry_run_writes_nothing(capsys, content):
    before = tree(content)
    code, out, _ = run(capsys, "import", str(SEED), "--slug", "ourtown", "--name", "Ourtown", "--content",
                       str(content), "--dry-run", "--json")
    assert code == 0 and json.loads(out)["written"] is False and json.loads(out)["clauses"] == 51
    assert tree(content) == before


def test_human_output_says_what_was_written(capsys, content):
    code, out, _ = run(capsys, "import", str(SEED), "--slug", "ourtown", "--name", "Ourtown", "--content",
                       str(content))
    assert code == 0
    assert out.splitlines()[:2] == ["51 clauses imported as 'ourtown' (text)", f"written to {content / 'ourtown'}"]


def test_existing_council_needs_overwrite_which_keeps_a_backup(capsys, content):
    assert run(capsys, "import", str(SEED), "--slug", "ourtown", "--name", "Ourtown", "--content", str(content))[0] == 0
    before = tree(content)
    parish = ROOT / "content" / "parish" / "source.txt"
    code, out, err = run(capsys, "import", str(parish), "--slug", "ourtown", "--name", "Ourtown", "--content",
                         str(content))
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1 and "already exists" in err
    assert tree(content) == before
    code, out, _ = run(capsys, "import", str(parish), "--slug", "ourtown", "--name", "Ourtown", "--content",
                       str(content), "--overwrite", "--json")
    assert code == 0 and json.loads(out)["written"] is True
    assert [p.name.split("-")[0] for p in (content / ".backups").iterdir()] == ["ourtown"]
    assert len(load_corpus(content).councils["ourtown"].clauses) == 23
    assert run(capsys, "validate", "--content", str(content))[0] == 0


def test_overwrite_that_would_break_other_files_is_refused_and_changes_nothing(capsys, content):
    """The glossary and scenarios cite Maldon's clauses: replacing Maldon with another text would break them."""
    before = tree(content)
    code, out, err = run(capsys, "import", str(SEED), "--slug", "maldon", "--name", "Maldon", "--content",
                         str(content), "--overwrite")
    assert code == 1 and "cites missing clause 'maldon:" in err
    assert tree(content) == before


@pytest.mark.parametrize("name, data, args, fragment", [
    ("empty.txt", b"", (), "empty"),
    ("image.txt", bytes(range(256)) * 40, (), "not text"),
    ("notes.txt", b"A protocol with no paragraph numbers at all.", (), "No numbered paragraphs"),
    ("protocol.docx", b"not really a word file", (), "not a Word document"),
    ("ok.txt", SEED.read_bytes(), ("--slug", "Bad Slug"), "short name"),
    ("ok.txt", SEED.read_bytes(), ("--name", ""), "name"),
])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(capsys, content, tmp_path, name, data, args, fragment):
    path = tmp_path / name
    path.write_bytes(data)
    options = {"--slug": "ourtown", "--name": "Ourtown", **dict(zip(args[::2], args[1::2]))}
    before = tree(content)
    code, out, err = run(capsys, "import", str(path), *[x for kv in options.items() for x in kv],
                         "--content", str(content))
    assert code == 2 and out == ""
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1 and fragment in err
    assert tree(content) == before


def test_missing_file_and_missing_options_exit_2(capsys, content):
    code, _, err = run(capsys, "import", str(content / "nope.txt"), "--slug", "x", "--name", "X")
    assert code == 2 and "does not exist" in err
    code, _, err = run(capsys, "import", str(SEED), "--name", "X")
    assert code == 2 and "--slug" in err and len(err.strip().splitlines()) == 1


def test_import_from_a_real_pipe_in_a_subprocess(content):
    done = subprocess.run([sys.executable, "-m", "logic", "import", "-", "--slug", "piped", "--name", "Piped",
                           "--content", str(content), "--dry-run", "--json"], input=SEED.read_bytes(),
                          capture_output=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["clauses"] == 51 and not (content / "piped").exists()
