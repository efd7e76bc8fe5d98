"""Fidelity of the curated clauses to their source text.

Measured per council as two shares of 5-word runs, after lower-casing, keeping word tokens and
dropping bare numbers (paragraph numbers, list letters are layout, not wording):
- ``source_covered``: share of source words that sit inside a 5-word run also found in some
  piece of curated text (title, a section title, a clause title or body);
- ``clauses_found``: share of the curated pieces' 5-word runs that occur in the source.
Runs never cross from one piece to the next, since the joins are ours, not the document's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from logic.content import Council

RUN = 5
_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    text = text.lower().replace("’", "'").replace("‘", "'")
    return [w for w in _WORD.findall(text) if not w.isdigit() and not (len(w) == 1 and w not in "ai")]


def runs(tokens: list[str]) -> set[tuple[str, ...]]:
    return {tuple(tokens[i:i + RUN]) for i in range(len(tokens) - RUN + 1)}


@dataclass(frozen=True)
class Fidelity:
    council: str
    source_covered: float
    clauses_found: float


def curated_pieces(council: Council) -> list[str]:
    return ([council.source_title] + [s.title for s in council.sections]
            + [c.title for c in council.clauses if c.title] + [c.text for c in council.clauses])


def measure(council: Council) -> Fidelity:
    source = words(council.source_text())
    piece_runs = [runs(words(piece)) for piece in curated_pieces(council)]
    curated = set().union(*piece_runs)
    covered = [False] * len(source)
    for i in range(len(source) - RUN + 1):
        if tuple(source[i:i + RUN]) in curated:
            covered[i:i + RUN] = [True] * RUN
    source_runs = runs(source)
    total_piece_runs = sum(len(r) for r in piece_runs)
    found = sum(len(r & source_runs) for r in piece_runs)
    return Fidelity(council.slug, sum(covered) / max(len(source), 1), found / max(total_piece_runs, 1))
