"""Compare councils: coverage heatmap, a topic side by side, concrete differences, shared wording, exports.

Everything shown comes from the same tagged clauses and engines as the other pages (tests/test_consistency.py),
with the visitor's council first; the councils, the view, the topic and the layout are in the URL.
"""

import streamlit as st

from logic.compare import (
    EXPORT_FORMATS,
    GAP,
    GAP_IN_WORDS,
    answers_resting_on,
    council_order,
    coverage_counts,
    differences,
    differences_table,
    export,
    export_about,
    gaps,
    heatmap_cells,
    only_councils,
    pairs_between,
    side_by_side,
    side_by_side_table,
)
from logic.export import escape_markdown
from logic.safe_text import clip
from ui import heatmap
from ui.clauses import show_clause
from ui.data import derived, get_model, shared_wording_pairs
from ui.decision_inputs import visitors_council
from ui.url_state import as_list_param, read_choice, read_list, seed_from_url, write_url

PREFIX = "cmp"
HEATMAP = f"{PREFIX}_heatmap"
VIEWS = {"coverage": "Coverage", "topic": "A topic side by side", "differences": "Differences",
         "shared": "Shared wording"}
COVERAGE_NOTE = (f"Each cell counts the council's clauses on the topic; {GAP} marks a topic the protocol does "
                 "not address.")

model = get_model()
corpus = model.corpus
mine = visitors_council(corpus)  # None until the visitor says which council is theirs
topics = list(corpus.topics)
rows = derived("differences", differences)

st.title("Compare councils")
st.markdown("Where the protocols agree, differ and are silent. Every cell names the clauses it rests on; "
            "a gap means the protocol does not address the topic at all.")

# ---- the URL's state, validated, seeds the widgets when it changed under us (a link, back, forward, reload)
url_view = read_choice("view", VIEWS, "coverage", "a view of this page")
url_councils = read_list("councils", corpus.councils, "a council in this app") or list(corpus.councils)
url_topic = st.query_params.get("topic") or ""
if url_topic and url_topic not in corpus.topics:
    st.warning(f"“{escape_markdown(clip(url_topic))}” is not a topic; choose one below.", icon=":material/link_off:")
    url_topic = ""
url_layout = read_choice("layout", ("table", "list"), "table", "a layout of the differences")
if seed_from_url(PREFIX, {"view": url_view, "councils": as_list_param(url_councils), "topic": url_topic,
                          "layout": url_layout},
                 to_widget={"councils": lambda value: council_order(corpus, value.split(","), mine),
                            "topic": lambda value: value or None, "layout": lambda value: value == "list"}):
    heatmap.show_as_selected(HEATMAP, topics.index(url_topic) if url_topic else None)  # not a new click


clicked = heatmap.new_click(corpus, HEATMAP) if st.session_state.get(f"{PREFIX}_view") == "coverage" else None
if clicked:
    st.session_state[f"{PREFIX}_topic"] = clicked[0]  # before the topic picker is drawn

# Options in a fixed order: a keyed widget whose options change would lose its value.
chosen = st.multiselect("Councils", list(corpus.councils), key=f"{PREFIX}_councils",
                        format_func=lambda s: corpus.councils[s].short_name + " (yours)" * (s == mine))
view = st.segmented_control("View", list(VIEWS), key=f"{PREFIX}_view", required=True, format_func=VIEWS.get)
shown = council_order(corpus, chosen, mine)  # the visitor's council first, everywhere on this page


def keep_in_url(topic: str = "", layout: str = "table") -> None:
    write_url(PREFIX, {"view": view, "councils": as_list_param(council_order(corpus, chosen)), "topic": topic,
                       "layout": layout},
              defaults={"view": "coverage", "councils": as_list_param(corpus.councils), "layout": "table"})


def export_buttons(frame, title: str, stem: str, notes: tuple[str, ...] = ()) -> None:
    """CSV, Markdown and Excel downloads of the table on screen, each opening with its title, the date and the
    councils' source documents (built only when clicked)."""
    about = export_about(corpus, title, shown, notes=notes)
    row = st.container(horizontal=True)
    for fmt, spec in EXPORT_FORMATS.items():
        row.download_button(spec.label, lambda f=fmt: export(frame, f, title, about), file_name=f"{stem}.{fmt}",
                            mime=spec.mime, key=f"export_{stem}_{fmt}", icon=":material/download:",
                            help=f"{title}, as shown, with the date and the source documents")


def read_side_by_side(topic: str) -> None:
    st.session_state[f"{PREFIX}_view"] = "topic"
    st.session_state[f"{PREFIX}_topic"] = topic


def topic_button(topic: str, key: str) -> bool:
    """"Read “Planning” side by side": switches to the topic view (a button, not a link to this same page:
    Streamlit would not put such a link's address in the browser's history)."""
    return st.button(f"Read “{corpus.topics[topic].label}” side by side", key=key, type="primary",
                     icon=":material/view_column:", on_click=read_side_by_side, args=(topic,))


