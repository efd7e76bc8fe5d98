"""The review pack for a Standards Committee: a Word document (what councils circulate) and a PDF.

Both are written from one list of :class:`Part` (:func:`pack_parts`), so they say the same thing:
title, date, the two versions compared, the summary counts, the redline, the gaps with peers'
model wording, where the draft parts from most peers, the decision answers that change, and the
text of every clause those answers cite.

The redline never relies on colour: inserted words read "[inserted: ...]" and are underlined,
deleted words read "[deleted: ...]" and are struck through (colour is added on top), and a
legend says so. Protocol text is quoted word for word.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from logic.decisions import ParameterError
from logic.export import pdf_document, pdf_text
from logic.model import Model
from logic.permissions import VERDICT_LABELS
from logic.redline import CHANGE_LABELS, CHANGES, Pair
from logic.review import DecisionChange, Review

FORMATS = {
    "docx": ("Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "pdf": ("PDF", "application/pdf"),
}
INSERTED, DELETED = "inserted", "deleted"
MARKERS = {INSERTED: ("[inserted: ", "]"), DELETED: ("[deleted: ", "]")}
LEGEND = ("How to read the redline: words added in the new version read [inserted: like this] and are "
          "underlined; words taken out read [deleted: like this] and are struck through. Colour (blue for "
          "inserted, red for deleted) is added on top and is never the only sign.")
TRACKED_LEGEND = ("How to read the redline: the changes inside each clause are Word tracked changes (insertions "
                  "underlined, deletions struck through, each marked in the margin), so they can be reviewed, "
                  "accepted or rejected with Word's Review tools.")
TRACKED_AUTHOR = "Protocol Explorer"
MAX_QUOTED_PER_PEER = 3  # model wording quoted in full per peer and topic; the rest are cited by id
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Run:
    text: str
    mark: str = ""  # "" | "bold" | INSERTED | DELETED


@dataclass(frozen=True)
class Part:
    kind: str  # "title" | "heading" | "subheading" | "text" | "note" | "quote" | "table"
    runs: tuple[Run, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()  # a table's rows, the first being its header
    widths: tuple[int, ...] = ()  # a table's relative column widths (equal when empty)

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


def _part(kind: str, text: str) -> Part:
    return Part(kind, (Run(text),))


def _printable(text: str) -> str:
    """Word's XML refuses control characters; an imported file may carry some."""
    return _CONTROL.sub(" ", text)


# ------------------------------------------------------------------ content


def _council_line(model: Model, slug: str) -> str:
    council = model.corpus.councils[slug]
    adopted = f", adopted {council.adopted}" if council.adopted else ", adoption date not stated"
    return f"{council.name}: {council.source_title} ({len(council.clauses)} clauses{adopted}; id prefix '{slug}')"


def _diff_runs(pair: Pair) -> tuple[Run, ...]:
    runs = []
    for op, text in pair.diff:
        if op == "equal":
            runs.append(Run(text))
        else:
            runs.append(Run(text.rstrip(" "), INSERTED if op == "insert" else DELETED))
            if text.endswith(" "):
                runs.append(Run(" "))
    return tuple(runs)


def _pair_heading(pair: Pair) -> str:
    old = f"old {pair.old.number}" if pair.old else ""
    new = f"new {pair.new.number}" if pair.new else ""
    where = " → ".join(filter(None, (old, new)))
    similarity = ""
    if pair.change in ("changed", "moved"):
        similarity = ", wording unchanged" if pair.similarity == 1 else f", words {round(pair.similarity * 100)}% alike"
    return f"{CHANGE_LABELS[pair.change]}: {where}{similarity}"


def _section_note(pair: Pair) -> str:
    if pair.change == "moved":
        return f"Moved from section {pair.old.section} ({pair.old.section_title}) to section " \
               f"{pair.new.section} ({pair.new.section_title})."
    clause = pair.new or pair.old
    return f"Section {clause.section}: {clause.section_title}."


