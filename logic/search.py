"""Fuzzy clause search over the loaded corpus.

How a query is answered (``SearchIndex.search``):

1. **Normalise and cap.** Only the first ``MAX_QUERY_CHARS`` characters and the first
   ``MAX_QUERY_WORDS`` content words of a query are used; the rest is ignored (a pasted page of
   text still answers at once; ``query_limit_message`` words the notice a page shows). Text is
   case-folded, accents are stripped, stop words dropped and a light stemmer makes
   "complaints"/"complaint" and "planning"/"plan" meet.
2. **Correct and expand each word against the corpus vocabulary** (rapidfuzz, cached per word).
   The word and its stem are matched against the corpus's words and stems: its own stem, entries
   within one edit (two for eight letters or more; ``OSA.distance`` counts a swapped pair of
   letters as one edit, so "confidentaility" finds "confidentiality") and entries it starts
   ("exec" -> "executive"). Each expansion carries a weight: the word itself 1.0, corrections of
   a word the corpus does not know just below, and neighbours of a word it does know far below
   ("party" stays mostly "party", faintly "part"; a typo that happens to be a real word still
   finds something).
3. **Synonyms** (``content/synonyms.yaml``, e.g. Chief Executive = Head of Paid Service). Every
   group becomes a concept term: clauses get it wherever one of the group's phrases occurs, and
   query words that spell a phrase (after correction: "cheif exec") are replaced by the concept,
   so the councils' different titles score alike.
   **Everyday words** (``content/everyday-words.yaml``) go one way only: a word people use but the
   protocols do not ("rude", "bcc") also looks for the protocol words it points to ("complaint",
   "conduct"; "silent", "copy"), weighted ``RELATED``, below the word itself. Such a word also
   counts as known, so it is not "corrected" into a corpus word it merely resembles ("rude" is
   not "rule").
4. **BM25 over an inverted index** picks candidates: rare words weigh more than common ones, a
   word scores by its best expansion only, and fields are weighted (clause text, its heading, its
   topic labels, glossary terms that cite it). Postings are numpy arrays, so scoring 22,000
   clauses costs a handful of vectorised operations per query word.
5. **Fuzzy re-rank of the best candidates** (the ``RERANK_CANDIDATES`` best distinct texts by
   BM25, with every clause sharing one of those texts) with rapidfuzz against cached preprocessed text
   (stems and concept terms, built once): ``fuzz.token_set_ratio`` of the corrected query against
   the clause text measures how much of the question the clause covers, whatever the word order
   and however long the paragraph; ``fuzz.partial_ratio`` against the clause's heading, topic
   labels and glossary terms rewards a question that names what the clause is about. Token-set is
   the primary scorer: a short query against a long paragraph is a set-containment question, which
   plain ``ratio`` (penalises length) and ``partial_ratio`` on the body (needs the words adjacent
   and in order) answer badly. Both scorers run with a ``score_cutoff`` so hopeless pairs stop
   early. The final score blends the BM25 score (relative to the best candidate) with the two
   fuzzy scores.

   On ``tests/data/search_eval.yaml`` when this was written (top-1 / top-3): token_set_ratio over
   the raw clause text 0.72 / 0.85; over the preprocessed text 0.86 / 0.99; BM25 alone 0.93 /
   0.99; BM25 with the re-rank 0.97 / 0.99; SQLite FTS5 bm25 0.86 / 0.94. Each stage earns its
   place: correction and stemming lift the fuzzy scorer, BM25 adds word rarity, and the re-rank
   settles the order among clauses that all mention the words.

Ranking is deterministic: equal scores keep document order (council order, then clause order).
Clauses with identical preprocessed text are re-ranked once per query and share the result.

**Your council first** (``prefer_council``): a councillor searches to learn what *their* protocol
says, so their council's relevant hits come first, in score order, and every other hit follows
in score order for comparison. "Relevant" means a score of at least
``PREFERRED_SHARE`` of the best hit: a clause of their own that merely mentions a word does not
bury a strong answer elsewhere (it keeps its place by score). The preferred council's own best
candidates are re-ranked even when other councils fill the usual candidate pool, so a large
corpus cannot crowd them out. Scores are not changed, only the order.

Snippets never carry user text: they are cut from the clause itself, as ``(text, is_match)``
segments, and ``Hit.snippet_markdown`` renders them with every markdown metacharacter of the clause
escaped (``escape_markdown``) and the matches in ``**bold**``, safe for ``st.markdown`` without
``unsafe_allow_html``.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from logic.content import Clause, ContentError, Corpus, Problem, _rel, read_yaml
from logic.export import escape_markdown

MAX_QUERY_CHARS = 500
MAX_QUERY_WORDS = 40
# What a search box should accept: well past MAX_QUERY_CHARS, so that a pasted page reaches the
# app whole and ``query_limit_message`` can say how long it was instead of the browser cutting it
# silently at the box's own limit.
MAX_INPUT_CHARS = 10_000
EVERYDAY_WORDS_FILE = "everyday-words.yaml"

# The scorer the re-rank relies on most; the benchmark's "floor" runs it alone over every clause.
PRIMARY_SCORER = fuzz.token_set_ratio

STOP_WORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being
below between both but by can cannot could did do does doing down during each eg etc few for from
further had has have having he her here hers herself him himself his how i ie if in into is it its
itself just me might more most must my myself no nor not of off on once only or other our ours out
over own s same shall she should so some such than that the their theirs them themselves then there
these they this those through to too under until up upon very via was we were what when where which
while who whom whose why will with would you your yours yourself
""".split())

