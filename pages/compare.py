"""Compare councils: coverage heatmap, a topic side by side, concrete differences, shared wording, exports."""

import streamlit as st

from logic.compare import (
    EXPORT_FORMATS,
    coverage_counts,
    coverage_matrix,
    differences,
    differences_table,
    export,
    gaps,
    heatmap_cells,
    only_councils,
    pairs_between,
    side_by_side,
    side_by_side_table,
)
from logic.export import escape_markdown
from logic.safe_text import clip
from ui.clauses import show_clause
from ui.data import get_model, shared_wording_pairs

GAP_STYLE = "background-color: #fde2e1; color: #7a1515; font-weight: 600"
COUNT_STYLES = ["background-color: #e8f0fb", "background-color: #c5d8f5", "background-color: #9dbcec"]
VIEWS = {"coverage": "Coverage", "topic": "A topic side by side", "differences": "Differences",
         "shared": "Shared wording"}

model = get_model()
corpus = model.corpus

st.title("Compare councils")
st.markdown("Where the five protocols agree, differ and are silent. Every cell names the clauses it rests on; "
            "a gap means the protocol does not address the topic at all.")

wanted_view = st.query_params.get("view")
if wanted_view is not None and wanted_view not in VIEWS:
    st.warning(f"“{escape_markdown(clip(wanted_view))}” is not a view of this page; showing coverage.")
if "cmp_view" not in st.session_state or wanted_view in VIEWS and wanted_view != st.session_state.get("_cmp_view_url"):
    st.session_state["cmp_view"] = wanted_view if wanted_view in VIEWS else "coverage"
chosen = st.multiselect("Councils", list(corpus.councils), default=list(corpus.councils), key="cmp_councils",
                        format_func=lambda s: corpus.councils[s].short_name)
view = st.segmented_control("View", list(VIEWS), key="cmp_view", required=True, format_func=VIEWS.get)
st.session_state["_cmp_view_url"] = view
st.query_params["view"] = view
if not chosen:
    st.info("Choose at least one council to compare.")
    st.stop()


def export_buttons(frame, title: str, stem: str) -> None:
    """CSV, Markdown and Excel downloads of a table (built only when clicked)."""
    row = st.container(horizontal=True)
    for fmt, spec in EXPORT_FORMATS.items():
        row.download_button(f"{spec.label}", lambda f=fmt: export(frame, f, title), file_name=f"{stem}.{fmt}",
                            mime=spec.mime, key=f"export_{stem}_{fmt}", icon=":material/download:")


def heatmap_style(counts):
    def style(column):
        if column.name == counts.columns[0]:
            return [""] * len(column)
        return [GAP_STYLE if n == 0 else COUNT_STYLES[min(n, 4) // 2] for n in counts[column.name]]
    return style


if view == "coverage":
    st.header("Coverage: topics by council")
    counts = only_councils(corpus, coverage_counts(corpus), chosen)
    st.caption("Each cell counts the clauses on that topic; **✗ Gap** marks a topic the protocol does not "
               "address. Select a row to read that topic side by side.")
    picked = st.dataframe(heatmap_cells(counts).style.apply(heatmap_style(counts)), hide_index=True,
                          on_select="rerun", selection_mode="single-row", key="cmp_heatmap", height=35 * 26 + 3)
    rows = picked.selection.rows if picked else []
    if rows:
        st.session_state["cmp_topic"] = list(corpus.topics)[rows[0]]
        st.page_link("pages/compare.py", label=f"Read “{counts.iloc[rows[0], 0]}” side by side",
                     query_params={"view": "topic", "topic": st.session_state["cmp_topic"]},
                     icon=":material/view_column:")
    with st.expander("Gaps, in words"):
        for slug, missing in gaps(corpus).items():
            if slug in chosen:
                labels = ", ".join(corpus.topics[t].label for t in missing) or "none"
                st.markdown(f"**{corpus.councils[slug].short_name}** does not address: {labels}.")
    export_buttons(only_councils(corpus, coverage_matrix(corpus), chosen), "Coverage matrix", "coverage-matrix")

elif view == "topic":
    wanted_topic = st.query_params.get("topic")
    if wanted_topic is not None and wanted_topic not in corpus.topics:
        st.warning(f"“{escape_markdown(clip(wanted_topic))}” is not a topic; choose one below.")
    elif wanted_topic:
        st.session_state["cmp_topic"] = wanted_topic
    topic = st.selectbox("Topic", list(corpus.topics), key="cmp_topic", format_func=lambda t: corpus.topics[t].label)
    st.query_params["topic"] = topic
    st.header(corpus.topics[topic].label)
    st.caption(escape_markdown(corpus.topics[topic].description))
    by_council = side_by_side(corpus, topic)
    shown = [slug for slug in corpus.councils if slug in chosen]
    for start in range(0, len(shown), 2):
        for column, slug in zip(st.columns(2), shown[start:start + 2]):
            with column:
                st.subheader(corpus.councils[slug].short_name)
                if not by_council[slug]:
                    st.info("✗ Gap: not covered by this protocol.", icon=":material/block:")
                for clause in by_council[slug]:
                    show_clause(corpus, clause)
    export_buttons(only_councils(corpus, side_by_side_table(corpus, topic), chosen),
                   corpus.topics[topic].label, f"topic-{topic}")

elif view == "differences":
    st.header("Concrete differences")
    st.caption("Computed from each council's routing and permission rules; each answer names its clauses.")
    table = only_councils(corpus, differences_table(model), chosen)
    as_list = st.toggle("One question at a time (easier on a narrow screen)", key="cmp_diff_list")
    if as_list:
        for row in differences(model):
            st.subheader(escape_markdown(row.spec.question))
            st.markdown("\n".join(f"- **{corpus.councils[slug].short_name}**: {escape_markdown(str(row.cells[slug]))}"
                                   for slug in corpus.councils if slug in chosen))
    else:
        st.table(table.set_index(table.columns[0]))
    export_buttons(table, "Concrete differences", "differences")

else:
    st.header("Shared wording")
    pairs = pairs_between(shared_wording_pairs(), chosen)
    st.caption(f"{len(pairs)} pairs of clauses from different councils share near-identical passages, "
               "a sign of common model text. Scores are 0-100 (100 = identical after tidying case and punctuation).")
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
