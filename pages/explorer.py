"""May I…? Ask a permission question; see your council's verdict, or all five side by side."""

import streamlit as st

from logic.export import escape_markdown
from logic.links import read_decision_query
from logic.permissions import ask, ask_all, side_by_side
from ui.answers import show_answer
from ui.chrome import current_council
from ui.data import get_model
from ui.decision_inputs import answer_params, choose_entry, choose_view, view_from_url
from ui.url_state import seed_from_url, write_url

PREFIX = "may"
model = get_model()
corpus, rules = model.corpus, model.rules
council = current_council(corpus)

st.title("May I…?")
st.markdown("Pick a question and answer the prompts. The answer starts from what it assumes, gives the verdict "
            "and the reasons, and quotes the clauses it rests on. Where a protocol is silent it says "
            "**not covered** and never borrows another council's rule.")

link = read_decision_query(rules.catalogue, st.query_params, "question")
for message in link.messages:
    st.warning(escape_markdown(message), icon=":material/link_off:")
seed_from_url(PREFIX, {"question": link.slug, **link.params,
                       "view": view_from_url()})

entry = choose_entry(rules.catalogue, PREFIX, "question", "Question")
st.caption(escape_markdown(entry.question))
params = answer_params(entry, PREFIX)
view = choose_view(PREFIX, corpus.councils[council].short_name)
write_url(PREFIX, {"question": entry.slug, **params, "view": view})

if view == "all":
    answers = ask_all(corpus, rules, entry.slug, params)
    st.header("All five councils")
    st.dataframe(side_by_side(corpus, answers), hide_index=True,
                 column_config={"Why": st.column_config.TextColumn(width="large")})
    for answer in answers:
        with st.expander(f"{corpus.councils[answer.council].name}: {answer.verdict_label}"):
            show_answer(corpus, answer)
else:
    st.header(corpus.councils[council].name)
    show_answer(corpus, ask(corpus, rules, entry.slug, council, params), large=True)
