"""Handbook: read a council's protocol a section at a time; a clause link opens the clause in its section.

Everything the reader chooses is in the URL (``clause``, ``section``, ``topics``, ``term``; see
logic/handbook_view.py), so reload, back, forward and a shared link show the same view.
"""

from dataclasses import replace

import streamlit as st

from logic.export import escape_markdown
from logic.handbook_view import (
    ALL_SECTIONS,
    PARAMS,
    default_section,
    is_shown,
    neighbouring_sections,
    read_handbook_view,
    terms_used_in,
    visible_sections,
)
from ui.chrome import current_council
from ui.clauses import clause_anchor, show_clause, use_clause_styles
from ui.data import get_model, handbook_markdown, handbook_pdf
from ui.url_state import reseed_on_return, seed_from_url, write_url

PREFIX = "hb"
WRITTEN = f"{PREFIX}__url"  # the query this page last put in the URL
SHOWN = f"{PREFIX}__council"  # the council whose protocol this page last showed
TURNS, TURNS_SHOWN = f"{PREFIX}__turns", f"{PREFIX}__turns_shown"  # Previous/Next presses, and those scrolled for
# After Previous or Next (at the foot of a section) the new section is read from its top: the page scrolls up
# and its heading takes the focus, as a new page would. Two presses in a row draw the two versions in turn:
# the browser runs a script when it first draws it, not when the same one is sent again (hence the block scope).
TURNED_PAGE_JS = ("<script>/* turned */ { const h = document.querySelector('[data-testid=\"stMain\"] h2'); "
                  "if (h) { h.setAttribute(\"tabindex\", \"-1\"); h.focus({preventScroll: true}); } "
                  "document.querySelector('[data-testid=\"stMain\"]')?.scrollTo(0, 0); "
                  "window.scrollTo(0, 0); }</script>")
TURNED_AGAIN_JS = ("<script>/* turned again */ { const h = document.querySelector('[data-testid=\"stMain\"] h2'); "
                   "if (h) { h.setAttribute(\"tabindex\", \"-1\"); h.focus({preventScroll: true}); } "
                   "document.querySelector('[data-testid=\"stMain\"]')?.scrollTo(0, 0); "
                   "window.scrollTo(0, 0); }</script>")
corpus = get_model().corpus
slug = current_council(corpus)  # the sidebar has already reported a bad ?council=
council = corpus.councils[slug]
use_clause_styles()

query = {name: st.query_params.get(name, "") for name in PARAMS}
written = st.session_state.get(WRITTEN) or {}
returning = reseed_on_return(PREFIX, "section")
if not returning and st.session_state.get(SHOWN, slug) != slug and all(
        query[name] == written.get(name, "") for name in ("clause", "section")):
    # The visitor picked another council in the sidebar: the clause and section were the last council's.
    query.update(clause="", section="")
view = read_handbook_view(corpus, slug, query)

st.title("Handbook")
st.subheader(council.name)
st.caption(f"{escape_markdown(council.kind)} · {escape_markdown(council.source_title)} · "
           f"{len(council.clauses)} clauses, word for word from the source")
for message in view.messages:
    st.warning(escape_markdown(message), icon=":material/link_off:")
notice, actions, filters = st.container(), st.container(horizontal=True), st.container()

section_titles = {s.number: f"{s.number}. {s.title}" for s in council.sections}
terms = {g.slug: g.term for g in terms_used_in(corpus, slug)}
seed_from_url(PREFIX, {"section": view.section, "topics": ",".join(view.topics), "term": view.term},
              to_widget={"topics": lambda value: [t for t in value.split(",") if t]})
section_options, term_options = [ALL_SECTIONS, *section_titles], ["", *terms]
for name, options in (("section", section_options), ("term", term_options)):
    if st.session_state.get(f"{PREFIX}_{name}") not in options:  # left over from another council's protocol
        st.session_state[f"{PREFIX}_{name}"] = getattr(view, name)


def turn_to(number: str) -> None:
    st.session_state[f"{PREFIX}_section"] = number
    st.session_state[TURNS] = st.session_state.get(TURNS, 0) + 1


def look_everywhere() -> None:
    """Choosing a topic or term on the opening section looks through every section; a section the reader
    chose (it is in the URL) stays chosen."""
    if "section" not in st.query_params and (st.session_state.get(f"{PREFIX}_topics")
                                             or st.session_state.get(f"{PREFIX}_term")):
        st.session_state[f"{PREFIX}_section"] = ALL_SECTIONS


pick_section, pick_topics, pick_term = filters.columns(3)
section = pick_section.selectbox("Section", section_options, key=f"{PREFIX}_section",
                                 format_func=lambda n: "All sections" if n == ALL_SECTIONS else section_titles[n])
