"""Builders for Word and PDF test documents, made in the tests (no binary files in the repository).

Good documents: a Word file with real automatic multilevel numbering (the numbers live in numbering.xml,
never in the paragraph text), and paged PDFs with a running header and a "Page N of M" footer. Hostile
ones: an encrypted PDF, an image-only PDF, a zip bomb posing as .docx, truncated files, a renamed binary,
a legacy .doc. Each builder returns bytes; shared by the extraction, import and review tests.
"""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

ROOT = Path(__file__).resolve().parents[1]
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
# Core PDF fonts only cover Latin-1: without DejaVu the seed's typographic characters are spelled in ASCII.
ASCII_FALLBACK = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "•": "*"})

# --- Word: automatic multilevel numbering ---------------------------------------------------------------

# Ids far above those in python-docx's default template, so its own lists never collide with ours.
PROTOCOL_LIST = 90  # abstractNum: "1." / "1.1" / "(a)" / "(i)"; Heading 1 is linked to level 0
PROTOCOL_NUM = 90  # the main numbering instance
RESTART_NUM = 91  # same abstractNum, level 0 restarted at 1 (an appended procedure numbered afresh)
SHARED_NUM = 94  # same abstractNum, no override: Word and LibreOffice continue the main count
BULLET_NUM = 92
SCHEDULE_NUM = 93  # "Schedule I" / "A)" / "1." where the third level never restarts (w:lvlRestart 0)


def _level(ilvl: int, fmt: str, text: str, *, start: int = 1, style: str = "", restart: int | None = None,
           font: str = "") -> str:
    style_xml = f'<w:pStyle w:val="{style}"/>' if style else ""
    restart_xml = f'<w:lvlRestart w:val="{restart}"/>' if restart is not None else ""
    font_xml = f'<w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:hint="default"/></w:rPr>' if font else ""
    indent = f'<w:ind w:left="{360 * (ilvl + 2)}" w:hanging="{720 if ilvl == 1 else 360}"/>'
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>{restart_xml}{style_xml}'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/><w:pPr>{indent}</w:pPr>{font_xml}</w:lvl>')


def _abstract_num(abstract_id: int, levels: Sequence[str]) -> str:
    return (f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
            f'<w:multiLevelType w:val="multilevel"/>{"".join(levels)}</w:abstractNum>')


def _num(num_id: int, abstract_id: int, start_overrides: dict[int, int] | None = None) -> str:
    overrides = "".join(f'<w:lvlOverride w:ilvl="{ilvl}"><w:startOverride w:val="{start}"/></w:lvlOverride>'
                        for ilvl, start in (start_overrides or {}).items())
    return f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>{overrides}</w:num>'


def add_numbering(document: docx.document.Document, abstract_nums: Sequence[str], nums: Sequence[str]) -> None:
    """Append list definitions to the document's numbering.xml (every abstractNum before every num)."""
    numbering = document.part.numbering_part.element
    first_num = numbering.find(qn("w:num"))
    for xml in abstract_nums:
        element = parse_xml(xml)
        if first_num is None:
            numbering.append(element)
        else:
            first_num.addprevious(element)
    for xml in nums:
        numbering.append(parse_xml(xml))


def set_numbering(paragraph_or_style_element, num_id: int | None, ilvl: int | None) -> None:
    """Give a paragraph (or a style) a w:numPr; ``None`` leaves that part out (inherited or found by style)."""
    num_pr = paragraph_or_style_element.get_or_add_pPr().get_or_add_numPr()
    if ilvl is not None:
        num_pr.get_or_add_ilvl().val = ilvl
    if num_id is not None:
        num_pr.get_or_add_numId().val = num_id