# BM25 parameters (the usual defaults) and how much each field's words count.
BM25_K1, BM25_B = 1.2, 0.75
FIELD_WEIGHTS = {"text": 1.0, "heading": 1.5, "topics": 0.5, "glossary": 1.0}

# Expansion weights: how much a query word's variants count against the word itself.
EXACT, TYPO, TYPO_TWO_EDITS, PREFIX, NEAR_KNOWN_WORD = 1.0, 0.9, 0.75, 0.8, 0.4
RELATED, RELATED_STEP = 0.8, 0.01  # protocol words an everyday word points to, first listed first
MAX_EXPANSIONS = 24

# prefer_council: the visitor's council's hits scoring at least this share of the best come first.
PREFERRED_SHARE = 0.5

# Re-rank: how many distinct candidate texts are fuzzy-scored, and how the scores blend.
RERANK_CANDIDATES = 40
BLEND_BM25, BLEND_COVERAGE, BLEND_HEADING = 0.5, 0.3, 0.2
COVERAGE_CUTOFF, HEADING_CUTOFF = 30, 50

SNIPPET_WORDS = 32

_WORD_RE = re.compile(r"[^\W_]+")
_WHITESPACE_RE = re.compile(r"\s+")
_EMPHASIS_RE = re.compile(r"\*\*|__")
_BULLET_RE = re.compile(r"^\s*[-*]\s+", re.MULTILINE)
CONCEPT_PREFIX = "="  # cannot come out of the tokenizer, so concept terms never clash with words


# ---------------------------------------------------------------- text helpers


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Case-fold and strip accents: "Café" -> "cafe"."""
    word = word.casefold()
    if word.isascii():
        return word
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Light suffix stripping so word forms meet (plural, -ing, -ed, -ly, -ity, final e).

    Deliberately crude and symmetric: the same function runs over clauses and queries, so it only
    has to map related forms together, not to produce dictionary words.
    """
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("ity") and len(word) >= 10:
        word = word[:-3]  # confidentiality -> confidential, neutrality -> neutral (not authority)
    for suffix in ("ing", "ed", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            if suffix != "ly" and word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]  # planning -> plann -> plan
            break
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


def is_content_word(word: str) -> bool:
    """Not a stop word and not a stray letter (the "s" of "Officer's", the "g" of "e.g.")."""
    return word not in STOP_WORDS and (len(word) > 1 or word.isdigit())


def words(text: str) -> list[str]:
    """Folded content words of ``text``."""
    return [word for word in map(fold, _WORD_RE.findall(text)) if is_content_word(word)]


def query_truncated(query: str) -> bool:
    """True when search will ignore part of ``query`` (beyond MAX_QUERY_CHARS / MAX_QUERY_WORDS)."""
    return query_limit_message(query) is not None


