"""Compare the councils' protocols: coverage, side-by-side text, gaps, shared wording,
concrete differences, and exports of each table (CSV, Markdown, Excel).

Governance staff use this to see, topic by topic, what each protocol says and where it is
silent. Everything here is computed from the content data and the routing and permission
engines; nothing is typed into a page. Tables are pandas DataFrames with readable column
headers (topic labels, council short names), ready to show and to export as they are.

Shared wording
--------------
Several protocols descend from the same model text, edited locally. To reveal it, each clause
is cut into passages (sentences and list items, :func:`passages`); every passage is compared
with every passage of every other council using ``rapidfuzz.fuzz.ratio`` (normalised Indel
similarity, 0-100) after light normalisation (case, quotation marks, list markers, bold
marks, whitespace). Passages under :data:`MIN_PASSAGE_WORDS` words are skipped: short phrases
such as "a working partnership;" recur in any such document and prove nothing. Comparing
passages rather than whole clauses matters because long clauses often share only one
paragraph (county 5.12 shares its first sentence with Allerdale 7.1 and Thurrock 10.1).

Observed on the five bundled protocols (532 passages of 6+ words, 111,418 cross-council
passage pairs), the scores fall into two populations:

======  =======  ========================================================================
score   pairs    what they are
======  =======  ========================================================================
< 50    110,349  unrelated sentences
50-60       984  same subject, different words
60-70        37  paraphrases of common themes ("mutual respect and courtesy ...")
70-75         4  two generic phrases, two loose paraphrases
75-85        15  model text with a word or phrase substituted (county 6.1 / Maldon 4.2
                 "never be allowed to become so close", Allerdale 8.1 / county 4.1
                 support services, Maldon 6.2 / Thurrock 6.2 related candidates)
85-100       29  the same sentence with punctuation or a word changed (county /
                 Allerdale "need to know" and "a roving commission", the Maldon /
                 Thurrock list on advice to party groups, Maldon dr-2.1 / Thurrock 12.2)
======  =======  ========================================================================

:data:`SHARED_WORDING_THRESHOLD` is 75, the valley between the two populations: all 28
clause pairs at or above it were checked by reading and are shared model text; just below
it generic phrasing ("mutual respect and courtesy between Members and Officers" against
"Mutual respect and courtesy at all times", 71) starts to appear. The price is that model
text whose middle was rewritten is missed (Maldon 6.1 / Thurrock 6.1 share an opening but
list different posts: 62); lower ``threshold`` to explore such pairs. Each reported pair carries
its best passage score, the whole-clause score (how much of the clauses as wholes is shared:
Allerdale 6.4 / county 5.8 score 98 as passages and 97 as wholes; Allerdale 6.3 / county 5.7
share one sentence at 100 but score only 61 as wholes) and every matched passage.

Differences
-----------
The rows of the differences table are data (``content/differences.yaml``): each names a
route scenario or a permission question, its parameters, and how to summarise the engine's
answer in one short cell (:data:`ROUTE_SUMMARIES`, :data:`QUESTION_SUMMARIES`). A cell never
cites another council's clause, because the engines never do.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations, groupby

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from rapidfuzz import fuzz, process

from logic.content import Clause, ContentError, Corpus, Problem, _rel, check_keys, read_yaml
from logic.decisions import CatalogueEntry, ParameterError, lookup, resolve_params
from logic.export import long_date
from logic.model import Model
from logic.permissions import Answer, ask
from logic.routing import Route, cites_of_steps, first_contact, route, route_in_words, with_scope
from logic.safe_text import clip

NOT_COVERED = "not covered"
TOPIC_COLUMN = "Topic"

# ------------------------------------------------------------------ coverage and side by side


def coverage(corpus: Corpus) -> dict[str, dict[str, list[str]]]:
    """{topic: {council: [clause ids]}} for every topic and council; an empty list is a gap."""
    table = {topic: {slug: [] for slug in corpus.councils} for topic in corpus.topics}
    for clause in corpus.all_clauses():
        for topic in clause.topics:
            table[topic][clause.council].append(clause.id)
    return table


def _council_headers(corpus: Corpus) -> dict[str, str]:
    return {slug: council.short_name for slug, council in corpus.councils.items()}


def _topic_frame(corpus: Corpus, cell: Callable[[list[str]], object]) -> pd.DataFrame:
    headers = _council_headers(corpus)
    rows = [{TOPIC_COLUMN: corpus.topics[topic].label,
             **{headers[slug]: cell(ids) for slug, ids in by_council.items()}}
            for topic, by_council in coverage(corpus).items()]
    return pd.DataFrame(rows, columns=[TOPIC_COLUMN, *headers.values()])


def coverage_matrix(corpus: Corpus) -> pd.DataFrame:
    """Topic x council: the clause ids in each cell, or "not covered" for a gap."""
    return _topic_frame(corpus, lambda ids: ", ".join(ids) or NOT_COVERED)


def coverage_counts(corpus: Corpus) -> pd.DataFrame:
    """Topic x council: how many clauses of the council carry the topic (0 is a gap)."""
    return _topic_frame(corpus, len)


def gaps(corpus: Corpus) -> dict[str, list[str]]:
    """{council: [topics it does not address at all]}, in topic vocabulary order."""
    table = coverage(corpus)
    return {slug: [topic for topic, by_council in table.items() if not by_council[slug]]
            for slug in corpus.councils}


def side_by_side(corpus: Corpus, topic: str) -> dict[str, list[Clause]]:
    """{council: [its clauses on the topic, in document order]}. ParameterError on an unknown topic."""
    lookup(corpus.topics, topic, "topic")
    return {slug: [c for c in council.clauses if topic in c.topics]
            for slug, council in corpus.councils.items()}


def side_by_side_table(corpus: Corpus, topic: str, gap: str = NOT_COVERED) -> pd.DataFrame:
    """One column per council, its clauses on the topic down the rows ("id" line, then text).

    A council that does not address the topic shows ``gap`` ("not covered"; the page's export uses its
    on-screen :data:`GAP_IN_WORDS`) in its first row, so a gap reads as a gap; shorter columns are
    padded with empty strings.
    """
    headers = _council_headers(corpus)
    columns = {headers[slug]: [f"{c.id}\n{c.text}" for c in clauses] or [gap]
               for slug, clauses in side_by_side(corpus, topic).items()}
    depth = max(len(cells) for cells in columns.values())
    return pd.DataFrame({name: cells + [""] * (depth - len(cells)) for name, cells in columns.items()})


def clauses_on_topics(corpus: Corpus, council: str, topics: Iterable[str]) -> list[Clause]:
    """The council's clauses tagged with any of ``topics``, in document order.

    What a page offers beside a "not covered" answer as reading on the same subject: these clauses
    do not answer the question (the engines found no rule in them), so they are never cited.
    """
    wanted = set(topics)
    return [c for c in corpus.councils[council].clauses if wanted & set(c.topics)]


# ------------------------------------------------------------------ shared wording

SHARED_WORDING_THRESHOLD = 75.0
MIN_PASSAGE_WORDS = 6

_SENTENCE_BREAK = re.compile(r"(?<=[.;:!?])\s+(?=[A-Z(\"'“‘])")
_LIST_MARKER = re.compile(r"^(?:[-•*]|\(?[a-z]{1,4}\)|\d{1,2}\.)\s+")
_QUOTES_AND_BOLD = re.compile(r"[\"'“”‘’]|\*\*")


@dataclass(frozen=True)
class PassageMatch:
    score: float
    left: str
    right: str


@dataclass(frozen=True)
class SharedWording:
    """Two clauses of different councils that share a passage of (near) identical text."""

    left: Clause
    right: Clause
    score: float
    whole_score: float
    passages: tuple[PassageMatch, ...]


def normalise(text: str) -> str:
    """Wording only: lower case, no list marker, quotation marks or bold, single spaces."""
    text = _QUOTES_AND_BOLD.sub("", _LIST_MARKER.sub("", text.strip()))
    return " ".join(text.lower().split())


def passages(text: str) -> list[str]:
    """The clause's sentences and list items of at least MIN_PASSAGE_WORDS words, as printed."""
    pieces = (piece for line in text.splitlines() for piece in _SENTENCE_BREAK.split(line.strip()))
    return [piece for piece in pieces if len(normalise(piece).split()) >= MIN_PASSAGE_WORDS]


