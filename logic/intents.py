"""Plain-words questions -> the "Who do I go to?" situation or "May I...?" question they ask.

``understand(text, model)`` reads a question as people type it ("the chief exec was rude to me",
"can I see the exempt report for tonight's cabinet") and returns the catalogue entries it most
likely asks, best first, each with the parameter values its words settle, a confidence and the
words that led there. The rules are data, ``content/intents.yaml``: cue phrases per route scenario
and permission question, cues per parameter value, and who is asking.

How a question is read:

1. **Clean and cap.** Only the first ``MAX_TEXT_CHARS`` characters are read (the search's own cap;
   ``logic.search.query_limit_message`` words the notice); control and bidi-override characters
   become spaces; apostrophes inside words are dropped ("I'm" is "im", "won't" is "wont").
2. **Words**, folded and stemmed as search does (``logic.search.fold``/``stem``). Stop words stay:
   "can I", "who do I" and "my manager" are cues. A word of four letters or more that no cue uses
   and no clause uses is corrected to the closest cue word within search's typo allowance
   ("cheif" -> "chief"; "rule", a word of the protocols, is not turned into "rude"); a stem shorter
   than ``SHORT_STEM`` only for swapped letters ("twice" is no "twin"), never into a small word.
   Synonym phrases of ``synonyms.yaml`` add a concept token over their words, so a cue written
   "chief executive" also matches "CEO" and "head of paid service"; so do the phrases of the
   file's word classes (``words:``), so one cue "<see> <document>" reads "look at the minutes" and
   "get a copy of the contract". A phrase inside a longer one of another class does not count
   ("member of staff" is no councillor).
3. **Cues match in order, with small gaps**: up to ``MAX_GAP`` other words between two cue words.
   Within one entry a word counts for one cue only, the readings with most cue weight in all. A
   word read by a more specific strong cue of another entry (more content words) counts there only:
   in "make the officer change the recommendation" the words are about the report, not about
   instructing an officer.
4. **Who is asking.** An ``askers`` phrase says it, in set words ("I'm a councillor", "my line
   manager"; only a word qualifying a role may come between: "I'm a new graduate officer"), and
   those words are no evidence of the situation. Otherwise the person the question names settles
   it: an officer named in a complaint means a councillor is asking ("an officer was rude to me" is
   a councillor's concern about an officer, "a councillor shouted at me" an officer's concern about
   a member), except a person the question's form names ("can members...?" asks about members).
   Entries usually asked by the other kind of person (``asked_by``) lose ``ASKER_PENALTY``,
   matching ones gain ``ASKER_BONUS``; an entry about one kind of person (``other``) loses
   ``OTHER_PENALTY`` when the question names only the other kind.
5. **Score** = strong cues (2) + cues (1), each times its match quality (exact 1, through a synonym
   0.95, typo-corrected 0.85), + ``PARAM_EVIDENCE`` per parameter a value cue settles, + the
   question's form ("who do I...?" for routes, "can I...?" for questions) + who is asking. Form
   and asker count only for an entry with ``MIN_EVIDENCE`` from its cues and parameters.
6. **"Not sure".** Confidence = score / (score + ``CONFIDENCE_SCALE`` + best rival's score): one
   strong cue alone gives one half, a close rival halves it. Below ``CONFIDENCE_FLOOR`` nothing is
   returned, nor for fewer than ``MIN_QUESTION_WORDS`` words without a question's form (a search
   term such as "planning case officer"), and the caller says so (and falls back to clause search)
   rather than guessing.

Parameters come from the cues of their values, read as the words mean them: a yes/no value after a
negating word (class ``not``) turns over ("it is not confidential"), another value is dropped, and
"not sure" negates nothing (class ``hedge``). Values the words leave open take the catalogue's
default, and every returned set of parameters has passed ``logic.decisions.resolve_params``.
Whatever the text, ``understand`` never raises.
"""

from __future__ import annotations

import re
import unicodedata
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from logic.content import ContentError, Corpus, Problem, _rel, read_yaml
from logic.decisions import CatalogueEntry, resolve_params
from logic.search import (
    CONCEPT_PREFIX,
    MAX_QUERY_CHARS,
    SynonymPhrase,
    fold,
    is_content_word,
    phrase_at,
    stem,
    synonym_phrases,
    typo_candidates,
)
from logic.search import words as words_of

INTENTS_FILE = "intents.yaml"
KINDS = ("route", "question")
ASKERS = ("member", "officer")
ENTRY_KEYS = {"asked_by", "other", "strong", "cues", "phrasings", "params"}
TOP_KEYS = {"words", "askers", "parties", "forms", "routes", "questions"}

