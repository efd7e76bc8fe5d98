"""Review a protocol: what it leaves out that peers cover, where it parts from most peers, and
which decision answers change between two versions.

- :func:`gaps`: each topic of ``topics.yaml`` the protocol does not address while peers do, with
  the peers' clauses quoted word for word as model wording; a clause whose wording other peers
  share (near-identical passages, :func:`logic.compare.shared_wording`) is flagged as shared model
  text, because wording several councils adopted is the safest to borrow.
- :func:`differences_from_peers`: rows of the differences table (``content/differences.yaml``)
  where most peers give one answer and this protocol another.
- :func:`decision_changes`: every route scenario and permission question over every catalogue
  parameter combination (:func:`logic.audit.answers`), answered by the engines for both versions;
  the answers that differ. Clause ids are compared through the redline, so an answer that cites
  the same clause under its new number is unchanged.
- :func:`build_review`: all of it plus the redline for OLD -> NEW, for the Review page and the
  review pack (:mod:`logic.review_pack`).

A protocol whose rules are not written yet (an imported draft answers everything "not covered")
cannot be compared on decisions: the functions say so instead of listing every answer as changed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from logic.audit import AnswerKey, answers
from logic.compare import NOT_COVERED, DifferenceCell, DifferenceRow, differences, shared_wording
from logic.content import CITATION_SUBITEM_RE, Clause, Corpus, Council
from logic.decisions import CatalogueEntry, ParameterError, check_council
from logic.model import Model
from logic.overlay import checklist, is_placeholder
from logic.permissions import VERDICT_LABELS, Answer, ask
from logic.redline import Redline, redline
from logic.routing import Route, first_contact, route, route_in_words

# ------------------------------------------------------------------ gaps and model wording


@dataclass(frozen=True)
class ModelWording:
    """A peer's clause quoted as model wording; ``shared_with`` names other peers with near-identical text."""

    clause: Clause
    shared_with: tuple[str, ...] = ()
    shared_ids: tuple[str, ...] = ()

    @property
    def is_shared(self) -> bool:
        return bool(self.shared_with)

    def as_dict(self) -> dict:
        return {"id": self.clause.id, "council": self.clause.council, "text": self.clause.text,
                "shared_with": list(self.shared_with), "shared_ids": list(self.shared_ids)}


@dataclass(frozen=True)
class Gap:
    topic: str
    label: str
    peers: dict[str, tuple[str, ...]]  # peer slug -> its clause ids on the topic (peers that cover it)
    model_wording: tuple[ModelWording, ...]  # shared model text first, then peer by peer

    def as_dict(self) -> dict:
        return {"topic": self.topic, "label": self.label,
                "peers": {slug: list(ids) for slug, ids in self.peers.items()},
                "model_wording": [w.as_dict() for w in self.model_wording]}


@dataclass(frozen=True)
class GapReport:
    source: str
    peers: tuple[str, ...]
    gaps: tuple[Gap, ...]
    covered: tuple[str, ...]  # topics the source addresses
    silent_everywhere: tuple[str, ...]  # topics neither the source nor any peer addresses

    def as_dict(self) -> dict:
        return {"source": self.source, "peers": list(self.peers), "gaps": [g.as_dict() for g in self.gaps],
                "covered": list(self.covered), "silent_everywhere": list(self.silent_everywhere)}


def _peers(corpus: Corpus, slug: str, peers: Sequence[str] | None, exclude: Sequence[str] = ()) -> tuple[str, ...]:
    check_council(corpus, slug)
    if peers is None:
        return tuple(s for s in corpus.councils if s != slug and s not in exclude)
    for peer in peers:
        check_council(corpus, peer)
    chosen = tuple(dict.fromkeys(p for p in peers if p != slug))
    if not chosen:
        raise ParameterError("choose at least one council to compare with, other than the one reviewed")
    return chosen


def _shared_links(corpus: Corpus, clauses: Sequence[Clause]) -> dict[str, set[Clause]]:
    """{clause id: the other councils' clauses sharing a passage with it}, among ``clauses`` only."""
    councils = {slug: replace(corpus.councils[slug], clauses=tuple(c for c in clauses if c.council == slug))
                for slug in dict.fromkeys(c.council for c in clauses)}
    links: dict[str, set[Clause]] = {}
    for pair in shared_wording(replace(corpus, councils=councils)):
        links.setdefault(pair.left.id, set()).add(pair.right)
        links.setdefault(pair.right.id, set()).add(pair.left)
    return links


