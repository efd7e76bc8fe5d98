"""Shared chrome: the council picker and the sidebar search box (clause cards are in ui/clauses.py).

The selected council lives in plain session state (``st.session_state["council"]``) and is
mirrored in the URL (``?council=``), so it survives page switches and can be shared as a link.
"""

from __future__ import annotations

import streamlit as st

from logic.content import Corpus
from logic.export import escape_markdown
from logic.links import read_council

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
    "import": "pages/import.py",
    "review": "pages/review.py",
}


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