MAX_TEXT_CHARS = MAX_QUERY_CHARS
MAX_TOKENS = 120
MAX_CUE_WORDS = 12
MIN_TYPO_LETTERS = 4  # shorter words ("can", "man", "see") are too easily something else
# A shorter stem is corrected only for swapped letters ("rdue"): one letter more, less or other
# than a cue word is too often another word ("twice" is no "twin", "civic" no "civil").
SHORT_STEM = 6
MAX_GAP = 2
# Who is asking is said in set phrases: "my job" says it, "my brother's job" does not. Only a word
# that qualifies a role may come in between: "I'm a new graduate officer" is "I'm a <officer>".
ASKER_GAP, ASKER_ROLE_GAP = 0, 2
# "<see> <document>" in a cue: any phrase of the word class "see", then one of "document".
_CLASS_REF_RE = re.compile(r"<([a-z][a-z0-9-]*)>")
NEGATION_CLASS = "not"  # the word class whose words negate a parameter value's cue just after them
HEDGE_CLASS = "hedge"  # words after which a negating word negates nothing: "not sure it is exempt"
NEGATION_REACH = 2  # words that may sit between the negating word and the cue ("not a draft")

STRONG, CUE = 2.0, 1.0
EXACT, CONCEPT, TYPO = 1.0, 0.95, 0.85
PARAM_EVIDENCE = 0.5
MIN_EVIDENCE = 1.5  # evidence an entry needs before form and asker count: one strong cue, two cues, a cue and a value
FORM_BONUS = 0.75
ASKER_BONUS, ASKER_PENALTY = 0.75, 1.5
OTHER_PENALTY = 1.0
CONFIDENCE_SCALE = 2.0
CONFIDENCE_FLOOR = 0.3
MIN_QUESTION_WORDS = 4  # fewer words and no "who do I" or "can I" is a search term ("planning case officer")
MAX_INTERPRETATIONS = 3

_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_APOSTROPHES = str.maketrans("", "", "'’")
# C0/C1 controls, zero-width and bidi controls, byte-order mark, lone surrogates.
_UNSAFE_RE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]")


# ---------------------------------------------------------------- results


ASKER_MEANING = {"member": "you are asking as a councillor", "officer": "you are asking as an officer"}


@dataclass(frozen=True)
class Evidence:
    """Words of the question and what they were taken to mean ("why we think so")."""

    words: str  # as the user typed them
    cue: str  # the cue in intents.yaml they matched
    means: str  # "situation" | "question" | "asker" | "param"
    meaning: str  # in plain words: the entry's label, "Who is the officer? The chief executive", ...
    param: str = ""
    value: str = ""


@dataclass(frozen=True)
class Interpretation:
    """One reading of a plain-words question: a catalogue entry with its parameters."""

    kind: str  # "route" | "question"
    slug: str
    label: str
    question: str  # the catalogue's own wording of the question
    params: dict[str, str]  # every parameter, defaults filled in, valid for route() / ask()
    inferred: dict[str, str]  # the parameters the words settled
    confidence: float  # 0-1
    evidence: tuple[Evidence, ...]
    asker: str | None = None  # "member" | "officer" when the words say or imply who is asking

    @property
    def matched(self) -> tuple[str, ...]:
        """The user's words that led here, each once, in the order they were typed."""
        return tuple(dict.fromkeys(e.words for e in self.evidence))

    def as_dict(self) -> dict:
        return {"kind": self.kind, "slug": self.slug, "label": self.label, "question": self.question,
                "params": self.params, "inferred": self.inferred, "confidence": self.confidence,
                "asker": self.asker, "matched": list(self.matched),
                "evidence": [{"words": e.words, "cue": e.cue, "means": e.means, "meaning": e.meaning,
                              "param": e.param, "value": e.value} for e in self.evidence]}


# ---------------------------------------------------------------- compiled data


@dataclass(frozen=True)
class _Cue:
    text: str
    forms: tuple[tuple[str, ...], ...]  # key sequences: its own words, and with synonym concepts
    weight: float = CUE
    negative: bool = False  # it holds a negating word itself ("not related"): never negated again


@dataclass(frozen=True)
class _Entry:
    kind: str
    catalogue: CatalogueEntry
    asked_by: str  # who usually types it: "member" | "officer" | "any"
    other: str | None  # the kind of person the question is about, when it is about one
    asker_param: str | None  # the catalogue's parameter saying who is asking (personal-relationship's party)
    cues: tuple[_Cue, ...]
    params: dict[str, dict[str, tuple[_Cue, ...]]]
    phrasings: tuple[str, ...]


@dataclass(frozen=True)
class _Token:
    key: str
    start: int  # character offsets in the text
    end: int
    quality: float
    first: int  # the word positions it spans: a word its own, a concept token its phrase's
    last: int
    content: int = 1  # how many of those words are not small words


@dataclass(frozen=True)
class _Text:
    """A question's tokens, each key's in word order, and its negating words."""

    by_key: dict[str, tuple[_Token, ...]]
    negations: tuple[_Token, ...]
    words: int


@dataclass(frozen=True)
class _Match:
    cue: _Cue
    first: int  # word positions, inclusive
    last: int
    quality: float
    start: int  # character offsets in the text
    end: int
    words_matched: int  # how many keys of the cue's form matched
    specific: int = 1  # the words it reads that are not small words ("look at the file" 3): how specific

    @property
    def length(self) -> int:
        return self.last - self.first + 1

    def words(self, text: str) -> str:
        return text[self.start:self.end]


