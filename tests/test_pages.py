"""AppTest over every page: it renders its heading, raises nothing, and shows what it should."""

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


def test_unknown_council_in_url_gives_a_friendly_message(app):
    open_page(app, "pages/home.py", council="atlantis<b>")
    assert any("no council called" in w.value for w in app.warning)
    assert app.session_state["council"] in ("allerdale", "county", "maldon", "parish", "thurrock")


def test_handbook_deep_link_highlights_the_clause(app):
    open_page(app, "pages/handbook.py", council="maldon", clause="3.2")
    markdown = [m.value for m in app.markdown]
    highlighted = [m for m in markdown if "Linked clause" in m]
    assert len(highlighted) == 2 and all("maldon:3.2" in m for m in highlighted)
    assert any(m.startswith("Members should not require an Officer") for m in markdown)


def test_handbook_lettered_citation_opens_its_clause(app):
    open_page(app, "pages/handbook.py", council="thurrock", clause="4.4(b)")
    assert any("Linked clause" in m.value and "thurrock:4.4" in m.value for m in app.markdown)


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
    assert any("handbook?council=" in m.value for m in app.markdown)
    app.text_input[0].input("zzzz no such term").run()
    assert any("No term matches" in i.value for i in app.info)
