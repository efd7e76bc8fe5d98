"""Fuzzy clause search: quality on the evaluation set, typos, synonyms, filters, determinism,
safe snippets, hostile queries and the search/bench command line."""

from __future__ import annotations

import dataclasses
import json
import string
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logic.cli import main
from logic.commands.search import Fts5Reference, hit_rates, load_eval_set, replicate
from logic.content import GlossaryEntry
from logic.search import (
    MAX_QUERY_WORDS,
    SearchIndex,
    display_text,
    escape_markdown,
    query_truncated,
)

ASCII_PUNCTUATION = set(string.punctuation)


@pytest.fixture(scope="module")
def index(corpus):
    return SearchIndex(corpus)


def ids(hits) -> list[str]:
    return [hit.id for hit in hits]


def unescaped_metacharacters(markdown: str) -> list[str]:
    """ASCII punctuation in ``markdown`` that is neither backslash-escaped nor a ``**`` bold marker."""
    found, i = [], 0
    while i < len(markdown):
        if markdown[i] == "\\" or markdown.startswith("**", i):
            i += 2
        else:
            if markdown[i] in ASCII_PUNCTUATION:
                found.append(markdown[i])
            i += 1
    return found


def assert_snippet_is_clause_text(hit, corpus) -> None:
    line = display_text(corpus.clauses_by_id[hit.id].text)
    assert hit.snippet.removeprefix("… ").removesuffix(" …") in line
    assert not unescaped_metacharacters(hit.snippet_markdown)
    assert hit.snippet_markdown.count("**") == 2 * sum(match for _, match in hit.segments)


# ---------------------------------------------------------------- quality on the evaluation set


def test_evaluation_set_is_well_formed(corpus):
    questions = load_eval_set()
    assert len(questions) >= 45
    assert len({q.query for q in questions}) == len(questions), "duplicate questions"
    for q in questions:
        assert q.expected, q.query
        for clause_id in q.expected:
            assert clause_id in corpus.clauses_by_id, f"{q.query!r} expects unknown clause {clause_id}"
            if q.council:
                assert clause_id.startswith(f"{q.council}:"), f"{q.query!r}: {clause_id} is outside its filter"


def test_hit_rates_meet_targets_and_beat_fts5(index, corpus, capsys):
    questions = load_eval_set()
    fts = Fts5Reference(corpus)
    top1, top3 = hit_rates([ids(index.search(q.query, council=q.council, limit=3)) for q in questions], questions)
    fts_top1, fts_top3 = hit_rates([fts.search(q.query, council=q.council, limit=3) for q in questions], questions)
    with capsys.disabled():
        print(f"\nsearch on {len(questions)} questions: top-1 {top1:.3f}, top-3 {top3:.3f}; "
              f"FTS5 bm25: top-1 {fts_top1:.3f}, top-3 {fts_top3:.3f}")
    assert top1 >= 0.85
    assert top3 >= 0.96
    assert top1 >= fts_top1
    assert top3 >= fts_top3


# ---------------------------------------------------------------- typos


def single_typos(word: str):
    """One deletion, insertion, substitution and transposition in the middle of ``word``."""
    m = len(word) // 2
    yield word[:m] + word[m + 1:]
    yield word[:m] + "x" + word[m:]
    yield word[:m] + ("q" if word[m] != "q" else "z") + word[m + 1:]
    yield word[:m - 1] + word[m] + word[m - 1] + word[m + 1:]


TYPO_CASES = [
    ("planning case officer", {"maldon:13.2"}),
    ("roving commission", {"allerdale:6.4", "county:5.8"}),
    ("politically restricted posts", {"allerdale:5.6"}),
    ("silent copies", {"county:7.1"}),
    ("whistleblowing policy", {"thurrock:15.2"}),
    ("register of officers interests", {"thurrock:5.2"}),
    ("grievance committee three members", {"parish:7.2"}),
    ("disproportionate burden enquiry", {"thurrock:8.2"}),
]


@pytest.mark.parametrize(("query", "expected"), TYPO_CASES)
def test_a_single_typo_in_any_word_still_finds_the_clause(index, query, expected):
    query_words = query.split()
    for i, word in enumerate(query_words):
        for typo in single_typos(word):
            typed = " ".join([*query_words[:i], typo, *query_words[i + 1:]])
            assert expected & set(ids(index.search(typed, limit=3))), typed


