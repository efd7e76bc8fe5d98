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
    check_catalogue_topics,
    check_council,
    load_catalogue,
    load_council_cases,
    lookup,
    resolve_params,
    when_matches,
)

STEP_KEYS = {"actor", "action", "within", "also_within", "condition", "cites", "recipients", "parallel"}
RECIPIENT_KEYS = {"role", "how", "optional"}
# How a step reaches someone besides the person acting: the step goes to them (or through them, "via"),
# they are copied in, they are told (in parallel, not as the next step), or they are kept informed.
RECIPIENT_HOW = {"sent": "to", "via": "via", "copied": "copied to", "told": "tells", "kept-informed": "keeps informed"}
# The same in a sentence about the step ("Officer (keeps Member informed)"), and about the person reached.
RECIPIENT_PHRASE = {"sent": "to {}", "via": "via {}", "copied": "copied to {}", "told": "tells {}",
                    "kept-informed": "keeps {} informed"}
# Where the text says "may" ("the Chief Executive may inform the group leader"): `optional: true`.
OPTIONAL_PHRASE = {"sent": "may go to {}", "via": "may pass via {}", "copied": "may copy in {}", "told": "may tell {}",
                   "kept-informed": "may keep {} informed"}
RECIPIENT_PASSIVE = {"sent": "sent it", "via": "passed it on", "copied": "copied in", "told": "told",
                     "kept-informed": "kept informed"}
CASE_KEYS = {"when", "steps", "not_covered", "note", "note_cites", "scope"}
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
class OtherLimit:
    """A second time limit in the same clause, with when it applies ("if the concern was sent by email")."""

    limit: TimeLimit
    applies: str

    def __str__(self) -> str:
        return f"{self.limit} {self.applies}"


@dataclass(frozen=True)
class Recipient:
    role: str
    how: str  # a key of RECIPIENT_HOW
    optional: bool = False  # the text says "may" ("may inform the relevant political group leader")


@dataclass(frozen=True)
class Step:
    actor: str
    action: str
    cites: tuple[str, ...]
    within: TimeLimit | None = None
    condition: str = ""
    recipients: tuple[Recipient, ...] = ()
    other_limits: tuple[OtherLimit, ...] = ()
    parallel: bool = False


@dataclass(frozen=True)
class RouteCase:
    when: dict[str, tuple[str, ...]]
    steps: tuple[Step, ...]
    covered: bool
    note: str = ""
    # Where the text's route is narrower than the situation ("Only where the difficulty concerns advice
    # to a party group"): shown with every summary of the route, so no card or table drops it.
    scope: str = ""
    # Clauses the note relies on beyond the steps' own (every clause an answer names is cited).
    note_cites: tuple[str, ...] = ()


@dataclass(frozen=True)
class TitledRecipient:
    role: str
    label: str  # the council's own title
    how: str
    optional: bool = False

    def as_dict(self) -> dict:
        # "optional" appears only when true, so answers recorded before it existed keep their fingerprints.
        optional = {"optional": True} if self.optional else {}
        return {"role": self.role, "label": self.label, "how": self.how, **optional}


def recipients_in_words(recipients) -> str:
    """"to Director or Chief Executive; copied to Monitoring Officer": several people a step is sent to are
    alternatives ("or"); several people copied in, told or kept informed all are ("and")."""
    parts = []
    for optional in (False, True):
        for how, phrase in RECIPIENT_PHRASE.items():
            labels = [r.label for r in recipients if r.how == how and r.optional == optional]
            if labels:
                template = OPTIONAL_PHRASE[how] if optional else phrase
                parts.append(template.format((" or " if how == "sent" else " and ").join(labels)))
    return "; ".join(parts)


