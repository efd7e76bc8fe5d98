"""Shared chrome and rendering helpers: the council picker, the sidebar search box, clause cards.

The selected council lives in plain session state (``st.session_state["council"]``) and is
mirrored in the URL (``?council=``), so it survives page switches and can be shared as a link.
"""

from __future__ import annotations

import re

import streamlit as st

from logic.content import Clause, Corpus
from logic.export import escape_markdown
from logic.links import clause_url, read_council

COUNCIL_KEY = "council"
PAGE_FILES = {
    "home": "pages/home.py",
    "handbook": "pages/handbook.py",
    "search": "pages/search.py",
    "compare": "pages/compare.py",
    "escalation": "pages/escalation.py",
    "explorer": "pages/explorer.py",
    "scenarios": "pages/scenarios.py",
    "glossary": "pages/glossary.py",
}
_LIST_LINE = re.compile(r"^\s*(- |\(?[a-z]{1,3}\) |\d+\. )")


def current_council(corpus: Corpus) -> str:
    """The council the sidebar settled on for this run."""
    current = st.session_state.get(COUNCIL_KEY)
    return current if current in corpus.councils else next(iter(corpus.councils))


def _council_from_url(corpus: Corpus) -> str | None:
    """A council newly asked for in the URL (a deep link), reporting one we do not have."""
    slug, message = read_council(corpus, st.query_params.get(COUNCIL_KEY))
    if message:
        st.warning(escape_markdown(message))
    if slug and slug != st.session_state.get("_council_in_url"):
        return slug
    return None


def sidebar(corpus: Corpus) -> str:
    """Draw the council picker and search box in the sidebar; return the selected council.

    The URL wins when it names a different council from the one this session last put there
    (someone followed a link); otherwise the picker's value stands.
    """
    linked = _council_from_url(corpus)
    if linked or st.session_state.get("_council_picker") not in corpus.councils:
        st.session_state["_council_picker"] = linked or current_council(corpus)
    with st.sidebar:
        council = st.selectbox("Your council", list(corpus.councils), key="_council_picker",
                               format_func=lambda s: corpus.councils[s].name,
                               help="Used by every page; kept in the page address so links keep it.")
        with st.form("sidebar_search", clear_on_submit=False, border=False):
            query = st.text_input("Search the protocols", key="_sidebar_query", max_chars=500,
                                  placeholder="e.g. planing case oficer")
            if st.form_submit_button("Search", icon=":material/search:"):
                st.switch_page(PAGE_FILES["search"], query_params={"q": query.strip()[:500], COUNCIL_KEY: council})
    st.session_state[COUNCIL_KEY] = council
    st.session_state["_council_in_url"] = council
    if st.query_params.get(COUNCIL_KEY) != council:
        st.query_params[COUNCIL_KEY] = council
    return council


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