@pytest.mark.parametrize(("query", "expected"), [
    ("planing case oficer", "maldon:13.2"),
    ("roving commision", "allerdale:6.4"),
    ("whistelblowing", "thurrock:15.2"),
])
def test_misspelt_queries_rank_the_clause_first(index, query, expected):
    assert ids(index.search(query, limit=1)) == [expected]


def test_misspelt_confidentiality_finds_the_confidentiality_clauses(index, corpus):
    hits = index.search("confidentaility", limit=3)
    assert hits and all("confidentiality" in corpus.clauses_by_id[h.id].topics for h in hits)


# ---------------------------------------------------------------- synonyms


@pytest.mark.parametrize(("query", "council", "expected", "their_word"), [
    ("complaint about the head of paid service", "allerdale", "allerdale:10.1", "Chief Executive"),
    ("chief executive informed of a personal relationship", "maldon", "maldon:5.1", "Head of Paid Service"),
    ("Standards and Audit Committee", "maldon", "maldon:dr-5.1", "Standards Committee"),
    ("addressed as Madam Chair", "maldon", "maldon:5.2", "Chairman"),
    ("formal complaint to the chief officer", "thurrock", "thurrock:13.1", "Director"),
    ("councillor cannot instruct an officer", "maldon", "maldon:3.2", "Member"),
    ("complaint about the CEO", "allerdale", "allerdale:10.1", "Chief Executive"),
])
def test_councils_own_terms_are_equivalent(index, corpus, query, council, expected, their_word):
    clause_text = corpus.clauses_by_id[expected].text
    assert their_word in clause_text
    hits = index.search(query, council=council, limit=1)
    assert ids(hits) == [expected]
    assert their_word.split()[0] in "".join(text for text, match in hits[0].segments if match)


def test_equivalences_are_content_not_code(corpus):
    # Allerdale 5.7 says "Chief Executive" and shares no word with the query.
    query = "head of paid service"
    with_synonyms = SearchIndex(corpus).search(query, council="allerdale", limit=3)
    assert "allerdale:5.7" in ids(with_synonyms)
    without = SearchIndex(dataclasses.replace(corpus, synonyms=()))
    assert "allerdale:5.7" not in ids(without.search(query, council="allerdale", limit=50))
    extra = SearchIndex(dataclasses.replace(corpus, synonyms=(("leaflets", "printing"),)))
    assert "allerdale:8.1" in ids(extra.search("leaflets", council="allerdale", limit=3))


def test_synonyms_file_holds_the_required_equivalences(corpus):
    groups = [set(group) for group in corpus.synonyms]
    for pair in [("member", "councillor"), ("chief executive", "head of paid service"), ("chairman", "chair"),
                 ("director", "chief officer"), ("standards committee", "standards and audit committee")]:
        assert any(set(pair) <= group for group in groups), pair


def test_glossary_terms_lead_to_the_clauses_they_cite(corpus):
    entry = GlossaryEntry(term="Purdah", definition="The pre-election period.", aliases=("pre-election",),
                          clauses=("thurrock:11.3",))
    with_glossary = SearchIndex(dataclasses.replace(corpus, glossary=(*corpus.glossary, entry)))
    assert ids(with_glossary.search("purdah", limit=1)) == ["thurrock:11.3"]
    assert "thurrock:11.3" in ids(with_glossary.search("pre-election rules", limit=3))


# ---------------------------------------------------------------- filters, limits, determinism


def test_council_filter(index):
    hits = index.search("complaints about officers", council="parish")
    assert hits and {h.council for h in hits} == {"parish"}


def test_topic_filter(index, corpus):
    hits = index.search("officer", topic="planning")
    assert hits and all("planning" in corpus.clauses_by_id[h.id].topics for h in hits)


def test_council_and_topic_filters_together(index, corpus):
    hits = index.search("member", council="thurrock", topic="confidentiality")
    assert hits
    assert all(h.council == "thurrock" and "confidentiality" in corpus.clauses_by_id[h.id].topics for h in hits)


def test_limit_caps_the_hits(index):
    assert len(index.search("officer", limit=4)) == 4


@pytest.mark.parametrize("kwargs", [{"council": "nowhere"}, {"topic": "gardening"}, {"limit": 0}])
def test_bad_filters_are_rejected(index, kwargs):
    with pytest.raises(ValueError):
        index.search("officer", **kwargs)


