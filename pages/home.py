"""Home: what the app does for each kind of user, starting from the visitor's council, and the five protocols."""

import streamlit as st

from logic.export import escape_markdown
from logic.overview import council_overview
from ui.chrome import PAGE_FILES, council_chosen, council_query, current_council
from ui.data import get_model

# Cards share a row on a wide screen and stack on a phone: each at least 17rem wide (Streamlit's own
# minimum, 128 px, squeezes three cards into an 800-px window). A constant stylesheet.
CARDS_CSS = """<style>
.st-key-audiences > [data-testid="stLayoutWrapper"],
.st-key-protocols > [data-testid="stLayoutWrapper"] {
  flex: 1 1 17rem !important; min-width: min(17rem, 100%) !important;
}
</style>"""
corpus = get_model().corpus
mine = corpus.councils[current_council(corpus)]
st.html(CARDS_CSS)

st.title("Protocol Explorer")
st.markdown(
    "Member/Officer Relations Protocols set out how councillors and council staff work together: whom a "
    "councillor goes to about an officer, when they may see a document, what officers may do for a party group. "
    "Read your council's protocol, ask a question of it, or compare five councils'. "
    "**Every answer quotes the clause it rests on**, and where a protocol is silent the app says so."
)

if council_chosen(corpus):  # until then the chrome asks "Which council are you?" above the page
    with st.container(border=True):
        st.markdown(f"**Your council: {escape_markdown(mine.name)}.** Every page starts from it; "
                    "change it under “Your council” in the sidebar.")
        with st.container(horizontal=True):
            st.page_link(PAGE_FILES["handbook"], label=f"Read the {escape_markdown(mine.short_name)} handbook",
                         icon=":material/menu_book:", query_params=council_query(corpus))
            st.page_link(PAGE_FILES["escalation"], label="Who do I go to?", icon=":material/account_tree:",
                         query_params=council_query(corpus))
            st.page_link(PAGE_FILES["explorer"], label="May I…?", icon=":material/rule:",
                         query_params=council_query(corpus))

st.header("Where to start")
AUDIENCES = [
    ("New councillors", "Read your council's protocol, look up a term, and ask *may I…?* or *who do I go to?*",
     [("handbook", "Read the handbook", ":material/menu_book:"), ("explorer", "Ask “May I…?”", ":material/rule:"),
      ("escalation", "Who do I go to?", ":material/account_tree:"),
      ("glossary", "Glossary of terms", ":material/dictionary:")]),
    ("Trainers", "Step through realistic scenarios on a projector, show escalation flowcharts and run a quiz.",
     [("scenarios", "Scenarios, quiz and presentation mode", ":material/co_present:"),
      ("escalation", "Escalation flowcharts", ":material/account_tree:")]),
    ("Governance staff", "Compare the protocols topic by topic, find the gaps and the shared model wording, "
     "and export tables.",
     [("compare", "Compare councils", ":material/compare:"), ("search", "Search every clause", ":material/search:")]),
]
with st.container(horizontal=True, wrap=True, key="audiences"):
    for audience, summary, links in AUDIENCES:
        with st.container(border=True):
            st.subheader(audience)
            st.markdown(summary)
            for page, label, icon in links:
                st.page_link(PAGE_FILES[page], label=label, icon=icon, query_params=council_query(corpus))

st.header("The five protocols at a glance")
st.caption("Each protocol is reproduced word for word from the council's published document; only the layout "
           "has been repaired, and every repair is recorded as an editorial note.")
chosen = mine.slug if council_chosen(corpus) else None
rows = sorted(council_overview(corpus), key=lambda row: row["slug"] != chosen)  # your council first
with st.container(horizontal=True, wrap=True, key="protocols"):
    for row in rows:
        council = corpus.councils[row["slug"]]
        with st.container(border=True):
            # One element per card's words (each element is a message of its own to the browser); what a
            # source leaves out, and the editorial notes, are in the Handbook's "About this source".
            yours = " · your council" if council.slug == chosen else ""
            st.markdown(f"**{escape_markdown(council.name)}**  \n{escape_markdown(council.kind)}{yours}\n\n"
                        f":small[{row['Clauses']} clauses in {row['Sections']} sections · "
                        f"{escape_markdown(council.source_title)} · named in the document: "
                        f"{'yes' if council.name_confirmed else 'no'}]")
            st.page_link(PAGE_FILES["handbook"], label=f"Read the {escape_markdown(council.short_name)} protocol",
                         query_params={"council": council.slug}, icon=":material/menu_book:")
