"""Shared chrome: which council the visitor is, the sidebar (council picker, ask-or-search box), the
first-visit "Which council are you?" prompt, and the chrome's stylesheet (clause cards are in ui/clauses.py).

The visitor's council lives in plain session state (``st.session_state["council"]``) once they have
chosen it, by the prompt, the sidebar picker or a link that names one, and is mirrored in the URL
(``?council=``) so it survives page switches, reload and sharing. Until they choose, nothing is put in
the URL (a reload asks again) and :func:`current_council` gives the first council so every page still
renders; :func:`council_chosen` says which case it is, and :func:`council_query` gives a link's
``query_params`` that carry the council only when the visitor chose it.

The chrome runs on every page run, so it does nothing costly: no content is computed here.
"""

from __future__ import annotations

import streamlit as st

from logic.content import Corpus
from logic.export import escape_markdown
from logic.links import read_council
from logic.search import MAX_INPUT_CHARS

COUNCIL_KEY = "council"
PICKER_KEY = "_council_picker"
IN_URL_KEY = "_council_in_url"  # the council this session last put in the URL
SIDEBAR_QUERY_KEY = "_sidebar_query"
SIDEBAR_SEARCH_FORM = "sidebar_search"
ASK_LABEL = "Ask a question or search the protocols"
PAGE_FILES = {
    "home": "pages/home.py",
    "handbook": "pages/handbook.py",
    "search": "pages/search.py",
    "compare": "pages/compare.py",
    "escalation": "pages/escalation.py",
    "explorer": "pages/explorer.py",
    "scenarios": "pages/scenarios.py",
    "glossary": "pages/glossary.py",
    "import": "pages/import.py",
    "review": "pages/review.py",
}

# 767.98px is Streamlit's own phone breakpoint (below its "md" 768px the sidebar becomes a drawer over
# the page). Streamlit closes that drawer after a navigation link, never after a form inside it, so on a
# phone the sidebar search would leave the drawer open over its own results: phones ask from the Search
# page, one menu choice away. A collapsed sidebar is only moved off screen, and its links would still
# take Tab stops (13 of them before a page's first control): hidden, they leave the tab order. A date
# field's day, month and year parts are each a target: 24px at least (WCAG 2.5.8), where Streamlit draws 18px.
CHROME_CSS = """<style>
[data-testid="stSidebar"][data-collapsed="true"] { visibility: hidden; }
@media (max-width: 767.98px) { .st-key-sidebar_search { display: none; } }
[data-testid="stSidebarNavLink"]:focus-visible { outline: 2px solid #1c5fb8; outline-offset: -2px; }
[data-testid="stDateInput"] [role="spinbutton"] { display: inline-block; min-width: 24px; min-height: 24px;
  text-align: center; }
</style>"""


def use_chrome_styles() -> None:
    """The chrome's constant stylesheet (style-only HTML takes no space on the page)."""
    st.html(CHROME_CSS)


def council_chosen(corpus: Corpus) -> bool:
    """True once the visitor has said which council they are (or followed a link naming one)."""
    return st.session_state.get(COUNCIL_KEY) in corpus.councils


def current_council(corpus: Corpus) -> str:
    """The visitor's council: the one they chose, or the first council until they choose."""
    current = st.session_state.get(COUNCIL_KEY)
    return current if current in corpus.councils else next(iter(corpus.councils))


def council_query(corpus: Corpus) -> dict[str, str]:
    """``query_params`` for a link that keeps the visitor's council: empty until they chose one, so a link
    never chooses the first council for them."""
    return {COUNCIL_KEY: st.session_state[COUNCIL_KEY]} if council_chosen(corpus) else {}


def _choose(slug: str) -> None:
    st.session_state[COUNCIL_KEY] = slug


def _picked() -> None:
    if st.session_state.get(PICKER_KEY):
        _choose(st.session_state[PICKER_KEY])


def _council_from_url(corpus: Corpus) -> str | None:
    """A council newly asked for in the URL (a deep link, or back/forward), reporting one we do not have."""
    slug, message = read_council(corpus, st.query_params.get(COUNCIL_KEY))
    if message:
        st.warning(escape_markdown(message))
    if slug and slug != st.session_state.get(IN_URL_KEY):
        return slug
    return None


def sidebar(corpus: Corpus) -> str | None:
    """Draw the council picker and the ask-or-search box in the sidebar; return the visitor's council, or
    None while they have not chosen one.

    The URL wins when it names a different council from the one this session last put there (someone
    followed a link, or went back or forward); otherwise the visitor's choice stands.
    """
    linked = _council_from_url(corpus)
    if linked:
        _choose(linked)
    council = st.session_state.get(COUNCIL_KEY) if council_chosen(corpus) else None
    st.session_state[PICKER_KEY] = council
    with st.sidebar:
        # Empty (with its placeholder) until the visitor chooses; then not clearable (index given).
        st.selectbox("Your council", list(corpus.councils), index=0 if council else None, key=PICKER_KEY,
                     on_change=_picked, format_func=lambda s: corpus.councils[s].name,
                     placeholder="Choose your council")
        st.caption("Every page shows this council's protocol first. It is kept in the page address, "
                   "so links and bookmarks keep it.")
        # The container's key gives CHROME_CSS a class to hide it by (a form has none of its own).
        with st.container(key=SIDEBAR_SEARCH_FORM), st.form(SIDEBAR_SEARCH_FORM, border=False):
            query = st.text_input(ASK_LABEL, key=SIDEBAR_QUERY_KEY, max_chars=MAX_INPUT_CHARS,
                                  placeholder="e.g. the chief exec was rude to me")
            if st.form_submit_button("Ask or search", icon=":material/search:"):
                st.switch_page(PAGE_FILES["search"], query_params={"q": query.strip(), **council_query(corpus)})
    if council:
        st.session_state[IN_URL_KEY] = council
        if st.query_params.get(COUNCIL_KEY) != council:
            st.query_params[COUNCIL_KEY] = council
    elif any(st.query_params.get_all(COUNCIL_KEY)):
        del st.query_params[COUNCIL_KEY]  # not one of ours (reported above), or repeated: nothing is chosen yet
    return council


def council_prompt(corpus: Corpus) -> None:
    """On a visit where no council is chosen yet: ask "Which council are you?" at the top of the page.

    Not only in the sidebar, which on a phone is folded away in the menu. One button per council,
    including any the visitor imported; the page below still renders (with the first council) so a link
    to it works.
    """
    if council_chosen(corpus):
        return
    first = next(iter(corpus.councils.values()))
    with st.container(border=True, key="council_prompt"):
        st.markdown("**Which council are you?** Choose yours and every page answers for its protocol first: "
                    "its handbook, whom you go to, what you may do.")
        with st.container(horizontal=True, wrap=True, gap="small"):
            for slug, council in corpus.councils.items():
                st.button(escape_markdown(council.name), key=f"_choose_council_{slug}", on_click=_choose,
                          args=(slug,))
        st.caption(f"Until you choose, pages show {escape_markdown(first.name)}. You can change your council at "
                   "any time under “Your council” in the sidebar (on a phone, in the menu at the top left).")
        st.page_link(PAGE_FILES["import"], label="Not listed? Add your council's protocol",
                     icon=":material/upload_file:")
