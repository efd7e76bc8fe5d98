"""The whole validated model: corpus plus the routing and permission data that cite it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from logic.content import ContentError, Corpus, Problem, load_corpus
from logic.intents import check_intents
from logic.permissions import RuleData, load_rules
from logic.routing import RoutingData, load_routing
from logic.scenarios import Scenario, load_scenarios


@dataclass(frozen=True)
class Model:
    corpus: Corpus
    routing: RoutingData
    rules: RuleData
    scenarios: tuple[Scenario, ...] = ()


def load_model(root: Path | str | None = None) -> Model:
    """Load and validate everything under the content folder; ContentError lists every problem."""
    corpus = load_corpus(root)
    problems: list[Problem] = []
    routing = load_routing(corpus, problems)
    rules = load_rules(corpus, problems)
    scenarios = load_scenarios(corpus, routing, rules, problems)
    check_intents(corpus, routing, rules, problems)  # intents.yaml, everyday-words.yaml
    if problems:
        raise ContentError(problems)
    return Model(corpus, routing, rules, scenarios)
