"""Search: typo-tolerant search over every clause, with council and topic filters."""

import streamlit as st

from logic.export import escape_markdown
from logic.safe_text import clip
from logic.search import MAX_QUERY_CHARS, query_truncated
from ui.data import get_model, search_index

ALL = ""
corpus = get_model().corpus
index = search_index()

st.title("Search")
st.markdown("Type what you remember: a question, a few words, even with typos. Councils' different titles for "
            "the same role (Chief Executive and Head of Paid Service, Member and Councillor) are treated as one.")

wanted = {k: st.query_params.get(k, ALL) for k in ("q", "in", "topic")}
problems = []
if wanted["in"] not in (ALL, *corpus.councils):
    problems.append(f"“{clip(wanted['in'])}” is not a council; searching all councils.")
    wanted["in"] = ALL
if wanted["topic"] not in (ALL, *corpus.topics):
    problems.append(f"“{clip(wanted['topic'])}” is not a topic; searching all topics.")
    wanted["topic"] = ALL
for problem in problems:
    st.warning(escape_markdown(problem), icon=":material/link_off:")
if st.session_state.get("_search_url") != wanted:
    st.session_state.update(search_q=wanted["q"][:MAX_QUERY_CHARS * 2], search_in=wanted["in"],
                            search_topic=wanted["topic"])

query = st.text_input("Search the protocols", key="search_q", max_chars=MAX_QUERY_CHARS * 2,
                      placeholder="e.g. who do I complain to about the chief exec")
council_col, topic_col = st.columns(2)
council = council_col.selectbox("Council", [ALL, *corpus.councils], key="search_in",
                                format_func=lambda s: corpus.councils[s].name if s else "All councils")
topic = topic_col.selectbox("Topic", [ALL, *corpus.topics], key="search_topic",
                            format_func=lambda t: corpus.topics[t].label if t else "All topics")
current = {"q": query, "in": council, "topic": topic}
st.session_state["_search_url"] = current
st.query_params.update({k: v for k, v in current.items() if v})
for key in ("q", "in", "topic"):
    if not current[key] and key in st.query_params:
        del st.query_params[key]

if not query.strip():
    st.info("Type a word or a question above to search all five protocols. Try “need to know”, "
            "“planing case oficer” or “who do I tell about a friendship with a councillor”.",
            icon=":material/search:")
    st.stop()

if query_truncated(query):
    st.caption(f"Your search is long: only its first {MAX_QUERY_CHARS} characters are used.")
hits = index.search(query, council=council or None, topic=topic or None, limit=20)
if not hits:
    st.warning("No clause matches. Check the spelling of unusual words, use fewer words, or clear the filters.",
               icon=":material/search_off:")
    st.stop()

st.caption(f"{len(hits)} best matches, best first")
for hit in hits:
    clause = corpus.clauses_by_id[hit.id]
    with st.container(border=True):
        title = f"{corpus.councils[hit.council].short_name} {hit.number}"
        heading = f" — {escape_markdown(clause.heading)}" if clause.heading else ""
        st.markdown(f"**{escape_markdown(title)}**{heading}")
        st.markdown(hit.snippet_markdown)
        st.caption(" · ".join(escape_markdown(corpus.topics[t].label) for t in clause.topics)
                   + f" · {hit.id} · match {hit.score:.0f}/100")
        # A page link keeps the session (a Markdown link would open a new tab and a new session).
        st.page_link("pages/handbook.py", label=f"Open {hit.id} in the Handbook",
                     query_params={"council": hit.council, "clause": hit.number})
