"""The truth audit: every computed answer beside the clause text it cites, with a reviewer's verdict.

For every council, every route scenario and permission question is answered over every
combination of its catalogue parameters (:func:`answer_keys`). Each answer is written out with
the words of the clauses it cites (:func:`audit_markdown`, one reviewable Markdown file per
council, ``make audit``), so a reviewer reads the answer and its source side by side.

The reviewer's verdicts live in ``audit/verdicts/<slug>.yaml``, one per answer key::

    route:member-concern-about-officer?about=chief-executive&stage=formal:
      verdict: correct            # correct | corrected | defensible (| wrong, which must not stay)
      fingerprint: 3f9c0a1b2d     # of the answer the verdict was given on
      note: Why, in a sentence (required for corrected and defensible).

A verdict is tied to the answer it was given on by the answer's fingerprint: change a rule and
its answers' verdicts go stale until someone reads them again (:func:`verdict_problems`).
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from logic.content import Corpus
from logic.model import Model
from logic.permissions import Answer, ask
from logic.routing import Route, route

AUDIT_DIR = Path(__file__).resolve().parent.parent / "audit"
VERDICTS = ("correct", "corrected", "defensible", "wrong")
NEEDS_NOTE = ("corrected", "defensible", "wrong")
# Answer fields added after verdicts were first recorded: left out of the fingerprint while empty,
# so a new optional field does not make every verdict stale.
LATER_FIELDS = ("note_cites",)


@dataclass(frozen=True)
class AnswerKey:
    kind: str  # "route" | "question"
    slug: str
    params: tuple[tuple[str, str], ...]

    def __str__(self) -> str:
        query = "&".join(f"{name}={value}" for name, value in self.params)
        return f"{self.kind}:{self.slug}" + (f"?{query}" if query else "")


@dataclass(frozen=True)
class AuditedAnswer:
    key: AnswerKey
    result: Route | Answer

    @property
    def fingerprint(self) -> str:
        """A short hash of what the answer says: not its parameters (they are in the key) nor its assumptions
        (they come from the catalogue), so answers that say the same thing share a fingerprint."""
        data = self.result.as_dict()
        for shown_elsewhere in ("params", "assumptions"):
            data.pop(shown_elsewhere, None)
        for field in LATER_FIELDS:
            if not data.get(field):
                data.pop(field, None)
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:10]

    @property
    def cites(self) -> tuple[str, ...]:
        return self.result.cites


@dataclass(frozen=True)
class Verdict:
    verdict: str
    fingerprint: str
    note: str = ""


def answer_keys(model: Model) -> Iterator[AnswerKey]:
    """Every route scenario and question over every combination of its parameter values."""
    for kind, catalogue in (("route", model.routing.catalogue), ("question", model.rules.catalogue)):
        for slug, entry in catalogue.items():
            names = list(entry.params)
            for values in itertools.product(*(list(entry.params[n].values) for n in names)):
                yield AnswerKey(kind, slug, tuple(zip(names, values)))


def answers(model: Model, council: str) -> list[AuditedAnswer]:
    out = []
    for key in answer_keys(model):
        params = dict(key.params)
        if key.kind == "route":
            result = route(model.corpus, model.routing, key.slug, council, params)
        else:
            result = ask(model.corpus, model.rules, key.slug, council, params)
        out.append(AuditedAnswer(key, result))
    return out


# ------------------------------------------------------------------ verdict records


def verdicts_path(slug: str, audit_dir: Path = AUDIT_DIR) -> Path:
    return audit_dir / "verdicts" / f"{slug}.yaml"


def load_verdicts(slug: str, audit_dir: Path = AUDIT_DIR) -> dict[str, Verdict]:
    path = verdicts_path(slug, audit_dir)
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(key): Verdict(str(entry.get("verdict", "")), str(entry.get("fingerprint", "")),
                              str(entry.get("note") or "").strip())
            for key, entry in data.items() if isinstance(entry, dict)}


def verdict_problems(model: Model, slug: str, audit_dir: Path = AUDIT_DIR) -> list[str]:
    """Answers with no verdict, a stale one (the answer changed since), a wrong one, or no note where one is due;
    and verdicts for answers that no longer exist."""
    recorded = load_verdicts(slug, audit_dir)
    problems = []
    current = {str(a.key): a for a in answers(model, slug)}
    for key, answer in current.items():
        verdict = recorded.get(key)
        if verdict is None:
            problems.append(f"{key}: no verdict")
        elif verdict.verdict not in VERDICTS:
            problems.append(f"{key}: verdict '{verdict.verdict}' is not one of {', '.join(VERDICTS)}")
        elif verdict.fingerprint != answer.fingerprint:
            problems.append(f"{key}: stale verdict (answer is now {answer.fingerprint}, verdict was on "
                            f"{verdict.fingerprint}); read it again")
        elif verdict.verdict == "wrong":
            problems.append(f"{key}: still wrong: {verdict.note}")
        elif verdict.verdict in NEEDS_NOTE and not verdict.note:
            problems.append(f"{key}: a '{verdict.verdict}' verdict needs a note saying why")
    problems += [f"{key}: verdict for an answer that no longer exists" for key in sorted(set(recorded) - set(current))]
    return problems


def verdict_counts(model: Model, slug: str, audit_dir: Path = AUDIT_DIR) -> dict[str, int]:
    recorded = load_verdicts(slug, audit_dir)
    counts = {"answers": 0} | dict.fromkeys(VERDICTS, 0) | {"missing": 0}
    for answer in answers(model, slug):
        counts["answers"] += 1
        verdict = recorded.get(str(answer.key))
        counts[verdict.verdict if verdict and verdict.verdict in VERDICTS else "missing"] += 1
    return counts


def skeleton(model: Model, slug: str, audit_dir: Path = AUDIT_DIR) -> str:
    """YAML entries to fill in for every answer whose verdict is missing or stale (verdict left as 'todo')."""
    recorded = load_verdicts(slug, audit_dir)
    entries = {}
    for answer in answers(model, slug):
        verdict = recorded.get(str(answer.key))
        if verdict is None or verdict.fingerprint != answer.fingerprint:
            entries[str(answer.key)] = {"verdict": "todo", "fingerprint": answer.fingerprint,
                                        "note": verdict.note if verdict else ""}
    return yaml.safe_dump(entries, sort_keys=False, allow_unicode=True, width=110) if entries else ""


# ------------------------------------------------------------------ the reviewable file


def _answer_lines(result: Route | Answer) -> list[str]:
    if isinstance(result, Answer):
        lines = [f"**Verdict: {result.verdict_in_words}**", ""] + [f"- {r}" for r in result.reasons]
        return lines
    if not result.covered:
        return [f"**Not covered.** {result.note}"]
    lines = [f"Scope: {result.scope}", ""] if result.scope else []
    for step in result.steps:
        extras = [c for c in ("at the same time as the step before" * step.parallel, step.condition) if c]
        reaches = f" ({step.reaches})" if step.recipients else ""
        limit = f" Within {step.limits_text}." if step.limits_text else ""
        lines.append(f"{step.number}. {'; '.join(extras) + ': ' if extras else ''}**{step.actor_label}**"
                     f"{reaches}: {step.action}{limit} [{', '.join(step.cites)}]")
    if result.note:
        lines += ["", f"Note: {result.note}"]
    return lines


def _quoted(corpus: Corpus, cites: tuple[str, ...]) -> list[str]:
    lines = []
    for cite in cites:
        clause = corpus.resolve(cite)
        if clause is None:
            lines.append(f"> **{cite}**: (missing clause)")
            continue
        body = clause.text.replace("\n", "\n> ")
        lines += [f"> **{cite}**" + (f" (in {clause.id})" if clause.id != cite else ""), ">", f"> {body}", ""]
    return lines


def audit_markdown(model: Model, slug: str, audit_dir: Path = AUDIT_DIR) -> str:
    """Every answer for one council with the clause text it cites and the verdict recorded on it.

    Answers given by the same case (same cites, same text) are listed together, so a reviewer
    reads each rule once and checks every parameter combination it answers.
    """
    corpus = model.corpus
    council = corpus.councils[slug]
    recorded = load_verdicts(slug, audit_dir)
    counts = verdict_counts(model, slug, audit_dir)
    lines = [f"# Audit: {council.name}", "",
             "Every catalogue answer for this council, computed by the engines, beside the words of the clauses it "
             "cites. Generated by `make audit` from the content; verdicts come from "
             f"`audit/verdicts/{slug}.yaml`.", "",
             "| " + " | ".join(counts) + " |", "|---" * len(counts) + "|",
             "| " + " | ".join(str(v) for v in counts.values()) + " |", ""]
    by_entry: dict[tuple[str, str], list[AuditedAnswer]] = {}
    for answer in answers(model, slug):
        by_entry.setdefault((answer.key.kind, answer.key.slug), []).append(answer)
    for (kind, entry_slug), entry_answers in by_entry.items():
        catalogue = model.routing.catalogue if kind == "route" else model.rules.catalogue
        lines += [f"## {kind}: {entry_slug}", "", f"_{catalogue[entry_slug].question}_", ""]
        groups: dict[str, list[AuditedAnswer]] = {}
        for answer in entry_answers:
            groups.setdefault(answer.fingerprint, []).append(answer)
        for fingerprint, group in groups.items():
            first = group[0]
            lines.append(f"### Answer {fingerprint} (case {first.result.case_index})")
            lines.append("")
            for answer in group:
                verdict = recorded.get(str(answer.key))
                shown = "**no verdict**" if verdict is None else (
                    f"**stale** (was {verdict.verdict})" if verdict.fingerprint != fingerprint else verdict.verdict)
                note = f" — {verdict.note}" if verdict and verdict.note else ""
                lines.append(f"- `{answer.key}`: {shown}{note}")
            lines += ["", *_answer_lines(first.result), ""]
            if first.cites:
                lines += ["Cited text:", "", *_quoted(corpus, first.cites)]
            else:
                lines += ["Cites nothing.", ""]
    return "\n".join(lines).rstrip() + "\n"


def write_audit(model: Model, audit_dir: Path = AUDIT_DIR, councils=None) -> dict[str, Path]:
    """Write ``<audit_dir>/<slug>.md`` for every council, or the ones named (verdicts read from beside them)."""
    audit_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    for slug in councils or model.corpus.councils:
        path = audit_dir / f"{slug}.md"
        path.write_text(audit_markdown(model, slug, audit_dir), encoding="utf-8")
        written[slug] = path
    return written
