"""Projector styling for presentation mode. A fixed stylesheet: no user or content text goes in it."""

import streamlit as st

PRESENTATION_CSS = """<style>
[data-testid="stMainBlockContainer"] p,
[data-testid="stMainBlockContainer"] li { font-size: 1.55rem; line-height: 1.5; }
[data-testid="stMainBlockContainer"] h1 { font-size: 3rem; }
[data-testid="stMainBlockContainer"] h2 { font-size: 2.3rem; }
</style>"""


def use_projector_styles() -> None:
    st.html(PRESENTATION_CSS)
