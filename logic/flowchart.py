"""Escalation flowcharts as graphviz DOT, built from the routing data.

Building DOT needs only the ``graphviz`` Python package (no system binary): the browser draws
it through ``st.graphviz_chart``. SVG/PNG export needs the ``dot`` binary, detected by
:func:`renderer_available`. Output is deterministic: node ids come from case and step
positions, never from hashes or dict order that could change between runs.

A council's scenario is an if/elif chain of cases, so its whole tree is drawn as a chain of
decision diamonds ("Is it X?" yes -> that case's steps; no -> next question), ending in the
general case or in "not covered". The chosen path is drawn bold and thick, so it does not rely
on colour alone.
"""

from __future__ import annotations

import shutil
import textwrap

import graphviz

from logic.decisions import describe_when
from logic.model import Model
from logic.routing import RECIPIENT_HOW, Route, RouteStep, titled_steps

WRAP = 34
MAX_LABEL = 1200
HIGHLIGHT = {"color": "#0b3d91", "penwidth": "3", "style": "bold"}
MUTED = {"color": "#505a5f"}
FONT = {"fontname": "Helvetica", "fontsize": "12"}
# A projector slide shows the chart as large as the screen allows (the browser scales it to fit), so a
# slide's chart is compact: no title (the slide has its heading), the situation in a few words, each
# step's box naming who acts, everyone it reaches, the limit and the clauses (the action sentence is
# in the route's text), wider lines and tighter spacing. Measured in Chromium over every scenario's
# route for every council on a 1024x768 slide: box text 15-42 px (median 42; 6 of 76 under 20 px,
# the five-step routes); the full chart fitted to the same slide would give 5-16 px (median 16).
SLIDE_WRAP = 56
SLIDE_SPACING = {"nodesep": "0.15", "ranksep": "0.25"}


def _label(*lines: str, width: int = WRAP) -> str:
    """A DOT label that Graphviz reads literally: each line wrapped to ``width``.

    Labels may one day come from imported text: control characters are dropped, the length is
    bounded (Graphviz refuses very long strings), and backslashes and ``<...>`` lose their DOT
    meaning (``graphviz.escape``).
    """
    wrapped = []
    for line in lines:
        printable = "".join(ch if ch.isprintable() else " " for ch in line)
        wrapped.extend(textwrap.wrap(" ".join(printable.split()), width))
    return graphviz.escape("\n".join(wrapped)[:MAX_LABEL] or " ")


def _graph(title: str, *, slide: bool = False) -> graphviz.Digraph:
    graph_attr = {"rankdir": "TB", "label": _label(title, width=70), "labelloc": "t", "fontsize": "14",
                  "fontname": "Helvetica", "nodesep": "0.3"}
    if slide:
        del graph_attr["label"], graph_attr["labelloc"]
        graph_attr.update(SLIDE_SPACING)
    graph = graphviz.Digraph(name="route", graph_attr=graph_attr,
                             node_attr={**FONT, "shape": "box", "style": "rounded", "color": "#0b0c0c"},
                             edge_attr={**FONT, "fontsize": "10"})
    return graph


def _step_label(step: RouteStep) -> str:
    sent_to = " or ".join(r.label for r in step.recipients_as("sent"))
    return _label(f"{step.number}. {step.actor_label}", f"To: {sent_to}" if sent_to else "", step.action,
                  f"Within {step.limits_text}" if step.limits_text else "", f"[{', '.join(step.cites)}]")


def _slide_step_label(step: RouteStep) -> str:
    """A step's box on a slide: who acts, everyone it reaches (one line per way), the limit and the clauses."""
    reached = []
    for how, words in RECIPIENT_HOW.items():
        labels = [r.label for r in step.recipients_as(how)]
        if labels:
            reached.append(f"{words[0].upper()}{words[1:]}: {(' or ' if how == 'sent' else ' and ').join(labels)}")
    numbers = ", ".join(cite.split(":", 1)[-1] for cite in step.cites)  # the slide names the council
    return _label(f"{step.number}. {step.actor_label}", *reached,
                  f"Within {step.limits_text}" if step.limits_text else "", f"[{numbers}]", width=SLIDE_WRAP)


