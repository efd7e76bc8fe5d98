"""import: a protocol file (or standard input) into a new council folder, or a dry run that writes nothing."""

from __future__ import annotations

import sys
from pathlib import Path

from logic.cli import EXIT_OK, UsageError, command, emit
from logic.content import DEFAULT_CONTENT_DIR, load_corpus
from logic.importer import ImportProblem, import_bytes, import_file, write_content_folder
from logic.safe_text import clip


def _import_args(cmd):
    cmd.add_argument("file", help="a .txt, .md, .docx or .pdf file, or - to read standard input")
    cmd.add_argument("--slug", required=True, help="the new council's short name, e.g. my-council")
    cmd.add_argument("--name", required=True, help="the council's name as the app shows it")
    cmd.add_argument("--dry-run", action="store_true", help="show what would be imported; write nothing")
    cmd.add_argument("--overwrite", action="store_true",
                     help="replace an existing council folder (the old one is kept under .backups/)")


@command("import", _import_args)
def import_command(args):
    """Import a protocol as a new council (content/<slug>/), validated before it is written."""
    content_dir = getattr(args, "content", None) or DEFAULT_CONTENT_DIR
    corpus = load_corpus(content_dir)
    try:
        if args.file == "-":
            result = import_bytes(sys.stdin.buffer.read(), "stdin.txt", slug=args.slug, name=args.name,
                                  corpus=corpus)
        else:
            path = Path(args.file)
            if not path.is_file():
                raise UsageError(f"file '{clip(args.file)}' does not exist")
            result = import_file(path, slug=args.slug, name=args.name, corpus=corpus)
        written = None if args.dry_run else write_content_folder(result, corpus, content_dir, overwrite=args.overwrite)
    except ImportProblem as exc:
        raise UsageError(exc.args[0]) from exc
    payload = {"slug": result.slug, "clauses": len(result.clauses),
               "ids": [f"{result.slug}:{c.number}" for c in result.clauses],
               "anomalies": [{"kind": a.kind, "message": a.message, "where": a.where} for a in result.anomalies],
               "written": written is not None}
    lines = [f"{len(result.clauses)} clauses imported as '{result.slug}' ({result.source_format})",
             f"written to {written}" if written else "dry run: nothing written",
             *(f"check ({a.kind}{', ' + a.where if a.where else ''}): {a.message}" for a in result.anomalies)]
    emit(args, payload, "\n".join(lines))
    return EXIT_OK