def test_hits_are_best_first_with_clause_metadata(index, corpus):
    hits = index.search("need to know principle")
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    for hit in hits:
        clause = corpus.clauses_by_id[hit.id]
        assert (hit.council, hit.number, hit.title) == (clause.council, clause.number, clause.heading)
        assert 0 <= hit.score <= 100


def test_ranking_is_deterministic(index, corpus):
    queries = [q.query for q in load_eval_set()]
    first = [index.search(q) for q in queries]
    assert [index.search(q) for q in queries] == first
    assert [SearchIndex(corpus).search(q) for q in queries] == first


def test_ties_keep_document_order(corpus):
    doubled = SearchIndex(replicate(corpus, 2))
    hits = doubled.search("roving commission", limit=4)
    assert ids(hits) == ["allerdale:6.4", "allerdale-x2:6.4", "county:5.8", "county-x2:5.8"]
    assert hits[0].score == hits[1].score


# ---------------------------------------------------------------- snippets


def test_snippet_highlights_the_matching_words(index):
    hit = index.search("planing case oficer", limit=1)[0]
    assert ("Planning Case Officer", True) in hit.segments
    assert "**Planning Case Officer**" in hit.snippet_markdown
    assert "Planning Case Officer" in hit.snippet


def test_snippet_is_a_window_of_the_clause_around_the_match(index, corpus):
    hit = index.search("Team Leader level", council="maldon", limit=1)[0]
    assert hit.id == "maldon:13.2"
    assert hit.snippet.startswith("… ") and "Team Leader" in hit.snippet
    assert len(hit.snippet) < len(corpus.clauses_by_id[hit.id].text)
    assert_snippet_is_clause_text(hit, corpus)


def test_snippet_escapes_markdown_in_the_clause_text(index, corpus):
    # Thurrock 4.4 has "Members **will not**" and lettered items "(a)" in its text.
    hit = index.search("day to day management of staff", council="thurrock", limit=1)[0]
    assert hit.id == "thurrock:4.4"
    assert "\\(a\\)" in hit.snippet_markdown or "\\(b\\)" in hit.snippet_markdown
    assert_snippet_is_clause_text(hit, corpus)


@pytest.mark.parametrize("query", [
    "**officer** <script>alert('x')</script>",
    "[complaint](javascript:alert(1)) # heading",
    "$\\frac{a}{b}$ :red[planning] `code` ~~strike~~ | table |",
    "<img src=x onerror=alert(1)> &lt;member&gt;",
])
def test_query_markup_never_reaches_the_snippet(index, corpus, query):
    hits = index.search(query)
    assert hits  # the real words in these queries match something
    for hit in hits:
        assert_snippet_is_clause_text(hit, corpus)
        for fragment in ("<script", "<img", "javascript", "onerror", "$\\frac", ":red["):
            assert fragment not in hit.snippet_markdown


def test_escape_markdown_escapes_every_metacharacter():
    text = "**bold** _it_ `code` [link](url) <b>&amp; $x$ # h\n- item\n1. one | ~ ! :red[x]"
    escaped = escape_markdown(text)
    assert not unescaped_metacharacters(escaped)
    assert "**" not in escaped.replace("\\*", "")  # no bold marker of its own
    assert "\n" not in escaped
    assert escaped.startswith("\\*\\*bold\\*\\* \\_it\\_ \\`code\\`")


@given(st.text(max_size=300))
def test_escape_markdown_leaves_nothing_unescaped(text):
    escaped = escape_markdown(text)
    i = 0
    while i < len(escaped):
        if escaped[i] == "\\":
            assert i + 1 < len(escaped) and escaped[i + 1] in ASCII_PUNCTUATION
            i += 2
        else:
            assert escaped[i] not in ASCII_PUNCTUATION and escaped[i] not in "\n\r"
            i += 1


# ---------------------------------------------------------------- hostile queries


