"""Reading uploads into text (logic/extract.py): Word's automatic numbering, PDF pages, encodings, hostile files.

Every document is generated here (tests/doc_fixtures.py). The Word numbering expected below is what
LibreOffice 7.4 shows for the same file (``test_word_numbers_match_libreoffice`` compares with LibreOffice's
recorded rendering), except where LibreOffice departs from Word and the OOXML standard: see ``LIBREOFFICE_DIFFERS``.
"""

from __future__ import annotations

import codecs
import io
import re
from pathlib import Path

import docx
import pytest

from logic import extract as extract_module
from logic.extract import DEFAULT_LIMITS, Extracted, ImportProblem, Limits, extract
from tests import doc_fixtures as fx

# The numbered fixture as the reader gives it: every number below comes from numbering.xml.
NUMBERED_DOCX_TEXT = """\
Protocol for Member/Officer Relations
Contents
1.\tIntroduction\t1
2.\tRoles\t1
3.\tResolving disputes\t2
1.\tIntroduction
1.1\tThis protocol guides members and officers.
1.2\tIt applies to all members.
2.\tRoles
2.1\tMembers:
(a)\tset policy;
(b)\trepresent residents, including:
(i)\tindividual residents;
(ii)\tcommunity groups; and
(c)\tmonitor performance.
Officers advise the council as a whole.
2.2\tOfficers must be impartial.
•\tattend meetings
•\tgive advice
2.3\tConduct at meetings
Role\tContact
Monitoring Officer\tHead of Legal Services
3.\tResolving disputes
3.1\tDisputes are resolved informally where possible.
Appendix: dispute procedure
1.\tPurpose
1.1\tThis procedure sets out the steps.
2.\tInformal stage
2.1\tRaise the matter with the line manager.
Schedule I\tContacts
A)\tOfficers
1.\tChief Executive
B)\tMembers
2.\tLeader of the Council
3.\tReview
3.1\tThis protocol is reviewed every year."""

# Where LibreOffice 7.4's rendering of the fixture differs from the reader, and why the reader is right.
LIBREOFFICE_DIFFERS = {
    # LibreOffice shows tracked changes with the deletion still in ("shouldmust"); we read the final text.
    "2.2 Officers must be impartial.": "2.2 Officers shouldmust be impartial.",
    # w:lvlRestart="0" means "never restart" (ECMA-376 17.9.10, honoured by Word); LibreOffice ignores it.
    "2. Leader of the Council": "1. Leader of the Council",
}


CONTENTS_ENTRIES = ("1.\tIntroduction\t1", "2.\tRoles\t1", "3.\tResolving disputes\t2")
TABLE_ROWS = ("Role\tContact", "Monitoring Officer\tHead of Legal Services")


def lines_of(extracted: Extracted) -> list[str]:
    return extracted.text.split("\n")


def problem(data: bytes, filename: str, limits: Limits = DEFAULT_LIMITS) -> str:
    with pytest.raises(ImportProblem) as raised:
        extract(data, filename, limits=limits)
    message = raised.value.args[0]
    assert "\n" not in message and message.endswith("."), message  # one plain sentence
    return message


@pytest.fixture(scope="module")
def numbered() -> Extracted:
    return extract(fx.numbered_docx(), "protocol.docx")


@pytest.fixture(scope="module")
def seed_pdf() -> tuple[bytes, list[str]]:
    paragraphs = fx.seed_paragraphs()
    return fx.paged_pdf(paragraphs), paragraphs


# --- Word ---------------------------------------------------------------------------------------------------


def test_word_automatic_numbers_are_written_into_the_text(numbered):
    assert numbered.text == NUMBERED_DOCX_TEXT
    assert numbered.source_format == "docx"


def test_word_numbers_are_not_in_python_docx_paragraph_text():
    """The premise: python-docx alone loses every automatic number."""
    paragraphs = [p.text for p in docx.Document(io.BytesIO(fx.numbered_docx())).paragraphs]
    assert "This protocol guides members and officers." in paragraphs
    assert not any(re.match(r"\d+\.\d+\t", text) for text in paragraphs)