def _add_steps(graph, prefix: str, entry_node: str, steps: tuple[RouteStep, ...], highlighted: bool,
               entry_label: str = "", *, slide: bool = False) -> None:
    """Draw a case's steps as a chain of role boxes from ``entry_node``.

    People a step copies in, tells or keeps informed hang off it as their own boxes (dashed
    arrow, labelled in words); on a ``slide`` they are named inside the step's box instead. A
    parallel step leaves from the same place as the step before it and sits level with it.
    """
    previous, before_previous = entry_node, entry_node
    for step in steps:
        node = f"{prefix}_s{step.number}"
        graph.node(node, _slide_step_label(step) if slide else _step_label(step),
                   **({"penwidth": "3", "style": "rounded,bold"} if highlighted else {}))
        label = ": ".join(x for x in (entry_label if step.number == 1 else "",
                                      "At the same time" if step.parallel else "", step.condition) if x)
        source = before_previous if step.parallel else previous
        graph.edge(source, node, label=_label(label, width=SLIDE_WRAP if slide else 24) if label else "",
                   **(HIGHLIGHT if highlighted else MUTED))
        if step.parallel:
            with graph.subgraph(name=f"{prefix}_together{step.number}") as level:
                level.attr(rank="same")
                level.node(previous)
                level.node(node)
        for index, recipient in enumerate(r for r in step.recipients if r.how != "sent" and not slide):
            extra = f"{node}_r{index}"
            graph.node(extra, _label(recipient.label), shape="box", style="rounded,dashed")
            graph.edge(node, extra, label=_label(RECIPIENT_HOW[recipient.how], width=16), style="dashed",
                       arrowhead="open", **MUTED)
        if not step.parallel:
            before_previous = source
        previous = node


def route_dot(model: Model, answer: Route, *, slide: bool = False) -> str:
    """The flowchart of one evaluated route (every node is on the chosen path); ``slide``: the compact
    chart for a projector slide (see SLIDE_WRAP)."""
    council = model.corpus.councils[answer.council]
    entry = model.routing.catalogue[answer.scenario]
    graph = _graph(f"{council.short_name}: {entry.label}", slide=slide)
    graph.node("start", _label(entry.label if slide else entry.question,
                               f"Applies: {answer.scope}" if answer.scope else "", width=SLIDE_WRAP if slide else WRAP),
               shape="note")
    if not answer.covered:
        graph.node("not_covered", _label(answer.note), shape="box", style="dashed")
        graph.edge("start", "not_covered", **HIGHLIGHT)
    else:
        _add_steps(graph, "route", "start", answer.steps, highlighted=True, slide=slide)
    return graph.source


def scenario_tree_dot(model: Model, council_slug: str, scenario: str, chosen: Route | None = None) -> str:
    """The whole decision tree of a council's scenario; the ``chosen`` route's path highlighted."""
    council = model.corpus.councils[council_slug]
    entry = model.routing.catalogue[scenario]
    cases = model.routing.answers.get(council_slug, {}).get(scenario, [])
    chosen_index = chosen.case_index if chosen is not None else None
    graph = _graph(f"{council.short_name}: {entry.label}")
    graph.node("start", _label(entry.question), shape="note")
    previous, previous_label, on_path = "start", "", chosen is not None
    for index, case in enumerate(cases):
        picked = chosen_index == index
        if case.when:
            decision = f"d{index}"
            graph.node(decision, _label(describe_when(entry, case.when) + "?", width=26), shape="diamond",
                       style="solid")
            graph.edge(previous, decision, label=previous_label, **(HIGHLIGHT if on_path else MUTED))
            target_from, yes_label = decision, "Yes"
        else:
            target_from, yes_label = previous, previous_label
        prefix = f"c{index}"
        if case.covered:
            _add_steps(graph, prefix, target_from, titled_steps(model.corpus, council_slug, case),
                       highlighted=picked, entry_label=yes_label)
            outcome = f"{prefix}_s1"
        else:
            outcome = f"{prefix}_nc"
            graph.node(outcome, _label(case.note), style="dashed")
            graph.edge(target_from, outcome, label=yes_label, **(HIGHLIGHT if picked else MUTED))
        # Graphviz (2.43) aborts when a node is in two rank=same groups: a first step that runs in
        # parallel with the second is already level with it, so it is not also put level with its question.
        shares_a_level = case.covered and len(case.steps) > 1 and case.steps[1].parallel
        if case.when and not shares_a_level:
            # Each question sits level with its answer, so the tree grows down in two columns
            # instead of a staircase that is too wide to read on a narrow screen.
            with graph.subgraph(name=f"level{index}") as level:
                level.attr(rank="same")
                level.node(target_from)
                level.node(outcome)
        if not case.when:
            return graph.source  # a general case ends the chain: later cases are unreachable
        previous, previous_label = target_from, "No"
        on_path = on_path and not picked
    graph.node("fallthrough", "Not covered by this protocol\nfor these circumstances", style="dashed")
    graph.edge(previous, "fallthrough", label=previous_label, **(HIGHLIGHT if on_path else MUTED))
    return graph.source


def renderer_available() -> bool:
    """SVG/PNG export needs Graphviz's ``dot`` binary; DOT itself never does."""
    return shutil.which("dot") is not None


def render(dot: str, fmt: str) -> bytes:
    """Render DOT to ``svg`` or ``png`` bytes with the ``dot`` binary."""
    if fmt not in ("svg", "png"):
        raise ValueError("format must be svg or png")
    return graphviz.Source(dot).pipe(format=fmt)
