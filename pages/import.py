"""Add your council: a protocol from a file or pasted text, read into clauses, previewed with its anomalies and
suggested topics, then added to this visitor's session only (or downloaded as a content folder)."""

import streamlit as st

from logic.export import escape_markdown
from logic.extract import ImportProblem, warm_up
from ui import importing
from ui.data import get_model, imported_councils, shared_model

warm_up()  # the Word and PDF readers start now, so that the first upload only pays for reading the file
model = get_model()
corpus = shared_model().corpus  # suggestions and checks come from the five curated councils, not from imports
councils = model.corpus.councils
shown = importing.preview()

st.title("Add your council")
st.markdown("Bring your council's Member/Officer Relations Protocol, a published one or a draft, to read it in the "
            "Handbook, find it in Search and set it beside the others in Compare. **Private:** what you import "
            "is held for this browser tab only, while it is open; no one else sees it, and nothing is saved.")
importing.show_notice()
if shown is None:
    importing.show_imported(model)  # first, so that what was just added (and its links) is in view

# While a preview is shown, the inputs it was read from stay (disabled, so that they keep their values) but
# fold away, and the preview comes first.
inputs = st.container() if shown is None else st.expander(importing.inputs_label(shown))
with inputs:
    st.header("1. Name the council", anchor=False)
    name, slug = importing.identity_inputs(model.corpus, locked=shown is not None)
    st.header("2. Give its protocol", anchor=False)
    source, upload, text = importing.source_inputs(locked=shown is not None)

if shown is None:
    if st.button("Read the protocol", type="primary", icon=":material/document_scanner:", key="imp_read"):
        problem = importing.identity_problem(name, slug, councils, imported_councils(),
                                             may_replace=importing.save_allowed())
        if problem:
            st.session_state[importing.PROBLEM_KEY] = problem
        else:
            importing.read_protocol(source, upload, text, name=name, slug=slug, corpus=corpus)
        st.rerun()
    importing.show_read_problem()
else:
    result = shown["result"]
    st.header(f"Check what was read: {escape_markdown(result.name)}", anchor=False)
    st.markdown(importing.preview_summary(shown))
    importing.show_anomalies(result)
    importing.show_titles(result, corpus)
    st.subheader("Clauses", anchor=False)
    st.caption("The wording is the document's own; accept or change the suggested topics, which decide where each "
               "clause appears in Compare and in the Handbook's topic filter. In a Topics cell, Enter opens the list: "
               "type a topic, Enter chooses it, Tab keeps the change, Escape drops it. On a narrow screen, scroll "
               "the table sideways.")
    try:
        edited = importing.edit_topics(result, corpus)
    except ImportProblem as exc:
        st.error(f"{escape_markdown(exc.args[0])} Choose one in the table.", icon=":material/error:")
    else:
        importing.preview_actions(edited, corpus, councils)
    importing.show_imported(model)