def test_word_tracked_insertion_kept_deletion_left_out_and_noted(numbered):
    assert "2.2\tOfficers must be impartial." in lines_of(numbered)
    assert "should" not in numbered.text
    assert any("tracked changes" in note and "deletions left out" in note for note in numbered.notes)


def test_word_headers_and_footers_are_left_out_and_noted(numbered):
    assert "Draft protocol" not in numbered.text and "Member/Officer Protocol" not in numbered.text
    assert "Page headers and footers were left out." in numbered.notes


def test_word_contents_control_comes_through_as_lines_before_the_body(numbered):
    lines = lines_of(numbered)
    assert lines[1:5] == ["Contents", *CONTENTS_ENTRIES]
    assert lines.index("1.\tIntroduction") == 5


def test_word_table_rows_are_read_in_place_cells_tab_separated(numbered):
    lines = lines_of(numbered)
    assert tuple(lines[lines.index("2.3\tConduct at meetings") + 1:][:2]) == TABLE_ROWS


def test_word_restart_override_restarts_and_later_paragraphs_continue_the_shared_count(numbered):
    lines = lines_of(numbered)
    appendix = lines.index("Appendix: dispute procedure")
    assert lines[appendix + 1] == "1.\tPurpose"  # w:startOverride on a second w:num
    # Heading 1 (the first w:num) and a third w:num without overrides share the abstract list's count.
    assert lines[-2:] == ["3.\tReview", "3.1\tThis protocol is reviewed every year."]


# LibreOffice 7.4.7's text export of fx.numbered_docx(), recorded once so CI needs no LibreOffice:
#   soffice --headless --convert-to txt:Text --outdir DIR numbered.docx
# Re-record it whenever the fixture changes (the test below fails until you do).
LIBREOFFICE_RENDERING = Path(__file__).parent / "fixtures" / "extract" / "numbered.libreoffice-7.4.txt"


def test_word_numbers_match_libreoffice(numbered):
    """Every line as LibreOffice lays the fixture out (its labels end in a space, not a tab)."""
    libreoffice = [line.strip() for line in LIBREOFFICE_RENDERING.read_text(encoding="utf-8").splitlines()]
    expected = []
    for line in lines_of(numbered):
        if line in TABLE_ROWS:
            expected.extend(line.split("\t"))  # LibreOffice writes one table cell per line
        elif line in CONTENTS_ENTRIES:
            expected.append(line)  # the contents list keeps its tabs
        else:  # LibreOffice separates a list label from its text with a space
            expected.append(LIBREOFFICE_DIFFERS.get(line.replace("\t", " ", 1), line.replace("\t", " ", 1)))
    assert libreoffice == expected


def docx_lines(document) -> list[str]:
    return lines_of(extract(fx.save(document), "test.docx"))


def test_word_level_restart_zero_never_restarts_and_default_restarts_after_any_higher_level():
    document = docx.Document()
    fx.add_numbering(document, [fx._abstract_num(70, [fx._level(0, "decimal", "%1."),
                                                      fx._level(1, "lowerLetter", "(%2)"),
                                                      fx._level(2, "decimal", "[%3]", restart=0)])],
                     [fx._num(70, 70)])
    for text, ilvl in [("one", 0), ("a", 1), ("x", 2), ("two", 0), ("a again", 1), ("y", 2)]:
        fx.numbered(document, text, 70, ilvl)
    assert docx_lines(document) == ["1.\tone", "(a)\ta", "[1]\tx", "2.\ttwo", "(a)\ta again", "[2]\ty"]


