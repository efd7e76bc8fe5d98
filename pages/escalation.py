"""Who do I go to? A scenario's route for your council, or all five side by side, with flowcharts."""

import datetime as dt

import streamlit as st

from logic.export import escape_markdown
from logic.flowchart import route_dot, scenario_tree_dot
from logic.links import read_date, read_decision_query
from logic.routing import route, route_all, side_by_side
from ui.answers import show_route_steps
from ui.chrome import current_council
from ui.data import get_model
from ui.decision_inputs import answer_params, choose_entry, choose_view, view_from_url
from ui.flowcharts import flowchart, route_alt_text
from ui.url_state import seed_from_url, write_url

PREFIX = "esc"
model = get_model()
corpus, routing = model.corpus, model.routing
council = current_council(corpus)

st.title("Who do I go to?")
st.markdown("Choose a situation to see who the protocol sends you to, in what order, and within what time. "
            "Every step cites the clause it comes from; where a protocol is silent it says so.")

link = read_decision_query(routing.catalogue, st.query_params, "scenario")
start_value, date_message = read_date(st.query_params.get("start"))
for message in link.messages + ((date_message,) if date_message else ()):
    st.warning(escape_markdown(message), icon=":material/link_off:")
seed_from_url(PREFIX, {"scenario": link.slug, **link.params,
                       "view": view_from_url(),
                       "tree": "yes" if st.query_params.get("tree") == "yes" else "no"},
              to_widget={"tree": lambda value: value == "yes"})

entry = choose_entry(routing.catalogue, PREFIX, "scenario", "Situation")
st.caption(escape_markdown(entry.question))
params = answer_params(entry, PREFIX)
view = choose_view(PREFIX, corpus.councils[council].short_name)
tree = st.toggle("Show the whole decision tree", key=f"{PREFIX}_tree",
                 help="Every branch the protocol has for this situation, with your path drawn bold.")
use_dates = st.toggle("Work out deadlines from a start date", value=start_value is not None, key=f"{PREFIX}_dates")
start = None
if use_dates:
    start = st.date_input("Start date (the day the matter was raised)", value=start_value or dt.date.today(),
                          min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31), format="DD/MM/YYYY")
    st.caption("Working days skip weekends and bank holidays in England and Wales. "
               "Each limit is counted from the end of the step before.")
write_url(PREFIX, {"scenario": entry.slug, **params, "view": view, "tree": "yes" if tree else "no",
                   **({"start": start.isoformat()} if start else {})})


def show_route(answer, *, heading: bool) -> None:
    """Assumptions, numbered steps with quoted clauses, and the flowchart for one council."""
    if heading:
        st.subheader(corpus.councils[answer.council].name)
    show_route_steps(corpus, answer, start)
    if tree:
        flowchart(scenario_tree_dot(model, answer.council, answer.scenario, answer), alt=route_alt_text(answer),
                  file_stem=f"{answer.council}-{answer.scenario}-tree", key=f"{PREFIX}_{answer.council}", wide=True)
    elif answer.covered:
        flowchart(route_dot(model, answer), alt=route_alt_text(answer),
                  file_stem=f"{answer.council}-{answer.scenario}", key=f"{PREFIX}_{answer.council}")


if view == "all":
    answers = route_all(corpus, routing, entry.slug, params)
    st.header("All five councils")
    st.dataframe(side_by_side(corpus, answers), hide_index=True,
                 column_config={"Route": st.column_config.TextColumn(width="large")})
    for answer in answers:
        with st.expander(f"{corpus.councils[answer.council].name}: "
                         f"{'route and flowchart' if answer.covered else 'not covered'}"):
            show_route(answer, heading=False)
else:
    show_route(route(corpus, routing, entry.slug, council, params), heading=True)