def _passage_index(clauses: Iterable[Clause]) -> tuple[list[Clause], list[str], list[str]]:
    """Parallel lists over a council's passages: owning clause, passage as printed, normalised."""
    owners, printed, normalised = [], [], []
    for clause in clauses:
        for passage in passages(clause.text):
            owners.append(clause)
            printed.append(passage)
            normalised.append(normalise(passage))
    return owners, printed, normalised


def shared_wording(corpus: Corpus, threshold: float = SHARED_WORDING_THRESHOLD) -> list[SharedWording]:
    """Clause pairs from different councils sharing a passage scoring >= threshold, best first."""
    if not 0 < threshold <= 100:
        raise ParameterError(f"threshold must be above 0 and at most 100, not {threshold}")
    indexes = {slug: _passage_index(council.clauses) for slug, council in corpus.councils.items()}
    found: dict[tuple[Clause, Clause], list[PassageMatch]] = {}
    for left_slug, right_slug in combinations(corpus.councils, 2):
        left_owners, left_printed, left_norm = indexes[left_slug]
        right_owners, right_printed, right_norm = indexes[right_slug]
        if not left_norm or not right_norm:
            continue
        scores = process.cdist(left_norm, right_norm, scorer=fuzz.ratio, score_cutoff=threshold)
        for i, j in np.argwhere(scores >= threshold):
            match = PassageMatch(round(float(scores[i, j]), 1), left_printed[i], right_printed[j])
            found.setdefault((left_owners[i], right_owners[j]), []).append(match)
    results = []
    for (left, right), matches in found.items():
        matches.sort(key=lambda m: -m.score)
        whole = round(fuzz.ratio(normalise(left.text), normalise(right.text)), 1)
        results.append(SharedWording(left, right, matches[0].score, whole, tuple(matches)))
    results.sort(key=lambda s: (-s.score, -s.whole_score, s.left.id, s.right.id))
    return results