def query_limit_message(query: str) -> str | None:
    """The sentence telling the user which part of ``query`` was used; None when all of it was.

    A box that accepts ``MAX_INPUT_CHARS`` lets the message give the real length of a pasted
    question; at that length the box itself may have cut it, so the message says "at least".
    """
    if len(query) > MAX_QUERY_CHARS:
        size = f"{len(query):,} characters" if len(query) < MAX_INPUT_CHARS else \
            f"at least {MAX_INPUT_CHARS:,} characters"
        return f"Your question was {size}; only the first {MAX_QUERY_CHARS} were used."
    key_words = len(words(query))
    if key_words > MAX_QUERY_WORDS:
        return f"Your question has {key_words} key words; only the first {MAX_QUERY_WORDS} were used."
    return None


def typo_allowance(word: str) -> int:
    """Edits a word may be away from what was meant: none below 3 letters or for numbers, one, two
    from 8 letters (``OSA.distance`` counts a swapped pair of letters as one edit)."""
    if len(word) < 3 or word.isdigit():
        return 0
    return 2 if len(word) >= 8 else 1


def typo_candidates(word: str, vocabulary: list[str]) -> list[tuple[str, int]]:
    """(entry, edits) for the entries of ``vocabulary`` within ``typo_allowance(word)`` edits."""
    allowed = typo_allowance(word)
    if not allowed:
        return []
    return [(candidate, int(edits)) for candidate, edits, _ in
            process.extract(word, vocabulary, scorer=OSA.distance, score_cutoff=allowed, limit=None)]


def display_text(text: str) -> str:
    """Clause text as one line for snippets: list bullets as •, emphasis markers dropped."""
    return " ".join(_EMPHASIS_RE.sub("", _BULLET_RE.sub("• ", text)).split())


@lru_cache(maxsize=4096)
def _snippet_tokens(text: str) -> tuple[str, tuple[tuple[int, int], ...], tuple[str, ...]]:
    """A clause's display line, its word spans and their stems ("" for stop words), cached."""
    line = display_text(text)
    matches = list(_WORD_RE.finditer(line))
    stems = tuple(stem(w) if is_content_word(w) else "" for w in (fold(m.group()) for m in matches))
    return line, tuple(m.span() for m in matches), stems


# ---------------------------------------------------------------- synonyms and everyday words


@dataclass(frozen=True)
class SynonymPhrase:
    stems: tuple[str, ...]
    concept: str


def synonym_phrases(groups) -> dict[str, tuple[SynonymPhrase, ...]]:
    """Synonym phrases by their first stem, longest first within each; a group's concept term is
    named after its first phrase."""
    by_first: dict[str, list[SynonymPhrase]] = {}
    for group in groups:
        concept = CONCEPT_PREFIX + "_".join(stem(w) for w in words(group[0]))
        for term in group:
            stems = tuple(stem(w) for w in words(term))
            if stems:
                by_first.setdefault(stems[0], []).append(SynonymPhrase(stems, concept))
    # Longest first, so "chief executive" wins over "executive" where both could match.
    return {first: tuple(sorted(ps, key=lambda p: -len(p.stems))) for first, ps in by_first.items()}


def phrase_at(phrases: dict[str, tuple[SynonymPhrase, ...]], stems: list[str], i: int) -> SynonymPhrase | None:
    """The longest synonym phrase spelt by ``stems`` from position ``i``."""
    for phrase in phrases.get(stems[i], ()):
        if tuple(stems[i:i + len(phrase.stems)]) == phrase.stems:
            return phrase
    return None


def load_everyday_words(root: Path, problems: list[Problem]) -> dict[str, tuple[str, ...]]:
    """``everyday-words.yaml``: everyday word -> the protocol words it points to (one word each).

    A missing file means no everyday words. Problems name the file; entries with a problem are left out.
    """
    path = root / EVERYDAY_WORDS_FILE
    if not path.is_file():
        return {}
    rel = _rel(path, root)
    data = read_yaml(path, root, problems)
    entries = data.get("words") if isinstance(data, dict) else None
    if not isinstance(entries, dict):
        if data is not None:
            problems.append(Problem(rel, "expected 'words:' mapping each everyday word to a list of protocol words.",
                                    "Write e.g. words: {rude: [courtesy, complaint]}."))
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for key, targets in entries.items():
        key_words = words(str(key))
        targets = targets if isinstance(targets, list) else [targets]
        target_words = [words(str(t)) for t in targets]
        if len(key_words) != 1 or str(key).strip().casefold() != key_words[0]:
            problems.append(Problem(rel, f"'{key}' is not one lower-case word (stop words cannot be looked up).",
                                    "Use a single everyday word as the key."))
        elif not targets or any(len(t) != 1 for t in target_words):
            problems.append(Problem(rel, f"'{key}' needs a list of single protocol words.",
                                    f"Write {key}: [complaint, conduct]."))
        else:
            out[key_words[0]] = tuple(t[0] for t in target_words)
    return out


