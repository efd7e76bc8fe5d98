"""Handbook: read a council's protocol section by section, with deep links to clauses."""

import streamlit as st

from logic.export import escape_markdown
from logic.links import read_clause_link
from logic.overview import handbook_sections
from ui.chrome import current_council
from ui.clauses import show_clause
from ui.data import get_model, handbook_markdown, handbook_pdf

corpus = get_model().corpus
# The sidebar has already reported a bad ?council=; only the clause is checked here.
slug = current_council(corpus)
link = read_clause_link(corpus, slug, st.query_params.get("clause"))
council = corpus.councils[slug]

st.title("Handbook")
st.subheader(council.name)
st.caption(f"{escape_markdown(council.kind)} · {escape_markdown(council.source_title)} · "
           f"{len(council.clauses)} clauses, word for word from the source")
if link.message:
    st.warning(escape_markdown(link.message), icon=":material/link_off:")

with st.expander("About this source: what it leaves out, editorial notes"):
    for note in council.editorial_notes + council.omissions:
        st.markdown(f"- {escape_markdown(note)}")

downloads = st.container(horizontal=True)
downloads.download_button("Download Markdown", handbook_markdown(slug), file_name=f"{slug}-protocol.md",
                          mime="text/markdown", icon=":material/download:")
downloads.download_button("Download PDF", lambda: handbook_pdf(slug), file_name=f"{slug}-protocol.pdf",
                          mime="application/pdf", icon=":material/picture_as_pdf:")

if link.clause:
    st.markdown("#### The clause you linked to")
    show_clause(corpus, link.clause, highlighted=True, show_glossary=True)
    st.divider()

section_options = [None] + [s.number for s in council.sections]
section_titles = {s.number: f"{s.number}. {s.title}" for s in council.sections}
pick_section, pick_topics = st.columns(2)
section = pick_section.selectbox(
    "Section", section_options, key=f"handbook_section_{slug}",
    format_func=lambda n: "All sections" if n is None else section_titles[n])
topics = pick_topics.multiselect("Only clauses about", list(corpus.topics), key=f"handbook_topics_{slug}",
                                 format_func=lambda t: corpus.topics[t].label)

sections = handbook_sections(corpus, slug, section, tuple(topics))
for sec, clauses in sections:
    st.header(section_titles[sec.number], anchor=f"section-{sec.number}")
    for clause in clauses:
        show_clause(corpus, clause, highlighted=link.clause is not None and clause.id == link.clause.id,
                    show_glossary=True)
if not sections:
    st.info("No clause in this section is about the topics you chose. Clear the topic filter to see them all.")
