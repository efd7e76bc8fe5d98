"""AppTest of the decision pages (Compare, Who do I go to?, May I…?): what they show and the state they keep.

"Back" and "forward" are what the browser does: the page reruns with an older URL (verified in Chromium in
tests/e2e/test_decisions.py); here the URL is set back and the page rerun.
"""

import pytest
from test_pages import open_page

from logic.audit import answers
from logic.compare import GAP, clauses_on_topics, coverage, differences

COUNCILS = ["allerdale", "county", "maldon", "parish", "thurrock"]
PLANNING_ROW = 16  # the heatmap's rows are the topics in vocabulary order


def go_to(app, url: dict):
    """The browser's back/forward/reload: the page reruns with this URL."""
    app.query_params.clear()
    app.query_params.update(url)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def markdown_texts(app) -> list[str]:
    return [m.value for m in app.markdown]


def click_heatmap(app, row: int, column: str):
    """What a click on a heatmap cell sends: the dataframe's single-cell selection."""
    app.session_state["cmp_heatmap"] = {"selection": {"rows": [], "columns": [], "cells": [[row, column]]}}
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def silent_route(model) -> tuple[str, str, dict]:
    """(council, scenario, params) of a situation a protocol is silent on while it has clauses on the topic,
    found in the data (the truth audit keeps changing which)."""
    for council in model.corpus.councils:
        for found in answers(model, council):
            if found.key.kind == "route" and not found.result.covered and clauses_on_topics(
                    model.corpus, council, model.routing.catalogue[found.key.slug].topics):
                return council, found.key.slug, dict(found.key.params)
    raise AssertionError("no protocol is silent on any situation: pick another test")


def planning_in_words(corpus, order) -> dict[str, str]:
    """The heatmap's Planning row as the page words it ("2 clauses", "✗ Gap"), council by council."""
    table = coverage(corpus)["planning"]
    return {slug: (f"{len(table[slug])} clause{'s' * (len(table[slug]) != 1)}" if table[slug] else GAP)
            for slug in order}


def button(app, label: str, key: str | None = None):
    return next(b for b in app.button if b.label == label and (key is None or b.key == key))


# ------------------------------------------------------------------ Compare


def test_compare_deep_link_restores_councils_view_and_layout(app):
    open_page(app, "pages/compare.py", council="thurrock", councils="county,thurrock", view="differences",
              layout="list")
    assert app.multiselect[0].value == ["thurrock", "county"]
    assert next(t for t in app.toggle if t.label.startswith("One question at a time")).value is True
    bullets = next(m for m in markdown_texts(app) if m.startswith("- **Thurrock**"))
    assert bullets.splitlines()[1].startswith("- **County**") and len(bullets.splitlines()) == 2
    assert {k: app.query_params[k] for k in ("councils", "view", "layout")} == {
        "councils": "county,thurrock", "view": "differences", "layout": "list"}


def test_compare_back_forward_and_reload_restore_view_topic_and_councils(app):
    open_page(app, "pages/compare.py", council="maldon")
    coverage_url = dict(app.query_params)
    app.segmented_control[0].set_value("topic").run()
    app.selectbox(key="cmp_topic").set_value("planning").run()
    topic_url = dict(app.query_params)
    assert topic_url["view"] == "topic" and topic_url["topic"] == "planning"
    app.multiselect[0].set_value(["maldon", "parish"]).run()
    councils_url = dict(app.query_params)
    assert councils_url["councils"] == "maldon,parish"

    go_to(app, topic_url)  # back
    assert app.multiselect[0].value == ["maldon", "allerdale", "county", "parish", "thurrock"]
    assert app.selectbox(key="cmp_topic").value == "planning" and app.header[0].value == "Planning"
    go_to(app, coverage_url)  # back again
    assert app.segmented_control[0].value == "coverage" and app.header[0].value == "Coverage: topics by council"
    go_to(app, councils_url)  # forward twice, then reload
    app.run()
    assert app.multiselect[0].value == ["maldon", "parish"]
    assert [s.value for s in app.subheader][:2] == ["Maldon (your council)", "Parish"]


