"""The only place pages get content from: the shared model, and a visitor's own imported councils.

Work that is the same for everyone (loading and validating the content, the search index, shared
wording, handbook files) is done once per server process in ``st.cache_resource`` /
``st.cache_data``. A visitor who imports a council gets a model of their own
(:func:`logic.overlay.with_councils` over the shared one), held in their session state only:
it and everything derived from it (their search index, their comparison tables) never enter a
shared cache, so no other visitor can see it or change what others see.

Each shared object, once built, is moved out of the garbage collector's sight (:func:`_kept_for_good`):
Streamlit runs a full collection after every script run, and without this every page run would walk the
whole content model, the indexes and every module loaded so far (docs/production.md, "Where a page run's CPU goes").
"""

from __future__ import annotations

import datetime as dt
import gc
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import streamlit as st

from logic.content import DEFAULT_CONTENT_DIR, ContentError
from logic.export import handbook_blocks, to_markdown, to_pdf
from logic.model import Model, load_model

CONTENT_ENV = "PROTOCOL_EXPLORER_CONTENT"
# Session state: {slug: logic.content.Council} imported by this visitor (see pages/import.py).
IMPORTED_KEY = "imported_councils"
_SESSION_MODEL_KEY = "_session_model"
T = TypeVar("T")


def content_dir() -> Path:
    """The bundled content, unless the deployment points elsewhere."""
    return Path(os.environ.get(CONTENT_ENV) or DEFAULT_CONTENT_DIR)


def _kept_for_good(value: T) -> T:
    """``value``, with everything alive now (it, the modules imported so far) frozen out of garbage collection.

    Streamlit calls ``gc.collect(2)`` after every script run (``runner.postScriptGC``), and a full
    collection walks every tracked object in the process: 130,000 once the content is loaded, 55-110 ms
    of every page run. Frozen objects are skipped, so each run walks only what was made since. Called
    once per shared cache entry, a number the code bounds. Unfreezing first lets the collection free what
    an earlier freeze kept that has died since (a cache cleared by :func:`reload_content`), so nothing leaks.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    return value


@st.cache_resource(show_spinner="Loading the protocols…")
def _cached_model(root: str) -> Model:
    return _kept_for_good(load_model(root))


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


def shared_model() -> Model:
    """The bundled councils, as every visitor sees them, or a readable page of content errors (and stop)."""
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


def imported_councils() -> dict:
    """This visitor's imported councils (slug -> Council), in the order they were added."""
    return st.session_state.get(IMPORTED_KEY) or {}


def has_imports() -> bool:
    return bool(imported_councils())


def _session_entry() -> dict | None:
    """This visitor's own model and what has been derived from it, rebuilt when their imports change."""
    imported = imported_councils()
    if not imported:
        return None
    version = tuple((slug, id(council)) for slug, council in imported.items())
    entry = st.session_state.get(_SESSION_MODEL_KEY)
    if entry is None or entry["version"] != version:
        from logic.overlay import with_councils

        entry = {"version": version, "model": with_councils(shared_model(), list(imported.values())), "derived": {}}
        st.session_state[_SESSION_MODEL_KEY] = entry
    return entry


def get_model() -> Model:
    """The model this visitor sees: the shared one, plus any council they imported this session."""
    entry = _session_entry()
    return entry["model"] if entry else shared_model()


def _derived(name: str, shared: Callable[[str], T], build: Callable[[Model], T]) -> T:
    """``shared(root)`` (cached once for everyone) unless this visitor has imports; then ``build`` on
    their own model, kept in their session only."""
    entry = _session_entry()
    if entry is None:
        return shared(str(content_dir()))
    if name not in entry["derived"]:
        entry["derived"][name] = build(entry["model"])
    return entry["derived"][name]


# ------------------------------------------------------------------ derived data, shared when it can be


def _build_search_index(model: Model):
    from logic.search import SearchIndex

    return SearchIndex(model.corpus)


def _build_shared_wording(model: Model) -> list:
    from logic.compare import shared_wording

    return shared_wording(model.corpus)


@st.cache_resource(show_spinner="Building the search index…")
def _shared_search_index(root: str):
    return _kept_for_good(_build_search_index(_cached_model(root)))


@st.cache_resource(show_spinner="Finding shared wording…")
def _shared_wording_pairs(root: str) -> list:
    return _kept_for_good(_build_shared_wording(_cached_model(root)))


def search_index():
    """The fuzzy search index over every council this visitor sees."""
    return _derived("search_index", _shared_search_index, _build_search_index)


def shared_wording_pairs() -> list:
    """Near-identical passages across the councils this visitor sees."""
    return _derived("shared_wording", _shared_wording_pairs, _build_shared_wording)


def derived(name: str, build: Callable[[Model], Any]) -> Any:
    """Anything else computed from the whole model (a comparison table, say): once per server for the
    shared model (``st.cache_resource``), once per session for a visitor with imports."""
    return _derived(name, lambda root: _shared_derived(root, name, build), build)


@st.cache_resource(show_spinner=False)
def _shared_derived(root: str, name: str, _build: Callable[[Model], Any]) -> Any:
    """Keyed by content folder and ``name`` (the leading underscore keeps Streamlit from hashing the builder)."""
    return _kept_for_good(_build(_cached_model(root)))


@st.cache_data(show_spinner=False, max_entries=32)
def _shared_handbook_markdown(root: str, slug: str, generated: dt.date) -> str:
    return to_markdown(handbook_blocks(_cached_model(root).corpus, slug, generated))


@st.cache_data(show_spinner=False, max_entries=32)
def _shared_handbook_pdf(root: str, slug: str, generated: dt.date) -> bytes:
    return to_pdf(handbook_blocks(_cached_model(root).corpus, slug, generated))


def handbook_markdown(slug: str) -> str:
    """A council's handbook as Markdown: cached (per day, since it prints the date) for the bundled
    councils, built afresh for an imported one."""
    today = dt.date.today()
    if slug in imported_councils():
        return to_markdown(handbook_blocks(get_model().corpus, slug, today))
    return _shared_handbook_markdown(str(content_dir()), slug, today)


def handbook_pdf(slug: str) -> bytes:
    """A council's handbook as PDF (about half a second to build, so only on a download click)."""
    today = dt.date.today()
    if slug in imported_councils():
        return to_pdf(handbook_blocks(get_model().corpus, slug, today))
    return _shared_handbook_pdf(str(content_dir()), slug, today)


def reload_content() -> None:
    """Forget everything built from the content folder (after a council was saved into it, on a deployment
    that allows saving): the next run loads the folder again, for this visitor's own model too."""
    st.cache_resource.clear()
    st.cache_data.clear()
    st.session_state.pop(_SESSION_MODEL_KEY, None)