def test_word_letters_run_past_z_romans_and_legal_numbering():
    document = docx.Document()
    legal = fx._level(1, "upperRoman", "%1.%2").replace("<w:numFmt", "<w:isLgl/><w:numFmt")
    fx.add_numbering(document, [fx._abstract_num(71, [fx._level(0, "lowerLetter", "%1)", start=25), legal]),
                                fx._abstract_num(72, [fx._level(0, "upperRoman", "%1.", start=3)])],
                     [fx._num(71, 71), fx._num(72, 72)])
    for _ in range(4):
        fx.numbered(document, "item", 71, 0)
    fx.numbered(document, "legal", 71, 1)  # w:isLgl: every level as a decimal (28.1, not bb.I)
    fx.numbered(document, "roman", 72, 0)
    fx.numbered(document, "roman", 72, 0)
    assert docx_lines(document) == ["y)\titem", "z)\titem", "aa)\titem", "bb)\titem", "28.1\tlegal",
                                    "III.\troman", "IV.\troman"]


def test_word_sublevel_before_any_top_level_counts_the_parent_at_its_start():
    """As LibreOffice shows it: "1.1" first, then the first top-level paragraph is "2."."""
    document = docx.Document()
    fx.add_numbering(document, [fx._abstract_num(73, [fx._level(0, "decimal", "%1."),
                                                      fx._level(1, "decimal", "%1.%2")])], [fx._num(73, 73)])
    fx.numbered(document, "orphan", 73, 1)
    fx.numbered(document, "top", 73, 0)
    fx.numbered(document, "child", 73, 1)
    assert docx_lines(document) == ["1.1\torphan", "2.\ttop", "2.1\tchild"]


def test_word_level_without_start_begins_at_zero_and_suffix_space_or_nothing():
    document = docx.Document()
    no_start = fx._level(0, "decimal", "%1.").replace('<w:start w:val="1"/>', "")
    spaced = fx._level(0, "decimal", "%1.").replace("<w:lvlText", '<w:suff w:val="space"/><w:lvlText')
    bare = fx._level(0, "decimal", "%1.").replace("<w:lvlText", '<w:suff w:val="nothing"/><w:lvlText')
    fx.add_numbering(document, [fx._abstract_num(74, [no_start]), fx._abstract_num(75, [spaced]),
                                fx._abstract_num(76, [bare])], [fx._num(74, 74), fx._num(75, 75), fx._num(76, 76)])
    fx.numbered(document, "zero", 74, 0)
    fx.numbered(document, "space", 75, 0)
    fx.numbered(document, "nothing", 76, 0)
    assert docx_lines(document) == ["0.\tzero", "1. space", "1.nothing"]


def test_word_list_defined_through_a_numbering_style_is_followed():
    document = docx.Document()
    fx.add_numbering(document, [fx._abstract_num(77, [fx._level(0, "decimal", "Article %1")]),
                                fx._abstract_num(78, []).replace(
                                    "</w:abstractNum>", '<w:numStyleLink w:val="ArticleList"/></w:abstractNum>')],
                     [fx._num(77, 77), fx._num(78, 78)])
    style = document.styles.add_style("ArticleList", docx.enum.style.WD_STYLE_TYPE.LIST)
    fx.set_numbering(style.element, 77, None)
    fx.numbered(document, "first", 78, 0)
    fx.numbered(document, "second", 78, 0)
    assert docx_lines(document) == ["Article 1\tfirst", "Article 2\tsecond"]


def test_word_deleted_paragraph_mark_joins_the_next_paragraph_and_is_not_counted():
    document = docx.Document()
    fx.add_numbering(document, [fx._abstract_num(79, [fx._level(0, "decimal", "%1.")])], [fx._num(79, 79)])
    fx.numbered(document, "First.", 79, 0)
    merged = fx.numbered(document, "Second starts ", 79, 0)
    merged._p.get_or_add_pPr().append(fx.parse_xml(
        f'<w:rPr {fx.nsdecls("w")}><w:del w:id="9" w:author="A" w:date="2026-01-05T10:00:00Z"/></w:rPr>'))
    fx.numbered(document, "and ends here.", 79, 0)
    assert docx_lines(document) == ["1.\tFirst.", "2.\tSecond starts and ends here."]


