"""Import a council's protocol: text or a file in, a reviewable council out.

``import_text`` / ``import_bytes`` / ``import_file`` split the text into sections and clauses
(:mod:`logic.segment`, wording kept exactly), suggest topics and the council's own role titles
(:mod:`logic.suggest`) and collect everything a person should check as :class:`Anomaly` records.
Files are read by :mod:`logic.extract` (limits, hostile-file checks, Word numbering, PDF text).

The result lives in memory. ``to_council`` turns it into a :class:`~logic.content.Council`, validated
like a loaded one; ``content_folder_files`` / ``content_folder_zip`` give the ``content/<slug>/``
folder a maintainer can add (its routes and rules answer every catalogue entry with a "not answered
yet" placeholder); ``write_content_folder`` writes it atomically into a content folder.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from logic.content import (
    NUMBER_RE,
    SLUG_RE,
    Clause,
    ContentError,
    Corpus,
    Council,
    Problem,
    Section,
)
from logic.decisions import load_catalogue
from logic.extract import DEFAULT_LIMITS, ImportProblem, Limits, extract
from logic.model import load_model
from logic.overlay import placeholder_note
from logic.safe_text import clip
from logic.segment import Anomaly, segment
from logic.suggest import TopicSuggester, suggest_titles

MAX_CLAUSES = 999  # clause files are named NNN-<number>.md
MAX_NAME = 100
# Shared files a content folder needs beside a council folder for `python -m logic validate`.
VOCABULARY_FILES = ("topics.yaml", "roles.yaml", "synonyms.yaml", "route-catalogue.yaml", "question-catalogue.yaml")
BACKUP_DIR = ".backups"  # inside the content folder; a dot folder without council.yaml is never loaded
_MARKDOWN = re.compile(r"^(?:#{1,6} |[-*+] |\*\*)", re.MULTILINE)
_COUNCIL_SUFFIX = re.compile(r"\s+(?:(?:Metropolitan\s+)?(?:District|Borough|County|City|Town|Parish|Unitary)\s+)?"
                             r"Council$", re.IGNORECASE)
_KINDS = (("parish", "Town or parish council"), ("town", "Town or parish council"), ("district", "District council"),
          ("borough", "Borough council"), ("county", "County council"), ("city", "City council"))


@dataclass(frozen=True)
class ImportedClause:
    number: str  # as printed, no trailing dot; matches logic.content.NUMBER_RE
    section: str
    text: str  # word for word
    topics: tuple[str, ...]  # suggested (or accepted, after with_edits)
    confidence: float  # 0..1; 1.0 once a person has accepted the topics
    title: str = ""
    note: str = ""  # an editorial note, e.g. how the number was reconstructed


@dataclass(frozen=True)
class ImportResult:
    slug: str
    name: str
    sections: tuple[Section, ...]
    clauses: tuple[ImportedClause, ...]
    anomalies: tuple[Anomaly, ...]
    source_text: str
    titles: dict[str, str]  # role slug -> the council's own title, as printed in the text
    source_format: str  # "text" | "markdown" | "docx" | "pdf"
    source_title: str = ""  # the document's title as printed, if it prints one


# ---------------------------------------------------------------- importing


def _check_identity(slug: str, name: str) -> None:
    if not isinstance(slug, str) or not SLUG_RE.match(slug):
        raise ImportProblem(f"'{clip(slug)}' cannot be a council's short name: use lower-case letters, digits and "
                            "hyphens, starting with a letter (for example 'my-council').")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME or not name.isprintable():
        raise ImportProblem(f"Give the council's name as one line of at most {MAX_NAME} characters.")


def _anomalies_from_notes(notes) -> tuple[Anomaly, ...]:
    return tuple(Anomaly("tracked-changes" if "tracked change" in note.lower() else "extraction-note", note, "")
                 for note in notes)


def import_text(text: str, *, slug: str, name: str, corpus: Corpus, source_format: str | None = None,
                notes: tuple[str, ...] = (), limits: Limits = DEFAULT_LIMITS) -> ImportResult:
    """Split pasted or extracted text into clauses with suggested topics; ImportProblem on bad input."""
    _check_identity(slug, name)
    if not isinstance(text, str) or not text.strip():
        raise ImportProblem("There is no text to import.")
    if len(text) > limits.max_chars:
        raise ImportProblem(f"The text has {len(text):,} characters, more than the {limits.max_chars:,} a protocol "
                            "would: import the protocol on its own.")
    source_format = source_format or ("markdown" if len(_MARKDOWN.findall(text)) >= 3 else "text")
    found = segment(text)
    if not found.clauses:
        raise ImportProblem("No numbered paragraphs were found: the importer splits a protocol at its paragraph "
                            "numbers (1.1, 2.3, (a) ...), so check that the numbers are part of the text.")
    if len(found.clauses) > MAX_CLAUSES:
        raise ImportProblem(f"The text has {len(found.clauses):,} numbered paragraphs; at most {MAX_CLAUSES} can be "
                            "imported as one council.")
    suggestions = TopicSuggester(corpus).suggest([f"{c.title} {c.text}" for c in found.clauses])
    clauses = []
    for clause, suggestion in zip(found.clauses, suggestions):
        topics, confidence = suggestion.topics, suggestion.confidence
        if not topics:  # nothing alike in the corpus: the clause before's topics, flagged by confidence 0
            topics, confidence = (clauses[-1].topics if clauses else _commonest_topic(corpus)), 0.0
        clauses.append(ImportedClause(clause.number, clause.section, clause.text, topics, confidence,
                                      clause.title, clause.note))
    sections = tuple(Section(s.number, s.title) for s in found.sections)
    return ImportResult(slug=slug, name=" ".join(name.split()), sections=sections, clauses=tuple(clauses),
                        anomalies=_anomalies_from_notes(notes) + found.anomalies, source_text=text,
                        titles=suggest_titles(text, corpus), source_format=source_format,
                        source_title=found.title)


def _commonest_topic(corpus: Corpus) -> tuple[str, ...]:
    counts: dict[str, int] = {}
    for clause in corpus.all_clauses():
        for topic in clause.topics:
            counts[topic] = counts.get(topic, 0) + 1
    best = max(counts, key=counts.get, default=next(iter(corpus.topics), ""))
    return (best,) if best else ()


def import_bytes(data: bytes, filename: str, *, slug: str, name: str, corpus: Corpus,
                 limits: Limits = DEFAULT_LIMITS) -> ImportResult:
    """A .txt, .md, .docx or .pdf file's bytes (format from content, then name); ImportProblem on bad input."""
    _check_identity(slug, name)
    extracted = extract(data, filename, limits=limits)
    return import_text(extracted.text, slug=slug, name=name, corpus=corpus, source_format=extracted.source_format,
                       notes=extracted.notes, limits=limits)


