"""Who do I go to? A scenario's route for your council, or all five side by side, with flowcharts."""

import datetime as dt

import streamlit as st

from logic.compare import council_order
from logic.export import escape_markdown
from logic.flowchart import route_dot, scenario_tree_dot
from logic.links import read_date, read_decision_query
from logic.routing import route, route_all
from ui.answers import show_assumptions, show_route_card, show_route_steps
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
from ui.flowcharts import flowchart, route_alt_text
from ui.url_state import read_choice, seed_from_url, write_url

PREFIX = "esc"
model = get_model()
corpus, routing = model.corpus, model.routing
council = current_council(corpus)
mine = visitors_council(corpus)

st.title("Who do I go to?")
st.markdown("Choose a situation to see who the protocol sends you to, in what order, and within what time. "
            "Every step cites the clause it comes from; where a protocol is silent it says so.")

link = read_decision_query(routing.catalogue, st.query_params, "scenario")
start_value, date_message = read_date(st.query_params.get("start"))
for message in link.messages + ((date_message,) if date_message else ()):
    st.warning(escape_markdown(message), icon=":material/link_off:")
if seed_from_url(PREFIX, {"scenario": link.slug, **link.params, "view": view_from_url(),
                          "tree": "yes" if st.query_params.get("tree") == "yes" else "no",
                          "start": start_value.isoformat() if start_value else "",
                          "chart": read_choice("chart", corpus.councils, council, "a council in this app")},
                 to_widget={"tree": lambda value: value == "yes",
                            "start": lambda value: dt.date.fromisoformat(value) if value else dt.date.today()}):
    st.session_state[f"{PREFIX}_dates"] = start_value is not None  # deadlines are on exactly when a start is given

entry = choose_entry(routing.catalogue, PREFIX, "scenario", "Situation")
st.caption(escape_markdown(entry.question))
params = answer_params(entry, PREFIX)
view = choose_view(PREFIX, corpus.councils[council].short_name, len(corpus.councils))
tree = st.toggle("Show the whole decision tree", key=f"{PREFIX}_tree",
                 help="Every branch the protocol has for this situation, with your path drawn bold.")
use_dates = st.toggle("Work out deadlines from a start date", key=f"{PREFIX}_dates")
start = None
if use_dates:
    start = st.date_input("Start date (the day the matter was raised)", key=f"{PREFIX}_start",
                          min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31), format="DD/MM/YYYY")
    st.caption("Working days skip weekends and bank holidays in England and Wales. "
               "Each limit is counted from the end of the step before.")


def keep_in_url(chart: str) -> None:
    write_url(PREFIX, {"scenario": entry.slug, **params, "view": view, "tree": "yes" if tree else "no",
                       "start": start.isoformat() if start else "", "chart": chart}, defaults={"chart": council})


def draw_flowchart(answer) -> None:
    """The route's flowchart (or the council's whole decision tree), scaled to the page's width on a phone;
    the numbered steps above are its text alternative."""
    if tree:
        flowchart(scenario_tree_dot(model, answer.council, answer.scenario, answer), alt=route_alt_text(answer),
                  file_stem=f"{answer.council}-{answer.scenario}-tree", key=f"{PREFIX}_{answer.council}", wide=True)
    elif answer.covered:
        flowchart(route_dot(model, answer), alt=route_alt_text(answer),
                  file_stem=f"{answer.council}-{answer.scenario}", key=f"{PREFIX}_{answer.council}")


if view == "all":
    answers = {answer.council: answer for answer in route_all(corpus, routing, entry.slug, params)}
    st.header(all_councils(len(corpus.councils)))
    show_assumptions(answers[council].assumptions)
    st.caption(f"{yours_first(corpus, mine)}Each card shows whom you go to first, who is copied in or told, and "
               "every step with its time limit.")
    for slug, card in council_cards(corpus, mine):
        with card:
            show_route_card(corpus, entry, answers[slug], start)
            if answers[slug].covered:
                with st.expander("Note and the clauses quoted" if answers[slug].note else "The clauses quoted"):
                    if answers[slug].note:
                        st.info(escape_markdown(answers[slug].note), icon=":material/info:")
                    quote_clauses(corpus, answers[slug].cites)
    st.subheader("Flowchart", anchor=False)
    chart = st.selectbox("Flowchart for", council_order(corpus, corpus.councils, council), key=f"{PREFIX}_chart",
                         format_func=lambda s: corpus.councils[s].name)
    keep_in_url(chart)
    draw_flowchart(answers[chart])
    if not answers[chart].covered and not tree:
        st.caption("No flowchart: this protocol does not cover the situation.")
else:
    keep_in_url(council)
    st.header(corpus.councils[council].name)
    answer = route(corpus, routing, entry.slug, council, params)
    show_route_steps(corpus, answer, start, topics=entry.topics, quote=False)
    draw_flowchart(answer)
    quote_clauses(corpus, answer.cites)