def _redline_parts(review: Review, tracked_changes: bool) -> list[Part]:
    result = review.redline
    parts = [_part("heading", "Redline, clause by clause"),
             _part("note", TRACKED_LEGEND if tracked_changes else LEGEND)]
    unchanged = result.of_kind("same")
    if unchanged:
        parts.append(_part("text", f"Unchanged, same number ({len(unchanged)}): "
                                   + ", ".join(p.new.number for p in unchanged) + "."))
    renumbered = result.of_kind("renumbered")
    if renumbered:
        parts.append(_part("subheading", f"Renumbered, wording unchanged ({len(renumbered)})"))
        parts.append(Part("table", rows=(("Old number", "New number", "Section"),
                                         *((p.old.number, p.new.number, p.new.section_title) for p in renumbered)),
                          widths=(1, 1, 4)))
    shown_groups: set[tuple[str, str]] = set()
    for pair in result.pairs:
        if pair.change in ("same", "renumbered"):
            continue
        if pair.change in ("split", "merged"):
            whole = pair.old if pair.change == "split" else pair.new
            group = (pair.change, whole.id)
            if group not in shown_groups:
                shown_groups.add(group)
                pieces = [p for p in result.pairs if p.change == pair.change
                          and (p.old if pair.change == "split" else p.new).id == whole.id]
                others = ", ".join((p.new if pair.change == "split" else p.old).number for p in pieces)
                heading = (f"Split: old {whole.number} → new {others}" if pair.change == "split"
                           else f"Merged: old {others} → new {whole.number}")
                parts += [_part("subheading", heading), _part("note", _section_note(pair))]
            parts.append(_part("note", f"Part {pair.new.number if pair.change == 'split' else pair.old.number}:"))
            parts.append(Part("text", _diff_runs(pair)))
            continue
        parts += [_part("subheading", _pair_heading(pair)), _part("note", _section_note(pair)),
                  Part("text", _diff_runs(pair))]
    return parts


def _gap_parts(model: Model, review: Review) -> list[Part]:
    corpus, report = model.corpus, review.gaps
    names = {slug: corpus.councils[slug].short_name for slug in (*report.peers, review.new.slug)}
    parts = [_part("heading", "Topics the new version does not address"),
             _part("note", f"Compared with: {', '.join(names[p] for p in report.peers)}. A topic counts as "
                           "addressed when at least one clause is tagged with it. Peers' clauses are quoted word for "
                           "word as model wording; 'shared model text' marks wording other peers share almost word for "
                           "word.")]
    if not report.gaps:
        parts.append(_part("text", "None: every topic a peer addresses is addressed by the new version."))
    for gap in report.gaps:
        parts.append(_part("subheading", gap.label))
        parts.append(_part("text", "Addressed by: " + "; ".join(
            f"{names[peer]} ({', '.join(ids)})" for peer, ids in gap.peers.items()) + "."))
        quoted: dict[str, int] = {}
        cited_only: list[str] = []
        for wording in gap.model_wording:
            peer = wording.clause.council
            if not wording.is_shared and quoted.get(peer, 0) >= MAX_QUOTED_PER_PEER:
                cited_only.append(wording.clause.id)
                continue
            quoted[peer] = quoted.get(peer, 0) + 1
            label = f"{wording.clause.id} ({names[peer]}, {wording.clause.heading})"
            if wording.is_shared:
                label += (" — shared model text: near-identical wording also in "
                          + ", ".join(wording.shared_ids))
            parts += [Part("note", (Run(label, "bold"),)), _part("quote", wording.clause.text)]
        if cited_only:
            parts.append(_part("note", "Also on this topic, not quoted here: " + ", ".join(cited_only) + "."))
    return parts


