"""Hostile URLs and content never crash a page, and no user text is ever rendered as HTML.

* Every page is opened (AppTest) with fuzzed query parameters: unknown keys, huge values, markup,
  unicode, control characters, repeated keys, empty strings, and each page's own keys with bad
  values. No exception escapes, the page's h1 still renders, a refusal is a short readable
  ``st.warning`` with the value escaped, and the council in the URL is repaired.
* A static check (``ast``) proves no page or ui module passes ``unsafe_allow_html=True`` and every
  ``st.html`` call renders a module-level string constant.
* Malformed content shows a readable error page naming the file, not a traceback.
"""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
CONTENT_ENV = "PROTOCOL_EXPLORER_CONTENT"
ERROR_TITLE = "The protocol content has errors"
COUNCILS = ("allerdale", "county", "maldon", "parish", "thurrock")

from test_pages import PAGES  # noqa: E402  (one list of pages and their headings)

# The query parameters each page reads (the sidebar reads council, app.py reads mode on every page).
PAGE_KEYS = {
    "pages/home.py": [],
    "pages/handbook.py": ["clause", "section", "topics", "term"],
    "pages/search.py": ["q", "in", "topic", "order", "as"],
    "pages/compare.py": ["view", "topic", "councils", "layout"],
    "pages/escalation.py": ["scenario", "about", "stage", "party", "officer-role", "view", "start", "tree", "chart"],
    "pages/explorer.py": ["question", "post", "related", "basis", "exempt", "draft", "other-group", "purpose",
                          "creates-obligations", "view"],
    "pages/scenarios.py": ["scenario", "mode", "step", "answers", "tally"],
    "pages/glossary.py": ["q", "every", "all"],
    "pages/review.py": ["old", "new", "kind", "section"],
    "pages/import.py": [],  # no state of its own in the URL: an upload cannot be put in an address
}
COMMON_KEYS = ["council", "mode"]
# Keys whose bad value the page reports with the other keys left at their defaults. (Parameters of a
# scenario or question other than the default one are ignored, and the escalation and explorer
# pages fall back silently from an unknown `view`.)
WARNING_KEYS = {"clause", "section", "topics", "term", "every", "all", "in", "topic", "view", "scenario", "about",
                "stage", "start", "question", "post", "related", "mode", "old", "new", "kind"}
WARNING_KEYS |= {"councils", "layout", "chart"}  # the decision pages' own keys
WARNING_KEYS |= {"order", "as"}  # the search page's own keys
WARNING_KEYS |= {"step", "answers", "tally"}  # the scenarios page's own keys
SILENT = {"pages/compare.py": {"topic"}, "pages/escalation.py": {"view"}, "pages/explorer.py": {"view"}}

MARKUP = "<script>alert(1)</script><img src=x onerror=alert(1)>"
BAD_VALUES = {
    "markup": MARKUP,
    "markdown": "**bold** [x](javascript:alert(1)) ![i](x) :red[x] $x^2$ # h",
    "huge": "x" * 20_000,
    "controls": "\x00\x1b[2J\r\n\t\x7f",
    "rtl-combining": "\u202eevil\u202c e\u0301\u0301 مرحبا",
    "emoji": "\U0001F600\u200d\U0001F4A5",
    "replacement": "\ufffd\ufffd",  # what invalid UTF-8 in a URL becomes
    "percent": "%00%ZZ%",
    "sql": "3.2'; DROP TABLE clauses; --",
    "path": "../../../etc/passwd",
    "near-miss": "Maldon ",
}


def case(name: str, query: dict, warns: bool = True):
    return pytest.param(query, warns, id=name)