def test_word_numbered_paragraphs_inside_table_cells_count_in_document_order():
    document = docx.Document()
    fx.add_numbering(document, [fx._abstract_num(69, [fx._level(0, "decimal", "%1.")])], [fx._num(69, 69)])
    fx.numbered(document, "before", 69, 0)
    cell = document.add_table(rows=1, cols=1).rows[0].cells[0]
    fx.set_numbering(cell.paragraphs[0]._p, 69, 0)
    cell.paragraphs[0].add_run("in the table")
    fx.numbered(document, "after", 69, 0)
    assert docx_lines(document) == ["1.\tbefore", "2.\tin the table", "3.\tafter"]


def test_word_hidden_text_text_boxes_and_footnotes_are_left_out_and_noted():
    extracted = extract(fx.docx_with_side_text(), "side.docx")
    assert extracted.text == "Visible clause text."
    assert set(extracted.notes) == {"Hidden text was left out.", "Text in 1 text box was left out.",
                                    "Page headers and footers were left out.", "1 footnote was left out."}


# --- PDF ------------------------------------------------------------------------------------------------------


def test_pdf_pages_are_joined_by_form_feeds_with_header_and_footer_in_place(seed_pdf):
    data, _ = seed_pdf
    extracted = extract(data, "protocol.pdf")
    pages = extracted.text.split("\f")
    assert extracted.source_format == "pdf" and len(pages) == extracted.pages >= 5
    for number, page in enumerate(pages, 1):
        lines = page.split("\n")
        assert lines[0] == "Member/Officer Relations Protocol"
        assert lines[-1] == f"Page {number} of {extracted.pages}"


def test_pdf_text_keeps_every_word_of_the_source_in_order(seed_pdf):
    data, paragraphs = seed_pdf
    pages = extract(data, "protocol.pdf").text.split("\f")
    body = " ".join("\n".join(page.split("\n")[1:-1]) for page in pages)  # without header and footer
    assert body.split() == fx.pdf_text_as_written(" ".join(paragraphs)).split()


def test_pdf_number_overrunning_its_tab_stop_is_kept_run_together():
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.cell(6, 6, "1.2.1")  # wider than its 6 mm cell: the text starts where the number still is
    pdf.cell(0, 6, "It is the duty of every officer to serve the council.", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, "A second line so that the page has enough text to count as a text layer.")
    assert "1.2.1It is the duty" in extract(bytes(pdf.output()), "tight.pdf").text


def test_pdf_with_only_an_owner_password_is_read_without_one(seed_pdf):
    data, _ = seed_pdf
    secured = extract(fx.encrypted_pdf(data, user_password=""), "secured.pdf")
    assert secured.text == extract(data, "plain.pdf").text


def test_pdf_with_some_scanned_pages_says_which_pages_have_no_text(seed_pdf):
    data, _ = seed_pdf
    extracted = extract(fx.with_scanned_pages(data, [2]), "mixed.pdf")
    assert extracted.text.split("\f")[1] == ""
    assert extracted.notes == ("Page 2 had no text layer (scanned?), so its text is missing.",)


# --- Plain text ----------------------------------------------------------------------------------------------

CLAUSE = "1.1 The Council’s officers – who serve £5 tea – advise members."


@pytest.mark.parametrize("encoded", [
    CLAUSE.encode("utf-8"), CLAUSE.encode("utf-8-sig"), CLAUSE.encode("utf-16"),
    "\ufeff".encode("utf-16-be") + CLAUSE.encode("utf-16-be"), CLAUSE.encode("utf-32"),
], ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "utf-32-bom"])
def test_text_decodes_utf8_and_utf16_with_a_bom(encoded):
    extracted = extract(encoded, "protocol.txt")
    assert (extracted.text, extracted.source_format, extracted.notes) == (CLAUSE, "text", ())


def test_text_in_windows_1252_is_read_with_a_note():
    """Word's "Plain Text" and older Notepad save Windows-1252 on English Windows: read it, and say so."""
    extracted = extract(CLAUSE.encode("cp1252"), "protocol.txt")
    assert extracted.text == CLAUSE
    assert "Windows-1252" in extracted.notes[0]


