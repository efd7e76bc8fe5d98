"""coverage, compare, differences, shared: the comparison tables on the command line.

Each prints JSON with ``--json`` and a readable table without; ``--output FILE`` writes the
table instead, in the format its suffix names (.csv, .md, .xlsx), for governance staff who
want the spreadsheet rather than the screen.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from logic.cli import EXIT_OK, command, emit
from logic.compare import (
    EXPORT_FORMATS,
    NOT_COVERED,
    SHARED_WORDING_THRESHOLD,
    coverage,
    coverage_counts,
    coverage_matrix,
    differences,
    differences_table,
    export,
    export_about,
    shared_wording,
    shared_wording_table,
    side_by_side,
    side_by_side_table,
    to_markdown,
)
from logic.content import load_corpus
from logic.decisions import ParameterError
from logic.model import load_model
from logic.safe_text import clip


def _content(args):
    return getattr(args, "content", None)


def _output_arg(cmd):
    cmd.add_argument("--output", type=Path, metavar="FILE",
                     help=f"write the table to FILE instead ({', '.join('.' + s for s in EXPORT_FORMATS)})")


def _write(args, corpus, frame: pd.DataFrame, title: str) -> None:
    """Write ``frame`` to --output in the format its suffix names; a bad path is a usage error."""
    path: Path = args.output
    about = export_about(corpus, title, corpus.councils)  # title, date and sources, as the page's downloads
    data = export(frame, path.suffix.lstrip(".").lower(), title, about)
    try:
        path.write_bytes(data)
    except (OSError, ValueError) as exc:  # ValueError: a path the OS cannot take (e.g. a NUL byte)
        raise ParameterError(f"cannot write '{clip(path)}': {getattr(exc, 'strerror', None) or exc}") from exc
    emit(args, {"written": str(path), "bytes": len(data)}, f"wrote {path} ({len(data)} bytes)")


@command("coverage", _output_arg)
def coverage_command(args):
    """Topic x council coverage: clause ids per cell (--json), counts as text."""
    corpus = load_corpus(_content(args))
    if args.output:
        _write(args, corpus, coverage_matrix(corpus), "Coverage")
    else:
        emit(args, {"topics": coverage(corpus)}, to_markdown(coverage_counts(corpus)))
    return EXIT_OK


def _compare_args(cmd):
    cmd.add_argument("topic", help="topic slug, e.g. personal-relationships")
    _output_arg(cmd)


@command("compare", _compare_args)
def compare_command(args):
    """Every council's clauses on one topic, side by side."""
    corpus = load_corpus(_content(args))
    by_council = side_by_side(corpus, args.topic)
    if args.output:
        _write(args, corpus, side_by_side_table(corpus, args.topic), corpus.topics[args.topic].label)
        return EXIT_OK
    payload = {"topic": args.topic,
               "councils": {slug: [{"id": c.id, "text": c.text} for c in clauses]
                            for slug, clauses in by_council.items()}}
    lines = [corpus.topics[args.topic].label]
    for slug, clauses in by_council.items():
        lines += ["", f"== {corpus.councils[slug].name}"]
        lines += [f"{c.id}  {c.text}" for c in clauses] or [NOT_COVERED]
    emit(args, payload, "\n".join(lines))
    return EXIT_OK


@command("differences", _output_arg)
def differences_command(args):
    """The concrete differences table (rows from content/differences.yaml)."""
    model = load_model(_content(args))
    if args.output:
        _write(args, model.corpus, differences_table(model), "Differences")
    else:
        emit(args, {"rows": [row.as_dict() for row in differences(model)]}, to_markdown(differences_table(model)))
    return EXIT_OK


def _shared_args(cmd):
    cmd.add_argument("--threshold", type=float, default=SHARED_WORDING_THRESHOLD,
                     help=f"lowest passage similarity reported, 0-100 (default {SHARED_WORDING_THRESHOLD:g})")
    _output_arg(cmd)


@command("shared", _shared_args)
def shared_command(args):
    """Near-identical wording across councils (shared model text)."""
    corpus = load_corpus(_content(args))
    if args.output:
        _write(args, corpus, shared_wording_table(corpus, args.threshold), "Shared wording")
        return EXIT_OK
    pairs = shared_wording(corpus, args.threshold)
    payload = {"threshold": args.threshold, "pairs": [
        {"score": s.score, "whole_score": s.whole_score,
         "a": {"id": s.left.id, "text": s.left.text}, "b": {"id": s.right.id, "text": s.right.text},
         "passages": [{"score": m.score, "a": m.left, "b": m.right} for m in s.passages]}
        for s in pairs]}
    lines = [f"{len(pairs)} clause pairs share wording (passage similarity >= {args.threshold:g})"]
    for s in pairs:
        lines += ["", f"{s.score:5.1f}  {s.left.id} ~ {s.right.id}  (whole clauses {s.whole_score:.1f})"]
        lines += [f"       {m.score:5.1f}  {m.left}\n              {m.right}" for m in s.passages]
    emit(args, payload, "\n".join(lines))
    return EXIT_OK
