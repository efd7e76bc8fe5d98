"""A scenario's slides, in step-through and full-screen slide mode, and their projector stylesheet.

Slide mode is marked on the page by the slide's container key (``scn-slide-<n>``; step-through uses
``scn-step-<n>``), and the one constant stylesheet below switches on for it: the sidebar, Streamlit's
header, the page title (kept for screen readers) and the pickers go; the slide fills the screen in
large type, and scrolls inside itself, so the controls under it never leave the screen. Each slide
has a container of its own, so a new slide starts at its heading, not at the old one's scroll position.
No user or content text goes in the stylesheet.
"""

from __future__ import annotations

import streamlit as st

from logic.export import escape_markdown
from logic.flowchart import route_dot
from logic.permissions import Answer
from logic.routing import Route
from logic.scenarios import QuizQuestion, Scenario, ScenarioLink, link_label, outcome, summary
from logic.slides import Slide, is_right, option_letter, score
from ui.answers import show_route_card, show_verdict_card
from ui.clauses import clause_link, handbook_links, quote_clauses
from ui.flowcharts import flowchart, route_alt_text

SLIDE_KEY = "scn-slide-"
STEP_KEY = "scn-step-"
NAV_KEY = "scn-nav"

# :has() marks slide mode without any script. Sizes are for a 1024x768 projector and up (body text
# 1.75rem = 28 px); below 700 px (a phone) slides keep the normal sizes. The chart's SVG keeps its
# aspect ratio, so giving it the slide's height and width draws it as large as it fits; its text gets
# back the sizes Graphviz laid it out in (logic/flowchart.py FONT: 12 in boxes, 10 on arrows), which
# Streamlit's chart style otherwise shrinks by a fifth.
SCENARIO_CSS = """<style>
[data-testid="stLayoutWrapper"]:has(> .st-key-scn-nav) { position: sticky; bottom: 0; z-index: 5; background: #ffffff;
  border-top: 1px solid #b1b4b6; padding: 0.5rem 0 0.6rem; }
[class*="st-key-scn-"] [data-testid="stTable"] td [data-testid="stMarkdownContainer"] { max-width: 48rem; }
.st-key-scn-nav [data-testid="stMarkdownContainer"] p { margin: 0; }
.st-key-scn-keys { display: none !important; }
.stApp:has([class*="st-key-scn-slide-"]) [data-testid="stSidebar"],
.stApp:has([class*="st-key-scn-slide-"]) [data-testid="stSidebarCollapsedControl"],
.stApp:has([class*="st-key-scn-slide-"]) [data-testid="stHeader"],
.stApp:has([class*="st-key-scn-slide-"]) .st-key-scn-pickers,
.stApp:has([class*="st-key-scn-slide-"]) [data-testid="stElementToolbar"] { display: none !important; }
.stApp:has([class*="st-key-scn-slide-"]) .st-key-scn-head {
  position: absolute !important; width: 1px !important; height: 1px !important; min-width: 0 !important;
  padding: 0 !important; overflow: hidden !important; clip-path: inset(50%); white-space: nowrap; }
.stApp:has([class*="st-key-scn-slide-"]) [data-testid="stMainBlockContainer"] {
  padding: 1rem 2rem 0; max-width: none; height: 100dvh; box-sizing: border-box; }
.stApp:has([class*="st-key-scn-slide-"]) [data-testid="stMainBlockContainer"] > .stVerticalBlock { height: 100%; }
.stApp:has([class*="st-key-scn-slide-"]) [data-testid="stMain"] { overflow: hidden; }
[data-testid="stLayoutWrapper"]:has(> [class*="st-key-scn-slide-"]) { flex: 1 1 0; min-height: 0; }
.stVerticalBlock[class*="st-key-scn-slide-"] { height: 100%; overflow-y: auto; padding-right: 0.5rem; }
.st-key-scn-kicker p { color: #505a5f; margin: 0; }
[class*="st-key-scn-slide-"] [data-testid="stGraphVizChart"] svg {
  width: 100% !important; height: calc(100dvh - 18rem) !important; }
[class*="st-key-scn-slide-"] [data-testid="stGraphVizChart"] .node text { font-size: 12px !important; }
[class*="st-key-scn-slide-"] [data-testid="stGraphVizChart"] .edge text { font-size: 10px !important; }
@media (max-width: 699px) { .st-key-scn-nav [aria-label^="Shortcut"] { display: none; } }
@media (min-width: 700px) {
  [class*="st-key-scn-slide-"] :is(p, li, label, td, th) { font-size: 1.75rem !important; line-height: 1.4; }
  [class*="st-key-scn-slide-"] [data-testid="stTable"] :is(td, th) { line-height: 1.3; padding: 0.3rem 0.6rem; }
  [class*="st-key-scn-slide-"] .st-key-scn-table-large :is(td, th, p) { font-size: 1.5rem !important; }
  [class*="st-key-scn-slide-"] .st-key-scn-table-medium :is(td, th, p) { font-size: 1.3rem !important; }
  [class*="st-key-scn-slide-"] .st-key-scn-table-small :is(td, th, p) { font-size: 1.1rem !important; }
  [class*="st-key-scn-slide-"] .st-key-scn-question p { font-size: 1.3rem !important; }
  [class*="st-key-scn-slide-"] .st-key-scn-kicker p { font-size: 1.25rem !important; }
  [class*="st-key-scn-slide-"] h2 { font-size: 2.6rem !important; padding-top: 0.25rem; }
  [class*="st-key-scn-slide-"] .st-key-scn-score p { font-size: 2.6rem !important; }
  .stApp:has([class*="st-key-scn-slide-"]) .st-key-scn-nav :is(button p, p) { font-size: 1.3rem !important; }
  .stApp:has([class*="st-key-scn-slide-"]) .st-key-scn-nav button { min-height: 3rem; }
}
</style>"""