def gaps(model: Model, slug: str, peers: Sequence[str] | None = None) -> GapReport:
    """Topics ``slug`` does not address that at least one peer does, with the peers' wording.

    ``peers`` defaults to every other council the model holds. ParameterError on an unknown council.
    """
    corpus = model.corpus
    chosen = _peers(corpus, slug, peers)
    own_topics = {t for c in corpus.councils[slug].clauses for t in c.topics}
    by_topic: dict[str, dict[str, list[Clause]]] = {}
    for peer in chosen:
        for clause in corpus.councils[peer].clauses:
            for topic in clause.topics:
                if topic in corpus.topics and topic not in own_topics:
                    by_topic.setdefault(topic, {}).setdefault(peer, []).append(clause)
    gap_topics = [t for t in corpus.topics if t in by_topic]
    links = _shared_links(corpus, [c for t in gap_topics for cs in by_topic[t].values() for c in cs])
    found = []
    for topic in gap_topics:
        quoted = [c for peer in chosen for c in by_topic[topic].get(peer, [])]
        wording = []
        for clause in quoted:
            partners = sorted((c for c in links.get(clause.id, ()) if topic in c.topics), key=lambda c: c.id)
            wording.append(ModelWording(clause, tuple(dict.fromkeys(c.council for c in partners)),
                                        tuple(c.id for c in partners)))
        wording.sort(key=lambda w: -len(w.shared_with))  # stable: peers' document order within each group
        found.append(Gap(topic, corpus.topics[topic].label,
                         {peer: tuple(c.id for c in cs) for peer, cs in by_topic[topic].items()}, tuple(wording)))
    peer_topics = {t for peer in chosen for c in corpus.councils[peer].clauses for t in c.topics}
    return GapReport(slug, chosen, tuple(found), tuple(t for t in corpus.topics if t in own_topics),
                     tuple(t for t in corpus.topics if t not in own_topics and t not in peer_topics))


# ------------------------------------------------------------------ rules present?


def rules_missing(model: Model, slug: str) -> str:
    """Why ``slug`` cannot be compared on decisions at all ("" when some of its rules are written)."""
    check_council(model.corpus, slug)
    if len(checklist(model, slug)) < len(model.routing.catalogue) + len(model.rules.catalogue):
        return ""
    return (f"{model.corpus.councils[slug].name} has no routes or rules written yet (an imported protocol answers "
            "every scenario and question 'not answered yet' until they are), so its decisions cannot be compared.")


def _unanswered(result: Route | Answer) -> bool:
    """A placeholder answer: the rules are not written, which says nothing about the protocol."""
    if isinstance(result, Answer):
        return result.verdict == "not-covered" and any(is_placeholder(r) for r in result.reasons)
    return not result.covered and is_placeholder(result.note)


# ------------------------------------------------------------------ differences from peers


@dataclass(frozen=True)
class PeerDifference:
    """A row of the differences table where most peers agree and the source says something else."""

    row: DifferenceRow
    source: DifferenceCell
    majority: tuple[str, ...]  # the peers giving the commonest answer
    others: tuple[str, ...]  # the remaining peers

    @property
    def majority_cell(self) -> DifferenceCell:
        return self.row.cells[self.majority[0]]

    def as_dict(self) -> dict:
        return {"id": self.row.spec.id, "question": self.row.spec.question, "source": self.source.as_dict(),
                "majority": {"councils": list(self.majority), "answer": self.majority_cell.as_dict()},
                "others": {slug: self.row.cells[slug].as_dict() for slug in self.others}}


@dataclass(frozen=True)
class PeerComparison:
    source: str
    peers: tuple[str, ...]
    compared: bool
    note: str  # why not compared, when not
    differences: tuple[PeerDifference, ...] = ()

    def as_dict(self) -> dict:
        return {"source": self.source, "peers": list(self.peers), "compared": self.compared, "note": self.note,
                "differences": [d.as_dict() for d in self.differences]}


def _engine_answer(model: Model, row: DifferenceRow, council: str) -> Route | Answer:
    spec = row.spec
    if spec.kind == "ask":
        return ask(model.corpus, model.rules, spec.entry, council, spec.params)
    return route(model.corpus, model.routing, spec.entry, council, spec.params)


def _answer_key(row: DifferenceRow, result: Route | Answer, entry: CatalogueEntry) -> tuple | None:
    """What two councils must share to give the same answer to a row, in role slugs and verdicts.

    Not the cell's words: those carry each council's own titles ("Corporate Director", "Director").
    None when the protocol does not cover it.
    """
    data = result.as_dict()
    if "verdict" in data:
        return None if data["verdict"] == "not-covered" else (data["verdict"],)
    if not data["covered"]:
        return None
    steps = data["steps"]
    if row.spec.summary == "destination":
        contact = first_contact(result, entry.asker_for(result.params))
        return contact.roles if contact else None
    if row.spec.summary == "time-limits":
        return tuple((s["actor"], s["within"], tuple(s["other_limits"])) for s in steps
                     if s["within"] or s["other_limits"])
    return tuple(s["actor"] for s in steps)