@dataclass
class Intents:
    """The compiled ``intents.yaml``: build once per model (``load_intents``), then ``understand``."""

    entries: tuple[_Entry, ...]
    askers: dict[str, tuple[_Cue, ...]]
    parties: dict[str, tuple[_Cue, ...]]
    forms: dict[str, tuple[_Cue, ...]]
    phrases: dict[str, tuple[SynonymPhrase, ...]]
    vocabulary: list[str]
    real_words: frozenset[str] = frozenset()  # stems of the protocols' words: never "corrected"
    classes: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)  # word class -> its phrases
    _corrections: dict[str, tuple[str, float]] = field(default_factory=dict)
    _known: frozenset[str] = field(init=False)
    _class_index: dict[str, tuple[tuple[tuple[str, ...], str], ...]] = field(init=False)
    _negators: frozenset[str] = field(init=False)
    _hedges: frozenset[str] = field(init=False)

    def __post_init__(self):
        self._known = frozenset(self.vocabulary) | self.real_words
        index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for name, members in self.classes.items():
            for member in members:
                index.setdefault(member[0], []).append((member, name))
        self._class_index = {first: tuple(found) for first, found in index.items()}
        self._negators = _single_words(self.classes, NEGATION_CLASS)
        self._hedges = _single_words(self.classes, HEDGE_CLASS)

    def understand(self, text: Any) -> list[Interpretation]:
        """Ranked readings of ``text`` above the confidence floor; [] when none is likely enough."""
        cleaned = clean_text(text)
        tokens = self._tokens(cleaned)
        if not tokens.by_key:
            return []
        found_forms = _accept(_find_all(self.forms, tokens))
        forms = {kind for kind, _ in found_forms}
        if not forms and tokens.words < MIN_QUESTION_WORDS:
            return []
        form = forms.pop() if len(forms) == 1 else None
        asker, named, asker_evidence, said = self._asker(tokens, cleaned, [m for _, m in found_forms])
        scored = []
        for entry, matches in zip(self.entries, self._cue_readings(tokens, said)):
            reading = self._score(entry, matches, tokens, cleaned, (asker, named), form)
            if reading:
                scored.append((entry, *reading))
        scored.sort(key=lambda item: -item[1])
        out = []
        for rank, (entry, score, inferred, evidence) in enumerate(scored):
            rival = max((s for i, (_, s, _, _) in enumerate(scored) if i != rank), default=0.0)
            confidence = round(score / (score + CONFIDENCE_SCALE + rival), 3)
            if confidence < CONFIDENCE_FLOOR or len(out) == MAX_INTERPRETATIONS:
                break
            resolved, kept = _valid_params(entry, inferred)
            out.append(Interpretation(
                kind=entry.kind, slug=entry.catalogue.slug, label=entry.catalogue.label,
                question=entry.catalogue.question, params=resolved, inferred=kept, confidence=confidence,
                evidence=tuple(sorted((*evidence, *asker_evidence), key=lambda e: cleaned.find(e.words))),
                asker=asker))
        return out

    # ------------------------------------------------------------ reading the text

    def _cue_readings(self, tokens: _Text, said: list[_Match]) -> list[list[tuple[None, _Match]]]:
        """Each entry's cue matches as counted: not inside the words saying who is asking ("I'm a planning
        officer" describes the asker, not the situation), not claimed by another entry, the heaviest."""
        found = [[m for m in _matches(entry.cues, tokens) if not any(s.start <= m.start and m.end <= s.end
                                                                  for s in said)]
                 for entry in self.entries]
        return [_heaviest(matches) for matches in _outranked(found)]

    def _tokens(self, text: str) -> _Text:
        words = [(m, fold(m.group().translate(_APOSTROPHES))) for m in _WORD_RE.finditer(text)][:MAX_TOKENS]
        tokens = []
        content = [is_content_word(word) for _, word in words]
        for position, (match, word) in enumerate(words):
            key, quality = self._correct(word)
            tokens.append(_Token(key, match.start(), match.end(), quality, position, position, int(content[position])))
        every = tokens + _concept_tokens(tokens, content, self.phrases) + self._class_tokens(tokens)
        by_key: dict[str, list[_Token]] = {}
        for token in sorted(every, key=lambda t: (t.first, t.last)):
            by_key.setdefault(token.key, []).append(token)
        negations = tuple(t for i, t in enumerate(tokens) if t.key in self._negators
                          and not (i + 1 < len(tokens) and tokens[i + 1].key in self._hedges))
        return _Text({key: tuple(found) for key, found in by_key.items()}, negations, len(tokens))

    def _class_tokens(self, words: list[_Token]) -> list[_Token]:
        """A token "=<NAME" over each phrase of a word class in the words (the longest at each place; a
        phrase inside a longer one of another class does not count: "member of staff" is no "member")."""
        keys = [t.key for t in words]
        spans: dict[tuple[int, str], int] = {}
        for i, key in enumerate(keys):
            for member, name in self._class_index.get(key, ()):
                if tuple(keys[i:i + len(member)]) == member:
                    spans[(i, name)] = max(spans.get((i, name), i), i + len(member) - 1)
        out = []
        for (first, name), last in spans.items():
            if any(f <= first and last <= la and la - f > last - first and other != name
                   for (f, other), la in spans.items()):
                continue
            quality = min(t.quality for t in words[first:last + 1])
            out.append(_Token(CLASS_PREFIX + name, words[first].start, words[last].end, quality, first, last,
                              sum(t.content for t in words[first:last + 1])))
        return out

    def _correct(self, word: str) -> tuple[str, float]:
        """The cue word a text word stands for, with the quality of the match."""
        if word in self._corrections:
            return self._corrections[word]
        word_stem = stem(word)
        result = (word_stem, EXACT)
        if word_stem not in self._known and len(word) >= MIN_TYPO_LETTERS and not word.isdigit():
            candidates = typo_candidates(word_stem, self.vocabulary) + typo_candidates(word, self.vocabulary)
            if len(word_stem) < SHORT_STEM:  # "rdue" is "rude" mistyped, but "twice" is no "twin"
                candidates = [c for c in candidates if sorted(c[0]) == sorted(word_stem)]
            candidates = [c for c in candidates if is_content_word(c[0])]  # "though" is no "through"
            if candidates:
                best = min(candidates, key=lambda c: (c[1], -_shared_prefix(c[0], word_stem), c[0]))
                result = (best[0], TYPO)
        if len(self._corrections) > 20_000:  # bounded against endless distinct input
            self._corrections.clear()
        self._corrections[word] = result
        return result

    def _asker(self, tokens: _Text, text: str,
               forms: list[_Match]) -> tuple[str | None, set[str], tuple[Evidence, ...], list[_Match]]:
        """(who is asking, the kinds of person named, the words that say so, the asker phrases matched).

        Said outright by an asker phrase, else the other side of the one kind of person named. When the
        words claim both ("my wife works here as a head of service and I've just been elected"), the people
        named decide, claims included. A person the question's form names is who it is about, not the
        other side: "can members...?" asks about members."""
        said = _accept(_find_all(self.askers, tokens, ASKER_GAP, ASKER_ROLE_GAP))
        claimed = {role for role, _ in said}
        named = [(role, m) for role, m in _accept(_find_all(self.parties, tokens))
                 if (len(claimed) > 1 or not _overlaps(m, [s for _, s in said])) and not _overlaps(m, forms)]
        kinds = {role for role, _ in named}
        if len(claimed) == 1:
            (asker,) = claimed
            return asker, kinds, tuple(Evidence(m.words(text), m.cue.text, "asker", ASKER_MEANING[asker],
                                                value=asker) for _, m in said), [m for _, m in said]
        if len(kinds) == 1:
            asker = "member" if kinds == {"officer"} else "officer"
            return asker, kinds, tuple(Evidence(m.words(text), m.cue.text, "asker", ASKER_MEANING[asker],
                                                value=asker) for _, m in named), []
        return None, kinds, (), []

    def _score(self, entry: _Entry, matches: list[tuple[None, _Match]], tokens: _Text, text: str,
               people: tuple[str | None, set[str]], form: str | None):
        score = sum(m.cue.weight * m.quality for _, m in matches)
        means = "situation" if entry.kind == "route" else "question"
        evidence = [Evidence(m.words(text), m.cue.text, means, entry.catalogue.label) for _, m in matches]
        inferred: dict[str, str] = {}
        for name, values in entry.params.items():
            if name == entry.asker_param:
                continue
            found = _accept([(value, m) for value, cues in values.items() for m in _matches(cues, tokens)])
            found = [read for value, m in found if (read := _negation_read(value, m, tokens))]
            if not found:
                continue
            totals: dict[str, float] = {}
            for value, m in found:  # the value with most cue weight; between equals, the longer words
                totals[value] = totals.get(value, 0.0) + m.cue.weight * m.quality + 0.01 * m.length
            value = max(totals, key=lambda v: totals[v])
            inferred[name] = value
            best = max(m.quality for v, m in found if v == value)
            score += PARAM_EVIDENCE * best
            param = entry.catalogue.params[name]
            meaning = f"{param.prompt} {param.values[value].label}"
            evidence += [Evidence(m.words(text), m.cue.text, "param", meaning, name, value)
                         for v, m in found if v == value]
        if score < MIN_EVIDENCE:
            return None
        asker, named = people
        if form == entry.kind:
            score += FORM_BONUS
        if asker and entry.asked_by != "any":
            score += ASKER_BONUS if asker == entry.asked_by else -ASKER_PENALTY
        if entry.other and named and entry.other not in named:
            score -= OTHER_PENALTY
        if entry.asker_param and asker:
            inferred[entry.asker_param] = asker
        return (score, inferred, evidence) if score > 0 else None