@pytest.mark.parametrize("encoding", ["mac_roman", "iso8859_2", "koi8_r"])
def test_text_in_another_8bit_encoding_is_refused_not_guessed(encoding):
    sample = {"mac_roman": CLAUSE, "iso8859_2": "Rada gminy: Łódź", "koi8_r": "Совет"}[encoding]
    assert problem(sample.encode(encoding), "protocol.txt").startswith("The file is not UTF-8 text")


def test_markdown_keeps_its_text_and_format():
    extracted = extract(b"# Protocol\n\n1. Introduction\n", "protocol.md")
    assert (extracted.text, extracted.source_format, extracted.pages) == ("# Protocol\n\n1. Introduction\n",
                                                                          "markdown", 1)


def test_text_form_feeds_count_as_pages_and_crlf_is_left_for_the_importer():
    extracted = extract(b"Page one\r\n\fPage two\r\n", "protocol.txt")
    assert (extracted.text, extracted.pages) == ("Page one\r\n\fPage two\r\n", 2)


def test_a_few_stray_control_characters_are_removed_with_a_note():
    extracted = extract(("1.1 Officers\x07 advise members. " * 5).encode(), "protocol.txt")
    assert extracted.text == "1.1 Officers advise members. " * 5
    assert extracted.notes == ("5 invisible control characters were removed.",)


def test_a_file_named_txt_holding_a_pdf_is_read_as_a_pdf(seed_pdf):
    data, _ = seed_pdf
    extracted = extract(data, "protocol.txt")
    assert extracted.source_format == "pdf"
    assert extracted.notes == ("The file is named .txt but is a PDF; it was read as one.",)


# --- Bad input: one plain sentence each ------------------------------------------------------------------------


def test_empty_and_blank_files_are_refused():
    assert problem(b"", "protocol.txt") == "The file is empty."
    assert problem(b" \r\n\t ", "protocol.md") == "The file is empty."
    assert problem(codecs.BOM_UTF16_LE, "protocol.txt") == "The file has no text in it."


def test_binary_files_are_refused_as_not_text():
    assert problem(fx.png_bytes(), "protocol.txt").startswith("This file is not text")
    assert problem(bytes(range(1, 32)) * 100, "notes").startswith("This file is not text")


def test_utf16_without_byte_order_mark_gets_its_own_message():
    assert "UTF-16 text without a byte-order mark" in problem(CLAUSE.encode("utf-16-le"), "protocol.txt")


def test_invalid_text_after_a_bom_is_refused():
    assert "not valid UTF-16" in problem(codecs.BOM_UTF16_LE + b"\x00\xd8", "protocol.txt")


@pytest.mark.parametrize(("data", "filename", "expected"), [
    (fx.png_bytes(), "protocol.docx", "This file is named .docx but is not a Word document"),
    (fx.png_bytes(), "protocol.pdf", "This file is named .pdf but is not a PDF"),
    (b"{\\rtf1 Protocol}", "protocol.rtf", "This is a Rich Text (.rtf) file"),
    (b"Protocol", "protocol.odt", ".odt files cannot be imported"),
    (b"Protocol", "protocol.doc", "Old-format Word (.doc) files cannot be read"),
], ids=["png-as-docx", "png-as-pdf", "rtf", "odt-extension", "doc-extension"])
def test_renamed_and_unsupported_files_are_refused_by_content_and_name(data, filename, expected):
    assert problem(data, filename).startswith(expected)


def test_legacy_doc_is_recognised_by_its_magic_bytes_whatever_its_name():
    for name in ("protocol.doc", "protocol.docx"):
        assert problem(fx.legacy_doc(), name).startswith("This is an old-format Word (.doc)")


def test_password_protected_word_file_is_refused():
    assert problem(fx.password_protected_docx(), "protocol.docx").startswith(
        "This Word file is protected by a password")