def shared_wording_table(corpus: Corpus, threshold: float = SHARED_WORDING_THRESHOLD) -> pd.DataFrame:
    """One row per clause pair: scores, both ids, the matched passages (line by line) and both texts."""
    rows = [{"Score": s.score, "Whole-clause score": s.whole_score,
             "Clause A": s.left.id, "Clause B": s.right.id,
             "Passages A": "\n".join(m.left for m in s.passages),
             "Passages B": "\n".join(m.right for m in s.passages),
             "Text A": s.left.text, "Text B": s.right.text}
            for s in shared_wording(corpus, threshold)]
    return pd.DataFrame(rows, columns=["Score", "Whole-clause score", "Clause A", "Clause B",
                                       "Passages A", "Passages B", "Text A", "Text B"])


# ------------------------------------------------------------------ differences

DIFFERENCES_FILE = "differences.yaml"
DIFFERENCE_KEYS = {"id", "question", "route", "ask", "params", "summary"}


@dataclass(frozen=True)
class DifferenceCell:
    """One council's short answer to a difference question, and the clauses it rests on."""

    answer: str
    cites: tuple[str, ...] = ()

    @property
    def covered(self) -> bool:
        """Engines cite on every covered answer and never on a not-covered one."""
        return bool(self.cites)

    def __str__(self) -> str:
        return f"{self.answer} ({', '.join(self.cites)})" if self.cites else self.answer

    def as_dict(self) -> dict:
        return {"answer": self.answer, "cites": list(self.cites), "covered": self.covered}