HOSTILE_QUERIES = [
    "",
    "   \t\n ",
    "x" * 100_000,
    "officer " * 20_000,
    "\x00\x01\x07\x1b[31mred\x1b[0m\x7f",
    "(.*)+[a-z]{1,}\\ ^$ (?<=x) \\1 **",
    "# heading\n> quote\n- list\n|a|b|",
    "\u202eroffice\u202c ,מועצה חבר ,مجلس عضو",
    "?!...;;;---,,,'''\"\"\"",
    "😀🏛️ 👩‍⚖️",
    "\ud800 lone surrogate",
    'officer" OR text:* NEAR(a b) ^x AND NOT "',
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_queries_return_promptly(index, corpus, query):
    start = time.perf_counter()
    hits = index.search(query)
    assert time.perf_counter() - start < 2
    assert len(hits) <= 10
    for hit in hits:
        assert_snippet_is_clause_text(hit, corpus)


@pytest.mark.parametrize("query", ["", "?!...;;;", "the of and to"])
def test_queries_without_words_find_nothing(index, query):
    assert index.search(query) == []


def test_long_queries_are_capped(index):
    filler = " ".join(["protocol"] * MAX_QUERY_WORDS)
    assert query_truncated(f"{filler} roving commission")
    assert not query_truncated("roving commission")
    assert index.search(f"{filler} roving commission") == index.search(filler)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=st.text(max_size=200), limit=st.integers(min_value=1, max_value=20))
def test_any_text_is_a_safe_query(index, corpus, query, limit):
    start = time.perf_counter()
    hits = index.search(query, limit=limit)
    assert time.perf_counter() - start < 2
    assert len(hits) <= limit
    assert len({h.id for h in hits}) == len(hits)
    for hit in hits:
        assert_snippet_is_clause_text(hit, corpus)
    assert index.search(query, limit=limit) == hits


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_fts5_reference_treats_query_text_as_words(corpus, query):
    Fts5Reference(corpus).search(query)  # no FTS5 syntax error whatever the user typed


# ---------------------------------------------------------------- command line


