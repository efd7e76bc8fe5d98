"""AppTest of the Handbook, Glossary and Home pages and of clause links everywhere.

A clause link opens the clause highlighted in its section; the Handbook's and the Glossary's choices
live in the URL (read on arrival, written back, restored when the visitor comes back to the page);
every link on the answer pages stays in the tab (a same-page anchor to a card on that page, or a
page link), and the print stylesheet is on every page of this group.
"""

from __future__ import annotations

import re

import pytest

from logic.handbook_view import (
    ALL_SECTIONS,
    default_section,
    neighbouring_sections,
    read_handbook_view,
    visible_sections,
)
from logic.overview import most_used_terms
from ui.clauses import CLAUSE_CSS, clause_anchor, clause_link
from ui.print_styles import PRINT_CSS

MALDON_SECTION_3 = "3. The Working Relationship in Practice"
MARKDOWN_LINK = re.compile(r"(?<!\\)\[[^\]]*\]\(([^)\s]*)\)")


def open_page(app, page, **query):
    app.run()
    app.query_params.update(query)
    app.switch_page(page).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def blocks(node):
    """Every block (container) under ``node``, depth first."""
    for child in (getattr(node, "children", {}) or {}).values():
        if type(child).__name__ == "Block":
            yield child
        yield from blocks(child)


def linked_cards(app):
    return [b for b in blocks(app.main) if b.key == "linked-clause"]


def clause_headings(app):
    """The clause cards' headings on the page, in order, as (number text, anchor)."""
    return [(s.value, s.proto.anchor) for s in app.main.subheader if s.proto.anchor.startswith("clause-")]


def card_words(markdown: str) -> str:
    """A clause card's text element without its first line (the id and topics, in small type)."""
    return markdown.split("\n\n", 1)[1] if markdown.startswith(":small[") else markdown


def card_ids(app) -> list[str]:
    """The clause ids of the cards on the page, in order (each card's text opens with "id · topics")."""
    return [unescape(m.value[len(":small["):]).split(" · ")[0] for m in app.main.markdown
            if m.value.startswith(":small[")]


def widget(app, kind, key):
    return getattr(app, kind)(key=key)


# ------------------------------------------------------------------ the deep link: the clause in its section


def test_clause_link_opens_its_section_with_the_clause_highlighted_in_place(app):
    open_page(app, "pages/handbook.py", council="maldon", clause="3.2")
    assert [h.value for h in app.header] == [MALDON_SECTION_3]
    headings = clause_headings(app)
    assert [unescape(text) for text, _ in headings] == ["3.1", "3.2", "3.3", "3.4", "3.5", "3.6"]
    assert headings[1][1] == "clause-maldon-3-2"
    cards = linked_cards(app)
    assert len(cards) == 1
    assert [unescape(s.value) for s in cards[0].subheader] == ["3.2"]
    assert card_words(cards[0].markdown[1].value).startswith("Members should not require an Officer")
    # No copy of the clause at the top: it appears once, in place.
    assert sum(card_words(m.value).startswith("Members should not require an Officer") for m in app.main.markdown) == 1
    notice = app.info[0].value
    assert "[Go to the clause](#clause-maldon-3-2)" in notice and "section 3" in notice
    assert app.selectbox(key="hb_section").value == "3"
    assert "section" not in app.query_params  # the clause's own section is the default


def test_lettered_citation_opens_its_numbered_clause_and_keeps_the_link(app):
    open_page(app, "pages/handbook.py", council="thurrock", clause="4.4(b)")
    assert [unescape(s.value) for s in linked_cards(app)[0].subheader] == ["4.4"]
    assert [h.value for h in app.header][0].startswith("4. ")
    assert app.query_params["clause"] == "4.4(b)"


def test_show_the_whole_protocol_keeps_the_clause_highlighted(app, corpus):
    open_page(app, "pages/handbook.py", council="maldon", clause="3.2")
    app.button[0].click().run()
    assert len(app.header) == len(corpus.councils["maldon"].sections)
    assert len(linked_cards(app)) == 1
    assert app.query_params["section"] == "all" and app.query_params["clause"] == "3.2"
    assert not [b for b in app.button if b.label == "Show the whole protocol"]


def test_a_clause_left_out_by_the_filters_is_offered_back(app):
    open_page(app, "pages/handbook.py", council="maldon", clause="3.2", section="13")
    assert not linked_cards(app)
    assert any("leave it out" in i.value for i in app.info)
    [show] = [b for b in app.button if b.label.startswith("Show 3")]
    show.click().run()
    assert app.selectbox(key="hb_section").value == "3" and len(linked_cards(app)) == 1
    assert "section" not in app.query_params


