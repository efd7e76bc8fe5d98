"""Trainers' scenarios (``content/scenarios.yaml``), their computed outcomes, quizzes and printable cards.

A scenario is a situation in our own words that links to routing scenarios and/or permission
questions with parameters. Nothing about the outcome is typed into the library: what each
council's protocol says, the quiz's right answer and the card's text are all computed by the
engines, so a change to a council's rules changes the training material with it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from logic.content import Corpus, Problem, _rel, read_yaml
from logic.decisions import ParameterError, resolve_params
from logic.export import Block
from logic.permissions import VERDICT_LABELS, Answer, RuleData, ask
from logic.routing import (
    RECIPIENT_PASSIVE,
    Route,
    RoutingData,
    first_contact,
    roles_in,
    route,
    route_in_words,
    with_scope,
)

SCENARIO_KEYS = {"slug", "title", "audience", "situation", "prompt", "routes", "questions"}
AUDIENCES = {"councillors", "officers", "trainers", "governance"}
NOT_COVERED = "Not covered by this protocol"
MAX_ROUTE_OPTIONS = 4
# Never offered as a wrong answer about whom to go to: "a member" or "an officer" is nobody in particular.
SELF_ROLES = ("member", "officer")
NO_LIMIT = "No time limit is stated"
# Wrong answers for a time-limit question: limits councils commonly set, minus any this route states.
COMMON_LIMITS = ("3 working days", "5 working days", "7 days", "10 working days", "14 days", "28 days")


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
        return result.verdict_in_words
    if not result.covered:
        return NOT_COVERED
    return with_scope(result, route_in_words(result.steps))


@dataclass(frozen=True)
class QuizQuestion:
    """One multiple-choice question with exactly one right option.

    ``option_roles`` says which people each option names (for questions about people), so a test can
    check that no wrong option names anyone the route involves.
    """

    prompt: str
    options: tuple[str, ...]
    answer: str
    explanation: str
    cites: tuple[str, ...]
    kind: str = "verdict"  # verdict | what-if | first-contact | copied | time-limit
    option_roles: tuple[tuple[str, frozenset[str]], ...] = ()
    link: ScenarioLink | None = None  # the route or question of the scenario it asks about


def _assume(assumptions) -> str:
    return f"(Assume {'; '.join(assumptions)}.)" if assumptions else ""


def _verdict_questions(model, link: ScenarioLink, council: str, name: str, result: Answer) -> list[QuizQuestion]:
    """The verdict as the scenario sets it, and what it becomes when one circumstance changes (if it does)."""
    question = link_label(model, link)
    scope = f" ({result.scope})" if result.scope else ""
    out = [QuizQuestion(f"Under {name}'s protocol: {question}{scope} {_assume(result.assumptions)}",
                        tuple(VERDICT_LABELS.values()), result.verdict_label, " ".join(result.reasons),
                        result.cites, link=link)]
    entry = model.rules.catalogue[link.slug]
    for param_name, param in entry.params.items():
        for value in param.values:
            if value == link.params[param_name]:
                continue
            changed = ask(model.corpus, model.rules, link.slug, council, {**link.params, param_name: value})
            if changed.verdict != result.verdict:
                out.append(QuizQuestion(
                    f"Under {name}'s protocol, and the same question: what if {param.values[value].assumption}?",
                    tuple(VERDICT_LABELS.values()), changed.verdict_label, " ".join(changed.reasons),
                    changed.cites, kind="what-if", link=link))
                return out
    return out


def _distractor_roles(model, council: str, link: ScenarioLink, excluded: set[str], count: int) -> list[str]:
    """Other posts this council's protocol names, none of them involved in the route: the order is fixed per
    scenario and council (so a rerun shows the same options) but differs between them."""
    titles = model.corpus.councils[council].titles
    candidates = [role for role in titles if role not in excluded and role not in SELF_ROLES]
    seed = f"{link.slug}|{council}|"
    candidates.sort(key=lambda role: hashlib.sha256((seed + role).encode()).hexdigest())
    return candidates[:count]


def _mentioned_posts(model, council: str, result: Route) -> set[str]:
    """Posts the route's own words mention (its note, its steps' actions): never offered as wrong answers,
    since the text may give them a part the steps do not show (Maldon dr-4.2's Opposition Leader)."""
    words = " ".join([result.note, result.scope, *(s.action for s in result.steps)]).lower()
    titles = model.corpus.councils[council].titles
    return {role for role, title in titles.items() if title.lower() in words}


def _named_posts(model, link: ScenarioLink) -> set[str]:
    """Posts the situation itself names (the officer concerned is a head of service, the clerk)."""
    return {value for value in link.params.values() if value in model.corpus.roles}


def _people_question(model, council: str, link: ScenarioLink, result: Route, prompt: str, right: tuple[str, ...],
                     right_label: str, kind: str, explanation: str, cites: tuple[str, ...]) -> QuizQuestion:
    """A question whose answer is a person (or people who are alternatives, as one option).

    No wrong option names anyone the route involves, nor a post the situation itself names (when the
    officer concerned is a head of service, "Head of Service" is the right person, not a wrong one).
    """
    council_obj = model.corpus.councils[council]
    excluded = roles_in(result) | set(right) | _named_posts(model, link) | _mentioned_posts(model, council, result)
    wrong = _distractor_roles(model, council, link, excluded, MAX_ROUTE_OPTIONS - 2)
    option_roles = [(right_label, frozenset(right))]
    option_roles += [(council_obj.title_for(role, model.corpus.roles), frozenset({role})) for role in wrong]
    option_roles.append((NOT_COVERED, frozenset()))
    option_roles.sort(key=lambda o: (o[0] == NOT_COVERED, o[0].lower()))
    return QuizQuestion(prompt, tuple(o for o, _ in option_roles), right_label, explanation, cites, kind,
                        tuple(option_roles), link)


def _not_covered_question(model, council: str, link: ScenarioLink, prompt: str, result: Route) -> QuizQuestion:
    council_obj = model.corpus.councils[council]
    wrong = _distractor_roles(model, council, link, _named_posts(model, link), MAX_ROUTE_OPTIONS - 1)
    option_roles = sorted(((council_obj.title_for(r, model.corpus.roles), frozenset({r})) for r in wrong),
                          key=lambda o: o[0].lower()) + [(NOT_COVERED, frozenset())]
    return QuizQuestion(prompt, tuple(o for o, _ in option_roles), NOT_COVERED, result.note, (), "first-contact",
                        tuple(option_roles), link)


def _route_questions(model, link: ScenarioLink, council: str, name: str, result: Route) -> list[QuizQuestion]:
    """Whom you go to first; who else is copied in or kept informed; the time limit, each only where stated."""
    entry = model.routing.catalogue[link.slug]
    asker = entry.asker_for(result.params)
    situation = entry.label + (f"; assume {'; '.join(result.assumptions)}" if result.assumptions else "")
    if result.scope:  # a route narrower than the situation: the question says where its answer holds
        situation += f". {result.scope}"
    go_first = entry.first_contact_prompt or ("whom do you go to first?" if asker else "who deals with it first?")
    prompt = f"Under {name}'s protocol, {go_first} ({situation}.)"
    if not result.covered:
        return [_not_covered_question(model, council, link, prompt, result)]
    explanation = summary(result)
    out = []
    contact = first_contact(result, asker)
    # "An officer" or "a member" is nobody in particular: no question whose right answer is that.
    if contact is not None and not set(contact.roles) <= set(SELF_ROLES):
        if contact.step.condition:  # "If the matter concerns the Clerk": the answer holds only then
            prompt = prompt[:-2] + f"; {contact.step.condition[:1].lower()}{contact.step.condition[1:]}.)"
        out.append(_people_question(model, council, link, result, prompt, contact.roles, contact.in_words,
                                    "first-contact", explanation, contact.step.cites))
    informed = next((s for s in result.steps if s.recipients_as("copied", "kept-informed")), None)
    if informed is not None:
        people = informed.recipients_as("copied", "kept-informed")
        out.append(_people_question(
            model, council, link, result,
            f"Under {name}'s protocol, who else is {RECIPIENT_PASSIVE[people[0].how]} at step {informed.number}? "
            f"({informed.actor_label}: {informed.action})", tuple(r.role for r in people),
            " and ".join(r.label for r in people), "copied", explanation, informed.cites))
    limited = next((s for s in result.steps if s.limits_text), None)
    if limited is not None:
        right = f"Within {limited.limits_text}"
        stated = {str(s.time_limit) for s in result.steps if s.time_limit}
        stated |= {str(o.limit) for s in result.steps for o in s.other_limits}
        wrong = [f"Within {limit}" for limit in COMMON_LIMITS if limit not in stated][:MAX_ROUTE_OPTIONS - 2]
        out.append(QuizQuestion(
            f"Under {name}'s protocol, what time limit applies at step {limited.number}? "
            f"({limited.actor_label}: {limited.action})", (*sorted([right, *wrong], key=str.lower), NO_LIMIT),
            right, explanation, limited.cites, "time-limit", link=link))
    return out


def quiz(model, scenario: Scenario, council: str) -> list[QuizQuestion]:
    """Multiple-choice questions whose right answers come from the engines, each with exactly one right option."""
    name = model.corpus.councils[council].short_name
    questions = []
    for link in scenario.links:
        result = outcome(model, link, council)
        if isinstance(result, Answer):
            questions += _verdict_questions(model, link, council, name, result)
        else:
            questions += _route_questions(model, link, council, name, result)
    return questions


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