# ---------------------------------------------------------------- matching helpers


CLASS_PREFIX = CONCEPT_PREFIX + "<"  # a word class's tokens: "=<see" (never a word's key)
YES_NO = {"yes": "no", "no": "yes"}


def clean_text(text: Any) -> str:
    """The part of ``text`` that is read: capped, NFKC-normalised, control characters as spaces."""
    text = text if isinstance(text, str) else str(text or "")
    text = _UNSAFE_RE.sub(" ", text[:MAX_TEXT_CHARS])
    return unicodedata.normalize("NFKC", text)[:MAX_TEXT_CHARS]


def _shared_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _single_words(classes: dict[str, tuple[tuple[str, ...], ...]], name: str) -> frozenset[str]:
    return frozenset(member[0] for member in classes.get(name, ()) if len(member) == 1)


def _phrase_spans(keys: list[str], content: list[bool],
                  phrases: dict[str, tuple[SynonymPhrase, ...]]) -> dict[int, tuple[int, str]]:
    """Synonym phrases spelt by the content words: first index -> (last index, concept).

    Small words in between do not break a phrase ("head of paid service" is head, paid, service).
    """
    positions = [i for i, is_content in enumerate(content) if is_content]
    content_keys = [keys[i] for i in positions]
    spans, i = {}, 0
    while i < len(content_keys):
        phrase = phrase_at(phrases, content_keys, i)
        if phrase:
            spans[positions[i]] = (positions[i + len(phrase.stems) - 1], phrase.concept)
            i += len(phrase.stems)
        else:
            i += 1
    return spans