@pytest.mark.parametrize("clause", ["99.9", "<script>alert(1)</script>", "x" * 5000])
def test_unknown_clause_shows_the_first_section_with_a_message(app, corpus, clause):
    open_page(app, "pages/handbook.py", council="maldon", clause=clause)
    assert any("has no clause" in w.value for w in app.warning)
    assert not linked_cards(app)
    assert [h.value for h in app.header] == ["1. Introduction"]
    assert "clause" not in app.query_params


# ------------------------------------------------------------------ a section at a time


def pager(app) -> list[str]:
    return [unescape(b.label) for b in app.main.button if b.label.startswith(("Previous", "Next"))]


def scripts(app) -> list[str]:
    return [h.proto.body for h in app.get("html") if h.proto.body.startswith("<script>")]


def test_the_handbook_opens_on_its_first_section_with_the_next_a_press_away(app, corpus):
    open_page(app, "pages/handbook.py", council="maldon")
    assert [h.value for h in app.header] == ["1. Introduction"]
    assert app.selectbox(key="hb_section").value == "1" and "section" not in app.query_params
    assert pager(app) == ["Next: 2. Guiding Principles of the Relationship"]
    assert not scripts(app), "no scrolling on arriving"
    app.button(key="hb_next").click().run()
    assert [h.value for h in app.header] == ["2. Guiding Principles of the Relationship"]
    assert app.query_params["section"] == "2"
    assert pager(app) == ["Previous: 1. Introduction", "Next: 3. The Working Relationship in Practice"]
    [script] = scripts(app)
    assert script.startswith("<script>/* turned */") and "scrollTo(0, 0)" in script and "focus(" in script
    app.button(key="hb_next").click().run()
    assert [s[:26] for s in scripts(app)] == ["<script>/* turned again */"], "a second press's script is new"
    app.selectbox(key="hb_section").set_value("5").run()
    assert not scripts(app), "choosing from the list keeps the reader's place"
    [whole] = [b for b in app.button if b.label == "Show the whole protocol"]
    whole.click().run()
    assert len(app.header) == len(corpus.councils["maldon"].sections) and app.query_params["section"] == "all"
    assert not pager(app), "no previous or next when the whole protocol is shown"


def test_a_middle_section_has_both_neighbours_and_the_last_only_the_previous(app):
    open_page(app, "pages/handbook.py", council="parish", section="3")
    assert [label.split(":")[0] for label in pager(app)] == ["Previous", "Next"]
    app.button(key="hb_previous").click().run()
    assert app.query_params["section"] == "2"
    open_page(app, "pages/handbook.py", council="parish", section="7")
    assert [label.split(":")[0] for label in pager(app)] == ["Previous"]


def test_turning_the_page_keeps_the_filters(app):
    open_page(app, "pages/handbook.py", council="maldon", section="3", topics="planning")
    app.button(key="hb_next").click().run()
    assert app.query_params["section"] == "4" and app.query_params["topics"] == "planning"


def test_a_topic_or_term_chosen_on_the_opening_section_looks_through_every_section(app):
    open_page(app, "pages/handbook.py", council="maldon")
    app.multiselect(key="hb_topics").set_value(["planning"]).run()
    assert app.selectbox(key="hb_section").value == "all"
    assert [h.value for h in app.header] == ["13. Member / Officer relationships in Planning Matters"]
    assert "section" not in app.query_params, "all sections is the default with a filter"
    app.selectbox(key="hb_section").set_value("3").run()
    assert app.query_params["section"] == "3" and app.query_params["topics"] == "planning"


def test_a_section_the_reader_chose_stays_chosen_when_they_add_a_filter(app):
    open_page(app, "pages/handbook.py", council="maldon", section="10")
    app.selectbox(key="hb_term").set_value("exempt-information").run()
    assert app.selectbox(key="hb_section").value == "10" and app.query_params["section"] == "10"


def test_a_term_link_without_a_section_shows_every_section(app, corpus):
    open_page(app, "pages/handbook.py", council="maldon", term="monitoring-officer")
    assert app.selectbox(key="hb_section").value == "all" and len(app.header) > 1


def test_an_unknown_section_opens_the_first_one_and_says_so(app):
    open_page(app, "pages/handbook.py", council="maldon", section="99")
    assert [h.value for h in app.header] == ["1. Introduction"]
    assert any("has no section “99”; showing its first section" in unescape(w.value) for w in app.warning)


# ------------------------------------------------------------------ filters in the URL


