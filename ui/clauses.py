"""Clause cards and clause links: how a clause's words are shown wherever an answer rests on them."""

from __future__ import annotations

import re

import streamlit as st

from logic.content import Clause, Corpus
from logic.export import escape_markdown
from logic.links import clause_url

_LIST_LINE = re.compile(r"^\s*(- |\(?[a-z]{1,3}\) |\d+\. )")


def clause_markdown(text: str) -> str:
    """Clause text as Markdown that keeps the curated layout.

    Lettered items and list lines keep their own line (a single newline would otherwise run
    them together); ``$`` is escaped so Streamlit does not read it as LaTeX.
    """
    lines = text.replace("$", "\\$").split("\n")
    out = []
    for i, line in enumerate(lines):
        following = lines[i + 1] if i + 1 < len(lines) else ""
        hard_break = line.strip() and following.strip() and _LIST_LINE.match(following) and not line.startswith("- ")
        out.append(line + ("  " if hard_break else ""))
    return "\n".join(out)


def clause_link(clause_id: str, label: str | None = None) -> str:
    """A Markdown link to a clause in the Handbook (ids and labels are ours, never user text)."""
    text = (label or clause_id).replace("[", "(").replace("]", ")")
    return f"[{text}]({clause_url(clause_id)})"


def topic_labels(corpus: Corpus, clause: Clause) -> str:
    return " · ".join(corpus.topics[t].label for t in clause.topics)


def show_clause(corpus: Corpus, clause: Clause, *, highlighted: bool = False, link: bool = True,
                show_glossary: bool = False) -> None:
    """A clause card: number, id (linked), topics, verbatim text, editorial note."""
    with st.container(border=True):
        heading = f"**{escape_markdown(clause.number)}**"
        if clause.title:
            heading += f" — {escape_markdown(clause.title)}"
        ident = clause_link(clause.id) if link else f"`{clause.id}`"
        if highlighted:
            st.markdown(f":blue-background[**Linked clause**] {heading} · {ident}")
        else:
            st.markdown(f"{heading} · {ident}")
        st.caption(escape_markdown(topic_labels(corpus, clause)))
        st.markdown(clause_markdown(clause.text))
        if clause.note:
            st.caption(f"Editorial note: {escape_markdown(clause.note)}")
        if show_glossary:
            terms = corpus.glossary_for(clause.id)
            if terms:
                with st.expander(f"Terms used here ({len(terms)})"):
                    for term in terms:
                        st.markdown(f"**{escape_markdown(term.term)}**: {escape_markdown(term.definition)}")


def quote_clauses(corpus: Corpus, clause_ids, *, heading: str = "What the protocol says") -> None:
    """Quote the cited clauses word for word (in an expander), each linked to the Handbook."""
    clauses = [c for c in (corpus.resolve(i) for i in clause_ids) if c is not None]
    if not clauses:
        return
    with st.expander(f"{heading} ({', '.join(c.id for c in clauses)})"):
        for clause in clauses:
            show_clause(corpus, clause)
