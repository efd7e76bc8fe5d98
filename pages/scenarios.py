"""Scenarios for trainers: step through a situation, show it as full-screen slides, or run its quiz.

Everything a trainer would expect to survive a reload, back, forward or a shared link is in the URL:
``?scenario=``, ``?mode=``, ``?step=`` (the slide, from 1), ``?answers=`` (the quiz answers, one
letter per question) and ``?tally=`` (the score of the scenarios done earlier in the session); see
logic/slides.py. The slide controls sit in one container that stays in place from slide to slide and
between the two slide modes, so keyboard focus stays on the control that was used.
"""

import streamlit as st

from logic.export import escape_markdown, to_markdown, to_pdf
from logic.safe_text import clip
from logic.scenarios import card_blocks, quiz
from logic.slides import add, answers_text, deck, read_answers, read_step, read_tally, score, tally_text
from ui.chrome import current_council
from ui.data import get_model
from ui.presentation import NAV_KEY, show_question, show_slide, slide_key, use_scenario_styles
from ui.url_state import seed_from_url, write_url

PREFIX = "scn"
MODES = {"step": "Step through", "present": "Slides", "quiz": "Quiz"}
OWNER = "scn_answers_for"  # the (scenario, council) whose quiz the session's answers belong to
HIDDEN = "scn_hidden"  # questions whose checked answer the trainer has hidden again (this session only)

model = get_model()
corpus = model.corpus
council = current_council(corpus)
scenarios = {s.slug: s for s in model.scenarios}
FIRST = next(iter(scenarios))
messages: list[str] = []


def quiz_of(slug: str, council_slug: str):
    return quiz(model, scenarios[slug], council_slug)


def parsed_answers(text: str, questions) -> tuple[int | None, ...]:
    try:
        return read_answers(text, questions) or (None,) * len(questions)
    except ValueError:
        return (None,) * len(questions)


def from_url() -> dict[str, str]:
    """The URL's state, every value checked: a bad one is reported and left at its default.

    The step and answers are checked against the quiz they were given for: the current council's, unless
    they are this page's own values and the council has been changed in the sidebar since.
    """
    params = st.query_params
    slug = params.get("scenario") or FIRST
    if slug not in scenarios:
        messages.append(f"There is no scenario “{clip(slug)}”; showing the first one.")
        slug = FIRST
    mode = params.get("mode") or "step"
    if mode not in MODES:
        messages.append(f"“{clip(mode)}” is not a mode of this page; showing step-through.")
        mode = "step"
    defaults = {"step": "1", "answers": "", "tally": ""}
    raw = {name: params.get(name) or default for name, default in defaults.items()}
    ours = st.session_state.get(f"{PREFIX}__from_url") or {}
    owner = st.session_state.get(OWNER)
    given_under = owner[1] if owner and owner[0] == slug and raw["answers"] == ours.get("answers") else council
    questions = quiz_of(slug, given_under)
    values = {"scenario": slug, "mode": mode}
    checks = {"step": lambda v: read_step(v, len(deck(scenarios[slug], questions))),
              "answers": lambda v: read_answers(v, questions), "tally": read_tally}
    for name, check in checks.items():
        try:
            check(raw[name])
            values[name] = raw[name]
        except ValueError as problem:
            messages.append(f"The link's {name} was left out: {clip(str(problem))}.")
            values[name] = defaults[name]
    if seed_from_url(PREFIX, values, to_widget={"step": lambda v: int(v) - 1}):
        st.session_state[OWNER] = (slug, given_under)
    return values


# Streamlit forgets a widget's value after a run that does not draw it, and slide mode hides the pickers:
# written back, the values stay, or every run in slide mode would reseed from the URL and undo its move.
for name in ("scenario", "mode"):
    if f"{PREFIX}_{name}" in st.session_state:
        st.session_state[f"{PREFIX}_{name}"] = st.session_state[f"{PREFIX}_{name}"]
url_values = from_url()
for name in ("scenario", "mode"):
    st.session_state.setdefault(f"{PREFIX}_{name}", url_values[name])
slides_on = st.session_state[f"{PREFIX}_mode"] == "present"

use_scenario_styles()
with st.container(key="scn-head"):
    st.title("Scenarios and quiz", anchor=False)