def test_filters_are_read_from_the_url(app):
    open_page(app, "pages/handbook.py", council="maldon", section="all", topics="planning,zzz-not-a-topic")
    assert app.multiselect(key="hb_topics").value == ["planning"]
    assert [h.value for h in app.header] == ["13. Member / Officer relationships in Planning Matters"]
    assert any("zzz-not-a-topic" in unescape(w.value) for w in app.warning)


def test_filters_are_written_to_the_url(app):
    open_page(app, "pages/handbook.py", council="maldon")
    app.selectbox(key="hb_section").set_value("10").run()
    assert app.query_params["section"] == "10"
    app.multiselect(key="hb_topics").set_value(["confidentiality", "access-to-information"]).run()
    assert app.query_params["topics"] == "access-to-information,confidentiality"  # the handbook's topic order
    app.selectbox(key="hb_section").set_value("all").run()
    assert "section" not in app.query_params  # the default without a linked clause


def test_glossary_term_filter_shows_only_the_clauses_using_it(app, corpus):
    open_page(app, "pages/handbook.py", council="maldon", term="monitoring-officer")
    ids = card_ids(app)
    term = {g.slug: g for g in corpus.glossary}["monitoring-officer"]
    expected = [c for c in term.clauses if c.startswith("maldon:")]
    assert ids == expected
    assert app.selectbox(key="hb_term").value == "monitoring-officer"


@pytest.mark.parametrize("query,fragment", [
    ({"section": "99"}, "no section “99”"),
    ({"term": "zzz"}, "not a term in the glossary"),
    ({"topics": "<b>x</b>"}, "not a topic"),
])
def test_bad_filters_in_the_url_are_reported_and_dropped(app, query, fragment):
    open_page(app, "pages/handbook.py", council="maldon", **query)
    assert any(fragment in unescape(w.value) for w in app.warning), [w.value for w in app.warning]
    assert not set(query) & set(app.query_params)


def test_coming_back_to_the_handbook_restores_its_filters_from_the_url(app):
    """Streamlit forgets a page's widgets when another page runs; the URL brings them back (back button)."""
    open_page(app, "pages/handbook.py", council="maldon")
    app.selectbox(key="hb_section").set_value("10").run()
    app.switch_page("pages/home.py").run()
    app.query_params.update({"council": "maldon", "section": "10"})
    app.switch_page("pages/handbook.py").run()
    assert app.selectbox(key="hb_section").value == "10"
    assert [h.value for h in app.header] == ["10. Members’ Access to Information and Council Documents"]


def test_choosing_another_council_drops_the_last_councils_clause_and_section(app):
    open_page(app, "pages/handbook.py", council="maldon", clause="3.2", topics="planning")
    app.sidebar.selectbox[0].set_value("county").run()
    assert not app.exception
    assert app.query_params["council"] == "county" and "clause" not in app.query_params
    assert not app.warning and not linked_cards(app)
    assert app.multiselect(key="hb_topics").value == ["planning"]  # topics are the same in every protocol


def test_view_logic_narrows_by_section_topic_and_term(corpus):
    view = read_handbook_view(corpus, "maldon", {"clause": "13.2"})
    assert view.section == "13" and view.clause.id == "maldon:13.2" and not view.messages
    shown = visible_sections(corpus, view)
    assert [c.id for _, clauses in shown for c in clauses] == ["maldon:13.1", "maldon:13.2"]
    term_view = read_handbook_view(corpus, "parish", {"term": "monitoring-officer"})
    assert term_view.term == "" and term_view.messages  # the parish protocol has no Monitoring Officer


def test_one_rule_names_the_section_shown_when_the_url_names_none(corpus):
    clause = corpus.resolve("maldon:13.2")
    assert default_section(corpus, "maldon", None, (), "") == "1"
    assert default_section(corpus, "maldon", clause, ("planning",), "") == "13", "a linked clause wins"
    assert default_section(corpus, "maldon", None, ("planning",), "") == ALL_SECTIONS
    assert default_section(corpus, "maldon", None, (), "monitoring-officer") == ALL_SECTIONS
    assert read_handbook_view(corpus, "maldon", {}).section == "1"
    assert read_handbook_view(corpus, "maldon", {"topics": "planning"}).section == ALL_SECTIONS


def test_neighbouring_sections_follow_the_protocols_order(corpus):
    before, after = neighbouring_sections(corpus, "maldon", "15")
    assert (before.number, after.number) == ("14", "dr-1"), "the appended dispute procedure follows section 15"
    assert neighbouring_sections(corpus, "maldon", "1")[0] is None
    assert neighbouring_sections(corpus, "maldon", "dr-5")[1] is None
    assert neighbouring_sections(corpus, "maldon", ALL_SECTIONS) == (None, None)


