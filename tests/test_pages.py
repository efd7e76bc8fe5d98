"""AppTest over every page: it renders its heading, raises nothing, and shows what it should."""

import re

import pytest

PAGES = {
    "pages/home.py": "Protocol Explorer",
    "pages/handbook.py": "Handbook",
    "pages/search.py": "Search",
    "pages/compare.py": "Compare councils",
    "pages/escalation.py": "Who do I go to?",
    "pages/explorer.py": "May I…?",
    "pages/scenarios.py": "Scenarios and quiz",
    "pages/glossary.py": "Glossary",
    "pages/review.py": "Review a protocol",
    "pages/import.py": "Add your council",
}


def open_page(app, page, **query):
    app.run()
    app.query_params.update(query)
    app.switch_page(page).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_renders_its_heading(app, page):
    open_page(app, page)
    assert PAGES[page] in [t.value for t in app.title]


def test_council_picker_follows_the_url_and_persists(app):
    open_page(app, "pages/home.py", council="county")
    assert app.session_state["council"] == "county"
    app.query_params["council"] = "thurrock"
    app.run()
    assert app.session_state["council"] == "thurrock"
    app.switch_page("pages/handbook.py").run()
    assert app.session_state["council"] == "thurrock"
    assert "Thurrock Council" in [s.value for s in app.subheader]


def test_unknown_council_in_url_gives_a_friendly_message_and_asks_which(app):
    open_page(app, "pages/home.py", council="atlantis<b>")
    assert any("no council called" in w.value for w in app.warning)
    assert "council" not in app.session_state  # nothing chosen: the page asks "Which council are you?"
    assert any(m.value.startswith("**Which council are you?**") for m in app.markdown)
    assert not app.query_params.get("council")  # the bad value is taken out of the address


def test_handbook_deep_link_highlights_the_clause_in_its_section(app):
    open_page(app, "pages/handbook.py", council="maldon", clause="3.2")
    assert [h.value for h in app.header] == ["3. The Working Relationship in Practice"]
    highlighted = [m.value for m in app.markdown if "Linked clause" in m.value]
    assert len(highlighted) == 1
    assert "clause-maldon-3-2" in [s.proto.anchor for s in app.subheader]
    assert sum("\n\nMembers should not require an Officer" in m.value for m in app.markdown) == 1


def test_handbook_lettered_citation_opens_its_clause(app):
    open_page(app, "pages/handbook.py", council="thurrock", clause="4.4(b)")
    assert len([m for m in app.markdown if "Linked clause" in m.value]) == 1
    assert any("(#clause-thurrock-4-4)" in i.value for i in app.info)


@pytest.mark.parametrize("clause", ["99.9", "<script>alert(1)</script>", "3.2'; DROP TABLE", "x" * 5000])
def test_handbook_bad_clause_in_url_gives_a_friendly_message(app, clause):
    open_page(app, "pages/handbook.py", council="maldon", clause=clause)
    warnings = [w.value for w in app.warning]
    assert any("has no clause" in w for w in warnings)
    assert all(len(w) < 400 for w in warnings)
    assert not any("Linked clause" in m.value for m in app.markdown)


def test_handbook_section_and_topic_filters(app):
    open_page(app, "pages/handbook.py", council="maldon")
    app.multiselect[0].set_value(["planning"]).run()
    headers = [h.value for h in app.header]
    assert headers == ["13. Member / Officer relationships in Planning Matters"]


def test_handbook_offers_markdown_and_pdf(app):
    open_page(app, "pages/handbook.py", council="parish")
    labels = [b.label for b in app.get("download_button")]
    assert labels == ["Download Markdown", "Download PDF"]


def test_glossary_filters_terms_and_links_clauses(app):
    open_page(app, "pages/glossary.py")
    app.text_input[0].input("monitoring officer").run()
    subheaders = [s.value for s in app.subheader]
    assert "Monitoring Officer" in subheaders
    links = [link for link in app.main.get("page_link") if link.proto.page == "handbook"]
    assert links and all("term=" in link.proto.query_string for link in links)
    app.text_input[0].input("zzzz no such term").run()
    assert any("No term matches" in i.value for i in app.info)


# ------------------------------------------------------------------ decision pages


def test_escalation_deep_link_shows_route_deadline_and_flowchart(app):
    open_page(app, "pages/escalation.py", council="maldon", scenario="member-concern-about-officer",
              stage="informal", start="2026-12-21")
    steps = [m.value for m in app.markdown if m.value.startswith("1. ")]
    assert steps and "**Member**" in steps[0]
    assert any("**Within 7 days** (by Monday 28 December 2026); also within 3 working days to contact the member "
               "if the concern was expressed via email" in m.value for m in app.markdown)
    charts = app.get("graphviz_chart")
    assert charts and "maldon:dr-2.2" in charts[0].proto.spec
    assert [b.label for b in app.get("download_button")][:1] == ["Download DOT"]
    assert app.query_params["scenario"] == "member-concern-about-officer"


def test_escalation_side_by_side_shows_all_five(app):
    open_page(app, "pages/escalation.py", council="maldon", scenario="member-concern-about-officer",
              about="head-of-service", stage="formal", view="all")
    # One card per council, the visitor's first (a table of five long rows is unreadable on a phone).
    names = ["Maldon \\(your council\\)", "Allerdale", "County", "Parish", "Thurrock"]
    assert [s.value for s in app.subheader if s.value in names] == names
    cards = [m.value for m in app.markdown if m.value.startswith(("**First go to:**", "**Applies:**"))]
    assert any("**First go to:** Corporate Director" in card for card in cards), cards
    assert app.get("graphviz_chart"), "the chosen council's flowchart is drawn below the cards"


