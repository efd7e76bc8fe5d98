"""Search: ask a question in your own words, or search every clause; your council's clauses first.

The question, the filters, the order and who is asking are in the URL (``?q=&in=&topic=&order=score&as=``),
so reload, back (after opening a result in the Handbook) and a shared link show the same answer and results.
"""

import streamlit as st

from logic.export import escape_markdown
from logic.safe_text import clip
from logic.search import MAX_INPUT_CHARS, PREFERRED_SHARE, query_limit_message
from ui.chrome import ASK_LABEL, council_chosen, council_query, current_council
from ui.clauses import HANDBOOK_PAGE, handbook_query
from ui.data import get_model, search_index
from ui.question_box import ASKERS, show_question_answer
from ui.url_state import seed_from_url, write_url

PREFIX = "search"
ALL = ""
ORDERS = {"mine": "your council first", "score": "all councils equally"}
RESULTS = 20
model = get_model()
corpus = model.corpus
council = current_council(corpus)
chosen = council_chosen(corpus)
mine = corpus.councils[council].short_name
links_keep = council_query(corpus)

st.title("Search")
st.markdown("Ask in your own words (“the chief exec was rude to me”) for your council's answer and the clauses it "
            "rests on, or type words you remember, even misspelt, to find clauses in every protocol.")

wanted = {"q": st.query_params.get("q", "")[:MAX_INPUT_CHARS], "in": st.query_params.get("in", ALL),
          "topic": st.query_params.get("topic", ALL), "order": st.query_params.get("order", "mine"),
          "as": st.query_params.get("as", ALL)}
checks = (("in", (ALL, *corpus.councils), "a council; searching all councils"),
          ("topic", (ALL, *corpus.topics), "a topic; searching all topics"),
          ("order", tuple(ORDERS), "an order of results; showing your council first"),
          ("as", (ALL, *ASKERS), "“member” or “officer”; asking which you are"))
for name, valid, what in checks:
    if wanted[name] not in valid:
        st.warning(f"“{escape_markdown(clip(wanted[name]))}” is not {what}.", icon=":material/link_off:")
        wanted[name] = "mine" if name == "order" else ALL
asked_as = wanted.pop("as")
# Seeds on a link, on back and forward, and on coming back to this page (e.g. back from a result in the Handbook).
if seed_from_url(PREFIX, wanted, to_widget={"order": lambda v: v == "mine"}):
    # The "councillor or officer?" choice is drawn only for a question that needs it, so it is seeded here.
    st.session_state[f"{PREFIX}_as"] = asked_as or None

query = st.text_input(ASK_LABEL, key=f"{PREFIX}_q", max_chars=MAX_INPUT_CHARS,
                      placeholder="e.g. the chief exec was rude to me")
limit_message = query_limit_message(query)
if limit_message:
    st.warning(escape_markdown(limit_message), icon=":material/content_cut:")

asker = show_question_answer(model, query, council, f"{PREFIX}_as", links_keep) if query.strip() else ""

st.header("Clauses that match your words" if query.strip() else "Search the clauses", anchor=False)
council_col, topic_col = st.columns(2)
only = council_col.selectbox("Council", [ALL, *corpus.councils], key=f"{PREFIX}_in",
                             format_func=lambda s: corpus.councils[s].name if s else "All councils")
topic = topic_col.selectbox("Topic", [ALL, *corpus.topics], key=f"{PREFIX}_topic",
                            format_func=lambda t: corpus.topics[t].label if t else "All topics")
mine_first = st.toggle("Your council's clauses first", key=f"{PREFIX}_order", disabled=not chosen or bool(only))
write_url(PREFIX, {"q": query, "in": only, "topic": topic, "order": "mine" if mine_first else "score", "as": asker},
          defaults={"order": "mine"})

if not query.strip():
    st.info("Type a question or a few words above. Try “an officer was rude to me at a meeting”, “need to know” "
            "or “planing case oficer”.", icon=":material/search:")
else:
    preferred = council if chosen and mine_first and not only else None
    hits = search_index().search(query, council=only or None, topic=topic or None, limit=RESULTS,
                                 prefer_council=preferred)
    if only:
        order = f"from {escape_markdown(corpus.councils[only].short_name)} only."
    elif preferred:
        order = (f"with {escape_markdown(mine)} (your council) first: its clauses that match at least "
                 f"{PREFERRED_SHARE:.0%} as well as the best, then every council's. Switch off “Your council's "
                 "clauses first” to rank all councils equally.")
    elif chosen:
        order = "all councils ranked equally."
    else:
        order = "all councils ranked equally. Choose your council above to see its clauses first."
    if not hits:
        st.warning("No clause matches. Check the spelling of unusual words, use fewer words, or clear the filters.",
                   icon=":material/search_off:")
    else:
        st.caption(f"{len(hits)} best matches, best first, {order}")
    for hit in hits:
        clause = corpus.clauses_by_id[hit.id]
        with st.container(border=True):
            yours = " (your council)" if chosen and hit.council == council else ""
            heading = f" — {escape_markdown(clause.heading)}" if clause.heading else ""
            title = f"{corpus.councils[hit.council].short_name} {hit.number}"
            st.markdown(f"**{escape_markdown(title)}**{escape_markdown(yours)}{heading}")
            st.markdown(hit.snippet_markdown)
            st.caption(" · ".join(escape_markdown(corpus.topics[t].label) for t in clause.topics)
                       + f" · {hit.id} · match {hit.score:.0f}/100")
            # A page link keeps the tab and the session (a Markdown link would open a new tab and a new session).
            st.page_link(HANDBOOK_PAGE, label=f"Open {hit.id} in the Handbook", query_params=handbook_query(clause))
