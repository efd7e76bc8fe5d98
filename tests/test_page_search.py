"""AppTest of the chrome and the Search page: "Which council are you?" on a first visit, the plain-words
question box (the route or verdict for the visitor's council, what it assumed, the full page's link, an
honest "not sure", "councillor or officer?"), your council's clauses first, the long-question message,
the page's state in the URL, and the intents compiled once for everyone."""

from __future__ import annotations

import pytest

from logic.importer import import_bytes, to_council
from logic.intents import load_intents
from logic.search import MAX_INPUT_CHARS, MAX_QUERY_CHARS, SearchIndex
from ui.question_box import asker_choice, explanation_markdown

SEARCH = "pages/search.py"
COUNCIL_NAMES = ["Allerdale Borough Council", "County council \\(name not given\\)", "Maldon District Council",
                 "Town\\/parish council \\(name not given\\)", "Thurrock Council"]
NEWTOWN = """Newtown Town Council Member Officer Protocol
1. Introduction
1.1 This protocol guides councillors and officers in their dealings with each other.
2. Complaints
2.1 A councillor with a complaint about an officer should raise it with the Clerk.
"""


def open_page(app, page, *, imported=None, **query):
    if imported:
        app.session_state["imported_councils"] = imported
    app.run()
    app.query_params.update(query)
    app.switch_page(page).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def prompt_buttons(app) -> list[str]:
    return [b.label for b in app.button if b.key and b.key.startswith("_choose_council_")]


def page_links(app) -> list[tuple[str, str, str]]:
    return [(link.proto.label, link.proto.page, link.proto.query_string) for link in app.get("page_link")]


def result_ids(app) -> list[str]:
    return [label.removeprefix("Open ").removesuffix(" in the Handbook") for label, _, _ in page_links(app)
            if label.endswith(" in the Handbook")]


def shown(app) -> list[str]:
    return [str(e.value) for kind in ("markdown", "caption", "info", "warning", "header", "subheader")
            for e in getattr(app, kind)]


@pytest.fixture(scope="module")
def newtown(model):
    imported = import_bytes(NEWTOWN.encode(), "newtown.txt", slug="newtown", name="Newtown Town Council",
                            corpus=model.corpus)
    return to_council(imported, model.corpus)


# ---------------------------------------------------------------- which council are you?


def test_first_visit_asks_which_council_in_the_page_and_remembers_the_answer(app):
    open_page(app, "pages/home.py")
    assert prompt_buttons(app) == COUNCIL_NAMES
    assert any(m.startswith("**Which council are you?**") for m in shown(app))
    assert app.selectbox(key="_council_picker").value is None  # the sidebar picker waits too
    assert not app.query_params.get("council")  # nothing chosen for the visitor, so a reload asks again

    app.button(key="_choose_council_maldon").click().run()
    assert app.session_state["council"] == "maldon"
    assert app.query_params["council"] == "maldon"
    assert app.selectbox(key="_council_picker").value == "maldon"
    assert prompt_buttons(app) == []
    app.switch_page("pages/escalation.py").run()  # every page now answers for it
    assert [h.value for h in app.header] == ["Maldon District Council"]
    assert prompt_buttons(app) == []


def test_the_council_can_be_changed_in_the_sidebar_at_any_time(app):
    open_page(app, "pages/home.py", council="maldon")
    app.selectbox(key="_council_picker").set_value("thurrock").run()
    assert (app.session_state["council"], app.query_params["council"]) == ("thurrock", "thurrock")


@pytest.mark.parametrize("page", ["pages/escalation.py", "pages/handbook.py", SEARCH])
def test_a_deep_link_naming_a_council_skips_the_question(app, page):
    open_page(app, page, council="county")
    assert prompt_buttons(app) == []
    assert app.session_state["council"] == "county"


def test_an_imported_council_is_offered_in_the_question(app, newtown):
    open_page(app, "pages/home.py", imported={"newtown": newtown})
    assert prompt_buttons(app) == [*COUNCIL_NAMES, "Newtown Town Council"]
    app.button(key="_choose_council_newtown").click().run()
    assert app.query_params["council"] == "newtown"


def test_the_import_page_does_not_ask(app):
    open_page(app, "pages/import.py")
    assert prompt_buttons(app) == []


