"""Load and validate the protocol corpus under ``content/``.

The corpus is plain data: one folder per council (``council.yaml``, ``source.txt`` and
``clauses/NNN-<number>.md``) plus shared vocabularies (``topics.yaml``, ``roles.yaml``,
``glossary.yaml``, ``synonyms.yaml``). Loading is all-or-nothing: every problem found in any
file is collected as a :class:`Problem` (file, line, what is wrong, how to fix it) and raised
together in one :class:`ContentError`, so a curator fixes a batch in one pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from logic.safe_text import clip

DEFAULT_CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"

SLUG_RE = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
# As printed, no trailing dot: 3.2, 3.4.1, dr-2.2, 3(c). A citation may add a lettered
# sub-item, 4.4(b), which resolves to the numbered clause it sits in. The importer numbers an
# appended document whose numbering restarts a2-1.1, a3-1.1, ... (curated content may use dr-).
NUMBER_RE = re.compile(r"^(dr-|a[2-9]-)?\d{1,3}(\.\d{1,3}){0,3}(\([a-z]{1,3}\))?$")
CLAUSE_FILE_RE = re.compile(r"^(\d{3})-(.+)\.md$")
CITATION_SUBITEM_RE = re.compile(r"^(.*\d)\(([a-z]{1,3})\)$")

CLAUSE_KEYS = {"id", "number", "section", "topics", "title", "note"}
CLAUSE_REQUIRED = {"id", "number", "section", "topics"}
COUNCIL_KEYS = {
    "slug", "name", "short_name", "kind", "name_confirmed", "source_title", "source_file",
    "adopted", "sections", "omissions", "editorial_notes", "titles",
}
COUNCIL_REQUIRED = {"slug", "name", "short_name", "kind", "source_title", "sections"}
GLOSSARY_KEYS = {"term", "aliases", "definition", "clauses", "see_also"}
VOCAB_KEYS = {"label", "description"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one content file."""

    path: str
    message: str
    fix: str = ""
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}" + (f" Fix: {self.fix}" if self.fix else "")


class ContentError(Exception):
    """Raised with every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Section:
    number: str
    title: str


@dataclass(frozen=True)
class Clause:
    id: str
    council: str
    number: str
    section: str
    section_title: str
    topics: tuple[str, ...]
    text: str
    order: int
    title: str = ""
    note: str = ""

    @property
    def heading(self) -> str:
        """The clause's own title, or its section title when it has none."""
        return self.title or self.section_title


@dataclass(frozen=True)
class Council:
    slug: str
    name: str
    short_name: str
    kind: str
    source_title: str
    sections: tuple[Section, ...]
    clauses: tuple[Clause, ...]
    name_confirmed: bool = True
    source_file: str = ""
    adopted: str | None = None
    omissions: tuple[str, ...] = ()
    editorial_notes: tuple[str, ...] = ()
    titles: dict[str, str] = field(default_factory=dict)
    folder: Path | None = None

    def title_for(self, role: str, roles: dict[str, Role]) -> str:
        """The council's own title for a role, falling back to the shared label."""
        if role in self.titles:
            return self.titles[role]
        return roles[role].label if role in roles else role

    def source_text(self) -> str:
        if not self.folder or not self.source_file:
            return ""
        path = self.folder / self.source_file
        return path.read_text(encoding="utf-8") if path.is_file() else ""


@dataclass(frozen=True)
class Topic:
    slug: str
    label: str
    description: str


@dataclass(frozen=True)
class Role:
    slug: str
    label: str
    description: str


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    definition: str
    aliases: tuple[str, ...]
    clauses: tuple[str, ...]
    see_also: tuple[str, ...] = ()

    @property
    def slug(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.term.lower()).strip("-")


@dataclass(frozen=True)
class Corpus:
    root: Path
    councils: dict[str, Council]
    topics: dict[str, Topic]
    roles: dict[str, Role]
    glossary: tuple[GlossaryEntry, ...]
    synonyms: tuple[tuple[str, ...], ...]
    clauses_by_id: dict[str, Clause]

    def all_clauses(self) -> list[Clause]:
        return [c for council in self.councils.values() for c in council.clauses]

    def resolve(self, citation: str) -> Clause | None:
        """The clause a citation names; ``thurrock:4.4(b)`` resolves to ``thurrock:4.4``."""
        if citation in self.clauses_by_id:
            return self.clauses_by_id[citation]
        match = CITATION_SUBITEM_RE.match(citation)
        if match and match.group(1) in self.clauses_by_id:
            return self.clauses_by_id[match.group(1)]
        return None

    def glossary_for(self, clause_id: str) -> list[GlossaryEntry]:
        return [g for g in self.glossary if clause_id in g.clauses]


