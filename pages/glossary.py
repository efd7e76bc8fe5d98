"""Glossary: plain-English terms, each linked to the clauses that use it in each council's Handbook.

The page opens on the terms the protocols use most (A to Z); "Show all terms" or a search shows the
rest. Drawing all 51 at once made the page the slowest to open (docs/production.md). The search and
both switches are in the URL (``?q=...&every=yes&all=yes``), so reload, back, forward and a shared link
keep them.
"""

import streamlit as st

from logic.export import escape_markdown
from logic.handbook_view import term_uses
from logic.overview import glossary_matches, most_used_terms
from logic.safe_text import clip
from ui.chrome import council_chosen, current_council
from ui.clauses import HANDBOOK_PAGE
from ui.data import get_model
from ui.url_state import read_choice, reseed_on_return, seed_from_url, write_url

PREFIX = "gl"
INPUT_CHARS = 1_000  # far past any term; the search uses the first SEARCH_WORDS words
SEARCH_WORDS = 20
LISTED_NUMBERS = 6  # a link names its clauses up to this many, then counts them
SHOWN_FIRST = 12  # the most used terms, shown until the visitor searches or asks for all of them
corpus = get_model().corpus
council = current_council(corpus)
mine_name = corpus.councils[council].short_name

st.title("Glossary")
st.markdown("Terms a new councillor meets in these protocols, explained in plain English. "
            "The definitions are ours; each term links to the clauses that use it, in each council's Handbook.")

wanted = st.query_params.get("q", "")
if len(wanted) > INPUT_CHARS:
    st.warning(f"The search in this link was {len(wanted):,} characters long; only the first {INPUT_CHARS:,} "
               "are kept.", icon=":material/content_cut:")
reseed_on_return(PREFIX, "q")
seed_from_url(PREFIX, {"q": wanted[:INPUT_CHARS],
                       "every": read_choice("every", ("yes", "no"), "no", "“yes” or “no”"),
                       "all": read_choice("all", ("yes", "no"), "no", "“yes” or “no”")},
              to_widget={"every": lambda value: value == "yes", "all": lambda value: value == "yes"})
text = st.text_input("Find a term", key=f"{PREFIX}_q", max_chars=INPUT_CHARS,
                     placeholder="e.g. monitoring officer, exempt, need to know")
chosen = council_chosen(corpus)
with st.container(horizontal=True, gap="medium"):
    show_all = st.toggle(f"Show all {len(corpus.glossary)} terms", key=f"{PREFIX}_all")
    # Your council's clauses get a link and the others are named; until you choose a council, every council's do.
    every = not chosen or st.toggle("Links to every council's clauses", key=f"{PREFIX}_every")
write_url(PREFIX, {"q": text, "every": "yes" if every and chosen else "no", "all": "yes" if show_all else "no"},
          defaults={"every": "no", "all": "no"})

if len(text.split()) > SEARCH_WORDS:
    st.caption(f"Your search has {len(text.split())} words; only the first {SEARCH_WORDS} are used.")
entries = glossary_matches(corpus, text)
held_back = 0
if not (text.strip() or show_all):
    most_used = most_used_terms(corpus, SHOWN_FIRST)
    held_back = len(entries) - len(most_used)
    entries = [entry for entry in entries if entry.slug in most_used]
st.caption(f"The {len(entries)} terms the protocols use most, of {len(corpus.glossary)}" if held_back
           else f"{len(entries)} of {len(corpus.glossary)} terms")
if not entries:
    st.info(f"No term matches “{escape_markdown(clip(text))}”. Try fewer words, or search the protocols' text "
            "instead.", icon=":material/search_off:")


def handbook_link(slug: str, numbers: list[str], entry, lead: str = "") -> None:
    """A same-tab link to the Handbook showing the clauses of ``slug`` that use the term."""
    name = corpus.councils[slug].short_name
    listed = ", ".join(numbers) if len(numbers) <= LISTED_NUMBERS else f"{len(numbers)} clauses"
    st.page_link(HANDBOOK_PAGE, label=escape_markdown(f"{lead}{name} {listed}"), icon=":material/menu_book:",
                 query_params={"council": slug, "term": entry.slug})


for entry in entries:
    with st.container(border=True):
        st.subheader(escape_markdown(entry.term), anchor=entry.slug)
        # The definition and its "see also" are one element: every element is a message of its own to the
        # browser, and the page draws 51 terms (docs/production.md, "Where a page run's CPU goes").
        see_also = ", ".join(escape_markdown(t) for t in entry.see_also)
        st.markdown(escape_markdown(entry.definition) + (f"\n\n:small[See also: {see_also}]" if see_also else ""))
        uses = term_uses(corpus, entry)
        if every and uses:
            # Keyed "print-links-...": on paper the links' labels (the clause numbers) still print.
            with st.container(horizontal=True, vertical_alignment="center", gap="small",
                              key=f"print-links-{entry.slug}"):
                for number, slug in enumerate(sorted(uses, key=lambda s: s != council)):  # your council first
                    handbook_link(slug, uses[slug], entry, lead="Used in " if number == 0 else "")
            continue
        others = ", ".join(f"{corpus.councils[s].short_name} ({len(n)})" for s, n in uses.items() if s != council)
        if council not in uses:
            st.caption(f"Not used in {escape_markdown(mine_name)}'s protocol"
                       + (f"; used in {escape_markdown(others)}." if others else "."))
            continue
        with st.container(horizontal=True, vertical_alignment="center", gap="small", key=f"print-links-{entry.slug}"):
            handbook_link(council, uses[council], entry, lead="Used in ")
            if others:
                st.caption(f"Also used in {escape_markdown(others)}.", width="content")
if held_back:
    st.button(f"Show the other {held_back} terms", icon=":material/expand_more:",
              on_click=st.session_state.update, kwargs={f"{PREFIX}_all": True})
