"""Protocol Explorer: the router and picture frame.

Sets up the page, loads the validated content (or shows its errors), draws the shared chrome
(council picker, ask-or-search box, and on a first visit "Which council are you?") and runs the chosen page.
"""

import streamlit as st

from ui.chrome import PAGE_FILES, council_prompt, sidebar, use_chrome_styles
from ui.data import get_model
from ui.print_styles import use_print_styles

# Presentation mode (trainers on a projector) opens with the sidebar out of the way.
SIDEBAR = "collapsed" if st.query_params.get("mode") == "present" else "auto"
st.set_page_config(page_title="Protocol Explorer", page_icon=":material/account_balance:", layout="wide",
                   initial_sidebar_state=SIDEBAR)

# A flat list, not sections: Streamlit draws sectioned sidebar navigation as <ul><div><li>,
# which is invalid list markup for screen readers (axe "list"/"listitem", WCAG 1.3.1).
PAGES = [
    st.Page(PAGE_FILES["home"], title="Home", icon=":material/home:", url_path="home", default=True),
    st.Page(PAGE_FILES["handbook"], title="Handbook", icon=":material/menu_book:", url_path="handbook"),
    st.Page(PAGE_FILES["search"], title="Search", icon=":material/search:", url_path="search"),
    st.Page(PAGE_FILES["glossary"], title="Glossary", icon=":material/dictionary:", url_path="glossary"),
    st.Page(PAGE_FILES["escalation"], title="Who do I go to?", icon=":material/account_tree:", url_path="escalation"),
    st.Page(PAGE_FILES["explorer"], title="May I…?", icon=":material/rule:", url_path="explorer"),
    st.Page(PAGE_FILES["scenarios"], title="Scenarios and quiz", icon=":material/co_present:", url_path="scenarios"),
    st.Page(PAGE_FILES["compare"], title="Compare councils", icon=":material/compare:", url_path="compare"),
    st.Page(PAGE_FILES["import"], title="Add your council", icon=":material/upload_file:", url_path="import"),
    st.Page(PAGE_FILES["review"], title="Review a protocol", icon=":material/difference:", url_path="review"),
]

page = st.navigation(PAGES)
# Each page gets its own browser title (WCAG 2.4.2), e.g. "Handbook · Protocol Explorer".
st.set_page_config(page_title="Protocol Explorer" if page.title == "Home" else f"{page.title} · Protocol Explorer")
use_chrome_styles()
use_print_styles()  # printing any page gives its content, without the sidebar, toolbar and controls
model = get_model()
sidebar(model.corpus)
if page.url_path != "import":  # there the visitor is adding the council they would choose
    council_prompt(model.corpus)
page.run()
