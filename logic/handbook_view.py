"""What the Handbook shows, read from its URL: a linked clause, and the section, topic and term filters.

The Handbook is read a section at a time, as a long guide is (GOV.UK pages its guides): ``/handbook``
opens the first section, with the next and previous sections a press away. ``/handbook?council=maldon&
clause=3.2`` opens clause 3.2 in its section (section 3), highlighted in place; ``&section=all`` shows
the whole protocol, with the clause still highlighted. ``&topics=a,b`` keeps clauses about any of the
topics, ``&term=<glossary slug>`` the clauses that use a glossary term (the Glossary links here); with
a filter and no section named, the filter looks through every section. Every value comes from a URL,
so it is untrusted: anything we cannot honour becomes a one-line message and the default, never an
exception.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from logic.content import Clause, Corpus, GlossaryEntry, Section
from logic.links import read_clause_link
from logic.overview import handbook_sections
from logic.safe_text import clip

ALL_SECTIONS = "all"
PARAMS = ("clause", "section", "topics", "term")


@dataclass(frozen=True)
class HandbookView:
    council: str
    clause: Clause | None = None  # the clause a link pointed at
    clause_param: str = ""  # as linked (``4.4(b)`` stays ``4.4(b)`` in the URL), "" when none
    section: str = ALL_SECTIONS  # a section number, or ALL_SECTIONS
    topics: tuple[str, ...] = ()
    term: str = ""  # a glossary slug, "" for none
    messages: tuple[str, ...] = ()



def default_section(corpus: Corpus, council: str, clause: Clause | None, topics: tuple[str, ...] | list[str],
                    term: str) -> str:
    """The section shown when none is named: a linked clause's own; with a topic or term filter, every
    section (the filter is a search of the protocol); otherwise the first. Reading the URL and writing
    it use this one rule, so a URL without ``section`` always means the same view."""
    if clause:
        return clause.section
    sections = corpus.councils[council].sections
    return ALL_SECTIONS if topics or term or not sections else sections[0].number


def neighbouring_sections(corpus: Corpus, council: str, section: str) -> tuple[Section | None, Section | None]:
    """The sections before and after ``section`` in the protocol (None at either end, and for all sections)."""
    sections = corpus.councils[council].sections
    numbers = [s.number for s in sections]
    if section not in numbers:
        return None, None
    at = numbers.index(section)
    return (sections[at - 1] if at > 0 else None), (sections[at + 1] if at + 1 < len(sections) else None)


def terms_used_in(corpus: Corpus, council: str) -> list[GlossaryEntry]:
    """Glossary terms some clause of ``council`` uses, alphabetically."""
    prefix = f"{council}:"
    return sorted((g for g in corpus.glossary if any(c.startswith(prefix) for c in g.clauses)),
                  key=lambda g: g.term.lower())


def read_handbook_view(corpus: Corpus, council: str, query: Mapping[str, str]) -> HandbookView:
    """The view ``query`` asks for (``clause``, ``section``, ``topics``, ``term``) in ``council``'s protocol."""
    messages = []
    name = corpus.councils[council].short_name
    link = read_clause_link(corpus, council, query.get("clause") or None)
    if link.message:
        messages.append(link.message)
    clause = link.clause
    sections = {s.number for s in corpus.councils[council].sections}
    section = query.get("section") or ""
    if section and section != ALL_SECTIONS and section not in sections:
        section = ""
    topics_param = [t for t in (query.get("topics") or "").split(",") if t]
    unknown = [t for t in topics_param if t not in corpus.topics]
    if unknown:
        messages.append(f"“{clip(', '.join(unknown))}” {'is' if len(unknown) == 1 else 'are'} not "
                        "a topic of this handbook; left out.")
    topics = tuple(t for t in corpus.topics if t in topics_param)
    term = query.get("term") or ""
    if term and term not in {g.slug for g in terms_used_in(corpus, council)}:
        known = term in {g.slug for g in corpus.glossary}
        messages.append(f"No clause of {name}'s protocol uses the term “{clip(term)}”; showing every term."
                        if known else f"“{clip(term)}” is not a term in the glossary; showing every term.")
        term = ""
    shown = section or default_section(corpus, council, clause, topics, term)
    if query.get("section") and not section:
        where = ("the linked clause’s section" if clause else "every section" if shown == ALL_SECTIONS
                 else "its first section")
        messages.append(f"{name}'s protocol has no section “{clip(query['section'])}”; showing {where}.")
    return HandbookView(council, clause, query.get("clause", "") if clause else "", shown, topics, term,
                        tuple(messages))


def visible_sections(corpus: Corpus, view: HandbookView) -> list[tuple[Section, list[Clause]]]:
    """The sections and clauses the view shows, in the protocol's order."""
    section = None if view.section == ALL_SECTIONS else view.section
    shown = handbook_sections(corpus, view.council, section, view.topics)
    if not view.term:
        return shown
    entry = next(g for g in corpus.glossary if g.slug == view.term)
    used = {clause.id for clause in map(corpus.resolve, entry.clauses) if clause is not None}  # 4.4(b) is 4.4
    narrowed = [(sec, [c for c in clauses if c.id in used]) for sec, clauses in shown]
    return [(sec, clauses) for sec, clauses in narrowed if clauses]


def is_shown(sections: list[tuple[Section, list[Clause]]], clause: Clause) -> bool:
    return any(clause in clauses for _, clauses in sections)


def term_uses(corpus: Corpus, entry: GlossaryEntry) -> dict[str, list[str]]:
    """Where a glossary term is used: council slug -> clause numbers as cited, in the councils' order."""
    cited = [c.partition(":") for c in entry.clauses]
    uses = {slug: [number for council, _, number in cited if council == slug] for slug in corpus.councils}
    return {slug: numbers for slug, numbers in uses.items() if numbers}
