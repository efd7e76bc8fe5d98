"""May I…? Ask a permission question; see your council's verdict, or all five side by side."""

import streamlit as st

from logic.export import escape_markdown
from logic.links import read_decision_query
from logic.permissions import ask, ask_all
from ui.answers import show_answer, show_assumptions, show_verdict_card
from ui.chrome import current_council
from ui.clauses import quote_clauses
from ui.data import get_model
from ui.decision_inputs import (
    all_councils,
    answer_params,
    choose_entry,
    choose_view,
    council_cards,
    view_from_url,
    visitors_council,
    yours_first,
)
from ui.url_state import seed_from_url, write_url

PREFIX = "may"
model = get_model()
corpus, rules = model.corpus, model.rules
council = current_council(corpus)
mine = visitors_council(corpus)

st.title("May I…?")
st.markdown("Pick a question and answer the prompts. The answer starts from what it assumes, gives the verdict "
            "and the reasons, and quotes the clauses it rests on. Where a protocol is silent it says "
            "**not covered** and never borrows another council's rule.")

link = read_decision_query(rules.catalogue, st.query_params, "question")
for message in link.messages:
    st.warning(escape_markdown(message), icon=":material/link_off:")
seed_from_url(PREFIX, {"question": link.slug, **link.params, "view": view_from_url()})

entry = choose_entry(rules.catalogue, PREFIX, "question", "Question")
st.caption(escape_markdown(entry.question))
params = answer_params(entry, PREFIX)
view = choose_view(PREFIX, corpus.councils[council].short_name, len(corpus.councils))
write_url(PREFIX, {"question": entry.slug, **params, "view": view})

if view == "all":
    answers = {answer.council: answer for answer in ask_all(corpus, rules, entry.slug, params)}
    st.header(all_councils(len(corpus.councils)))
    show_assumptions(answers[council].assumptions)
    st.caption(f"{yours_first(corpus, mine)}Each card gives the verdict, every reason and the clauses it rests on.")
    for slug, card in council_cards(corpus, mine):
        with card:
            show_verdict_card(corpus, entry, answers[slug])
            if answers[slug].cites:
                with st.expander("The clauses quoted"):
                    quote_clauses(corpus, answers[slug].cites)
else:
    st.header(corpus.councils[council].name)
    show_answer(corpus, ask(corpus, rules, entry.slug, council, params), large=True, topics=entry.topics)
