"""Rules as data: the machinery shared by routing ("who do I go to?") and permissions ("may I?").

A *catalogue* (``content/route-catalogue.yaml``, ``content/question-catalogue.yaml``) names each
scenario or question and its parameters, every value with a plain-language label and an
assumption phrase. Each council answers every catalogue entry in its own YAML file as an ordered
list of *cases*; the first case whose ``when`` matches the parameters is the answer (an if/elif
chain, which is also how the flowcharts draw it). Every case cites that council's clauses only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from logic.content import Corpus, Problem, _rel, read_yaml
from logic.safe_text import clip


class ParameterError(ValueError):
    """A scenario, question, council or parameter value that is not in the catalogue."""


@dataclass(frozen=True)
class ParamValue:
    slug: str
    label: str
    assumption: str


@dataclass(frozen=True)
class Param:
    name: str
    prompt: str
    default: str
    values: dict[str, ParamValue]


@dataclass(frozen=True)
class CatalogueEntry:
    slug: str
    label: str
    question: str
    params: dict[str, Param]
    # The topics of topics.yaml this situation or question is about: every covered answer cites at
    # least one clause tagged with one of them, so coverage and answers cannot contradict each other.
    topics: tuple[str, ...] = ()
    # Who is asking: a role slug, or the name of the parameter whose value is that role
    # ("party" for a personal relationship). "" when the question is asked about others.
    asker: str = ""
    asker_param: str = ""
    # A topic whose every clause bears on this entry: a council with clauses on it must answer from them.
    answers_topic: str = ""
    # How a quiz asks for the first person involved, where "whom do you go to first?" would not fit.
    first_contact_prompt: str = ""

    def asker_for(self, params: dict[str, str]) -> str:
        return params.get(self.asker_param, "") if self.asker_param else self.asker


def normalise(value: Any) -> str:
    """YAML reads bare yes/no as booleans; the catalogues mean the words."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)


def load_catalogue(path: Path, root: Path, problems: list[Problem]) -> dict[str, CatalogueEntry]:
    rel = _rel(path, root)
    if not path.is_file():
        problems.append(Problem(rel, "catalogue file missing.", f"Create {path.name}."))
        return {}
    data = read_yaml(path, root, problems)
    if not isinstance(data, dict):
        if data is not None:
            problems.append(Problem(rel, "expected a mapping of entries."))
        return {}
    catalogue = {}
    for slug, entry in data.items():
        if not isinstance(entry, dict) or not entry.get("label"):
            problems.append(Problem(rel, f"'{slug}' needs label, question and params."))
            continue
        params = {}
        for name, spec in (entry.get("params") or {}).items():
            values = {normalise(k): ParamValue(normalise(k), str(v["label"]), str(v["assumption"]))
                      for k, v in (spec.get("values") or {}).items()}
            default = normalise(spec.get("default"))
            if default not in values:
                problems.append(Problem(rel, f"'{slug}': default '{default}' of '{name}' is not one of its values."))
            params[str(name)] = Param(str(name), str(spec.get("prompt", name)), default, values)
        asker = entry.get("asker") or ""
        asker_param = str(asker.get("param", "")) if isinstance(asker, dict) else ""
        if asker_param and asker_param not in params:
            problems.append(Problem(rel, f"'{slug}': asker names unknown parameter '{asker_param}'."))
        catalogue[str(slug)] = CatalogueEntry(str(slug), str(entry["label"]),
                                              str(entry.get("question", entry["label"])), params,
                                              tuple(str(t) for t in entry.get("topics") or ()),
                                              "" if isinstance(asker, dict) else str(asker), asker_param,
                                              str(entry.get("answers_topic") or ""),
                                              str(entry.get("first_contact_prompt") or ""))
    return catalogue


def check_catalogue_topics(catalogue: dict[str, CatalogueEntry], corpus: Corpus, path: Path,
                           problems: list[Problem]) -> None:
    rel = _rel(path, corpus.root)
    for entry in catalogue.values():
        if not entry.topics:
            problems.append(Problem(rel, f"'{entry.slug}' names no topics.",
                                    "Add topics: [<slugs from topics.yaml>] that this entry is about."))
        for topic in entry.topics:
            if topic not in corpus.topics:
                problems.append(Problem(rel, f"'{entry.slug}': unknown topic '{topic}'.",
                                        "Use a slug from content/topics.yaml."))
        if entry.answers_topic and entry.answers_topic not in entry.topics:
            problems.append(Problem(rel, f"'{entry.slug}': answers_topic '{entry.answers_topic}' is not one of "
                                         "its topics."))
        askers = ([entry.asker] if entry.asker else
                  list(entry.params[entry.asker_param].values) if entry.asker_param in entry.params else [])
        for role in askers:
            if role not in corpus.roles:
                problems.append(Problem(rel, f"'{entry.slug}': asker '{role}' is not a role.",
                                        "Use a role slug from content/roles.yaml (or {param: <name>})."))


def lookup(catalogue: dict[str, CatalogueEntry], slug: str, kind: str) -> CatalogueEntry:
    if slug not in catalogue:
        raise ParameterError(f"unknown {kind} '{clip(slug)}'; valid {kind}s: {', '.join(catalogue)}")
    return catalogue[slug]


def check_council(corpus: Corpus, council: str) -> None:
    if council not in corpus.councils:
        raise ParameterError(f"unknown council '{clip(council)}'; valid councils: {', '.join(corpus.councils)}")


