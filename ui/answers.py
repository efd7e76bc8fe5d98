"""Showing an engine answer: assumptions first, then the verdict or route, the reasons, and the quoted clauses.

Shared by the decision explorer, the escalation page and the trainers' scenarios. Everyone a step
reaches besides the person acting (sent to, via, copied in, told, kept informed) is named on a line of
its own under the step, and a step that happens alongside the one before says so, so the text list
carries everything the flowchart draws.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import streamlit as st

from logic.compare import clauses_on_topics
from logic.content import Corpus
from logic.decisions import CatalogueEntry
from logic.export import escape_markdown
from logic.overlay import is_placeholder
from logic.permissions import Answer
from logic.routing import OPTIONAL_PHRASE, RECIPIENT_PHRASE, Route, RouteStep, deadlines, first_contact
from ui.clauses import clause_link, quote_clauses, show_clause

VERDICT_BOXES = {"yes": st.success, "no": st.error, "conditional": st.warning, "not-covered": st.info}
VERDICT_ICONS = {"yes": ":material/check_circle:", "no": ":material/cancel:", "conditional": ":material/rule:",
                 "not-covered": ":material/help:"}
NOT_COVERED_CAPTION = ("This protocol has no clause on this, so nothing is cited. "
                       "Other councils' rules do not apply here.")


def show_assumptions(assumptions) -> None:
    if assumptions:
        st.markdown("**Assuming** " + "; ".join(escape_markdown(a) for a in assumptions) + ".")


def show_related_clauses(corpus: Corpus, council: str, topics: Iterable[str]) -> None:
    """Beside a "not covered" answer: the council's clauses on the question's topics, labelled as reading that
    does not answer the question (the engines found no rule in them, so they are not cited)."""
    topics = tuple(topics)
    if not topics:
        return
    labels = " or ".join(corpus.topics[t].label.lower() for t in topics)
    related = clauses_on_topics(corpus, council, topics)
    name = corpus.councils[council].short_name
    if not related:
        st.caption(f"{escape_markdown(name)}'s protocol has no clauses on {escape_markdown(labels)} either.")
        return
    with st.expander(f"Clauses on the same topic ({len(related)}): they do not answer this question",
                     icon=":material/menu_book:"):
        st.caption(f"What {escape_markdown(name)}'s protocol says about {escape_markdown(labels)}, for reading "
                   "around the question. None of it answers it, so none of it is cited above.")
        for clause in related:
            show_clause(corpus, clause)


def silence_heading(note: str) -> str:
    """An imported council whose rules nobody has written yet is "not answered yet", never "not covered":
    that would claim its protocol is silent."""
    return "Not answered yet." if is_placeholder(note) else "Not covered by this protocol."


def verdict_label(answer: Answer) -> str:
    if answer.verdict == "not-covered" and answer.reasons and is_placeholder(answer.reasons[0]):
        return "Not answered yet"
    return answer.verdict_in_words


def show_answer(corpus: Corpus, answer: Answer, *, large: bool = False, topics: Iterable[str] = ()) -> None:
    """A permission verdict: assumptions, verdict (text and icon, not colour alone), reasons, cites.

    A "not covered" answer offers the council's clauses on ``topics`` (the question's), clearly not cited.
    """
    show_assumptions(answer.assumptions)
    label = verdict_label(answer)
    verdict = f"## {label}" if large else f"**{label}**"
    VERDICT_BOXES[answer.verdict](verdict, icon=VERDICT_ICONS[answer.verdict])
    st.markdown("\n".join(f"- {escape_markdown(r)}" for r in answer.reasons))
    if answer.cites:
        st.markdown("Based on " + ", ".join(clause_link(c) for c in answer.cites))
        quote_clauses(corpus, answer.cites)
    else:
        st.caption(NOT_COVERED_CAPTION)
        show_related_clauses(corpus, answer.council, topics)


def reached_lines(step: RouteStep) -> list[str]:
    """Everyone a step reaches besides the person acting, one line per way ("Copied to **Monitoring Officer**"):
    people it is sent to are alternatives ("or"); people copied in, told or kept informed all are ("and")."""
    lines = []
    for optional, phrases in ((False, RECIPIENT_PHRASE), (True, OPTIONAL_PHRASE)):
        for how, phrase in phrases.items():
            labels = [f"**{escape_markdown(r.label)}**" for r in step.recipients_as(how) if r.optional == optional]
            if labels:
                line = phrase.format((" or " if how == "sent" else " and ").join(labels))
                lines.append(line[0].upper() + line[1:])
    return lines


def _when(step: RouteStep, steps: tuple[RouteStep, ...]) -> str:
    """"At the same time as step 1: " for a parallel step, and the step's own condition."""
    before = next((s.number for s in reversed(steps[:step.number - 1]) if not s.parallel), step.number - 1)
    parts = [f"At the same time as step {before}"] * step.parallel + [escape_markdown(step.condition)] * bool(
        step.condition)
    return "".join(f"_{part}:_ " for part in parts)