def differences_from_peers(model: Model, slug: str, peers: Sequence[str] | None = None,
                           rows: Sequence[DifferenceRow] | None = None) -> PeerComparison:
    """Rows of the differences table where more than half the peers answering give one (covered)
    answer and ``slug`` gives another or none.

    Peers default to every other council whose rules are written; a row the source (or a peer)
    has no rule for yet is left out (for that peer). ``rows`` may pass
    :func:`logic.compare.differences` already computed for this model.
    """
    corpus = model.corpus
    if peers is None:
        peers = [s for s in corpus.councils if s != slug and not rules_missing(model, s)]
    chosen = _peers(corpus, slug, peers)
    missing = rules_missing(model, slug)
    if missing:
        return PeerComparison(slug, chosen, False, missing)
    found = []
    for row in rows if rows is not None else differences(model):
        results = {council: _engine_answer(model, row, council) for council in (slug, *chosen)}
        answering = [p for p in chosen if not _unanswered(results[p])]
        if _unanswered(results[slug]) or not answering:
            continue
        entry = (model.routing.catalogue if row.spec.kind == "route" else model.rules.catalogue)[row.spec.entry]
        keys = {council: _answer_key(row, result, entry) for council, result in results.items()}
        counts = Counter(keys[p] for p in answering if keys[p] is not None)
        if not counts:
            continue
        common, n = counts.most_common(1)[0]
        if n * 2 > len(answering) and keys[slug] != common:
            majority = tuple(p for p in answering if keys[p] == common)
            found.append(PeerDifference(row, row.cells[slug], majority,
                                        tuple(p for p in answering if p not in majority)))
    return PeerComparison(slug, chosen, True, "", tuple(found))


# ------------------------------------------------------------------ decision changes between versions


@dataclass(frozen=True)
class DecisionChange:
    key: AnswerKey  # kind ("route" | "question"), catalogue slug, parameter values
    label: str  # the catalogue's label for the scenario or question
    assumptions: tuple[str, ...]
    what: str  # the change in words: "Yes → No", "route: Member → Leader becomes Member → Director"
    old: dict  # the engine's answer for OLD (as_dict)
    new: dict

    def as_dict(self) -> dict:
        return {"kind": self.key.kind, "entry": self.key.slug, "params": dict(self.key.params),
                "label": self.label, "assumptions": list(self.assumptions), "what": self.what,
                "old": self.old, "new": self.new}


@dataclass(frozen=True)
class DecisionChanges:
    old: str
    new: str
    compared: bool
    note: str  # why not compared, when not
    checked: int = 0  # answers compared (both versions have a rule for them)
    unanswered: int = 0  # answers left out because one version has no rule for them yet
    changes: tuple[DecisionChange, ...] = ()

    def as_dict(self) -> dict:
        return {"old": self.old, "new": self.new, "compared": self.compared, "note": self.note,
                "checked": self.checked, "unanswered": self.unanswered,
                "changes": [c.as_dict() for c in self.changes]}


_SHOWN_ELSEWHERE = ("council", "params", "assumptions")


def _comparable(result: Route | Answer, renamed: dict[str, str]) -> dict:
    """An answer as data to compare across versions: old clause ids read as their new ids, and a
    silent answer reduced to its silence (its note names the council and says nothing of substance)."""
    data = result.as_dict()
    for key in _SHOWN_ELSEWHERE:
        data.pop(key, None)
    if data.get("covered") is False:
        return {"covered": False}
    if data.get("verdict") == "not-covered":
        return {"verdict": "not-covered"}
    return _renamed(data, renamed)


def _renamed(value, renamed: dict[str, str]):
    if isinstance(value, dict):
        return {k: _renamed(v, renamed) for k, v in value.items()}
    if isinstance(value, list):
        return [_renamed(v, renamed) for v in value]
    if isinstance(value, str):
        if value in renamed:
            return renamed[value]
        match = CITATION_SUBITEM_RE.match(value)
        if match and match.group(1) in renamed:
            return f"{renamed[match.group(1)]}({match.group(2)})"
    return value


def _what_changed(old: Route | Answer, new: Route | Answer, old_data: dict, new_data: dict) -> str:
    if isinstance(old, Answer):
        if old.verdict != new.verdict:
            return f"{VERDICT_LABELS[old.verdict]} → {VERDICT_LABELS[new.verdict]}"
        if old_data["reasons"] != new_data["reasons"]:
            return f"still {VERDICT_LABELS[new.verdict]}, for other reasons"
        return f"still {VERDICT_LABELS[new.verdict]}, resting on other clauses"
    if old.covered != new.covered:
        return "now covered" if new.covered else f"no longer covered ({NOT_COVERED})"
    before, after = route_in_words(old.steps), route_in_words(new.steps)
    if before != after:
        return f"route: {before} becomes {after}"
    limits = [tuple(s.get(k) for k in ("within", "other_limits")) for s in old_data["steps"]]
    if limits != [tuple(s.get(k) for k in ("within", "other_limits")) for s in new_data["steps"]]:
        return "same people, other time limits"
    if [s["cites"] for s in old_data["steps"]] != [s["cites"] for s in new_data["steps"]]:
        return "same steps, resting on other clauses"
    return "same people, steps worded differently"