@dataclass(frozen=True)
class RouteStep:
    """A step as answered: the actor (the person acting) and anyone it reaches, with the council's own titles.

    ``parallel`` marks a step that happens at the same time as the one before it, not after it
    (Maldon 5.1: the councillor tells their Group Leader and the officer tells the Head of Paid Service).
    """

    number: int
    actor: str
    actor_label: str
    action: str
    within: str | None
    cites: tuple[str, ...]
    condition: str = ""
    time_limit: TimeLimit | None = None
    recipients: tuple[TitledRecipient, ...] = ()
    other_limits: tuple[OtherLimit, ...] = ()
    parallel: bool = False

    def recipients_as(self, *hows: str) -> tuple[TitledRecipient, ...]:
        return tuple(r for r in self.recipients if r.how in hows)

    @property
    def reaches(self) -> str:
        """Everyone the step reaches besides the actor, in words: "to Director or Chief Executive; copied to
        Monitoring Officer". Several people a step is sent to are alternatives ("or"); several people
        copied in, told or kept informed all are ("and")."""
        return recipients_in_words(self.recipients)

    @property
    def limits_text(self) -> str:
        """Every time limit of the step ("7 days; 3 working days if the concern was sent by email")."""
        return "; ".join([self.within] * bool(self.within) + [str(o) for o in self.other_limits])


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
    scope: str = ""
    note_cites: tuple[str, ...] = ()

    @property
    def cites(self) -> tuple[str, ...]:
        """Every clause the answer rests on: the steps' cites, then the note's, each once."""
        return tuple(dict.fromkeys(cites_of_steps(self.steps) + self.note_cites))

    def as_dict(self) -> dict:
        return {
            "council": self.council, "scenario": self.scenario, "params": self.params,
            "covered": self.covered, "assumptions": list(self.assumptions),
            "steps": [{"actor": s.actor, "actor_label": s.actor_label, "action": s.action,
                       "within": s.within, "other_limits": [str(o) for o in s.other_limits],
                       "condition": s.condition, "parallel": s.parallel,
                       "recipients": [r.as_dict() for r in s.recipients], "cites": list(s.cites)}
                      for s in self.steps],
            "note": self.note, "note_cites": list(self.note_cites), "scope": self.scope,
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


def _parse_other_limits(raw, ctx: CaseContext) -> tuple[OtherLimit, ...]:
    """``also_within: [{working_days: 3, applies: if the concern was sent by email}]``."""
    out = []
    for item in raw or []:
        if not isinstance(item, dict) or not str(item.get("applies") or "").strip():
            ctx.problem(f"also_within entry {item!r:.60} needs a time limit and 'applies'.",
                        "Write also_within: [{working_days: 3, applies: if the concern was sent by email}].")
            continue
        limit = _parse_within({k: v for k, v in item.items() if k != "applies"}, ctx)
        if limit:
            out.append(OtherLimit(limit, str(item["applies"]).strip()))
    return tuple(out)


def _parse_recipients(raw, ctx: CaseContext) -> tuple[Recipient, ...]:
    """``recipients: [{role: monitoring-officer, how: copied}]``; ``how`` defaults to ``sent``."""
    out = []
    for item in raw or []:
        if not isinstance(item, dict):
            ctx.problem("each recipient must be a mapping with role and how.")
            continue
        for key in sorted(set(map(str, item)) - RECIPIENT_KEYS):
            ctx.problem(f"unknown key '{key}' in a recipient.", f"Use only: {', '.join(sorted(RECIPIENT_KEYS))}.")
        role, how = str(item.get("role", "")), str(item.get("how", "sent"))
        if role not in ctx.corpus.roles:
            ctx.problem(f"unknown recipient role '{role}'.", "Use a slug from content/roles.yaml.")
        if how not in RECIPIENT_HOW:
            ctx.problem(f"recipient 'how' is '{how}'.", f"Use one of: {', '.join(RECIPIENT_HOW)}.")
        out.append(Recipient(role, how, item.get("optional") is True))
    return tuple(out)


def _parse_case(raw: dict, ctx: CaseContext) -> RouteCase:
    for key in sorted(set(map(str, raw)) - CASE_KEYS):
        ctx.problem(f"unknown key '{key}' in a case.", f"Use only: {', '.join(sorted(CASE_KEYS))}.")
    when = ctx.parse_when(raw.get("when"))
    if "not_covered" in raw:
        if raw.get("steps"):
            ctx.problem("a case cannot both have steps and be not covered.")
        if raw.get("note_cites"):
            ctx.problem("a not-covered case cites nothing.", "Remove its note_cites.")
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
        if item.get("parallel") and not steps:
            ctx.problem("the first step cannot be parallel to the one before it.")
        steps.append(Step(actor=actor, action=str(item.get("action", "")).strip(),
                          cites=ctx.check_cites(item.get("cites"), required=True),
                          within=_parse_within(item.get("within"), ctx),
                          condition=str(item.get("condition") or ""),
                          recipients=_parse_recipients(item.get("recipients"), ctx),
                          other_limits=_parse_other_limits(item.get("also_within"), ctx),
                          parallel=item.get("parallel") is True))
    if not steps:
        ctx.problem("a covered case needs steps.", "Add steps, or write not_covered: <note>.")
    return RouteCase(when, tuple(steps), True, str(raw.get("note") or ""), str(raw.get("scope") or "").strip(),
                     ctx.check_cites(raw.get("note_cites"), required=False))


def load_routing(corpus: Corpus, problems: list[Problem]) -> RoutingData:
    catalogue = load_catalogue(corpus.root / "route-catalogue.yaml", corpus.root, problems)
    check_catalogue_topics(catalogue, corpus, corpus.root / "route-catalogue.yaml", problems)
    answers = load_council_cases("routes.yaml", catalogue, corpus, problems, _parse_case)
    return RoutingData(catalogue, answers)


def _not_covered_note(council_name: str) -> str:
    return f"Not covered by this protocol: {council_name}'s protocol says nothing about this situation."


def titled_steps(corpus: Corpus, council: str, case: RouteCase) -> tuple[RouteStep, ...]:
    """A case's steps numbered and shown with the council's own titles for each role."""
    council_obj = corpus.councils[council]

    def title(role: str) -> str:
        return council_obj.title_for(role, corpus.roles)

    return tuple(
        RouteStep(number=i, actor=s.actor, actor_label=title(s.actor),
                  action=s.action, within=str(s.within) if s.within else None, cites=s.cites,
                  condition=s.condition, time_limit=s.within,
                  recipients=tuple(TitledRecipient(r.role, title(r.role), r.how, r.optional) for r in s.recipients),
                  other_limits=s.other_limits, parallel=s.parallel)
        for i, s in enumerate(case.steps, 1))


def route_in_words(steps) -> str:
    """The route as one line: "Member (to Director; copied to Monitoring Officer) → Director".

    Parallel steps are joined with " + " (they happen at the same time, not one after the other); a later
    step's condition comes before it in brackets ("→ [if concerns remain] Leader of the Council").
    """
    out = ""
    for step in steps:
        reaches = f" ({step.reaches})" if step.recipients else ""
        joiner = " + " if step.parallel else " → "
        # A step that applies only in some cases says so, or the summary reads as one sequence.
        condition = f"[{step.condition[:1].lower()}{step.condition[1:]}] " if step.condition and out else ""
        out += (joiner if out else "") + condition + step.actor_label + reaches
    return out


@dataclass(frozen=True)
class FirstContact:
    """Whom the person asking goes to first: one or more people (alternatives: "the relevant Director or
    the Chief Executive"), who else that first approach copies in, and the step it rests on."""

    roles: tuple[str, ...]
    labels: tuple[str, ...]
    copied: tuple[TitledRecipient, ...]
    step: RouteStep

    @property
    def in_words(self) -> str:
        copied = recipients_in_words(self.copied)
        return " or ".join(self.labels) + (f" ({copied})" if copied else "")


def first_contact(answer: Route, asker: str) -> FirstContact | None:
    """The first person the asker goes to. None when the route is not covered.

    Steps are read in moments (a step and the steps running alongside it). In the first moment
    where anyone other than the asker is reached: whom the asker's own step is sent to or tells,
    if it names them; otherwise the people acting in that moment other than the asker.
    ``asker`` is a role slug ("member", "officer"), or "" when the question is asked about others.
    """
    moments: list[list[RouteStep]] = []
    for step in answer.steps:
        if step.parallel and moments:
            moments[-1].append(step)
        else:
            moments.append([step])
    for moment in moments:
        for step in moment:
            reached = step.recipients_as("sent", "told") if step.actor == asker else ()
            if reached:
                return FirstContact(tuple(r.role for r in reached), tuple(r.label for r in reached),
                                    step.recipients_as("via", "copied", "kept-informed"), step)
        others = list({s.actor: s for s in moment if s.actor != asker}.values())
        if others:
            return FirstContact(tuple(s.actor for s in others), tuple(s.actor_label for s in others), (), others[0])
    return None


def roles_in(answer: Route) -> set[str]:
    """Everyone a route involves: the people acting and everyone their steps reach."""
    return {s.actor for s in answer.steps} | {r.role for s in answer.steps for r in s.recipients}


def with_scope(answer: Route, summary: str) -> str:
    """A route's one-line summary, led by its scope where the text's route is narrower than the situation."""
    return f"{answer.scope}: {summary}" if answer.scope and summary else summary


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
                     index, case.scope, case.note_cites)
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
    """Each step with its deadline, counting each step's limit from the previous deadline.

    A parallel step runs alongside the step before it, so its limit counts from the same day.
    """
    if not isinstance(start, dt.date):
        raise ParameterError("start must be a date")
    out, current, step_began = [], start, start
    for step in route_answer.steps:
        if not step.parallel:
            step_began = current
        if step.time_limit:
            due = add_time_limit(step_began, step.time_limit)
            current = max(current, due)
            out.append((step, due))
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
            "Route": with_scope(answer, route_in_words(answer.steps)) or answer.note,
            "Time limits": "; ".join(f"{s.actor_label}: {s.limits_text}" for s in answer.steps if s.limits_text)
                           or "None stated",
            "Clauses": ", ".join(answer.cites) or "—",
        })
    return rows