def _difference_parts(model: Model, review: Review) -> list[Part]:
    names = {slug: c.short_name for slug, c in model.corpus.councils.items()}
    comparison = review.peer_differences
    parts = [_part("heading", "Where the new version differs from most peers")]
    if not comparison.compared:
        return parts + [_part("text", comparison.note)]
    parts.append(_part("note", "Points of the comparison's differences table (who receives a complaint, time limits, "
                               "verdicts) where more than half the peers give one answer and the new version another."))
    if not comparison.differences:
        parts.append(_part("text", "None found."))
    for difference in comparison.differences:
        rows = [("Council", "Answer (clauses)"), (f"{names[comparison.source]} (new version)", str(difference.source))]
        rows += [(names[slug], str(difference.row.cells[slug])) for slug in (*difference.majority, *difference.others)]
        parts += [_part("subheading", difference.row.spec.question),
                  _part("text", f"Most peers ({', '.join(names[s] for s in difference.majority)}): "
                                f"{difference.majority_cell.answer}."),
                  Part("table", rows=tuple(rows), widths=(1, 3))]
    return parts


def _answer_words(data: dict) -> str:
    """An engine's answer (as_dict) in one paragraph, with the clauses it cites."""
    if "verdict" in data:
        cites = f" [{', '.join(data['cites'])}]" if data["cites"] else ""
        return f"{VERDICT_LABELS[data['verdict']]}. {' '.join(data['reasons'])}{cites}"
    if not data["covered"]:
        return f"Not covered. {data['note']}"
    return " ".join(f"{i}. {s['actor_label']}: {s['action']}" + (f" (within {s['within']})" if s["within"] else "")
                    + f" [{', '.join(s['cites'])}]" for i, s in enumerate(data["steps"], 1))


def _decision_parts(review: Review) -> list[Part]:
    decisions = review.decisions
    parts = [_part("heading", "Decision answers that change")]
    if not decisions.compared:
        return parts + [_part("text", decisions.note)]
    parts.append(_part("note", f"Every route scenario and permission question over every combination of its "
                               f"parameters ({decisions.checked} answers compared), answered by the app's engines "
                               "from each version's rules. A clause cited under its new number counts as unchanged."))
    if decisions.unanswered:
        parts.append(_part("note", f"{decisions.unanswered} answer(s) left out: one version has no rule for them yet."))
    if not decisions.changes:
        return parts + [_part("text", "No answer changes.")]
    groups: dict[tuple, list[DecisionChange]] = {}
    for change in decisions.changes:
        groups.setdefault((change.key.kind, change.key.slug, change.what, _answer_words(change.old),
                           _answer_words(change.new)), []).append(change)
    for (_kind, _slug, what, before, after), changes in groups.items():
        when = "; ".join(", ".join(c.assumptions) or "in every case" for c in changes)
        parts += [_part("subheading", changes[0].label),
                  Part("text", (Run("What changes: ", "bold"), Run(what))),
                  _part("note", f"When {when}."),
                  Part("text", (Run("Old: ", "bold"), Run(before))),
                  Part("text", (Run("New: ", "bold"), Run(after)))]
    return parts


def pack_parts(model: Model, review: Review, tracked_changes: bool = False) -> list[Part]:
    """The whole pack as parts, in reading order (``tracked_changes``: the legend for a Word redline
    written as tracked changes)."""
    old, new = review.old, review.new
    summary = review.redline.summary()
    parts = [_part("title", f"Protocol review: {new.name}"),
             _part("text", f"Prepared on {review.date.strftime('%d %B %Y').lstrip('0')} with Protocol Explorer."),
             Part("text", (Run("Old version: ", "bold"), Run(_council_line(model, old.slug)))),
             Part("text", (Run("New version: ", "bold"), Run(_council_line(model, new.slug)))),
             _part("note", "Protocol wording is quoted word for word from the texts as held; layout (line breaks, list "
                           "bullets) is ignored when comparing. Decision answers come from each version's rules."),
             _part("heading", "Summary"),
             Part("table", rows=(("Change", "Clauses"), *((CHANGE_LABELS[c], str(summary[c])) for c in CHANGES)),
                  widths=(3, 1))]
    counts = [f"{len(review.gaps.gaps)} topic(s) addressed by peers but not by the new version"]
    if review.peer_differences.compared:
        counts.append(f"{len(review.peer_differences.differences)} point(s) where it differs from most peers")
    if review.decisions.compared:
        counts.append(f"{len(review.decisions.changes)} decision answer(s) that change")
    else:
        counts.append("decision answers not compared (rules not written for both versions)")
    parts.append(_part("text", "; ".join(counts) + "."))
    parts += _redline_parts(review, tracked_changes) + _gap_parts(model, review) + _difference_parts(model, review)
    parts += _decision_parts(review)
    cited = review.cited_clauses(model.corpus)
    if cited:
        parts.append(_part("heading", "Clauses cited"))
        for clause in cited:
            parts += [Part("note", (Run(f"{clause.id} ({clause.heading})", "bold"),)), _part("quote", clause.text)]
    return parts


