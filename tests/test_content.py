"""The bundled corpus: fidelity to the sources, the clause-id grammar, vocabularies, the loader."""

import re

import pytest

from logic.content import NUMBER_RE
from logic.fidelity import measure

COUNCILS = ["allerdale", "county", "maldon", "parish", "thurrock"]
FIDELITY_BAR = 0.985


def test_five_councils_are_loaded(corpus):
    assert sorted(corpus.councils) == COUNCILS


@pytest.mark.parametrize("slug", COUNCILS)
def test_fidelity_to_the_source(corpus, slug):
    result = measure(corpus.councils[slug])
    print(f"{slug}: source covered {result.source_covered:.4f}, clause runs found {result.clauses_found:.4f}")
    assert result.source_covered >= FIDELITY_BAR
    assert result.clauses_found >= FIDELITY_BAR


@pytest.mark.parametrize(("slug", "first", "last", "count"), [
    ("maldon", "maldon:1.1", "maldon:dr-5.1", 43),
    ("thurrock", "thurrock:1.1", "thurrock:16.1", 53),
    ("parish", "parish:1.1", "parish:7.3", 23),
    ("county", "county:1.1", "county:10.1", 57),
    ("allerdale", "allerdale:1.1", "allerdale:10.2", 51),
])
def test_clauses_run_in_document_order(corpus, slug, first, last, count):
    clauses = corpus.councils[slug].clauses
    assert (clauses[0].id, clauses[-1].id, len(clauses)) == (first, last, count)
    assert [c.order for c in clauses] == list(range(1, count + 1))


def test_clause_id_grammar_examples(corpus):
    for clause_id in ["maldon:3.2", "county:3.4.1", "county:5.5.3", "maldon:dr-2.2", "allerdale:3(c)",
                      "allerdale:4(h)", "thurrock:4.4"]:
        assert clause_id in corpus.clauses_by_id
    assert all(NUMBER_RE.match(c.number) and not c.number.endswith(".") for c in corpus.all_clauses())


def test_lettered_citation_resolves_to_its_clause(corpus):
    assert corpus.resolve("thurrock:4.4(b)").id == "thurrock:4.4"
    assert corpus.resolve("allerdale:3(c)").id == "allerdale:3(c)"
    assert corpus.resolve("thurrock:99.1") is None


def test_parish_reconstructed_numbers_are_recorded_as_editorial(corpus):
    for number in ["6.1", "6.2", "6.3", "6.4", "6.5", "7.1", "7.2", "7.3"]:
        assert "reconstruct" in corpus.clauses_by_id[f"parish:{number}"].note.lower()
    assert not corpus.clauses_by_id["parish:5.3"].note


def test_unnamed_councils_are_not_presented_as_fact(corpus):
    for slug in ("parish", "county"):
        council = corpus.councils[slug]
        assert council.name_confirmed is False
        assert "hampshire" not in council.name.lower()
        assert council.editorial_notes
    assert any("incomplete" in o.lower() or "10.1" in o for o in corpus.councils["county"].omissions)


def test_every_topic_and_role_has_label_and_description(corpus):
    design_topics = [
        "purpose-and-principles", "roles-of-members", "roles-of-officers", "expectations-and-conduct",
        "personal-relationships", "appointment-and-discipline", "political-groups",
        "leader-and-chair-relations", "access-to-information", "confidentiality", "declarations-of-interest",
        "support-services", "correspondence", "media-and-publicity", "members-enquiries",
        "ward-and-local-members", "planning", "outside-bodies", "ceremonial-events",
        "complaints-about-officers", "complaints-about-members", "dispute-resolution",
        "officers-employment-matters", "political-neutrality", "monitoring-and-review",
    ]
    assert set(design_topics) <= set(corpus.topics)
    assert all(t.label and t.description for t in corpus.topics.values())
    assert {"monitoring-officer", "head-of-paid-service", "clerk", "standards-committee",
            "county-association"} <= set(corpus.roles)


def test_councils_show_their_own_titles(corpus):
    assert corpus.councils["thurrock"].title_for("standards-committee", corpus.roles) == "Standards and Audit Committee"
    assert corpus.councils["parish"].title_for("clerk", corpus.roles) == "Clerk"
    assert corpus.councils["allerdale"].title_for("s151-officer", corpus.roles) == "Chief Financial Officer"


def test_glossary_has_at_least_25_terms_each_citing_real_clauses(corpus):
    assert len(corpus.glossary) >= 25
    terms = {g.term.lower() for g in corpus.glossary}
    for needed in ["monitoring officer", "head of paid service", "need to know", "code of conduct"]:
        assert any(needed in t for t in terms), needed
    for entry in corpus.glossary:
        assert all(corpus.resolve(c) for c in entry.clauses)


def test_glossary_lists_clauses_that_use_the_term(corpus):
    entry = next(g for g in corpus.glossary if g.term.lower() == "monitoring officer")
    for clause_id in entry.clauses:
        text = corpus.clauses_by_id[clause_id].text.lower()
        assert any(alias.lower() in text for alias in (entry.term, *entry.aliases)), clause_id


def test_clause_bodies_have_no_extraction_debris(corpus):
    for clause in corpus.all_clauses():
        assert "\uf0b7" not in clause.text and "•" not in clause.text, clause.id
        assert not re.search(r"^\s*\d+(\.\d+)+\s", clause.text), clause.id  # number left in the body