def protocol_numbering(document: docx.document.Document) -> None:
    """The lists used by :func:`numbered_docx`, with Heading 1 and Heading 2 numbered through their styles."""
    add_numbering(document, [
        _abstract_num(PROTOCOL_LIST, [_level(0, "decimal", "%1.", style="Heading1"),
                                      _level(1, "decimal", "%1.%2", style="Heading2"),
                                      _level(2, "lowerLetter", "(%3)"),
                                      _level(3, "lowerRoman", "(%4)")]),
        _abstract_num(PROTOCOL_LIST + 1, [_level(0, "bullet", "\uf0b7", font="Symbol")]),
        _abstract_num(PROTOCOL_LIST + 2, [_level(0, "upperRoman", "Schedule %1"),
                                          _level(1, "upperLetter", "%2)"),
                                          _level(2, "decimal", "%3.", restart=0)]),
    ], [
        _num(PROTOCOL_NUM, PROTOCOL_LIST),
        _num(RESTART_NUM, PROTOCOL_LIST, {0: 1}),
        _num(BULLET_NUM, PROTOCOL_LIST + 1),
        _num(SCHEDULE_NUM, PROTOCOL_LIST + 2),
        _num(SHARED_NUM, PROTOCOL_LIST),
    ])
    # Heading 1's style names the list but not the level: Word finds it from the level's w:pStyle.
    set_numbering(document.styles["Heading 1"].element, PROTOCOL_NUM, None)
    set_numbering(document.styles["Heading 2"].element, PROTOCOL_NUM, 1)
    # TOC Heading is based on Heading 1; Word switches the inherited numbering off with numId 0.
    set_numbering(document.styles["TOC Heading"].element, 0, None)


def numbered(document: docx.document.Document, text: str, num_id: int | None, ilvl: int | None = None,
             style: str | None = None):
    paragraph = document.add_paragraph(text, style=style)
    if num_id is not None or ilvl is not None:
        set_numbering(paragraph._p, num_id, ilvl)
    return paragraph


def _tracked(kind: str, text: str, change_id: int) -> str:
    body = f'<w:delText xml:space="preserve">{text}</w:delText>' if kind == "del" else (
        f'<w:t xml:space="preserve">{text}</w:t>')
    return (f'<w:{kind} {nsdecls("w")} w:id="{change_id}" w:author="Monitoring Officer" '
            f'w:date="2026-01-05T10:00:00Z"><w:r>{body}</w:r></w:{kind}>')


def add_tracked_change(paragraph, before: str, deleted: str, inserted: str, after: str) -> None:
    """``before`` + a tracked deletion + a tracked insertion + ``after``, as Word writes a redline."""
    paragraph.add_run(before)
    paragraph._p.append(parse_xml(_tracked("del", deleted, 1)))
    paragraph._p.append(parse_xml(_tracked("ins", inserted, 2)))
    paragraph.add_run(after)


def contents_control(entries: Sequence[tuple[str, str, int]]) -> str:
    """A Word table of contents: a TOC field's cached result inside a content control (w:sdt)."""
    def entry(i: int, number: str, title: str, page: int) -> str:
        begin = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> TOC \\o '
                 '"1-3" \\h \\z \\u </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
                 if i == 0 else "")
        end = '<w:r><w:fldChar w:fldCharType="end"/></w:r>' if i == len(entries) - 1 else ""
        return (f'<w:p><w:pPr><w:pStyle w:val="TOC1"/><w:tabs><w:tab w:val="right" w:leader="dot" w:pos="9016"/>'
                f'</w:tabs></w:pPr>{begin}<w:hyperlink w:anchor="_Toc{i}" w:history="1">'
                f'<w:r><w:t>{number}</w:t></w:r><w:r><w:tab/></w:r><w:r><w:t>{title}</w:t></w:r>'
                f'<w:r><w:tab/></w:r><w:r><w:t>{page}</w:t></w:r></w:hyperlink>{end}</w:p>')

    heading = '<w:p><w:pPr><w:pStyle w:val="TOCHeading"/></w:pPr><w:r><w:t>Contents</w:t></w:r></w:p>'
    body = "".join(entry(i, *e) for i, e in enumerate(entries))
    return (f'<w:sdt {nsdecls("w")}><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/>'
            f'<w:docPartUnique/></w:docPartObj></w:sdtPr><w:sdtContent>{heading}{body}</w:sdtContent></w:sdt>')