def run_cli(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_search_json(capsys):
    code, out, err = run_cli(capsys, "search", "planing case oficer", "--json")
    assert code == 0 and not err
    payload = json.loads(out)
    assert payload["query"] == "planing case oficer"
    assert payload["hits"][0]["id"] == "maldon:13.2"
    for hit in payload["hits"]:
        assert set(hit) == {"id", "council", "number", "title", "score", "snippet"}
        assert "**" not in hit["snippet"]


def test_cli_search_filters_and_limit(capsys):
    code, out, _ = run_cli(capsys, "--json", "search", "complaint", "--council", "thurrock",
                           "--topic", "complaints-about-members", "--limit", "2")
    hits = json.loads(out)["hits"]
    assert code == 0 and len(hits) == 2
    assert all(h["council"] == "thurrock" for h in hits)


def test_cli_search_human_output(capsys):
    code, out, _ = run_cli(capsys, "search", "roving commission")
    assert code == 0 and out.startswith("allerdale:6.4")
    code, out, _ = run_cli(capsys, "search", "?!?")
    assert code == 0 and out.strip() == "no matching clauses"


@pytest.mark.parametrize("args", [
    ["--council", "atlantis"],
    ["--topic", "gardening"],
    ["--limit", "0"],
    ["--limit", "many"],
    ["--limit", "100000"],
])
def test_cli_search_bad_arguments_exit_2_with_one_line(capsys, args):
    code, out, err = run_cli(capsys, "search", "officer", *args)
    assert code == 2
    assert not out
    assert len(err.strip().splitlines()) == 1


def test_cli_bench_json_shape(capsys):
    code, out, _ = run_cli(capsys, "bench", "--json", "--scale", "2")
    assert code == 0
    sizes = json.loads(out)["sizes"]
    assert set(sizes) == {"1x", "2x"}
    keys = {"clauses", "p50_ms", "p95_ms", "build_ms", "memory_mb", "floor_p95_ms", "fts5_p95_ms",
            "hit_rate", "top1_rate", "fts5_hit_rate", "fts5_top1_rate"}
    for size in sizes.values():
        assert set(size) == keys
    assert sizes["2x"]["clauses"] == 2 * sizes["1x"]["clauses"]
    assert sizes["2x"]["top1_rate"] == pytest.approx(sizes["1x"]["top1_rate"], abs=0.05)


# ---------------------------------------------------------------- plain words, your council first, long questions


RUDE_OFFICER = "officer was rude to me at a meeting"


def test_plain_words_complaint_finds_thurrocks_complaint_and_dispute_clauses(index):
    top20 = ids(index.search(RUDE_OFFICER, limit=20))
    assert "thurrock:13.1" in top20
    assert any(clause.startswith("thurrock:12.") for clause in top20)


def test_preferring_thurrock_puts_its_complaint_clauses_near_the_top(index):
    top5 = ids(index.search(RUDE_OFFICER, limit=20, prefer_council="thurrock"))[:5]
    assert "thurrock:13.1" in top5 and "thurrock:12.2" in top5


def test_an_everyday_word_points_to_protocol_words_and_is_not_corrected(index):
    assert index.query_text("rude") == "complaint"  # not "rule", one letter away in the corpus
    assert index.query_text("rdue") == "complaint"  # a typo of the everyday word still gets there
    assert index.query_text("rule") == "rule"


def test_everyday_words_are_content_not_code(corpus):
    without = SearchIndex(corpus, everyday_words={})
    assert "thurrock:13.1" not in ids(without.search(RUDE_OFFICER, limit=20))
    custom = SearchIndex(corpus, everyday_words={"moonlighting": ("employment",)})
    assert custom.query_text("moonlighting") == "employment"


@pytest.mark.parametrize("query", ["complaints about officers", RUDE_OFFICER, "politically restricted posts",
                                   "access to exempt information", "planing case oficer"])
@pytest.mark.parametrize("council", ["county", "parish", "thurrock"])
def test_prefer_council_puts_its_relevant_hits_first_and_keeps_every_score(index, query, council):
    from logic.search import PREFERRED_SHARE

    plain = index.search(query, limit=20)
    preferred = index.search(query, limit=20, prefer_council=council)
    best = plain[0].score
    own = [h for h in preferred if h.council == council and h.score >= PREFERRED_SHARE * best]
    assert preferred[:len(own)] == own
    assert [h.score for h in own] == sorted((h.score for h in own), reverse=True)
    rest = preferred[len(own):]
    assert [h.score for h in rest] == sorted((h.score for h in rest), reverse=True)
    plain_scores = {h.id: h.score for h in plain}
    assert all(plain_scores[h.id] == h.score for h in preferred if h.id in plain_scores)


def test_your_councils_complaint_clauses_come_first(index):
    assert ids(index.search("complaints about officers", limit=3, prefer_council="parish"))[0] == "parish:7.2"


def test_a_passing_mention_in_your_council_does_not_bury_the_answer(index):
    # County 3.6 only mentions politically restricted posts; Allerdale 5.6 is about them.
    hits = index.search("politically restricted posts", limit=10, prefer_council="county")
    assert ids(hits)[0] == "allerdale:5.6"
    assert "county:3.6" in ids(hits)


def test_your_councils_clauses_are_reranked_even_outside_the_candidate_pool(corpus, monkeypatch):
    import logic.search as search

    monkeypatch.setattr(search, "RERANK_CANDIDATES", 1)
    narrow = SearchIndex(corpus)
    assert "parish" not in {h.council for h in narrow.search("complaints about officers", limit=1)}
    assert narrow.search("complaints about officers", limit=1, prefer_council="parish")[0].id == "parish:7.2"


def test_prefer_council_changes_nothing_under_a_council_filter(index):
    assert index.search(RUDE_OFFICER, council="maldon", prefer_council="thurrock") == \
        index.search(RUDE_OFFICER, council="maldon")


def test_unknown_preferred_council_is_rejected(index):
    with pytest.raises(ValueError, match="unknown preferred council"):
        index.search("officer", prefer_council="atlantis")


def test_a_long_question_gets_a_message_saying_what_was_used():
    from logic.search import MAX_INPUT_CHARS, query_limit_message

    assert query_limit_message("who do I complain to about the chief exec") is None
    assert query_limit_message("x" * 5000) == "Your question was 5,000 characters; only the first 500 were used."
    assert query_limit_message("x" * MAX_INPUT_CHARS) == \
        "Your question was at least 10,000 characters; only the first 500 were used."
    many = " ".join(f"word{n}" for n in range(45))
    assert query_limit_message(many) == "Your question has 45 key words; only the first 40 were used."
    for query in ("x" * 5000, many, "short question"):
        assert query_truncated(query) == (query_limit_message(query) is not None)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=st.text(max_size=200), council=st.sampled_from(["allerdale", "county", "maldon", "parish", "thurrock"]))
def test_any_text_is_a_safe_query_when_preferring_a_council(index, corpus, query, council):
    preferred = index.search(query, limit=10, prefer_council=council)
    assert len({h.id for h in preferred}) == len(preferred) <= 10
    for hit in preferred:
        assert_snippet_is_clause_text(hit, corpus)
    # A council has fewer than 90 clauses, so a top-10 hit cannot be pushed past 100 by preferring one.
    assert {h.id for h in index.search(query, limit=10)} <= {h.id for h in index.search(query, limit=100,
                                                                                         prefer_council=council)}