def test_heatmap_click_on_a_count_opens_its_clauses_and_reads_the_topic_side_by_side(app, corpus):
    open_page(app, "pages/compare.py", council="maldon")
    click_heatmap(app, PLANNING_ROW, "Maldon")
    planning = planning_in_words(corpus, ["maldon", "allerdale", "county", "parish", "thurrock"])
    assert [s.value for s in app.subheader] == [f"Maldon: {planning['maldon']}"]
    assert " · ".join(f"{corpus.councils[c].short_name} {w}" for c, w in planning.items()) in markdown_texts(app)
    assert app.selectbox(key="cmp_topic").value == "planning"  # the picker beside the table follows the click
    assert dict(app.query_params)["topic"] == "planning"
    button(app, "Read “Planning” side by side", "cmp_read_dialog").click().run()
    assert app.header[0].value == "Planning"
    assert {k: app.query_params[k] for k in ("view", "topic")} == {"view": "topic", "topic": "planning"}
    assert [s.value for s in app.subheader][:2] == ["Maldon (your council)", "Allerdale"]


def test_heatmap_click_on_a_topic_and_on_a_gap(app):
    open_page(app, "pages/compare.py", council="parish")
    click_heatmap(app, PLANNING_ROW, "Topic")
    assert any(m.startswith("Parish ✗ Gap · Allerdale ✗ Gap") for m in markdown_texts(app))
    assert not app.subheader  # a topic, not one council's cell
    click_heatmap(app, PLANNING_ROW, "Parish")
    assert any(i.value.startswith(f"**{GAP}**: Parish's protocol does not address this topic") for i in app.info)
    assert not any("rest on these clauses" in m for m in markdown_texts(app))  # a gap has no answers beside it


def test_heatmap_count_shows_the_differences_answers_resting_on_its_clauses(app):
    open_page(app, "pages/compare.py", council="thurrock")
    row = list(coverage_topics(app)).index("Complaints about officers")
    click_heatmap(app, row, "Thurrock")
    answers = next(m for m in markdown_texts(app) if m.startswith("- Where does a councillor\\'s formal complaint"))
    assert "**Director or Chief Executive \\(copied to Monitoring Officer\\)**" in answers
    assert "`thurrock:13.1`" in answers


def coverage_topics(app):
    return app.dataframe[0].value["Topic"]


def test_coverage_never_shows_a_gap_where_a_differences_answer_rests_on_the_topic(app, model):
    """One fact, one answer: every covered differences cell rests on clauses whose topics the heatmap shows
    as covered for that council, and a council the heatmap marks as a gap for a row's every topic is not covered."""
    open_page(app, "pages/compare.py", council="maldon")
    heatmap = app.dataframe[0].value.set_index("Topic")
    labels = {slug: topic.label for slug, topic in model.corpus.topics.items()}
    for row in differences(model):
        catalogue = model.routing.catalogue if row.spec.kind == "route" else model.rules.catalogue
        for slug, cell in row.cells.items():
            name = model.corpus.councils[slug].short_name
            shown = [heatmap.loc[labels[t], name] for t in catalogue[row.spec.entry].topics]
            if cell.covered:
                cited_topics = {t for c in cell.cites for t in model.corpus.resolve(c).topics}
                assert any(heatmap.loc[labels[t], name] != GAP for t in cited_topics), (row.spec.id, slug)
            if all(s == GAP for s in shown):
                assert not cell.covered, (row.spec.id, slug, str(cell))


def test_your_council_first_in_the_heatmap_the_differences_and_shared_wording(app):
    open_page(app, "pages/compare.py", council="parish")
    assert list(app.dataframe[0].value.columns) == ["Topic", "Parish", "Allerdale", "County", "Maldon", "Thurrock"]
    assert app.multiselect[0].value[0] == "parish"
    go_to(app, {"council": "parish", "view": "differences"})
    assert list(app.table[0].value.columns) == ["Parish", "Allerdale", "County", "Maldon", "Thurrock"]
    go_to(app, {"council": "parish", "view": "shared"})
    first = app.expander[0].label
    assert first.startswith("parish:"), first