def numbered_docx() -> bytes:
    """A protocol whose every number is automatic: see ``NUMBERED_DOCX_TEXT`` in test_extract for its text."""
    document = docx.Document()
    protocol_numbering(document)
    document.sections[0].header.paragraphs[0].text = "Draft protocol - not for publication"
    document.sections[0].footer.paragraphs[0].text = "Member/Officer Protocol"
    document.add_paragraph("Protocol for Member/Officer Relations", style="Title")
    document.element.body.insert(1, parse_xml(contents_control(
        [("1.", "Introduction", 1), ("2.", "Roles", 1), ("3.", "Resolving disputes", 2)])))

    document.add_paragraph("Introduction", style="Heading 1")
    numbered(document, "This protocol guides members and officers.", PROTOCOL_NUM, 1)
    numbered(document, "It applies to all members.", PROTOCOL_NUM, 1)
    document.add_paragraph("Roles", style="Heading 1")
    numbered(document, "Members:", PROTOCOL_NUM, 1)
    numbered(document, "set policy;", PROTOCOL_NUM, 2)
    numbered(document, "represent residents, including:", PROTOCOL_NUM, 2)
    numbered(document, "individual residents;", PROTOCOL_NUM, 3)
    numbered(document, "community groups; and", PROTOCOL_NUM, 3)
    numbered(document, "monitor performance.", PROTOCOL_NUM, 2)
    document.add_paragraph("Officers advise the council as a whole.")
    add_tracked_change(numbered(document, "", PROTOCOL_NUM, 1), "Officers ", "should", "must", " be impartial.")
    numbered(document, "attend meetings", BULLET_NUM, 0)
    numbered(document, "give advice", BULLET_NUM, 0)
    document.add_paragraph("Conduct at meetings", style="Heading 2")
    table = document.add_table(rows=2, cols=2)
    for row, cells in zip(table.rows, [("Role", "Contact"), ("Monitoring Officer", "Head of Legal Services")]):
        for cell, text in zip(row.cells, cells):
            cell.text = text
    document.add_paragraph("Resolving disputes", style="Heading 1")
    numbered(document, "Disputes are resolved informally where possible.", PROTOCOL_NUM, 1)

    appendix = document.add_paragraph("Appendix: dispute procedure", style="Heading 1")
    set_numbering(appendix._p, 0, None)  # numId 0 switches the style's numbering off
    numbered(document, "Purpose", RESTART_NUM, 0)
    numbered(document, "This procedure sets out the steps.", RESTART_NUM, 1)
    numbered(document, "Informal stage", RESTART_NUM, 0)
    numbered(document, "Raise the matter with the line manager.", RESTART_NUM, 1)
    numbered(document, "Contacts", SCHEDULE_NUM, 0)
    numbered(document, "Officers", SCHEDULE_NUM, 1)
    numbered(document, "Chief Executive", SCHEDULE_NUM, 2)
    numbered(document, "Members", SCHEDULE_NUM, 1)
    numbered(document, "Leader of the Council", SCHEDULE_NUM, 2)
    document.add_paragraph("Review", style="Heading 1")
    numbered(document, "This protocol is reviewed every year.", SHARED_NUM, 1)
    return save(document)


def docx_with_side_text() -> bytes:
    """Body text plus what a reader leaves out: hidden text, a text box, a footnote, a header."""
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Running header"
    paragraph = document.add_paragraph("Visible clause text.")
    paragraph.add_run(" Hidden remark.").font.hidden = True
    paragraph._p.append(parse_xml(
        f'<w:r {nsdecls("w")} xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape><v:textbox>'
        f'<w:txbxContent><w:p><w:r><w:t>Boxed aside</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape>'
        f'</w:pict></w:r>'))
    footnotes = (f'<w:footnotes {nsdecls("w")}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/>'
                 f'</w:r></w:p></w:footnote><w:footnote w:id="1"><w:p><w:r><w:t>A footnote.</w:t></w:r></w:p>'
                 f'</w:footnote></w:footnotes>').encode()
    part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, footnotes, document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)
    return save(document)