def curated_cases(page: str) -> list:
    """Generic hostile queries for every page plus bad values for the page's own keys."""
    cases = [
        case("unknown-keys", {"zzz": "1", "__proto__": "x", "constructor": MARKUP, "": "empty-key"}, warns=False),
        case("streamlit-reserved-keys", {"embed": "true", "embed_options": "show_toolbar"}, warns=False),
        case("empty-values", dict.fromkeys(COMMON_KEYS + PAGE_KEYS[page], ""), warns=False),
        case("repeated-keys", {k: ["maldon", "county", MARKUP] for k in COMMON_KEYS + PAGE_KEYS[page]}),
        case("huge-unknown-key", {"k" * 5_000: "v" * 5_000}, warns=False),
        case("presentation-mode-on-any-page", {"mode": "present"}, warns=False),
    ]
    for name, value in BAD_VALUES.items():
        cases.append(case(f"council-{name}", {"council": value}))
    for key in PAGE_KEYS[page]:
        for name in ("markup", "huge", "controls", "rtl-combining"):
            warns = key in WARNING_KEYS and key not in SILENT.get(page, set())  # q is free text, never refused
            cases.append(case(f"{key}-{name}", {"council": "maldon", key: BAD_VALUES[name]}, warns=warns))
    return cases


PAGE_CASES = {
    "pages/handbook.py": [
        case("clause-unknown", {"council": "maldon", "clause": "99.9"}),
        # A lettered sub-item resolves to its numbered clause (design notes), whichever letter it is.
        case("clause-any-subitem", {"council": "maldon", "clause": "3.2(zz)"}, warns=False),
        case("clause-bad-subitem", {"council": "maldon", "clause": "3.2(zzzz)"}),
        case("clause-other-council", {"council": "maldon", "clause": "county:3.4.1"}),
        case("clause-regex", {"council": "maldon", "clause": r"3\.2|.*"}),
        case("section-of-another-council", {"council": "parish", "section": "13"}),
        case("clause-with-a-section-that-leaves-it-out", {"council": "maldon", "clause": "3.2", "section": "13"},
             warns=False),
        case("topics-mixed", {"council": "maldon", "topics": "planning,,<b>,planning"}),
        case("term-unused-here", {"council": "parish", "term": "monitoring-officer"}),
    ],
    "pages/glossary.py": [
        case("q-thousands-of-words", {"q": "officer " * 3_000}),
        case("q-script-tag", {"q": MARKUP}, warns=False),
        case("every-without-a-council", {"every": "yes"}, warns=False),
    ],
    "pages/search.py": [
        case("q-huge", {"q": "planning " * 5_000}, warns=False),
        case("q-regex", {"q": "(a+)+$ [[:alpha:]] .*"}),  # no clause matches: a warning says so
        case("filters-unknown", {"q": "officer", "in": "atlantis", "topic": "underwater-basket-weaving"}),
    ],
    "pages/compare.py": [
        case("view-unknown", {"view": "heatmap<b>"}),
        case("topic-unknown", {"view": "topic", "topic": "nope"}),
        case("topic-empty", {"view": "topic", "topic": ""}, warns=False),
        case("view-differences", {"view": "differences"}, warns=False),
        case("councils-unknown", {"councils": "atlantis,county"}),
        case("councils-all-unknown", {"councils": "atlantis,lyonesse"}),
        case("councils-empty-items", {"councils": ",,,"}, warns=False),
        case("layout-unknown", {"view": "differences", "layout": "sideways"}),
    ],
    "pages/escalation.py": [
        case("scenario-unknown", {"scenario": "alien-invasion"}),
        case("param-unknown-value", {"scenario": "member-concern-about-officer", "about": "the-pope"}),
        case("param-for-another-scenario", {"scenario": "officer-concern-about-member", "about": "clerk"},
             warns=False),
        case("start-impossible", {"scenario": "member-concern-about-officer", "start": "2020-02-30"}),
        case("start-year-1", {"scenario": "member-concern-about-officer", "start": "0001-01-01"}),
        case("start-far-future", {"scenario": "member-concern-about-officer", "start": "9999-12-31"}),
        case("start-with-time", {"scenario": "member-concern-about-officer", "start": "2024-01-01T09:00"}),
        case("all-five-with-dates", {"council": "maldon", "scenario": "member-concern-about-officer",
                                     "stage": "formal", "view": "all", "start": "2024-12-20"}, warns=False),
        case("view-unknown", {"view": "three"}, warns=False),  # falls back silently to "one"
        case("chart-unknown", {"view": "all", "chart": "atlantis"}),
        case("tree-not-yes", {"tree": "maybe"}, warns=False),  # only "yes" draws the tree
    ],
    "pages/explorer.py": [
        case("question-unknown", {"question": "may-i-fly"}),
        case("param-unknown-value", {"question": "inspect-document", "basis": "nosiness", "exempt": "maybe"}),
        case("yaml-boolean-words", {"question": "inspect-document", "exempt": "true", "draft": "on"}),
        case("all-five", {"question": "use-council-resources", "purpose": "party-political", "view": "all"},
             warns=False),
    ],
    "pages/review.py": [
        case("old-and-new-the-same", {"old": "maldon", "new": "maldon"}),
        case("new-imported-in-another-session", {"old": "county", "new": "county-draft"}),
        case("kind-none-and-unknown", {"old": "county", "new": "maldon", "kind": "none,<b>x</b>"}),
        case("every-kind-every-section", {"old": "county", "new": "thurrock", "section": "decisions",
                                          "kind": "same,renumbered,changed,moved,added,removed,split,merged"},
             warns=False),
    ],
    "pages/scenarios.py": [
        case("scenario-unknown", {"scenario": "nope"}),
        case("mode-unknown", {"mode": "karaoke"}),
        case("mode-quiz", {"mode": "quiz"}, warns=False),
        case("step-beyond-the-deck", {"scenario": "officer-feels-bullied", "step": "999"}),
        case("step-in-slide-mode", {"scenario": "officer-feels-bullied", "mode": "present", "step": "3"}, warns=False),
        case("answers-for-another-quiz", {"scenario": "officer-feels-bullied", "answers": "abcd-abcd"}),
        case("answers-fit", {"council": "maldon", "scenario": "officer-feels-bullied", "answers": "a"}, warns=False),
        case("tally-impossible", {"tally": "9-2"}),
        case("tally-and-answers-in-slides", {"council": "thurrock", "scenario": "officer-feels-bullied",
                                             "mode": "present", "step": "7", "answers": "ab", "tally": "4-9"},
             warns=False),
    ],
}


