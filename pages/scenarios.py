"""Scenarios for trainers: step through a situation, run a quiz, or present it on a projector."""

import streamlit as st

from logic.export import escape_markdown, to_markdown, to_pdf
from logic.flowchart import route_dot
from logic.permissions import Answer
from logic.safe_text import clip
from logic.scenarios import card_blocks, link_label, outcome, quiz, summary
from ui.answers import show_answer, show_route_steps
from ui.chrome import current_council
from ui.clauses import clause_link
from ui.data import get_model
from ui.flowcharts import flowchart, route_alt_text
from ui.presentation import use_projector_styles

MODES = {"step": "Step through", "quiz": "Quiz", "present": "Presentation"}
STEPS = ("The situation", "Discuss", "What the protocols say", "The route as a flowchart")

model = get_model()
corpus = model.corpus
council = current_council(corpus)
scenarios = {s.slug: s for s in model.scenarios}

st.title("Scenarios and quiz")
wanted = {"scenario": st.query_params.get("scenario"), "mode": st.query_params.get("mode")}
if wanted["scenario"] is not None and wanted["scenario"] not in scenarios:
    st.warning(f"There is no scenario “{escape_markdown(clip(wanted['scenario']))}”; showing the first one.")
if wanted["mode"] is not None and wanted["mode"] not in MODES:
    st.warning(f"“{escape_markdown(clip(wanted['mode']))}” is not a mode of this page; showing step-through.")
if st.session_state.get("_scn_url") != wanted:
    st.session_state["scn_scenario"] = wanted["scenario"] if wanted["scenario"] in scenarios else next(iter(scenarios))
    st.session_state["scn_mode"] = wanted["mode"] if wanted["mode"] in MODES else "step"
    st.session_state["scn_step"] = 0

slug = st.selectbox("Scenario", list(scenarios), key="scn_scenario", format_func=lambda s: scenarios[s].title,
                        on_change=lambda: st.session_state.update(scn_step=0))
mode = st.segmented_control("Mode", list(MODES), key="scn_mode", required=True, format_func=MODES.get)
st.session_state["_scn_url"] = {"scenario": slug, "mode": mode}
st.query_params.update({"scenario": slug, "mode": mode})
scenario = scenarios[slug]
route_links = [link for link in scenario.links if link.kind == "route"]
steps = STEPS if route_links else STEPS[:3]


def show_what_protocols_say() -> None:
    for link in scenario.links:
        st.subheader(escape_markdown(link_label(model, link)))
        results = [outcome(model, link, slug) for slug in corpus.councils]
        st.table({"": ["Answer", "Clauses"]} | {corpus.councils[r.council].short_name:
                                                 [summary(r), ", ".join(r.cites) or "—"] for r in results})
        for result in results:
            with st.expander(f"{corpus.councils[result.council].name}: {summary(result)}"):
                if isinstance(result, Answer):
                    show_answer(corpus, result)
                else:
                    show_route_steps(corpus, result)


def show_flowcharts() -> None:
    st.caption(f"Shown for {corpus.councils[council].name}; change council in the sidebar.")
    for link in route_links:
        answer = outcome(model, link, council)
        st.subheader(escape_markdown(link_label(model, link)))
        if answer.covered:
            flowchart(route_dot(model, answer), alt=route_alt_text(answer), file_stem=f"{council}-{link.slug}",
                      key=f"scn_{link.slug}")
        else:
            st.info(f"Not covered by this protocol. {escape_markdown(answer.note)}", icon=":material/block:")


def show_step(index: int) -> None:
    st.header(f"{index + 1}. {steps[index]}")
    if index == 0:
        st.markdown(escape_markdown(scenario.situation))
    elif index == 1:
        st.markdown(escape_markdown(scenario.prompt))
    elif index == 2:
        show_what_protocols_say()
    else:
        show_flowcharts()


def step_buttons() -> None:
    index = st.session_state.get("scn_step", 0)
    back, label, forward = st.columns([1, 2, 1])
    if back.button("Previous", icon=":material/arrow_back:", disabled=index == 0, width="stretch"):
        st.session_state["scn_step"] = index - 1
        st.rerun()
    label.markdown(f"Step {index + 1} of {len(steps)}")
    if forward.button("Next", icon=":material/arrow_forward:", disabled=index >= len(steps) - 1, width="stretch"):
        st.session_state["scn_step"] = index + 1
        st.rerun()


def show_quiz() -> None:
    score = st.session_state.setdefault("scn_score", {})
    questions = quiz(model, scenario, council)
    st.markdown(f"**{escape_markdown(scenario.title)}**: {escape_markdown(scenario.situation)}")
    st.caption(f"Questions on {corpus.councils[council].short_name}'s protocol (change council in the sidebar); "
               "the right answers are worked out "
               "from the protocol's clauses.")
    if not questions:
        st.info("This scenario has no quiz question for this council's protocol.")
    for number, question in enumerate(questions, 1):
        key = f"{slug}|{council}|{number}"
        with st.container(border=True):
            choice = st.radio(f"Question {number}. {question.prompt}", question.options, index=None,
                              key=f"quiz_{key}")
            if st.button("Check answer", key=f"check_{key}", disabled=choice is None):
                score[key] = choice == question.answer
            if key in score:
                result = st.success if score[key] else st.error
                verdict = "Correct" if score[key] else f"Not quite: the answer is “{escape_markdown(question.answer)}”"
                result(f"**{verdict}.** {escape_markdown(question.explanation)}",
                       icon=":material/check_circle:" if score[key] else ":material/cancel:")
                if question.cites:
                    st.markdown("Based on " + ", ".join(clause_link(c) for c in question.cites))
    if score:
        st.metric("Your score this session", f"{sum(score.values())} of {len(score)}")
    else:
        st.caption("Your score this session appears here once you check an answer.")


if mode == "quiz":
    show_quiz()
elif mode == "present":
    use_projector_styles()
    st.caption(escape_markdown(scenario.title))
    show_step(st.session_state.get("scn_step", 0))
    step_buttons()
else:
    st.caption("For: " + ", ".join(scenario.audience))
    step_buttons()
    show_step(st.session_state.get("scn_step", 0))
    card = card_blocks(model, scenario)
    with st.container(horizontal=True):
        st.download_button("Scenario card (Markdown)", to_markdown(card), file_name=f"{slug}.md",
                           mime="text/markdown", icon=":material/download:")
        st.download_button("Scenario card (PDF)", lambda: to_pdf(card), file_name=f"{slug}.pdf",
                           mime="application/pdf", icon=":material/picture_as_pdf:")