def topic_preview(topic: str, picked: str | None, cells) -> None:
    """What a click on the heatmap opens, over the table where the eye is: the way to read the topic side by
    side, every council's count, and the clicked council's clauses with the answers that rest on them."""
    if topic_button(topic, f"{PREFIX}_read_dialog"):
        st.rerun()  # the whole page, not only this dialog
    st.caption(escape_markdown(corpus.topics[topic].description))
    st.markdown(heatmap.counts_in_words(corpus, cells, topic, shown))
    if picked is None:
        return
    name = corpus.councils[picked].short_name
    clauses = side_by_side(corpus, topic)[picked]
    if not clauses:
        st.info(f"**{GAP}**: {escape_markdown(name)}'s protocol does not address this topic.", icon=":material/block:")
        return
    st.subheader(f"{escape_markdown(name)}: {len(clauses)} clause{'s' * (len(clauses) != 1)}", anchor=False)
    resting = answers_resting_on(rows, picked, [c.id for c in clauses])
    if resting:
        st.markdown("**Answers on the Differences view that rest on these clauses**")
        st.markdown("\n".join(f"- {escape_markdown(row.spec.question)} **{escape_markdown(row.cells[picked].answer)}** "
                              f"({', '.join(f'`{c}`' for c in row.cells[picked].cites)})" for row in resting))
    for clause in clauses:
        show_clause(corpus, clause)


if not chosen:
    keep_in_url()
    st.info("Choose at least one council to compare.")
    st.stop()

if view == "coverage":
    st.header("Coverage: topics by council")
    counts = only_councils(corpus, derived("coverage_counts", lambda m: coverage_counts(m.corpus)), shown)
    cells = heatmap_cells(counts)
    picker, link = st.columns([2, 3], vertical_alignment="bottom")
    with picker:
        topic = st.selectbox("Read a topic side by side", topics, key=f"{PREFIX}_topic", index=None,
                             placeholder="Choose a topic, or click one in the table",
                             format_func=lambda t: corpus.topics[t].label)
    with link:
        if topic:
            topic_button(topic, f"{PREFIX}_read")
    keep_in_url(topic or "")
    st.caption(f"{COVERAGE_NOTE} Click a topic or a count to see its clauses and read it side by side.")

    heatmap.draw(counts, cells, HEATMAP)
    if clicked:
        title = corpus.topics[clicked[0]].label
        st.dialog(title, width="large", on_dismiss=lambda: heatmap.clear(HEATMAP))(topic_preview)(*clicked, cells)
    with st.expander("Gaps, in words"):
        missing = gaps(corpus)
        for slug in shown:
            labels = ", ".join(corpus.topics[t].label for t in missing[slug]) or "none"
            st.markdown(f"**{escape_markdown(corpus.councils[slug].short_name)}** does not address: "
                        f"{escape_markdown(labels)}.")
    export_buttons(cells, "Coverage: topics by council", "coverage", (COVERAGE_NOTE,))

elif view == "topic":
    if st.session_state.get(f"{PREFIX}_topic") not in corpus.topics:
        st.session_state[f"{PREFIX}_topic"] = topics[0]
    topic = st.selectbox("Topic", topics, key=f"{PREFIX}_topic", format_func=lambda t: corpus.topics[t].label)
    keep_in_url(topic)
    label = corpus.topics[topic].label
    st.header(label)
    st.caption(escape_markdown(corpus.topics[topic].description))
    by_council = side_by_side(corpus, topic)
    for start in range(0, len(shown), 2):
        for column, slug in zip(st.columns(2), shown[start:start + 2]):
            with column:
                st.subheader(escape_markdown(corpus.councils[slug].short_name) + " (your council)" * (slug == mine),
                             anchor=False)
                if not by_council[slug]:
                    st.info(f"{GAP_IN_WORDS}.", icon=":material/block:")
                for clause in by_council[slug]:
                    show_clause(corpus, clause)
    export_buttons(only_councils(corpus, side_by_side_table(corpus, topic, GAP_IN_WORDS), shown, label=False),
                   f"{label}: each council's clauses", f"topic-{topic}")

elif view == "differences":
    st.header("Concrete differences")
    st.caption("Computed from each council's routing and permission rules; each answer names its clauses.")
    table = only_councils(corpus, differences_table(model, rows), shown)
    as_list = st.toggle("One question at a time (easier on a narrow screen)", key=f"{PREFIX}_layout")
    keep_in_url(layout="list" if as_list else "table")
    if as_list:
        for row in rows:
            st.subheader(escape_markdown(row.spec.question), anchor=False)
            st.markdown("\n".join(f"- **{escape_markdown(corpus.councils[slug].short_name)}**: "
                                  f"{escape_markdown(str(row.cells[slug]))}" for slug in shown))
    else:
        st.table(table.set_index(table.columns[0]))
    export_buttons(table, "Concrete differences", "differences",
                   ("Each answer is the council's own, with the clauses it rests on; "
                    "“not covered” means the protocol is silent.",))

else:
    keep_in_url()
    st.header("Shared wording")
    pairs = pairs_between(shared_wording_pairs(), chosen, mine)
    st.caption(f"{len(pairs)} pairs of clauses from different councils share near-identical passages, "
               "a sign of common model text; pairs with your council's clauses come first. "
               "Scores are 0-100 (100 = identical after tidying case and punctuation).")
    for pair in pairs:
        with st.expander(f"{pair.left.id} ≈ {pair.right.id} · score {pair.score:.0f}"):
            for passage in pair.passages[:3]:
                st.markdown(f"Passage score {passage.score:.0f}")
                a, b = st.columns(2)
                a.markdown(f"> {escape_markdown(passage.left)}")
                b.markdown(f"> {escape_markdown(passage.right)}")
            left, right = st.columns(2)
            with left:
                show_clause(corpus, pair.left)
            with right:
                show_clause(corpus, pair.right)
