"""redline, gaps, review-pack: review a protocol against its earlier version and the other councils.

OLD, NEW and SOURCE are each a council slug or a file to import (.txt, .md, .docx, .pdf); an
imported file is held for this command only (nothing is written to the content folder) and is
named after the file.
"""

from __future__ import annotations

import re
from pathlib import Path

from logic.cli import EXIT_OK, UsageError, command, emit
from logic.content import SLUG_RE
from logic.model import Model, load_model
from logic.overlay import with_councils
from logic.redline import CHANGE_LABELS, Redline, redline
from logic.review import build_review, differences_from_peers, gaps
from logic.review_pack import FORMATS, review_pack
from logic.safe_text import clip

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_MARK = {"insert": ("[+", "+]"), "delete": ("[-", "-]")}


def _content(args):
    return getattr(args, "content", None)


def _slug_for(path: Path, role: str, taken: set[str]) -> str:
    """A slug named after the file, unlike any council held: "maldon-2026-draft"."""
    base = _NOT_SLUG.sub("-", path.stem.lower()).strip("-")[:30] or "imported"
    base = base if SLUG_RE.match(base) else f"imported-{base}"[:30].rstrip("-")
    slug, n = (base if base not in taken else f"{base}-{role}"), 2
    while slug in taken:
        slug, n = f"{base}-{role}-{n}", n + 1
    return slug


def _import(model: Model, path: Path, role: str, taken: set[str]):
    """The file imported as a council (in memory) and what the importer noticed, or a one-line UsageError."""
    from logic.importer import ImportProblem, import_file, to_council  # only files need the importer's readers

    try:
        slug = _slug_for(path, role, taken)
        result = import_file(path, slug=slug, name=path.name, corpus=model.corpus)
        council = to_council(result, model.corpus)
    except ImportProblem as exc:
        raise UsageError(f"{role.upper()} file '{clip(path.name)}': {exc.args[0]}") from exc
    except OSError as exc:
        raise UsageError(f"cannot read {role.upper()} file '{clip(path.name)}': {exc.strerror or exc}") from exc
    if not council.clauses:
        raise UsageError(f"{role.upper()} file '{clip(path.name)}' has no numbered clauses to compare")
    return council, {"slug": council.slug, "file": str(path), "clauses": len(council.clauses),
                     "anomalies": [a.message for a in result.anomalies]}


def _protocols(args, named: dict[str, str]) -> tuple[Model, dict[str, str], list[dict]]:
    """Load the model and resolve each named argument (role -> slug or file) to a council slug.

    Files are imported and held beside the bundled councils. The same slug or the same file
    (by path or by content) twice is a usage error, as is an unknown slug or a missing file.
    """
    model = load_model(_content(args))
    councils = model.corpus.councils
    slugs: dict[str, str] = {}
    files: dict[str, Path] = {}
    for role, value in named.items():
        path = Path(value)
        if value in councils:
            slugs[role] = value
        elif path.is_file():
            if path.stat().st_size == 0:
                raise UsageError(f"{role.upper()} file '{clip(path.name)}' is empty")
            files[role] = path
        elif path.exists():
            raise UsageError(f"{role.upper()} '{clip(value)}' is not a file")
        elif path.suffix or "/" in value or "\\" in value:
            raise UsageError(f"{role.upper()} file '{clip(value)}' does not exist")
        else:
            raise UsageError(f"unknown council or file '{clip(value)}' for {role.upper()}; "
                             f"valid councils: {', '.join(councils)}")
    if len(slugs) == 2 and len(set(slugs.values())) == 1:
        raise UsageError(f"OLD and NEW are the same protocol ('{clip(slugs['old'])}'); give two versions to compare")
    if len(files) == 2:
        old, new = files["old"], files["new"]
        if old.resolve() == new.resolve() or old.read_bytes() == new.read_bytes():
            raise UsageError(f"OLD and NEW are the same file ('{clip(old.name)}'); give two versions to compare")
    imported, held = [], []
    taken = set(councils)
    for role, path in files.items():
        council, report = _import(model, path, role, taken)
        taken.add(council.slug)
        slugs[role] = council.slug
        held.append(council)
        imported.append(report)
    if held:
        model = with_councils(model, held)
    return model, slugs, imported


def _diff_text(diff) -> str:
    out = []
    for op, text in diff:
        if op == "equal":
            out.append(text)
        else:
            opening, closing = _MARK[op]
            out.append(f"{opening}{text.rstrip(' ')}{closing}" + (" " if text.endswith(" ") else ""))
    return "".join(out)


