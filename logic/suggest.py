"""Suggestions for an imported protocol: topics per clause and the council's own titles for shared roles.

Topics come from the most similar tagged clauses of the councils already in the corpus: TF-IDF
vectors over the search module's folded, stemmed content words, cosine similarity, the
``NEIGHBOURS`` nearest clauses voting for their topics with weight similarity squared (so one
near-identical clause outweighs several loose matches). A topic is suggested when it has at least
``MIN_SHARE`` of the vote (at most ``MAX_TOPICS``, always the best one). The confidence (0..1) is
the best neighbour's similarity times the first topic's share of the vote: 1.0 for a clause copied
word for word from a clause tagged with that topic alone, near 0 for text unlike anything tagged.

Titles: the phrases other councils use as titles for each shared role (their ``titles:``) and the
role labels, looked for in the imported text exactly as printed (whole words, longest phrase
first, so "Corporate Director" is not also counted as "Director"). Only phrases found in the text
are suggested: a suggestion is always a title the document itself prints.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from logic.content import Corpus
from logic.search import fold, is_content_word, stem

NEIGHBOURS = 5
MIN_SHARE = 0.4
MAX_TOPICS = 3
_WORD = re.compile(r"[^\W_]+")
_PARENTHESIS = re.compile(r"\s*\(.*?\)")
# Titles English councils commonly print for the shared roles, beyond those the corpus's councils use.
COMMON_TITLES = {
    "member": ("Councillor", "Member"),
    "committee-chair": ("Committee Chair", "Committee Chairman", "Chairman of the Committee", "Chair of the Committee"),
    "chair-of-council": ("Chairman of the Council", "Chair of the Council", "Mayor", "Civic Mayor"),
    "leader-of-the-council": ("Leader of the Council",),
    "opposition-leader": ("Opposition Leader", "Leader of the Opposition"),
    "executive-member": ("Executive Member", "Cabinet Member", "Portfolio Holder"),
    "s151-officer": ("Section 151 Officer", "S151 Officer", "Chief Finance Officer", "Chief Financial Officer"),
    "chief-officer": ("Chief Officer",),
    "legal-adviser": ("Legal Adviser", "Legal Advisor"),
    "planning-case-officer": ("Planning Case Officer", "Case Officer"),
    "standards-committee": ("Standards Committee",),
    "county-association": ("County Association",),
}


@dataclass(frozen=True)
class TopicSuggestion:
    topics: tuple[str, ...]
    confidence: float


def _terms(text: str) -> list[str]:
    return [stem(w) for w in (fold(m) for m in _WORD.findall(text)) if is_content_word(w)]


class TopicSuggester:
    """Nearest tagged clauses of the corpus, by TF-IDF cosine similarity."""

    def __init__(self, corpus: Corpus):
        tagged = [c for c in corpus.all_clauses() if c.topics]
        self.topics = [c.topics for c in tagged]
        self.order = list(corpus.topics)
        documents = [Counter(_terms(f"{c.heading} {c.text}")) for c in tagged]
        frequency = Counter(term for doc in documents for term in doc)
        self.vocabulary = {term: i for i, term in enumerate(sorted(frequency))}
        self.idf = np.array([np.log((1 + len(documents)) / (1 + frequency[t])) + 1 for t in sorted(frequency)],
                            dtype=np.float32)
        self.matrix = self._vectors(documents)

    def _vectors(self, documents: Sequence[Counter]) -> np.ndarray:
        matrix = np.zeros((len(documents), len(self.vocabulary)), dtype=np.float32)
        for row, doc in enumerate(documents):
            for term, count in doc.items():
                column = self.vocabulary.get(term)
                if column is not None:
                    matrix[row, column] = 1 + np.log(count)
        matrix *= self.idf
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return matrix / np.where(norms == 0, 1, norms)

    def suggest(self, texts: Sequence[str]) -> list[TopicSuggestion]:
        if not texts:
            return []
        if not len(self.topics):
            return [TopicSuggestion((), 0.0) for _ in texts]
        similarity = self._vectors([Counter(_terms(t)) for t in texts]) @ self.matrix.T
        return [self._vote(row) for row in similarity]

    def _vote(self, row: np.ndarray) -> TopicSuggestion:
        nearest = np.argsort(-row, kind="stable")[:NEIGHBOURS]
        votes: Counter = Counter()
        for index in nearest:
            weight = float(row[index]) ** 2
            for topic in self.topics[index]:
                votes[topic] += weight
        total = sum(votes.values())
        if total <= 0:
            return TopicSuggestion((), 0.0)
        rank = {topic: i for i, topic in enumerate(self.order)}
        ranked = sorted(votes, key=lambda t: (-votes[t], rank.get(t, len(rank))))
        chosen = [t for t in ranked if votes[t] / total >= MIN_SHARE][:MAX_TOPICS] or ranked[:1]
        confidence = float(row[nearest[0]]) * votes[chosen[0]] / total
        return TopicSuggestion(tuple(chosen), round(min(max(confidence, 0.0), 1.0), 2))


def _candidates(corpus: Corpus) -> dict[str, set[str]]:
    """role -> phrases used as its title somewhere (other councils' titles, the shared label)."""
    out: dict[str, set[str]] = {role: set() for role in corpus.roles}
    for role in corpus.roles.values():
        out[role.slug].add(_PARENTHESIS.sub("", role.label).strip())
        out[role.slug].update(COMMON_TITLES.get(role.slug, ()))
    for council in corpus.councils.values():
        for role, title in council.titles.items():
            # "S151 Officer (Finance)" -> "S151 Officer"; quoted words ("‘Leader’ of the Council") are not a title.
            title = _PARENTHESIS.sub("", title).strip()
            if role in out and not re.search(r"[\"‘’“”]", title):
                out[role].add(title)
    return {role: {p for p in phrases if len(p) > 2} for role, phrases in out.items()}


_DETERMINERS = frozenset("a an the any each every all no such that this these those their his her its our "
                         "your other another relevant appropriate".split())
_PREVIOUS_WORD = re.compile(r"([^\W\d_]+)\W*$")


def _ends_a_longer_title(text: str, start: int) -> bool:
    """A capitalised word before a one-word title makes it part of another title ("Marketing Manager")."""
    match = _PREVIOUS_WORD.search(text[max(0, start - 40):start])
    if not match or text[match.end() + max(0, start - 40):start].strip(" \t\n"):
        return False
    word = match.group(1)
    return word[:1].isupper() and word.lower() not in _DETERMINERS


def suggest_titles(text: str, corpus: Corpus) -> dict[str, str]:
    """role slug -> the title this text prints for it, for every role whose known titles occur in it."""
    roles: dict[str, str] = {}
    for role, phrases in sorted(_candidates(corpus).items()):
        for phrase in phrases:
            roles.setdefault(" ".join(phrase.casefold().split()), role)
    # One pass, longest phrase first at each place ("Corporate Director" before "Director"), in any case
    # ("Executive Member", "executive member"); a title may wrap over a line break.
    alternatives = sorted(roles, key=lambda p: (-len(p), p))
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(r"\s+".join(map(re.escape, p.split())) for p in alternatives)
                         + r")s?(?![\w-])", re.IGNORECASE)
    found: dict[str, dict[str, Counter]] = {}  # role -> phrase -> printed form -> count
    for match in pattern.finditer(text):
        printed = " ".join(match.group(0).split())
        key = printed.casefold()
        if key not in roles and key.endswith("s"):
            key, printed = key[:-1], printed[:-1]
        if key not in roles or (" " not in key and _ends_a_longer_title(text, match.start())):
            continue  # a one-word title as the last word of a longer capitalised one ("Marketing Manager")
        found.setdefault(roles[key], {}).setdefault(key, Counter())[printed] += 1
    # The phrase printed most often (on a tie the longer), in the form printed most often (on a tie capitalised).
    out = {}
    for role, phrases in sorted(found.items()):
        forms = max(phrases.values(), key=lambda counts: (sum(counts.values()), len(next(iter(counts)))))
        out[role] = max(forms, key=lambda form: (forms[form], form[:1].isupper()))
    return out


__all__ = ["TopicSuggester", "TopicSuggestion", "suggest_titles"]