_ACTION_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def _destination(answer: Route, entry: CatalogueEntry) -> DifferenceCell:
    """Where it goes: whom the person asking goes to first, and whom that first approach copies in.

    Not the person acting: routes often start with the person asking ("Member: makes the formal
    complaint to ..."), and the question is where the matter goes.
    """
    contact = first_contact(answer, entry.asker_for(answer.params))
    if contact is None:
        return DifferenceCell(NOT_COVERED)
    return DifferenceCell(with_scope(answer, contact.in_words), contact.step.cites)


def _actors(answer: Route, entry: CatalogueEntry) -> DifferenceCell:
    """Everyone in the route in order, with whom each step copies in or tells; one actor taking two
    steps in a row is named once."""
    steps = [next(group) for _, group in groupby(answer.steps, key=lambda s: (s.actor, s.recipients))]
    return DifferenceCell(with_scope(answer, route_in_words(steps)), answer.cites)


def _time_limits(answer: Route, entry: CatalogueEntry) -> DifferenceCell:
    limited = [s for s in answer.steps if s.limits_text]
    if not limited:
        return DifferenceCell("no time limit stated", answer.cites)
    return DifferenceCell("; ".join(f"{s.actor_label}: within {s.limits_text}" for s in limited),
                          cites_of_steps(limited))


def _verdict(answer: Answer) -> DifferenceCell:
    return DifferenceCell(answer.verdict_in_words, answer.cites)


# How a row turns an engine's answer into one cell; a row names one of these in `summary`.
ROUTE_SUMMARIES: dict[str, Callable[[Route, CatalogueEntry], DifferenceCell]] = {
    "destination": _destination, "actors": _actors, "time-limits": _time_limits}
QUESTION_SUMMARIES: dict[str, Callable[[Answer], DifferenceCell]] = {"verdict": _verdict}


@dataclass(frozen=True)
class DifferenceSpec:
    """One row of content/differences.yaml: a question staff ask, answered by an engine."""

    id: str
    question: str
    kind: str  # "route" or "ask"
    entry: str  # scenario or question slug
    params: dict[str, str]
    summary: str


@dataclass(frozen=True)
class DifferenceRow:
    spec: DifferenceSpec
    cells: dict[str, DifferenceCell]

    def as_dict(self) -> dict:
        return {"id": self.spec.id, "question": self.spec.question,
                "cells": {slug: cell.as_dict() for slug, cell in self.cells.items()}}


def _parse_spec(item: object, index: int, model: Model, rel: str, problems: list[Problem]) -> DifferenceSpec | None:
    if not isinstance(item, dict):
        problems.append(Problem(rel, f"row {index} must be a mapping."))
        return None
    before = len(problems)
    check_keys(item, DIFFERENCE_KEYS, {"id", "question", "summary"}, rel, problems, f"row {index}")
    kinds = [kind for kind in ("route", "ask") if kind in item]
    if len(kinds) != 1:
        problems.append(Problem(rel, f"row {index} must name exactly one of 'route' or 'ask'.",
                                "Write route: <scenario> or ask: <question>."))
        return None
    kind = kinds[0]
    catalogue, summaries = ((model.routing.catalogue, ROUTE_SUMMARIES) if kind == "route"
                            else (model.rules.catalogue, QUESTION_SUMMARIES))
    summary = str(item.get("summary", ""))
    if summary not in summaries:
        problems.append(Problem(rel, f"row {index}: summary '{summary}' does not apply to '{kind}'.",
                                f"Use one of: {', '.join(summaries)}."))
    params: dict[str, str] = {}
    if not isinstance(item.get("params") or {}, dict):
        problems.append(Problem(rel, f"row {index}: params must map parameter names to values.",
                                "Write params: {name: value}."))
    else:
        try:
            entry = lookup(catalogue, str(item[kind]), "scenario" if kind == "route" else "question")
            params = resolve_params(entry, item.get("params"))
        except ParameterError as exc:
            problems.append(Problem(rel, f"row {index}: {exc}."))
    if len(problems) > before:
        return None
    return DifferenceSpec(str(item["id"]), str(item["question"]), kind, str(item[kind]), params, summary)