def test_the_most_used_terms_are_those_cited_by_the_most_clauses(corpus):
    chosen = most_used_terms(corpus, 3)
    counts = sorted((len(g.clauses) for g in corpus.glossary), reverse=True)
    assert len(chosen) == 3
    assert all(len(g.clauses) >= counts[2] for g in corpus.glossary if g.slug in chosen)
    assert {"political-group", "protocol"} <= chosen


# ------------------------------------------------------------------ clause links everywhere stay in the tab


def test_clause_link_is_a_same_page_anchor_to_the_quoted_card():
    assert clause_anchor("thurrock:4.4(b)") == clause_anchor("thurrock:4.4") == "clause-thurrock-4-4"
    assert clause_anchor("maldon:dr-5.1") == "clause-maldon-dr-5-1"
    assert clause_anchor("x:<img src=1>") == "clause-x-img-src-1"
    assert clause_link("maldon:3.2") == "[maldon:3.2](#clause-maldon-3-2)"


ANSWER_PAGES = [
    ("pages/explorer.py", {"council": "maldon", "question": "member-role-in-appointment", "post": "officer"}),
    ("pages/explorer.py", {"council": "maldon", "question": "member-role-in-appointment", "view": "all"}),
    ("pages/escalation.py", {"council": "maldon", "scenario": "member-concern-about-officer"}),
    ("pages/escalation.py", {"council": "thurrock", "scenario": "member-concern-about-officer", "view": "all"}),
    ("pages/handbook.py", {"council": "maldon", "clause": "3.2", "section": "all"}),
    ("pages/glossary.py", {"q": "officer"}),
    ("pages/home.py", {}),
]


@pytest.mark.parametrize("page,query", ANSWER_PAGES, ids=[f"{p[6:-3]}-{'-'.join(q.values())}" for p, q in ANSWER_PAGES])
def test_every_link_stays_in_the_tab(app, page, query):
    """Markdown links only to anchors on the same page (each with its target there); the rest are page links."""
    open_page(app, page, **query)
    kinds = ("markdown", "caption", "info", "warning", "success", "error")
    hrefs = [href for kind in kinds for element in getattr(app.main, kind) for href in
             MARKDOWN_LINK.findall(str(element.value))]
    anchors = {h.proto.anchor for kind in ("header", "subheader") for h in getattr(app.main, kind)}
    assert all(href.startswith("#") for href in hrefs), [href for href in hrefs if not href.startswith("#")]
    assert {href[1:] for href in hrefs} <= anchors, {href for href in hrefs if href[1:] not in anchors}
    links = app.main.get("page_link")
    assert all(not link.proto.external for link in links)
    if page != "pages/home.py":
        assert hrefs or links, "no clause link at all: the test would prove nothing"


def test_quoted_clauses_are_in_view_with_a_link_to_their_section(app):
    open_page(app, "pages/explorer.py", council="maldon", question="member-role-in-appointment", post="officer")
    assert "(#clause-maldon-6-1)" in " ".join(m.value for m in app.main.markdown)
    card = [b for b in blocks(app.main) if any(s.proto.anchor == "clause-maldon-6-1" for s in b.subheader)]
    assert card, "the cited clause is quoted on the page, anchored"
    assert not any(e.label.startswith("What the protocol says") for e in app.main.expander)
    [link] = [p for p in card[-1].get("page_link") if p.value == "Read it in its section"]
    assert link.proto.page == "handbook" and link.proto.query_string == "council=maldon&clause=6.1"


# ------------------------------------------------------------------ glossary


def test_glossary_search_is_read_from_and_written_to_the_url(app):
    open_page(app, "pages/glossary.py", council="thurrock", q="monitoring")
    assert app.text_input(key="gl_q").value == "monitoring"
    assert app.subheader[0].value == "Monitoring Officer"  # the term itself before terms that mention it
    app.text_input(key="gl_q").input("exempt").run()
    assert app.query_params["q"] == "exempt"
    app.toggle(key="gl_every").set_value(True).run()
    assert app.query_params["every"] == "yes"


def test_glossary_links_your_councils_clauses_and_names_the_others(app):
    open_page(app, "pages/glossary.py", council="thurrock", q="monitoring officer")
    card = next(b for b in blocks(app.main) if b.subheader and b.subheader[0].value == "Monitoring Officer")
    [link] = card.get("page_link")
    [definition] = card.markdown
    assert definition.value.split("\n\n")[-1].startswith(":small[See also: ")
    assert unescape(link.value).startswith("Used in Thurrock")
    assert link.proto.page == "handbook" and link.proto.query_string == "council=thurrock&term=monitoring-officer"
    assert any("Also used in" in c.value and "Maldon (6)" in unescape(c.value) for c in card.caption)
    app.toggle(key="gl_every").set_value(True).run()
    card = next(b for b in blocks(app.main) if b.subheader and b.subheader[0].value == "Monitoring Officer")
    links = card.get("page_link")
    assert unescape(links[0].value).startswith("Used in Thurrock") and len(links) == 4  # your council first
    assert unescape(links[1].value).startswith(("Allerdale", "County", "Maldon", "Parish"))
    assert {link.proto.page for link in links} == {"handbook"}