# ---------------------------------------------------------------- running a page


def new_app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)


def open_with(page: str, query: dict) -> AppTest:
    app = new_app()
    app.run()
    app.query_params.update(query)
    app.switch_page(page).run()
    return app


def rendered_texts(app: AppTest) -> list[str]:
    """The source text of every element that renders Markdown."""
    kinds = ("markdown", "caption", "warning", "info", "error", "success", "title", "header", "subheader")
    return [str(element.value) for kind in kinds for element in getattr(app, kind)]


LIVE_TAG = re.compile(r"(?<!\\)<\s*(script|img|iframe|style)", re.IGNORECASE)  # an unescaped tag


def check_page(app: AppTest, page: str, query: dict, warns: bool) -> None:
    assert not app.exception, [e.value for e in app.exception][:1]
    assert PAGES[page] in [t.value for t in app.title], [t.value for t in app.title]
    warnings = [w.value for w in app.warning]
    for text in warnings:
        assert text.strip() and "\n" not in text and len(text) <= 400, text[:500]
        assert text.isprintable(), repr(text[:200])
    if warns:
        assert warnings, f"no warning for a bad URL: {query!r}"[:300]
    for text in rendered_texts(app):
        # User text reaches Markdown only escaped: a tag is shown as \<script\>, never live.
        assert not LIVE_TAG.search(text), text[:300]
    council = app.query_params.get("council")
    if council not in COUNCILS:  # no council chosen yet (none, or a bad one, in the URL): the page asks which
        assert not council, "a bad council is taken out of the URL"
        assert page == "pages/import.py" or any(m.value.startswith("**Which council are you?**") for m in app.markdown)