def load_difference_specs(model: Model) -> list[DifferenceSpec]:
    """Read and check content/differences.yaml against the catalogues; ContentError lists every problem."""
    root = model.corpus.root
    path = root / DIFFERENCES_FILE
    rel = _rel(path, root)
    if not path.is_file():
        raise ContentError([Problem(rel, f"missing {DIFFERENCES_FILE}.",
                                    "Create it with the rows of the differences table.")])
    problems: list[Problem] = []
    data = read_yaml(path, root, problems)
    if data is not None and not isinstance(data, list):
        problems.append(Problem(rel, "expected a list of rows."))
    specs = [_parse_spec(item, i, model, rel, problems)
             for i, item in enumerate(data if isinstance(data, list) else [], 1)]
    ids = [spec.id for spec in specs if spec]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(Problem(rel, f"row id '{dup}' is used twice.", "Give each row its own id."))
    if problems:
        raise ContentError(problems)
    return [spec for spec in specs if spec]


def _cell(model: Model, spec: DifferenceSpec, council: str) -> DifferenceCell:
    if spec.kind == "route":
        answer = route(model.corpus, model.routing, spec.entry, council, spec.params)
        entry = model.routing.catalogue[spec.entry]
        return ROUTE_SUMMARIES[spec.summary](answer, entry) if answer.covered else DifferenceCell(NOT_COVERED)
    answer = ask(model.corpus, model.rules, spec.entry, council, spec.params)
    return QUESTION_SUMMARIES[spec.summary](answer) if answer.verdict != "not-covered" else DifferenceCell(NOT_COVERED)


def differences(model: Model) -> list[DifferenceRow]:
    """Every row of content/differences.yaml answered for every council by the engines."""
    return [DifferenceRow(spec, {slug: _cell(model, spec, slug) for slug in model.corpus.councils})
            for spec in load_difference_specs(model)]


def differences_table(model: Model, rows: list[DifferenceRow] | None = None) -> pd.DataFrame:
    """One row per question, one column per council; cells read "answer (ids)" or "not covered".

    ``rows`` are :func:`differences` already computed (a page keeps them cached); by default they are computed.
    """
    headers = _council_headers(model.corpus)
    cells = [{"Question": row.spec.question, **{headers[slug]: str(cell) for slug, cell in row.cells.items()}}
             for row in (differences(model) if rows is None else rows)]
    return pd.DataFrame(cells, columns=["Question", *headers.values()])


def answers_resting_on(rows: list[DifferenceRow], council: str, clause_ids: Iterable[str]) -> list[DifferenceRow]:
    """The differences rows whose answer for ``council`` cites one of ``clause_ids`` (the answers those
    clauses give, shown beside them so a topic's clauses and the answers built on them are read together)."""
    wanted = set(clause_ids)
    return [row for row in rows if wanted & set(row.cells[council].cites)]


# ------------------------------------------------------------------ exports

APP_NAME = "Protocol Explorer"
GAP = "✗ Gap"  # a heatmap cell of a topic the protocol does not address (a symbol and a word: not colour alone)
GAP_IN_WORDS = f"{GAP}: not covered by this protocol"


@dataclass(frozen=True)
class ExportAbout:
    """What an exported table is and where it comes from, printed above the table in every format: a file
    read away from the screen still says what it shows, when it was made and from which protocols."""

    title: str
    generated: dt.date
    sources: tuple[str, ...]  # one line per council shown: its name and its source document
    notes: tuple[str, ...] = ()  # how to read the cells ("✗ Gap: the protocol does not address the topic")

    def rows(self) -> list[list[str]]:
        """The preamble as label/value rows (the title alone on the first)."""
        return [[self.title], ["Generated", f"{long_date(self.generated)} by {APP_NAME}"],
                *(["Source" if i == 0 else "", source] for i, source in enumerate(self.sources)),
                *(["Note", note] for note in self.notes)]