chosen_topics = pick_topics.multiselect("Only clauses about", list(corpus.topics), key=f"{PREFIX}_topics",
                                        format_func=lambda t: corpus.topics[t].label, placeholder="Any topic",
                                        on_change=look_everywhere)
term = pick_term.selectbox("Using the term", term_options, key=f"{PREFIX}_term",
                           format_func=lambda t: terms.get(t, "Any term"), on_change=look_everywhere)
topics = tuple(t for t in corpus.topics if t in chosen_topics)
write_url(PREFIX, {"clause": view.clause_param, "section": section, "topics": ",".join(topics),
                   "term": term}, defaults={"section": default_section(corpus, slug, view.clause, topics, term)})
st.session_state[WRITTEN], st.session_state[SHOWN] = st.query_params.to_dict(), slug
view = replace(view, section=section, topics=topics, term=term)
sections = visible_sections(corpus, view)

if view.clause:
    linked, number = view.clause, escape_markdown(view.clause.number)
    where = f"section {escape_markdown(linked.section)}, *{escape_markdown(linked.section_title)}*"
    if is_shown(sections, linked):
        lettered = view.clause_param != linked.number  # a citation of an item, 4.4(b), opens its clause
        item = f"{escape_markdown(view.clause_param)}**, an item of clause {number}," if lettered else f"{number}**"
        notice.info(f"**{escape_markdown(council.short_name)} {item} is highlighted below, in {where}. "
                    f"[Go to the clause](#{clause_anchor(linked.id)})", icon=":material/link:")
    else:
        notice.info(f"The clause you linked to, {number}, is in {where}: the filters you chose leave it out.",
                    icon=":material/filter_alt:")
        actions.button(f"Show {number} in its section", icon=":material/filter_alt_off:",
                       on_click=st.session_state.update,
                       kwargs={f"{PREFIX}_section": linked.section, f"{PREFIX}_topics": [], f"{PREFIX}_term": ""})
if section != ALL_SECTIONS:  # for reading it through, finding a word with Ctrl+F, or printing it
    actions.button("Show the whole protocol", icon=":material/menu_book:",
                   on_click=st.session_state.update, kwargs={f"{PREFIX}_section": ALL_SECTIONS})
# Both built on the click: the page's own run stays as light as the section it shows.
actions.download_button("Download Markdown", lambda: handbook_markdown(slug), file_name=f"{slug}-protocol.md",
                        mime="text/markdown", icon=":material/download:")
actions.download_button("Download PDF", lambda: handbook_pdf(slug), file_name=f"{slug}-protocol.pdf",
                        mime="application/pdf", icon=":material/picture_as_pdf:")

for sec, clauses in sections:
    st.header(section_titles[sec.number], anchor=f"section-{sec.number}")
    for clause in clauses:
        show_clause(corpus, clause, highlighted=clause == view.clause, link=False, show_glossary=True, anchor=True)
if not sections:
    st.info("No clause matches the filters you chose. Choose “All sections”, “Any topic” and “Any term” to "
            "see the whole protocol.", icon=":material/filter_alt_off:")
before, after = neighbouring_sections(corpus, slug, section)
if before or after:
    with st.container(horizontal=True, gap="small", key="section_pager"):
        for neighbour, lead, icon, side in ((before, "Previous", ":material/arrow_back:", "left"),
                                            (after, "Next", ":material/arrow_forward:", "right")):
            if neighbour:  # a long title wraps (on a phone it would otherwise be cut off)
                st.button(escape_markdown(f"{lead}: {section_titles[neighbour.number]}"), icon=icon,
                          icon_position=side, wrap=True, key=f"{PREFIX}_{lead.lower()}", on_click=turn_to,
                          args=(neighbour.number,))
if st.session_state.get(TURNS, 0) != st.session_state.get(TURNS_SHOWN, 0):
    # After the section, so it is drawn when the script runs. Our constant script: no visitor text in it.
    if st.session_state[TURNS] % 2:
        st.html(TURNED_PAGE_JS, unsafe_allow_javascript=True)
    else:
        st.html(TURNED_AGAIN_JS, unsafe_allow_javascript=True)
    st.session_state[TURNS_SHOWN] = st.session_state[TURNS]
# After the text, as in the PDF: the notes are about the text, and a reader comes for the clauses.
with st.expander("About this source: what it leaves out, editorial notes"):
    st.markdown("\n".join(f"- {escape_markdown(note)}" for note in council.editorial_notes + council.omissions)
                or "Nothing noted.")