# ------------------------------------------------------------------ Word


def to_docx(parts: list[Part], title: str, tracked_changes: bool = False) -> bytes:
    """The pack as a Word document; ``tracked_changes`` writes the redline as real Word revisions
    (``w:ins`` / ``w:del``) instead of bracketed words, for a reader who will accept or reject them."""
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    colours = {INSERTED: RGBColor(0x1F, 0x4E, 0x9A), DELETED: RGBColor(0xA3, 0x1B, 0x1B)}
    document = Document()
    document.core_properties.title = _printable(title)
    document.core_properties.language = "en-GB"
    document.styles["Normal"].font.size = Pt(10.5)
    revisions = iter(range(1, 1 << 30))
    for part in parts:
        if part.kind == "title":
            document.add_heading(_printable(part.text), level=0)
        elif part.kind in ("heading", "subheading"):
            document.add_heading(_printable(part.text), level=1 if part.kind == "heading" else 2)
        elif part.kind == "table":
            table = document.add_table(rows=0, cols=len(part.rows[0]))
            table.style = "Table Grid"
            table.autofit = False
            widths = [Cm(16 * w / sum(part.widths)) for w in part.widths] if part.widths else []
            for column, width in zip(table.columns, widths):
                column.width = width  # the table grid LibreOffice reads; Word reads each cell's
            for index, row in enumerate(part.rows):
                added = table.add_row()
                for cell, value, width in zip(added.cells, row, widths or [None] * len(row)):
                    cell.text = _printable(value)
                    if width:
                        cell.width = width
                    if index == 0:
                        for run in cell.paragraphs[0].runs:
                            run.bold = True
                if index == 0:  # repeat the header row on every page the table spans
                    header = OxmlElement("w:tblHeader")
                    header.set(qn("w:val"), "true")
                    added._tr.get_or_add_trPr().append(header)
            document.add_paragraph()
        elif part.kind == "quote":
            for line in part.text.split("\n"):
                paragraph = document.add_paragraph()
                paragraph.paragraph_format.left_indent = Cm(1)
                paragraph.add_run(_printable(line))
        else:
            paragraph = document.add_paragraph()
            for run in part.runs:
                if run.mark in MARKERS and tracked_changes:
                    _docx_revision(paragraph, run, next(revisions))
                else:
                    _docx_run(paragraph, run, colours, small=part.kind == "note")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx_revision(paragraph, run: Run, revision: int) -> None:
    """A tracked insertion or deletion, as Word writes one: <w:ins><w:r><w:t>, <w:del><w:r><w:delText>."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    change = OxmlElement("w:ins" if run.mark == INSERTED else "w:del")
    change.set(qn("w:id"), str(revision))
    change.set(qn("w:author"), TRACKED_AUTHOR)
    text = OxmlElement("w:t" if run.mark == INSERTED else "w:delText")
    text.set(qn("xml:space"), "preserve")
    text.text = _printable(run.text)
    element = OxmlElement("w:r")
    element.append(text)
    change.append(element)
    paragraph._p.append(change)


def _docx_run(paragraph, run: Run, colours, small: bool) -> None:
    from docx.shared import Pt

    if run.mark in MARKERS:
        opening, closing = MARKERS[run.mark]
        paragraph.add_run(opening).bold = True
        marked = paragraph.add_run(_printable(run.text))
        marked.font.color.rgb = colours[run.mark]
        marked.font.underline = run.mark == INSERTED
        marked.font.strike = run.mark == DELETED
        paragraph.add_run(closing).bold = True
        return
    added = paragraph.add_run(_printable(run.text))
    added.bold = run.mark == "bold"
    if small:
        added.font.size = Pt(9)


# ------------------------------------------------------------------ PDF


def to_pdf(parts: list[Part], title: str) -> bytes:
    pdf, family, unicode_font = pdf_document(title)

    def footer():
        pdf.set_y(-12)
        pdf.set_font(family, "", 8)
        pdf.set_text_color(0)
        pdf.cell(0, 5, pdf_text(f"{title} — page {pdf.page_no()} of {{nb}}", unicode_font), align="C")

    pdf.footer = footer
    pdf.add_page()
    colours = {INSERTED: (31, 78, 154), DELETED: (163, 27, 27)}
    sizes = {"title": (17, "B"), "heading": (14, "B"), "subheading": (11, "B"), "text": (10.5, ""),
             "note": (9, ""), "quote": (10, "")}
    for part in parts:
        if part.kind == "table":
            pdf.set_font(family, "", 9.5)
            with pdf.table(col_widths=part.widths or None, text_align="LEFT", line_height=5, padding=1.2) as table:
                for row in part.rows:
                    cells = table.row()
                    for value in row:
                        cells.cell(pdf_text(_printable(value), unicode_font))
            pdf.ln(3)
            continue
        size, style = sizes[part.kind]
        height = size * 0.55
        if part.kind in ("title", "heading", "subheading"):
            pdf.ln(4 if part.kind != "subheading" else 2)
            pdf.set_font(family, style, size)
            pdf.multi_cell(0, height, pdf_text(_printable(part.text), unicode_font), align="L",
                           new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
            continue
        if part.kind == "quote":
            pdf.set_font(family, "", size)
            pdf.set_x(pdf.l_margin + 8)
            pdf.multi_cell(pdf.epw - 8, height, pdf_text(_printable(part.text), unicode_font), align="L",
                           new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
            continue
        # A text region wraps at spaces across runs of different fonts (write() alone may cut a word).
        with pdf.text_columns(line_height=1.25) as region, region.paragraph(bottom_margin=2) as paragraph:
            for run in part.runs:
                text = pdf_text(_printable(run.text), unicode_font)
                if run.mark in MARKERS:
                    opening, closing = MARKERS[run.mark]
                    pdf.set_font(family, "B", size)
                    paragraph.write(opening)
                    pdf.set_text_color(*colours[run.mark])
                    pdf.set_font(family, "U" if run.mark == INSERTED else "S", size)
                    paragraph.write(text)
                    pdf.set_text_color(0)
                    pdf.set_font(family, "B", size)
                    paragraph.write(closing)
                else:
                    pdf.set_font(family, "B" if run.mark == "bold" else "", size)
                    paragraph.write(text)
    return bytes(pdf.output())


# ------------------------------------------------------------------ entry point


def filename(review: Review, fmt: str) -> str:
    return f"review-{review.old.slug}-to-{review.new.slug}-{review.date.isoformat()}.{fmt}"


def review_pack(model: Model, review: Review, fmt: str, tracked_changes: bool = False) -> bytes:
    """The pack as a file's bytes: ``fmt`` is "docx" or "pdf" (ParameterError otherwise).

    ``tracked_changes`` (Word only) writes the redline as Word revisions instead of bracketed words.
    """
    if fmt not in FORMATS:
        raise ParameterError(f"unknown review pack format '{fmt}'; choose one of: {', '.join(FORMATS)}")
    if tracked_changes and fmt != "docx":
        raise ParameterError("tracked changes exist only in the Word (.docx) pack")
    parts = pack_parts(model, review, tracked_changes)
    title = parts[0].text
    return to_docx(parts, title, tracked_changes) if fmt == "docx" else to_pdf(parts, title)
