"""redline, gaps and review-pack on the command line: JSON shapes, files written, bad inputs."""

import io
import json

import pytest
from docx import Document
from pypdf import PdfReader

from logic.cli import main
from logic.redline import CHANGES, DIFF_OPS
from tests.review_revisions import as_docx, revise


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _source_text(corpus, slug):
    return (corpus.councils[slug].folder / corpus.councils[slug].source_file).read_text(encoding="utf-8")


def test_redline_json_follows_the_contract(capsys, corpus):
    code, out, _ = run(capsys, "redline", "maldon", "thurrock", "--json")
    data = json.loads(out)
    assert code == 0 and data["old"] == "maldon" and data["new"] == "thurrock"
    assert set(data["summary"]) == set(CHANGES) and sum(data["summary"].values()) == len(data["pairs"])
    for pair in data["pairs"]:
        assert set(pair) == {"old", "new", "change", "similarity", "diff"}
        assert pair["old"] is None or pair["old"].startswith("maldon:")
        assert pair["new"] is None or pair["new"].startswith("thurrock:")
        assert all(op in DIFF_OPS for op, _ in pair["diff"])
    removed = {p["old"] for p in data["pairs"] if p["change"] == "removed"}
    assert "maldon:1.1" in removed and len(removed) < len(corpus.councils["maldon"].clauses)


def test_redline_human_text_marks_words_without_colour(capsys):
    code, out, _ = run(capsys, "redline", "county", "allerdale")
    assert code == 0 and out.startswith("county -> allerdale: ")
    assert "([+inserted+] [-deleted-])" in out and "[+" in out and "[-" in out
    assert "changed    county:1.4 -> allerdale:1.3" in out


def test_gaps_json_lists_gaps_with_model_wording_and_the_covered_topics(capsys):
    code, out, _ = run(capsys, "gaps", "maldon", "--json")
    data = json.loads(out)
    assert code == 0 and data["source"] == "maldon"
    assert {"source", "gaps", "covered"} <= set(data)
    media = next(g for g in data["gaps"] if g["topic"] == "media-and-publicity")
    assert set(media["peers"]) == {"allerdale", "county", "thurrock"}
    assert all({"id", "text", "shared_with"} <= set(w) for w in media["model_wording"])
    assert "dispute-resolution" in data["covered"]
    assert data["differs_from_peers"]["compared"] is True


def test_gaps_human_text_quotes_the_peers(capsys):
    code, out, _ = run(capsys, "gaps", "allerdale")
    assert code == 0 and out.startswith("allerdale: ")
    assert "county:6.1  [shared model text with maldon:4.2]: It is clearly important" in out


@pytest.mark.parametrize("suffix", ["docx", "pdf"])
def test_review_pack_writes_a_file_that_opens(capsys, tmp_path, suffix):
    out_file = tmp_path / f"pack.{suffix}"
    code, out, _ = run(capsys, "review-pack", "maldon", "thurrock", "--out", str(out_file), "--json")
    data = json.loads(out)
    assert code == 0 and data["written"] == str(out_file) and data["bytes"] == out_file.stat().st_size
    assert data["format"] == suffix and data["summary"]["removed"] > 0 and data["decision_changes"] > 0
    raw = io.BytesIO(out_file.read_bytes())
    if suffix == "docx":
        text = " ".join(p.text for p in Document(raw).paragraphs)
    else:
        text = " ".join(page.extract_text() for page in PdfReader(raw).pages)
    assert "Protocol review: Thurrock Council" in text and "Summary" in text


