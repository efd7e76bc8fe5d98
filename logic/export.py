"""Printable exports: a council's handbook (and other documents) as Markdown and PDF.

Documents are built once as a list of :class:`Block` and then written out in either format,
so the Markdown and the PDF always say the same thing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from logic.content import Corpus

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
DEJAVU_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
# Core PDF fonts only cover Latin-1; without DejaVu these characters are spelled in ASCII.
ASCII_FALLBACK = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-",
                                "…": "...", "•": "-", "\u00a0": " "})
_MARKDOWN_META_RE = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character
_WHITESPACE_RE = re.compile(r"\s+")


@dataclass(frozen=True)
class Block:
    kind: str  # "title" | "heading" | "subheading" | "text" | "note"
    text: str


def escape_markdown(text: str) -> str:
    """Backslash-escape every ASCII punctuation character, so ``text`` renders literally.

    CommonMark allows any ASCII punctuation to be escaped, so this neutralises emphasis, links,
    headings, lists, tables, HTML tags and entities, and Streamlit's ``$`` maths and ``:color[]``
    directives alike. Line breaks become spaces, so no line can start a block.
    """
    return _MARKDOWN_META_RE.sub(r"\\\1", _WHITESPACE_RE.sub(" ", text))


def handbook_blocks(corpus: Corpus, slug: str) -> list[Block]:
    council = corpus.councils[slug]
    blocks = [Block("title", f"{council.name}: {council.source_title}"),
              Block("note", f"{council.kind}. {len(council.clauses)} clauses. "
                            "Text word for word from the published protocol; layout repaired.")]
    for note in council.editorial_notes + council.omissions:
        blocks.append(Block("note", note))
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
            note = f". Editorial note: {clause.note}" if clause.note else ""
            blocks.append(Block("note", f"Topics: {topics}{note}"))
    return blocks


def to_markdown(blocks: list[Block]) -> str:
    out = []
    for block in blocks:
        if block.kind == "title":
            out.append(f"# {block.text}")
        elif block.kind == "heading":
            out.append(f"## {block.text}")
        elif block.kind == "subheading":
            out.append(f"### {block.text}")
        elif block.kind == "note":
            out.append(f"_{block.text}_")
        else:
            out.append(block.text)
    return "\n\n".join(out) + "\n"


def to_pdf(blocks: list[Block]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_margins(18, 18, 18)
    unicode_font = DEJAVU.is_file() and DEJAVU_BOLD.is_file()
    if unicode_font:
        pdf.add_font("DejaVu", "", str(DEJAVU))
        pdf.add_font("DejaVu", "B", str(DEJAVU_BOLD))
    family = "DejaVu" if unicode_font else "Helvetica"
    title = next((b.text for b in blocks if b.kind == "title"), "Protocol Explorer")
    pdf.set_title(title if unicode_font else title.translate(ASCII_FALLBACK))
    pdf.set_lang("en-GB")
    pdf.add_page()
    sizes = {"title": (17, "B"), "heading": (14, "B"), "subheading": (11, "B"), "text": (10.5, ""), "note": (9, "")}
    for block in blocks:
        size, style = sizes[block.kind]
        pdf.set_font(family, style, size)
        text = block.text if unicode_font else block.text.translate(ASCII_FALLBACK).encode(
            "latin-1", "replace").decode("latin-1")
        if block.kind in ("heading", "title"):
            pdf.ln(3)
        pdf.multi_cell(0, size * 0.5, text.replace("**", ""), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)
    return bytes(pdf.output())