def import_file(path: Path, *, slug: str, name: str, corpus: Corpus, limits: Limits = DEFAULT_LIMITS) -> ImportResult:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise ImportProblem(f"The file is {size / (1 << 20):.1f} MB; the limit is "
                                f"{limits.max_bytes / (1 << 20):.0f} MB.")
        data = path.read_bytes()
    except OSError as exc:
        raise ImportProblem(f"The file '{clip(path.name)}' cannot be read ({exc.strerror or exc}).") from exc
    return import_bytes(data, path.name, slug=slug, name=name, corpus=corpus, limits=limits)


def with_edits(result: ImportResult, topics: dict[str, tuple[str, ...]]) -> ImportResult:
    """The result with a person's accepted topics (clause number -> topics); those clauses get confidence 1."""
    numbers = {c.number for c in result.clauses}
    for number, chosen in topics.items():
        if number not in numbers:
            raise ImportProblem(f"There is no clause {clip(number)} in this import.")
        if not chosen:
            raise ImportProblem(f"Clause {clip(number)} needs at least one topic.")
    clauses = tuple(replace(c, topics=tuple(dict.fromkeys(topics[c.number])), confidence=1.0)
                    if c.number in topics else c for c in result.clauses)
    return replace(result, clauses=clauses)


# ---------------------------------------------------------------- as a council


def _short_name(name: str) -> str:
    return _COUNCIL_SUFFIX.sub("", name).strip() or name