def save(document: docx.document.Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def seed_paragraphs(council: str = "county") -> list[str]:
    """A protocol's blank-line separated blocks, numbers and line breaks as in the source: the council's
    ``source.txt`` in content/, the seed text as given (County's is seed 003), so a clone tests by itself."""
    text = (ROOT / "content" / council / "source.txt").read_text(encoding="utf-8")
    return ["\n".join(line.strip() for line in block.strip().splitlines())
            for block in re.split(r"\n\s*\n", text) if block.strip()]


def long_numbered_docx(sections: int, clauses_per_section: int, words: Sequence[str],
                       words_per_clause: int = 50) -> bytes:
    """A long protocol with automatic numbering: a heading per section, numbered clauses cut in turn from
    ``words`` (so that the text varies and packs like a real document's). For benchmarks."""
    document = docx.Document()
    protocol_numbering(document)
    for section in range(sections):
        document.add_paragraph(f"Section heading {section + 1}", style="Heading 1")
        for clause in range(clauses_per_section):
            start = (section * clauses_per_section + clause) * words_per_clause
            numbered(document, " ".join(words[(start + i) % len(words)] for i in range(words_per_clause)),
                     PROTOCOL_NUM, 1)
    return save(document)


# --- PDF -------------------------------------------------------------------------------------------------


def _pdf_text(text: str, unicode_font: bool) -> str:
    return text if unicode_font else text.translate(ASCII_FALLBACK).encode("latin-1", "replace").decode("latin-1")


def paged_pdf(paragraphs: Sequence[str], *, header: str = "Member/Officer Relations Protocol",
              footer: bool = True, font_size: int = 11, pages: int | None = None) -> bytes:
    """An A4 PDF of ``paragraphs`` with a running header and a "Page N of M" footer on every page.

    With ``pages``, the paragraphs are repeated until exactly that many pages are full.
    """
    unicode_font = DEJAVU.is_file()

    class Paged(FPDF):
        def header(self):
            self.set_font(family, size=9)
            self.cell(0, 8, _pdf_text(header, unicode_font), align="C", new_x="LMARGIN", new_y="NEXT")
            self.ln(4)

        def footer(self):
            if footer:
                self.set_y(-15)
                self.set_font(family, size=9)
                self.cell(0, 8, f"Page {self.page_no()} of {{nb}}", align="C")

    pdf = Paged(format="A4")
    if unicode_font:
        pdf.add_font("DejaVu", "", str(DEJAVU))
    family = "DejaVu" if unicode_font else "Helvetica"
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    pdf.set_font(family, size=font_size)
    for paragraph in itertools.cycle(paragraphs) if pages else paragraphs:
        text = _pdf_text(paragraph, unicode_font)
        if pages and pdf.page_no() == pages and pdf.will_page_break(
                pdf.multi_cell(0, 5.5, text, dry_run=True, output="HEIGHT") + 2):
            break
        pdf.multi_cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    return bytes(pdf.output())


def pdf_text_as_written(text: str) -> str:
    """``text`` as :func:`paged_pdf` wrote it (ASCII stand-ins when DejaVu is missing)."""
    return _pdf_text(text, DEJAVU.is_file())


def encrypted_pdf(source: bytes, *, user_password: str = "secret", owner_password: str = "owner") -> bytes:
    """``source`` encrypted with AES-256; an empty user password gives a permissions-only ("secured") PDF."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(source)))
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def image_only_pdf(pages: int = 2) -> bytes:
    """A scan: each page one picture, no text layer at all."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (400, 560), 255)
    draw = ImageDraw.Draw(image)
    for y in range(40, 520, 24):
        draw.rectangle((40, y, 360, y + 10), fill=40)  # lines of "print" that are only pixels
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    pdf = FPDF(format="A4")
    for _ in range(pages):
        pdf.add_page()
        pdf.image(io.BytesIO(buffer.getvalue()), x=10, y=10, w=190)
    return bytes(pdf.output())


def with_scanned_pages(source: bytes, page_numbers: Sequence[int]) -> bytes:
    """``source`` with the given pages (1-based) replaced by a scan: a picture and no text layer."""
    scan = PdfReader(io.BytesIO(image_only_pdf(1))).pages[0]
    writer = PdfWriter()
    for number, page in enumerate(PdfReader(io.BytesIO(source)).pages, 1):
        writer.add_page(scan if number in page_numbers else page)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# --- Hostile files ----------------------------------------------------------------------------------------

CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/'
                 b'2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')


