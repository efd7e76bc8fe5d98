"""audit: write the reviewable audit files, check the verdicts, or print the entries still to fill in."""

from __future__ import annotations

import sys
from pathlib import Path

from logic.audit import AUDIT_DIR, skeleton, verdict_counts, verdict_problems, write_audit
from logic.cli import EXIT_INVALID, EXIT_OK, command, emit
from logic.decisions import check_council
from logic.model import load_model


def _audit_args(cmd):
    cmd.add_argument("--council", help="only this council (slug)")
    cmd.add_argument("--audit-dir", type=Path, default=AUDIT_DIR, help="where the audit files and verdicts/ live")
    mode = cmd.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true",
                      help="exit 1 when an answer has no verdict, a stale or wrong one (writes nothing)")
    mode.add_argument("--skeleton", action="store_true",
                      help="print YAML verdict entries to fill in for missing or stale answers (writes nothing)")


@command("audit", _audit_args)
def audit_command(args):
    """Every catalogue answer beside the clauses it cites, with the reviewers' verdicts."""
    model = load_model(getattr(args, "content", None))
    if args.council:
        check_council(model.corpus, args.council)
    councils = [args.council] if args.council else list(model.corpus.councils)
    if args.skeleton:
        sys.stdout.write("".join(skeleton(model, slug, args.audit_dir) for slug in councils))
        return EXIT_OK
    counts = {slug: verdict_counts(model, slug, args.audit_dir) for slug in councils}
    problems = {slug: verdict_problems(model, slug, args.audit_dir) for slug in councils}
    written = {} if args.check else write_audit(model, args.audit_dir, councils)
    lines = [f"{slug}: {c['answers']} answers; " + ", ".join(f"{k} {v}" for k, v in c.items() if k != "answers")
             for slug, c in counts.items()]
    lines += [f"  {slug}: {p}" for slug, found in problems.items() for p in found[:20]]
    emit(args, {"counts": counts, "problems": problems, "written": {k: str(v) for k, v in written.items()}},
         "\n".join(lines))
    return EXIT_INVALID if args.check and any(problems.values()) else EXIT_OK
