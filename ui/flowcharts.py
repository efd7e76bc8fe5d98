"""Drawing a flowchart with its text alternative and downloads (DOT always, SVG/PNG when possible)."""

from __future__ import annotations

import streamlit as st

from logic.flowchart import render, renderer_available
from logic.routing import Route


def route_alt_text(answer: Route) -> str:
    if not answer.covered:
        return "Flowchart: not covered by this protocol."
    steps = "; ".join(f"step {s.number}, {'at the same time, ' * s.parallel}{s.actor_label}"
                      + (f" ({s.reaches})" if s.recipients else "") for s in answer.steps)
    scope = f" (applies: {answer.scope})" if answer.scope else ""
    return f"Flowchart of the route{scope}: {steps}. The same steps are listed as text on this page."


def flowchart(dot: str, *, alt: str, file_stem: str, key: str, wide: bool = False) -> None:
    st.graphviz_chart(dot, width="stretch" if wide else "content", alt=alt)  # never wider than the page
    st.caption("The numbered steps are the same route in words. On a small screen, download the SVG to zoom in.")
    files = st.container(horizontal=True)
    files.download_button("Download DOT", dot, file_name=f"{file_stem}.dot", mime="text/vnd.graphviz",
                          key=f"dot_{key}", icon=":material/download:")
    if renderer_available():
        files.download_button("Download SVG", lambda: render(dot, "svg"), file_name=f"{file_stem}.svg",
                              mime="image/svg+xml", key=f"svg_{key}", icon=":material/download:")
        files.download_button("Download PNG", lambda: render(dot, "png"), file_name=f"{file_stem}.png",
                              mime="image/png", key=f"png_{key}", icon=":material/download:")
    else:
        st.caption("Picture downloads (SVG, PNG) are not available on this server. "
                   "You can still download the chart's DOT file.")
