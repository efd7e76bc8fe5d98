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
new, trainer, staff = st.columns(3)
with new, st.container(border=True):
    st.subheader("New councillors")
    st.markdown("Read your council's protocol, look up a term, and ask *may I…?* or *who do I go to?*")
    st.page_link(PAGE_FILES["handbook"], label="Read the handbook", icon=":material/menu_book:")
    st.page_link(PAGE_FILES["explorer"], label="Ask “May I…?”", icon=":material/rule:")
    st.page_link(PAGE_FILES["escalation"], label="Who do I go to?", icon=":material/account_tree:")
    st.page_link(PAGE_FILES["glossary"], label="Glossary of terms", icon=":material/dictionary:")
with trainer, st.container(border=True):
    st.subheader("Trainers")
    st.markdown("Step through realistic scenarios on a projector, show escalation flowcharts and run a quiz.")
    st.page_link(PAGE_FILES["scenarios"], label="Scenarios, quiz and presentation mode",
                 icon=":material/co_present:")
    st.page_link(PAGE_FILES["escalation"], label="Escalation flowcharts", icon=":material/account_tree:")
with staff, st.container(border=True):
    st.subheader("Governance staff")
    st.markdown("Compare the protocols topic by topic, find the gaps and the shared model wording, and export tables.")
    st.page_link(PAGE_FILES["compare"], label="Compare councils", icon=":material/compare:")
    st.page_link(PAGE_FILES["search"], label="Search every clause", icon=":material/search:")

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
