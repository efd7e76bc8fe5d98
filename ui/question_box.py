"""The plain-words question box: a question in the visitor's own words ("the chief exec was rude to me")
answered as the "Who do I go to?" route or the "May I…?" verdict for their council.

It says how it read the question ("we read this as … because you said …"), what it assumed, links to
the full page with every parameter in the URL, and offers the other likely readings. Below its floor
of confidence ``logic.intents`` returns nothing and the box says so instead of guessing; when the
question could be a councillor's or an officer's concern alike it asks which the visitor is.

The compiled intents are built once per server for the bundled councils (``ui.data.derived``, keyed by
the content folder), once per session for a visitor with imported councils.
"""

from __future__ import annotations

import streamlit as st

from logic.decisions import CatalogueEntry
from logic.export import escape_markdown
from logic.intents import ASKER_MEANING, Interpretation, answer, load_intents
from logic.model import Model
from logic.safe_text import clip
from ui.answers import show_answer, show_route_steps
from ui.data import derived

PAGES = {"route": "pages/escalation.py", "question": "pages/explorer.py"}
PAGE_TITLES = {"route": "Who do I go to?", "question": "May I…?"}
SLUG_PARAMS = {"route": "scenario", "question": "question"}  # the full pages' URL parameter for the entry
ASKERS = {"member": "I'm a councillor", "officer": "I'm an officer"}
# Two readings this close in confidence are a tie (one cue both entries share gives exactly equal ones).
TIE = 0.05
SURE = 0.5  # at or above: "we read your question as"; below: "we think"
QUOTED_CHARS = 60


def read_question(text: str) -> list[Interpretation]:
    """The likely readings of ``text``, best first; [] when none is likely enough to answer."""
    return derived("intents", load_intents).understand(text)


def entry_of(model: Model, reading: Interpretation) -> CatalogueEntry:
    catalogue = model.routing.catalogue if reading.kind == "route" else model.rules.catalogue
    return catalogue[reading.slug]


def asker_choice(model: Model, readings: list[Interpretation]) -> dict[str, Interpretation] | None:
    """When the two best readings tie and one is a councillor's concern, the other an officer's (and the words
    do not say who is asking): the reading for each kind of asker. Otherwise None."""
    if len(readings) < 2 or readings[0].asker or readings[0].confidence - readings[1].confidence > TIE:
        return None
    by_asker = {entry_of(model, r).asker: r for r in readings[:2]}
    return by_asker if set(by_asker) == set(ASKERS) else None


def _quoted(words) -> str:
    return " and ".join(f"“{escape_markdown(clip(w, QUOTED_CHARS))}”" for w in dict.fromkeys(words))


def explanation_markdown(reading: Interpretation, entry: CatalogueEntry, chosen_asker: str = "") -> str:
    """How the words were read, as Markdown (the visitor's words quoted and escaped): the situation or question
    and the words that point to it, what the words settled, who is asking, and what was assumed."""
    cue_words = [e.words for e in reading.evidence if e.means in ("situation", "question")]
    lead = "We read your question as" if reading.confidence >= SURE else "We think your question is"
    lines = [f"{lead} **{PAGE_TITLES[reading.kind]} {escape_markdown(entry.label)}**"
             + (f", because you said {_quoted(cue_words)}." if cue_words else ".")]
    from_words = []
    for name, value in reading.inferred.items():
        said = [e.words for e in reading.evidence if e.means == "param" and e.param == name]
        if said:
            param = entry.params[name]
            from_words.append(f"{escape_markdown(param.prompt)} **{escape_markdown(param.values[value].label)}** "
                              f"(you said {_quoted(said)})")
    asker_words = [e.words for e in reading.evidence if e.means == "asker"]
    if reading.asker and asker_words:
        from_words.append(f"{ASKER_MEANING[reading.asker]} (you said {_quoted(asker_words)})")
    elif chosen_asker:
        from_words.append(f"{ASKER_MEANING[chosen_asker]} (you told us)")
    if from_words:
        lines.append("- From your words: " + "; ".join(from_words) + ".")
    assumed = [f"{escape_markdown(p.prompt)} **{escape_markdown(p.values[reading.params[n]].label)}**"
               for n, p in entry.params.items() if n not in reading.inferred]
    if assumed:
        lines.append("- We assumed, as you did not say: " + "; ".join(assumed) + ". Change it on the full page.")
    return "\n".join(lines)


def full_page_query(reading: Interpretation, council_query: dict[str, str]) -> dict[str, str]:
    """The full page's URL for a reading: the entry, every parameter, and the council when the visitor chose it."""
    return {SLUG_PARAMS[reading.kind]: reading.slug, **reading.params, **council_query}


def _link_to_full_page(reading: Interpretation, council_query: dict[str, str], label: str) -> None:
    st.page_link(PAGES[reading.kind], label=label, query_params=full_page_query(reading, council_query),
                 icon=":material/account_tree:" if reading.kind == "route" else ":material/rule:")


def _not_sure(council_query: dict[str, str]) -> None:
    st.info("We could not tell which situation or question this is, so we have not guessed an answer. The clauses "
            "below match your words. For an answer, ask again in other words (for example “a councillor was rude "
            "to me” or “can I see a confidential report?”), or choose your situation or question here:",
            icon=":material/help:")
    with st.container(horizontal=True, wrap=True):
        for kind in ("route", "question"):
            st.page_link(PAGES[kind], label=PAGE_TITLES[kind], query_params=council_query,
                         icon=":material/account_tree:" if kind == "route" else ":material/rule:")


def show_question_answer(model: Model, text: str, council: str, asker_key: str,
                         council_query: dict[str, str]) -> str:
    """Answer ``text`` for ``council`` (see the module notes); returns who the visitor said they are
    ("member", "officer", or "" when the question did not need asking), for the page's URL.

    ``asker_key`` is the session key of the "councillor or officer?" choice; ``council_query`` the
    ``query_params`` that keep the visitor's council on a link (empty until they chose one).
    """
    readings = read_question(text)
    if not readings:
        _not_sure(council_query)
        return ""
    st.header("Your answer", anchor=False)
    choice = asker_choice(model, readings)
    chosen_asker = ""
    if choice:
        st.markdown("This could be a councillor's concern about an officer or an officer's about a councillor, "
                    "and the protocol sends each to different people.")
        chosen_asker = st.segmented_control("Are you a councillor or an officer?", list(ASKERS), key=asker_key,
                                            format_func=ASKERS.get) or ""
        if not chosen_asker:
            st.caption("Choose one to see whom you go to. The clauses that match your words are below.")
            return ""
        reading = choice[chosen_asker]
    else:
        st.session_state.pop(asker_key, None)
        reading = readings[0]
    entry = entry_of(model, reading)
    st.markdown(explanation_markdown(reading, entry, chosen_asker))
    name = model.corpus.councils[council].name
    st.subheader(escape_markdown(name), anchor=False)
    result = answer(reading, model, council)
    if reading.kind == "route":
        show_route_steps(model.corpus, result, topics=entry.topics)
    else:
        show_answer(model.corpus, result, topics=entry.topics)
    _link_to_full_page(reading, council_query, f"See it in full on “{PAGE_TITLES[reading.kind]}”: change the details, "
                                         "see every council side by side")
    others = [r for r in readings if r is not reading and not (choice and r in choice.values())]
    if others:
        st.caption("Or did you mean:")
        for other in others:
            _link_to_full_page(other, council_query,
                               f"{PAGE_TITLES[other.kind]} {escape_markdown(entry_of(model, other).label)}")
    return chosen_asker
