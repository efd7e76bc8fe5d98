"""Clause cards and clause links: how a clause's words are shown wherever an answer rests on them.

Every clause link keeps the visitor in the same tab and session. Streamlit opens every Markdown link
in a new tab except a same-page anchor (``#...``), so:

* an inline citation (:func:`clause_link`) is an anchor to the clause's card on the same page, which
  :func:`quote_clauses` (or :func:`show_clause` with ``anchor=True``) shows below the answer;
* the way to the Handbook is an ``st.page_link`` (:func:`read_in_handbook`, :func:`handbook_links`),
  which opens the clause in its section there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import streamlit as st

from logic.content import CITATION_SUBITEM_RE, Clause, Corpus
from logic.export import escape_markdown

HANDBOOK_PAGE = "pages/handbook.py"
LINKED_CLAUSE_KEY = "linked-clause"  # the highlighted card's container key, styled by CLAUSE_CSS
_LIST_LINE = re.compile(r"^\s*(- |\(?[a-z]{1,3}\) |\d+\. )")
_NOT_IN_ANCHOR = re.compile(r"[^a-z0-9]+")

# Anchored clause headings clear Streamlit's fixed header when a citation scrolls to them, and the
# card a citation (or a deep link) points at is marked beside its text, not by colour alone
# (the "Linked clause" badge says it in words).
CLAUSE_CSS = """<style>
[data-testid="stMain"] h3[id^="clause-"] { scroll-margin-top: 4.5rem; font-size: 1.2rem; padding: 0.2rem 0 0; }
[data-testid="stMain"] h3[id^="clause-"]:target { text-decoration: underline; text-underline-offset: 0.3em; }
.st-key-linked-clause { border-left: 0.35rem solid #1c5fb8 !important; background: rgba(28, 95, 184, 0.05); }
</style>"""


def use_clause_styles() -> None:
    """The constant stylesheet for anchored clause cards (style-only HTML takes no space on the page)."""
    st.html(CLAUSE_CSS)


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


def clause_anchor(clause_id: str) -> str:
    """The HTML id of a clause's card: ``maldon:3.2`` and the citation ``maldon:3.2(b)`` -> ``clause-maldon-3-2``.

    Only ``a-z0-9-`` survive, so an imported council's odd numbering can never make markup.
    """
    match = CITATION_SUBITEM_RE.match(clause_id)
    whole = match.group(1) if match else clause_id
    return "clause-" + _NOT_IN_ANCHOR.sub("-", whole.lower()).strip("-")


def clause_link(clause_id: str, label: str | None = None) -> str:
    """An inline citation: a Markdown link to the clause's card on this same page (it stays in the tab).

    The page must show that card: :func:`quote_clauses` with the same ids, or :func:`show_clause` with
    ``anchor=True``. Where no card is shown, use :func:`handbook_links` instead.
    """
    text = (label or clause_id).replace("[", "(").replace("]", ")")  # ids and labels are ours, never user text
    return f"[{text}](#{clause_anchor(clause_id)})"


def handbook_query(clause: Clause) -> dict[str, str]:
    """The Handbook's deep link to a clause: ``?council=<slug>&clause=<number>``."""
    return {"council": clause.council, "clause": clause.number}


def read_in_handbook(clause: Clause, label: str = "Read it in its section") -> None:
    """A same-tab link to the clause, highlighted in its section of the Handbook."""
    st.page_link(HANDBOOK_PAGE, label=label, icon=":material/menu_book:", query_params=handbook_query(clause))


def handbook_links(corpus: Corpus, clause_ids: Iterable[str], *, lead: str = "Read in the Handbook:") -> None:
    """One same-tab Handbook link per cited clause, in a row, for places that show no clause cards."""
    clauses = list(dict.fromkeys(c for c in (corpus.resolve(i) for i in clause_ids) if c is not None))
    if not clauses:
        return
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        st.caption(escape_markdown(lead), width="content")
        for clause in clauses:
            st.page_link(HANDBOOK_PAGE, label=clause.id, query_params=handbook_query(clause))


def topic_labels(corpus: Corpus, clause: Clause) -> str:
    return " · ".join(corpus.topics[t].label for t in clause.topics)


def show_clause(corpus: Corpus, clause: Clause, *, highlighted: bool = False, link: bool = True,
                show_glossary: bool = False, anchor: bool = False, heading: str | None = None) -> None:
    """A clause card: number and title, id and topics, the verbatim text, the editorial note.

    ``anchor``: the card's heading carries :func:`clause_anchor`, so an inline citation (or a URL
    fragment) can jump to it; at most one anchored card per clause on a page. ``link``: a same-tab
    link to read the clause in its section of the Handbook. ``heading``: the card's title (default
    the clause number and title). ``highlighted``: the card a link pointed at, marked in words.
    """
    title = heading or clause.number + (f" — {clause.title}" if clause.title else "")
    with st.container(border=True, key=LINKED_CLAUSE_KEY if highlighted else None):
        if anchor:
            st.subheader(escape_markdown(title), anchor=clause_anchor(clause.id))
        else:
            st.markdown(f"**{escape_markdown(title)}**")
        if highlighted:  # under the heading, which is where a jump to the clause lands
            st.markdown(":blue-background[**Linked clause**] the clause your link points to")
        # The id and topics, the words and the editorial note are one element: each element is a message of
        # its own to the browser, and the Handbook shows a section of cards (docs/production.md).
        note = f"\n\n:small[*Editorial note:* {escape_markdown(clause.note)}]" if clause.note else ""
        st.markdown(f":small[{escape_markdown(' · '.join((clause.id, topic_labels(corpus, clause))))}]\n\n"
                    f"{clause_markdown(clause.text)}{note}")
        if show_glossary:
            terms = corpus.glossary_for(clause.id)
            if terms:
                with st.expander(f"Terms used here ({len(terms)})"):  # one element: each is a message to send
                    st.markdown("\n\n".join(f"**{escape_markdown(term.term)}**: {escape_markdown(term.definition)}"
                                              for term in terms))
        if link:
            read_in_handbook(clause)


def quote_clauses(corpus: Corpus, clause_ids, *, heading: str = "What the protocol says") -> None:
    """Quote the cited clauses word for word, in view (not folded away), as the targets of :func:`clause_link`.

    Each card is anchored and has a same-tab link to the clause in its section of the Handbook.
    """
    clauses = list(dict.fromkeys(c for c in (corpus.resolve(i) for i in clause_ids) if c is not None))
    if not clauses:
        return
    use_clause_styles()
    st.markdown(f"**{escape_markdown(heading)}**")
    for clause in clauses:
        name = corpus.councils[clause.council].short_name
        show_clause(corpus, clause, anchor=True,
                    heading=f"{name} {clause.number}" + (f" — {clause.title}" if clause.title else ""))
