"""Cached access to the validated model, the only place pages get content from."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from logic.content import DEFAULT_CONTENT_DIR, ContentError
from logic.export import handbook_blocks, to_markdown, to_pdf
from logic.model import Model, load_model

CONTENT_ENV = "PROTOCOL_EXPLORER_CONTENT"


def content_dir() -> Path:
    """The bundled content, unless the deployment points elsewhere."""
    return Path(os.environ.get(CONTENT_ENV) or DEFAULT_CONTENT_DIR)


@st.cache_resource(show_spinner="Loading the protocols…")
def _cached_model(root: str) -> Model:
    return load_model(root)


def _ensure_navigation_app() -> None:
    """Route a page run through app.py when Streamlit ran the page file on its own.

    Until a process first calls ``st.navigation``, Streamlit treats an app with a ``pages/``
    folder as a legacy multipage app: a visitor whose first request is a deep link (``/handbook``)
    gets the page file run directly, without app.py's navigation and chrome. Switching that mode
    off and rerunning sends the same URL through app.py, which is what ``st.navigation`` would
    have done.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def get_model() -> Model:
    """The model, or a readable page of content errors (and stop) when validation fails."""
    _ensure_navigation_app()
    try:
        return _cached_model(str(content_dir()))
    except ContentError as exc:
        st.title("The protocol content has errors")
        st.error(f"The app cannot start because {len(exc.problems)} content problem(s) were found. "
                 "Nothing has been changed. Fix these files and reload:")
        st.dataframe([{"file": p.path, "line": p.line or "", "problem": p.message, "how to fix": p.fix}
                      for p in exc.problems], hide_index=True)
        st.stop()


@st.cache_data(show_spinner=False, max_entries=16)
def handbook_markdown(root: str, slug: str) -> str:
    """The council's handbook as Markdown (built once per council)."""
    return to_markdown(handbook_blocks(_cached_model(root).corpus, slug))


@st.cache_data(show_spinner=False, max_entries=16)
def handbook_pdf(root: str, slug: str) -> bytes:
    """The council's handbook as PDF: about half a second to build, so only on a download click."""
    return to_pdf(handbook_blocks(_cached_model(root).corpus, slug))


@st.cache_resource(show_spinner="Finding shared wording…")
def shared_wording_pairs(root: str) -> list:
    """Near-identical passages across councils (computed once per content folder)."""
    from logic.compare import shared_wording

    return shared_wording(_cached_model(root).corpus)


@st.cache_resource(show_spinner="Building the search index…")
def search_index(root: str):
    """The fuzzy search index, built once per content folder and shared by every session."""
    from logic.search import SearchIndex

    return SearchIndex(_cached_model(root).corpus)