def _concept_tokens(tokens: list[_Token], content: list[bool],
                    phrases: dict[str, tuple[SynonymPhrase, ...]]) -> list[_Token]:
    """A concept token over each synonym phrase of the words ("CEO" and "chief executive" alike)."""
    out = []
    for first, (last, concept) in _phrase_spans([t.key for t in tokens], content, phrases).items():
        quality = CONCEPT * min(t.quality for t in tokens[first:last + 1])
        out.append(_Token(concept, tokens[first].start, tokens[last].end, quality, first, last,
                          sum(t.content for t in tokens[first:last + 1])))
    return out


def _find(form: tuple[str, ...], tokens: _Text, gap: int, class_gap: int) -> tuple[_Token, _Token, float, int] | None:
    """The first place ``form``'s keys occur in order with at most ``gap`` words between two of them
    (``class_gap`` before a word class's token; a concept token spans its phrase's words: "look at the
    file" is <see>, the, <document>): its first and last token, match quality and the content words read."""
    for start in tokens.by_key.get(form[0], ()):
        last, quality, content = start, start.quality, start.content
        for key in form[1:]:
            reach = last.last + 1 + (class_gap if key.startswith(CLASS_PREFIX) else gap)
            nxt = next((t for t in tokens.by_key.get(key, ()) if last.last < t.first <= reach), None)
            if nxt is None:
                break
            last, quality, content = nxt, min(quality, nxt.quality), content + nxt.content
        else:
            return start, last, quality, content
    return None


def _matches(cues: tuple[_Cue, ...], tokens: _Text, gap: int = MAX_GAP, class_gap: int = MAX_GAP) -> list[_Match]:
    """Each cue's best occurrence in the tokens (a cue counts once)."""
    out = []
    for cue in cues:
        found = [(*f, len(form)) for form in cue.forms if (f := _find(form, tokens, gap, class_gap))]
        if found:
            first, last, quality, specific, size = max(found, key=lambda f: (f[2], f[4], f[0].first - f[1].last))
            out.append(_Match(cue, first.first, last.last, quality, first.start, last.end, size, specific))
    return out


def _find_all(groups: dict[str, tuple[_Cue, ...]], tokens: _Text, gap: int = MAX_GAP,
              class_gap: int = MAX_GAP) -> list[tuple[str, _Match]]:
    return [(name, m) for name, cues in groups.items() for m in _matches(cues, tokens, gap, class_gap)]


def _overlaps(m: _Match, others: list[_Match]) -> bool:
    return any(m.start < o.end and o.start < m.end for o in others)


def _accept(found: list[tuple[Any, _Match]]) -> list[tuple[Any, _Match]]:
    """Non-overlapping matches: the most specific (most cue words, then longest, weightiest, best,
    earliest) first, so "head of paid service" is not read as "head of service" with a word between."""
    taken: list[tuple[int, int]] = []
    out = []
    for label, m in sorted(found, key=lambda lm: (-lm[1].words_matched, -lm[1].length, -lm[1].cue.weight,
                                                  -lm[1].quality, lm[1].first)):
        if all(m.end <= start or m.start >= end for start, end in taken):
            taken.append((m.start, m.end))
            out.append((label, m))
    return sorted(out, key=lambda lm: lm[1].first)