def _kind(name: str) -> str:
    words = name.lower().split()
    return next((kind for word, kind in _KINDS if word in words), "Council")


def _editorial_notes(result: ImportResult) -> tuple[str, ...]:
    notes = [
        f"Imported automatically from {result.source_format} on {dt.date.today().isoformat()} and not reviewed: "
        "the clause boundaries, numbers, section titles, topics and role titles are the importer's suggestions; "
        "check them against the original before relying on them.",
        f"The name '{result.name}' was given by the person importing, not read from the document.",
        "Its routes and rules are placeholders (every scenario and question is 'not answered yet') until "
        "someone writes them; this does not mean the protocol is silent.",
    ]
    notes += [f"Import check ({a.kind}{', ' + a.where if a.where else ''}): {a.message}" for a in result.anomalies]
    return tuple(notes)


def to_council(result: ImportResult, corpus: Corpus) -> Council:
    """The result as a Council held in memory, checked as the content loader checks a council folder."""
    problems: list[Problem] = []
    where = f"import:{result.slug}"
    if not SLUG_RE.match(result.slug):
        problems.append(Problem(where, f"'{clip(result.slug)}' is not a valid slug."))
    sections = {s.number: s.title for s in result.sections}
    seen: set[str] = set()
    clauses = []
    for order, clause in enumerate(result.clauses, 1):
        rel = f"{where}:{clause.number}"
        if not NUMBER_RE.match(clause.number):
            problems.append(Problem(rel, f"malformed clause number '{clip(clause.number)}'."))
        if clause.number in seen:
            problems.append(Problem(rel, f"duplicate clause number '{clause.number}'."))
        seen.add(clause.number)
        if clause.section not in sections:
            problems.append(Problem(rel, f"section '{clip(clause.section)}' is not one of the import's sections."))
        if not clause.topics:
            problems.append(Problem(rel, "no topics.", "Choose at least one topic."))
        problems += [Problem(rel, f"unknown topic '{clip(t)}'.", "Choose a topic from the list.")
                     for t in clause.topics if t not in corpus.topics]
        if not clause.text.strip():
            problems.append(Problem(rel, "empty text."))
        clauses.append(Clause(id=f"{result.slug}:{clause.number}", council=result.slug, number=clause.number,
                              section=clause.section, section_title=sections.get(clause.section, ""),
                              topics=clause.topics, text=clause.text.strip(), order=order, title=clause.title,
                              note=clause.note))
    problems += [Problem(where, f"unknown role '{clip(role)}' in titles.") for role in result.titles
                 if role not in corpus.roles]
    if not clauses:
        problems.append(Problem(where, "no clauses."))
    if problems:
        raise ContentError(problems)
    return Council(slug=result.slug, name=result.name, short_name=_short_name(result.name), kind=_kind(result.name),
                   source_title=result.source_title or "(no title found in the imported text)",
                   sections=tuple(Section(n, t) for n, t in sections.items()), clauses=tuple(clauses),
                   name_confirmed=True, source_file="", adopted=None, omissions=(),
                   editorial_notes=_editorial_notes(result), titles=dict(result.titles), folder=None)


# ---------------------------------------------------------------- as a content folder


def _yaml(data) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)


def _clause_file(clause: Clause) -> str:
    meta = {"id": clause.id, "number": clause.number, "section": clause.section, "topics": list(clause.topics)}
    if clause.title:
        meta["title"] = clause.title
    if clause.note:
        meta["note"] = clause.note
    return f"---\n{_yaml(meta)}---\n{clause.text}\n"


def _rules_files(council: Council, corpus: Corpus) -> dict[str, str]:
    problems: list[Problem] = []
    routes = load_catalogue(corpus.root / "route-catalogue.yaml", corpus.root, problems)
    questions = load_catalogue(corpus.root / "question-catalogue.yaml", corpus.root, problems)
    if problems:
        raise ContentError(problems)
    note = placeholder_note(council.name)
    header = ("# Generated by the importer: every entry is a placeholder until someone writes the real cases\n"
              "# from the protocol's text (see docs/rules-format.md).\n")
    return {
        "routes.yaml": header + _yaml({slug: [{"not_covered": note}] for slug in routes}),
        "rules.yaml": header + _yaml({slug: [{"verdict": "not-covered", "reasons": [note]}] for slug in questions}),
    }