def test_escalation_not_covered_is_said_plainly(app):
    open_page(app, "pages/escalation.py", council="county", scenario="officer-employment-issue")
    assert any(i.value.startswith("**Not covered by this protocol.**") for i in app.info)
    assert not app.get("graphviz_chart")


def test_explorer_single_and_all_five(app):
    open_page(app, "pages/explorer.py", council="maldon", question="member-role-in-appointment", post="officer")
    assert any(e.value == "## No" for e in app.error)
    assert app.markdown[1].value.startswith("**Assuming** the post is below senior management level")
    app.segmented_control[0].set_value("all").run()
    verdicts = [m.value for m in app.markdown if m.value.startswith(":material/")]
    assert verdicts[0] == ":material/cancel: **No**"  # Maldon, the visitor's council, first
    assert ":material/help: **Not covered by this protocol**" in verdicts


def test_explorer_parameter_prompts_use_plain_labels(app):
    open_page(app, "pages/explorer.py", question="inspect-document")
    labels = [r.label for r in app.radio] + [s.label for s in app.selectbox]
    assert "Why do you want to see it?" in labels
    assert all("-" not in option for r in app.radio for option in r.options)


def test_scenarios_step_through_and_reveal(app):
    open_page(app, "pages/scenarios.py", scenario="cousin-on-appointment-panel")
    assert app.header[0].value == "The situation"
    app.button(key="scn_next").click().run()
    app.button(key="scn_next").click().run()
    assert app.header[0].value == "What the protocols say"
    assert app.query_params["step"] == "3"
    assert any("Maldon District Council: " in e.label for e in app.expander)


def test_quiz_keeps_score_from_the_engine(app, model):
    from logic.scenarios import quiz

    open_page(app, "pages/scenarios.py", council="maldon", scenario="cousin-on-appointment-panel", mode="quiz")
    scenario = next(s for s in model.scenarios if s.slug == "cousin-on-appointment-panel")
    questions = quiz(model, scenario, "maldon")
    app.radio[0].set_value(questions[0].options.index(questions[0].answer)).run()
    next(b for b in app.button if b.label == "Check answer").click().run()
    assert any(s.value.startswith("**Correct: ") for s in app.success)
    assert app.metric[0].value == "1 of 1"


def test_presentation_mode_one_step_per_screen(app):
    open_page(app, "pages/scenarios.py", scenario="officer-feels-bullied", mode="present")
    assert [h.value for h in app.header] == ["The situation"]
    assert not app.get("download_button")
    assert [s.label for s in app.main.selectbox] == [] and not app.main.get("segmented_control")


def test_compare_views(app):
    open_page(app, "pages/compare.py", view="coverage")
    heatmap = app.dataframe[0].value
    assert heatmap.loc[heatmap["Topic"] == "Ceremonial and civic events"].iloc[0].tolist()[1:] == [
        "✗ Gap", "5 clauses", "✗ Gap", "✗ Gap", "✗ Gap"]
    app.query_params.update({"view": "differences"})
    app.run()
    assert app.table and "Question" in app.table[0].value.index.name
    app.query_params.update({"view": "topic", "topic": "planning"})
    app.run()
    assert [s.value for s in app.subheader][:2] == ["Allerdale", "County"]  # no council chosen: none is "yours"
    assert any("Gap: not covered" in i.value for i in app.info)


def result_links(app):
    return [(link.proto.label, link.proto.page, link.proto.query_string) for link in app.get("page_link")
            if link.proto.label.startswith("Open ")]


def test_search_page_from_url_and_filters(app):
    open_page(app, "pages/search.py", q="planing case oficer")
    assert result_links(app)[0] == ("Open maldon:13.2 in the Handbook", "handbook", "council=maldon&clause=13.2")
    app.query_params.update({"q": "need to know", "in": "county"})
    app.run()
    links = result_links(app)
    assert links and all(query.startswith("council=county&") for _, _, query in links)


@pytest.mark.parametrize(("query", "expected"), [
    ("", "Type a question or a few words"),
    ("zzzzqqqq xxyyzz", "No clause matches"),
    ("x" * 100_000, "Your question was at least 10,000 characters; only the first 500 were used."),
    ("<script>alert(1)</script> need to know *_[]()#$\x00", "best matches"),
])
def test_search_page_handles_empty_no_result_and_hostile_queries(app, query, expected):
    open_page(app, "pages/search.py", q=query)
    shown = [e.value.replace("\\", "") for e in (*app.info, *app.warning, *app.caption)]
    assert any(expected in text for text in shown), shown
    assert not any("<script>" in m.value for m in app.markdown)


def test_escalation_whole_tree_from_url_and_toggle_sticks(app):
    open_page(app, "pages/escalation.py", council="allerdale", scenario="member-concern-about-officer",
              about="corporate-director", stage="formal", tree="yes")
    dot = app.get("graphviz_chart")[0].proto.spec
    assert "shape=diamond" in dot and re.search(r"-> c\d+_s1 \[label=Yes [^]]*penwidth=3", dot), dot
    toggle = next(t for t in app.toggle if t.label == "Show the whole decision tree")
    toggle.set_value(False).run()
    assert app.query_params["tree"] == "no"
    app.run()  # a plain rerun must not put the URL's old value back
    assert next(t for t in app.toggle if t.label == "Show the whole decision tree").value is False
    assert "shape=diamond" not in app.get("graphviz_chart")[0].proto.spec  # the route alone, not the tree


@pytest.mark.parametrize("page", ["pages/escalation.py", "pages/explorer.py"])
def test_bad_view_in_url_is_reported_and_defaults_to_one_council(app, page):
    open_page(app, page, view="everything<script>")
    assert any("is not a view of this page" in w.value for w in app.warning)
    assert app.segmented_control[0].value == "one"
