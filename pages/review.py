"""Review a protocol: redline an OLD and a NEW version, the new version's gaps against the peers with model
wording, where it differs from most peers, the decision answers that change, and the review pack."""

import streamlit as st

from logic.export import escape_markdown
from logic.redline import CHANGE_LABELS, CHANGES
from logic.safe_text import clip
from ui.chrome import PAGE_FILES, current_council
from ui.data import get_model, imported_councils
from ui.review import (
    pack_downloads,
    review_of,
    show_decision_changes,
    show_gaps,
    show_peer_differences,
    show_redline,
    summary_line,
)
from ui.url_state import as_list_param, read_choice, read_list, reseed_on_return, seed_from_url, write_url

PREFIX = "rv"
SECTIONS = {"changes": "Changes", "gaps": "Gaps", "peers": "Differences from peers", "decisions": "Decision answers"}
# What a committee reads first: every change of substance; unchanged and renumbered clauses fold away.
DEFAULT_KINDS = ("changed", "moved", "added", "removed", "split", "merged")
NO_KINDS = "none"  # the URL's word for "no kind chosen" (an absent or empty ?kind= means the default)

model = get_model()
corpus = model.corpus
imported = imported_councils()

st.title("Review a protocol")
st.markdown("Compare two versions of a protocol clause by clause: what changed, what the new version leaves out "
            "that other councils cover (with their wording to borrow), where it differs from most of them, and "
            "which answers to “Who do I go to?” and “May I…?” change. Then download it all for committee.")


def read_version(name: str, default: str) -> str:
    """``?old=`` / ``?new=``: a protocol this visitor holds, or a message and ``default``."""
    value = st.query_params.get(name)
    if not value:
        return default
    if value in corpus.councils:
        return value
    st.warning(f"“{escape_markdown(clip(value))}” is not a protocol held in this session, so it cannot be the "
               f"{name} version. An imported draft stays only in the browser tab that imported it: import it "
               "again on “Add your council”.", icon=":material/link_off:")
    return default


def kinds_from(param: str) -> list[str]:
    return [] if param == NO_KINDS else param.split(",")


def read_kinds() -> str:
    """``?kind=changed,moved``, ``none``, or the default when absent or nothing in it is a kind."""
    kinds = read_list("kind", (*CHANGES, NO_KINDS), "a kind of change")
    if not kinds:
        return as_list_param(DEFAULT_KINDS)
    return NO_KINDS if NO_KINDS in kinds else as_list_param(kinds)


def version_label(slug: str) -> str:
    name = corpus.councils[slug].name
    return f"{name} · imported this session" if slug in imported else f"{name} · adopted text"


def keep(name: str, value) -> None:
    """A widget that was not drawn on the last run has lost its state: start it from the URL's value."""
    st.session_state.setdefault(f"{PREFIX}_{name}", value)


# The usual review: the visitor's latest imported draft against their council's adopted text.
default_new = list(imported)[-1] if imported else ""
url = {"old": read_version("old", current_council(corpus)), "new": read_version("new", default_new),
       "section": read_choice("section", SECTIONS, "changes", "a section of this page"), "kind": read_kinds()}
reseed_on_return(PREFIX, "old")
seed_from_url(PREFIX, url, to_widget={"new": lambda v: v or None, "kind": kinds_from})

versions = list(corpus.councils)
# One above the other: protocol names are long, and side by side they are cut short at 800 px.
old = st.selectbox("Old version (the adopted text)", versions, key=f"{PREFIX}_old", format_func=version_label)
new = st.selectbox("New version (the draft)", versions, key=f"{PREFIX}_new", format_func=version_label,
                   index=None, placeholder="Choose the new version")
st.page_link(PAGE_FILES["import"], icon=":material/upload_file:",
             label="Import a draft (Word, PDF or text): it is listed here for this browser tab only")

section, kinds = url["section"], url["kind"]
if new is None:
    st.info("Choose the new version to compare with the old one: a draft you imported, or another protocol.",
            icon=":material/difference:")
elif new == old:
    st.warning(f"The old and new versions are the same protocol ({escape_markdown(corpus.councils[old].name)}). "
               "Choose a different protocol for one of them.", icon=":material/difference:")
else:
    review = review_of(model, old, new)
    summary = review.redline.summary()
    st.header(f"{review.old.short_name} → {review.new.short_name}")
    st.markdown(escape_markdown(summary_line(review)))
    pack_downloads(model, review)
    counts = {"changes": sum(n for k, n in summary.items() if k not in ("same", "renumbered")),
              "gaps": len(review.gaps.gaps),
              "peers": len(review.peer_differences.differences) if review.peer_differences.compared else None,
              "decisions": len(review.decisions.changes) if review.decisions.compared else None}
    keep("section", section)
    section = st.segmented_control(
        "Show", list(SECTIONS), key=f"{PREFIX}_section", required=True,
        format_func=lambda s: SECTIONS[s] + (f" ({counts[s]})" if counts[s] is not None else " (not compared)"))
    st.subheader(SECTIONS[section])
    if section == "changes":
        keep("kind", kinds_from(kinds))
        chosen = st.pills("Show clauses that are", list(CHANGES), key=f"{PREFIX}_kind", selection_mode="multi",
                          format_func=lambda k: f"{CHANGE_LABELS[k]} ({summary[k]})")
        kinds = as_list_param(k for k in CHANGES if k in chosen) or NO_KINDS
        show_redline(corpus, review, chosen)
    elif section == "gaps":
        show_gaps(corpus, review)
    elif section == "peers":
        show_peer_differences(corpus, review)
    else:
        show_decision_changes(corpus, review)

write_url(PREFIX, {"old": old, "new": new or "", "section": section, "kind": kinds},
          defaults={"section": "changes", "kind": as_list_param(DEFAULT_KINDS)})