def test_compare_reports_unknown_councils_topic_and_layout_and_shows_the_rest(app):
    open_page(app, "pages/compare.py", council="maldon", councils="atlantis,county", topic="nope", layout="wide")
    warnings = " ".join(w.value for w in app.warning)
    assert "atlantis" in warnings and "nope" in warnings and "wide" in warnings
    assert app.multiselect[0].value == ["county"]
    assert "topic" not in app.query_params and "layout" not in app.query_params


# ------------------------------------------------------------------ Who do I go to?


def test_step_list_names_everyone_a_step_reaches(app):
    open_page(app, "pages/escalation.py", council="thurrock", scenario="member-concern-about-officer", stage="formal")
    steps = next(m for m in markdown_texts(app) if m.startswith("1. "))
    assert "    - To **Director** or **Chief Executive**" in steps
    assert "    - Copied to **Monitoring Officer**" in steps
    assert "    - Keeps **Member** informed" in steps
    alt = app.get("graphviz_chart")[0].proto.alt
    assert "Monitoring Officer" in alt and "copied to" in alt


def test_parallel_steps_and_the_routes_scope_are_said_in_words(app):
    open_page(app, "pages/escalation.py", council="maldon", scenario="personal-relationship", party="officer")
    steps = next(m for m in markdown_texts(app) if m.startswith("1. "))
    assert "2. _At the same time as step 1:_ **Member**" in steps and "Tells **Group Leader**" in steps
    assert "**Applies:** Where the personal relationship is unavoidable \\(family or social\\)" in markdown_texts(app)
    assert "applies: Where the personal relationship is unavoidable" in app.get("graphviz_chart")[0].proto.alt
    app.segmented_control[0].set_value("all").run()
    card = next(m for m in markdown_texts(app) if m.startswith("**Applies:**"))
    assert "**First go to:** Head of Paid Service" in card  # the scope leads the card's summary too


def test_all_five_cards_give_whom_you_go_to_first_not_the_person_acting(app):
    open_page(app, "pages/escalation.py", council="thurrock", scenario="member-concern-about-officer", stage="formal",
              view="all")
    names = ["Thurrock \\(your council\\)", "Allerdale", "County", "Maldon", "Parish"]
    assert [s.value for s in app.subheader if s.value in names] == names
    first = [m for m in markdown_texts(app) if "**First go to:**" in m]
    assert first[0] == "**First go to:** Director or Chief Executive \\(copied to Monitoring Officer\\)"
    assert not any("**First go to:** Member" in m for m in first)
    assert sum(m.startswith("**Assuming**") for m in markdown_texts(app)) == 1  # once, above the cards


def test_not_covered_route_offers_clauses_on_the_same_topic_uncited(app, corpus, model):
    council, scenario, params = silent_route(model)
    open_page(app, "pages/escalation.py", council=council, scenario=scenario, **params)
    assert any(i.value.startswith("**Not covered by this protocol.**") for i in app.info)
    related = clauses_on_topics(corpus, council, model.routing.catalogue[scenario].topics)
    label = f"Clauses on the same topic ({len(related)}): they do not answer this question"
    assert [e.label for e in app.expander] == [label]
    assert not any(m.startswith("Based on") for m in markdown_texts(app))  # shown, never cited
    assert not app.get("graphviz_chart")


def test_escalation_back_and_reload_restore_stage_view_dates_and_chart(app):
    open_page(app, "pages/escalation.py", council="maldon", scenario="member-concern-about-officer")
    first_url = dict(app.query_params)
    next(r for r in app.radio if r.label == "How far has it gone?").set_value("formal").run()
    next(t for t in app.toggle if t.label.startswith("Work out deadlines")).set_value(True).run()
    app.date_input(key="esc_start").set_value("2026-12-21").run()
    dated_url = dict(app.query_params)
    assert dated_url["stage"] == "formal" and dated_url["start"] == "2026-12-21"
    app.segmented_control[0].set_value("all").run()
    app.selectbox(key="esc_chart").set_value("thurrock").run()
    all_url = dict(app.query_params)
    assert all_url["view"] == "all" and all_url["chart"] == "thurrock"

    go_to(app, dated_url)  # back
    assert app.segmented_control[0].value == "one"
    assert next(t for t in app.toggle if t.label.startswith("Work out deadlines")).value is True
    assert str(app.date_input(key="esc_start").value) == "2026-12-21"
    go_to(app, first_url)  # back to where we started
    assert next(r for r in app.radio if r.label == "How far has it gone?").value == "informal"
    assert next(t for t in app.toggle if t.label.startswith("Work out deadlines")).value is False
    assert "start" not in app.query_params
    go_to(app, all_url)  # forward, then reload
    app.run()
    assert app.selectbox(key="esc_chart").value == "thurrock"
    assert "thurrock:13.1" in app.get("graphviz_chart")[0].proto.spec