def test_glossary_links_every_council_until_you_choose_one(app):
    open_page(app, "pages/glossary.py", q="monitoring officer")
    assert [t.key for t in app.main.toggle] == ["gl_all"], "no switch for every council's links: they are all shown"
    card = next(b for b in blocks(app.main) if b.subheader and b.subheader[0].value == "Monitoring Officer")
    assert len(card.get("page_link")) == 4 and "every" not in app.query_params


def test_glossary_opens_on_the_terms_used_most_and_shows_the_rest_on_request(app, corpus):
    open_page(app, "pages/glossary.py", council="maldon")
    assert [s.value for s in app.main.subheader] == [
        "Chief Executive", "Code of Conduct", "Confidential information", "Director", "Executive",
        "Head of Paid Service", "Leader of the Council", "Monitoring Officer", "Need to know",
        "Political group", "Political impartiality", "Protocol"]  # each cited by 14 clauses or more, A to Z
    assert "The 12 terms the protocols use most, of 51" in [c.value for c in app.main.caption]
    first = sorted((g.term for g in corpus.glossary), key=str.lower)
    [more] = [b for b in app.main.button if b.label == "Show the other 39 terms"]
    more.click().run()
    assert [unescape(s.value) for s in app.main.subheader] == first and app.query_params["all"] == "yes"
    assert app.toggle(key="gl_all").value is True and not [b for b in app.main.button if b.label.startswith("Show")]
    app.toggle(key="gl_all").set_value(False).run()
    assert len(app.main.subheader) == 12 and "all" not in app.query_params
    app.text_input(key="gl_q").input("procedure").run()
    assert len(app.main.subheader) > 0 and not [b for b in app.main.button if b.label.startswith("Show the other")]
    assert all("procedure" in (g.term + g.definition).lower() for g in corpus.glossary
               if g.term in {s.value for s in app.main.subheader})


def test_glossary_show_all_is_read_from_the_url_and_a_bad_value_is_reported(app):
    open_page(app, "pages/glossary.py", all="yes")
    assert len(app.main.subheader) == 51
    open_page(app, "pages/glossary.py", all="<b>")
    assert len(app.main.subheader) == 12 and any("is not “yes” or “no”" in w.value for w in app.warning)


def test_glossary_coming_back_restores_the_search(app):
    open_page(app, "pages/glossary.py", q="exempt")
    app.switch_page("pages/home.py").run()
    app.query_params.update({"q": "exempt"})
    app.switch_page("pages/glossary.py").run()
    assert app.text_input(key="gl_q").value == "exempt"


def test_glossary_no_match_and_a_huge_search_are_explained(app):
    open_page(app, "pages/glossary.py", q="zzzz no such term")
    assert any("No term matches" in i.value for i in app.info)
    open_page(app, "pages/glossary.py", q="officer " * 400)
    assert any("only the first 1,000" in w.value for w in app.warning)
    assert any("only the first 20 are used" in c.value for c in app.caption)


# ------------------------------------------------------------------ home and print


def test_home_starts_from_your_council(app):
    open_page(app, "pages/home.py", council="thurrock")
    assert app.main.markdown[1].value.startswith("**Your council: Thurrock Council.**")
    first_link = app.main.get("page_link")[0]
    assert first_link.proto.page == "handbook" and first_link.proto.query_string == "council=thurrock"
    cards = [b for b in blocks(app.main) if b.markdown and "clauses in" in b.markdown[0].value]
    assert "your council" in cards[0].markdown[0].value and "Thurrock" in cards[0].markdown[0].value
    assert not app.main.expander, "the notes are in each Handbook's “About this source”"


@pytest.mark.parametrize("page", ["pages/home.py", "pages/handbook.py", "pages/glossary.py"])
def test_print_stylesheet_is_on_the_page(app, page):
    open_page(app, page)
    bodies = [h.proto.body for h in app.get("html")]
    assert PRINT_CSS in bodies
    if page == "pages/handbook.py":
        assert CLAUSE_CSS in bodies
    assert "@media print" in PRINT_CSS and '[data-testid="stSidebar"]' in PRINT_CSS
