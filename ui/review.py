"""The Review page's parts: the review itself (cached), the redline, gaps with model wording, differences
from most peers, decision answers that change, and the review pack downloads.

Every word of protocol text here may come from a visitor's imported draft, so all of it is escaped
(:func:`verbatim`, :func:`logic.redline.diff_markdown`); changes are marked in words and bold or
strikethrough, never by colour alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

import streamlit as st

from logic.content import Corpus
from logic.export import escape_markdown
from logic.model import Model
from logic.permissions import VERDICT_LABELS
from logic.redline import CHANGE_LABELS, Pair, diff_markdown
from logic.review import DecisionChange, Review, build_review
from logic.review_pack import filename, review_pack
from logic.routing import TitledRecipient, recipients_in_words
from ui.clauses import handbook_links
from ui.data import derived

DIFFED = ("changed", "moved", "split", "merged")
MIME = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "pdf": "application/pdf"}


def review_of(model: Model, old: str, new: str) -> Review:
    """The review of OLD -> NEW, built once (for everyone, or once per session when it involves the
    visitor's imports) and dated today."""
    review = derived(f"review:{old}->{new}", lambda held: build_review(held, old, new))
    today = dt.date.today()
    return review if review.date == today else replace(review, date=today)


def verbatim(text: str) -> str:
    """Protocol text shown word for word and line for line, with nothing in it read as Markdown."""
    return "  \n".join(escape_markdown(line) for line in text.split("\n") if line.strip())


def _number(clause_id: str) -> str:
    """ "6.2" for "thurrock:6.2", in lists that already name the council."""
    return clause_id.partition(":")[2] or clause_id


def _cited_name(corpus: Corpus, clause_id: str) -> str:
    """ "Thurrock 6.2" for "thurrock:6.2"."""
    council, _, number = clause_id.partition(":")
    return f"{corpus.councils[council].short_name} {number}" if council in corpus.councils else clause_id


# ------------------------------------------------------------------ summary and downloads


def summary_line(review: Review) -> str:
    summary = review.redline.summary()
    counts = ", ".join(f"{n} {CHANGE_LABELS[kind].lower()}" for kind, n in summary.items() if n)
    return f"{len(review.redline.pairs)} clause pairs: {counts}." if counts else "Neither version has any clauses."


def pack_downloads(model: Model, review: Review) -> None:
    """Word and PDF packs, built only when clicked (about a second each)."""
    row = st.container(horizontal=True)
    for fmt, label, icon in (("docx", "Review pack (Word)", ":material/description:"),
                             ("pdf", "Review pack (PDF)", ":material/picture_as_pdf:")):
        row.download_button(label, lambda f=fmt: review_pack(model, review, f), file_name=filename(review, fmt),
                            mime=MIME[fmt], icon=icon, on_click="ignore", key=f"rv_pack_{fmt}")
    st.caption("For committee: both versions, the summary, every change, the gaps with model wording, the "
               "differences from peers, the decision answers that change, and every clause cited.")


# ------------------------------------------------------------------ redline


def _where(pair: Pair) -> str:
    clause = pair.new or pair.old
    if pair.change == "moved":
        return (f"moved from section {pair.old.section} ({pair.old.section_title}) "
                f"to section {pair.new.section} ({pair.new.section_title})")
    return f"section {clause.section} ({clause.section_title})" if clause.section_title else f"section {clause.section}"


def show_pair(corpus: Corpus, pair: Pair) -> None:
    """One card: what happened in words, the wording with its changes marked, links to both clauses."""
    heading = f"**{escape_markdown(pair.describe())}** · {escape_markdown(_where(pair))}"
    if pair.change in DIFFED:
        heading += (" · no words changed" if pair.similarity == 1
                    else f" · {round(pair.similarity * 100)}% of words alike")
    with st.container(border=True):
        st.markdown(heading)
        if pair.change in DIFFED:
            st.markdown(diff_markdown(pair.diff))
        else:
            st.markdown(verbatim((pair.new or pair.old).text))
        handbook_links(corpus, [i for i in (pair.old_id, pair.new_id) if i])


def _folded(pairs: Sequence[Pair]) -> str:
    counts: dict[str, int] = {}
    for pair in pairs:
        counts[pair.change] = counts.get(pair.change, 0) + 1
    kinds = ", ".join(f"{n} {CHANGE_LABELS[kind].lower()}" for kind, n in counts.items())
    first, last = (pairs[0].new or pairs[0].old), (pairs[-1].new or pairs[-1].old)
    span = first.number if len(pairs) == 1 else f"{first.number} to {last.number}"
    noun = "clause" if len(pairs) == 1 else "clauses"
    return f"⋯ {len(pairs)} {noun} not listed ({kinds}): {escape_markdown(span)}"


def show_redline(corpus: Corpus, review: Review, kinds: Sequence[str]) -> None:
    """The pairs of the chosen kinds in the new version's order; runs of other pairs fold into one line."""
    if not kinds:
        st.info("Choose at least one kind of change above to list clauses.", icon=":material/filter_alt:")
        return
    if not review.redline.of_kind(*kinds):
        st.info("No clause pair is of the kinds you chose.", icon=":material/filter_alt_off:")
        return
    folded: list[Pair] = []
    for pair in review.redline.pairs:
        if pair.change not in kinds:
            folded.append(pair)
            continue
        if folded:
            st.caption(_folded(folded))
            folded = []
        show_pair(corpus, pair)
    if folded:
        st.caption(_folded(folded))


# ------------------------------------------------------------------ gaps and model wording


def show_gaps(corpus: Corpus, review: Review) -> None:
    report = review.gaps
    names = {slug: c.short_name for slug, c in corpus.councils.items()}
    peers = ", ".join(names[p] for p in report.peers)
    st.markdown(f"Topics that at least one of the peers ({escape_markdown(peers)}) addresses and the new version "
                "does not. The peers' clauses are quoted word for word as model wording; **shared model text** "
                "marks wording other peers share almost word for word, the safest to borrow.")
    if not report.gaps:
        st.success("No gaps: every topic a peer addresses is addressed by the new version.",
                   icon=":material/check_circle:")
    for gap in report.gaps:
        st.markdown(f"#### {escape_markdown(gap.label)}")
        st.markdown("Addressed by " + "; ".join(
            f"**{escape_markdown(names[peer])}** ({escape_markdown(', '.join(map(_number, ids)))})"
            for peer, ids in gap.peers.items()) + ". Not addressed by the new version.")
        shared = sum(1 for w in gap.model_wording if w.is_shared)
        title = f"Model wording: {len(gap.model_wording)} clause{'s' * (len(gap.model_wording) != 1)}"
        with st.expander(title + (f", {shared} shared model text" if shared else "")):
            for wording in gap.model_wording:
                clause = wording.clause
                line = f"**{escape_markdown(names[clause.council])} {escape_markdown(clause.number)}**"
                line += f" · {escape_markdown(clause.heading)}" if clause.heading else ""
                if wording.is_shared:
                    line += (" · **Shared model text**: near-identical wording also in "
                             + escape_markdown(", ".join(_cited_name(corpus, i) for i in wording.shared_ids)))
                with st.container(border=True):
                    st.markdown(line)
                    st.markdown(verbatim(clause.text))
                    handbook_links(corpus, [clause.id, *wording.shared_ids])
    covered = len(report.covered)
    silent = ", ".join(corpus.topics[t].label for t in report.silent_everywhere)
    st.caption(f"The new version addresses {covered} of {len(corpus.topics)} topics."
               + (f" No council addresses: {escape_markdown(silent)}." if silent else ""))


# ------------------------------------------------------------------ differences from most peers


def show_peer_differences(corpus: Corpus, review: Review) -> None:
    comparison = review.peer_differences
    names = {slug: c.short_name for slug, c in corpus.councils.items()}
    if not comparison.compared:
        st.info(escape_markdown(comparison.note), icon=":material/info:")
        return
    st.markdown("Points of the comparison's differences table (who receives a complaint, time limits, verdicts) "
                "where more than half the peers give one answer and the new version another.")
    if not comparison.differences:
        st.success("None found: on every point the new version agrees with most peers.",
                   icon=":material/check_circle:")
    source = names[comparison.source]
    for difference in comparison.differences:
        st.markdown(f"#### {escape_markdown(difference.row.spec.question)}")
        cells = difference.row.cells
        lines = [f"- **{escape_markdown(source)} (new version):** {escape_markdown(str(difference.source))}"]
        lines += [f"- **{escape_markdown(names[s])}** (with most peers): {escape_markdown(str(cells[s]))}"
                  for s in difference.majority]
        lines += [f"- **{escape_markdown(names[s])}:** {escape_markdown(str(cells[s]))}" for s in difference.others]
        st.markdown("\n".join(lines))
        handbook_links(corpus, [*difference.source.cites, *(c for s in difference.majority for c in cells[s].cites)])


# ------------------------------------------------------------------ decision answers that change


def answer_markdown(data: dict) -> str:
    """An engine answer (as_dict) in a line or a numbered list of steps, with the clauses it cites: the
    verdict and reasons, or who acts, whom it reaches, when, and within what time."""
    def cites(ids) -> str:
        return f" ({escape_markdown(', '.join(ids))})" if ids else ""

    if "verdict" in data:
        reasons = " ".join(escape_markdown(r) for r in data["reasons"])
        return f"**{VERDICT_LABELS[data['verdict']]}.** {reasons}{cites(data['cites'])}"
    if not data["covered"]:
        return f"**Not covered.** {escape_markdown(data['note'])}"
    lines = [f"_Applies: {escape_markdown(data['scope'])}_\n"] if data.get("scope") else []
    for number, step in enumerate(data["steps"], 1):
        when = "".join(f"_{escape_markdown(c)}:_ " for c in ("At the same time" * step["parallel"], step["condition"])
                       if c)
        reaches = recipients_in_words([TitledRecipient(**r) for r in step["recipients"]])
        limits = "; ".join(filter(None, [step["within"], *step["other_limits"]]))
        lines.append(f"{number}. {when}**{escape_markdown(step['actor_label'])}**"
                     + (f" ({escape_markdown(reaches)})" if reaches else "") + f": {escape_markdown(step['action'])}"
                     + (f" **Within {escape_markdown(limits)}.**" if limits else "") + cites(step["cites"]))
    return "\n".join(lines)


def _cited(data: dict) -> list[str]:
    return [*data.get("cites", ()), *(c for s in data.get("steps", ()) for c in s["cites"])]


KIND_HEADINGS = {"route": "Who do I go to?", "question": "May I…?"}


def _grouped(changes: Sequence[DecisionChange]) -> dict[str, dict[str, dict[tuple, list[DecisionChange]]]]:
    """{kind: {scenario or question label: {(what, old answer, new answer): the cases giving it}}}."""
    groups: dict[str, dict[str, dict[tuple, list[DecisionChange]]]] = {}
    for change in changes:
        key = (change.what, answer_markdown(change.old), answer_markdown(change.new))
        groups.setdefault(change.key.kind, {}).setdefault(change.label, {}).setdefault(key, []).append(change)
    return groups


def _cases(changes: Sequence[DecisionChange]) -> str:
    cases = [escape_markdown(", ".join(c.assumptions)) for c in changes if c.assumptions]
    if not cases:
        return "_In every case._"
    if len(cases) == 1:
        return f"_When {cases[0]}._"
    return "_When:_\n" + "\n".join(f"- {case}" for case in cases)


def show_decision_changes(corpus: Corpus, review: Review) -> None:
    decisions = review.decisions
    if not decisions.compared:
        st.info(escape_markdown(decisions.note), icon=":material/info:")
        return
    st.markdown(f"Every route scenario and permission question, over every combination of its answers "
                f"({decisions.checked} answers compared), answered by the app's engines from each version's "
                "rules. A clause cited under its new number counts as unchanged.")
    if decisions.unanswered:
        st.caption(f"{decisions.unanswered} answer(s) left out: one version has no rule for them yet.")
    if not decisions.changes:
        st.success("No answer changes.", icon=":material/check_circle:")
    old, new = escape_markdown(review.old.short_name), escape_markdown(review.new.short_name)
    for kind, entries in _grouped(decisions.changes).items():
        st.markdown(f"#### {KIND_HEADINGS[kind]}")
        for label, variants in entries.items():
            cases = sum(len(v) for v in variants.values())
            with st.expander(f"{label}: {cases} answer{'s' * (cases != 1)} change{'s' * (cases == 1)}"):
                for (what, before, after), changes in variants.items():
                    with st.container(border=True):
                        st.markdown(f"**What changes:** {escape_markdown(what)}\n\n{_cases(changes)}")
                        st.markdown(f"**Old ({old}):**\n\n{before}")
                        st.markdown(f"**New ({new}):**\n\n{after}")
                        handbook_links(corpus, [*_cited(changes[0].old), *_cited(changes[0].new)])