def use_scenario_styles() -> None:
    st.html(SCENARIO_CSS)


def slide_key(index: int, *, slides_on: bool) -> str:
    """The slide's container key: a new one per slide (a fresh scroll position), and the mode's marker."""
    return f"{SLIDE_KEY if slides_on else STEP_KEY}{index + 1}"


def show_slide(model, scenario: Scenario, slide: Slide, council: str, questions: list[QuizQuestion],
               chosen: tuple[int | None, ...], *, slides_on: bool, revealed: bool, pick_key: str) -> None:
    """The slide's heading (on a slide, the scenario's title above it: the pickers that say it are hidden) and
    its body."""
    if slides_on:
        with st.container(key="scn-kicker"):
            st.markdown(escape_markdown(scenario.title))
    st.header(escape_markdown(slide.title), anchor=False)
    if slide.kind == "situation":
        st.markdown(escape_markdown(scenario.situation))
    elif slide.kind == "discuss":
        st.markdown(escape_markdown(scenario.prompt))
    elif slide.kind == "protocols":
        show_protocols(model, slide.link, slides_on=slides_on)
    elif slide.kind == "flowchart":
        show_route_flowchart(model, slide.link, council, slides_on=slides_on)
    elif slide.kind == "question":
        show_question(model, questions[slide.question], chosen[slide.question], key=pick_key,
                      revealed=revealed)
    else:
        show_score(questions, chosen)


def show_protocols(model, link: ScenarioLink, *, slides_on: bool) -> None:
    """One row per council: what its protocol says and the clauses; in step-through, each council's card too."""
    corpus = model.corpus
    with st.container(key="scn-question"):
        st.markdown(f"**{escape_markdown(link_label(model, link))}**")
    results = [outcome(model, link, slug) for slug in corpus.councils]
    numbers = {r.council: ", ".join(cite.split(":", 1)[-1] for cite in r.cites) for r in results}  # row names council
    if slides_on:  # two columns leave the answers the width to fit a projector's screen
        rows = [{"Council": corpus.councils[r.council].short_name,
                 "What the protocol says (clauses)": summary(r) + (f" ({numbers[r.council]})" if r.cites else "")}
                for r in results]
        with st.container(key=f"scn-table-{table_size([row['What the protocol says (clauses)'] for row in rows])}"):
            st.table(rows, hide_index=True)
        return
    st.table([{"Council": corpus.councils[r.council].short_name, "What the protocol says": summary(r),
               "Clauses": numbers[r.council] or "—"} for r in results], hide_index=True)
    catalogue = model.routing.catalogue if link.kind == "route" else model.rules.catalogue
    for result in results:
        with st.expander(f"{corpus.councils[result.council].name}: {summary(result)}"):
            if isinstance(result, Answer):
                show_verdict_card(corpus, catalogue[link.slug], result)
            else:
                show_route_card(corpus, catalogue[link.slug], result)
            handbook_links(corpus, result.cites)


