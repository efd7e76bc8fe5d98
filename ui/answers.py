"""Showing an engine answer: assumptions first, then the verdict or route, the reasons, and the quoted clauses.

Shared by the decision explorer, the escalation page and the trainers' scenarios.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from logic.content import Corpus
from logic.export import escape_markdown
from logic.permissions import Answer
from logic.routing import Route, deadlines
from ui.clauses import clause_link, quote_clauses

VERDICT_BOXES = {"yes": st.success, "no": st.error, "conditional": st.warning, "not-covered": st.info}
VERDICT_ICONS = {"yes": ":material/check_circle:", "no": ":material/cancel:", "conditional": ":material/rule:",
                 "not-covered": ":material/help:"}


def show_assumptions(assumptions) -> None:
    if assumptions:
        st.markdown("**Assuming** " + "; ".join(escape_markdown(a) for a in assumptions) + ".")


def show_answer(corpus: Corpus, answer: Answer, *, large: bool = False) -> None:
    """A permission verdict: assumptions, verdict (text and icon, not colour alone), reasons, cites."""
    show_assumptions(answer.assumptions)
    verdict = f"## {answer.verdict_label}" if large else f"**{answer.verdict_label}**"
    VERDICT_BOXES[answer.verdict](verdict, icon=VERDICT_ICONS[answer.verdict])
    st.markdown("\n".join(f"- {escape_markdown(r)}" for r in answer.reasons))
    if answer.cites:
        st.markdown("Based on " + ", ".join(clause_link(c) for c in answer.cites))
        quote_clauses(corpus, answer.cites)
    else:
        st.caption("This protocol has no clause on this, so nothing is cited. "
                   "Other councils' rules do not apply here.")


def show_route_steps(corpus: Corpus, answer: Route, start: dt.date | None = None) -> None:
    """A route: assumptions, numbered steps (with deadlines from ``start``), note, quoted clauses."""
    show_assumptions(answer.assumptions)
    if not answer.covered:
        st.info(f"**Not covered by this protocol.** {escape_markdown(answer.note)}", icon=VERDICT_ICONS["not-covered"])
        return
    if answer.scope:
        st.markdown(f"**Applies:** {escape_markdown(answer.scope)}")
    dates = {s.number: d for s, d in deadlines(answer, start)} if start else {}
    lines = []
    for step in answer.steps:
        condition = "".join(f"_{escape_markdown(c)}:_ " for c in ("At the same time" * step.parallel, step.condition)
                            if c)
        limit = f" **Within {step.within}**" if step.within else ""
        if dates.get(step.number):
            limit += f" (by {dates[step.number]:%A %d %B %Y})"  # worked out from the main limit
        if step.other_limits:
            also = "; ".join(escape_markdown(str(o)) for o in step.other_limits)
            limit += f"; also within {also}" if step.within else f" **Within {also}**"
        cites = ", ".join(clause_link(c) for c in step.cites)
        reaches = f" ({escape_markdown(step.reaches)})" if step.recipients else ""
        lines.append(f"{step.number}. {condition}**{escape_markdown(step.actor_label)}**{reaches}: "
                     f"{escape_markdown(step.action)}{limit} · {cites}")
    st.markdown("\n".join(lines))
    if answer.note:
        st.info(escape_markdown(answer.note), icon=":material/info:")
    quote_clauses(corpus, answer.cites)