def _redline_text(result: Redline) -> str:
    summary = result.summary()
    lines = [f"{result.old} -> {result.new}: " + ", ".join(f"{n} {CHANGE_LABELS[c].lower()}"
                                                             for c, n in summary.items() if n),
             "([+inserted+] [-deleted-])"]
    for pair in result.pairs:
        if pair.change == "same":
            continue
        lines.append(f"\n{pair.change:10} {pair.old_id or '-'} -> {pair.new_id or '-'}"
                     + (f"  (similarity {pair.similarity:.0%})" if pair.change in ("changed", "moved") else ""))
        if pair.change != "renumbered":
            lines.append("    " + _diff_text(pair.diff))
    return "\n".join(lines)


def _two_versions(cmd):
    cmd.add_argument("old", metavar="OLD", help="the earlier version: a council slug or a file to import")
    cmd.add_argument("new", metavar="NEW", help="the later version: a council slug or a file to import")


@command("redline", _two_versions)
def redline_command(args):
    """Clause-by-clause redline of two versions of a protocol."""
    model, slugs, imported = _protocols(args, {"old": args.old, "new": args.new})
    councils = model.corpus.councils
    result = redline(councils[slugs["old"]], councils[slugs["new"]])
    payload = result.as_dict() | ({"imported": imported} if imported else {})
    emit(args, payload, _redline_text(result))
    return EXIT_OK


def _gaps_args(cmd):
    cmd.add_argument("source", metavar="SOURCE", help="a council slug or a file to import")


@command("gaps", _gaps_args)
def gaps_command(args):
    """Topics a protocol leaves out that the other councils cover, with their wording as a model."""
    model, slugs, imported = _protocols(args, {"source": args.source})
    source = slugs["source"]
    report = gaps(model, source)
    peer_view = differences_from_peers(model, source)
    payload = report.as_dict() | {"differs_from_peers": peer_view.as_dict()}
    payload |= {"imported": imported} if imported else {}
    corpus = model.corpus
    lines = [f"{source}: {len(report.gaps)} topic(s) not addressed that peers address "
             f"(peers: {', '.join(report.peers)})"]
    for gap in report.gaps:
        lines += ["", f"== {gap.label} ({gap.topic})",
                  "   addressed by: " + "; ".join(f"{p} {', '.join(ids)}" for p, ids in gap.peers.items())]
        for wording in gap.model_wording:
            shared = f"  [shared model text with {', '.join(wording.shared_ids)}]" if wording.is_shared else ""
            lines.append(f"   {wording.clause.id}{shared}: {' '.join(wording.clause.text.split())}")
    lines += ["", f"covered: {', '.join(corpus.topics[t].label for t in report.covered) or 'none'}"]
    if peer_view.compared:
        for difference in peer_view.differences:
            lines.append(f"differs from most peers: {difference.row.spec.question} {source}: {difference.source}; "
                         f"{', '.join(difference.majority)}: {difference.majority_cell.answer}")
    else:
        lines.append(peer_view.note)
    emit(args, payload, "\n".join(lines))
    return EXIT_OK


def _pack_args(cmd):
    _two_versions(cmd)
    cmd.add_argument("--out", type=Path, required=True, metavar="FILE",
                     help=f"where to write the pack ({', '.join('.' + f for f in FORMATS)})")
    cmd.add_argument("--tracked-changes", action="store_true",
                     help="Word only: write the redline as tracked changes to accept or reject")


@command("review-pack", _pack_args)
def review_pack_command(args):
    """The review pack for a committee (Word or PDF): summary, redline, gaps, decision changes."""
    fmt = args.out.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise UsageError(f"--out must end in {' or '.join('.' + f for f in FORMATS)}, not '{clip(args.out.name)}'")
    if args.tracked_changes and fmt != "docx":
        raise UsageError("--tracked-changes needs a Word pack (--out FILE.docx)")
    if not args.out.parent.is_dir():
        raise UsageError(f"cannot write '{clip(args.out)}': folder '{clip(args.out.parent)}' does not exist")
    model, slugs, imported = _protocols(args, {"old": args.old, "new": args.new})
    review = build_review(model, slugs["old"], slugs["new"])
    data = review_pack(model, review, fmt, tracked_changes=args.tracked_changes)
    try:
        args.out.write_bytes(data)
    except (OSError, ValueError) as exc:  # ValueError: a path the OS cannot take (a NUL byte)
        raise UsageError(f"cannot write '{clip(args.out)}': {getattr(exc, 'strerror', None) or exc}") from exc
    payload = {"written": str(args.out), "format": fmt, "bytes": len(data), "old": review.old.slug,
               "new": review.new.slug, "summary": review.redline.summary(), "gaps": len(review.gaps.gaps),
               "decision_changes": len(review.decisions.changes) if review.decisions.compared else None}
    payload |= {"imported": imported} if imported else {}
    emit(args, payload, f"wrote {args.out} ({len(data)} bytes, {FORMATS[fmt][0]})")
    return EXIT_OK