def test_files_over_the_size_limit_are_refused_before_reading():
    assert problem(b"a" * (DEFAULT_LIMITS.max_bytes + 200_000), "protocol.txt") == (
        "The file is 10.2 MB, over the 10.0 MB limit.")


def test_text_over_the_character_limit_is_refused():
    assert "characters of text" in problem(b"Clause text. " * 100, "protocol.txt", Limits(max_chars=1000))


@pytest.fixture
def parser_never_runs(monkeypatch):
    """Fails the test if a file reaches the parsing child: the container check must refuse it first."""
    def must_not_parse(*args, **kwargs):
        raise AssertionError("the file reached the parser")

    monkeypatch.setattr(extract_module, "_in_child", must_not_parse)


@pytest.mark.parametrize("megabytes", [120, 20], ids=["120-MB-bomb", "dense-20-MB-bomb"])
def test_zip_bomb_posing_as_docx_is_refused_from_the_zip_directory(parser_never_runs, megabytes):
    message = problem(fx.zip_bomb_docx(megabytes), "protocol.docx")
    assert f"would unpack to {megabytes}.0 MB" in message and "zip bomb" in message


def test_docx_with_too_many_zip_entries_is_refused(parser_never_runs):
    assert "2,002 parts" in problem(fx.many_entries_docx(2000), "protocol.docx")


def test_docx_with_encrypted_zip_entries_is_refused(parser_never_runs):
    assert problem(fx.encrypted_entry_docx(), "protocol.docx").startswith("Parts of this Word file are encrypted")


def test_zip_without_a_word_body_is_refused(parser_never_runs):
    assert problem(fx.zip_without_document(), "protocol.docx").startswith("This zip file is not a Word document")


def test_word_template_is_refused_with_how_to_save_a_document():
    assert problem(fx.word_template(), "protocol.dotx").startswith("This is a Word template or macro-enabled file")


def test_truncated_docx_is_refused_as_damaged(parser_never_runs):
    assert problem(fx.truncated(fx.numbered_docx()), "protocol.docx").startswith("The Word file is damaged")


@pytest.mark.parametrize("keep", [0.5, 0.98])
def test_truncated_pdf_is_refused_as_incomplete(parser_never_runs, seed_pdf, keep):
    assert problem(fx.truncated(seed_pdf[0], keep), "protocol.pdf").startswith("The PDF is incomplete")


def test_password_protected_pdf_is_refused(seed_pdf):
    assert problem(fx.encrypted_pdf(seed_pdf[0]), "protocol.pdf").startswith("This PDF is protected by a password")


def test_pdf_without_a_text_layer_needs_ocr():
    assert "it needs OCR" in problem(fx.image_only_pdf(), "scan.pdf")


def test_pdf_over_the_page_limit_is_refused(seed_pdf):
    message = problem(seed_pdf[0], "protocol.pdf", Limits(max_pages=3))
    assert re.fullmatch(r"The PDF has \d+ pages; the limit is 3\.", message)


def test_damaged_pdf_body_is_refused_as_damaged():
    data = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    assert problem(data, "protocol.pdf").startswith("The PDF is damaged")


def test_entity_expansion_bomb_inside_a_docx_is_refused_as_damaged():
    assert problem(fx.billion_laughs_docx(), "protocol.docx").startswith("The Word file is damaged")


def test_memory_cap_stops_a_parse_that_needs_more():
    """A legal 30 MB document.xml needs ~300 MB to parse: under a 100 MB cap the child gives up, we don't."""
    message = problem(fx.large_docx(500_000), "big.docx", Limits(memory_bytes=100 * extract_module.MB))
    assert message.startswith("Reading the file needed more than 100.0 MB of memory")


def test_timeout_stops_the_child_and_says_so(seed_pdf):
    message = problem(seed_pdf[0], "protocol.pdf", Limits(timeout_seconds=0.01))
    assert message.startswith("Reading the file took longer than 0.01 seconds")
