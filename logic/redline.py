"""Redline two versions of a protocol clause by clause.

Clauses of an OLD and a NEW version are aligned first and diffed second, because what readers
of commercial comparators complain about most is alignment noise: a clause inserted early
renumbers every later clause and the tool shows them all as changed; a clause split into two
shows as one deletion and two insertions; a clause moved and edited shows as unrelated.

Alignment, in order (each stage only sees the clauses the earlier stages left unmatched):

1. **identical wording**: the same text once layout is ignored (line breaks, spacing, list
   bullets, bold marks, straight or curly quotation marks) pairs up whatever the numbers say.
   Numbers are compared separately, so such a pair is ``same`` or ``renumbered``.
2. **split / merged**: one old clause whose wording matches two or three consecutive new clauses
   joined (or the reverse). The joined text must match at least :data:`SPLIT_THRESHOLD`, better
   than any one part does alone, and every part must be nearly a passage of the whole.
3. **fuzzy**: the remaining pairs with word similarity of at least :data:`MATCH_THRESHOLD`, best
   first (ties to the nearer position).
4. **moves**: sections are matched by title (or, untitled, by where most of their clauses went);
   a matched clause whose new section is not its old section's counterpart is ``moved`` (with or
   without changes; the diff says which). Renumbered sections therefore do not make moves.

Unmatched old clauses are ``removed``, unmatched new ones ``added``. Similarity is the word-level
Indel similarity (``rapidfuzz.fuzz.ratio`` over :func:`logic.compare.normalise`'d words) for
matching; a pair reports the similarity of its own word diff (1.0 for identical wording).
Word similarity separates unrelated clauses far better than character similarity: across all
pairs of different clauses within each of the five protocols the word score has a 99th
percentile of 22-28% (maximum 67%, Maldon's mirror-image dispute clauses dr-2.1 / dr-4.2),
the character score 47-50% (maximum 72%).

Word diff: difflib, measured against diff-match-patch
------------------------------------------------------
Both diff a pair's words as tokens (diff-match-patch in its word mode: each distinct word
mapped to one character; difflib with ``autojunk=False``, as its junk heuristic misfires on
repeated words such as "the"). Measured by ``tests/review_bench.py`` (median of 5 runs, this
2-core machine) on two sets of real clause pairs:

- 60 cross-council pairs whose best passage scores at least 60 in
  :func:`logic.compare.shared_wording` (model text edited by different councils: heavy edits);
- 100 changed or moved pairs of generated revisions of the five protocols (a few words edited
  per clause: the everyday case).

=================================  ==========================  ==========================
library                            cross-council: time, words  revisions: time, words
=================================  ==========================  ==========================
difflib.SequenceMatcher (stdlib)   5.4 ms, 6,563 marked        4.1 ms, 259 marked
diff-match-patch 20241021          87.2 ms, 6,393 marked       3.1 ms, 259 marked
diff-match-patch + cleanupSemantic 103.6 ms, 7,611 marked      3.5 ms, 265 marked
=================================  ==========================  ==========================

On everyday pairs the two give the same diffs in the same few milliseconds. On heavy edits
difflib marks under 3% more words than the minimal diff and is 16 times faster; the semantic
cleanup reads in fewer runs but marks 16-19% more words as changed by folding unchanged words into
the edits ("[-Members and Officers-] [+members and officers+]" where difflib leaves "and"
alone), which a committee reading a redline word by word would take for a change. So: difflib,
in the standard library, no new dependency.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from logic.compare import normalise
from logic.content import Clause, Council
from logic.export import escape_markdown

CHANGES = ("same", "renumbered", "changed", "moved", "added", "removed", "split", "merged")
CHANGE_LABELS = {"same": "Unchanged", "renumbered": "Renumbered", "changed": "Changed", "moved": "Moved",
                 "added": "Added", "removed": "Removed", "split": "Split", "merged": "Merged"}
DIFF_OPS = ("equal", "insert", "delete")

MATCH_THRESHOLD = 0.6
SPLIT_THRESHOLD = 0.8
SPLIT_PART_CONTAINMENT = 85  # rapidfuzz.partial_ratio of a part against the whole, 0-100
MAX_SPLIT_PARTS = 3

_BULLET = re.compile(r"^\s*[-*•·▪◦]\s+", re.MULTILINE)
_BOLD = re.compile(r"\*\*")
_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})


def layout_free(text: str) -> str:
    """The wording of a clause without its layout: no list bullets or bold marks, single spaces."""
    return " ".join(_BOLD.sub("", _BULLET.sub("", text)).split())


def _key(word: str) -> str:
    """What two words must share to count as the same word: straight and curly quotes alike."""
    return word.translate(_QUOTES)


@dataclass(frozen=True)
class Pair:
    """One aligned pair: an old clause, a new clause or both, how it changed, and the word diff."""

    old: Clause | None
    new: Clause | None
    change: str
    similarity: float
    diff: tuple[tuple[str, str], ...]

    @property
    def old_id(self) -> str | None:
        return self.old.id if self.old else None

    @property
    def new_id(self) -> str | None:
        return self.new.id if self.new else None

    def describe(self) -> str:
        """One line in words, readable without colour: "3.4 → 3.5: renumbered"."""
        old = self.old.number if self.old else "—"
        new = self.new.number if self.new else "—"
        return f"{old} → {new}: {CHANGE_LABELS[self.change].lower()}"

    def as_dict(self) -> dict:
        return {"old": self.old_id, "new": self.new_id, "change": self.change,
                "similarity": self.similarity, "diff": [list(segment) for segment in self.diff]}


@dataclass(frozen=True)
class Redline:
    """Every clause of both versions, in new document order (removed ones where they stood)."""

    old: str
    new: str
    pairs: tuple[Pair, ...]

    def summary(self) -> dict[str, int]:
        """{change: number of pairs} for every kind, zeros included, in CHANGES order.

        A clause split in two counts two ``split`` pairs (one per new clause); a merge counts one
        ``merged`` pair per old clause.
        """
        counts = Counter(p.change for p in self.pairs)
        return {change: counts[change] for change in CHANGES}

    def of_kind(self, *changes: str) -> list[Pair]:
        return [p for p in self.pairs if p.change in changes]

    def new_partner(self) -> dict[str, str]:
        """{old clause id: new clause id} for every old clause that lives on in the new version.

        A split clause maps to its first part; merged clauses map to the clause they became.
        """
        partner: dict[str, str] = {}
        for pair in self.pairs:
            if pair.old and pair.new:
                partner.setdefault(pair.old.id, pair.new.id)
        return partner

    def as_dict(self) -> dict:
        return {"old": self.old, "new": self.new, "pairs": [p.as_dict() for p in self.pairs],
                "summary": self.summary()}


# ------------------------------------------------------------------ word diff


def _words(text: str) -> list[str]:
    return layout_free(text).split(" ") if text.strip() else []


def _opcodes(old_words: list[str], new_words: list[str]) -> list[tuple[str, int, int, int, int]]:
    matcher = difflib.SequenceMatcher(None, [_key(w) for w in old_words], [_key(w) for w in new_words],
                                      autojunk=False)
    return matcher.get_opcodes()


def _segments(opcodes, old_words: list[str], new_words: list[str], side: str = "",
              start: int = 0, end: int | None = None, last: bool = True) -> tuple[tuple[str, str], ...]:
    """Diff segments from difflib opcodes, optionally only those of one part of one side.

    ``side`` "new" keeps new words [start, end) (one part of a split), "old" keeps old words
    [start, end) (one part of a merge); the other side's words go with the part they stand
    against. Each segment carries the space that follows it, except the last, so joining the
    texts gives the wording with single spaces. Unchanged words are shown as the new version
    prints them (quotation marks may differ).
    """
    if end is None:
        end = len(new_words) if side == "new" else len(old_words)
    pieces: list[tuple[str, list[str]]] = []

    def add(op: str, words: list[str]) -> None:
        if words and pieces and pieces[-1][0] == op:
            pieces[-1][1].extend(words)
        elif words:
            pieces.append((op, list(words)))

    def clipped(lo: int, hi: int) -> tuple[int, int]:
        return max(lo, start), min(hi, end)

    def attached(pos: int) -> bool:
        return start <= pos < end or (last and pos == end)

    for tag, i1, i2, j1, j2 in opcodes:
        if side == "new":
            lo, hi = clipped(j1, j2)
            if tag in ("delete", "replace") and attached(j1):
                add("delete", old_words[i1:i2])
            add("equal" if tag == "equal" else "insert", new_words[lo:hi])
        elif side == "old":
            lo, hi = clipped(i1, i2)
            if tag == "equal":
                add("equal", new_words[j1 + lo - i1:j1 + hi - i1])
                continue
            add("delete", old_words[lo:hi])
            if tag in ("insert", "replace") and attached(i1):
                add("insert", new_words[j1:j2])
        else:
            if tag in ("delete", "replace"):
                add("delete", old_words[i1:i2])
            add("equal" if tag == "equal" else "insert", new_words[j1:j2])
    texts = [(op, " ".join(words) + " ") for op, words in pieces]
    if texts:
        texts[-1] = (texts[-1][0], texts[-1][1].rstrip(" "))
    return tuple(texts)


def word_diff(old_text: str, new_text: str) -> tuple[tuple[str, str], ...]:
    """Word-level diff of two clause texts, layout ignored: ((op, text), ...), op in DIFF_OPS."""
    old_words, new_words = _words(old_text), _words(new_text)
    return _segments(_opcodes(old_words, new_words), old_words, new_words)


def diff_markdown(diff: Sequence[tuple[str, str]]) -> str:
    """A diff as Markdown that marks changes in words and formatting, never by colour alone:
    "[inserted: **words**]" and "[deleted: ~~words~~]". Clause text is escaped, so no wording can
    turn into markup. (The markers stay plain: a closing "**]**" straight after a word is not
    bold-closing Markdown and would show its asterisks.)"""
    out = []
    for op, text in diff:
        words = escape_markdown(text.strip())
        space = " " if text.endswith(" ") else ""
        if op == "equal":
            out.append(words + space)
        elif op == "insert":
            out.append(f"[inserted: **{words}**]{space}")
        else:
            out.append(f"[deleted: ~~{words}~~]{space}")
    return "".join(out)


def diff_similarity(diff: Sequence[tuple[str, str]]) -> float:
    """Share of words the two sides have in common, 0..1 (Indel similarity of the word diff)."""
    counts = Counter()
    for op, text in diff:
        counts[op] += len(text.split())
    total = 2 * counts["equal"] + counts["insert"] + counts["delete"]
    return round(2 * counts["equal"] / total, 3) if total else 1.0


# ------------------------------------------------------------------ alignment


def _clauses_of(version: Council | Sequence[Clause]) -> tuple[str, list[Clause]]:
    if isinstance(version, Council):
        return version.slug, list(version.clauses)
    clauses = list(version)
    return (clauses[0].council if clauses else ""), clauses


def _similarity_words(clause: Clause) -> list[str]:
    return normalise(layout_free(clause.text)).split()


class _Aligner:
    """The four matching stages over one OLD / NEW pair of clause lists."""

    def __init__(self, old: list[Clause], new: list[Clause]):
        self.old, self.new = old, new
        self.old_words = [_similarity_words(c) for c in old]
        self.new_words = [_similarity_words(c) for c in new]
        self.old_match: dict[int, int] = {}  # old index -> new index (one to one stages)
        self.new_match: dict[int, int] = {}
        self.splits: dict[int, tuple[int, ...]] = {}  # old index -> new indexes
        self.merges: dict[int, tuple[int, ...]] = {}  # new index -> old indexes

    def old_free(self, i: int) -> bool:
        return i not in self.old_match and i not in self.splits and not any(i in g for g in self.merges.values())

    def new_free(self, j: int) -> bool:
        return j not in self.new_match and j not in self.merges and not any(j in g for g in self.splits.values())

    def pair(self, i: int, j: int) -> None:
        self.old_match[i] = j
        self.new_match[j] = i

    def identical(self) -> None:
        waiting: dict[str, list[int]] = {}
        for j, clause in enumerate(self.new):
            waiting.setdefault(_key(layout_free(clause.text)), []).append(j)
        for i, clause in enumerate(self.old):
            candidates = waiting.get(_key(layout_free(clause.text)))
            if candidates:
                same_number = [j for j in candidates if self.new[j].number == clause.number]
                j = same_number[0] if same_number else candidates[0]
                candidates.remove(j)
                self.pair(i, j)

    def _runs(self, count: int, free) -> list[tuple[int, ...]]:
        runs = []
        for size in range(2, MAX_SPLIT_PARTS + 1):
            for start in range(count - size + 1):
                run = tuple(range(start, start + size))
                if all(free(k) for k in run):
                    runs.append(run)
        return runs

    def _one_to_many(self, whole_words: list[list[str]], part_words: list[list[str]], whole_free, part_free):
        """Candidates (score, whole index, part run) where one clause became a run of clauses."""
        runs = self._runs(len(part_words), part_free)
        wholes = [i for i in range(len(whole_words)) if whole_free(i) and whole_words[i]]
        if not runs or not wholes:
            return []
        singles = [j for j in range(len(part_words)) if part_free(j)]
        single_scores = process.cdist([whole_words[i] for i in wholes], [part_words[j] for j in singles],
                                      scorer=fuzz.ratio)
        best_single = {i: dict(zip(singles, row)) for i, row in zip(wholes, single_scores)}
        joined = [[w for k in run for w in part_words[k]] for run in runs]
        scores = process.cdist([whole_words[i] for i in wholes], joined, scorer=fuzz.ratio,
                               score_cutoff=SPLIT_THRESHOLD * 100)
        found = []
        for row, i in enumerate(wholes):
            whole_text = " ".join(whole_words[i])
            for col, run in enumerate(runs):
                score = scores[row][col]
                if score < SPLIT_THRESHOLD * 100 or score <= max(best_single[i][k] for k in run):
                    continue
                if all(fuzz.partial_ratio(" ".join(part_words[k]), whole_text) >= SPLIT_PART_CONTAINMENT
                       for k in run):
                    found.append((float(score), i, run))
        return found

    def splits_and_merges(self) -> None:
        candidates = [("split", *c) for c in self._one_to_many(self.old_words, self.new_words,
                                                              self.old_free, self.new_free)]
        candidates += [("merge", *c) for c in self._one_to_many(self.new_words, self.old_words,
                                                               self.new_free, self.old_free)]
        candidates.sort(key=lambda c: (-c[1], -len(c[3])))
        for kind, _score, whole, run in candidates:
            if kind == "split" and self.old_free(whole) and all(self.new_free(k) for k in run):
                self.splits[whole] = run
            elif kind == "merge" and self.new_free(whole) and all(self.old_free(k) for k in run):
                self.merges[whole] = run

    def fuzzy(self) -> None:
        olds = [i for i in range(len(self.old)) if self.old_free(i) and self.old_words[i]]
        news = [j for j in range(len(self.new)) if self.new_free(j) and self.new_words[j]]
        if not olds or not news:
            return
        scores = process.cdist([self.old_words[i] for i in olds], [self.new_words[j] for j in news],
                               scorer=fuzz.ratio, score_cutoff=MATCH_THRESHOLD * 100)
        span_old, span_new = max(len(self.old), 1), max(len(self.new), 1)
        candidates = [(float(scores[r][c]), abs(i / span_old - j / span_new), i, j)
                      for r, i in enumerate(olds) for c, j in enumerate(news)
                      if scores[r][c] >= MATCH_THRESHOLD * 100]
        for _score, _distance, i, j in sorted(candidates, key=lambda c: (-c[0], c[1])):
            if self.old_free(i) and self.new_free(j):
                self.pair(i, j)

    def section_counterparts(self) -> dict[str, str]:
        """{old section number: new section number}.

        By identical title first; a section whose title is gone goes to the unclaimed new section
        that most of its clauses went to. A section with no counterpart was dissolved, so each of
        its clauses that lives on has moved.
        """
        def titles(clauses: list[Clause]) -> dict[str, str]:
            return {c.section: _key(" ".join(c.section_title.lower().split())) for c in clauses}

        old_titles, new_titles = titles(self.old), titles(self.new)
        by_title: dict[str, list[str]] = {}
        for number, title in new_titles.items():
            by_title.setdefault(title, []).append(number)
        counterparts = {number: by_title[title][0] for number, title in old_titles.items()
                        if title and len(by_title.get(title, ())) == 1}
        claimed = set(counterparts.values())
        votes: dict[str, Counter] = {}
        for i, j in self.old_match.items():
            if self.new[j].section not in claimed:
                votes.setdefault(self.old[i].section, Counter())[self.new[j].section] += 1
        for number in old_titles:
            if number not in counterparts and number in votes:
                counterparts[number] = votes[number].most_common(1)[0][0]
        return counterparts


def _pair(old: Clause, new: Clause, moved: bool) -> Pair:
    diff = word_diff(old.text, new.text)
    if all(op == "equal" for op, _ in diff) and not moved:
        return Pair(old, new, "same" if old.number == new.number else "renumbered", 1.0, diff)
    return Pair(old, new, "moved" if moved else "changed", diff_similarity(diff), diff)


def _split_pairs(whole: Clause, parts: list[Clause], change: str) -> list[Pair]:
    """One pair per part; the whole's diff against the joined parts, cut at the parts' bounds."""
    part_words = [_words(p.text) for p in parts]
    whole_words = _words(whole.text)
    joined = [w for words in part_words for w in words]
    side = "new" if change == "split" else "old"
    opcodes = (_opcodes(whole_words, joined) if change == "split" else _opcodes(joined, whole_words))
    old_words, new_words = (whole_words, joined) if change == "split" else (joined, whole_words)
    pairs, start = [], 0
    for index, (part, words) in enumerate(zip(parts, part_words)):
        end = start + len(words)
        diff = _segments(opcodes, old_words, new_words, side, start, end, last=index == len(parts) - 1)
        old, new = (whole, part) if change == "split" else (part, whole)
        pairs.append(Pair(old, new, change, diff_similarity(diff), diff))
        start = end
    return pairs


def redline(old: Council | Sequence[Clause], new: Council | Sequence[Clause]) -> Redline:
    """Align and classify the clauses of two versions (councils or lists of clauses)."""
    old_slug, old_clauses = _clauses_of(old)
    new_slug, new_clauses = _clauses_of(new)
    aligner = _Aligner(old_clauses, new_clauses)
    aligner.identical()
    aligner.splits_and_merges()
    aligner.fuzzy()
    counterparts = aligner.section_counterparts()

    keyed: list[tuple[tuple, list[Pair]]] = []  # (order key, pairs): new order, removed after their anchor
    split_part = {j: i for i, run in aligner.splits.items() for j in run}
    merged_into = {i: j for j, run in aligner.merges.items() for i in run}
    for j, clause in enumerate(new_clauses):
        if j in aligner.new_match:
            i = aligner.new_match[j]
            moved = counterparts.get(old_clauses[i].section) != clause.section
            keyed.append(((j, 0, i), [_pair(old_clauses[i], clause, moved)]))
        elif j in aligner.merges:
            keyed.append(((j, 0, aligner.merges[j][0]),
                          _split_pairs(clause, [old_clauses[i] for i in aligner.merges[j]], "merged")))
        elif j in split_part:
            i = split_part[j]
            if j == aligner.splits[i][0]:
                keyed.append(((j, 0, i), _split_pairs(old_clauses[i], [new_clauses[k] for k in aligner.splits[i]],
                                                      "split")))
        else:
            keyed.append(((j, 0, -1), [Pair(None, clause, "added", 0.0, word_diff("", clause.text))]))

    def new_position(i: int) -> int | None:
        if i in aligner.old_match:
            return aligner.old_match[i]
        if i in aligner.splits:
            return aligner.splits[i][-1]
        return merged_into.get(i)

    anchor = -1
    for i, clause in enumerate(old_clauses):
        position = new_position(i)
        if position is not None:
            anchor = position
        else:
            keyed.append(((anchor, 1, i), [Pair(clause, None, "removed", 0.0, word_diff(clause.text, ""))]))
    keyed.sort(key=lambda item: item[0])
    return Redline(old_slug, new_slug, tuple(p for _, pairs in keyed for p in pairs))