def decision_changes(model: Model, old_slug: str, new_slug: str, redline_result: Redline | None = None
                     ) -> DecisionChanges:
    """Answers of every scenario and question, every parameter combination, that differ between versions.

    Only where both versions have rules: an answer either version has no rule for yet is counted in
    ``unanswered``; when a version has none at all, ``compared`` is False and ``note`` says why.
    ``redline_result`` (OLD -> NEW) maps old clause ids to new ones; computed when not given.
    """
    corpus = model.corpus
    check_council(corpus, old_slug)
    check_council(corpus, new_slug)
    missing = " ".join(filter(None, (rules_missing(model, old_slug), rules_missing(model, new_slug))))
    if missing:
        return DecisionChanges(old_slug, new_slug, False, missing)
    if redline_result is None:
        redline_result = redline(corpus.councils[old_slug], corpus.councils[new_slug])
    renamed = redline_result.new_partner()
    catalogues = {"route": model.routing.catalogue, "question": model.rules.catalogue}
    changes, checked, unanswered = [], 0, 0
    for before, after in zip(answers(model, old_slug), answers(model, new_slug)):
        if _unanswered(before.result) or _unanswered(after.result):
            unanswered += 1
            continue
        checked += 1
        old_data, new_data = _comparable(before.result, renamed), _comparable(after.result, {})
        if old_data == new_data:
            continue
        entry = catalogues[before.key.kind][before.key.slug]
        changes.append(DecisionChange(before.key, entry.label, after.result.assumptions,
                                      _what_changed(before.result, after.result, old_data, new_data),
                                      before.result.as_dict(), after.result.as_dict()))
    return DecisionChanges(old_slug, new_slug, True, "", checked, unanswered, tuple(changes))


# ------------------------------------------------------------------ the whole review


@dataclass(frozen=True)
class Review:
    """Everything the Review page shows and the review pack prints, for OLD -> NEW."""

    old: Council
    new: Council
    date: dt.date
    redline: Redline
    gaps: GapReport
    peer_differences: PeerComparison
    decisions: DecisionChanges

    def cited_clauses(self, corpus: Corpus) -> list[Clause]:
        """Every clause the decision changes and peer differences cite, each once, in corpus order."""
        ids: set[str] = set()
        for change in self.decisions.changes:
            ids.update(_cites_in(change.old))
            ids.update(_cites_in(change.new))
        for difference in self.peer_differences.differences:
            ids.update(difference.source.cites)
            ids.update(difference.majority_cell.cites)
        resolved = {corpus.resolve(i) for i in ids} - {None}
        return [c for c in corpus.all_clauses() if c in resolved]


_CLAUSE_ID = re.compile(r"^[a-z][a-z0-9-]*:\S+$")


def _cites_in(data: dict) -> set[str]:
    found = set(data.get("cites", ()))
    for step in data.get("steps", ()):
        found.update(step.get("cites", ()))
    return {c for c in found if _CLAUSE_ID.match(c)}


def build_review(model: Model, old_slug: str, new_slug: str, peers: Sequence[str] | None = None,
                 today: dt.date | None = None) -> Review:
    """Redline OLD -> NEW, NEW's gaps and differences against the peers, and the decision changes.

    Peers default to every council the model holds other than OLD and NEW: the old version's
    clauses are already in the redline, and an earlier imported draft is no model to quote.
    ParameterError on an unknown council or when OLD and NEW are the same.
    """
    corpus = model.corpus
    check_council(corpus, old_slug)
    check_council(corpus, new_slug)
    if old_slug == new_slug:
        raise ParameterError(f"OLD and NEW are the same protocol ('{old_slug}'); choose two versions to compare")
    chosen = _peers(corpus, new_slug, peers, exclude=(old_slug,))
    old, new = corpus.councils[old_slug], corpus.councils[new_slug]
    result = redline(old, new)
    with_rules = [p for p in chosen if not rules_missing(model, p)]
    return Review(old=old, new=new, date=today or dt.date.today(), redline=result,
                  gaps=gaps(model, new_slug, chosen),
                  peer_differences=differences_from_peers(model, new_slug, with_rules or chosen),
                  decisions=decision_changes(model, old_slug, new_slug, result))