def test_pages_linked_before_a_choice_do_not_choose_a_council(app):
    open_page(app, SEARCH, q="the chief exec was rude to me")
    links = dict((label, query) for label, _, query in page_links(app))
    full = next(query for label, query in links.items() if label.startswith("See it in full"))
    assert "council=" not in full  # following it must not make Allerdale the visitor's council


# ---------------------------------------------------------------- the question box


def test_a_plain_words_question_gets_the_route_for_your_council_with_its_cites(app, model):
    open_page(app, SEARCH, council="thurrock", q="the chief exec was rude to me")
    texts = shown(app)
    reading = next(t for t in texts if t.startswith("We read your question as"))
    assert "**Who do I go to? A councillor is unhappy with an officer**" in reading
    assert "Who is the officer\\? **The chief executive** (you said “the chief”)" in reading
    assert "you are asking as a councillor" in reading
    assert "We assumed, as you did not say: How far has it gone\\? **I want to raise it informally first**" in reading
    assert "Thurrock Council" in [s.value for s in app.subheader]
    steps = next(t for t in texts if t.startswith("1. "))
    assert "[thurrock:12.2](#clause-thurrock-12-2)" in steps  # every step cites its clause, on this page
    assert "Thurrock 12\\.2" in [s.value for s in app.subheader]  # ... whose words are quoted below
    full = next(link for link in page_links(app) if link[0].startswith("See it in full on “Who do I go to?”"))
    assert full[1:] == ("escalation",
                        "scenario=member-concern-about-officer&about=chief-executive&stage=informal&council=thurrock")
    assert result_ids(app), "the matching clauses follow the answer"


def test_a_may_i_question_gets_the_verdict_with_its_cites(app):
    open_page(app, SEARCH, council="maldon", q="can I see the exempt report for tonight's cabinet")
    assert app.warning[0].value == "**Only in some circumstances**"  # the verdict, in words
    assert any("Based on [maldon:10.1](#clause-maldon-10-1)" in t for t in shown(app))
    full = next(link for link in page_links(app) if link[0].startswith("See it in full on “May I…?”"))
    assert full[1] == "explorer" and full[2].startswith("question=inspect-document&basis=meeting-business&exempt=yes")


def test_words_the_box_cannot_place_fall_back_to_clause_search_and_say_so(app):
    open_page(app, SEARCH, council="maldon", q="what is the weather like")
    assert any(i.value.startswith("We could not tell which situation or question this is") for i in app.info)
    assert "Your answer" not in [h.value for h in app.header]
    assert [(page, query) for label, page, query in page_links(app) if label in ("Who do I go to?", "May I…?")] == [
        ("escalation", "council=maldon"), ("explorer", "council=maldon")]


def test_a_complaint_that_could_be_either_side_asks_councillor_or_officer(app):
    open_page(app, SEARCH, council="thurrock", q="I want to complain")
    choice = app.segmented_control(key="search_as")
    assert choice.label == "Are you a councillor or an officer?" and choice.value is None
    assert not any(t.startswith("We read") or t.startswith("We think") for t in shown(app))
    choice.set_value("officer").run()
    reading = next(t for t in shown(app) if t.startswith("We think your question is"))
    assert "**Who do I go to? An officer is unhappy with a councillor**" in reading
    assert "you are asking as an officer (you told us)" in reading
    assert app.query_params["as"] == "officer"
    app.segmented_control(key="search_as").set_value("member").run()
    assert any("A councillor is unhappy with an officer" in t for t in shown(app))


def test_the_councillor_or_officer_answer_comes_back_from_the_url(app):
    open_page(app, SEARCH, council="thurrock", q="I want to complain", **{"as": "member"})
    assert app.segmented_control(key="search_as").value == "member"
    assert any(t.startswith("We think your question is **Who do I go to? A councillor is unhappy with an officer**")
               for t in shown(app))


def test_asker_choice_only_for_a_tie_between_the_two_sides(model):
    intents = load_intents(model)
    tie = asker_choice(model, intents.understand("I want to complain"))
    assert {asker: r.slug for asker, r in tie.items()} == {"member": "member-concern-about-officer",
                                                            "officer": "officer-concern-about-member"}
    assert asker_choice(model, intents.understand("an officer was rude to me")) is None  # the words say who
    assert asker_choice(model, intents.understand("can I see the exempt report")) is None


def test_the_explanation_quotes_the_visitors_words_escaped(model):
    reading = load_intents(model).understand("the *chief exec* was rude to me")[0]
    text = explanation_markdown(reading, model.routing.catalogue[reading.slug])
    assert "(you said “the \\*chief”)" in text and "the *chief" not in text


