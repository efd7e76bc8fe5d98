"""Inputs shared by the decision pages: pick a scenario/question, answer its parameters (the URL is kept in
step with them by :mod:`ui.url_state`)."""

from __future__ import annotations

import streamlit as st

from logic.decisions import CatalogueEntry
from logic.export import escape_markdown
from logic.safe_text import clip


def choose_entry(catalogue: dict[str, CatalogueEntry], prefix: str, slug_key: str, label: str) -> CatalogueEntry:
    slug = st.selectbox(label, list(catalogue), key=f"{prefix}_{slug_key}",
                        format_func=lambda s: catalogue[s].label)
    return catalogue[slug]


def answer_params(entry: CatalogueEntry, prefix: str) -> dict[str, str]:
    """One input per parameter, labelled in plain language (never slugs)."""
    values = {}
    # Two to a row: four side by side are too narrow to read on an 800-px screen.
    params = list(entry.params.items())
    columns = [column for _ in range(0, len(params), 2) for column in st.columns(2)]
    for column, (name, param) in zip(columns, params):
        key = f"{prefix}_{name}"
        if st.session_state.get(key) not in param.values:
            st.session_state[key] = param.default
        options = list(param.values)
        with column:
            widget = st.radio if len(options) <= 3 else st.selectbox
            values[name] = widget(param.prompt, options, key=key, format_func=lambda v, p=param: p.values[v].label)
    return values


VIEWS = ("one", "all")


def view_from_url() -> str:
    """``?view=one|all`` from the URL; anything else is reported and read as 'one'."""
    wanted = st.query_params.get("view")
    if wanted is not None and wanted not in VIEWS:
        st.warning(f"“{escape_markdown(clip(wanted))}” is not a view of this page; showing your council only.",
                   icon=":material/link_off:")
    return wanted if wanted in VIEWS else "one"


def choose_view(prefix: str, council_name: str) -> str:
    """Your council only, or all five side by side."""
    labels = {"one": f"{council_name} only", "all": "All five councils side by side"}
    return st.segmented_control("Show", list(VIEWS), key=f"{prefix}_view", required=True, format_func=labels.get)