with st.container(key="scn-messages"):
    for message in messages:
        st.warning(escape_markdown(message), icon=":material/link_off:")
with st.container(key="scn-pickers"):
    if not slides_on:
        st.selectbox("Scenario", list(scenarios), key=f"{PREFIX}_scenario", format_func=lambda s: scenarios[s].title)
        st.segmented_control("Mode", list(MODES), key=f"{PREFIX}_mode", required=True, format_func=MODES.get)
        st.caption("For: " + ", ".join(scenarios[st.session_state[f"{PREFIX}_scenario"]].audience))

slug = st.session_state[f"{PREFIX}_scenario"]
mode = st.session_state[f"{PREFIX}_mode"]
scenario = scenarios[slug]

# Another scenario or council (chosen here, not arriving by URL) starts a new quiz: the answers so far are
# added to the session's tally, and another scenario starts at its first slide.
owner = st.session_state.get(OWNER)
if owner != (slug, council):
    if owner is not None:
        finished = quiz_of(*owner)
        earlier = read_tally(st.session_state[f"{PREFIX}_tally"]) or (0, 0)
        done = score(finished, parsed_answers(st.session_state[f"{PREFIX}_answers"], finished))
        st.session_state[f"{PREFIX}_tally"] = tally_text(add(earlier, done))
        st.session_state[f"{PREFIX}_answers"] = ""
        if owner[0] != slug:
            st.session_state[f"{PREFIX}_step"] = 0
    st.session_state[OWNER] = (slug, council)

questions = quiz_of(slug, council)
slides = deck(scenario, questions)
chosen = parsed_answers(st.session_state[f"{PREFIX}_answers"], questions)
step = min(st.session_state[f"{PREFIX}_step"], len(slides) - 1)
st.session_state[f"{PREFIX}_step"] = step
tally = read_tally(st.session_state[f"{PREFIX}_tally"]) or (0, 0)
right, answered = score(questions, chosen)
write_url(PREFIX, {"scenario": slug, "mode": mode, "step": str(step + 1), "answers": answers_text(chosen),
                   "tally": tally_text(tally)}, defaults={"mode": "step", "step": "1"})


def pick_key(index: int) -> str:
    return f"{PREFIX}_pick_{slug}_{council}_{index}"


def check_answer(index: int) -> None:
    """Record the option picked for question ``index`` (in the URL from this run on)."""
    choice = st.session_state.get(pick_key(index))
    if choice is not None and chosen[index] is None:
        st.session_state[f"{PREFIX}_answers"] = answers_text(chosen[:index] + (choice,) + chosen[index + 1:])


def toggle_hidden(index: int) -> None:
    st.session_state.setdefault(HIDDEN, set()).symmetric_difference_update({(slug, council, index)})


def go_to(index: int) -> None:
    st.session_state[f"{PREFIX}_step"] = index


def next_scenario() -> None:
    slugs = list(scenarios)
    st.session_state[f"{PREFIX}_scenario"] = slugs[slugs.index(slug) + 1]


def toggle_slides() -> None:
    st.session_state[f"{PREFIX}_mode"] = "step" if slides_on else "present"


def score_words() -> str:
    session = add(tally, (right, answered))
    words = f"Score {right} of {answered}" if answered else "No answer checked yet"
    return words + (f" · this session {session[0]} of {session[1]}" if tally != (0, 0) else "")


