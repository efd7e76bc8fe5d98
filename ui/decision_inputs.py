"""Inputs shared by the decision pages: pick a scenario/question, answer its parameters, keep the URL in step.

Widget values are seeded from the URL whenever the URL changes from what this page last wrote
(a deep link, or a link from another page), and written back to the URL after every change, so
the address bar always reproduces the view.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from logic.decisions import CatalogueEntry
from logic.export import escape_markdown
from logic.safe_text import clip
from ui.chrome import COUNCIL_KEY


def seed_from_url(prefix: str, url_values: dict[str, str],
                  to_widget: dict[str, Callable[[str], Any]] | None = None) -> None:
    """Set the page's widgets from the URL's (validated) strings when the URL changed under us.

    ``to_widget`` converts a string where a widget holds another type (a toggle's bool).
    """
    marker = f"{prefix}__from_url"
    last_written = st.session_state.get(marker) or {}
    if {name: last_written.get(name) for name in url_values} != url_values:
        for name, value in url_values.items():
            st.session_state[f"{prefix}_{name}"] = (to_widget or {}).get(name, str)(value)
        st.session_state[marker] = url_values


def write_url(prefix: str, values: dict[str, str]) -> None:
    """Mirror the page's choices in the URL (keeping the council)."""
    st.session_state[f"{prefix}__from_url"] = dict(values)
    wanted = {COUNCIL_KEY: st.session_state.get(COUNCIL_KEY, ""), **values}
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


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
