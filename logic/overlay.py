"""Imported councils held beside the built-in ones, without touching the loaded model.

``with_councils`` returns a new :class:`~logic.model.Model` whose corpus also holds the given councils
(after the built-in ones, so every page, search index and comparison sees them) and whose routing and
permission data answer every catalogue entry for them with a placeholder case: "not covered", with a
note that says the rules have not been written yet, never that the protocol is silent. The base
model is never mutated, so one visitor's imported council cannot reach another visitor's model.

The same placeholder wording is written into a generated ``routes.yaml`` / ``rules.yaml``
(:mod:`logic.importer`), so ``checklist`` finds what is still to fill in whether the council lives in
a session or in a content folder.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from logic.content import Council
from logic.extract import ImportProblem
from logic.model import Model
from logic.permissions import RuleCase
from logic.routing import RouteCase

PLACEHOLDER = "Not answered yet:"


def placeholder_note(council_name: str) -> str:
    """What a route or question answers for a council whose rules nobody has written."""
    return (f"{PLACEHOLDER} the rules for {council_name} have not been written yet (its protocol was imported "
            "automatically), so this is not a finding that the protocol is silent. Read its clauses in the "
            "Handbook.")


def is_placeholder(text: str) -> bool:
    return text.startswith(PLACEHOLDER)


def with_councils(model: Model, councils: Sequence[Council]) -> Model:
    """A new model with ``councils`` added after the built-in ones; raises ImportProblem on a slug clash."""
    corpus = model.corpus
    added: dict[str, Council] = {}
    for council in councils:
        if council.slug in corpus.councils or council.slug in added:
            raise ImportProblem(f"A council with the short name '{council.slug}' is already in the handbook: "
                                "choose another.")
        added[council.slug] = council
    clauses = {clause.id: clause for council in added.values() for clause in council.clauses}
    new_corpus = replace(corpus, councils={**corpus.councils, **added},
                         clauses_by_id={**corpus.clauses_by_id, **clauses})
    routes = {slug: {entry: [RouteCase(when={}, steps=(), covered=False, note=placeholder_note(c.name))]
                     for entry in model.routing.catalogue} for slug, c in added.items()}
    rules = {slug: {entry: [RuleCase(when={}, verdict="not-covered", reasons=(placeholder_note(c.name),), cites=())]
                    for entry in model.rules.catalogue} for slug, c in added.items()}
    return replace(model, corpus=new_corpus,
                   routing=replace(model.routing, answers={**model.routing.answers, **routes}),
                   rules=replace(model.rules, answers={**model.rules.answers, **rules}))


def checklist(model: Model, slug: str) -> list[tuple[str, str, str]]:
    """(kind "route" | "question", catalogue slug, label) for every entry ``slug`` has not answered yet."""
    if slug not in model.corpus.councils:
        raise ImportProblem(f"There is no council '{slug}'.")
    todo = []
    for kind, data, text_of in (("route", model.routing, lambda case: case.note),
                                ("question", model.rules, lambda case: case.reasons[0] if case.reasons else "")):
        answers = data.answers.get(slug, {})
        for entry in data.catalogue.values():
            cases = answers.get(entry.slug, [])
            if not cases or all(is_placeholder(text_of(case)) for case in cases):
                todo.append((kind, entry.slug, entry.label))
    return todo


__all__ = ["PLACEHOLDER", "checklist", "is_placeholder", "placeholder_note", "with_councils"]