def content_folder_files(result: ImportResult, corpus: Corpus) -> dict[str, bytes]:
    """The files of ``content/<slug>/`` (paths relative to it): council.yaml, source.txt, clauses/, routes, rules."""
    council = to_council(result, corpus)
    meta = {
        "slug": council.slug, "name": council.name, "short_name": council.short_name, "kind": council.kind,
        "name_confirmed": council.name_confirmed, "source_title": council.source_title, "source_file": "source.txt",
        "adopted": None, "sections": [{"number": s.number, "title": s.title} for s in council.sections],
        "omissions": [], "editorial_notes": list(council.editorial_notes), "titles": dict(council.titles),
    }
    files = {"council.yaml": _yaml(meta), "source.txt": result.source_text}
    for clause in council.clauses:
        files[f"clauses/{clause.order:03d}-{clause.number}.md"] = _clause_file(clause)
    files.update(_rules_files(council, corpus))
    return {path: text.encode("utf-8") for path, text in files.items()}


def content_folder_zip(result: ImportResult, corpus: Corpus) -> bytes:
    """A zip of ``<slug>/...``, ready to unpack into a content folder."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in content_folder_files(result, corpus).items():
            archive.writestr(zipfile.ZipInfo(f"{result.slug}/{path}", date_time=(1980, 1, 1, 0, 0, 0)), data,
                             compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _write_files(folder: Path, files: dict[str, bytes]) -> None:
    for path, data in files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def _backup_path(content_dir: Path, slug: str) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    backups = content_dir / BACKUP_DIR
    backups.mkdir(exist_ok=True)
    candidate, n = backups / f"{slug}-{stamp}", 2
    while candidate.exists():
        candidate, n = backups / f"{slug}-{stamp}-{n}", n + 1
    return candidate


def write_content_folder(result: ImportResult, corpus: Corpus, content_dir: Path, *, overwrite: bool = False) -> Path:
    """Write ``content_dir/<slug>/`` atomically: staged in a copy of the content folder, validated, then renamed.

    The copy holds everything the content folder will hold afterwards, so a council that would break another
    file's citations (overwriting a curated council with a different text) is refused like a broken one.
    Refuses an existing council folder unless ``overwrite``; then the old folder is moved to
    ``content_dir/.backups/<slug>-<timestamp>/`` first. On any failure nothing is left behind.
    """
    content_dir = Path(content_dir).resolve()
    if not content_dir.is_dir():
        raise ImportProblem(f"The content folder '{clip(content_dir)}' does not exist.")
    target = content_dir / result.slug
    if target.exists() and not overwrite:
        raise ImportProblem(f"A council folder '{result.slug}' already exists: choose another short name, or confirm "
                            "that it should be replaced (a backup of the old one is kept).")
    files = content_folder_files(result, corpus)
    staging = Path(tempfile.mkdtemp(prefix=".import-", dir=content_dir))
    try:
        check = staging / "content"  # the content folder as it will be; the staging folder itself is never loaded
        shutil.copytree(content_dir, check, ignore=lambda folder, names: [
            n for n in names if Path(folder) == content_dir and (n.startswith(".") or n == result.slug)])
        for name in VOCABULARY_FILES:
            if not (check / name).is_file() and (corpus.root / name).is_file():
                shutil.copyfile(corpus.root / name, check / name)
        _write_files(check / result.slug, files)
        load_model(check)  # raises ContentError naming every problem
        backup = None
        if target.exists():
            backup = _backup_path(content_dir, result.slug)
            os.replace(target, backup)
        try:
            os.replace(check / result.slug, target)
        except BaseException:
            if backup is not None:
                os.replace(backup, target)
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


__all__ = [
    "Anomaly", "ImportProblem", "ImportResult", "ImportedClause", "content_folder_files", "content_folder_zip",
    "import_bytes", "import_file", "import_text", "to_council", "with_edits", "write_content_folder",
]
