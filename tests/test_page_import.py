"""AppTest of "Add your council": the short name suggested and checked, pasted text and uploaded files read into
a preview (clauses, anomalies, topics with confidence, titles), topic edits, adding the council to this visitor's
session (then in their Handbook, Search, Compare and decision pages, and in no other visitor's), removing it,
every kind of bad input refused with its message and nothing added, the content-folder zip, and the save to the
shared content folder offered only where the deployment opts in."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfWriter

from logic.content import load_corpus
from logic.importer import content_folder_zip, import_text, to_council
from logic.model import load_model
from tests import doc_fixtures as fx
from ui.importing import (
    ALLOW_SAVE_ENV,
    MAX_IMPORTS,
    RESULTS_KEY,
    identity_problem,
    page_limits,
    suggest_slug,
)

PAGE = "pages/import.py"
ROOT = Path(__file__).resolve().parent.parent
SLUG, NAME, SHORT = "wyvern-district", "Wyvern District Council", "Wyvern"
# A small protocol with one word no curated council uses (for Search), a gap in its numbering (an anomaly)
# and a council-specific title for the Monitoring Officer.
PROTOCOL = """Wyvern District Council Protocol on Member and Officer Relations

1. Introduction
1.1 This protocol guides councillors and officers of Wyvern in their dealings with each other.
1.2 It applies to every member, including co-opted members, and to every officer.

2. Complaints
2.1 A councillor with a complaint about an officer should raise it with the officer's line manager.
2.3 Serious complaints go to the Head of Legal and Democratic Services (the Monitoring Officer), who may refer
them to the Standards Committee.