@pytest.mark.parametrize("argv, message", [
    (["redline", "maldon", "maldon"], "OLD and NEW are the same protocol ('maldon')"),
    (["redline", "maldon", "atlantis"], "unknown council or file 'atlantis' for NEW; valid councils:"),
    (["redline", "missing.docx", "maldon"], "OLD file 'missing.docx' does not exist"),
    (["gaps", "atlantis"], "unknown council or file 'atlantis' for SOURCE"),
    (["review-pack", "maldon", "thurrock", "--out", "pack.odt"], "--out must end in .docx or .pdf, not 'pack.odt'"),
    (["review-pack", "maldon", "maldon", "--out", "pack.pdf"], "same protocol"),
    (["review-pack", "maldon", "thurrock", "--out", "pack.pdf", "--tracked-changes"], "needs a Word pack"),
])
def test_bad_arguments_exit_2_with_one_clear_line(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and message in err and err.count("\n") == 1


def test_an_empty_file_is_refused(capsys, tmp_path):
    empty = tmp_path / "draft.txt"
    empty.write_text("")
    code, _, err = run(capsys, "redline", "maldon", str(empty))
    assert code == 2 and "NEW file 'draft.txt' is empty" in err


def test_the_same_file_twice_is_refused_by_path_or_by_content(capsys, tmp_path, corpus):
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    for path in (first, second):
        path.write_text(_source_text(corpus, "parish"), encoding="utf-8")
    for argv in ((str(first), str(first)), (str(first), str(second))):
        code, _, err = run(capsys, "redline", *argv)
        assert code == 2 and "OLD and NEW are the same file" in err


@pytest.mark.parametrize("name, content, message", [
    ("draft.docx", b"this is not a Word file", "is not a Word document"),
    ("draft.txt", b"Dear colleagues, no numbered paragraphs here.", "No numbered paragraphs"),
])
def test_a_file_that_cannot_be_imported_is_refused_in_one_line(capsys, tmp_path, name, content, message):
    bad = tmp_path / name
    bad.write_bytes(content)
    code, out, err = run(capsys, "gaps", str(bad))
    assert code == 2 and out == "" and err.startswith(f"error: SOURCE file '{name}': ") and message in err
    assert err.count("\n") == 1


def test_a_folder_is_not_a_file_to_import(capsys, tmp_path):
    code, _, err = run(capsys, "redline", str(tmp_path), "maldon")
    assert code == 2 and "is not a file" in err


def test_a_pack_that_cannot_be_written_is_a_usage_error(capsys, tmp_path):
    code, _, err = run(capsys, "review-pack", "maldon", "thurrock", "--out", str(tmp_path / "no" / "pack.pdf"))
    assert code == 2 and "cannot write" in err


# ------------------------------------------------------------------ files to import


def test_a_protocols_own_source_text_redlines_against_it_as_unchanged(capsys, tmp_path, corpus):
    draft = tmp_path / "parish-2026.txt"
    draft.write_text(_source_text(corpus, "parish"), encoding="utf-8")
    code, out, _ = run(capsys, "redline", "parish", str(draft), "--json")
    data = json.loads(out)
    assert code == 0 and data["new"] == "parish-2026"
    assert data["imported"][0]["file"] == str(draft)
    kept = sum(data["summary"][k] for k in ("same", "renumbered"))
    assert kept / len(data["pairs"]) >= 0.9


def test_gaps_of_an_imported_file_are_against_the_five(capsys, tmp_path, corpus):
    draft = tmp_path / "maldon-draft.txt"
    draft.write_text(_source_text(corpus, "maldon"), encoding="utf-8")
    code, out, _ = run(capsys, "gaps", str(draft), "--json")
    data = json.loads(out)
    assert code == 0 and data["source"] == "maldon-draft"
    assert data["peers"] == ["allerdale", "county", "maldon", "parish", "thurrock"]
    assert data["differs_from_peers"]["compared"] is False


def test_a_word_draft_is_imported_and_redlined_pair_by_pair(capsys, tmp_path, corpus):
    county = corpus.councils["county"]
    revision = revise(county, 4)
    draft = tmp_path / "county-draft.docx"
    draft.write_bytes(as_docx(revision.council))
    code, out, _ = run(capsys, "redline", "county", str(draft), "--json")
    data = json.loads(out)
    assert code == 0 and data["new"] == "county-draft"
    found = {(p["old"], p["new"], p["change"]) for p in data["pairs"]}
    truth = {(old, new.replace(f"{revision.council.slug}:", "county-draft:") if new else None, change)
             for old, new, change in revision.truth}
    assert len(found & truth) / len(truth) >= 0.98