def resolve_params(entry: CatalogueEntry, given: dict[str, Any] | None) -> dict[str, str]:
    """Validate ``given`` against the entry's parameters and fill in defaults."""
    given = {str(k): normalise(v) for k, v in (given or {}).items()}
    unknown = sorted(set(given) - set(entry.params))
    if unknown:
        valid = ", ".join(entry.params) or "none"
        raise ParameterError(f"'{entry.slug}' has no parameter '{clip(unknown[0])}'; its parameters: {valid}")
    resolved = {}
    for name, param in entry.params.items():
        value = given.get(name, param.default)
        if value not in param.values:
            raise ParameterError(f"'{clip(value)}' is not a valid {name} for '{entry.slug}'; "
                                 f"choose one of: {', '.join(param.values)}")
        resolved[name] = value
    return resolved


def assumptions(entry: CatalogueEntry, params: dict[str, str]) -> list[str]:
    return [entry.params[name].values[value].assumption for name, value in params.items()]


def parse_assignments(pairs: list[str]) -> dict[str, str]:
    """``["post=director", "related=no"]`` -> dict, for the CLI's ``--set k=v``."""
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ParameterError(f"'{clip(pair)}' is not of the form name=value")
        out[key.strip()] = value.strip()
    return out


def when_matches(when: dict[str, tuple[str, ...]], params: dict[str, str]) -> bool:
    return all(params.get(name) in allowed for name, allowed in when.items())


def describe_when(entry: CatalogueEntry, when: dict[str, tuple[str, ...]]) -> str:
    """Plain-language condition for a decision node, e.g. 'Who is the officer? The chief executive'."""
    parts = []
    for name, allowed in when.items():
        param = entry.params[name]
        labels = " or ".join(label if i == 0 else label[:1].lower() + label[1:]
                             for i, label in enumerate(param.values[v].label for v in allowed))
        parts.append(f"{param.prompt} {labels}")
    return "; ".join(parts)


# ------------------------------------------------------------------ per-council case files


@dataclass(frozen=True)
class CaseContext:
    """Where a case is being read, for problems that name the file and entry."""

    rel: str
    council: str
    entry: CatalogueEntry
    corpus: Corpus
    problems: list[Problem]

    def problem(self, message: str, fix: str = "") -> None:
        self.problems.append(Problem(self.rel, f"{self.entry.slug}: {message}", fix))

    def check_cites(self, cites: Any, required: bool) -> tuple[str, ...]:
        cites = tuple(str(c) for c in (cites or ()))
        if required and not cites:
            self.problem("a covered answer must cite at least one clause.",
                         f"Add cites: [{self.council}:<number>].")
        for cite in cites:
            if not cite.startswith(f"{self.council}:"):
                self.problem(f"cites '{cite}', which is not a {self.council} clause.",
                             "Cite only this council's clauses; if it is silent, mark the case not covered.")
            elif self.corpus.resolve(cite) is None:
                self.problem(f"cites missing clause '{cite}'.", "Cite an existing clause id.")
        return cites

    def parse_when(self, raw: Any) -> dict[str, tuple[str, ...]]:
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.problem("'when' must map parameter names to a value or list of values.")
            return {}
        when = {}
        for name, allowed in raw.items():
            name = str(name)
            values = tuple(normalise(v) for v in (allowed if isinstance(allowed, list) else [allowed]))
            if name not in self.entry.params:
                self.problem(f"'when' names unknown parameter '{name}'.",
                             f"Use one of: {', '.join(self.entry.params) or 'none (omit when)'}.")
                continue
            for value in values:
                if value not in self.entry.params[name].values:
                    self.problem(f"'when' value '{value}' is not a valid {name}.",
                                 f"Use one of: {', '.join(self.entry.params[name].values)}.")
            when[name] = values
        return when


def load_council_cases(
    filename: str,
    catalogue: dict[str, CatalogueEntry],
    corpus: Corpus,
    problems: list[Problem],
    parse_case: Callable[[dict, CaseContext], Any],
) -> dict[str, dict[str, list]]:
    """Read ``<council>/<filename>`` for every council: {council: {entry slug: [case, ...]}}."""
    out: dict[str, dict[str, list]] = {}
    for slug, council in corpus.councils.items():
        path = council.folder / filename
        rel = _rel(path, corpus.root)
        if not path.is_file():
            problems.append(Problem(rel, f"missing {filename}.",
                                    "Answer every entry of the catalogue (mark silent ones not covered)."))
            continue
        data = read_yaml(path, corpus.root, problems)
        if not isinstance(data, dict):
            if data is not None:
                problems.append(Problem(rel, "expected a mapping of catalogue entry -> list of cases."))
            continue
        answers: dict[str, list] = {}
        for key, raw_cases in data.items():
            key = str(key)
            if key not in catalogue:
                problems.append(Problem(rel, f"unknown entry '{key}'.",
                                        f"Use one of: {', '.join(catalogue)}."))
                continue
            ctx = CaseContext(rel, slug, catalogue[key], corpus, problems)
            if not isinstance(raw_cases, list) or not raw_cases:
                ctx.problem("expected a non-empty list of cases.")
                continue
            cases = []
            for raw in raw_cases:
                if not isinstance(raw, dict):
                    ctx.problem("each case must be a mapping.")
                    continue
                cases.append(parse_case(raw, ctx))
            answers[key] = cases
        for key in catalogue:
            if key not in answers and key not in data:
                problems.append(Problem(rel, f"no answer for '{key}'.",
                                        "Add it; where the protocol is silent, add a not-covered case."))
        out[slug] = answers
    return out