# ---------------------------------------------------------------- file reading helpers


def read_text(path: Path, rel: str, problems: list[Problem]) -> str | None:
    """A content file's text, or None with a problem recorded when it cannot be read as UTF-8."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(rel, f"cannot read the file ({exc.__class__.__name__}).",
                                "Save it as UTF-8 text."))
        return None


def read_yaml(path: Path, root: Path, problems: list[Problem]) -> Any:
    """Parse a YAML file; on failure record a problem with the line and return None."""
    rel = _rel(path, root)
    text = read_text(path, rel, problems)
    return None if text is None else parse_yaml_text(text, rel, problems)


def parse_yaml_text(text: str, rel: str, problems: list[Problem], line_offset: int = 0) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 + line_offset if mark is not None else None
        reason = getattr(exc, "problem", None) or "invalid YAML"
        problems.append(Problem(rel, f"unreadable YAML: {reason}.",
                                "Check indentation and quote values containing ':' or '#'.", line))
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        # PyYAML raises these for values it cannot build (an impossible date, a bad !!int tag,
        # absurdly deep nesting); they are content errors like any other.
        problems.append(Problem(rel, f"unreadable YAML: {clip(exc, 120)}.",
                                "Quote the value so it is read as text, or correct it."))
    return None


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):
        return tuple(str(v) for v in value)
    return (str(value),)


def check_keys(data: dict, allowed: set[str], required: set[str], rel: str,
               problems: list[Problem], what: str) -> None:
    for key in sorted(set(map(str, data)) - allowed):
        problems.append(Problem(rel, f"unknown key '{key}' in {what}.",
                                f"Use only: {', '.join(sorted(allowed))}."))
    for key in sorted(required - set(map(str, data))):
        problems.append(Problem(rel, f"missing required key '{key}' in {what}.",
                                f"Add '{key}:'."))


# ---------------------------------------------------------------- vocabularies


def _load_vocab(root: Path, name: str, problems: list[Problem]) -> dict[str, tuple[str, str]]:
    path = root / name
    rel = _rel(path, root)
    if not path.is_file():
        problems.append(Problem(rel, f"missing {name}.", f"Create {name} in the content folder."))
        return {}
    data = read_yaml(path, root, problems)
    if data is None:
        return {}
    if not isinstance(data, dict):
        problems.append(Problem(rel, "expected a mapping of slug -> {label, description}."))
        return {}
    vocab: dict[str, tuple[str, str]] = {}
    for slug, entry in data.items():
        slug = str(slug)
        if not SLUG_RE.match(slug):
            problems.append(Problem(rel, f"'{slug}' is not a valid slug.",
                                    "Use lower-case letters, digits and hyphens."))
            continue
        if not isinstance(entry, dict) or not entry.get("label"):
            problems.append(Problem(rel, f"'{slug}' needs a label and a description."))
            continue
        check_keys(entry, VOCAB_KEYS, VOCAB_KEYS, rel, problems, f"'{slug}'")
        vocab[slug] = (str(entry.get("label", "")), str(entry.get("description", "")))
    return vocab


def _load_synonyms(root: Path, problems: list[Problem]) -> tuple[tuple[str, ...], ...]:
    path = root / "synonyms.yaml"
    if not path.is_file():
        return ()
    data = read_yaml(path, root, problems)
    rel = _rel(path, root)
    groups = data.get("groups") if isinstance(data, dict) else None
    if not isinstance(groups, list):
        problems.append(Problem(rel, "expected 'groups:' with a list of lists of equivalent terms."))
        return ()
    out = []
    for i, group in enumerate(groups, 1):
        terms = tuple(str(t).strip().lower() for t in _strings(group) if str(t).strip())
        if len(terms) < 2:
            problems.append(Problem(rel, f"synonym group {i} has fewer than two terms.",
                                    "List at least two equivalent terms."))
            continue
        out.append(terms)
    return tuple(out)


# ---------------------------------------------------------------- councils and clauses


def split_front_matter(text: str) -> tuple[str, str] | None:
    """Split ``---\\n<yaml>\\n---\\n<body>``; None when there is no front matter."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return None
    for i in range(1, len(lines)):
        if lines[i].strip() == "---":
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1:])
    return None