def test_bad_chart_and_start_in_the_url_are_reported(app):
    open_page(app, "pages/escalation.py", council="maldon", view="all", chart="atlantis", start="2026-02-30")
    warnings = " ".join(w.value for w in app.warning)
    assert "atlantis" in warnings and "is not a date" in warnings
    assert app.selectbox(key="esc_chart").value == "maldon" and "start" not in app.query_params


@pytest.mark.parametrize("page,kind", [("pages/escalation.py", "scenario"), ("pages/explorer.py", "question")])
def test_every_entry_and_parameter_value_can_be_deep_linked(app, model, page, kind):
    """What the question box on other pages links to: each entry with its parameters arrives as given."""
    catalogue = model.routing.catalogue if kind == "scenario" else model.rules.catalogue
    open_page(app, page, council="county")
    for slug, entry in catalogue.items():
        wanted = {name: list(param.values)[-1] for name, param in entry.params.items()}
        go_to(app, {"council": "county", kind: slug, **wanted})
        refusals = [w.value for w in app.warning if w.icon == ":material/link_off:"]  # not a "conditional" verdict
        assert not refusals, refusals
        assert app.selectbox(key=f"{'esc' if kind == 'scenario' else 'may'}_{kind}").value == slug
        assert {name: app.query_params[name] for name in wanted} == wanted


# ------------------------------------------------------------------ May I…?


def test_explorer_not_covered_offers_related_clauses_and_cards_keep_your_council_first(app, corpus, model):
    open_page(app, "pages/explorer.py", council="parish", question="member-role-in-appointment")
    assert any(e.value == "## Not covered by this protocol" for e in app.info)
    related = clauses_on_topics(corpus, "parish", model.rules.catalogue["member-role-in-appointment"].topics)
    assert related and [e.label for e in app.expander] == [
        f"Clauses on the same topic ({len(related)}): they do not answer this question"]
    assert any("so nothing is cited" in c.value for c in app.caption)
    app.segmented_control[0].set_value("all").run()
    names = ["Parish \\(your council\\)", "Allerdale", "County", "Maldon", "Thurrock"]
    assert [s.value for s in app.subheader if s.value in names] == names
    verdicts = [m for m in markdown_texts(app) if m.startswith(":material/")]
    assert verdicts[0] == ":material/help: **Not covered by this protocol**"
    assert ":material/cancel: **No**" in verdicts  # Maldon and Thurrock


def test_explorer_back_restores_question_parameters_and_view(app):
    open_page(app, "pages/explorer.py", council="thurrock", question="inspect-document")
    first_url = dict(app.query_params)
    next(r for r in app.radio if r.label == "Is it confidential or exempt information?").set_value("yes").run()
    exempt_url = dict(app.query_params)
    assert exempt_url["exempt"] == "yes"
    app.segmented_control[0].set_value("all").run()
    go_to(app, exempt_url)
    assert app.segmented_control[0].value == "one"
    assert next(r for r in app.radio if r.label == "Is it confidential or exempt information?").value == "yes"
    go_to(app, first_url)
    assert next(r for r in app.radio if r.label == "Is it confidential or exempt information?").value == "no"


def test_every_council_card_is_drawn_for_every_council(app, corpus):
    open_page(app, "pages/explorer.py", council="maldon", question="share-group-advice", view="all")
    headings = [s.value for s in app.subheader]
    for slug in COUNCILS:
        name = corpus.councils[slug].short_name
        assert name in headings or f"{name} \\(your council\\)" in headings
