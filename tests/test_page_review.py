"""AppTest of the Review page: pick OLD and NEW, the redline's counts and filter, gaps, differences and
decision changes as the logic computes them, the state in the URL, and bad or impossible choices."""

from __future__ import annotations

import pytest

from logic.export import escape_markdown
from logic.importer import import_file, to_council
from logic.redline import CHANGE_LABELS, CHANGES
from logic.review import build_review
from tests.review_revisions import as_docx, revise
from ui.review import summary_line

PAGE = "pages/review.py"
DRAFT = "maldon-draft"
DEFAULT_KINDS = ("changed", "moved", "added", "removed", "split", "merged")


def open_review(app, *, imported=None, **query):
    if imported:
        app.session_state["imported_councils"] = imported
    app.run()
    app.query_params.update(query)
    app.switch_page(PAGE).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def cards(app) -> list[str]:
    """The heading line of every redline card shown (it starts with the pair described in words)."""
    return [m.value for m in app.markdown if m.value.startswith("**") and "→" in m.value.split("·")[0]]


def described(pair) -> str:
    return f"**{escape_markdown(pair.describe())}**"


@pytest.fixture(scope="module")
def maldon_draft(tmp_path_factory, model):
    """A Word revision of Maldon's protocol (clauses inserted, reworded, removed, moved, split, merged),
    imported the way the import page does it: no rules are written for it."""
    path = tmp_path_factory.mktemp("draft") / "maldon-draft.docx"
    path.write_bytes(as_docx(revise(model.corpus.councils["maldon"], 1).council))
    return to_council(import_file(path, slug=DRAFT, name="Maldon draft 2025", corpus=model.corpus), model.corpus)


@pytest.fixture(scope="module")
def draft_review(model, maldon_draft):
    from logic.overlay import with_councils

    held = with_councils(model, [maldon_draft])
    return build_review(held, "maldon", DRAFT)


def test_two_councils_show_the_redline_counts_the_logic_gives(app, model):
    open_review(app, old="allerdale", new="county")
    review = build_review(model, "allerdale", "county")
    summary = review.redline.summary()
    assert escape_markdown(summary_line(review)) in [m.value for m in app.markdown]
    kind_filter = app.pills(key="rv_kind")
    assert kind_filter.options == [f"{CHANGE_LABELS[k]} ({summary[k]})" for k in CHANGES]
    assert kind_filter.value == list(DEFAULT_KINDS)
    assert cards(app) == [m for m in cards(app) if m.split(" · ")[0] in
                          {described(p) for p in review.redline.of_kind(*DEFAULT_KINDS)}]
    assert len(cards(app)) == len(review.redline.of_kind(*DEFAULT_KINDS))
    section = app.segmented_control(key="rv_section")
    changes = sum(n for k, n in summary.items() if k not in ("same", "renumbered"))
    assert section.options[0] == f"Changes ({changes})"
    assert section.options[3] == f"Decision answers ({len(review.decisions.changes)})"


def test_the_filter_lists_only_the_chosen_kinds_and_goes_in_the_url(app, model, maldon_draft, draft_review):
    open_review(app, imported={DRAFT: maldon_draft}, council="maldon")
    assert app.selectbox(key="rv_new").value == DRAFT, "the latest imported draft is the new version"
    assert app.selectbox(key="rv_old").value == "maldon", "against the visitor's council"
    app.pills(key="rv_kind").set_value(["changed"]).run()
    changed = draft_review.redline.of_kind("changed")
    assert changed and [c.split(" · ")[0] for c in cards(app)] == [described(p) for p in changed]
    assert app.query_params["kind"] == "changed"
    folded = [c.value for c in app.caption if c.value.startswith("⋯")]
    assert folded and sum(int(line.split()[1]) for line in folded) == len(draft_review.redline.pairs) - len(changed)
    app.pills(key="rv_kind").set_value([]).run()
    assert app.query_params["kind"] == "none" and not cards(app)
    assert any("Choose at least one kind" in i.value for i in app.info)


def test_every_kind_shows_every_pair_in_new_order(app, draft_review, maldon_draft):
    open_review(app, imported={DRAFT: maldon_draft}, old="maldon", new=DRAFT, kind=",".join(CHANGES))
    assert [c.split(" · ")[0] for c in cards(app)] == [described(p) for p in draft_review.redline.pairs]
    assert not [c for c in app.caption if c.value.startswith("⋯")]


def test_changes_are_marked_in_words_not_colour(app, draft_review, maldon_draft):
    open_review(app, imported={DRAFT: maldon_draft}, old="maldon", new=DRAFT, kind="changed")
    diffs = [m.value for m in app.markdown if "[inserted: **" in m.value or "[deleted: ~~" in m.value]
    assert len(diffs) == len(draft_review.redline.of_kind("changed"))
    assert not any(":red[" in d or ":blue[" in d for d in diffs)


def test_clause_ids_link_to_the_handbook_in_the_same_tab(app, draft_review, maldon_draft):
    open_review(app, imported={DRAFT: maldon_draft}, old="maldon", new=DRAFT, kind="changed")
    links = [(link.proto.label, link.proto.page, link.proto.query_string) for link in app.get("page_link")
             if link.proto.page == "handbook"]
    pair = draft_review.redline.of_kind("changed")[0]
    assert (pair.old.id, "handbook", f"council=maldon&clause={pair.old.number}") in links
    assert (pair.new.id, "handbook", f"council={DRAFT}&clause={pair.new.number}") in links


