"""Routing: "who do I go to?" evaluated from each council's ``routes.yaml``.

A council's answer to a scenario is an ordered list of cases (see :mod:`logic.decisions`).
A case either lists the steps the protocol prescribes (who, what they do, any time limit,
the clauses that say so) or says the protocol is silent (``not_covered``: a note, no cites).
Time limits are data; :func:`deadlines` turns them into dates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

from logic.content import Corpus, Problem
from logic.decisions import (
    CaseContext,
    CatalogueEntry,
    ParameterError,
    assumptions,
    check_council,
    load_catalogue,
    load_council_cases,
    lookup,
    resolve_params,
    when_matches,
)

STEP_KEYS = {"actor", "action", "within", "condition", "cites"}
CASE_KEYS = {"when", "steps", "not_covered", "note"}
WORKING_DAYS_RULE = ("working days are Monday to Friday, excluding bank holidays in England and Wales "
                     "(the `holidays` library, UK subdivision ENG)")


@dataclass(frozen=True)
class TimeLimit:
    days: int
    working: bool

    def __str__(self) -> str:
        unit = "working day" if self.working else "day"
        return f"{self.days} {unit}{'' if self.days == 1 else 's'}"


@dataclass(frozen=True)
class Step:
    actor: str
    action: str
    cites: tuple[str, ...]
    within: TimeLimit | None = None
    condition: str = ""


@dataclass(frozen=True)
class RouteCase:
    when: dict[str, tuple[str, ...]]
    steps: tuple[Step, ...]
    covered: bool
    note: str = ""


@dataclass(frozen=True)
class RouteStep:
    """A step as answered: the actor shown with the council's own title."""

    number: int
    actor: str
    actor_label: str
    action: str
    within: str | None
    cites: tuple[str, ...]
    condition: str = ""
    time_limit: TimeLimit | None = None


@dataclass(frozen=True)
class Route:
    council: str
    scenario: str
    params: dict[str, str]
    covered: bool
    steps: tuple[RouteStep, ...]
    note: str
    assumptions: tuple[str, ...] = ()
    case_index: int | None = None

    @property
    def cites(self) -> tuple[str, ...]:
        return cites_of_steps(self.steps)

    def as_dict(self) -> dict:
        return {
            "council": self.council, "scenario": self.scenario, "params": self.params,
            "covered": self.covered, "assumptions": list(self.assumptions),
            "steps": [{"actor": s.actor, "actor_label": s.actor_label, "action": s.action,
                       "within": s.within, "condition": s.condition, "cites": list(s.cites)}
                      for s in self.steps],
            "note": self.note,
        }


@dataclass
class RoutingData:
    catalogue: dict[str, CatalogueEntry]
    answers: dict[str, dict[str, list[RouteCase]]] = field(default_factory=dict)


def _parse_within(raw, ctx: CaseContext) -> TimeLimit | None:
    if raw is None:
        return None
    if isinstance(raw, dict) and len(raw) == 1:
        (unit, days), = raw.items()
        if unit in ("days", "working_days") and isinstance(days, int) and 0 < days <= 365:
            return TimeLimit(days, unit == "working_days")
    ctx.problem(f"time limit {raw!r} is not understood.",
                "Write within: {days: 7} or within: {working_days: 3}.")
    return None


def _parse_case(raw: dict, ctx: CaseContext) -> RouteCase:
    for key in sorted(set(map(str, raw)) - CASE_KEYS):
        ctx.problem(f"unknown key '{key}' in a case.", f"Use only: {', '.join(sorted(CASE_KEYS))}.")
    when = ctx.parse_when(raw.get("when"))
    if "not_covered" in raw:
        if raw.get("steps"):
            ctx.problem("a case cannot both have steps and be not covered.")
        return RouteCase(when, (), False, str(raw["not_covered"] or "Not covered by this protocol."))
    steps = []
    for item in raw.get("steps") or []:
        if not isinstance(item, dict):
            ctx.problem("each step must be a mapping.")
            continue
        for key in sorted(set(map(str, item)) - STEP_KEYS):
            ctx.problem(f"unknown key '{key}' in a step.", f"Use only: {', '.join(sorted(STEP_KEYS))}.")
        actor = str(item.get("actor", ""))
        if actor not in ctx.corpus.roles:
            ctx.problem(f"unknown role '{actor}'.", "Use a slug from content/roles.yaml.")
        if not str(item.get("action", "")).strip():
            ctx.problem("a step needs an action.")
        steps.append(Step(actor=actor, action=str(item.get("action", "")).strip(),
                          cites=ctx.check_cites(item.get("cites"), required=True),
                          within=_parse_within(item.get("within"), ctx),
                          condition=str(item.get("condition") or "")))
    if not steps:
        ctx.problem("a covered case needs steps.", "Add steps, or write not_covered: <note>.")
    return RouteCase(when, tuple(steps), True, str(raw.get("note") or ""))