@pytest.mark.parametrize("page,query,warns", [
    pytest.param(page, *p.values, id=f"{Path(page).stem}-{p.id}")
    for page in PAGES for p in curated_cases(page) + PAGE_CASES.get(page, [])
])
def test_page_survives_hostile_url(page, query, warns):
    check_page(open_with(page, query), page, query, warns)


# Anything a URL can carry: every code point except lone surrogates (a URL is decoded as UTF-8).
url_text = st.one_of(
    st.sampled_from(list(BAD_VALUES.values())),
    st.text(st.characters(codec="utf-8"), max_size=60),
    st.text(st.characters(codec="utf-8", categories=["Cc", "Cf", "Zl", "Zp", "Mn", "P", "S"]), max_size=30),
)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
@pytest.mark.parametrize("page", list(PAGES))
def test_page_survives_fuzzed_url(page, data):
    keys = st.sampled_from(COMMON_KEYS + PAGE_KEYS[page] + ["zzz"])
    query = data.draw(st.dictionaries(keys, st.one_of(url_text, st.lists(url_text, min_size=2, max_size=3)),
                                      max_size=5), label="query")
    check_page(open_with(page, query), page, query, warns=False)


# ---------------------------------------------------------------- no user text as HTML

UI_FILES = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "ui").glob("*.py"))]


def html_sinks(source: str, filename: str = "<source>") -> list[str]:
    """Every place the source could render raw HTML from something other than a fixed constant.

    Flags ``unsafe_allow_html=`` anything but a literal False (including via ``**{...}``), any
    ``st.html`` whose argument is not a module-level string constant, and any import of
    ``streamlit.components`` (whose ``html``/``iframe`` render raw HTML).
    """
    tree = ast.parse(source, filename)
    constants = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    constants[target.id] = node.value.value
    module_level = {t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}
    streamlit_names, html_names, problems = set(), set(), []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "streamlit":
                    streamlit_names.add(alias.asname or alias.name)
                if alias.name.startswith("streamlit.components"):
                    problems.append(f"{filename}:{node.lineno}: imports {alias.name}")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("streamlit"):
            module = node.module or ""
            if module.startswith("streamlit.components") or any(a.name == "components" for a in node.names):
                problems.append(f"{filename}:{node.lineno}: imports streamlit components")
            html_names.update(a.asname or a.name for a in node.names if a.name == "html")
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        for keyword in node.keywords:
            if keyword.arg == "unsafe_allow_html":
                if not (isinstance(keyword.value, ast.Constant) and keyword.value.value is False):
                    problems.append(f"{filename}:{node.lineno}: unsafe_allow_html={ast.unparse(keyword.value)}")
            elif keyword.arg is None:
                splat = keyword.value
                literal_unsafe = isinstance(splat, ast.Dict) and any(
                    isinstance(k, ast.Constant) and k.value == "unsafe_allow_html" for k in splat.keys)
                opaque = not isinstance(splat, ast.Dict) and _is_streamlit_call(node, streamlit_names)
                if literal_unsafe or opaque:
                    problems.append(f"{filename}:{node.lineno}: keyword arguments splatted into "
                                    f"{ast.unparse(node.func)} (could carry unsafe_allow_html)")
        func = node.func
        is_html = (isinstance(func, ast.Attribute) and func.attr == "html" and isinstance(func.value, ast.Name)
                   and func.value.id in streamlit_names) or (isinstance(func, ast.Name) and func.id in html_names)
        if is_html:
            args = node.args + [k.value for k in node.keywords if k.arg == "body"]
            ok = len(args) == 1 and (
                (isinstance(args[0], ast.Constant) and isinstance(args[0].value, str))
                or (isinstance(args[0], ast.Name) and args[0].id in constants and args[0].id in module_level
                    and list(_assignments(tree, args[0].id)) == [1]))
            if not ok:
                problems.append(f"{filename}:{node.lineno}: st.html({', '.join(map(ast.unparse, args))}) "
                                "is not a module-level string constant")
    return problems


