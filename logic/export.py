"""Printable exports: a council's handbook (and other documents) as Markdown and PDF.

Documents are built once as a list of :class:`Block` and then written out in either format,
so the Markdown and the PDF always say the same thing.

The handbook (``handbook_blocks``) is an induction pack: a title page (council, source title,
date generated, version), contents, the clauses section by section, a glossary of the terms its
clauses use, and the editorial notes and omissions last, after the text they are about. A
document with ``cover`` blocks is laid out as a book in PDF: the title page alone, a running
header and "Page N of M" on every later page, the contents with page numbers where a
``contents`` block stands, and headings kept with the first lines of what follows them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from logic.content import Corpus, Council

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
DEJAVU_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
# Core PDF fonts only cover Latin-1; without DejaVu these characters are spelled in ASCII.
ASCII_FALLBACK = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-",
                                "…": "...", "•": "-", "\u00a0": " ", "→": "->"})
_MARKDOWN_META_RE = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character
_WHITESPACE_RE = re.compile(r"\s+")


HANDBOOK_NAME = "Protocol Explorer handbook"
FINGERPRINT_CHARS = 10
KEEP_WITH_NEXT_LINES = 3  # a heading never ends a page: it keeps at least this many lines below it
ABOUT_TEXT = "Text word for word from the published protocol; layout repaired."


@dataclass(frozen=True)
class Block:
    # "title" | "subtitle" | "cover" (title page lines) | "contents" (where the contents go) |
    # "heading" | "subheading" | "text" | "item" (a bulleted line) | "note" | "pagebreak" (PDF only)
    kind: str
    text: str


def escape_markdown(text: str) -> str:
    """Backslash-escape every ASCII punctuation character, so ``text`` renders literally.

    CommonMark allows any ASCII punctuation to be escaped, so this neutralises emphasis, links,
    headings, lists, tables, HTML tags and entities, and Streamlit's ``$`` maths and ``:color[]``
    directives alike. Line breaks become spaces, so no line can start a block.
    """
    return _MARKDOWN_META_RE.sub(r"\\\1", _WHITESPACE_RE.sub(" ", text))


def content_fingerprint(council: Council) -> str:
    """A short hash of the council's clauses (ids, headings, text, notes): changes when any of them does."""
    digest = hashlib.sha256()
    for clause in council.clauses:
        digest.update("\x1f".join((clause.id, clause.title, clause.text, clause.note)).encode("utf-8"))
        digest.update(b"\x1e")
    return digest.hexdigest()[:FINGERPRINT_CHARS]


def content_version(council: Council) -> str:
    """"adopted <date>" (or "adoption date not stated") and the content fingerprint."""
    adopted = f"adopted {council.adopted}" if council.adopted else "adoption date not stated"
    return f"Version: {adopted}; content fingerprint {content_fingerprint(council)}"


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def handbook_blocks(corpus: Corpus, slug: str, generated: dt.date | None = None) -> list[Block]:
    """The council's handbook: title page, contents, sections, glossary, then the editorial notes.

    ``generated`` (default today) is the date printed on the title page.
    """
    council = corpus.councils[slug]
    blocks = [Block("title", council.name), Block("subtitle", council.source_title),
              Block("cover", HANDBOOK_NAME),
              Block("cover", f"Generated {long_date(generated or dt.date.today())}"),
              Block("cover", content_version(council)),
              Block("cover", f"{council.kind}. {len(council.clauses)} clauses. {ABOUT_TEXT}"),
              Block("contents", "Contents")]
    noted = []
    for section in council.sections:
        clauses = [c for c in council.clauses if c.section == section.number]
        if not clauses:
            continue
        blocks.append(Block("heading", f"{section.number}. {section.title}"))
        for clause in clauses:
            label = f"{clause.number} {clause.title}".strip()
            topics = ", ".join(corpus.topics[t].label for t in clause.topics)
            blocks.append(Block("subheading", f"{label}  [{clause.id}]"))
            blocks.append(Block("text", clause.text))
            see_note = f" Editorial note on {clause.number}: see the end of this handbook." if clause.note else ""
            blocks.append(Block("note", f"Topics: {topics}.{see_note}"))
            if clause.note:
                noted.append(clause)
    blocks += _glossary_blocks(corpus, council)
    blocks += [Block("pagebreak", ""), Block("heading", "Editorial notes and omissions")]
    blocks.append(Block("text", "Notes by the editors of Protocol Explorer, not part of the protocol. "
                                "Anything here is our reading, never the council's text."))
    for title, lines in (("About this edition", council.editorial_notes),
                         ("What the source leaves out or damages", council.omissions),
                         ("Notes on individual clauses", [f"{c.number} [{c.id}]: {c.note}" for c in noted])):
        if lines:
            blocks.append(Block("subheading", title))
            blocks += [Block("item", line) for line in lines]
    return blocks


