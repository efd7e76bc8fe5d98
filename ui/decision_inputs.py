"""Inputs and layout shared by the decision pages: pick a scenario/question, answer its parameters (the URL is
kept in step with them by :mod:`ui.url_state`), and lay the councils' answers out as cards."""

from __future__ import annotations

from collections.abc import Iterator

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from logic.compare import council_order
from logic.content import Corpus
from logic.decisions import CatalogueEntry
from logic.export import escape_markdown
from logic.safe_text import clip
from ui.chrome import council_chosen, current_council

# Three cards side by side beside the sidebar at 1440 px (980 px of page), two at 1024 (563 px), one on a phone.
CARD_WIDTH = 270


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


def all_councils(count: int) -> str:
    return "All five councils" if count == 5 else f"All {count} councils"


def choose_view(prefix: str, council_name: str, count: int = 5) -> str:
    """Your council only, or all of them side by side."""
    labels = {"one": f"{council_name} only", "all": f"{all_councils(count)} side by side"}
    return st.segmented_control("Show", list(VIEWS), key=f"{prefix}_view", required=True, format_func=labels.get)


def visitors_council(corpus: Corpus) -> str | None:
    """The council the visitor said is theirs (shown first and marked "your council"), or None before they chose."""
    return current_council(corpus) if council_chosen(corpus) else None


def yours_first(corpus: Corpus, mine: str | None) -> str:
    """The lead of a caption over the cards: "Maldon (your council) first. " once the visitor has chosen."""
    return f"{escape_markdown(corpus.councils[mine].short_name)} (your council) first. " if mine else ""


def council_cards(corpus: Corpus, first: str | None) -> Iterator[tuple[str, DeltaGenerator]]:
    """A bordered card per council headed with its name, the visitor's council first. The cards wrap: side by
    side on a wide screen, one under another on a phone (a table of five long rows is unreadable at 390 px)."""
    row = st.container(horizontal=True, wrap=True, gap="small")
    for slug in council_order(corpus, corpus.councils, first):
        card = row.container(border=True, width=CARD_WIDTH)
        name = corpus.councils[slug].short_name + (" (your council)" if slug == first else "")
        card.subheader(escape_markdown(name), anchor=False)
        yield slug, card