def _assignments(tree: ast.AST, name: str):
    """One item per assignment to ``name`` anywhere in the module (a constant must be assigned once)."""
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else [])
        for target in targets:
            if isinstance(target, ast.Name) and target.id == name:
                yield 1


def _is_streamlit_call(node: ast.Call, streamlit_names: set[str]) -> bool:
    func = node.func
    while isinstance(func, ast.Attribute):
        func = func.value
    return isinstance(func, ast.Name) and func.id in streamlit_names


def test_ui_files_were_found():
    names = {p.name for p in UI_FILES}
    assert {"app.py", "home.py", "presentation.py", "chrome.py"} <= names


@pytest.mark.parametrize("path", UI_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_user_text_can_be_rendered_as_html(path):
    assert html_sinks(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT))) == []


def stylesheet_calls(source: str) -> list[str]:
    """The module-level constant each ``st.html`` call renders (html_sinks has proved they are constants)."""
    tree = ast.parse(source)
    constants = {t.id: n.value.value for n in tree.body if isinstance(n, ast.Assign)
                 and isinstance(n.value, ast.Constant) for t in n.targets if isinstance(t, ast.Name)}
    return [constants[node.args[0].id] for node in ast.walk(tree) if isinstance(node, ast.Call)
            and ast.unparse(node.func) == "st.html" and node.args and isinstance(node.args[0], ast.Name)]


def test_every_html_is_a_constant_stylesheet_and_only_where_expected():
    calls = {str(p.relative_to(ROOT)): stylesheet_calls(p.read_text(encoding="utf-8")) for p in UI_FILES}
    calls = {path: bodies for path, bodies in calls.items() if bodies}
    # Projector styles, the chrome's, print, clause anchors, and the Home page's card grid.
    assert set(calls) <= {"ui/presentation.py", "ui/chrome.py", "ui/print_styles.py", "ui/clauses.py",
                          "pages/home.py", "pages/handbook.py"}, set(calls)
    for path, bodies in calls.items():
        for body in bodies:
            if path == "pages/handbook.py":  # Previous/Next scroll to the new section: our script, no visitor text
                assert body.startswith("<script>") and body.endswith("</script>") and "scrollTo(0, 0)" in body
                continue
            assert body.startswith("<style>") and body.endswith("</style>") and body.count("<") == 2, path


@pytest.mark.parametrize("source", [
    "import streamlit as st\nst.markdown(text, unsafe_allow_html=True)",
    "import streamlit as st\nst.write(text, unsafe_allow_html=flag)",
    "import streamlit as st\nst.markdown(text, **{'unsafe_allow_html': True})",
    "import streamlit as st\nopts = {}\nst.markdown(text, **opts)",
    "import streamlit as st\nst.html(user_text)",
    "import streamlit as st\nst.html(f'<b>{name}</b>')",
    "import streamlit as st\nCSS = '<style></style>'\nCSS = CSS + user\nst.html(CSS)",
    "import streamlit as st\ndef f(x):\n    CSS = x\n    st.html(CSS)",
    "import streamlit as stl\nstl.html(text)",
    "from streamlit import html\nhtml(text)",
    "import streamlit.components.v1 as components\ncomponents.html('<b>x</b>')",
    "from streamlit import components\ncomponents.v1.html('x')",
], ids=range(12))
def test_the_html_checker_catches_violations(source):
    assert html_sinks(source), source


def test_the_html_checker_accepts_safe_code():
    source = ("import streamlit as st\nCSS = '<style>p{}</style>'\n\ndef use():\n    st.html(CSS)\n"
              "st.markdown(text)\nst.markdown(text, unsafe_allow_html=False)\nst.html('<hr>')\n")
    assert html_sinks(source) == []


# ---------------------------------------------------------------- malformed content