def _heaviest(matches: list[_Match]) -> list[tuple[None, _Match]]:
    """The non-overlapping matches with the most cue weight in all (so a strong cue is not lost to a
    longer weak one over the same words), in text order."""
    matches = sorted(matches, key=lambda m: (m.end, m.start))
    # best[i]: (weight, chosen) among the first i matches; the usual weighted interval scheduling
    best: list[tuple[float, tuple[_Match, ...]]] = [(0.0, ())]
    for i, m in enumerate(matches):
        before = max((j for j in range(i) if matches[j].end <= m.start), default=-1)
        with_it = best[before + 1][0] + m.cue.weight * m.quality
        best.append((with_it, (*best[before + 1][1], m)) if with_it > best[i][0] else best[i])
    return [(None, m) for m in sorted(best[-1][1], key=lambda m: m.first)]


def _outranked(found: list[list[_Match]]) -> list[list[_Match]]:
    """Each entry's cue matches (in entry order) less those inside a more specific strong match of another
    entry: in "make the officer change the recommendation" the words are about the report, so "make the
    officer" no longer counts as instructing one."""
    claims = [(index, m) for index, matches in enumerate(found) for m in matches
              if m.cue.weight >= STRONG and m.specific > 1]
    return [[m for m in matches
             if not any(other != index and o.specific > m.specific and o.start <= m.start and m.end <= o.end
                        for other, o in claims)]
            for index, matches in enumerate(found)]


def _negation_read(value: str, m: _Match, tokens: _Text) -> tuple[str, _Match] | None:
    """A parameter value's cue as the words mean it: after a negating word ("it is not confidential")
    a yes/no value turns over and another value is dropped; the evidence then quotes the negation."""
    if m.cue.negative:
        return value, m
    negation = next((t for t in tokens.negations if t.last < m.first and m.first - t.last - 1 <= NEGATION_REACH),
                    None)
    if negation is None:
        return value, m
    if value not in YES_NO:
        return None
    return YES_NO[value], _Match(m.cue, negation.first, m.last, m.quality, negation.start, m.end, m.words_matched)


