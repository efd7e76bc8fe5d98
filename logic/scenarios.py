"""Trainers' scenarios (``content/scenarios.yaml``), their computed outcomes, quizzes and printable cards.

A scenario is a situation in our own words that links to routing scenarios and/or permission
questions with parameters. Nothing about the outcome is typed into the library: what each
council's protocol says, the quiz's right answer and the card's text are all computed by the
engines, so a change to a council's rules changes the training material with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from logic.content import Corpus, Problem, _rel, read_yaml
from logic.decisions import ParameterError, resolve_params
from logic.export import Block
from logic.permissions import VERDICT_LABELS, Answer, RuleData, ask
from logic.routing import Route, RoutingData, route, route_in_words, with_scope

SCENARIO_KEYS = {"slug", "title", "audience", "situation", "prompt", "routes", "questions"}
AUDIENCES = {"councillors", "officers", "trainers", "governance"}
NOT_COVERED = "Not covered by this protocol"
MAX_ROUTE_OPTIONS = 4
# Steps taken by the councillor or officer concerned themselves; the quiz asks who else is involved.
SELF_ROLES = ("member", "officer")


@dataclass(frozen=True)
class ScenarioLink:
    kind: str  # "route" | "question"
    slug: str
    params: dict[str, str]


@dataclass(frozen=True)
class Scenario:
    slug: str
    title: str
    audience: tuple[str, ...]
    situation: str
    prompt: str
    links: tuple[ScenarioLink, ...]


@dataclass(frozen=True)
class QuizQuestion:
    prompt: str
    options: tuple[str, ...]
    answer: str
    explanation: str
    cites: tuple[str, ...]


def _parse_links(raw, kind: str, catalogue, rel: str, title: str, problems: list[Problem]) -> list[ScenarioLink]:
    key = "scenario" if kind == "route" else "question"
    links = []
    for item in raw or []:
        slug = str(item.get(key, "")) if isinstance(item, dict) else ""
        if slug not in catalogue:
            problems.append(Problem(rel, f"scenario '{title}' links to unknown {kind} '{slug}'.",
                                    f"Use one of: {', '.join(catalogue)}."))
            continue
        try:
            params = resolve_params(catalogue[slug], item.get("params"))
        except ParameterError as exc:
            problems.append(Problem(rel, f"scenario '{title}': {exc}."))
            continue
        links.append(ScenarioLink(kind, slug, params))
    return links


def load_scenarios(corpus: Corpus, routing: RoutingData, rules: RuleData,
                   problems: list[Problem]) -> tuple[Scenario, ...]:
    path = corpus.root / "scenarios.yaml"
    if not path.is_file():
        return ()
    rel = _rel(path, corpus.root)
    data = read_yaml(path, corpus.root, problems)
    if data is None:
        return ()
    if not isinstance(data, list):
        problems.append(Problem(rel, "expected a list of scenarios."))
        return ()
    scenarios, seen = [], set()
    for item in data:
        if not isinstance(item, dict) or not item.get("slug"):
            problems.append(Problem(rel, f"scenario {item!r:.60} needs a slug, title, situation and prompt."))
            continue
        slug = str(item["slug"])
        for key in sorted(set(map(str, item)) - SCENARIO_KEYS):
            problems.append(Problem(rel, f"scenario '{slug}': unknown key '{key}'.",
                                    f"Use only: {', '.join(sorted(SCENARIO_KEYS))}."))
        if slug in seen:
            problems.append(Problem(rel, f"scenario '{slug}' appears twice."))
        seen.add(slug)
        audience = tuple(str(a) for a in item.get("audience") or ())
        for who in set(audience) - AUDIENCES:
            problems.append(Problem(rel, f"scenario '{slug}': unknown audience '{who}'.",
                                    f"Use: {', '.join(sorted(AUDIENCES))}."))
        links = (_parse_links(item.get("routes"), "route", routing.catalogue, rel, slug, problems)
                 + _parse_links(item.get("questions"), "question", rules.catalogue, rel, slug, problems))
        if not links:
            problems.append(Problem(rel, f"scenario '{slug}' links to no route or question.",
                                    "Add at least one entry under routes: or questions:."))
        missing = [k for k in ("title", "situation", "prompt") if not str(item.get(k) or "").strip()]
        if missing:
            problems.append(Problem(rel, f"scenario '{slug}' is missing {', '.join(missing)}."))
        scenarios.append(Scenario(slug, str(item.get("title", "")), audience, str(item.get("situation", "")).strip(),
                                  str(item.get("prompt", "")).strip(), tuple(links)))
    return tuple(scenarios)


def outcome(model, link: ScenarioLink, council: str) -> Route | Answer:
    """What one council's protocol says for a scenario's link (computed, never stored)."""
    if link.kind == "route":
        return route(model.corpus, model.routing, link.slug, council, link.params)
    return ask(model.corpus, model.rules, link.slug, council, link.params)


def link_label(model, link: ScenarioLink) -> str:
    catalogue = model.routing.catalogue if link.kind == "route" else model.rules.catalogue
    return catalogue[link.slug].question


def summary(result: Route | Answer) -> str:
    """One line: the verdict, or who to go to in order."""
    if isinstance(result, Answer):
        return result.verdict_label
    if not result.covered:
        return NOT_COVERED
    return with_scope(result, route_in_words(result.steps))


def quiz(model, scenario: Scenario, council: str) -> list[QuizQuestion]:
    """Multiple-choice questions whose right answers come from the engines."""
    name = model.corpus.councils[council].short_name
    questions = []
    for link in scenario.links:
        result = outcome(model, link, council)
        if isinstance(result, Answer):
            questions.append(QuizQuestion(
                prompt=f"Under {name}'s protocol: {link_label(model, link)} "
                       f"(Assume {'; '.join(result.assumptions)}.)",
                options=tuple(VERDICT_LABELS.values()), answer=result.verdict_label,
                explanation=" ".join(result.reasons), cites=result.cites))
        else:
            others = [s for s in result.steps if s.actor not in SELF_ROLES]
            if result.covered and not others:
                continue  # the protocol names nobody beyond those involved: nothing to ask
            answer = others[0].actor_label if result.covered else NOT_COVERED
            questions.append(QuizQuestion(
                prompt=f"Under {name}'s protocol, who is the first person to involve? ({link_label(model, link)})",
                options=_route_options(model, council, answer), answer=answer,
                explanation=summary(result) if result.covered else result.note, cites=result.cites))
    return questions


def _route_options(model, council: str, answer: str) -> tuple[str, ...]:
    """The right answer, other titles this council uses (in a fixed order), and 'not covered'."""
    titles = model.corpus.councils[council].titles
    distractors = [t for role, t in sorted(titles.items()) if role not in SELF_ROLES and t != answer]
    options = [answer, *distractors[:MAX_ROUTE_OPTIONS - 2]]
    if answer != NOT_COVERED:
        options.append(NOT_COVERED)
    return tuple(sorted(options, key=lambda o: (o == NOT_COVERED, o.lower())))


def card_blocks(model, scenario: Scenario) -> list[Block]:
    """A printable scenario card: the situation, the discussion prompt and what each protocol says."""
    blocks = [Block("title", scenario.title), Block("heading", "The situation"), Block("text", scenario.situation),
              Block("heading", "For discussion"), Block("text", scenario.prompt),
              Block("heading", "What each protocol says")]
    for link in scenario.links:
        blocks.append(Block("subheading", link_label(model, link)))
        for council in model.corpus.councils.values():
            result = outcome(model, link, council.slug)
            cites = ", ".join(result.cites)
            blocks.append(Block("text", f"{council.short_name}: {summary(result)}" + (f" ({cites})" if cites else "")))
    blocks.append(Block("note", "Outcomes computed by Protocol Explorer from each council's protocol; "
                                "check the cited clauses before relying on them."))
    return blocks