def _load_clause(path: Path, root: Path, slug: str, order: int, sections: dict[str, str],
                 topics: dict, problems: list[Problem]) -> Clause | None:
    rel = _rel(path, root)
    text = read_text(path, rel, problems)
    if text is None:
        return None
    parts = split_front_matter(text)
    if parts is None:
        problems.append(Problem(rel, "no YAML front matter.",
                                "Start the file with '---', the clause fields, then '---'.", 1))
        return None
    meta_text, body = parts
    before_parse = len(problems)
    meta = parse_yaml_text(meta_text, rel, problems, line_offset=1)
    if meta is None:
        if len(problems) == before_parse:
            problems.append(Problem(rel, "empty front matter.",
                                    "Give the clause its id, number, section and topics.", 2))
        return None
    if not isinstance(meta, dict):
        problems.append(Problem(rel, "front matter must be a mapping of fields.", "", 2))
        return None
    before = len(problems)
    check_keys(meta, CLAUSE_KEYS, CLAUSE_REQUIRED, rel, problems, "clause front matter")
    number = str(meta.get("number", ""))
    clause_id = str(meta.get("id", ""))
    file_match = CLAUSE_FILE_RE.match(path.name)
    if not NUMBER_RE.match(number):
        problems.append(Problem(rel, f"malformed clause number '{number}'.",
                                "Write it as printed without a trailing dot: 3.2, 3.4.1, dr-2.2, 3(c)."))
    if clause_id != f"{slug}:{number}":
        problems.append(Problem(rel, f"id '{clause_id}' does not match its council and number.",
                                f"Set id: {slug}:{number} (the folder is '{slug}')."))
    if not file_match or file_match.group(2) != number:
        problems.append(Problem(rel, f"file name does not match number '{number}'.",
                                f"Name the file NNN-{number}.md (NNN = 3-digit document order)."))
    section = str(meta.get("section", ""))
    if section not in sections:
        problems.append(Problem(rel, f"section '{section}' is not listed in council.yaml.",
                                "Add it under 'sections:' or correct the clause's section."))
    clause_topics = _strings(meta.get("topics"))
    if not clause_topics:
        problems.append(Problem(rel, "no topics.", "Tag the clause with at least one topic."))
    for topic in clause_topics:
        if topic not in topics:
            problems.append(Problem(rel, f"unknown topic '{topic}'.",
                                    "Use a slug from content/topics.yaml or add it there."))
    body = body.strip()
    if not body:
        problems.append(Problem(rel, "empty body.", "Put the clause text after the front matter."))
    if len(problems) > before:
        return None
    return Clause(id=clause_id, council=slug, number=number, section=section,
                  section_title=sections[section], topics=clause_topics, text=body, order=order,
                  title=str(meta.get("title") or ""), note=str(meta.get("note") or ""))


def _load_council(folder: Path, root: Path, topics: dict, roles: dict,
                  problems: list[Problem]) -> Council | None:
    slug = folder.name
    path = folder / "council.yaml"
    rel = _rel(path, root)
    data = read_yaml(path, root, problems)
    if data is None:
        return None
    if not isinstance(data, dict):
        problems.append(Problem(rel, "expected a mapping of council fields."))
        return None
    before = len(problems)
    check_keys(data, COUNCIL_KEYS, COUNCIL_REQUIRED, rel, problems, "council.yaml")
    if str(data.get("slug", slug)) != slug:
        problems.append(Problem(rel, f"slug '{data.get('slug')}' does not match folder '{slug}'.",
                                f"Set slug: {slug} or rename the folder."))
    sections: dict[str, str] = {}
    for entry in data.get("sections") or []:
        if not isinstance(entry, dict) or "number" not in entry or "title" not in entry:
            problems.append(Problem(rel, f"section entry {entry!r} needs number and title."))
            continue
        number = str(entry["number"])
        if number in sections:
            problems.append(Problem(rel, f"section '{number}' is listed twice."))
        sections[number] = str(entry["title"])
    titles = data.get("titles") or {}
    if not isinstance(titles, dict):
        problems.append(Problem(rel, "titles must map role slugs to this council's titles."))
        titles = {}
    for role in titles:
        if role not in roles:
            problems.append(Problem(rel, f"unknown role '{role}' in titles.",
                                    "Use a slug from content/roles.yaml or add it there."))
    clause_dir = folder / "clauses"
    files = sorted(clause_dir.glob("*.md")) if clause_dir.is_dir() else []
    if not files:
        problems.append(Problem(_rel(clause_dir, root), "no clause files.",
                                "Add clauses/NNN-<number>.md files."))
    clauses = []
    for order, clause_path in enumerate(files, 1):
        clause = _load_clause(clause_path, root, slug, order, sections, topics, problems)
        if clause:
            clauses.append(clause)
    source_file = str(data.get("source_file") or "")
    if source_file and not (folder / source_file).is_file():
        problems.append(Problem(rel, f"source_file '{source_file}' does not exist.",
                                "Copy the source text beside council.yaml or drop source_file."))
    if len(problems) > before:
        return None
    return Council(
        slug=slug, name=str(data["name"]), short_name=str(data["short_name"]),
        kind=str(data["kind"]), source_title=str(data["source_title"]),
        sections=tuple(Section(n, t) for n, t in sections.items()), clauses=tuple(clauses),
        name_confirmed=bool(data.get("name_confirmed", True)), source_file=source_file,
        adopted=str(data["adopted"]) if data.get("adopted") else None,
        omissions=_strings(data.get("omissions")),
        editorial_notes=_strings(data.get("editorial_notes")),
        titles={str(k): str(v) for k, v in titles.items()}, folder=folder)


