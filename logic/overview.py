"""Summaries for the Home page and the Glossary: plain data, ready to show."""

from __future__ import annotations

from logic.content import Clause, Corpus, GlossaryEntry, Section


def council_overview(corpus: Corpus) -> list[dict]:
    """One row per council: what it is, how much of the protocol we hold, what the source lacks."""
    rows = []
    for council in corpus.councils.values():
        rows.append({
            "slug": council.slug,
            "Council": council.name,
            "Named in the document": "Yes" if council.name_confirmed else "No (see editorial notes)",
            "Kind": council.kind,
            "Source": council.source_title,
            "Clauses": len(council.clauses),
            "Sections": len(council.sections),
            "What the source leaves out or damages": " ".join(council.omissions) or "Nothing noted.",
        })
    return rows


def filter_glossary(corpus: Corpus, text: str) -> list[GlossaryEntry]:
    """Terms whose name, aliases or definition contain every word of ``text`` (case-insensitive)."""
    words = [w for w in text.lower().split() if w][:20]
    entries = sorted(corpus.glossary, key=lambda g: g.term.lower())
    if not words:
        return entries
    def haystack(entry: GlossaryEntry) -> str:
        return " ".join((entry.term, *entry.aliases, entry.definition)).lower()
    return [g for g in entries if all(w in haystack(g) for w in words)]


def most_used_terms(corpus: Corpus, count: int) -> set[str]:
    """The slugs of the ``count`` terms cited by the most clauses across the councils (ties A to Z)."""
    ranked = sorted(corpus.glossary, key=lambda g: (-len(g.clauses), g.term.lower()))
    return {g.slug for g in ranked[:count]}


def handbook_sections(corpus: Corpus, slug: str, section: str | None = None,
                      topics: tuple[str, ...] = ()) -> list[tuple[Section, list[Clause]]]:
    """A council's sections with their clauses, narrowed to one section and/or any of ``topics``."""
    council = corpus.councils[slug]
    out = []
    for sec in council.sections:
        if section and sec.number != section:
            continue
        clauses = [c for c in council.clauses if c.section == sec.number
                   and (not topics or set(topics) & set(c.topics))]
        if clauses:
            out.append((sec, clauses))
    return out


def glossary_matches(corpus: Corpus, text: str) -> list[GlossaryEntry]:
    """:func:`filter_glossary`, terms whose own name or alias holds every word first (someone typing
    "monitoring" wants Monitoring Officer before the terms whose definitions mention one)."""
    words = [w for w in text.lower().split() if w][:20]
    entries = filter_glossary(corpus, text)
    return sorted(entries, key=lambda g: not all(w in " ".join((g.term, *g.aliases)).lower() for w in words))