def _glossary_blocks(corpus: Corpus, council: Council) -> list[Block]:
    """The glossary terms this council's clauses use, alphabetically, each with where they are used."""
    numbers = {c.id: c.number for c in council.clauses}
    used: dict[str, list[str]] = {}
    entries = {}
    for entry in corpus.glossary:
        cited = [corpus.resolve(c) for c in entry.clauses]
        here = list(dict.fromkeys(c.id for c in cited if c is not None and c.id in numbers))
        if here:
            entries[entry.term] = entry
            used[entry.term] = here
    if not entries:
        return []
    blocks = [Block("pagebreak", ""), Block("heading", "Glossary"),
              Block("text", "Plain-English explanations by the editors of Protocol Explorer (not part of the "
                            f"protocol) of the terms {council.short_name}'s clauses use.")]
    for term in sorted(entries, key=str.casefold):
        blocks.append(Block("subheading", term))
        blocks.append(Block("text", entries[term].definition))
        blocks.append(Block("note", "Used in " + ", ".join(numbers[i] for i in used[term]) + "."))
    return blocks


def to_markdown(blocks: list[Block]) -> str:
    """Markdown of the same blocks; a ``contents`` block lists the document's headings."""
    out = []
    for block in blocks:
        if block.kind == "title":
            out.append(f"# {block.text}")
        elif block.kind == "subtitle":
            out.append(f"**{block.text}**")
        elif block.kind == "contents":
            out.append(f"## {block.text}\n\n" + "\n".join(f"- {b.text}" for b in blocks if b.kind == "heading"))
        elif block.kind == "heading":
            out.append(f"## {block.text}")
        elif block.kind == "subheading":
            out.append(f"### {block.text}")
        elif block.kind == "note":
            out.append(f"_{block.text}_")
        elif block.kind == "item":
            out.append(f"- {block.text}")
        elif block.kind == "pagebreak":
            continue
        else:
            out.append(block.text)
    return "\n\n".join(out) + "\n"


def pdf_document(title: str):
    """An A4 FPDF with the app's margins and fonts, titled and in British English.

    Returns ``(pdf, family, unicode_font)``: DejaVu (regular and bold) when installed, else
    Helvetica, whose core encoding only covers Latin-1 (pass text through :func:`pdf_text`).
    """
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_margins(18, 18, 18)
    unicode_font = DEJAVU.is_file() and DEJAVU_BOLD.is_file()
    if unicode_font:
        pdf.add_font("DejaVu", "", str(DEJAVU))
        pdf.add_font("DejaVu", "B", str(DEJAVU_BOLD))
    pdf.set_title(pdf_text(title, unicode_font))
    pdf.set_lang("en-GB")
    return pdf, "DejaVu" if unicode_font else "Helvetica", unicode_font


def pdf_text(text: str, unicode_font: bool) -> str:
    """``text`` as the PDF font can print it: unchanged with DejaVu, spelled in Latin-1 without."""
    if unicode_font:
        return text
    return text.translate(ASCII_FALLBACK).encode("latin-1", "replace").decode("latin-1")


def to_pdf(blocks: list[Block]) -> bytes:
    """The blocks as a PDF: a book (title page, contents, header and page numbers) when they have
    ``cover`` blocks, else a plain document (a scenario card)."""
    return _PdfWriter(blocks).write()


# (font size, style, space before) per block kind; line height is half the font size in mm.
PDF_STYLES = {"title": (17, "B", 3), "subtitle": (13, "", 1), "heading": (14, "B", 4), "subheading": (11, "B", 2),
              "text": (10.5, "", 0), "item": (10.5, "", 0), "note": (9, "", 0), "cover": (11, "", 2)}
PDF_GAP_AFTER = 1.5
NOTE_GREY = 85  # dark enough to read when printed (about 7:1 on white)
HEADER_GREY = 90
CONTENTS_LINE = 7.5
BULLET_INDENT = 5