def check_everyday_words(corpus: Corpus, problems: list[Problem]) -> None:
    """Record the problems of ``everyday-words.yaml``: entries that could not work as described."""
    everyday = load_everyday_words(corpus.root, problems)
    if not everyday:
        return
    rel = _rel(corpus.root / EVERYDAY_WORDS_FILE, corpus.root)
    used = {stem(w) for c in corpus.all_clauses() for w in words(f"{c.text} {c.title} {c.section_title}")}
    for word, targets in everyday.items():
        if stem(word) in used:
            problems.append(Problem(rel, f"'{word}' is a word the clauses use; search finds it already.",
                                    "Remove it, or put an equivalence in synonyms.yaml."))
        for target in targets:
            if stem(target) not in used:
                problems.append(Problem(rel, f"'{word}' points to '{target}', which no clause uses.",
                                        "Point it to words the clauses use."))


# ---------------------------------------------------------------- hits


Segment = tuple[str, bool]


@dataclass(frozen=True)
class Hit:
    """One search result. ``score`` is 0-100, relative to the query's best match."""

    id: str
    council: str
    number: str
    title: str
    score: float
    segments: tuple[Segment, ...]

    @property
    def snippet(self) -> str:
        """The snippet as plain text (no markup)."""
        return "".join(text for text, _ in self.segments)

    @property
    def snippet_markdown(self) -> str:
        """The snippet for ``st.markdown``: clause text escaped, matches in bold."""
        return "".join(f"**{escape_markdown(text)}**" if match else escape_markdown(text)
                       for text, match in self.segments)

    def as_dict(self) -> dict:
        return {"id": self.id, "council": self.council, "number": self.number, "title": self.title,
                "score": self.score, "snippet": self.snippet}


# ---------------------------------------------------------------- the index


@dataclass(frozen=True)
class _Slot:
    """One unit of the query: a word or a synonym concept, with the index terms it matches."""

    terms: dict[str, float]  # index term -> weight
    rerank_term: str
    # An everyday word the corpus never uses: the protocol words it points to, first listed first.
    # The re-rank reads it as whichever of them the clause uses, not always as the first.
    related: tuple[str, ...] = ()