def source_line(corpus: Corpus, council: str) -> str:
    """"Maldon District Council: “Protocol on Member / Officer Relations” (adoption date not stated)"."""
    found = corpus.councils[council]
    adopted = f"adopted {found.adopted}" if found.adopted else "adoption date not stated"
    return f"{found.name}: “{found.source_title}” ({adopted})"


def export_about(corpus: Corpus, title: str, councils: Iterable[str], *, notes: Iterable[str] = (),
                 generated: dt.date | None = None) -> ExportAbout:
    """The title, today's date (or ``generated``) and the source documents of ``councils``, in their order."""
    return ExportAbout(title, generated or dt.date.today(), tuple(source_line(corpus, c) for c in councils),
                       tuple(notes))


def to_csv(frame: pd.DataFrame, about: ExportAbout | None = None) -> bytes:
    """UTF-8 CSV with a byte-order mark, so Excel shows the typographic quotes of the texts.

    With ``about``, its rows come first and a blank row separates them from the table's header.
    """
    preamble = io.StringIO()
    if about:
        csv.writer(preamble, lineterminator="\n").writerows([*about.rows(), []])
    return (preamble.getvalue() + frame.to_csv(index=False, lineterminator="\n")).encode("utf-8-sig")


def _markdown_text(value: object) -> str:
    return html.escape(str(value), quote=False)


def _markdown_cell(value: object) -> str:
    return "<br>".join(_markdown_text(value).replace("|", "\\|").splitlines())


def to_markdown(frame: pd.DataFrame, about: ExportAbout | None = None) -> str:
    """A GitHub-flavoured Markdown table; numbers right-aligned, line breaks as <br>.

    Cell text is HTML-escaped, so clause text can never inject markup where the file is viewed.
    With ``about``, a heading, the date, the sources and the notes come first.
    """
    numeric = [pd.api.types.is_numeric_dtype(frame[col]) for col in frame.columns]
    lines = []
    if about:
        lines += [f"# {_markdown_text(about.title)}", "",
                  f"Generated {long_date(about.generated)} by {APP_NAME}.", "", "Source:", ""]
        lines += [f"- {_markdown_text(source)}" for source in about.sources] + [""]
        lines += [line for note in about.notes for line in (_markdown_text(note), "")]
    lines += ["| " + " | ".join(_markdown_cell(col) for col in frame.columns) + " |",
              "| " + " | ".join("---:" if num else "---" for num in numeric) + " |"]
    lines += ["| " + " | ".join(_markdown_cell(v) for v in row) + " |"
              for row in frame.itertuples(index=False, name=None)]
    return "\n".join(lines) + "\n"


_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_MAX_COLUMN_WIDTH = 60


def _sheet_name(name: str) -> str:
    return _SHEET_NAME_FORBIDDEN.sub(" ", name).strip()[:31] or "Sheet"


def _longest_line(value: object) -> int:
    return max((len(line) for line in str(value).splitlines()), default=0)