3. Gifts
3.1 Officers must not accept gifts or hospitality from councillors beyond the register's limits.
"""
NUMBERS = ["1.1", "1.2", "2.1", "2.3", "3.1"]


def open_import(app, *, imported=None, **query):
    if imported:
        app.session_state["imported_councils"] = imported
    app.run()
    app.query_params.update(query)
    app.switch_page(PAGE).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def name_council(app, name=NAME, slug=None):
    app.text_input(key="imp_name").set_value(name).run()
    if slug is not None:
        app.text_input(key="imp_slug").set_value(slug).run()
    return app


def paste_and_read(app, text=PROTOCOL, name=NAME, slug=None):
    name_council(app, name, slug)
    app.segmented_control(key="imp_source").set_value("paste").run()
    app.text_area(key="imp_text").set_value(text).run()
    app.button(key="imp_read").click().run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def upload_and_read(app, filename: str, data: bytes, name=NAME):
    name_council(app, name)
    app.file_uploader[0].set_value((filename, data, "application/octet-stream")).run()
    app.button(key="imp_read").click().run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def add(app):
    app.button(key="imp_add").click().run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def imported(app) -> dict:
    return app.session_state["imported_councils"] if "imported_councils" in app.session_state else {}  # noqa: SIM401


def texts(app) -> list[str]:
    return [str(e.value) for kind in ("markdown", "caption", "info", "warning", "success", "error", "header",
                                      "subheader") for e in getattr(app, kind)]


def page_links(app) -> list[tuple[str, str, str]]:
    return [(link.proto.label, link.proto.page, link.proto.query_string) for link in app.get("page_link")]


def clause_table(app):
    assert len(app.data_editor) == 1, "the preview shows one editable clause table"
    return app.data_editor[0].value


# ---------------------------------------------------------------- the name and short name


@pytest.mark.parametrize("name,taken,expected", [
    ("Basildon Borough Council", (), "basildon-borough"),
    ("Thurrock Council", ("thurrock",), "thurrock-2"),
    ("The Council of the Isle of Wight", (), "isle-wight"),
    ("Ynys Môn County Council", (), "ynys-mon-county"),
    ("1st Parish Council", (), "council-1st-parish"),
    ("<script>alert(1)</script>", (), "script-alert-1-script"),
    ("   ", (), ""),
])
def test_short_name_is_suggested_from_the_name_and_never_one_already_taken(name, taken, expected):
    assert suggest_slug(name, taken) == expected


def test_a_long_name_gives_a_short_name_within_the_limit_even_with_a_number_added():
    long = "Wyvern " * 20
    first = suggest_slug(long, ())
    assert len(first) == 40 and suggest_slug(long, (first,)).endswith("-2") and len(suggest_slug(long, (first,))) <= 40


@pytest.mark.parametrize("name,slug,expected", [
    ("", "wyvern", "Give the council's name."),
    ("x" * 101, "wyvern", "at most 100 characters"),
    ("Wyvern\x07Council", "wyvern", "at most 100 characters"),
    (NAME, "", "Give the council a short name"),
    (NAME, "Wyvern", "cannot be a short name"),
    (NAME, "../etc", "cannot be a short name"),
    (NAME, "maldon", "is the short name of Maldon District Council, already in the handbook"),
    ("maldon district council", "maldon-2", "Maldon District Council is already in the handbook under that name"),
    (NAME, "mine", "You have already added a council with the short name “mine”"),
])
def test_name_and_short_name_problems_are_said_in_one_sentence(model, name, slug, expected):
    councils = {**model.corpus.councils, "mine": model.corpus.councils["parish"]}
    assert expected in identity_problem(name, slug, councils, {"mine"})


def test_a_built_in_short_name_is_allowed_only_to_replace_its_folder_when_saving_is_allowed(model):
    assert identity_problem("Maldon District Council", "maldon", model.corpus.councils, (), may_replace=True) == ""
    assert identity_problem(NAME, SLUG, model.corpus.councils, ()) == ""


def test_typing_the_name_suggests_the_short_name_until_the_visitor_types_their_own(app):
    open_import(app)
    name_council(app, "Basildon Borough Council")
    assert app.text_input(key="imp_slug").value == "basildon-borough"
    name_council(app, "Basildon Council")
    assert app.text_input(key="imp_slug").value == "basildon", "a suggestion follows the name"
    app.text_input(key="imp_slug").set_value("bbc").run()
    name_council(app, "Basildon Borough Council (draft)")
    assert app.text_input(key="imp_slug").value == "bbc", "the visitor's own short name is kept"


# ---------------------------------------------------------------- reading and the preview


def test_pasted_text_gives_a_preview_of_its_clauses_anomalies_topics_and_titles(app, corpus):
    open_import(app)
    assert "Add your council" in [t.value for t in app.title]
    paste_and_read(app)
    expected = import_text(PROTOCOL, slug=SLUG, name=NAME, corpus=corpus)
    table = clause_table(app)
    assert list(table["Clause"]) == NUMBERS == [c.number for c in expected.clauses]
    assert list(table["Text"]) == [c.text for c in expected.clauses]
    assert [tuple(t) for t in table["Topics"]] == [c.topics for c in expected.clauses]
    assert list(table["Confidence"]) == [round(c.confidence * 100) for c in expected.clauses]
    shown = texts(app)
    assert "Check what was read: Wyvern District Council" in shown
    assert any(t.startswith("5 clauses in 3 sections, read from plain text") for t in shown)
    gap = next(a for a in expected.anomalies if a.kind == "numbering-gap")
    assert any(gap.message.split()[0] in t and t.startswith("- ") for t in shown), "the numbering gap is listed"
    assert f"Things to check ({len(expected.anomalies)})" in shown
    assert expected.titles["member"] == "councillor"
    assert any(t.startswith("- Member \\(councillor\\): called “councillor”\n- Also named with the shared title: ")
               and "Monitoring Officer" in t for t in shown)
    assert imported(app) == {}, "reading adds nothing until the visitor says so"


def test_the_clause_table_offers_every_topic_of_the_vocabulary_and_only_topics_are_editable(app, corpus):
    paste_and_read(open_import(app))
    editor = app.data_editor[0].proto
    assert app.data_editor[0].editing_mode == "fixed"
    assert '"Topics"' in editor.columns and all(topic in editor.columns for topic in corpus.topics)


def test_a_word_file_is_read_with_its_automatic_numbering(app):
    upload_and_read(open_import(app), "protocol.docx", fx.numbered_docx())
    table = clause_table(app)
    assert list(table["Clause"])[:2] == ["1.1", "1.2"]
    assert list(table["Text"])[:2] == ["This protocol guides members and officers.", "It applies to all members."]
    assert any("read from a Word file (protocol\\.docx)" in t for t in texts(app))
    assert any("Tracked changes" in t or "tracked change" in t for t in texts(app)), "extraction notes are listed"


def test_a_paged_pdf_is_read_and_its_page_count_said(app):
    upload_and_read(open_import(app), "protocol.pdf", fx.paged_pdf(fx.seed_paragraphs()[:40]))
    assert len(clause_table(app)) > 10
    assert any("read from a PDF (protocol\\.pdf, " in t and " pages) in " in t for t in texts(app))


def test_changing_the_name_after_reading_starts_again_keeping_the_text(app):
    paste_and_read(open_import(app))
    assert app.text_input(key="imp_name").disabled and app.text_area(key="imp_text").disabled
    app.button(key="imp_again").click().run()
    assert not app.data_editor and not app.text_input(key="imp_name").disabled
    assert app.text_area(key="imp_text").value == PROTOCOL
    app.text_input(key="imp_name").set_value("Wyvern District Council (draft)").run()
    app.button(key="imp_read").click().run()
    assert "Check what was read: Wyvern District Council \\(draft\\)" in texts(app)


# ---------------------------------------------------------------- adding: this visitor only


def test_an_added_council_is_in_this_sessions_handbook_search_compare_and_decision_pages(app):
    add(paste_and_read(open_import(app)))
    council = imported(app)[SLUG]
    assert [c.number for c in council.clauses] == NUMBERS and council.name == NAME
    assert any(t.startswith("Wyvern District Council is added") for t in texts(app))
    assert "Your imported councils" in texts(app)
    assert not app.data_editor and app.text_input(key="imp_name").value == "", "ready for the next import"

    app.switch_page("pages/handbook.py").run()
    app.query_params["council"] = SLUG
    app.run()
    assert NAME in [s.value for s in app.subheader]
    assert any("\n\nThis protocol guides councillors and officers of Wyvern" in m.value for m in app.markdown)

    app.query_params.clear()
    app.query_params.update(q="Wyvern dealings", council=SLUG)
    app.switch_page("pages/search.py").run()
    assert any(label == f"Open {SLUG}:1.1 in the Handbook" for label, _, _ in page_links(app))

    app.query_params.clear()
    app.switch_page("pages/compare.py").run()
    assert not app.exception
    assert SHORT in list(app.dataframe[0].value.columns), "a column of the coverage matrix"

    app.query_params.clear()
    app.query_params.update(scenario="member-concern-about-officer", council=SLUG)
    app.switch_page("pages/escalation.py").run()
    assert any("Not answered yet" in t for t in texts(app))


def test_a_second_visitor_does_not_see_the_council_another_visitor_added(app):
    from streamlit.testing.v1 import AppTest

    add(paste_and_read(open_import(app)))
    other = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    other.query_params.update(council=SLUG)
    other.switch_page("pages/handbook.py").run()
    assert any("no council called" in w.value for w in other.warning)
    assert NAME not in [s.value for s in other.subheader]
    other.query_params.clear()
    other.query_params.update(q="Wyvern dealings")
    other.switch_page("pages/search.py").run()
    assert not any(SLUG in query for _, _, query in page_links(other))
    other.query_params.clear()
    other.switch_page("pages/compare.py").run()
    assert SHORT not in list(other.dataframe[0].value.columns)
    other.switch_page(PAGE).run()
    assert "Your imported councils" not in texts(other)


def test_the_checklist_links_every_unanswered_situation_and_question_for_the_council(app, model):
    add(paste_and_read(open_import(app)))
    expander = next(e for e in app.expander if e.label.startswith("Still to write"))
    links = [(label, page, query) for label, page, query in page_links(app) if f"council={SLUG}" in query]
    routes = [e for e in model.routing.catalogue.values()]
    questions = [e for e in model.rules.catalogue.values()]
    assert expander.label == f"Still to write: {len(routes) + len(questions)} answers say “Not answered yet”"
    assert [query for _, page, query in links if page.endswith("escalation")] == [
        f"scenario={e.slug}&council={SLUG}" for e in routes]
    assert [query for _, page, query in links if page.endswith("explorer")] == [
        f"question={e.slug}&council={SLUG}" for e in questions]


def test_topics_changed_in_the_table_are_the_added_councils_topics(app):
    paste_and_read(open_import(app))
    chosen = ["declarations-of-interest", "expectations-and-conduct"]
    app.session_state["imp_editor"] = {"edited_rows": {4: {"Topics": chosen}}, "added_rows": [], "deleted_rows": []}
    app.run()
    add(app)
    council = imported(app)[SLUG]
    assert council.clauses[4].topics == ("declarations-of-interest", "expectations-and-conduct")


def test_a_clause_left_without_a_topic_cannot_be_added(app):
    paste_and_read(open_import(app))
    app.session_state["imp_editor"] = {"edited_rows": {0: {"Topics": []}}, "added_rows": [], "deleted_rows": []}
    app.run()
    assert any(e.value.startswith("Clause 1\\.1 needs at least one topic") for e in app.error)
    assert not [b for b in app.button if b.key == "imp_add"], "no Add button while a clause has no topic"
    assert imported(app) == {}


def test_a_council_can_be_removed_and_stops_being_the_visitors_council(app):
    add(paste_and_read(open_import(app)))
    app.query_params["council"] = SLUG
    app.run()
    assert app.session_state["council"] == SLUG
    app.button(key=f"imp_remove_{SLUG}").click().run()
    assert not app.exception
    assert imported(app) == {} and "council" not in app.session_state and "council" not in app.query_params
    assert "Your imported councils" not in texts(app)
    assert any(t == "Wyvern District Council is removed from your session\\." for t in texts(app))
    app.switch_page("pages/compare.py").run()
    assert SHORT not in list(app.dataframe[0].value.columns)


def test_one_session_holds_at_most_a_few_imported_councils(app, corpus):
    held = {f"held-{i}": to_council(import_text(PROTOCOL, slug=f"held-{i}", name=f"Held {i}", corpus=corpus), corpus)
            for i in range(MAX_IMPORTS)}
    paste_and_read(open_import(app, imported=held))
    assert next(b for b in app.button if b.key == "imp_add").disabled
    assert any(f"You hold {MAX_IMPORTS} imported councils" in t for t in texts(app))


# ---------------------------------------------------------------- bad input: a clear message, nothing added


def _pdf_of_blank_pages(pages: int) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


BAD_FILES = {
    "empty": ("protocol.txt", lambda: b"", "The file is empty."),
    "blank": ("protocol.txt", lambda: b" \n\n\t ", "The file is empty."),
    "binary": ("protocol.txt", fx.png_bytes, "This file is not text"),
    "wrong encoding": ("protocol.txt", lambda: ("1.1 Члены совета. " * 20).encode("koi8_r"), "is not UTF-8 text"),
    "encrypted pdf": ("protocol.pdf", lambda: fx.encrypted_pdf(fx.paged_pdf(["1.1 Text of a clause."])),
                      "This PDF is protected by a password"),
    "encrypted docx": ("protocol.docx", fx.password_protected_docx, "This Word file is protected by a password"),
    "malformed docx": ("protocol.docx", lambda: fx.truncated(fx.numbered_docx()), "The Word file is damaged"),
    "renamed picture": ("protocol.pdf", fx.png_bytes, "This file is named .pdf but is not a PDF"),
    "zip bomb": ("protocol.docx", lambda: fx.zip_bomb_docx(120), "zip bomb"),
    "scan without text": ("scan.pdf", fx.image_only_pdf, "it needs OCR"),
    "too big": ("protocol.txt", lambda: b"1.1 Clause text.\n" * (6 * 1024 * 1024 // 17), "over the 5.0 MB limit"),
    "too many pages": ("protocol.pdf", lambda: _pdf_of_blank_pages(501), "The PDF has 501 pages; the limit is 500."),
    "no numbered paragraphs": ("protocol.txt", lambda: b"Members and officers work together.\nThey respect each other.",
                               "No numbered paragraphs were found"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_gets_its_message_and_nothing_is_added(app, case):
    filename, make, expected = BAD_FILES[case]
    upload_and_read(open_import(app), filename, make())
    errors = [e.value.replace("\\", "") for e in app.error]
    assert len(errors) == 1 and expected in errors[0] and errors[0].endswith("Nothing was added."), errors
    assert not app.data_editor and imported(app) == {}
    assert not app.text_input(key="imp_name").disabled, "the visitor can try again at once"


def test_the_page_limit_matches_the_upload_widgets_limit():
    assert page_limits().max_bytes == 5 * 1024 * 1024, "server.maxUploadSize in .streamlit/config.toml"


@pytest.mark.parametrize("text,expected", [
    ("", "There is no text to import."),
    ("   \n\n ", "There is no text to import."),
    ("Members and officers work together.", "No numbered paragraphs were found"),
])
def test_bad_pasted_text_gets_its_message_and_nothing_is_added(app, text, expected):
    paste_and_read(open_import(app), text)
    assert any(expected in e.value.replace("\\", "") for e in app.error)
    assert not app.data_editor and imported(app) == {}


def test_reading_without_a_file_asks_for_one_within_the_upload_limit(app):
    open_import(app)
    name_council(app)
    app.button(key="imp_read").click().run()
    assert [e.value.replace("\\", "") for e in app.error] == [
        "No file was uploaded: choose the protocol's file, of at most 5 MB (the upload box refuses a larger one). "
        "Nothing was added."]


@pytest.mark.parametrize("name,slug,expected", [
    (NAME, "maldon", "is the short name of Maldon District Council"),
    (NAME, "../../etc/passwd", "cannot be a short name"),
    ("", SLUG, "Give the council's name."),
])
def test_a_clashing_or_hostile_short_name_is_refused_before_reading(app, name, slug, expected):
    paste_and_read(open_import(app), name=name, slug=slug)
    assert any(expected in e.value.replace("\\", "") for e in app.error)
    assert not app.data_editor and imported(app) == {}


def test_a_short_name_already_added_this_session_is_refused(app):
    add(paste_and_read(open_import(app)))
    paste_and_read(app, name="Wyvern District Council (draft)", slug=SLUG)
    assert any("You have already added a council with the short name “wyvern-district”" in e.value.replace("\\", "")
               for e in app.error)
    assert list(imported(app)) == [SLUG]


def test_a_hostile_name_is_shown_as_text_and_kept_word_for_word(app):
    hostile = "<script>alert(1)</script> **Council** [x](javascript:alert(1))"
    add(paste_and_read(open_import(app), name=hostile, slug="hostile"))
    assert imported(app)["hostile"].name == hostile
    shown = texts(app)
    assert not any("<script>" in t or "**Council**" in t or "](javascript" in t for t in shown)
    assert "\\<script\\>alert\\(1\\)\\<\\/script\\> \\*\\*Council\\*\\* \\[x\\]\\(javascript\\:alert\\(1\\)\\)" in shown


# ---------------------------------------------------------------- the content folder and the opt-in save


def test_the_download_is_offered_and_its_zip_is_a_valid_content_folder(app, tmp_path):
    add(paste_and_read(open_import(app)))
    assert [b.proto.label for b in app.get("download_button")] == ["Download as a content folder (.zip)"]
    result = app.session_state[RESULTS_KEY][SLUG]
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    with zipfile.ZipFile(io.BytesIO(content_folder_zip(result, load_corpus()))) as archive:
        assert {Path(n).parts[0] for n in archive.namelist()} == {SLUG}
        archive.extractall(content)
    loaded = load_model(content)
    assert [c.number for c in loaded.corpus.councils[SLUG].clauses] == NUMBERS
    assert loaded.corpus.councils[SLUG].name == NAME


def test_saving_to_the_shared_content_folder_is_not_offered_by_default(app, monkeypatch):
    monkeypatch.delenv(ALLOW_SAVE_ENV, raising=False)
    add(paste_and_read(open_import(app)))
    paste_and_read(app, name="Wyvern draft", slug="wyvern-draft")
    assert not [b for b in app.button if "save" in (b.key or "")]
    assert not any("shared content folder" in t for t in texts(app))


def test_a_secret_can_opt_in_to_saving(app, monkeypatch):
    monkeypatch.delenv(ALLOW_SAVE_ENV, raising=False)
    app.secrets["protocol_explorer"] = {"allow_save": True}
    paste_and_read(open_import(app))
    assert [b.label for b in app.button if b.key == "imp_save"] == ["Save to the shared content folder"]


@pytest.fixture
def own_content(tmp_path, monkeypatch):
    """A deployment that allows saving, on a copy of the content folder."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    monkeypatch.setenv("PROTOCOL_EXPLORER_CONTENT", str(content))
    monkeypatch.setenv(ALLOW_SAVE_ENV, "1")
    yield content
    import streamlit as st

    st.cache_resource.clear()  # the saved council must not stay in the cached model of the real content
    st.cache_data.clear()


