"""The bare page the load driver measures the app against (``python -m tests.load_ws``).

The least a Streamlit app with st.navigation can do: one page that shows a heading. Served by
the same Streamlit, with the same ``.streamlit/config.toml`` (the server is started from the
repository root), so the difference between it and app.py is the app's own cost.
"""

import streamlit as st


def bare_page() -> None:
    st.title("Bare page")


st.navigation([st.Page(bare_page, title="Bare page", url_path="bare", default=True)]).run()