def _excel_value(value: object) -> object:
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def to_excel(sheets: Mapping[str, pd.DataFrame], about: ExportAbout | None = None) -> bytes:
    """An .xlsx workbook, one sheet per table: bold frozen header, wrapped text.

    With ``about``, each sheet opens with its rows (the title in bold) and a blank row above the header.
    Every string is stored as text, never as a formula, so text beginning with "=" (an
    imported council's clause, say) cannot run in the reader's spreadsheet; characters that
    Excel cannot store are dropped.
    """
    workbook = Workbook()
    workbook.remove(workbook.active)
    preamble = [*about.rows(), []] if about else []
    for name, frame in sheets.items():
        sheet = workbook.create_sheet(_sheet_name(name))
        for row in preamble:
            sheet.append([_excel_value(v) for v in row])
        header = len(preamble) + 1
        sheet.append([_excel_value(str(col)) for col in frame.columns])
        for row in frame.itertuples(index=False, name=None):
            sheet.append([_excel_value(v) for v in row])
        for index, column_cells in enumerate(sheet.iter_cols(), 1):
            for cell in column_cells:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
            table_cells = column_cells[header - 1:]  # the preamble's long lines may run across; the table wraps
            for cell in table_cells:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            longest = max(_longest_line(cell.value) for cell in table_cells)
            sheet.column_dimensions[get_column_letter(index)].width = min(longest + 2, _MAX_COLUMN_WIDTH)
        if about:
            sheet["A1"].font = Font(bold=True, size=14)
        for cell in sheet[header]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = f"A{header + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class ExportFormat:
    label: str
    mime: str
    write: Callable[[pd.DataFrame, str, ExportAbout | None], bytes]


# Keyed by file suffix: what a download button or the CLI's --output offers.
EXPORT_FORMATS = {
    "csv": ExportFormat("CSV", "text/csv", lambda frame, title, about: to_csv(frame, about)),
    "md": ExportFormat("Markdown", "text/markdown",
                       lambda frame, title, about: to_markdown(frame, about).encode("utf-8")),
    "xlsx": ExportFormat("Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                         lambda frame, title, about: to_excel({title: frame}, about)),
}


def export(frame: pd.DataFrame, fmt: str, title: str, about: ExportAbout | None = None) -> bytes:
    """The table as a file's bytes in one of EXPORT_FORMATS (``title`` names the Excel sheet); with ``about``
    the file opens with its title, date and sources (what every download from the pages carries)."""
    if fmt not in EXPORT_FORMATS:
        raise ParameterError(f"unknown export format '{clip(fmt)}'; choose one of: {', '.join(EXPORT_FORMATS)}")
    return EXPORT_FORMATS[fmt].write(frame, title, about)


def council_order(corpus: Corpus, chosen: Iterable[str], first: str | None = None) -> list[str]:
    """The chosen councils in corpus order, with ``first`` (the visitor's own council) leading when chosen."""
    wanted = set(chosen)
    ordered = [slug for slug in corpus.councils if slug in wanted]
    return ([first] if first in ordered else []) + [slug for slug in ordered if slug != first]


def only_councils(corpus: Corpus, frame: pd.DataFrame, councils: Iterable[str], *, label: bool = True
                  ) -> pd.DataFrame:
    """Keep the first (row label) column and the columns of ``councils``, in the order given. ``label=False``
    for a table with no label column (:func:`side_by_side_table`)."""
    headers = _council_headers(corpus)
    return frame[[*(list(frame.columns[:1]) if label else []), *(headers[slug] for slug in councils)]]


def _facing(pair: SharedWording, council: str | None) -> SharedWording:
    """The pair with ``council``'s clause on the left (the side read first)."""
    if pair.right.council != council:
        return pair
    return SharedWording(pair.right, pair.left, pair.score, pair.whole_score,
                         tuple(PassageMatch(m.score, m.right, m.left) for m in pair.passages))


def pairs_between(pairs: list[SharedWording], councils: Iterable[str], first: str | None = None
                  ) -> list[SharedWording]:
    """Shared-wording pairs whose two clauses both come from the chosen councils; with ``first`` (the
    visitor's council), the pairs it shares come first (best first still), its clause on the left."""
    chosen = set(councils)
    kept = [_facing(p, first) for p in pairs if p.left.council in chosen and p.right.council in chosen]
    return sorted(kept, key=lambda p: p.left.council != first) if first else kept


def heatmap_cells(counts: pd.DataFrame) -> pd.DataFrame:
    """Counts as text for the heatmap: a number of clauses, or 'Gap' (readable without colour)."""
    shown = counts.copy()
    for column in shown.columns[1:]:
        shown[column] = [f"{n} clause{'s' if n != 1 else ''}" if n else GAP for n in counts[column]]
    return shown