class SearchIndex:
    """Built once from a corpus (wrap it in ``st.cache_resource`` at the UI edge)."""

    def __init__(self, corpus: Corpus, everyday_words: dict[str, tuple[str, ...]] | None = None):
        """``everyday_words`` defaults to the content folder's ``everyday-words.yaml`` (ContentError
        if it is invalid)."""
        self.corpus = corpus
        self._clauses: list[Clause] = corpus.all_clauses()
        self._phrases_by_first = synonym_phrases(corpus.synonyms)
        self._expansions: dict[str, dict[str, float]] = {}
        glossary_terms = self._glossary_terms_by_clause(corpus)

        surface_words: set[str] = set()
        term_ids: dict[str, int] = {}
        posting_terms, posting_docs, posting_tf = array("i"), array("i"), array("f")  # compact while building
        lengths = np.zeros(len(self._clauses), dtype=np.float32)
        rerank_texts, heading_texts, signatures = [], [], []
        signature_ids: dict[tuple[str, str], int] = {}
        labels: dict[str, tuple[list[str], list[str]]] = {}  # headings and topics repeat clause after clause
        for doc, clause in enumerate(self._clauses):
            fields = {"text": self._analyse(clause.text)}
            for name, label in (
                ("heading", f"{clause.title} {clause.section_title}"),
                ("topics", " ".join(corpus.topics[t].label for t in clause.topics if t in corpus.topics)),
                ("glossary", " ".join(glossary_terms.get(clause.id, ()))),
            ):
                if label not in labels:
                    labels[label] = self._analyse(label)
                fields[name] = labels[label]
            tf: dict[str, float] = {}
            for name, (field_words, stems) in fields.items():
                surface_words.update(field_words)
                weight = FIELD_WEIGHTS[name]
                for term in stems:
                    tf[term] = tf.get(term, 0.0) + weight
                lengths[doc] += weight * len(field_words)
            for term, count in tf.items():
                posting_terms.append(term_ids.setdefault(term, len(term_ids)))
                posting_docs.append(doc)
                posting_tf.append(count)
            rerank = " ".join(fields["text"][1])
            heading = " ".join(fields["heading"][1] + fields["topics"][1] + fields["glossary"][1])
            rerank_texts.append(rerank)
            heading_texts.append(heading)
            signatures.append(signature_ids.setdefault((rerank, heading), len(signature_ids)))

        self.texts: tuple[str, ...] = tuple(rerank_texts)
        self._headings = tuple(heading_texts)
        self._signatures = np.asarray(signatures, dtype=np.int32)
        synonym_words = {word for group in corpus.synonyms for term in group for word in words(term)}
        self._surface_to_stem = {word: stem(word) for word in surface_words | synonym_words}
        # Corrections look among the corpus's words and their stems, each leading to its index term.
        self._vocabulary_terms = {**{s: s for s in self._surface_to_stem.values()}, **self._surface_to_stem}
        self._vocabulary = sorted(self._vocabulary_terms)
        self._postings = self._bm25_postings(term_ids, posting_terms, posting_docs, posting_tf, lengths)
        # A query word may also stand for a word of a synonym phrase the corpus never uses itself
        # ("leaflets" in a group with "printing"): it leads to the concept, which the corpus has.
        self._expandable = set(self._postings) | {stem(word) for word in synonym_words}
        self._everyday = self._everyday_terms(corpus, everyday_words)
        self._everyday_vocabulary = sorted(self._everyday)
        self._council_masks = self._masks(lambda c: (c.council,))
        self._topic_masks = self._masks(lambda c: c.topics)

    # ------------------------------------------------------------ building

    def _everyday_terms(self, corpus: Corpus, everyday_words) -> dict[str, tuple[str, ...]]:
        """Everyday word stem -> the index terms of the protocol words it points to."""
        if everyday_words is None:
            problems: list[Problem] = []
            everyday_words = load_everyday_words(corpus.root, problems)
            if problems:
                raise ContentError(problems)
        out = {}
        for word, targets in everyday_words.items():
            terms = []
            for target in targets:
                target_stem = stem(target)
                phrase = phrase_at(self._phrases_by_first, [target_stem], 0)
                # A one-word synonym ("councillor") leads to its concept, so every council's title counts.
                term = phrase.concept if phrase and len(phrase.stems) == 1 else target_stem
                if term in self._postings:
                    terms.append(term)
            if terms:
                out[stem(word)] = tuple(terms)
        return out

    @staticmethod
    def _glossary_terms_by_clause(corpus: Corpus) -> dict[str, list[str]]:
        by_clause: dict[str, list[str]] = {}
        for entry in corpus.glossary:
            for citation in entry.clauses:
                clause = corpus.resolve(citation)
                if clause:
                    by_clause.setdefault(clause.id, []).extend((entry.term, *entry.aliases))
        return by_clause

    def _phrase_at(self, stems: list[str], i: int) -> SynonymPhrase | None:
        return phrase_at(self._phrases_by_first, stems, i)

    def _analyse(self, text: str) -> tuple[list[str], list[str]]:
        """(content words, their stems with synonym concept terms) of a piece of clause text."""
        text_words = words(text)
        return text_words, self._with_concepts([stem(w) for w in text_words])

    def _with_concepts(self, stems: list[str]) -> list[str]:
        """The stems, each synonym phrase followed by its concept term (longest match first)."""
        out, i = [], 0
        while i < len(stems):
            phrase = self._phrase_at(stems, i)
            if phrase:
                out += [*phrase.stems, phrase.concept]
                i += len(phrase.stems)
            else:
                out.append(stems[i])
                i += 1
        return out

    def _bm25_postings(self, term_ids, posting_terms, posting_docs, posting_tf, lengths):
        """term -> (doc indices, BM25 contribution of the term in each doc)."""
        n_docs = len(self._clauses)
        terms = np.frombuffer(posting_terms, dtype=np.int32)
        docs = np.frombuffer(posting_docs, dtype=np.int32)
        tf = np.frombuffer(posting_tf, dtype=np.float32)
        order = np.argsort(terms, kind="stable")
        terms, docs, tf = terms[order], docs[order], tf[order]
        bounds = np.searchsorted(terms, np.arange(len(term_ids) + 1))
        norm = BM25_K1 * (1 - BM25_B + BM25_B * lengths / max(float(lengths.mean()), 1.0))
        postings = {}
        for term, tid in term_ids.items():
            lo, hi = bounds[tid], bounds[tid + 1]
            df = hi - lo
            idf = np.log(1 + (n_docs - df + 0.5) / (df + 0.5))
            d, f = docs[lo:hi], tf[lo:hi]
            postings[term] = (d, (idf * f * (BM25_K1 + 1) / (f + norm[d])).astype(np.float32))
        return postings

    def _masks(self, keys) -> dict[str, np.ndarray]:
        masks: dict[str, np.ndarray] = {}
        for doc, clause in enumerate(self._clauses):
            for key in keys(clause):
                masks.setdefault(key, np.zeros(len(self._clauses), dtype=bool))[doc] = True
        return masks

    # ------------------------------------------------------------ query analysis

    def _expand(self, word: str) -> dict[str, float]:
        """Index terms a query word may stand for, with weights (cached per word)."""
        cached = self._expansions.get(word)
        if cached is not None:
            return cached
        everyday = self._everyday.get(stem(word), ())
        known = word in self._surface_to_stem or bool(everyday)
        terms: dict[str, float] = {}

        def add(term: str, weight: float) -> None:
            if term in self._expandable and weight > terms.get(term, 0.0):
                terms[term] = weight

        add(stem(word), EXACT)
        for rank, term in enumerate(everyday):  # the first protocol word listed weighs most
            add(term, RELATED - rank * RELATED_STEP)
        # Probe with the word and its stem: "relase" is one edit from the stem "releas" of
        # "releases" but two from the word itself, and "quoting" starts none of the words that
        # "quot" starts.
        for probe in dict.fromkeys((word, stem(word))):
            for candidate, edits in typo_candidates(probe, self._vocabulary):
                typo_weight = TYPO if edits <= 1 else TYPO_TWO_EDITS
                add(self._vocabulary_terms[candidate], NEAR_KNOWN_WORD if known else typo_weight)
            if not known:  # "rdue" is "rude" mistyped: it points where "rude" points
                for candidate, edits in typo_candidates(probe, self._everyday_vocabulary):
                    for rank, term in enumerate(self._everyday[candidate]):
                        add(term, (RELATED - rank * RELATED_STEP) * (TYPO if edits <= 1 else TYPO_TWO_EDITS))
            if len(probe) >= (5 if known else 4):
                for candidate in self._vocabulary[bisect_left(self._vocabulary, probe):]:
                    if not candidate.startswith(probe):
                        break
                    add(self._vocabulary_terms[candidate], NEAR_KNOWN_WORD if known else PREFIX)
        best = dict(sorted(terms.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_EXPANSIONS])
        if len(self._expansions) > 50_000:  # bound the cache against endless distinct queries
            self._expansions.clear()
        self._expansions[word] = best
        return best

    def _slots(self, query: str) -> list[_Slot]:
        query_words = words(query[:MAX_QUERY_CHARS])[:MAX_QUERY_WORDS]
        expansions = [self._expand(w) for w in query_words]
        slots, i = [], 0
        while i < len(expansions):
            match = self._query_phrase_at(expansions, i)
            if match:
                phrase, weight = match
                slots.append(_Slot({phrase.concept: weight}, phrase.concept))
                i += len(phrase.stems)
                continue
            indexed = {term: weight for term, weight in expansions[i].items() if term in self._postings}
            if indexed:
                best = max(indexed.items(), key=lambda kv: (kv[1], -len(kv[0])))[0]
                word_stem = stem(query_words[i])
                related = () if word_stem in self._postings else \
                    tuple(t for t in self._everyday.get(word_stem, ()) if t in indexed)
                slots.append(_Slot(indexed, best, related))
            i += 1
        return slots

    def _query_phrase_at(self, expansions: list[dict[str, float]], i: int) -> tuple[SynonymPhrase, float] | None:
        """The longest synonym phrase the query words from ``i`` on may spell, with its weight."""
        starting = {p for first in expansions[i] for p in self._phrases_by_first.get(first, ())
                    if p.concept in self._postings}
        for phrase in sorted(starting, key=lambda p: (-len(p.stems), p.stems)):
            window = expansions[i:i + len(phrase.stems)]
            if len(window) == len(phrase.stems) and all(s in e for s, e in zip(phrase.stems, window)):
                return phrase, min(e[s] for s, e in zip(phrase.stems, window))
        return None

    def query_text(self, query: str) -> str:
        """The query as the re-rank sees it: corrected stems and concept terms."""
        return " ".join(slot.rerank_term for slot in self._slots(query))

    # ------------------------------------------------------------ searching

    def search(self, query: str, council: str | None = None, topic: str | None = None,
               limit: int = 10, prefer_council: str | None = None) -> list[Hit]:
        """Best-first hits for ``query``, optionally within one council and/or topic.

        ``prefer_council`` puts that council's relevant hits first (see the module notes); it
        changes nothing when ``council`` already filters. Raises ValueError for an unknown
        council, preferred council or topic, or a limit below 1. Only the first MAX_QUERY_CHARS
        characters / MAX_QUERY_WORDS words of the query are used.
        """
        for name, value in (("council", council), ("preferred council", prefer_council)):
            if value is not None and value not in self.corpus.councils:
                raise ValueError(f"unknown {name} '{value}'")
        if topic is not None and topic not in self.corpus.topics:
            raise ValueError(f"unknown topic '{topic}'")
        if limit < 1:
            raise ValueError("limit must be at least 1")
        slots = self._slots(query)
        if not slots:
            return []
        scores = self._bm25(slots)
        for masks, key in ((self._council_masks, council), (self._topic_masks, topic)):
            if key is not None:
                scores[~masks.get(key, np.zeros_like(scores, dtype=bool))] = 0
        wanted = max(limit, RERANK_CANDIDATES)
        candidates = self._candidates(scores, wanted)
        if prefer_council is not None and council is None:
            own = np.where(self._council_masks.get(prefer_council, False), scores, 0)
            candidates = np.union1d(candidates, self._candidates(own, wanted))
        if not len(candidates):
            return []
        final = self._rerank(slots, candidates, scores)
        ranked = sorted(zip(candidates.tolist(), final), key=lambda pair: (-round(pair[1], 6), pair[0]))
        if prefer_council is not None and council is None:
            ranked = self._preferred_first(ranked, prefer_council)
        matched_terms = {term for slot in slots for term in slot.terms}
        snippets: dict[int, tuple[Segment, ...]] = {}
        hits = []
        for doc, score in ranked[:limit]:
            clause = self._clauses[doc]
            signature = int(self._signatures[doc])
            if signature not in snippets:
                snippets[signature] = self._snippet(clause.text, matched_terms)
            hits.append(Hit(clause.id, clause.council, clause.number, clause.heading,
                            round(100 * score, 1), snippets[signature]))
        return hits

    def _preferred_first(self, ranked: list[tuple[int, float]], council: str) -> list[tuple[int, float]]:
        """The council's hits scoring at least PREFERRED_SHARE of the best first, then the rest."""
        floor = PREFERRED_SHARE * ranked[0][1]
        first = [pair for pair in ranked if self._clauses[pair[0]].council == council and pair[1] >= floor]
        chosen = {doc for doc, _ in first}
        return first + [pair for pair in ranked if pair[0] not in chosen]

    def _bm25(self, slots: list[_Slot]) -> np.ndarray:
        """BM25 per clause; each slot counts once, through its best-weighted matching term."""
        total = np.zeros(len(self._clauses), dtype=np.float32)
        for slot in slots:
            best = np.zeros_like(total)
            for term, weight in slot.terms.items():
                docs, contribution = self._postings[term]
                best[docs] = np.maximum(best[docs], weight * contribution)
            total += best
        return total

    def _candidates(self, scores: np.ndarray, wanted: int) -> np.ndarray:
        """Clauses whose text is among the ``wanted`` best distinct texts, in document order."""
        scored = np.flatnonzero(scores > 0)
        if not len(scored):
            return scored
        order = scored[np.lexsort((scored, -scores[scored]))]
        signatures, first = np.unique(self._signatures[order], return_index=True)
        chosen = signatures[np.argsort(first, kind="stable")[:wanted]]
        return scored[np.isin(self._signatures[scored], chosen)]

    def _rerank(self, slots: list[_Slot], candidates: np.ndarray, scores: np.ndarray) -> list[float]:
        query = " ".join(slot.rerank_term for slot in slots)
        best_bm25 = float(scores[candidates].max())
        fuzzy: dict[int, tuple[float, float]] = {}
        final = []
        for doc in candidates.tolist():
            signature = int(self._signatures[doc])
            if signature not in fuzzy:
                if any(slot.related for slot in slots):
                    query = self._query_for(slots, doc)
                fuzzy[signature] = (
                    PRIMARY_SCORER(query, self.texts[doc], processor=None, score_cutoff=COVERAGE_CUTOFF) / 100,
                    fuzz.partial_ratio(query, self._headings[doc], processor=None,
                                       score_cutoff=HEADING_CUTOFF) / 100,
                )
            coverage, heading = fuzzy[signature]
            final.append(BLEND_BM25 * float(scores[doc]) / best_bm25 + BLEND_COVERAGE * coverage
                         + BLEND_HEADING * heading)
        return final

    def _query_for(self, slots: list[_Slot], doc: int) -> str:
        """The re-rank query with each everyday word read as the protocol word this clause uses."""
        used = set(self.texts[doc].split()) | set(self._headings[doc].split())
        return " ".join(next((t for t in slot.related if t in used), slot.rerank_term) for slot in slots)

    # ------------------------------------------------------------ snippets

    def _snippet(self, text: str, matched_terms: set[str]) -> tuple[Segment, ...]:
        """The densest window of the clause around the matched words, as (text, is_match)."""
        line, spans, stems = _snippet_tokens(text)
        if not spans:
            return ((line, False),)
        marked = self._marked_tokens(stems, matched_terms)
        start, end = self._best_window(stems, marked)
        pieces: list[Segment] = [("… ", False)] if start > 0 else []
        cursor = spans[start][0]
        for i in range(start, end):
            token_start, token_end = spans[i]
            gap = line[cursor:token_start]
            # The space between two matches joins them into one bold run.
            pieces.append((gap, marked[i] and i > start and marked[i - 1] and not gap.strip()))
            pieces.append((line[token_start:token_end], marked[i]))
            cursor = token_end
        if end < len(spans):
            pieces += [(line[cursor:spans[end][0]].rstrip(), False), (" …", False)]
        else:
            pieces.append((line[cursor:], False))
        segments: list[Segment] = []
        for piece, match in pieces:
            if not piece:
                continue
            if segments and segments[-1][1] == match:
                segments[-1] = (segments[-1][0] + piece, match)
            else:
                segments.append((piece, match))
        return tuple(segments)

    def _marked_tokens(self, stems: tuple[str, ...], matched_terms: set[str]) -> list[bool]:
        marked = [bool(s) and s in matched_terms for s in stems]
        content = [i for i, s in enumerate(stems) if s]
        content_stems = [stems[i] for i in content]
        i = 0
        while i < len(content):  # synonym phrases: mark the whole run, small words included
            phrase = self._phrase_at(content_stems, i)
            if phrase and phrase.concept in matched_terms:
                first, last = content[i], content[i + len(phrase.stems) - 1]
                marked[first:last + 1] = [True] * (last - first + 1)
                i += len(phrase.stems)
            else:
                i += 1
        return marked

    @staticmethod
    def _best_window(stems: tuple[str, ...], marked: list[bool]) -> tuple[int, int]:
        """[start, end) of SNIPPET_WORDS tokens holding the most distinct matches, earliest first."""
        if len(stems) <= SNIPPET_WORDS:
            return 0, len(stems)
        best, best_start = -1, 0
        for first in (i for i, m in enumerate(marked) if m):
            start = max(0, min(first - 3, len(stems) - SNIPPET_WORDS))
            window = range(start, start + SNIPPET_WORDS)
            distinct = len({stems[i] for i in window if marked[i]})
            if distinct > best:
                best, best_start = distinct, start
        return best_start, best_start + SNIPPET_WORDS