# ---------------------------------------------------------------- search: your council first, limits, URL


def test_your_councils_clauses_come_first_and_can_be_ranked_equally(app, model):
    query = "officer was rude to me at a meeting"
    open_page(app, SEARCH, council="thurrock", q=query)
    mine_first = result_ids(app)
    assert mine_first[0].startswith("thurrock:")
    assert any("best first, with Thurrock (your council) first" in c.value for c in app.caption)
    app.toggle(key="search_order").set_value(False).run()
    assert app.query_params["order"] == "score"
    plain = [hit.id for hit in SearchIndex(model.corpus).search(query, limit=20)]
    assert result_ids(app) == plain != mine_first
    assert any("best first, all councils ranked equally." in c.value for c in app.caption)


def test_a_long_pasted_question_is_kept_and_the_cut_is_said(app):
    question = ("the chief exec was rude to me " * 200)[:5_000]
    open_page(app, SEARCH, council="maldon", q=question)
    box = app.text_input(key="search_q")
    assert box.max_chars == MAX_INPUT_CHARS and len(box.value) == 5_000
    assert f"Your question was 5,000 characters; only the first {MAX_QUERY_CHARS} were used." in [
        w.value.replace("\\", "") for w in app.warning]
    assert "Your answer" in [h.value for h in app.header]


def test_query_filters_and_order_come_back_from_the_url(app):
    open_page(app, SEARCH, council="county", q="need to know", topic="access-to-information", order="score")
    assert app.text_input(key="search_q").value == "need to know"
    assert app.selectbox(key="search_topic").value == "access-to-information"
    assert app.toggle(key="search_order").value is False
    app.selectbox(key="search_in").set_value("maldon").run()
    assert dict(app.query_params) == {"council": "county", "q": "need to know", "in": "maldon",
                                      "topic": "access-to-information", "order": "score"}
    assert result_ids(app) and all(i.startswith("maldon:") for i in result_ids(app))


def test_coming_back_to_search_from_a_result_restores_the_question(app):
    open_page(app, SEARCH, council="maldon", q="planing case oficer")
    before = result_ids(app)
    written = dict(app.query_params)
    app.switch_page("pages/handbook.py").run()  # open a result ...
    app.query_params.clear()
    app.query_params.update(written)  # ... and the browser's back button brings the old URL back
    app.switch_page(SEARCH).run()
    assert app.text_input(key="search_q").value == "planing case oficer"
    assert result_ids(app) == before


def test_the_sidebar_box_asks_on_the_search_page(app):
    open_page(app, "pages/glossary.py", council="maldon")
    app.text_input(key="_sidebar_query").input("the chief exec was rude to me")
    app.button(key="FormSubmitter:sidebar_search-Ask or search").click().run()
    assert app.title[0].value == "Search"
    assert app.text_input(key="search_q").value == "the chief exec was rude to me"
    assert "Your answer" in [h.value for h in app.header]


def test_the_intents_are_compiled_once_for_every_visitor(monkeypatch):
    """Keyed by the content folder in a shared cache, not built per visitor or per question."""
    from streamlit.testing.v1 import AppTest

    import ui.data
    import ui.question_box
    from tests.conftest import ROOT

    calls = []

    def counting(model):
        calls.append(model)
        return load_intents(model)

    ui.data._shared_derived.clear()
    monkeypatch.setattr(ui.question_box, "load_intents", counting)
    for question in ("the chief exec was rude to me", "can I see the exempt report"):
        visitor = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        open_page(visitor, SEARCH, council="maldon", q=question)
        assert "Your answer" in [h.value for h in visitor.header]
    assert len(calls) == 1


def test_a_visitor_with_an_imported_council_gets_its_answer_honestly(app, newtown):
    """An imported council has no routes of its own yet: the answer says so and never borrows another council's
    route (and the intents are compiled for this visitor's own model)."""
    open_page(app, SEARCH, imported={"newtown": newtown}, council="newtown", q="the chief exec was rude to me")
    assert "Newtown Town Council" in [s.value for s in app.subheader]
    assert any("Newtown Town Council" in i.value for i in app.info)  # not answered: its rules are not written
    assert not any(t.startswith("1. ") for t in shown(app)), "no route steps borrowed from another council"
    assert any(i.startswith("newtown:") for i in result_ids(app))