# The largest type (rem) at which a slide's table of five answers fits a 1024x768 screen, estimated
# from the answers' lengths: about 810 px of answer column, a character half the type size wide, rows of
# 1.3 lines plus padding, 470 px for the table. Checked over every scenario in Chromium (README).
TABLE_SIZES = {"large": 1.5, "medium": 1.3, "small": 1.1}
TABLE_HEIGHT_PX, ANSWER_WIDTH_PX = 470, 810


def table_size(answers: list[str]) -> str:
    """"large", "medium" or "small": the largest type in which the answers' table fits the slide."""
    for name, rem in TABLE_SIZES.items():
        px = rem * 16
        per_line = ANSWER_WIDTH_PX / (px / 2)
        height = px * 1.3 + 10 + sum(-(-len(text) // per_line) * px * 1.3 + 10 for text in answers)
        if height <= TABLE_HEIGHT_PX:
            return name
    return "small"


def show_route_flowchart(model, link: ScenarioLink, council: str, *, slides_on: bool) -> None:
    answer: Route = outcome(model, link, council)
    entry = model.routing.catalogue[link.slug]
    name = model.corpus.councils[council]
    st.markdown(f"**{escape_markdown(name.short_name)}:** {escape_markdown(entry.label)}"
                + ("" if slides_on else " (change council in the sidebar)"))
    if not answer.covered:
        st.info(f"Not covered by this protocol. {escape_markdown(answer.note)}", icon=":material/block:")
    elif slides_on:
        st.graphviz_chart(route_dot(model, answer, slide=True), width="stretch", alt=route_alt_text(answer))
    else:
        flowchart(route_dot(model, answer), alt=route_alt_text(answer), file_stem=f"{council}-{link.slug}",
                  key=f"scn_{link.slug}")


def option_label(question: QuizQuestion, index: int) -> str:
    return f"{option_letter(index).upper()}. {question.options[index]}"


def show_question(model, question: QuizQuestion, choice: int | None, *, key: str, revealed: bool,
                  quoted: set[str] | None = None) -> None:
    """The question and its lettered options to pick from; once answered, the options marked (the one chosen,
    the right one) in full contrast, and the result unless the trainer has hidden it."""
    if choice is None:
        st.radio(escape_markdown(question.prompt), range(len(question.options)), index=None, key=key,
                 format_func=lambda i: escape_markdown(option_label(question, i)))
        return
    st.markdown(escape_markdown(question.prompt))
    right = question.options.index(question.answer)
    marks = {index: [] for index in range(len(question.options))}
    marks[choice].append("your answer")
    if revealed:
        marks[right].append("✓ the answer")
    st.markdown("\n".join(f"- {escape_markdown(option_label(question, index))}"
                          + (f" — **{', '.join(marks[index])}**" if marks[index] else "")
                          for index in marks))
    if revealed:
        show_result(model, question, choice, quoted=quoted)


def show_result(model, question: QuizQuestion, choice: int, *, quoted: set[str] | None = None) -> None:
    """Right or not (in words and an icon), the right option, why, and the clauses it rests on, quoted
    (those not in ``quoted`` yet, the clauses already quoted on the page; it is updated)."""
    right = question.options.index(question.answer)
    if is_right(question, choice):
        st.success(f"**Correct: {escape_markdown(option_label(question, right))}**", icon=":material/check_circle:")
    else:
        st.error(f"**Not quite.** You chose {escape_markdown(option_letter(choice).upper())}; the answer is "
                 f"**{escape_markdown(option_label(question, right))}**", icon=":material/cancel:")
    st.markdown(escape_markdown(question.explanation))
    if question.cites:
        st.markdown("Based on " + ", ".join(clause_link(c) for c in question.cites))
        fresh = [c for c in question.cites if c not in (quoted or set())]
        quote_clauses(model.corpus, fresh)
        if quoted is not None:
            quoted.update(fresh)


def show_score(questions: list[QuizQuestion], chosen: tuple[int | None, ...]) -> None:
    right, answered = score(questions, chosen)
    with st.container(key="scn-score"):
        st.markdown(f"{right} of {answered} right" if answered else "No question answered yet")
    marks = []
    for number, (question, choice) in enumerate(zip(questions, chosen), 1):
        mark = "not answered" if choice is None else ("✓ right" if is_right(question, choice) else "✗ not right")
        marks.append(f"{number}. {mark}")
    st.markdown("  \n".join(marks))
