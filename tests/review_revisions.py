"""Generated revisions of a protocol, with the true clause-by-clause answer, for the redline tests
and the review benchmark.

A revision does what monitoring officers do to a protocol: inserts a clause early in a section (so
every later number in that section shifts), rewords a few clauses, removes one, moves one clause
to another section unchanged and another with a change, splits one clause in two at a sentence
break, merges two neighbours, and reflows the layout of a couple of clauses without changing a
word. Clauses are then renumbered by position, keeping the council's own numbering style.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, replace

from logic.content import Clause, Council

NEW_CLAUSES = (
    "Members and officers who use social media must not post comments about individual officers or members "
    "that could damage working relationships or the reputation of the Council.",
    "Any request from a member for an officer to work outside normal office hours should be made through the "
    "officer's line manager, who will decide whether the request can reasonably be met.",
    "Where a meeting is held remotely, members and officers should observe the same standards of courtesy and "
    "confidentiality as at a meeting held in person.",
)
SUBSTITUTES = {"should": "must", "will": "shall", "may": "can", "must": "should", "Members": "Councillors",
               "appropriate": "suitable", "Council": "Authority", "relevant": "appropriate"}
_WORD = re.compile(r"\b[A-Za-z]{4,}\b")
_SENTENCE_BREAK = re.compile(r"(?<=[.;:])[ \n]+(?=[A-Z])")
_LAST_NUMBER = re.compile(r"(\d+)$")
_LAST_LETTER = re.compile(r"\(([a-z])\)$")


@dataclass(frozen=True)
class Revision:
    council: Council  # the NEW version
    truth: frozenset[tuple[str | None, str | None, str]]  # (old id, new id, change)
    untouched: frozenset[str]  # old ids whose words were not changed (same or renumbered)


@dataclass
class _Entry:
    olds: list[Clause]
    text: str
    kind: str  # keep | changed | moved | split | merged | added
    topics: tuple[str, ...]
    new_id: str = ""


def _edit_words(text: str, rng: random.Random) -> str:
    """One or two small edits (substitute, insert, delete a word), each inside a line."""
    for _ in range(rng.choice((1, 2))):
        matches = list(_WORD.finditer(text))
        match = rng.choice(matches)
        word = match.group()
        how = rng.choice(("substitute", "insert", "delete"))
        if how == "substitute":
            text = text[:match.start()] + SUBSTITUTES.get(word, "relevant") + text[match.end():]
        elif how == "insert":
            text = text[:match.start()] + "promptly and fairly " + text[match.start():]
        else:
            end = match.end() + 1 if text[match.end():match.end() + 1] == " " else match.end()
            text = text[:match.start()] + text[end:]
    return text


def _split_text(text: str) -> tuple[str, str] | None:
    """Cut at the sentence break nearest the middle, both halves at least eight words."""
    breaks = [m for m in _SENTENCE_BREAK.finditer(text)
              if len(text[:m.start()].split()) >= 8 and len(text[m.end():].split()) >= 8]
    if not breaks:
        return None
    cut = min(breaks, key=lambda m: abs(m.start() - len(text) / 2))
    return text[:cut.start()], text[cut.end():]


def _next_number(number: str) -> str:
    if _LAST_LETTER.search(number):
        return _LAST_LETTER.sub(lambda m: f"({chr(ord(m.group(1)) + 1)})", number)
    return _LAST_NUMBER.sub(lambda m: str(int(m.group(1)) + 1), number)


def revise(council: Council, seed: int = 0) -> Revision:
    """A revision of ``council`` made with the seed's choices, and the true redline answer."""
    rng = random.Random(f"{council.slug}-{seed}")
    slug = f"{council.slug}-rev{seed}"
    by_section = {s.number: [c for c in council.clauses if c.section == s.number] for s in council.sections}
    by_section = {number: clauses for number, clauses in by_section.items() if clauses}
    used: set[str] = set()

    def pick(candidates: list[Clause]) -> Clause:
        chosen = rng.choice([c for c in candidates if c.id not in used])
        used.add(chosen.id)
        return chosen

    wordy = [c for c in council.clauses if len(c.text.split()) >= 12]
    in_big_sections = [c for c in wordy if len(by_section[c.section]) >= 2]
    split_from = pick([c for c in wordy if _split_text(c.text)])
    merge_pairs = [(a, b) for clauses in by_section.values() for a, b in zip(clauses, clauses[1:])
                   if a.id not in used and b.id not in used]
    merge_a, merge_b = rng.choice(merge_pairs)
    used.update((merge_a.id, merge_b.id))
    removed = pick(in_big_sections)
    move_same, move_changed = pick(in_big_sections), pick(in_big_sections)
    changed = {pick(wordy).id for _ in range(3)}
    reflowed = {pick(wordy).id for _ in range(2)}

    sections: dict[str, list[_Entry]] = {number: [] for number in by_section}
    moving: list[tuple[Clause, _Entry]] = []
    for clause in council.clauses:
        target = sections[clause.section]
        if clause is removed or clause is merge_b:
            continue
        if clause is merge_a:
            target.append(_Entry([merge_a, merge_b], f"{merge_a.text}\n\n{merge_b.text}", "merged",
                                 merge_a.topics))
        elif clause is split_from:
            first, second = _split_text(clause.text)
            target += [_Entry([clause], part, "split", clause.topics) for part in (first, second)]
        elif clause in (move_same, move_changed):
            text = _edit_words(clause.text, rng) if clause is move_changed else clause.text
            moving.append((clause, _Entry([clause], text, "moved", clause.topics)))
        elif clause.id in changed:
            target.append(_Entry([clause], _edit_words(clause.text, rng), "changed", clause.topics))
        elif clause.id in reflowed:
            target.append(_Entry([clause], clause.text.replace(" ", "\n", 3), "keep", clause.topics))
        else:
            target.append(_Entry([clause], clause.text, "keep", clause.topics))
    for clause, entry in moving:
        destination = rng.choice([n for n in sections if n != clause.section])
        sections[destination].append(entry)
    big = [number for number, entries in sections.items() if len(entries) >= 3]
    entries = sections[rng.choice(big)]
    # Early in the section, but never between the two halves of the split clause.
    at = next(k for k in range(1, len(entries) + 1)
              if k == len(entries) or entries[k - 1].kind != "split" or entries[k].kind != "split")
    entries.insert(at, _Entry([], rng.choice(NEW_CLAUSES), "added", ("expectations-and-conduct",)))

    titles = {s.number: s.title for s in council.sections}
    clauses, taken = [], set()
    for number, entries in sections.items():
        printed = [c.number for c in by_section[number]]
        for position, entry in enumerate(entries):
            clause_number = printed[position] if position < len(printed) else _next_number(clauses[-1].number)
            while clause_number in taken:
                clause_number = _next_number(clause_number)
            taken.add(clause_number)
            entry.new_id = f"{slug}:{clause_number}"
            clauses.append(Clause(id=entry.new_id, council=slug, number=clause_number, section=number,
                                  section_title=titles[number], topics=entry.topics, text=entry.text,
                                  order=len(clauses) + 1))
    truth = {(removed.id, None, "removed")}
    untouched = set()
    for entries in sections.values():
        for entry in entries:
            if entry.kind == "keep":
                old = entry.olds[0]
                same = old.number == entry.new_id.split(":", 1)[1]
                truth.add((old.id, entry.new_id, "same" if same else "renumbered"))
                untouched.add(old.id)
            elif entry.kind == "added":
                truth.add((None, entry.new_id, "added"))
            else:
                truth.update((old.id, entry.new_id, entry.kind) for old in entry.olds)
    new = replace(council, slug=slug, name=f"{council.name} (revised draft {seed})", clauses=tuple(clauses),
                  folder=None, source_file="")
    return Revision(new, frozenset(truth), frozenset(untouched))


def classified(redline_result) -> set[tuple[str | None, str | None, str]]:
    return {(p.old_id, p.new_id, p.change) for p in redline_result.pairs}


def as_docx(council: Council) -> bytes:
    """The council as a Word file a drafter might send: section headings, then each clause as a
    paragraph starting with its number and a tab (numbers typed, not automatic)."""
    import io

    import docx

    document = docx.Document()
    document.add_heading(council.source_title, 0)
    titles = {s.number: s.title for s in council.sections}
    section = None
    for clause in council.clauses:
        if clause.section != section:
            section = clause.section
            document.add_heading(f"{section}. {titles[section]}", 1)
        for index, paragraph in enumerate(clause.text.split("\n\n")):
            document.add_paragraph((f"{clause.number}\t" if index == 0 else "") + paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
