"""The coverage heatmap on the Compare page: drawn as a dataframe whose cells can be clicked (single-cell
selection), with the URL's topic shown as selected and each new click told apart from a selection that is
only being restored.

A click reruns the page with the dataframe's selection in session state; :func:`new_click` reads it before
the page draws its topic picker, so the picker can follow the click in the same run.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from logic.content import Corpus
from logic.export import escape_markdown

GAP_STYLE = "background-color: #fde2e1; color: #7a1515; font-weight: 600"
COUNT_STYLES = ["background-color: #e8f0fb", "background-color: #c5d8f5", "background-color: #9dbcec"]
ROW_HEIGHT = 35  # Streamlit's dataframe rows and header


def _seen_key(key: str) -> str:
    return f"{key}_seen"


def _cells(key: str) -> list[list]:
    selection = (st.session_state.get(key) or {}).get("selection") or {}
    return [list(cell) for cell in selection.get("cells") or []]


def show_as_selected(key: str, row: int | None) -> None:
    """Select the topic column of ``row`` (None: nothing), as a restored state rather than a click."""
    cells = [[row, "Topic"]] if row is not None else []
    st.session_state[key] = {"selection": {"rows": [], "columns": [], "cells": cells}}
    st.session_state[_seen_key(key)] = cells


def clear(key: str) -> None:
    """Nothing selected (when the panel a click opened is closed, so the same cell can be clicked again)."""
    show_as_selected(key, None)


def new_click(corpus: Corpus, key: str) -> tuple[str, str | None] | None:
    """The topic, and the council for a count, of a cell the visitor has just clicked; else None."""
    cells = _cells(key)
    if cells == st.session_state.get(_seen_key(key)):
        return None
    st.session_state[_seen_key(key)] = cells
    topics = list(corpus.topics)
    if not cells or not 0 <= cells[0][0] < len(topics):
        return None
    by_name = {council.short_name: slug for slug, council in corpus.councils.items()}
    return topics[cells[0][0]], by_name.get(cells[0][1])


def _style(counts: pd.DataFrame):
    """A cell's colour by its count (a gap in red), beside its words: colour is never the only signal."""
    def style(column):
        if column.name == counts.columns[0]:
            return [""] * len(column)
        return [GAP_STYLE if n == 0 else COUNT_STYLES[min(n, 4) // 2] for n in counts[column.name]]
    return style


def draw(counts: pd.DataFrame, cells: pd.DataFrame, key: str) -> None:
    """The heatmap: ``cells`` (counts in words, "✗ Gap") coloured by ``counts``; every row shown, the topic pinned."""
    st.dataframe(cells.style.apply(_style(counts)), hide_index=True, on_select="rerun", selection_mode="single-cell",
                 key=key, height=ROW_HEIGHT * (len(cells) + 1) + 3,
                 column_config={"Topic": st.column_config.TextColumn(pinned=True)},
                 alt="Coverage heatmap (the same gaps are listed in words below)")


def counts_in_words(corpus: Corpus, cells: pd.DataFrame, topic: str, councils: list[str]) -> str:
    """"Maldon 2 clauses · Allerdale ✗ Gap · …": a topic's row of the heatmap, as text."""
    row = cells.iloc[list(corpus.topics).index(topic)]
    return " · ".join(f"{escape_markdown(corpus.councils[slug].short_name)} {row[corpus.councils[slug].short_name]}"
                      for slug in councils)
