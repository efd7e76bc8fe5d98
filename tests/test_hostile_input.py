"""Hostile input never crashes the logic (design notes, "Reliability").

Property tests (hypothesis) and curated nasty cases over every entry point that takes text from
outside: the search box, route and question parameters, the URL readers, clause files, the
command line and the flowchart builder. The rule everywhere: either a sensible answer, or the
documented error (``ParameterError``, ``ContentError``, exit code 2) with a short, one-line
message; never another exception, never a traceback.

Curated cases pin the bugs this suite found (control characters echoed to the terminal, YAML
values PyYAML cannot build, empty front matter, DOT injection through labels); the property tests
explore everything else.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import io
import itertools
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from logic.cli import main as cli_main
from logic.content import ContentError
from logic.decisions import ParameterError, normalise, parse_assignments
from logic.export import escape_markdown
from logic.flowchart import route_dot, scenario_tree_dot
from logic.links import read_clause_link, read_council, read_date, read_decision_query
from logic.model import load_model
from logic.permissions import ask
from logic.routing import route
from logic.search import SearchIndex, display_text

FIXTURE = Path(__file__).parent / "fixtures" / "valid"
DOT = shutil.which("dot")
DOT_MAX_STRING = 16_384  # Graphviz's scanner refuses longer quoted strings
MAX_MESSAGE = 1000  # a refusal names the bad value (clipped) and the valid choices; never a wall of text

# ---------------------------------------------------------------- hostile text

NASTY = {
    "empty": "",
    "blank": "   \t  ",
    "huge": "x" * 100_000,
    "huge_real_words": "council officer complaint " * 4_000,
    "many_words": " ".join(f"w{i}" for i in range(20_000)),
    "long_word": "confidentiality" * 400,
    "nul": "\x00",
    "nuls": "a\x00b\x00" * 100,
    "c0_controls": "".join(map(chr, range(32))) + "\x7f",
    "c1_controls": "".join(map(chr, range(0x80, 0xA0))),
    "ansi_escape": "\x1b[2J\x1b[31mred\x1b[0m",
    "line_breaks": "a\r\nb\rc\u2028d\u2029e\x85f\x0bg\x0ch",
    "regex": r".*+?^${}()|[]\ (?:a+)+$ \d\w(?P<x>) [[:alpha:]] \1",
    "regex_catastrophic": "(a+)+" + "a" * 50 + "!",
    "markdown": "**bold** _it_ `code` # h1\n> quote\n- item\n[link](javascript:alert(1)) ![img](x) | a | b |",
    "streamlit_markdown": "$x^2$ $$\\int$$ :red[danger] :material/home: :blue-background[x] <br>",
    "html": "<script>alert(1)</script><img src=x onerror=alert(1)><iframe src=//evil>",
    "html_inline": "before <script>alert(1)</script> <b>after</b> the end",
    "entities": "&lt;script&gt; &#x3C; &amp;amp; &nbsp;",
    "rtl_override": "\u202eevil.exe\u202c",
    "rtl_text": "\u200fمرحبا بالمجلس שלום עולם",
    "bidi_isolates": "\u2066a\u2067b\u2068c\u2069",
    "combining": "e" + "\u0301" * 500,
    "zalgo": "Z̴̡̢̛̗̘̙̜̝̞̟̠a̷̡̢̛l̸g̵o̶",
    "zero_width": "con\u200bfiden\u200ctial\u200d\ufeffity",
    "emoji": "\U0001F600\U0001F468\u200d\U0001F469\u200d\U0001F467\U0001F3F4\U000E0067" * 50,
    "noncharacters": "\ufffd\uffff\ufffe\U0010FFFF",
    "lone_surrogates": "\ud800 a\udfff \udc80\udcff",
    "case_folding": "İıẞﬁﬃ ǅ ΣΑΣ",
    "fullwidth": "ｃｏｕｎｃｉｌ １０ ＜ｂ＞",
    "path_traversal": "../../etc/passwd %00 %0a %2e%2e",
    "injection": "' OR 1=1 -- ${jndi:ldap://x} {{7*7}} %s%n %(x)s {0}",
    "yaml_tricks": "yes: no\n- &a [*a]\n!!python/object:os.system\n? [a]\n: b",
    "dot_tricks": '"}]; digraph evil { a -> b } [label="',
    "tabs": "\t" * 1000,
}
FRAGMENTS = ["\x00", "\x1b[", "\r", "\n", "\u202e", "\u0301", "\ud800", "<b>", "**", "[", "](", "$", "\\",
             '"', "'", "=", ":", "#", "---", "-", "%", "\ufeff", "confidentiality", "monitoring officer", " "]

# Any code point, surrogates and controls included, and mixtures of the nasty fragments.
ANY_CHAR = st.characters(codec=None, exclude_categories=())
hostile_text = st.one_of(
    st.sampled_from(list(NASTY.values())),
    st.text(max_size=200),
    st.text(ANY_CHAR, max_size=80),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=12).map("".join),
)
HOSTILE = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Every CLI call loads the content from disk (~0.2 s), as a real invocation does.
CLI = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CLI_FEW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_one_line_refusal(message: str) -> None:
    """A refusal the user can read: present, one line, bounded."""
    assert message.strip(), "empty error message"
    assert "\n" not in message, f"multi-line error message: {message[:200]!r}"
    assert len(message) <= MAX_MESSAGE, f"error message of {len(message)} characters"


def printable_message(message: str) -> bool:
    """No control, format or separator characters (they reorder or rewrite a terminal line)."""
    return message.isprintable()


# ---------------------------------------------------------------- escaping (used for every echo)


@HOSTILE
@given(text=hostile_text)
def test_escape_markdown_leaves_no_live_markup(text):
    escaped = escape_markdown(text)
    assert "\n" not in escaped and "\r" not in escaped
    # Remove every escaped pair; no ASCII punctuation may be left unescaped.
    bare = re.sub(r"\\[!-/:-@\[-`{-~]", "", escaped)
    assert not re.search(r"[!-/:-@\[-`{-~]", bare), bare[:200]


# ---------------------------------------------------------------- search


@pytest.fixture(scope="module")
def index(corpus):
    return SearchIndex(corpus)


def check_hits(index: SearchIndex, corpus, query: str, limit: int = 10, **filters) -> list:
    hits = index.search(query, limit=limit, **filters)
    assert isinstance(hits, list) and len(hits) <= limit
    assert len({h.id for h in hits}) == len(hits), "a clause listed twice"
    for hit in hits:
        clause = corpus.clauses_by_id[hit.id]
        assert hit.council == clause.council and hit.number == clause.number
        assert 0 <= hit.score <= 100
        if filters.get("council"):
            assert hit.council == filters["council"]
        if filters.get("topic"):
            assert filters["topic"] in clause.topics
        # Snippets are cut from the clause, never from the query: user text cannot reach the page.
        core = hit.snippet.removeprefix("… ").removesuffix(" …")
        assert core in display_text(clause.text), (query[:80], hit.snippet[:120])
    return hits


@pytest.mark.parametrize("name", list(NASTY))
def test_search_survives_nasty_queries(index, corpus, name):
    check_hits(index, corpus, NASTY[name])


@HOSTILE
@given(query=hostile_text, limit=st.integers(1, 40), data=st.data())
def test_search_any_text_gives_valid_hits(index, corpus, query, limit, data):
    council = data.draw(st.sampled_from([None, *corpus.councils]))
    topic = data.draw(st.sampled_from([None, *corpus.topics]))
    check_hits(index, corpus, query, limit=limit, council=council, topic=topic)


@FEW
@given(query=hostile_text)
def test_search_is_deterministic(index, query):
    assert [(h.id, h.score) for h in index.search(query)] == [(h.id, h.score) for h in index.search(query)]


def test_search_still_finds_a_real_query_after_hostile_ones(index):
    for text in NASTY.values():
        index.search(text)  # fills the per-word caches with garbage
    assert index.search("confidentaility")[0].council  # still answers, typo and all


@FEW
@given(bad=hostile_text, which=st.sampled_from(["council", "topic"]))
def test_search_rejects_unknown_filters_with_value_error(index, corpus, bad, which):
    assume(bad not in (corpus.councils if which == "council" else corpus.topics))
    with pytest.raises(ValueError):
        index.search("officer", **{which: bad})


@pytest.mark.parametrize("limit", [0, -1, -10**9])
def test_search_rejects_a_limit_below_one(index, limit):
    with pytest.raises(ValueError):
        index.search("officer", limit=limit)


# ---------------------------------------------------------------- routes and questions

# (function, data attribute on the model, catalogue kind as the error message says it)
DECISIONS = {"route": (route, "routing"), "ask": (ask, "rules")}
GARBAGE_VALUE = st.one_of(hostile_text, st.integers(), st.floats(allow_nan=True), st.none(), st.booleans(),
                          st.lists(st.text(max_size=5), max_size=3))


def decide(model, which: str, slug, council, params):
    function, attr = DECISIONS[which]
    return function(model.corpus, getattr(model, attr), slug, council, params)


def catalogue(model, which):
    return getattr(model, DECISIONS[which][1]).catalogue


@pytest.mark.parametrize("which", DECISIONS)
def test_every_valid_combination_answers_with_its_own_clauses(model, which):
    for slug, entry in catalogue(model, which).items():
        names = list(entry.params)
        for values in itertools.product(*[list(entry.params[n].values) for n in names]):
            for council in model.corpus.councils:
                answer = decide(model, which, slug, council, dict(zip(names, values)))
                cites = answer.cites if which == "ask" else [c for s in answer.steps for c in s.cites]
                assert all(c.startswith(f"{council}:") and model.corpus.resolve(c) for c in cites)


@HOSTILE
@given(which=st.sampled_from(list(DECISIONS)), slug=hostile_text)
def test_unknown_scenario_or_question_is_a_parameter_error(model, which, slug):
    assume(slug not in catalogue(model, which))
    with pytest.raises(ParameterError) as caught:
        decide(model, which, slug, "maldon", None)
    assert_one_line_refusal(str(caught.value))


@HOSTILE
@given(which=st.sampled_from(list(DECISIONS)), council=hostile_text, data=st.data())
def test_unknown_council_is_a_parameter_error(model, which, council, data):
    assume(council not in model.corpus.councils)
    slug = data.draw(st.sampled_from(list(catalogue(model, which))))
    with pytest.raises(ParameterError) as caught:
        decide(model, which, slug, council, None)
    assert_one_line_refusal(str(caught.value))


@HOSTILE
@given(which=st.sampled_from(list(DECISIONS)), data=st.data(),
       extra=st.dictionaries(st.one_of(hostile_text, st.integers(), st.none()), GARBAGE_VALUE, max_size=3))
def test_garbage_parameters_are_parameter_errors(model, which, data, extra):
    slug = data.draw(st.sampled_from(list(catalogue(model, which))))
    entry = catalogue(model, which)[slug]
    params = dict(extra)
    if entry.params and data.draw(st.booleans()):  # a real parameter name with a garbage value
        params[data.draw(st.sampled_from(list(entry.params)))] = data.draw(GARBAGE_VALUE)
    council = data.draw(st.sampled_from(list(model.corpus.councils)))
    valid = all(str(k) in entry.params and normalise(v) in entry.params[str(k)].values for k, v in params.items())
    try:
        answer = decide(model, which, slug, council, params)
    except ParameterError as exc:
        assert not valid, f"valid parameters refused: {params!r}"
        assert_one_line_refusal(str(exc))
    else:
        assert valid, f"garbage accepted: {params!r}"
        assert answer.council == council


@pytest.mark.parametrize("value", ["\x1b[2J\x1b[31mred", "a\rb", "a\u2028b", "nul\x00", "\u202eevil"])
def test_parameter_error_message_is_printable(model, value):
    with pytest.raises(ParameterError) as caught:
        route(model.corpus, model.routing, "member-concern-about-officer", "maldon", {"about": value})
    assert printable_message(str(caught.value)), repr(str(caught.value))


@HOSTILE
@given(pairs=st.lists(st.one_of(hostile_text, st.tuples(hostile_text, hostile_text).map("=".join)), max_size=6))
def test_parse_assignments_accepts_name_value_or_refuses(pairs):
    well_formed = all("=" in p and p.partition("=")[0].strip() for p in pairs)
    try:
        out = parse_assignments(pairs)
    except ParameterError as exc:
        assert not well_formed
        assert_one_line_refusal(str(exc))
    else:
        assert well_formed
        expected = {}
        for pair in pairs:
            key, _, value = pair.partition("=")
            expected[key.strip()] = value.strip()
        assert out == expected


# ---------------------------------------------------------------- URL readers (never raise)

maybe_text = st.one_of(st.none(), hostile_text)


def assert_readable_message(message: str) -> None:
    if message:
        assert message.isprintable(), repr(message)  # URL values are clipped to printable text
        assert len(message) <= 400, len(message)


@HOSTILE
@given(council=maybe_text, number=maybe_text)
def test_read_clause_link_never_raises(corpus, council, number):
    link = read_clause_link(corpus, council, number)
    assert_readable_message(link.message)
    if link.clause is not None:
        assert not link.message and link.council == link.clause.council == council
    if link.message:
        assert link.clause is None


@HOSTILE
@given(number=hostile_text)
def test_read_clause_link_for_a_real_council_never_raises(corpus, number):
    link = read_clause_link(corpus, "maldon", number)
    assert_readable_message(link.message)
    assert link.clause is None or link.clause.council == "maldon"


@HOSTILE
@given(value=maybe_text)
def test_read_council_never_raises(corpus, value):
    slug, message = read_council(corpus, value)
    assert_readable_message(message)
    assert (slug in corpus.councils and not message) or slug is None


QUERY_KEYS = ["scenario", "question", "about", "stage", "party", "officer-role", "post", "related", "basis",
              "exempt", "draft", "other-group", "purpose", "creates-obligations", "view", "council", "start"]


@HOSTILE
@given(which=st.sampled_from(list(DECISIONS)),
       query=st.dictionaries(st.one_of(st.sampled_from(QUERY_KEYS), hostile_text), hostile_text, max_size=6))
def test_read_decision_query_never_raises(model, which, query):
    cat = catalogue(model, which)
    link = read_decision_query(cat, query, "scenario" if which == "route" else "question")
    assert link.slug in cat
    for name, value in link.params.items():
        assert value in cat[link.slug].params[name].values
    assert set(link.params) == set(cat[link.slug].params)
    for message in link.messages:
        assert_readable_message(message)


@HOSTILE
@given(value=st.one_of(maybe_text, st.dates().map(dt.date.isoformat),
                       st.dates().map(lambda d: d.isoformat() + "T00:00"),
                       st.from_regex(r"\A-?\d{1,6}-\d{1,3}-\d{1,3}\Z")))
def test_read_date_never_raises(value):
    day, message = read_date(value)
    assert_readable_message(message)
    if day is not None:
        assert 1900 <= day.year <= 2200 and not message
    elif value:
        assert message


# ---------------------------------------------------------------- clause files (front matter)

TARGET = "testshire/clauses/001-1.1.md"  # cited by nothing else: a clause that vanished shows only here
TARGET_ID = "testshire:1.1"
VALID_META = {"id": TARGET_ID, "number": "1.1", "section": "1", "topics": ["purpose-and-principles"]}


@pytest.fixture(scope="module")
def content_copy():
    """One writable copy of the valid fixture; each example rewrites the target clause file."""
    with tempfile.TemporaryDirectory(prefix="hostile-content-") as tmp:
        root = Path(tmp) / "content"
        shutil.copytree(FIXTURE, root)
        original = (root / TARGET).read_bytes()
        yield root
        (root / TARGET).write_bytes(original)


def load_with_clause(root: Path, data: str | bytes):
    """Write ``data`` as the target clause and load; only ContentError naming the file may escape."""
    path = root / TARGET
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))
    try:
        model = load_model(root)
    except ContentError as exc:
        assert exc.problems
        named = [p for p in exc.problems if TARGET in p.path]
        assert named, f"no problem names {TARGET}: {[str(p) for p in exc.problems]}"
        for problem in exc.problems:
            assert str(problem) and problem.message
        return None
    assert TARGET_ID in model.corpus.clauses_by_id, f"{TARGET} was silently dropped, with no problem reported"
    return model


def front_matter(meta_text: str, body: str = "Body text.") -> str:
    return f"---\n{meta_text}\n---\n{body}\n"


yaml_scalar = st.one_of(hostile_text, st.integers(), st.floats(allow_nan=False), st.booleans(), st.none())
yaml_value = st.recursive(yaml_scalar, lambda inner: st.lists(inner, max_size=3)
                          | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=6)


@st.composite
def mutated_front_matter(draw):
    """The valid front matter with one field replaced, dropped or added, dumped as real YAML."""
    meta = dict(VALID_META)
    field = draw(st.sampled_from([*VALID_META, "title", "note", "colour"]))
    if draw(st.booleans()) and field in meta:
        del meta[field]
    else:
        meta[field] = draw(yaml_value)
    try:
        dumped = yaml.safe_dump(meta, allow_unicode=True)
    except yaml.YAMLError:
        dumped = yaml.safe_dump(meta)
    return front_matter(dumped, draw(st.one_of(st.just("Body."), hostile_text)))


clause_file_text = st.one_of(
    hostile_text,
    hostile_text.map(front_matter),
    st.tuples(hostile_text, hostile_text).map(lambda t: front_matter(*t)),
    mutated_front_matter(),
)


@pytest.mark.parametrize("name", list(NASTY))
def test_nasty_clause_files_give_content_errors(content_copy, name):
    for text in (NASTY[name], front_matter(NASTY[name]), front_matter(yaml.safe_dump(VALID_META), NASTY[name])):
        load_with_clause(content_copy, text)


@HOSTILE
@given(text=clause_file_text)
def test_any_clause_file_gives_a_content_error_naming_it(content_copy, text):
    load_with_clause(content_copy, text)


@FEW
@given(data=st.binary(max_size=300))
def test_any_bytes_as_a_clause_file(content_copy, data):
    load_with_clause(content_copy, data)


def test_a_valid_clause_still_loads(content_copy):
    assert load_with_clause(content_copy, front_matter(yaml.safe_dump(VALID_META), "Members and officers.")) is not None


@pytest.mark.parametrize("meta_text", ["", "~", "# only a comment", "null"])
def test_empty_front_matter_is_reported(content_copy, meta_text):
    load_with_clause(content_copy, front_matter(meta_text))


@pytest.mark.parametrize("meta_text", [
    "title: 2019-13-01", "note: 2020-02-30", "title: !!int abc", "title: !!float abc",
    "title: " + "[" * 10_000 + "]" * 10_000, "title: " + "{a: " * 5_000 + "}" * 5_000,
])
def test_unconstructible_yaml_is_a_content_error(content_copy, meta_text):
    load_with_clause(content_copy, front_matter(yaml.safe_dump(VALID_META) + meta_text))


def test_impossible_adoption_date_in_council_yaml_is_a_content_error(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(FIXTURE, root)
    council = root / "testshire" / "council.yaml"
    council.write_text(council.read_text(encoding="utf-8") + "\nadopted: 2019-13-01\n", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_model(root)
    assert any("testshire/council.yaml" in p.path for p in caught.value.problems)


# ---------------------------------------------------------------- the command line


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli_main(argv)
    return code, out.getvalue(), err.getvalue()


def assert_usage_error(argv: list[str], bounded: bool = True) -> str:
    code, out, err = run_cli(argv)
    assert code == 2, (argv[:4], code, err[:300])
    assert out == ""
    assert err.startswith("error: ") and err.endswith("\n") and err.count("\n") == 1, repr(err[:300])
    assert "Traceback" not in err
    if bounded:
        assert len(err) <= MAX_MESSAGE + 10, f"{len(err)} characters on stderr"
    return err


SCENARIO, QUESTION = "member-concern-about-officer", "inspect-document"


def _is_number_between(value: str, low: float, high: float, convert) -> bool:
    try:
        return low <= convert(value) <= high
    except (ValueError, OverflowError):
        return False


def _valid_assignment(entry, pair: str) -> bool:
    name, _, value = pair.partition("=")
    return name.strip() in entry.params and value.strip() in entry.params[name.strip()].values


# Each template puts one hostile value into one slot; `valid` says when the value is actually fine.
# Messages from logic/decisions.py clip the value they echo, so those slots must give short messages;
# argparse's own messages (invalid choice/int/float) are clipped where the CLI prints them.
CLI_SLOTS = {
    "command": (lambda v: [v], lambda m, v: v in {"coverage", "compare", "differences", "shared", "validate",
                                                   "clauses", "route", "ask", "search", "bench"}),
    "route-scenario": (lambda v: ["route", v, "--council", "maldon"], lambda m, v: v in m.routing.catalogue),
    "route-council": (lambda v: ["route", SCENARIO, "--council", v], lambda m, v: v in m.corpus.councils),
    "route-set": (lambda v: ["route", SCENARIO, "--council", "maldon", "--set", v],
                  lambda m, v: _valid_assignment(m.routing.catalogue[SCENARIO], v)),
    "route-set-value": (lambda v: ["route", SCENARIO, "--council", "maldon", "--set", f"about={v}"],
                        lambda m, v: v.strip() in m.routing.catalogue[SCENARIO].params["about"].values),
    "ask-question": (lambda v: ["ask", v, "--council", "maldon"], lambda m, v: v in m.rules.catalogue),
    "ask-set-name": (lambda v: ["ask", QUESTION, "--council", "maldon", "--set", f"{v}=yes"],
                     lambda m, v: v.strip() in ("exempt", "draft", "other-group")),
    "compare-topic": (lambda v: ["compare", v], lambda m, v: v in m.corpus.topics),
    "shared-threshold": (lambda v: ["shared", "--threshold", v],
                         lambda m, v: _is_number_between(v, 0, 100, float) and float(v) != 0),
    "bench-scale": (lambda v: ["bench", "--scale", v], lambda m, v: _is_number_between(v, 2, 1000, int)),
    "search-limit": (lambda v: ["search", "officer", "--limit", v],
                     lambda m, v: bool(re.fullmatch(r"\d{1,6}", v.strip())) and 1 <= int(v) <= 100),
    "search-council": (lambda v: ["search", "officer", "--council", v], lambda m, v: v in m.corpus.councils),
    "search-topic": (lambda v: ["search", "officer", "--topic", v], lambda m, v: v in m.corpus.topics),
    # `clauses --council ""` lists every council, like leaving the option out.
    "clauses-council": (lambda v: ["clauses", "--council", v], lambda m, v: v in m.corpus.councils or v == ""),
}
ARGPARSE_ECHO_SLOTS = {"command", "shared-threshold", "bench-scale"}


@CLI
@given(slot=st.sampled_from(list(CLI_SLOTS)), value=hostile_text)
@example(slot="command", value="")
@example(slot="route-set", value="=")
@example(slot="compare-topic", value="x" * 100_000)
@example(slot="route-set-value", value="\x00")
def test_cli_refuses_hostile_arguments_with_one_line(model, slot, value):
    build, valid = CLI_SLOTS[slot]
    assume(not value.startswith("-"))  # an option-like value is argparse's business (see below)
    assume(not valid(model, value))
    assert_usage_error(build(value), bounded=slot not in ARGPARSE_ECHO_SLOTS)


@pytest.mark.parametrize("argv", [
    [], ["--json"], ["--nope"], ["route"], ["route", SCENARIO], ["route", SCENARIO, "--council"],
    ["route", SCENARIO, "--council", "maldon", "--set"], ["ask", QUESTION, "--council", "maldon", "--set", "="],
    ["search"], ["search", "x", "--limit", "0"], ["search", "x", "--limit", "-1"], ["search", "x", "--limit", "1e3"],
    ["shared", "--threshold", "nan"], ["shared", "--threshold", "-inf"], ["shared", "--threshold", "1e400"],
    ["bench", "--scale", "10**9"], ["coverage", "--output", "table.exe"],
    ["coverage", "--output", "/nonexistent/t.csv"],
    ["route", SCENARIO, "--council", "maldon", "--set", "about=x", "--set", "colour=blue"],
    ["---"], ["-"], ["--content"], ["validate", "extra-arg"],
], ids=lambda a: " ".join(a)[:40] or "empty")
def test_cli_curated_bad_arguments(argv):
    assert_usage_error(argv)


@CLI_FEW
@given(query=hostile_text)
def test_cli_search_echoes_any_query_as_json(query):
    assume(not query.startswith("-"))
    code, out, err = run_cli(["search", query, "--limit", "3", "--json"])
    assert code == 0 and err == ""
    payload = json.loads(out)
    assert payload["query"] == query and len(payload["hits"]) <= 3


def test_cli_missing_content_folder_is_reported_not_raised(tmp_path):
    code, out, err = run_cli(["validate", "--content", str(tmp_path / "nowhere")])
    assert code == 2 and "is not a folder" in err and "Traceback" not in err


@pytest.mark.parametrize("argv", [
    ["search", "x", "--limit", "1\n2"],
    ["search", "x", "--council", "a\nb"],
    ["search", "x", "--topic", "a\nb"],
    ["clauses", "--council", "a\nb"],
    ["search", "x", "--council", "x" * 100_000],
    ["clauses", "--council", "\x1b[2J\x1b[31mred"],
    ["route", SCENARIO, "--council", "maldon", "--set", "about=\x1b[2J\x1b[31mred"],
    ["coverage", "--output", "table.c\nsv"],
    ["coverage", "--output", "\x00.csv"],
    ["x" * 100_000],
], ids=["limit-newline", "search-council-newline", "search-topic-newline", "clauses-council-newline",
        "search-council-100k", "clauses-council-ansi", "route-value-ansi", "output-suffix-newline", "output-nul",
        "command-100k"])
def test_cli_clips_hostile_values(argv):
    err = assert_usage_error(argv)
    assert printable_message(err.rstrip("\n")), repr(err[:200])


# ---------------------------------------------------------------- flowcharts (DOT)


def dot_is_well_quoted(source: str) -> bool:
    """Every label is a double-quoted DOT string (never an HTML-like <...> label), and every
    quoted string is closed (no trailing backslash escaping its closing quote)."""
    if re.search(r"label=<", source) or "\x00" in source:
        return False
    inside = escaped = False
    length = 0
    for ch in source:
        if inside:
            length += 1
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                inside = False
            if length > DOT_MAX_STRING:
                return False
        elif ch == '"':
            inside, length = True, 0
    return not inside


def dot_accepts(sources: list[str]) -> tuple[bool, str]:
    """Graphviz parses every graph (several graphs in one input are fine); True when no binary."""
    if DOT is None:
        return True, ""
    result = subprocess.run([DOT, "-Tcanon"], input="\n".join(sources).encode("utf-8"), capture_output=True,
                            timeout=120)
    return result.returncode == 0 and not result.stderr.strip(), result.stderr.decode(errors="replace")[:300]


def all_real_routes(model):
    for slug, entry in model.routing.catalogue.items():
        names = list(entry.params)
        for values in itertools.product(*[list(entry.params[n].values) for n in names]):
            for council in model.corpus.councils:
                yield route(model.corpus, model.routing, slug, council, dict(zip(names, values)))


def test_every_real_flowchart_is_valid_dot(model):
    sources = []
    for answer in all_real_routes(model):
        sources.append(route_dot(model, answer))
        sources.append(scenario_tree_dot(model, answer.council, answer.scenario, answer))
    assert sources and all(dot_is_well_quoted(s) for s in sources)
    ok, message = dot_accepts(sources)
    assert ok, message


def hostile_model(model, council: str, scenario: str, texts: dict[str, str]):
    """A copy of the model whose content-derived text for one council and scenario is hostile."""
    corpus, routing = model.corpus, model.routing
    entry = routing.catalogue[scenario]
    params = {name: dataclasses.replace(p, prompt=texts["prompt"],
                                        values={k: dataclasses.replace(v, label=texts["value_label"])
                                                for k, v in p.values.items()})
              for name, p in entry.params.items()}
    entry = dataclasses.replace(entry, label=texts["label"], question=texts["question"], params=params)
    old = corpus.councils[council]
    councils = {**corpus.councils, council: dataclasses.replace(
        old, short_name=texts["short_name"], titles={role: texts["title"] for role in corpus.roles})}
    cases = [dataclasses.replace(case, note=texts["note"], steps=tuple(
        dataclasses.replace(step, action=texts["action"], condition=texts["condition"]) for step in case.steps))
        for case in routing.answers[council][scenario]]
    answers = {**routing.answers, council: {**routing.answers[council], scenario: cases}}
    routing = dataclasses.replace(routing, catalogue={**routing.catalogue, scenario: entry}, answers=answers)
    return dataclasses.replace(model, corpus=dataclasses.replace(corpus, councils=councils), routing=routing)


TEXT_FIELDS = ["prompt", "value_label", "label", "question", "short_name", "title", "note", "action", "condition"]


def flowcharts_for(model, council: str, scenario: str, text: str) -> list[str]:
    hostile = hostile_model(model, council, scenario, dict.fromkeys(TEXT_FIELDS, text))
    answer = route(hostile.corpus, hostile.routing, scenario, council, {})
    uncovered = dataclasses.replace(answer, covered=False, steps=(), note=text)
    return [route_dot(hostile, answer), route_dot(hostile, uncovered),
            scenario_tree_dot(hostile, council, scenario, answer), scenario_tree_dot(hostile, council, scenario)]


DOT_CASES = ["maldon", "county", "thurrock"]


@FEW
@given(text=hostile_text, council=st.sampled_from(DOT_CASES), data=st.data())
def test_flowchart_quotes_any_content_text(model, text, council, data):
    scenarios = [s for s in model.routing.catalogue if model.routing.answers[council].get(s)]
    scenario = data.draw(st.sampled_from(scenarios))
    sources = flowcharts_for(model, council, scenario, text)
    assert all(dot_is_well_quoted(s) for s in sources)
    ok, message = dot_accepts(sources)
    assert ok, message


@pytest.mark.parametrize("name", ["dot_tricks", "html_inline", "entities", "markdown", "rtl_override", "c0_controls",
                                  "combining", "injection", "emoji", "line_breaks", "blank"])
def test_flowchart_survives_nasty_text(model, name):
    sources = flowcharts_for(model, "maldon", SCENARIO, NASTY[name].replace("\x00", ""))
    assert all(dot_is_well_quoted(s) for s in sources)
    ok, message = dot_accepts(sources)
    assert ok, message


def test_flowchart_with_an_empty_value_label(model):
    sources = flowcharts_for(model, "maldon", SCENARIO, "")
    assert all(dot_is_well_quoted(s) for s in sources)


@pytest.mark.filterwarnings("ignore:expect syntax error scanning invalid quoted string")
@pytest.mark.parametrize("text", ["<b>bold</b>", "<>", "ends with a backslash\\", "nul\x00byte", "x" * 20_000],
                         ids=["html-label", "empty-html-label", "trailing-backslash", "nul", "over-16k"])
def test_flowchart_escapes_dot_syntax(model, text):
    sources = flowcharts_for(model, "maldon", SCENARIO, text)
    assert all(dot_is_well_quoted(s) for s in sources)
    ok, message = dot_accepts(sources)
    assert ok, message