def slide_controls() -> None:
    """Previous, where we are, the quiz slide's check button, Next (or on to the next scenario), and the way
    in or out of slide mode. Left and Right always move; slide mode adds the clicker's PageDown/Space and PageUp,
    and Escape to leave."""
    current = slides[step]
    last = step == len(slides) - 1
    st.button("Previous", key="scn_previous", icon=":material/arrow_back:", disabled=step == 0,
              on_click=go_to, args=(step - 1,), shortcut="Left", wrap=True)
    with_score = answered or current.kind in ("question", "score")
    where = f"{'Slide' if slides_on else 'Step'} {step + 1} of {len(slides)}"
    st.markdown(where + (f" · {score_words()}" if with_score else ""), width="content")
    slot = st.empty()
    if current.kind == "question":
        index = current.question
        if chosen[index] is None:
            slot.button("Check answer", key="scn_check", icon=":material/task_alt:",
                        disabled=st.session_state.get(pick_key(index)) is None, on_click=check_answer, args=(index,))
        else:
            hidden = (slug, council, index) in st.session_state.get(HIDDEN, set())
            slot.button("Show the answer" if hidden else "Hide the answer", key="scn_check",
                        icon=":material/visibility:" if hidden else ":material/visibility_off:",
                        on_click=toggle_hidden, args=(index,))
    more_scenarios = slug != list(scenarios)[-1]
    if last:
        st.button("Next scenario", key="scn_next", icon=":material/skip_next:", disabled=not more_scenarios,
                  on_click=next_scenario, shortcut="Right", wrap=True, type="primary")
    else:
        st.button("Next", key="scn_next", icon=":material/arrow_forward:", on_click=go_to, args=(step + 1,),
                  shortcut="Right", wrap=True, type="primary")
    st.button("Exit slides" if slides_on else "Show as slides", key="scn_slides",
              icon=":material/close_fullscreen:" if slides_on else ":material/slideshow:",
              on_click=toggle_slides, wrap=True)
    if slides_on:
        # More keys for the same moves (a button takes one shortcut); hidden, so each move has one visible button.
        forward = (next_scenario, ()) if last else (go_to, (step + 1,))
        with st.container(key="scn-keys"):
            st.button("Exit slides (Escape)", key="scn_exit_escape", shortcut="Escape", on_click=toggle_slides)
            st.button("Next (Page Down)", key="scn_next_pagedown", shortcut="PageDown", on_click=forward[0],
                      args=forward[1], disabled=last and not more_scenarios)
            st.button("Previous (Page Up)", key="scn_previous_pageup", shortcut="PageUp", on_click=go_to,
                      args=(step - 1,), disabled=step == 0)
            if current.kind != "question":  # on a quiz slide Space is for the options and the buttons
                st.button("Next (Space)", key="scn_next_space", shortcut="Space", on_click=forward[0],
                          args=forward[1], disabled=last and not more_scenarios)


def show_quiz() -> None:
    """Every question on one page (for self-study): pick, check, see why."""
    st.caption(f"Questions on {corpus.councils[council].short_name}'s protocol (change council in the sidebar); "
               "the right answers are worked out from the protocol's clauses.")
    st.markdown(f"**{escape_markdown(scenario.title)}**: {escape_markdown(scenario.situation)}")
    if not questions:
        st.info("This scenario has no quiz question for this council's protocol.")
    quoted: set[str] = set()  # a clause is quoted once on the page (the target of every link to it)
    for index, question in enumerate(questions):
        with st.container(border=True):
            st.markdown(f"**Question {index + 1} of {len(questions)}**")
            show_question(model, question, chosen[index], key=pick_key(index), revealed=True, quoted=quoted)
            if chosen[index] is None:
                st.button("Check answer", key=f"scn_check_{index}", on_click=check_answer, args=(index,),
                          disabled=st.session_state.get(pick_key(index)) is None)
    st.metric("Your score for this scenario", f"{right} of {answered}" if answered else "No answer checked yet")
    if tally != (0, 0):
        session = add(tally, (right, answered))
        st.caption(f"This session, with the scenarios before: {session[0]} of {session[1]}.")


if mode == "quiz":
    show_quiz()
else:
    current = slides[step]
    revealed = current.kind == "question" and (slug, council, current.question) not in st.session_state.get(
        HIDDEN, set())
    with st.container(key=slide_key(step, slides_on=slides_on)):
        show_slide(model, scenario, current, council, questions, chosen, slides_on=slides_on, revealed=revealed,
                   pick_key=pick_key(current.question) if current.kind == "question" else "")
    with st.container(key=NAV_KEY, horizontal=True, vertical_alignment="center"):
        slide_controls()
    if not slides_on:
        card = card_blocks(model, scenario)
        with st.container(horizontal=True):
            st.download_button("Scenario card (Markdown)", to_markdown(card), file_name=f"{slug}.md",
                               mime="text/markdown", icon=":material/download:")
            st.download_button("Scenario card (PDF)", lambda: to_pdf(card), file_name=f"{slug}.pdf",
                               mime="application/pdf", icon=":material/picture_as_pdf:")