def test_where_allowed_a_save_writes_the_council_into_the_content_folder_for_everyone(app, own_content):
    paste_and_read(open_import(app))
    app.button(key="imp_save").click().run()
    assert not app.exception
    assert any(t.startswith("Wyvern District Council is saved to the content folder") for t in texts(app))
    assert [c.number for c in load_model(own_content).corpus.councils[SLUG].clauses] == NUMBERS
    assert imported(app) == {}, "a built-in council now, not a session one"
    app.switch_page("pages/compare.py").run()
    assert SHORT in list(app.dataframe[0].value.columns)


def test_saving_over_an_existing_council_needs_confirming_and_keeps_a_backup(app, own_content):
    paste_and_read(open_import(app))
    app.button(key="imp_save").click().run()
    revised = PROTOCOL.replace("3.1 Officers", "3.1 Officers and members")
    paste_and_read(app, revised, name=NAME, slug=SLUG)
    assert next(b for b in app.button if b.key == "imp_add").disabled, "a built-in short name is only for replacing"
    assert next(b for b in app.button if b.key == "imp_save").disabled, "refused until the replacement is confirmed"
    app.checkbox(key="imp_save_overwrite").check().run()
    app.button(key="imp_save").click().run()
    assert not app.exception
    assert any("a backup of the folder it replaced is in .backups" in t.replace("\\", "") for t in texts(app))
    saved = load_model(own_content).corpus.councils[SLUG]
    assert saved.clauses[-1].text.startswith("Officers and members must not accept")
    backups = list((own_content / ".backups").iterdir())
    assert len(backups) == 1 and backups[0].name.startswith(f"{SLUG}-")
    assert "Officers must not accept" in (backups[0] / "source.txt").read_text()