def zip_bomb_docx(unpacked_megabytes: int = 120) -> bytes:
    """A small zip whose word/document.xml unpacks to ``unpacked_megabytes`` MB of whitespace."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("word/document.xml", b'<?xml version="1.0"?>' + b" " * (unpacked_megabytes << 20))
    return buffer.getvalue()


def docx_with_document_xml(document_xml: bytes) -> bytes:
    """python-docx's blank document with word/document.xml replaced (for hand-made hostile bodies)."""
    source = zipfile.ZipFile(io.BytesIO(save(docx.Document())))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, document_xml if info.filename == "word/document.xml"
                             else source.read(info.filename))
    return buffer.getvalue()


def large_docx(paragraphs: int) -> bytes:
    """A valid .docx whose body is ``paragraphs`` distinct short paragraphs (about 60 bytes of XML each)."""
    body = "".join(f"<w:p><w:r><w:t>Paragraph {i} of the body</w:t></w:r></w:p>" for i in range(paragraphs))
    return docx_with_document_xml(f'<w:document {nsdecls("w")}><w:body>{body}</w:body></w:document>'.encode())


def billion_laughs_docx() -> bytes:
    """A body whose text is an entity expanding to 10^9 "lol"s if a parser resolves entities."""
    entities = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    return docx_with_document_xml(
        f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY lol0 "lol">{entities}]>'
        f'<w:document {nsdecls("w")}><w:body><w:p><w:r><w:t>Before &lol9; after</w:t></w:r></w:p></w:body>'
        f'</w:document>'.encode())


def many_entries_docx(entries: int) -> bytes:
    """A .docx-shaped zip with ``entries`` tiny parts (a directory-size attack)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("word/document.xml", b"<w:document/>")
        for i in range(entries):
            archive.writestr(f"word/media/{i}.bin", b"")
    return buffer.getvalue()


def encrypted_entry_docx() -> bytes:
    """A .docx-shaped zip whose parts are marked as encrypted (a zip password), as zip tools write them."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("word/document.xml", b"\x8a\x13" * 64)
    # zipfile cannot encrypt: set the "encrypted" bit of every local and central header by hand.
    data = bytearray(buffer.getvalue())
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        for found in re.finditer(re.escape(signature), data):
            data[found.start() + flag_offset] |= 0x1
    return bytes(data)


def word_template() -> bytes:
    """A Word template (.dotx): a valid package whose main part is a template, not a document."""
    source = zipfile.ZipFile(io.BytesIO(numbered_docx()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"document.main+xml", b"template.main+xml")
            archive.writestr(info.filename, data)
    return buffer.getvalue()


def zip_without_document() -> bytes:
    """A zip (say, photos) renamed to .docx: no word/document.xml inside."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photo.txt", b"not a Word document")
    return buffer.getvalue()


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def legacy_doc() -> bytes:
    """The start of an OLE compound file, as a Word 97-2003 .doc begins."""
    return OLE_MAGIC + b"\x00" * 504 + "WordDocument".encode("utf-16-le") + b"\x00" * 1024


def password_protected_docx() -> bytes:
    """The shape of a password-protected .docx: an OLE file holding an EncryptedPackage stream."""
    return (OLE_MAGIC + b"\x00" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 64
            + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 1024)


def png_bytes() -> bytes:
    """A real PNG picture, for "a binary file renamed to .txt/.docx/.pdf"."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def truncated(data: bytes, keep: float = 0.5) -> bytes:
    """The first ``keep`` share of ``data``: an interrupted download or copy."""
    return data[: int(len(data) * keep)]