def load_routing(corpus: Corpus, problems: list[Problem]) -> RoutingData:
    catalogue = load_catalogue(corpus.root / "route-catalogue.yaml", corpus.root, problems)
    answers = load_council_cases("routes.yaml", catalogue, corpus, problems, _parse_case)
    return RoutingData(catalogue, answers)


def _not_covered_note(council_name: str) -> str:
    return f"Not covered by this protocol: {council_name}'s protocol says nothing about this situation."


def titled_steps(corpus: Corpus, council: str, case: RouteCase) -> tuple[RouteStep, ...]:
    """A case's steps numbered and shown with the council's own titles for each role."""
    council_obj = corpus.councils[council]
    return tuple(
        RouteStep(number=i, actor=s.actor, actor_label=council_obj.title_for(s.actor, corpus.roles),
                  action=s.action, within=str(s.within) if s.within else None, cites=s.cites,
                  condition=s.condition, time_limit=s.within)
        for i, s in enumerate(case.steps, 1))


def cites_of_steps(steps) -> tuple[str, ...]:
    """The clauses a run of steps cites, each once, in order."""
    return tuple(dict.fromkeys(c for step in steps for c in step.cites))


def route(corpus: Corpus, data: RoutingData, scenario: str, council: str,
          params: dict | None = None) -> Route:
    """Evaluate one scenario for one council. Raises ParameterError on bad input."""
    entry = lookup(data.catalogue, scenario, "scenario")
    check_council(corpus, council)
    resolved = resolve_params(entry, params)
    council_obj = corpus.councils[council]
    assumed = tuple(assumptions(entry, resolved))
    for index, case in enumerate(data.answers.get(council, {}).get(scenario, [])):
        if not when_matches(case.when, resolved):
            continue
        if not case.covered:
            return Route(council, scenario, resolved, False, (), case.note, assumed, index)
        return Route(council, scenario, resolved, True, titled_steps(corpus, council, case), case.note, assumed,
                     index)
    return Route(council, scenario, resolved, False, (), _not_covered_note(council_obj.name), assumed)


def route_all(corpus: Corpus, data: RoutingData, scenario: str, params: dict | None = None) -> list[Route]:
    return [route(corpus, data, scenario, slug, params) for slug in corpus.councils]


# ------------------------------------------------------------------ deadlines


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[dt.date]:
    import holidays

    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_time_limit(start: dt.date, limit: TimeLimit) -> dt.date:
    """The last day of a time limit counted from ``start`` (the start day itself not counted)."""
    if not limit.working:
        return start + dt.timedelta(days=limit.days)
    day, remaining = start, limit.days
    while remaining:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def deadlines(route_answer: Route, start: dt.date) -> list[tuple[RouteStep, dt.date | None]]:
    """Each step with its deadline, counting each step's limit from the previous deadline."""
    if not isinstance(start, dt.date):
        raise ParameterError("start must be a date")
    out, current = [], start
    for step in route_answer.steps:
        if step.time_limit:
            current = add_time_limit(current, step.time_limit)
            out.append((step, current))
        else:
            out.append((step, None))
    return out


def side_by_side(corpus: Corpus, routes: list[Route]) -> list[dict]:
    """One row per council, for reading five routes across: who first, the whole path, limits, cites."""
    rows = []
    for answer in routes:
        council = corpus.councils[answer.council]
        rows.append({
            "Council": council.short_name,
            "Covered": "Yes" if answer.covered else "Not covered",
            "First go to": answer.steps[0].actor_label if answer.steps else "—",
            "Route": " → ".join(s.actor_label for s in answer.steps) or answer.note,
            "Time limits": "; ".join(f"{s.actor_label}: {s.within}" for s in answer.steps if s.within) or "None stated",
            "Clauses": ", ".join(answer.cites) or "—",
        })
    return rows