def _load_glossary(root: Path, resolve, problems: list[Problem]) -> tuple[GlossaryEntry, ...]:
    path = root / "glossary.yaml"
    if not path.is_file():
        return ()
    rel = _rel(path, root)
    data = read_yaml(path, root, problems)
    if data is None:
        return ()
    if not isinstance(data, list):
        problems.append(Problem(rel, "expected a list of terms."))
        return ()
    entries = []
    seen = set()
    for i, item in enumerate(data, 1):
        if not isinstance(item, dict) or not item.get("term") or not item.get("definition"):
            problems.append(Problem(rel, f"entry {i} needs 'term' and 'definition'."))
            continue
        check_keys(item, GLOSSARY_KEYS, {"term", "definition"}, rel, problems, f"term '{item['term']}'")
        term = str(item["term"])
        if term.lower() in seen:
            problems.append(Problem(rel, f"term '{term}' is defined twice."))
        seen.add(term.lower())
        cited = _strings(item.get("clauses"))
        for cite in cited:
            if resolve(cite) is None:
                problems.append(Problem(rel, f"term '{term}' cites missing clause '{cite}'.",
                                        "Cite an existing clause id such as maldon:3.2."))
        entries.append(GlossaryEntry(term=term, definition=str(item["definition"]).strip(),
                                     aliases=_strings(item.get("aliases")), clauses=cited,
                                     see_also=_strings(item.get("see_also"))))
    return tuple(entries)


def council_folders(root: Path) -> list[Path]:
    return sorted(p for p in root.iterdir() if p.is_dir() and (p / "council.yaml").is_file())


def load_corpus(root: Path | str | None = None) -> Corpus:
    """Load every council and vocabulary under ``root``; raise ContentError listing all problems."""
    root = Path(root) if root else DEFAULT_CONTENT_DIR
    problems: list[Problem] = []
    if not root.is_dir():
        raise ContentError([Problem(str(root), "content folder not found.",
                                    "Pass --content with the folder holding council folders.")])
    topics = {s: Topic(s, *v) for s, v in _load_vocab(root, "topics.yaml", problems).items()}
    roles = {s: Role(s, *v) for s, v in _load_vocab(root, "roles.yaml", problems).items()}
    synonyms = _load_synonyms(root, problems)
    councils: dict[str, Council] = {}
    for folder in council_folders(root):
        if not SLUG_RE.match(folder.name):
            problems.append(Problem(_rel(folder, root), f"folder name '{folder.name}' is not a valid slug.",
                                    "Use lower-case letters, digits and hyphens."))
            continue
        council = _load_council(folder, root, topics, roles, problems)
        if council:
            councils[council.slug] = council
    if not councils and not problems:
        problems.append(Problem(str(root), "no council folders found.",
                                "Each council needs a folder with council.yaml."))
    clauses_by_id: dict[str, Clause] = {}
    for council in councils.values():
        for clause in council.clauses:
            if clause.id in clauses_by_id:
                problems.append(Problem(f"{root.name}/{council.slug}", f"duplicate clause id '{clause.id}'.",
                                        "Give each clause its own number."))
            clauses_by_id[clause.id] = clause
    corpus = Corpus(root=root, councils=councils, topics=topics, roles=roles, glossary=(),
                    synonyms=synonyms, clauses_by_id=clauses_by_id)
    glossary = _load_glossary(root, corpus.resolve, problems)
    if problems:
        raise ContentError(problems)
    return Corpus(root=root, councils=councils, topics=topics, roles=roles, glossary=glossary,
                  synonyms=synonyms, clauses_by_id=clauses_by_id)
