"""Glossary: plain-English terms, each linked to the clauses that use it."""

import streamlit as st

from logic.export import escape_markdown
from logic.overview import filter_glossary
from ui.chrome import current_council
from ui.clauses import clause_link
from ui.data import get_model

corpus = get_model().corpus
council = current_council(corpus)

st.title("Glossary")
st.markdown("Terms a new councillor meets in these protocols, explained in plain English. "
            "The definitions are ours; each term lists the clauses that use it.")
text = st.text_input("Find a term", max_chars=200, placeholder="e.g. monitoring officer, exempt, need to know")
only_mine = st.toggle(f"Only clauses from {corpus.councils[council].short_name}", value=False)

entries = filter_glossary(corpus, text)
st.caption(f"{len(entries)} of {len(corpus.glossary)} terms")
if not entries:
    st.info("No term matches. Try fewer words, or search the protocols' text instead.")
for entry in entries:
    with st.container(border=True):
        st.subheader(entry.term, anchor=entry.slug)
        st.markdown(escape_markdown(entry.definition))
        if entry.see_also:
            st.caption("See also: " + ", ".join(escape_markdown(t) for t in entry.see_also))
        cited = [c for c in entry.clauses if not only_mine or c.startswith(f"{council}:")]
        if cited:
            st.markdown("Used in: " + " · ".join(clause_link(c) for c in cited))
        else:
            st.caption("Not used in the clauses shown.")