def _limit(step: RouteStep, due: dt.date | None) -> str:
    """The main limit in bold (dated when a start date is given), then any other limit of the same clause."""
    text = f" **Within {step.within}**" if step.within else ""
    if due:
        text += f" (by {due:%A %d %B %Y})"  # worked out from the main limit
    if step.other_limits:
        also = "; ".join(escape_markdown(str(o)) for o in step.other_limits)
        text += f"; also within {also}" if step.within else f" **Within {also}**"
    return text


def step_markdown(step: RouteStep, steps: tuple[RouteStep, ...], due: dt.date | None = None, *,
                  links: bool = True) -> str:
    """One numbered step: when, who acts, what they do, limits, cites; then everyone it reaches, indented.

    ``links``: cites link to the quoted cards below; without, they are plain ids (the cards are folded away).
    """
    cites = ", ".join(clause_link(c) if links else f"`{c}`" for c in step.cites)
    line = (f"{step.number}. {_when(step, steps)}**{escape_markdown(step.actor_label)}**: "
            f"{escape_markdown(step.action)}{_limit(step, due)} · {cites}")
    return "\n".join([line, *(f"    - {reached}" for reached in reached_lines(step))])


def _steps_markdown(answer: Route, start: dt.date | None, *, links: bool = True) -> str:
    dates = {s.number: d for s, d in deadlines(answer, start)} if start else {}
    return "\n".join(step_markdown(step, answer.steps, dates.get(step.number), links=links) for step in answer.steps)


def show_route_steps(corpus: Corpus, answer: Route, start: dt.date | None = None, *,
                     topics: Iterable[str] = (), quote: bool = True) -> None:
    """A route: assumptions, scope, numbered steps (with deadlines from ``start``), note, quoted clauses.

    A route the protocol does not cover says so plainly and offers the council's clauses on ``topics``.
    ``quote=False`` leaves the quoted clauses to the caller (to draw the flowchart between).
    """
    show_assumptions(answer.assumptions)
    if not answer.covered:
        st.info(f"**{silence_heading(answer.note)}** {escape_markdown(answer.note)}", icon=VERDICT_ICONS["not-covered"])
        show_related_clauses(corpus, answer.council, topics)
        return
    if answer.scope:
        st.markdown(f"**Applies:** {escape_markdown(answer.scope)}")
    st.markdown(_steps_markdown(answer, start))
    if answer.note:
        st.info(escape_markdown(answer.note), icon=":material/info:")
    if quote:
        quote_clauses(corpus, answer.cites)


def based_on(cites) -> str:
    """The clauses a card rests on, as plain ids: their quoted cards (the targets a citation link would
    jump to) are folded in the card's expander, where a link could not scroll."""
    return "Based on " + ", ".join(f"`{c}`" for c in cites)


def show_route_card(corpus: Corpus, entry: CatalogueEntry, answer: Route, start: dt.date | None = None) -> None:
    """One council's route among several (the assumptions are shown once, above the cards): its scope, whom to
    go to first and who that approach copies in, and every step with everyone it reaches and its limits.
    A route the protocol does not cover says so, with the note and the council's clauses on the topic."""
    if not answer.covered:
        st.markdown(f"{VERDICT_ICONS['not-covered']} **{silence_heading(answer.note)}** {escape_markdown(answer.note)}")
        show_related_clauses(corpus, answer.council, entry.topics)
        return
    lines = []
    if answer.scope:
        lines.append(f"**Applies:** {escape_markdown(answer.scope)}")
    contact = first_contact(answer, entry.asker_for(answer.params))
    if contact:
        lines.append(f"**First go to:** {escape_markdown(contact.in_words)}")
    if lines:
        st.markdown("  \n".join(lines))
    st.markdown(_steps_markdown(answer, start, links=False))


def show_verdict_card(corpus: Corpus, entry: CatalogueEntry, answer: Answer) -> None:
    """One council's verdict among several (the assumptions are shown once, above the cards): the verdict in
    words with its icon, every reason, and the clauses; a silent protocol's clauses on the topic, uncited."""
    st.markdown(f"{VERDICT_ICONS[answer.verdict]} **{escape_markdown(verdict_label(answer))}**")
    st.markdown("\n".join(f"- {escape_markdown(r)}" for r in answer.reasons))
    if answer.cites:
        st.markdown(based_on(answer.cites))
    else:
        st.caption(NOT_COVERED_CAPTION)
        show_related_clauses(corpus, answer.council, entry.topics)
