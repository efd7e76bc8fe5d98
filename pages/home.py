"""Home: what the app does for each kind of user, and the five councils at a glance."""

import streamlit as st

from logic.export import escape_markdown
from logic.overview import council_overview
from ui.chrome import PAGE_FILES
from ui.data import get_model

corpus = get_model().corpus

st.title("Protocol Explorer")
st.markdown(
    "Member/Officer Relations Protocols set out how councillors and council staff work together: "
    "who a councillor complains to about an officer, when a councillor may see a document, what "
    "officers may do for a party group. This app turns five councils' protocols into a handbook "
    "you can read, search, question and compare. **Every answer quotes the clause it rests on**, "
    "and where a protocol is silent the app says so."
)

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
for audience, summary, links in AUDIENCES:
    with st.container(border=True):
        st.subheader(audience)
        st.markdown(summary)
        with st.container(horizontal=True):
            for page, label, icon in links:
                st.page_link(PAGE_FILES[page], label=label, icon=icon)

st.header("The five protocols at a glance")
rows = council_overview(corpus)
st.dataframe(
    [{k: v for k, v in row.items() if k != "slug"} for row in rows],
    hide_index=True,
    column_config={"What the source leaves out or damages": st.column_config.TextColumn(width="large")},
)
for row in rows:
    council = corpus.councils[row["slug"]]
    with st.expander(f"About the {council.short_name} source"):
        for note in council.editorial_notes:
            st.markdown(f"- {escape_markdown(note)}")
        for note in council.omissions:
            st.markdown(f"- {escape_markdown(note)}")
        st.page_link(PAGE_FILES["handbook"], label=f"Read the {council.short_name} protocol",
                     query_params={"council": council.slug}, icon=":material/menu_book:")
st.caption("The text of each protocol is reproduced word for word from the council's published document; "
           "only the layout has been repaired, and every repair is recorded as an editorial note.")