BROKEN = {c["name"]: c for c in yaml.safe_load((FIXTURES / "broken_cases.yaml").read_text(encoding="utf-8"))}


def broken_copy(tmp_path: Path, file: str, old: str | None = None, new: str = "", write: str | None = None) -> Path:
    root = tmp_path / "content"
    shutil.copytree(FIXTURES / "valid", root)
    target = root / file
    if write is not None:
        target.write_text(write, encoding="utf-8")
    else:
        text = target.read_text(encoding="utf-8")
        assert old in text, f"fixture edit no longer applies to {file}"
        target.write_text(text.replace(old, new), encoding="utf-8")
    return root


def from_case(tmp_path: Path, name: str) -> tuple[Path, str]:
    spec = BROKEN[name]
    assert "replace" in spec, name
    return broken_copy(tmp_path, spec["file"], *spec["replace"]), spec.get("expect_file", spec["file"])


def check_error_page(app: AppTest, expected_file: str) -> None:
    assert not app.exception, [e.value for e in app.exception][:1]
    assert [t.value for t in app.title] == [ERROR_TITLE]
    assert any("content problem" in e.value for e in app.error)
    (table,) = app.dataframe
    frame = table.value
    assert {"file", "line", "problem", "how to fix"} <= set(frame.columns)
    assert any(expected_file in str(f) for f in frame["file"]), list(frame["file"])
    assert all(str(p).strip() for p in frame["problem"])
    assert not any(t.value == "Protocol Explorer" for t in app.title)


@pytest.mark.parametrize("name", ["unknown topic", "malformed clause number", "unknown role in a route step",
                                  "unknown key in clause front matter"])
def test_malformed_content_shows_a_readable_error_page(tmp_path, monkeypatch, name):
    root, expected = from_case(tmp_path, name)
    monkeypatch.setenv(CONTENT_ENV, str(root))
    app = new_app()
    app.run()
    check_error_page(app, expected)


def test_unreadable_yaml_error_page_names_file_and_line(tmp_path, monkeypatch):
    root = broken_copy(tmp_path, "testshire/council.yaml", "name:", "name: [unclosed\nname:")
    monkeypatch.setenv(CONTENT_ENV, str(root))
    app = new_app()
    app.run()
    check_error_page(app, "testshire/council.yaml")
    assert any(str(line).strip() for line in app.dataframe[0].value["line"])


def test_error_page_shows_markup_in_content_as_data(tmp_path, monkeypatch):
    root = broken_copy(tmp_path, "testshire/clauses/002-2.1.md", "[complaints-about-officers]",
                       '["<script>alert(1)</script>"]')
    monkeypatch.setenv(CONTENT_ENV, str(root))
    app = new_app()
    app.run()
    check_error_page(app, "testshire/clauses/002-2.1.md")
    for text in rendered_texts(app):
        assert not LIVE_TAG.search(text), text[:300]


def test_every_page_url_shows_the_error_page(tmp_path, monkeypatch):
    root, expected = from_case(tmp_path, "unknown topic")
    monkeypatch.setenv(CONTENT_ENV, str(root))
    for page in ("pages/handbook.py", "pages/escalation.py"):
        app = new_app()
        app.run()
        app.query_params.update({"council": "maldon", "clause": "3.2"})
        app.switch_page(page).run()
        check_error_page(app, expected)


def test_missing_content_folder_shows_the_error_page(tmp_path, monkeypatch):
    monkeypatch.setenv(CONTENT_ENV, str(tmp_path / "nowhere"))
    app = new_app()
    app.run()
    check_error_page(app, "nowhere")


def test_impossible_date_in_content_shows_the_error_page(tmp_path, monkeypatch):
    root = broken_copy(tmp_path, "testshire/council.yaml", "name:", "adopted: 2019-13-01\nname:")
    monkeypatch.setenv(CONTENT_ENV, str(root))
    app = new_app()
    app.run()
    check_error_page(app, "testshire/council.yaml")
