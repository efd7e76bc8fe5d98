"""Permissions: "may X do Y?" evaluated from each council's ``rules.yaml``.

Each council answers every question in ``content/question-catalogue.yaml`` with an ordered list
of cases; the first whose ``when`` matches the parameters gives the verdict (yes / no /
conditional / not-covered), the reasons in plain English, and that council's clauses it rests
on. The answer always starts from its assumptions, as rules-as-code tools do.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from logic.content import Corpus, Problem
from logic.decisions import (
    CaseContext,
    CatalogueEntry,
    assumptions,
    check_catalogue_topics,
    check_council,
    load_catalogue,
    load_council_cases,
    lookup,
    normalise,
    resolve_params,
    when_matches,
)

VERDICTS = ("yes", "no", "conditional", "not-covered")
VERDICT_LABELS = {"yes": "Yes", "no": "No", "conditional": "Only in some circumstances",
                  "not-covered": "Not covered by this protocol"}
CASE_KEYS = {"when", "verdict", "reasons", "cites", "scope"}


@dataclass(frozen=True)
class RuleCase:
    when: dict[str, tuple[str, ...]]
    verdict: str
    reasons: tuple[str, ...]
    cites: tuple[str, ...]
    # Where the verdict holds for part of the question only ("As to officers' help; facilities and
    # equipment are not covered"): every summary of the answer leads with it.
    scope: str = ""


@dataclass(frozen=True)
class Answer:
    council: str
    question: str
    params: dict[str, str]
    verdict: str
    reasons: tuple[str, ...]
    cites: tuple[str, ...]
    assumptions: tuple[str, ...]
    case_index: int | None = None  # which case of the council's rules.yaml answered (None: no case matched)
    scope: str = ""

    @property
    def verdict_label(self) -> str:
        return VERDICT_LABELS[self.verdict]

    @property
    def verdict_in_words(self) -> str:
        """The verdict, led by its scope where it holds for part of the question only."""
        return f"{self.verdict_label} ({self.scope[:1].lower()}{self.scope[1:]})" if self.scope else self.verdict_label

    def as_dict(self) -> dict:
        # "scope" appears only when set, so verdicts recorded before it existed keep their fingerprints.
        return {"council": self.council, "question": self.question, "params": self.params,
                "assumptions": list(self.assumptions), "verdict": self.verdict,
                "reasons": list(self.reasons), "cites": list(self.cites),
                **({"scope": self.scope} if self.scope else {})}


@dataclass
class RuleData:
    catalogue: dict[str, CatalogueEntry]
    answers: dict[str, dict[str, list[RuleCase]]] = field(default_factory=dict)


def _parse_case(raw: dict, ctx: CaseContext) -> RuleCase:
    for key in sorted(set(map(str, raw)) - CASE_KEYS):
        ctx.problem(f"unknown key '{key}' in a case.", f"Use only: {', '.join(sorted(CASE_KEYS))}.")
    verdict = normalise(raw.get("verdict"))
    if verdict not in VERDICTS:
        ctx.problem(f"verdict '{verdict}' is not one of {', '.join(VERDICTS)}.")
    reasons = tuple(str(r).strip() for r in (raw.get("reasons") or ()) if str(r).strip())
    if not reasons:
        ctx.problem("a case needs at least one reason in plain English.")
    covered = verdict != "not-covered"
    cites = ctx.check_cites(raw.get("cites"), required=covered)
    if not covered and cites:
        ctx.problem("a not-covered verdict cites nothing.", "Remove its cites.")
    return RuleCase(ctx.parse_when(raw.get("when")), verdict, reasons, cites, str(raw.get("scope") or "").strip())


def load_rules(corpus: Corpus, problems: list[Problem]) -> RuleData:
    catalogue = load_catalogue(corpus.root / "question-catalogue.yaml", corpus.root, problems)
    check_catalogue_topics(catalogue, corpus, corpus.root / "question-catalogue.yaml", problems)
    answers = load_council_cases("rules.yaml", catalogue, corpus, problems, _parse_case)
    return RuleData(catalogue, answers)


def ask(corpus: Corpus, data: RuleData, question: str, council: str, params: dict | None = None) -> Answer:
    """Answer one question for one council. Raises ParameterError on bad input."""
    entry = lookup(data.catalogue, question, "question")
    check_council(corpus, council)
    resolved = resolve_params(entry, params)
    assumed = tuple(assumptions(entry, resolved))
    for index, case in enumerate(data.answers.get(council, {}).get(question, [])):
        if when_matches(case.when, resolved):
            return Answer(council, question, resolved, case.verdict, case.reasons, case.cites, assumed, index,
                          case.scope)
    name = corpus.councils[council].name
    return Answer(council, question, resolved, "not-covered",
                  (f"{name}'s protocol does not address this question in these circumstances.",),
                  (), assumed)


def ask_all(corpus: Corpus, data: RuleData, question: str, params: dict | None = None) -> list[Answer]:
    return [ask(corpus, data, question, slug, params) for slug in corpus.councils]


def side_by_side(corpus: Corpus, answers: list[Answer]) -> list[dict]:
    """One row per council, for reading five verdicts across."""
    return [{"Council": corpus.councils[a.council].short_name, "Verdict": a.verdict_label,
             "Why": a.reasons[0] if a.reasons else "", "Clauses": ", ".join(a.cites) or "—"} for a in answers]