def _valid_params(entry: _Entry, inferred: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """(every parameter, defaults filled in by ``resolve_params``; the inferred ones). Only values of
    the catalogue are kept, so ``resolve_params`` cannot refuse them."""
    kept = {name: value for name, value in inferred.items()
            if name in entry.catalogue.params and value in entry.catalogue.params[name].values}
    return resolve_params(entry.catalogue, kept), kept


# ---------------------------------------------------------------- loading and validation


def _phrase_keys(text: str) -> tuple[str, ...]:
    """A phrase's keys: the stem of every word, small words included ("look at")."""
    return tuple(stem(fold(m.group().translate(_APOSTROPHES))) for m in _WORD_RE.finditer(text))


def _compile_cue(text: str, weight: float, phrases: dict[str, tuple[SynonymPhrase, ...]],
                 classes: dict[str, tuple[tuple[str, ...], ...]]) -> _Cue | str:
    """A cue's key sequences: its own stems (``<name>`` a word class), and (if it holds a synonym phrase)
    the same with each phrase as its concept, so "head of paid service" also matches the "chief
    executive" concept. A string says why the cue cannot be used."""
    keys, content = [], []
    for part in text.split():
        if ref := _CLASS_REF_RE.fullmatch(part):
            if ref[1] not in classes:
                return f"'{part}' is not a word class of 'words'"
            keys.append(CLASS_PREFIX + ref[1])
            content.append(False)
            continue
        for m in _WORD_RE.finditer(part):
            word = fold(m.group().translate(_APOSTROPHES))
            keys.append(stem(word))
            content.append(is_content_word(word))
    if not keys or len(keys) > MAX_CUE_WORDS:
        return f"not a phrase of 1 to {MAX_CUE_WORDS} words"
    spans = _phrase_spans(keys, content, phrases)
    with_concepts, i = [], 0
    while i < len(keys):
        if i in spans:
            last, concept = spans[i]
            with_concepts.append(concept)
            i = last + 1
        else:
            with_concepts.append(keys[i])
            i += 1
    negators = _single_words(classes, NEGATION_CLASS)
    negative = any(k in negators or k == CLASS_PREFIX + NEGATION_CLASS for k in keys)
    return _Cue(text, tuple(dict.fromkeys((tuple(keys), tuple(with_concepts)))), weight, negative)


class _Reader:
    """Reads intents.yaml, recording every problem with the file's name."""

    def __init__(self, corpus: Corpus, catalogues: dict[str, dict[str, CatalogueEntry]], problems: list[Problem]):
        self.rel = _rel(corpus.root / INTENTS_FILE, corpus.root)
        self.catalogues = catalogues
        self.problems = problems
        self.phrases = synonym_phrases(corpus.synonyms)
        self.classes: dict[str, tuple[tuple[str, ...], ...]] = {}

    def problem(self, message: str, fix: str = "") -> None:
        self.problems.append(Problem(self.rel, message, fix))

    def word_classes(self, raw: Any) -> dict[str, tuple[tuple[str, ...], ...]]:
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.problem("'words' must map each word class to its phrases.", "Write words: {see: [see, read]}.")
            return {}
        out = {}
        for name, phrases in raw.items():
            name = str(name)
            if not _CLASS_REF_RE.fullmatch(f"<{name}>"):
                self.problem(f"words: '{name}' is not a usable name for a word class.",
                             "Use lower-case letters, digits and hyphens.")
                continue
            if not isinstance(phrases, list) or not phrases:
                self.problem(f"words.{name}: expected a list of phrases.", f"Write {name}: [phrase, another].")
                continue
            members = []
            for item in phrases:
                if isinstance(item, bool):
                    self.problem(f"words.{name}: YAML reads '{item}' as true/false, not as a word.",
                                 'Quote it: "no", "yes", "on", "off".')
                    continue
                keys = _phrase_keys(str(item)) if isinstance(item, (str, int)) else ()
                if not keys or len(keys) > MAX_CUE_WORDS or _CLASS_REF_RE.search(str(item)):
                    self.problem(f"words.{name}: '{str(item)[:60]}' is not a usable phrase.",
                                 f"Write 1 to {MAX_CUE_WORDS} words (no <class> inside a class).")
                else:
                    members.append(keys)
            out[name] = tuple(dict.fromkeys(members))
        return out

    def cues(self, raw: Any, where: str, weight: float = CUE) -> tuple[_Cue, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self.problem(f"{where}: expected a list of cue phrases.", "Write cues: [phrase, another phrase].")
            return ()
        out = []
        for item in raw:
            cue = ("YAML reads it as true/false: quote it" if isinstance(item, bool)
                   else _compile_cue(str(item), weight, self.phrases, self.classes) if isinstance(item, (str, int))
                   else "not a phrase")
            if isinstance(cue, str):
                self.problem(f"{where}: '{str(item)[:60]}' is not a usable cue: {cue}.",
                             f"Write a phrase of 1 to {MAX_CUE_WORDS} words; <name> for a word class.")
            else:
                out.append(cue)
        return tuple(out)

    def groups(self, raw: Any, name: str, allowed: tuple[str, ...]) -> dict[str, tuple[_Cue, ...]]:
        if not isinstance(raw, dict):
            self.problem(f"'{name}' must map {' and '.join(allowed)} to cue lists.")
            return {}
        for key in raw:
            if str(key) not in allowed:
                self.problem(f"{name}: unknown key '{key}'.", f"Use only: {', '.join(allowed)}.")
        return {key: self.cues(raw.get(key), f"{name}.{key}") for key in allowed if key in raw}

    def entries(self, raw: Any, kind: str) -> list[_Entry]:
        section = "routes" if kind == "route" else "questions"
        catalogue = self.catalogues[kind]
        catalogue_file = "route-catalogue.yaml" if kind == "route" else "question-catalogue.yaml"
        if not isinstance(raw, dict):
            self.problem(f"'{section}' must map each entry of {catalogue_file} to its cues.")
            return []
        out = []
        for slug, spec in raw.items():
            slug = str(slug)
            if slug not in catalogue:
                self.problem(f"{section}: unknown {kind} '{slug}'.",
                             f"Use an entry of {catalogue_file}: {', '.join(catalogue)}.")
                continue
            entry = self.entry(catalogue[slug], kind, spec, f"{section}.{slug}")
            if entry:
                out.append(entry)
        for slug in catalogue:
            if slug not in raw:
                self.problem(f"{section}: no cues for '{slug}', so no question can lead to it.",
                             f"Add {slug}: with strong: and cues: phrases.")
        return out

    def entry(self, catalogue: CatalogueEntry, kind: str, spec: Any, where: str) -> _Entry | None:
        if not isinstance(spec, dict):
            self.problem(f"{where}: expected a mapping with asked_by, strong, cues, phrasings and params.")
            return None
        for key in sorted(set(map(str, spec)) - ENTRY_KEYS):
            self.problem(f"{where}: unknown key '{key}'.", f"Use only: {', '.join(sorted(ENTRY_KEYS))}.")
        asked_by = str(spec.get("asked_by", "any"))
        if asked_by not in (*ASKERS, "any"):
            self.problem(f"{where}: asked_by '{asked_by}' is not member, officer or any.")
            asked_by = "any"
        other = spec.get("other")
        if other is not None and str(other) not in ASKERS:
            self.problem(f"{where}: other '{other}' is not member or officer.")
            other = None
        # The catalogue says which parameter (if any) is who is asking; it takes the asker's value.
        asker_param = catalogue.asker_param
        if asker_param and not set(ASKERS) <= set(catalogue.params[asker_param].values):
            asker_param = ""
        cues = self.cues(spec.get("strong"), f"{where}.strong", STRONG) + self.cues(spec.get("cues"), f"{where}.cues")
        if not cues:
            self.problem(f"{where}: no cues.", "Give it strong: and/or cues: phrases.")
        phrasings = spec.get("phrasings") or []
        if not isinstance(phrasings, list) or not all(isinstance(p, str) and p.strip() for p in phrasings):
            self.problem(f"{where}: phrasings must be a list of example questions.")
            phrasings = []
        return _Entry(kind, catalogue, asked_by, str(other) if other else None, asker_param or None, cues,
                      self.params(catalogue, spec.get("params"), where), tuple(phrasings))

    def params(self, catalogue: CatalogueEntry, raw: Any, where: str) -> dict[str, dict[str, tuple[_Cue, ...]]]:
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.problem(f"{where}.params: expected parameter -> value -> cues.")
            return {}
        out = {}
        for name, values in raw.items():
            name = str(name)
            param = catalogue.params.get(name)
            if param is None:
                self.problem(f"{where}.params: '{catalogue.slug}' has no parameter '{name}'.",
                             f"Use one of: {', '.join(catalogue.params) or 'none (drop params)'}.")
                continue
            if not isinstance(values, dict):
                self.problem(f"{where}.params.{name}: expected value -> cues.")
                continue
            out[name] = {}
            for value, cues in values.items():
                value = "yes" if value is True else "no" if value is False else str(value)
                if value not in param.values:
                    self.problem(f"{where}.params.{name}: '{value}' is not a value of {name}.",
                                 f"Use one of: {', '.join(param.values)}.")
                    continue
                out[name][value] = self.cues(cues, f"{where}.params.{name}.{value}")
        return out


def read_intents(corpus: Corpus, route_catalogue: dict[str, CatalogueEntry],
                 question_catalogue: dict[str, CatalogueEntry], problems: list[Problem]) -> Intents | None:
    """Compile ``intents.yaml``, recording its problems; None when the file is missing or unusable.

    Also checks ``everyday-words.yaml`` (search's everyday words), the other file of people's own words.
    """
    from logic.search import check_everyday_words

    check_everyday_words(corpus, problems)
    path: Path = corpus.root / INTENTS_FILE
    if not path.is_file():
        return None
    reader = _Reader(corpus, {"route": route_catalogue, "question": question_catalogue}, problems)
    before = len(problems)
    data = read_yaml(path, corpus.root, problems)
    if not isinstance(data, dict):
        if len(problems) == before:
            reader.problem("expected a mapping with words, askers, parties, forms, routes and questions.")
        return None
    for key in sorted(set(map(str, data)) - TOP_KEYS):
        reader.problem(f"unknown key '{key}'.", f"Use only: {', '.join(sorted(TOP_KEYS))}.")
    reader.classes = reader.word_classes(data.get("words"))
    askers = reader.groups(data.get("askers"), "askers", ASKERS)
    parties = reader.groups(data.get("parties"), "parties", ASKERS)
    forms = reader.groups(data.get("forms"), "forms", KINDS)
    entries = reader.entries(data.get("routes"), "route") + reader.entries(data.get("questions"), "question")
    if len(problems) > before:
        return None
    every_cue = [c for group in (askers, parties, forms) for cues in group.values() for c in cues]
    every_cue += [c for e in entries for c in e.cues]
    every_cue += [c for e in entries for values in e.params.values() for cues in values.values() for c in cues]
    vocabulary = sorted({key for cue in every_cue for form in cue.forms for key in form
                         if not key.startswith(CONCEPT_PREFIX)}
                        | {key for members in reader.classes.values() for member in members for key in member})
    real_words = frozenset(stem(w) for c in corpus.all_clauses() for w in words_of(c.text))
    return Intents(tuple(entries), askers, parties, forms, reader.phrases, vocabulary, real_words, reader.classes)


def load_intents(model) -> Intents:
    """The model's compiled intents (ContentError when intents.yaml is missing or invalid)."""
    problems: list[Problem] = []
    intents = read_intents(model.corpus, model.routing.catalogue, model.rules.catalogue, problems)
    if problems:
        raise ContentError(problems)
    if intents is None:
        raise ContentError([Problem(_rel(model.corpus.root / INTENTS_FILE, model.corpus.root),
                                    "missing intents.yaml.", "Create it to answer plain-words questions.")])
    return intents


def check_intents(corpus: Corpus, routing, rules, problems: list[Problem]) -> None:
    """For ``load_model``: record every problem of intents.yaml (and everyday-words.yaml)."""
    read_intents(corpus, routing.catalogue, rules.catalogue, problems)


def answer(reading: Interpretation, model, council: str):
    """The engine's answer to a reading for one council: a ``Route`` ("who do I go to?") or an
    ``Answer`` ("may I?"), from the reading's parameters. Raises ParameterError for an unknown council."""
    from logic.permissions import ask
    from logic.routing import route

    if reading.kind == "route":
        return route(model.corpus, model.routing, reading.slug, council, reading.params)
    return ask(model.corpus, model.rules, reading.slug, council, reading.params)


_BY_MODEL: dict[int, tuple[weakref.ref, Intents]] = {}


def understand(text: Any, model, intents: Intents | None = None) -> list[Interpretation]:
    """Ranked readings of a plain-words question (see the module notes); [] when none is likely.

    ``intents`` defaults to the model's, compiled once per model.
    """
    if intents is None:
        cached = _BY_MODEL.get(id(model))
        if cached is None or cached[0]() is not model:
            cached = (weakref.ref(model), load_intents(model))
            _BY_MODEL[id(model)] = cached
        intents = cached[1]
    return intents.understand(text)
