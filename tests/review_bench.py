"""Review benchmark: a 60-clause Word draft reviewed against its adopted version and the five peers.

Run with ``make bench`` or ``python -m tests.review_bench [--json]``. Medians of several runs after
one warm-up. Targets (issue 11): the review (redline + gaps + differences + decision changes) under
1 s after import; the pack (Word or PDF) built in under 3 s. Also times the import itself, the
decision comparison of two versions that both have rules, and difflib against diff-match-patch
on real clause pairs (when diff-match-patch is installed), the measurement behind
:mod:`logic.redline`'s choice.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import replace

from logic.compare import shared_wording
from logic.content import Clause
from logic.importer import import_bytes, to_council
from logic.model import load_model
from logic.overlay import with_councils
from logic.redline import redline
from logic.review import build_review, decision_changes
from logic.review_pack import review_pack
from tests.review_revisions import NEW_CLAUSES, as_docx, revise

ROUNDS = 7
FIVE = ("allerdale", "county", "maldon", "parish", "thurrock")
ADOPTED = "county"
DRAFT_CLAUSES = 60


def _median_ms(work, rounds: int = ROUNDS) -> float:
    work()  # warm-up: imports, font loading, caches
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 1)


def sixty_clause_draft(model):
    """A revision of the adopted county protocol with a new closing section, 60 clauses in all."""
    draft = revise(model.corpus.councils[ADOPTED], 0).council
    extra = DRAFT_CLAUSES - len(draft.clauses)
    number = str(max(int(s.number) for s in draft.sections) + 1)
    title = "Remote meetings and social media"
    added = tuple(Clause(id=f"{draft.slug}:{number}.{i}", council=draft.slug, number=f"{number}.{i}", section=number,
                         section_title=title, topics=("expectations-and-conduct",),
                         text=f"{NEW_CLAUSES[(i - 1) % len(NEW_CLAUSES)]} (Clause {number}.{i}.)",
                         order=len(draft.clauses) + i)
                  for i in range(1, extra + 1))
    sections = (*draft.sections, replace(draft.sections[0], number=number, title=title))
    return replace(draft, sections=sections, clauses=draft.clauses + added)


def _diff_libraries(model) -> dict:
    """difflib against diff-match-patch on the same word tokens (see logic/redline.py)."""
    import difflib

    try:
        from diff_match_patch import diff_match_patch
    except ImportError:
        return {"skipped": "diff-match-patch is not installed (pip install diff-match-patch==20241021)"}
    corpus = model.corpus
    cross = [(s.left.text, s.right.text) for s in shared_wording(corpus, 60)]
    revisions = [(p.old.text, p.new.text) for slug in FIVE for seed in range(4)
                 for p in redline(corpus.councils[slug], revise(corpus.councils[slug], seed).council).pairs
                 if p.change in ("changed", "moved")]
    matcher = diff_match_patch()
    matcher.Diff_Timeout = 0

    def tokens(text):
        return [word + " " for word in text.split()]

    def with_difflib(a, b):
        a, b = tokens(a), tokens(b)
        ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
        return sum((i2 - i1) + (j2 - j1) for tag, i1, i2, j1, j2 in ops if tag != "equal")

    def with_dmp(a, b, semantic):
        vocabulary: dict[str, str] = {}
        a, b = ("".join(vocabulary.setdefault(t, chr(len(vocabulary) + 1)) for t in tokens(x)) for x in (a, b))
        diffs = matcher.diff_main(a, b, False)
        if semantic:
            matcher.diff_cleanupSemantic(diffs)
        return sum(len(text) for op, text in diffs if op != 0)

    libraries = {"difflib": with_difflib, "diff-match-patch": lambda a, b: with_dmp(a, b, False),
                 "diff-match-patch+semantic": lambda a, b: with_dmp(a, b, True)}
    out = {}
    for label, pairs in (("cross-council pairs", cross), ("revision pairs", revisions)):
        out[label] = {"pairs": len(pairs)} | {
            name: {"ms": _median_ms(lambda f=f, pairs=pairs: [f(a, b) for a, b in pairs], 5),
                   "words_marked": sum(f(a, b) for a, b in pairs)} for name, f in libraries.items()}
    return out


def measure() -> dict:
    model = load_model()
    draft = sixty_clause_draft(model)
    data = as_docx(draft)

    def imported():
        result = import_bytes(data, "county-draft.docx", slug="county-draft", name="County draft", corpus=model.corpus)
        return with_councils(model, [to_council(result, model.corpus)])

    held = imported()
    clauses = len(held.corpus.councils["county-draft"].clauses)
    review = build_review(held, ADOPTED, "county-draft", peers=FIVE)
    return {
        "draft_clauses": clauses,
        "summary": review.redline.summary(),
        "import_ms": _median_ms(imported),
        "review_ms": _median_ms(lambda: build_review(held, ADOPTED, "county-draft", peers=FIVE)),
        "redline_ms": _median_ms(lambda: redline(held.corpus.councils[ADOPTED], held.corpus.councils["county-draft"])),
        "decisions_both_with_rules_ms": _median_ms(lambda: decision_changes(model, "maldon", "thurrock")),
        "pack_docx_ms": _median_ms(lambda: review_pack(held, review, "docx"), 5),
        "pack_pdf_ms": _median_ms(lambda: review_pack(held, review, "pdf"), 5),
        "diff_libraries": _diff_libraries(model),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.review_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    results = measure()
    if args.json:
        json.dump({"review": results}, sys.stdout, indent=1)
        print()
        return 0
    print(f"review of a {results['draft_clauses']}-clause Word draft against {ADOPTED} and the five peers "
          f"(median of {ROUNDS} runs)")
    print(f"  import (docx -> council)          {results['import_ms']:>7.0f} ms")
    print(f"  review (redline, gaps, decisions) {results['review_ms']:>7.0f} ms   target < 1000 ms")
    print(f"    of which the redline            {results['redline_ms']:>7.0f} ms")
    print(f"  decision changes, both with rules {results['decisions_both_with_rules_ms']:>7.0f} ms")
    print(f"  pack .docx                        {results['pack_docx_ms']:>7.0f} ms   target < 3000 ms")
    print(f"  pack .pdf                         {results['pack_pdf_ms']:>7.0f} ms   target < 3000 ms")
    libraries = results["diff_libraries"]
    if "skipped" in libraries:
        print(f"  word diff libraries: {libraries['skipped']}")
    for label, row in libraries.items():
        if isinstance(row, dict):
            cells = ", ".join(f"{name} {v['ms']:.1f} ms / {v['words_marked']} words" for name, v in row.items()
                              if isinstance(v, dict))
            print(f"  word diff, {row['pairs']} {label}: {cells}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