def test_coming_back_from_the_handbook_restores_the_choices(app):
    open_review(app, old="allerdale", new="county", kind="moved")
    app.switch_page("pages/handbook.py").run()
    app.query_params.clear()
    app.query_params.update({"council": "allerdale", "old": "allerdale", "new": "county", "kind": "moved"})
    app.switch_page(PAGE).run()  # the browser's back button to the URL this page wrote
    assert (app.selectbox(key="rv_old").value, app.selectbox(key="rv_new").value) == ("allerdale", "county")
    assert app.pills(key="rv_kind").value == ["moved"]


def test_the_choices_are_restored_from_the_url_like_back_and_forward(app):
    open_review(app, council="allerdale", old="allerdale", new="county", kind="added", section="gaps")
    assert app.segmented_control(key="rv_section").value == "gaps"
    app.segmented_control(key="rv_section").set_value("changes").run()
    assert app.pills(key="rv_kind").value == ["added"], "the filter kept while another section was open"
    assert dict(app.query_params) == {"council": "allerdale", "old": "allerdale", "new": "county", "kind": "added"}
    # The browser's back button: Streamlit reruns the page with the older URL.
    app.query_params.update({"old": "maldon", "new": "thurrock", "kind": "removed", "section": "peers"})
    app.run()
    assert (app.selectbox(key="rv_old").value, app.selectbox(key="rv_new").value) == ("maldon", "thurrock")
    assert app.segmented_control(key="rv_section").value == "peers"
    assert app.query_params["kind"] == "removed"


def test_gaps_section_lists_the_logic_gaps_with_quoted_shared_wording(app, maldon_draft, draft_review):
    open_review(app, imported={DRAFT: maldon_draft}, old="maldon", new=DRAFT, section="gaps")
    headings = [m.value for m in app.markdown if m.value.startswith("#### ")]
    assert headings == [f"#### {escape_markdown(g.label)}" for g in draft_review.gaps.gaps]
    assert len(app.expander) == len(draft_review.gaps.gaps)
    wording = [w for g in draft_review.gaps.gaps for w in g.model_wording]
    texts = [m.value for m in app.markdown]
    shared = [w for w in wording if w.is_shared]
    assert shared, "the fixture should have some shared model text"
    assert sum("**Shared model text**" in t for t in texts) == len(shared)
    first = wording[0].clause
    assert escape_markdown(first.text.split("\n")[0]) in "\n".join(texts), "model wording quoted word for word"


def test_an_imported_draft_says_its_decisions_cannot_be_compared(app, maldon_draft):
    open_review(app, imported={DRAFT: maldon_draft}, old="maldon", new=DRAFT, section="decisions")
    assert any("no routes or rules written yet" in i.value for i in app.info)
    assert app.segmented_control(key="rv_section").options[2:] == ["Differences from peers (not compared)",
                                                                   "Decision answers (not compared)"]


def test_decision_changes_between_two_councils_with_rules(app, model):
    open_review(app, old="allerdale", new="county", section="decisions")
    decisions = build_review(model, "allerdale", "county").decisions
    labels = list(dict.fromkeys(c.label for c in decisions.changes))
    assert [e.label.split(":")[0] for e in app.expander] == labels
    counted = sum(int(e.label.split(": ")[1].split()[0]) for e in app.expander)
    assert counted == len(decisions.changes)
    # Every case that changes is listed once: alone ("When …", "In every case") or in a list of cases.
    listed = [m.value for m in app.markdown if m.value.startswith("**What changes:**")]
    assert sum(text.count("\n- ") if "_When:_" in text else 1 for text in listed) == len(decisions.changes)


def test_differences_from_most_peers(app, model):
    open_review(app, old="allerdale", new="county", section="peers")
    differences = build_review(model, "allerdale", "county").peer_differences.differences
    assert [m.value for m in app.markdown if m.value.startswith("#### ")] == [
        f"#### {escape_markdown(d.row.spec.question)}" for d in differences]


def test_review_pack_downloads_are_offered_in_both_formats(app):
    open_review(app, old="allerdale", new="county")
    buttons = {b.proto.label: b for b in app.get("download_button")}
    assert set(buttons) == {"Review pack (Word)", "Review pack (PDF)"}


def test_old_and_new_the_same_gets_a_clear_message_and_no_review(app):
    open_review(app, old="county", new="county")
    assert any("same protocol" in w.value for w in app.warning)
    assert not cards(app) and not app.get("download_button")


def test_no_new_version_yet_asks_for_one(app):
    open_review(app, council="thurrock")
    assert app.selectbox(key="rv_old").value == "thurrock" and app.selectbox(key="rv_new").value is None
    assert any("Choose the new version" in i.value for i in app.info)
    assert not cards(app)


@pytest.mark.parametrize(("query", "message"), [
    ({"old": "atlantis", "new": "county"}, "not a protocol held in this session"),
    ({"old": "allerdale", "new": DRAFT}, "import it again"),
    ({"old": "allerdale", "new": "county", "kind": "reworded"}, "not a kind of change"),
    ({"old": "allerdale", "new": "county", "section": "appendix"}, "not a section of this page"),
])
def test_bad_url_values_are_reported_and_the_default_used(app, query, message):
    open_review(app, **query)
    assert any(message in w.value for w in app.warning), [w.value for w in app.warning]
    assert not app.exception


def test_a_bad_kind_among_good_ones_is_dropped(app):
    open_review(app, old="allerdale", new="county", kind="moved,nonsense")
    assert app.pills(key="rv_kind").value == ["moved"]
    assert any("“nonsense” is not a kind of change" in w.value for w in app.warning)