class _PdfWriter:
    def __init__(self, blocks: list[Block]):
        self.blocks = blocks
        title = next((b.text for b in blocks if b.kind == "title"), "Protocol Explorer")
        subtitle = next((b.text for b in blocks if b.kind == "subtitle"), "")
        self.book = any(b.kind == "cover" for b in blocks)
        self.running_title = f"{title}: {subtitle}" if subtitle else title
        self.pdf, self.family, self.unicode_font = pdf_document(
            f"{self.running_title} ({HANDBOOK_NAME})" if self.book else self.running_title)

    def text(self, text: str) -> str:
        return pdf_text(text, self.unicode_font).replace("**", "")

    def write(self) -> bytes:
        pdf = self.pdf
        if self.book:
            pdf.header, pdf.footer = self._header, self._footer
        pdf.add_page()
        body = self.blocks
        if self.book:
            self._title_page()
            body = [b for b in self.blocks if b.kind not in ("title", "subtitle", "cover")]
        for i, block in enumerate(body):
            if block.kind == "contents":
                pdf.add_page()
                pdf.insert_toc_placeholder(self._contents, pages=self._contents_pages())
                continue
            if block.kind == "pagebreak":
                pdf.add_page()
                continue
            self._keep_with_next(body, i)
            if block.kind == "heading" and self.book:
                pdf.start_section(self.text(block.text), level=0)
            self._block(block)
        return bytes(pdf.output())

    # ------------------------------------------------------------ page furniture

    def _header(self):
        pdf = self.pdf
        if pdf.page_no() == 1:
            return
        pdf.set_font(self.family, "", 8)
        pdf.set_text_color(HEADER_GREY)
        pdf.set_y(8)
        label = self.text(f"{self.running_title} · {HANDBOOK_NAME}")
        while pdf.get_string_width(label) > pdf.epw and len(label) > 10:
            label = label[:-2].rstrip() + "…" if self.unicode_font else label[:-4].rstrip() + "..."
        pdf.cell(0, 5, label, align="L")
        pdf.set_draw_color(HEADER_GREY)
        pdf.line(pdf.l_margin, 13.5, pdf.w - pdf.r_margin, 13.5)
        pdf.set_text_color(0)
        pdf.set_y(pdf.t_margin)

    def _footer(self):
        pdf = self.pdf
        if pdf.page_no() == 1:
            return
        pdf.set_y(-12)
        pdf.set_font(self.family, "", 8)
        pdf.set_text_color(0)
        pdf.cell(0, 5, f"Page {pdf.page_no()} of {{nb}}", align="C")

    def _title_page(self):
        pdf = self.pdf
        pdf.set_y(70)
        for block in self.blocks:
            if block.kind not in ("title", "subtitle", "cover"):
                continue
            size, style = {"title": (24, "B"), "subtitle": (15, ""), "cover": (11, "")}[block.kind]
            if block.kind == "cover" and block.text == HANDBOOK_NAME:
                pdf.ln(12)
                size, style = 13, "B"
            pdf.set_font(self.family, style, size)
            pdf.multi_cell(0, size * 0.5, self.text(block.text), align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(size * 0.3)

    def _contents_pages(self) -> int:
        entries = sum(b.kind == "heading" for b in self.blocks)
        usable = self.pdf.h - self.pdf.t_margin - self.pdf.b_margin - 20  # less the "Contents" heading
        per_page = int(usable // CONTENTS_LINE) - 1
        return max(1, -(-entries // per_page))

    def _contents(self, pdf, outline):
        pdf.set_x(pdf.l_margin)
        pdf.set_font(self.family, "B", 14)
        pdf.multi_cell(0, 7, self.text("Contents"), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
        pdf.set_font(self.family, "", 10.5)
        for section in outline:
            number = str(section.page_number)
            width = pdf.epw - pdf.get_string_width(number) - 4
            link = pdf.add_link(page=section.page_number)
            # A long name wraps; the dots and the page number follow its last line.
            *first, last = pdf.multi_cell(width - 8, CONTENTS_LINE, section.name, align="L", dry_run=True,
                                          output="LINES")
            for line in first:
                pdf.cell(width, CONTENTS_LINE, line, link=link, new_x="LMARGIN", new_y="NEXT")
            dots = "." * max(2, int((width - pdf.get_string_width(last) - 2) // pdf.get_string_width(".")))
            pdf.cell(width, CONTENTS_LINE, f"{last} {dots}", link=link)
            pdf.cell(0, CONTENTS_LINE, number, align="R", link=link, new_x="LMARGIN", new_y="NEXT")

    # ------------------------------------------------------------ blocks

    def _block(self, block: Block):
        pdf = self.pdf
        size, style, before = PDF_STYLES[block.kind]
        pdf.set_font(self.family, style, size)
        pdf.set_text_color(NOTE_GREY if block.kind == "note" else 0)
        pdf.ln(before)
        if block.kind == "item":
            pdf.set_x(pdf.l_margin + BULLET_INDENT)
            pdf.cell(0, size * 0.5, "•" if self.unicode_font else "-")
            pdf.set_x(pdf.l_margin + 2 * BULLET_INDENT)
            pdf.multi_cell(pdf.epw - 2 * BULLET_INDENT, size * 0.5, self.text(block.text),
                           align="L", new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.multi_cell(0, size * 0.5, self.text(block.text), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0)
        pdf.ln(PDF_GAP_AFTER)

    def _height(self, block: Block, lines: int | None = None) -> float:
        """Height ``block`` takes (its first ``lines`` lines only, if given)."""
        pdf = self.pdf
        size, style, before = PDF_STYLES[block.kind]
        pdf.set_font(self.family, style, size)
        width = pdf.epw - (2 * BULLET_INDENT if block.kind == "item" else 0)
        count = len(pdf.multi_cell(width, size * 0.5, self.text(block.text), align="L", dry_run=True, output="LINES"))
        return before + min(count, lines or count) * size * 0.5 + PDF_GAP_AFTER

    def _keep_with_next(self, body: list[Block], i: int):
        """Start a new page if a heading (and any headings after it) would not fit together with the
        first lines of the text that follows."""
        if body[i].kind not in ("heading", "subheading") or (i and body[i - 1].kind in ("heading", "subheading")):
            return
        needed, j = 0.0, i
        while j < len(body) and body[j].kind in ("heading", "subheading"):
            needed += self._height(body[j])
            j += 1
        if j < len(body) and body[j].kind not in ("contents",):
            needed += self._height(body[j], KEEP_WITH_NEXT_LINES)
        if self.pdf.get_y() + needed > self.pdf.page_break_trigger:
            self.pdf.add_page()
