"""Split a protocol's plain text into sections and numbered clauses, repairing layout only.

The input is text as a person pastes it or as extraction leaves it (``logic.extract``): wrapped
lines, running page headers and footers, contents lists, Markdown markers, numbers on a line of
their own. The wording is kept exactly; only layout is repaired (lines joined with one space,
page furniture dropped, a hyphen dropped only where it is clearly a line-break hyphen).

How it works, in order (``segment``):

1. **Lines.** CRLF/CR become LF; ``\\f`` separates pages. Markdown heading, list and quote
   markers, horizontal rules and bullet glyphs are taken off each line (remembered as flags).
2. **Page furniture.** With page breaks: lines in the top or bottom three lines of a page that
   repeat on at least half the pages once digits are normalised ("Page 3 of 14", running titles,
   bare page numbers counting with the pages). Without page breaks: lines that are only a page
   number ("Page 3 of 14", "- 3 -") and short lines repeated three or more times, at least
   ``FURNITURE_SPACING`` lines apart (never numbered, lettered or bulleted lines, nor sentences).
3. **Contents list.** A "Contents" heading and the entries after it, runs of dot-leader or
   tab-and-page-number lines, or a run of heading lines at the top that reappear later.
4. **Items.** Each line is a number (``1.``, ``1.1``, ``1.1.``, ``1.2.1It`` run into the text, or
   alone on its line), a lettered item (``(a)``, ``a)``, ``(i)``), a bullet, a heading (short,
   unpunctuated, on its own, followed by a sentence) or text; text lines join the item before them
   unless a paragraph break separates them (a blank line after terminal punctuation; two blank
   lines in a double-spaced document).
5. **Numbering.** A number starts a clause only when it is a plausible next number (the next
   sibling at any level, a first child, or a small gap, reported), so a wrapped "10 working days"
   or a cross-reference at a line start stays text. Top-level numbers with a title are section
   headings. A restart at 1 after a document title is an appended document (prefix ``a2-``); a
   restart at 1 right under a numbered heading is an HTML ordered list (``1.`` under ``3.`` is
   3.1). Lettered items stay inside their numbered clause, except in a section that has only
   lettered items, where each is a clause (``3(c)``). A run of numbers printed apart from their
   text is distributed over the paragraphs that follow, in document order, and reported.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from dataclasses import dataclass, field
from functools import cached_property

MAX_DOCUMENTS = 9  # appended documents are prefixed a2- ... a9- (logic.content.NUMBER_RE)
MAX_LEVELS = 4  # 1.2.3.4, as logic.content.NUMBER_RE allows
MAX_GAP = 3  # numbers skipped that still count as "the next number" (reported as a gap)
HEADING_MAX_WORDS = 16
HEADING_MAX_CHARS = 120
FURNITURE_EDGE_LINES = 3
FURNITURE_MIN_REPEATS = 3
FURNITURE_SPACING = 10  # lines between repeats of a running header at the least (a page is 40-60)
MAX_ANOMALIES_PER_KIND = 30

_NUMBER = re.compile(r"^(?P<num>\d{1,3}(?:\.\d{1,3}){0,3})(?P<dot>\.?)(?P<gap>[ \t]*)(?P<rest>.*)$", re.DOTALL)
_LETTER = re.compile(r"^(?:\((?P<p>[a-z]|[ivx]{2,5})\)|(?P<b>[a-z]|[ivx]{2,5})\))(?:[ \t]+|$)(?P<rest>.*)$",
                     re.DOTALL)
_MD_HEADING = re.compile(r"^#{1,6}[ \t]+")
_MD_LIST = re.compile(r"^[-*+][ \t]+|^[-*+]$")
_QUOTE = re.compile(r"^(?:>[ \t]?)+")
_RULE = re.compile(r"^(?:[-*_][ \t]*){3,}$")
# Bullet glyphs, including the Symbol/Wingdings private-use ones Word exports (U+F0B7 ...).
_BULLET_GLYPH = re.compile("^[\u2022\u2023\u2043\u25aa\u25ab\u25cf\u25e6\u25a0\u00b7\u27a2"
                           "\uf0b7\uf0a7\uf076\uf0d8\uf0fc][ \t]*")
_WRAPPED_EMPHASIS = re.compile(r"^(\*\*|__)(?P<inner>(?:(?!\1).)+)\1$")
_EDGE_EMPHASIS = re.compile(r"^[*_]+|[*_]+$")
_WIDE_AFTER_NUMBER = re.compile(r"^(\(?(?:\d{1,3}(?:\.\d{1,3})*\.?|[a-z]{1,5})\)?)"
                                r"(?:[ \u00a0]*\t|[ \u00a0]{2,})[ \t\u00a0]*")
_WIDE_BEFORE_PAGE = re.compile(r"(?:[ \u00a0]*\t|[ \u00a0]{2,})[ \t\u00a0]*(\d{1,3})$")
_LEADING_EMPHASIS = re.compile(r"^(?:\*\*|__)(?=\d)")  # "**15. Interaction ..." wrapped over two lines
_PAGE_NUMBER = re.compile(r"^(?:page[ \t]+\d{1,4}(?:[ \t]*(?:of|/)[ \t]*\d{1,4})?|\d{1,4}[ \t]*(?:of|/)[ \t]*\d{1,4}"
                          r"|[-\u2013\u2014][ \t]*\d{1,4}[ \t]*[-\u2013\u2014])$", re.IGNORECASE)
_BARE_INTEGER = re.compile(r"^\d{1,4}$")
_CONTENTS_HEADING = re.compile(r"^(?:table of contents|contents|index)$", re.IGNORECASE)
_CONTENTS_ENTRY = re.compile(r"^(?P<entry>\S.*?)"
                             r"(?:[ \t]*(?:\.{2,}|\u2026+|(?:\. ){2,}|_{3,})[ \t]*|\t+[ \t]*|[ \t]{2,})"
                             r"(?P<page>\d{1,3}|[ivxlc]{1,6})$")
_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_TERMINAL = re.compile(r"[.:;!?][\"'\u201d\u2019)\]*_]*$")
_SENTENCE_INSIDE = re.compile(r"[a-z][.!?][ \t]+[A-Z]")
_DOCUMENT_TITLE = re.compile(r"^(?:part|appendix|annex|annexe|schedule)\b", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+")
_LINE_END_HYPHEN = re.compile(r"([^\W\d_]+)-$")
_LIST_ITEM = re.compile(r"^(?:\([a-z]+\)|[a-z]+\)|- )")
_ROMAN = {"i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"}
# A heading line rarely ends with one of these; a wrapped sentence often does.
_FUNCTION_WORDS = frozenset("a an and as at be but by for from in into is are of on or than that the their this to "
                            "under upon via was were will with within which who whose should must may not".split())


@dataclass(frozen=True)
class Anomaly:
    """Something a person should check: what happened, in plain English, and where."""

    kind: str
    message: str
    where: str = ""


@dataclass(frozen=True)
class SegmentedClause:
    number: str  # as printed, no trailing dot, with a document prefix such as "a2-" after a restart
    section: str
    text: str
    title: str = ""
    note: str = ""
    line: int = 0


@dataclass(frozen=True)
class SegmentedSection:
    number: str
    title: str


@dataclass(frozen=True)
class Segmentation:
    title: str
    sections: tuple[SegmentedSection, ...]
    clauses: tuple[SegmentedClause, ...]
    anomalies: tuple[Anomaly, ...]


# ---------------------------------------------------------------- lines


@dataclass
class _Line:
    no: int  # 1-based line number in the input, for anomalies
    text: str  # markers taken off, spaces collapsed
    blanks_before: int = 0
    md_heading: bool = False
    bullet: bool = False


def _collapse(text: str) -> str:
    """Runs of spaces become one; a tab or wide space after a leading number or before a trailing page number
    stays as one tab (it tells a paragraph number from a number wrapped to a line start, and marks
    contents entries)."""
    lead = _WIDE_AFTER_NUMBER.match(text)
    head, text = (lead.group(1) + "\t", text[lead.end():]) if lead else ("", text)
    tail = _WIDE_BEFORE_PAGE.search(text)
    end, text = ("\t" + tail.group(1), text[:tail.start()]) if tail else ("", text)
    return head + _SPACES.sub(" ", text).strip() + end


def _clean(raw: str) -> tuple[str, bool, bool]:
    """A line's text without layout markers: (text, is a Markdown heading, is a bullet item)."""
    text = raw.strip(" \t\u00a0")
    if text[:1] == ">":
        text = _QUOTE.sub("", text).strip(" \t\u00a0")
    text = _collapse(text)
    md_heading = bullet = False
    if text[:1] in ("-", "*", "_", "#", "+"):  # the Markdown markers, checked only where one may start
        if _RULE.match(text):
            return "", False, False
        if _MD_HEADING.match(text):
            text, md_heading = _MD_HEADING.sub("", text).strip(), True
        if _MD_LIST.match(text):
            text, bullet = _collapse(_MD_LIST.sub("", text, count=1).strip()), True
    if not bullet and _BULLET_GLYPH.match(text):
        text, bullet = _collapse(_BULLET_GLYPH.sub("", text, count=1).strip()), True
    if text[:1] in ("*", "_"):
        wrapped = _WRAPPED_EMPHASIS.match(text)
        text = wrapped.group("inner").strip() if wrapped else _LEADING_EMPHASIS.sub("", text)
    return text, md_heading, bullet


def _normalised(text: str) -> str:
    return _DIGITS.sub("#", _SPACES.sub(" ", text).strip().lower())


def _is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(text))


def _furniture_in_pages(pages: list[list[tuple[int, str]]]) -> set[int]:
    """Positions of running headers/footers: edge lines that repeat on half the pages or more."""
    if len(pages) < 2:
        return set()
    edges: list[list[tuple[int, str]]] = []
    for page in pages:
        content = [(no, text) for no, text in page if text.strip()]
        edges.append(content[:FURNITURE_EDGE_LINES] + content[-FURNITURE_EDGE_LINES:])
    seen_on = Counter()
    for edge in edges:
        for form in {_normalised(text) for _, text in edge}:
            seen_on[form] += 1
    need = max(2, (len(pages) + 1) // 2)
    # A bare number is a page number only when it counts with the pages (number - page index constant).
    offsets = Counter(int(t.strip()) - i for i, e in enumerate(edges) for _, t in e if _BARE_INTEGER.match(t.strip()))
    page_offset = offsets.most_common(1)[0][0] if offsets and offsets.most_common(1)[0][1] >= need else None
    furniture: set[int] = set()
    for page_index, edge in enumerate(edges):
        for no, text in edge:
            stripped = text.strip()
            if _numbered(stripped) and not _BARE_INTEGER.match(stripped):
                continue  # paragraph numbers ("5.8.", "3. Roles") often open a page; they are not furniture
            if _BARE_INTEGER.match(stripped):
                if page_offset is not None and int(stripped) - page_index == page_offset:
                    furniture.add(no)
            elif _is_page_number(stripped) or seen_on[_normalised(text)] >= need:
                furniture.add(no)
    return furniture


def _numbered(text: str) -> bool:
    """A line opening with a paragraph number ("1. Section heading"): a heading or clause, never furniture."""
    return _number_parts(text) is not None


def _marker_only(text: str) -> bool:
    """A line that is only a paragraph number or list letter (never page furniture by repetition)."""
    match = _NUMBER.match(text)
    if match and not match.group("rest"):
        return True
    return bool(_LETTER.match(text)) and not _LETTER.match(text).group("rest")


def _repeated_furniture(lines: list[tuple[int, tuple[str, bool, bool]]]) -> set[int]:
    """Without page breaks: page-number lines, and short lines that recur three or more times spread through the
    text (digits normalised), such as a running title. Never a numbered, lettered or bulleted line or a sentence."""
    furniture: set[int] = set()
    places: dict[str, list[int]] = {}
    for index, (text, _, bullet) in lines:
        if not text:
            continue
        if _is_page_number(text):
            furniture.add(index)
            continue
        form = _normalised(text)
        if (len(text) <= 100 and not bullet and not _numbered(text) and not _letter_parts(text)
                and not text[:1].islower() and (len(form.split()) >= 3 or "#" in form)
                and (not _TERMINAL.search(text) or "#" in form)):
            places.setdefault(form, []).append(index)
    for where in places.values():
        if len(where) >= FURNITURE_MIN_REPEATS and min(b - a for a, b in zip(where, where[1:])) >= FURNITURE_SPACING:
            furniture.update(where)
    return furniture


def _split_lines(text: str) -> tuple[list[_Line], list[Anomaly]]:
    """The text's lines, cleaned, with page furniture removed, and what was removed."""
    pages: list[list[tuple[int, tuple[str, bool, bool]]]] = [[]]
    for no, raw in enumerate(text.split("\n"), 1):
        parts = raw.split("\f")
        pages[-1].append((no, _clean(parts[0])))
        for part in parts[1:]:
            pages.append([(no, _clean(part))])
    # Furniture is found by position in this flat list: a line holding a form feed is two entries.
    flat = [line for page in pages for line in page]
    if len(pages) >= 2:
        index, numbered_pages = 0, []
        for page in pages:
            numbered_pages.append([(index + i, cleaned[0]) for i, (_, cleaned) in enumerate(page)])
            index += len(page)
        furniture = _furniture_in_pages(numbered_pages)
        how = f"at the top or bottom of {len(pages)} pages"
    else:
        furniture = _repeated_furniture([(i, cleaned) for i, (_, cleaned) in enumerate(flat)])
        how = "repeated through the text"
    anomalies = []
    if furniture:
        removed = Counter(flat[i][1][0] for i in furniture)
        shown = "; ".join(f"'{t}'" + (f" ({c} times)" if c > 1 else "") for t, c in removed.most_common(4))
        more = f" and {len(removed) - 4} other forms" if len(removed) > 4 else ""
        anomalies.append(Anomaly("removed-header-footer",
                                 f"Removed {sum(removed.values())} line(s) taken for page headers, footers or "
                                 f"page numbers ({how}): {shown}{more}.", f"line {flat[min(furniture)][0]}"))
    lines: list[_Line] = []
    blanks = 0
    for i, (no, (text_, md_heading, bullet)) in enumerate(flat):
        if i in furniture:
            continue
        if not text_:  # blank, or an empty bullet left by extraction
            blanks += 1
            continue
        lines.append(_Line(no, text_, blanks, md_heading, bullet))
        blanks = 0
    return lines, anomalies


# ---------------------------------------------------------------- contents list


def _contents_entry(text: str) -> str | None:
    match = _CONTENTS_ENTRY.match(text)
    return match.group("entry").strip(" .") if match else None


def _entry_number(text: str) -> tuple[int, ...] | None:
    parts = _number_parts(text)
    if not parts:
        return None
    number = parts[0]
    return number[:-1] if len(number) >= 2 and number[-1] == 0 else number


def _skip_contents(lines: list[_Line]) -> tuple[list[_Line], list[Anomaly]]:
    """Drop a contents list near the top: its lines are not clauses."""
    limit = max(40, len(lines) // 4)
    later = _LazyCounter(lambda: Counter(_normalised(line.text) for line in lines))  # built only if needed
    start = next((i for i, line in enumerate(lines[:limit]) if _CONTENTS_HEADING.match(line.text.strip(" :*_#"))),
                 None)
    if start is not None:
        end = start + 1
        seen: set[str] = set()
        while end < len(lines):
            text = lines[end].text
            entry = _contents_entry(text)
            body = entry or text
            parts = _number_parts(body)
            key = f"{_format(_entry_number(body))} {_normalised(parts[2])}" if parts else _normalised(body)
            if key in seen:
                break  # the real heading the first entries pointed to
            if not (entry or (parts and _title_like(parts[2] or "x")) or _BARE_INTEGER.match(text)
                    or (_title_like(text) and later[_normalised(text)] >= 2)):
                break
            seen.add(key)
            end += 1
    else:
        # Without a heading: a run of three or more dot-leader / page-number entries before any clause text.
        run = [i for i, line in enumerate(lines[:limit]) if _contents_entry(line.text)]
        if len(run) < 3 or run[-1] - run[0] + 1 != len(run):
            return _skip_heading_run(lines, later)
        start, end = run[0], run[-1] + 1
    anomaly = Anomaly("contents-list", f"Skipped a contents list of {end - start} line(s); "
                      "its entries are not clauses.", f"line {lines[start].no}")
    return lines[:start] + lines[end:], [anomaly]


class _LazyCounter:
    """A Counter computed on first use."""

    def __init__(self, build):
        self.build, self.counts = build, None

    def __getitem__(self, key: str) -> int:
        if self.counts is None:
            self.counts = self.build()
        return self.counts[key]


def _skip_heading_run(lines: list[_Line], later: _LazyCounter) -> tuple[list[_Line], list[Anomaly]]:
    """A contents list with no heading and no page numbers: numbered titles at the top printed again later."""
    run_end = 0
    seen: set[str] = set()
    for i, line in enumerate(lines):
        match = _NUMBER.match(line.text)
        key = _normalised(line.text)
        if not (match and _title_like(match.group("rest")) and later[key] >= 2) or key in seen:
            break
        seen.add(key)
        run_end = i + 1
    if run_end < 3:
        return lines, []
    anomaly = Anomaly("contents-list", f"Skipped a contents list of {run_end} heading line(s) printed again below.",
                      f"line {lines[0].no}")
    return lines[run_end:], [anomaly]


# ---------------------------------------------------------------- classifying lines


def _title_like(text: str) -> bool:
    """Short, unpunctuated at the end and not a sentence: could be a heading."""
    text = _EDGE_EMPHASIS.sub("", text).strip()
    if not text or len(text) > HEADING_MAX_CHARS or len(text.split()) > HEADING_MAX_WORDS:
        return False
    if text[-1] in ".,;:!?" or _SENTENCE_INSIDE.search(text):
        return False
    first = next((c for c in text if c.isalnum()), "")
    return bool(first) and (first.isupper() or first.isdigit())


def _starts_upper(text: str) -> bool:
    first = next((c for c in text if c.isalnum()), "")
    return bool(first) and (first.isupper() or first.isdigit())


def _starts_capital(text: str) -> bool:
    first = next((c for c in text if c.isalnum()), "")
    return first.isupper()


def _number_parts(text: str) -> tuple[tuple[int, ...], str, str] | None:
    """(number, as printed without a trailing dot, rest) when ``text`` starts with a paragraph number."""
    match = _NUMBER.match(text)
    if not match:
        return None
    num, dot, gap, rest = match.group("num"), match.group("dot"), match.group("gap"), match.group("rest")
    if rest and not gap and not (("." in num or dot) and rest[0].isupper()):
        return None  # run into the text ("1.2.1It", an overrun tab stop) only for dotted numbers before a capital
    if (rest and not _starts_upper(rest) and rest[0] not in "\"'\u201c\u2018(*_" and not _LETTER.match(rest)
            and "\t" not in gap and len(gap) < 2):
        return None  # "10 working days" wrapped to a line start (not "3.1 a) ...", "1.2<tab>where ...")
    parts = tuple(int(p) for p in num.split("."))
    if any(p == 0 for p in parts[:-1]) or (parts[-1] == 0 and len(parts) == 1):
        return None
    return parts, num, rest


def _letter_parts(text: str) -> tuple[str, str, str] | None:
    """(letter, marker as printed, rest) for ``(a) ...``, ``a) ...``, ``(iv) ...``."""
    match = _LETTER.match(text)
    if not match:
        return None
    label = match.group("p") or match.group("b")
    marker = f"({label})" if match.group("p") else f"{label})"
    return label, marker, match.group("rest")


@dataclass
class _Item:
    kind: str  # "number" | "letter" | "bullet" | "heading" | "text"
    line: int
    lines: list[str] = field(default_factory=list)  # text lines, joined later
    number: tuple[int, ...] = ()
    printed: str = ""
    marker: str = ""
    brk: bool = True  # a paragraph break before this item
    first: str = ""  # a number's line as printed, kept in case the number turns out to be text


class _Classifier:
    """Turns lines into items: numbers, letters, bullets, headings and joined paragraphs of text."""

    def __init__(self, lines: list[_Line]):
        self.lines = lines
        gaps = [line.blanks_before for line in lines[1:]]
        # Double-spaced text (a blank line after every line, or after most lines with paragraphs two or more
        # blank lines apart) breaks paragraphs only at two or more blanks.
        single = sum(1 for g in gaps if g == 1)
        multi = sum(1 for g in gaps if g >= 2)
        double = single > 0.5 * len(gaps) or (multi >= 3 and multi >= 0.15 * (single + multi))
        self.break_blanks = 2 if gaps and double else 1
        lengths = sorted(len(line.text) for line in lines if line.text)
        self.full_width = lengths[int(0.9 * (len(lengths) - 1))] if lengths else 80
        self.is_heading = [False] * len(lines)
        self._find_headings()

    def _boundary_before(self, i: int) -> bool:
        if i == 0:
            return True
        prev = self.lines[i - 1]
        return (self.lines[i].blanks_before >= self.break_blanks or bool(_TERMINAL.search(prev.text))
                or self.is_heading[i - 1] or prev.md_heading or _marker_only(prev.text))

    def _plain(self, i: int) -> bool:
        text = self.lines[i].text
        return not (self.lines[i].bullet or _number_parts(text) or _letter_parts(text))

    def _find_headings(self) -> None:
        lines = self.lines
        i = 0
        while i < len(lines):
            line = lines[i]
            if line.md_heading and self._plain(i):
                self.is_heading[i] = True
                i += 1
                continue
            end = self._heading_run(i)
            if end is None:
                i += 1
                continue
            for j in range(i, end + 1):
                self.is_heading[j] = True
            i = end + 1

    def _heading_run(self, i: int) -> int | None:
        """The last line of a heading starting at line ``i``, or None when ``i`` is not a heading."""
        lines = self.lines
        if not (self._plain(i) and _title_like(lines[i].text) and self._boundary_before(i)):
            return None
        words = 0
        for j in range(i, len(lines)):
            text = lines[j].text
            caps = text.isupper() and lines[i].text.isupper()
            # A heading wraps onto a short lower-case line ("... County Council" / "documents") or stays in capitals.
            if j > i and not (self._plain(j) and _title_like(text[:1].upper() + text[1:])
                              and (caps or (text[:1].islower() and len(text) < 0.5 * self.full_width))):
                return None
            if j > i and lines[j].blanks_before >= self.break_blanks and not text.isupper():
                return None
            words += len(text.split())
            if words > HEADING_MAX_WORDS:
                return None
            nxt = lines[j + 1] if j + 1 < len(lines) else None
            # A heading is followed by a sentence, a number or a list item, never by a lower-case continuation.
            ends = (nxt is None or not self._plain(j + 1)
                    or (_starts_capital(nxt.text) and not (nxt.text.isupper() and text.isupper())))
            if ends:
                return j if self._shaped_like_heading(i, j) else None
        return None

    def _shaped_like_heading(self, i: int, j: int) -> bool:
        """Rule out the first line of a wrapped paragraph that happens to be short and unpunctuated."""
        last = self.lines[j].text
        if self.lines[i].md_heading or last.isupper():
            return True
        for line in self.lines[i:j + 1]:
            if (_WORD.findall(line.text.lower()) or [""])[-1] in _FUNCTION_WORDS:
                return False
        return i != j or len(last) < 0.8 * self.full_width

    def items(self) -> list[_Item]:
        items: list[_Item] = []
        for i, line in enumerate(self.lines):
            text = line.text.replace("\t", " ")
            if self.is_heading[i]:
                if items and items[-1].kind == "heading" and i > 0 and self.is_heading[i - 1] \
                        and line.blanks_before < self.break_blanks and not line.md_heading:
                    items[-1].lines.append(text)  # a heading wrapped over two lines
                else:
                    items.append(_Item("heading", line.no, [_EDGE_EMPHASIS.sub("", text).strip()]))
                continue
            number = _number_parts(line.text)
            letter = _letter_parts(line.text) if not number else None
            if number:
                parts, printed, rest = number
                rest = rest.replace("\t", " ")
                items.append(_Item("number", line.no, [rest] if rest else [], parts, printed, first=text))
            elif letter:
                label, marker, rest = letter
                rest = rest.replace("\t", " ")
                items.append(_Item("letter", line.no, [rest] if rest else [], printed=label, marker=marker))
            elif line.bullet:
                items.append(_Item("bullet", line.no, [text] if text else []))
            elif items and self._joins(items[-1], line, i):
                items[-1].lines.append(text)
            else:
                brk = not items or items[-1].kind == "heading" or self._breaks(line, i)
                items.append(_Item("text", line.no, [text], brk=brk))
        return [item for item in items if item.kind != "bullet" or item.lines]

    def _breaks(self, line: _Line, i: int) -> bool:
        prev = self.lines[i - 1] if i else None
        return prev is None or (line.blanks_before >= self.break_blanks and bool(_TERMINAL.search(prev.text)))

    def _joins(self, item: _Item, line: _Line, i: int) -> bool:
        if item.kind == "heading":
            return False
        if item.kind in ("number", "letter", "bullet") and not item.lines:
            return True  # a number or letter alone on its line: the text follows
        return not self._breaks(line, i)


# ---------------------------------------------------------------- joining wrapped lines


class _Joiner:
    """Joins wrapped lines with one space; drops a line-end hyphen only where it is clearly a break."""

    def __init__(self, text: str):
        self.text = text

    @cached_property
    def words(self) -> Counter:
        return Counter(w.lower() for w in _WORD.findall(self.text))

    @cached_property
    def hyphenated(self) -> set[str]:
        return {m.group(0).lower() for m in re.finditer(r"[^\W\d_]+-[^\W\d_]+", self.text)}

    def join(self, lines: list[str]) -> str:
        pieces: list[str] = []  # each line once, with what joins it to the next: " ", "" (a hyphen) or dropped
        for line in lines:
            line = line.strip()
            if not line:
                continue
            if pieces:
                pieces.append(self._joint(pieces, line))
            pieces.append(line)
        return "".join(pieces)

    def _joint(self, pieces: list[str], line: str) -> str:
        """What goes between the line before (``pieces[-1]``, which may lose its last character) and ``line``."""
        before = pieces[-1]
        if before.endswith("\u00ad"):  # a soft hyphen is always a line-break hyphen
            pieces[-1] = before[:-1]
            return ""
        head = _LINE_END_HYPHEN.search(before[-60:])
        if not head or not line[:1].isalpha():
            return " "
        tail = _WORD.match(line)
        tail = tail.group(0) if tail else ""
        joined = (head.group(1) + tail).lower()
        if line[0].islower() and self.words[joined] and f"{head.group(1)}-{tail}".lower() not in self.hyphenated:
            pieces[-1] = before[:-1]  # "govern-" + "ment": "government" appears elsewhere, unhyphenated
        return ""  # otherwise a real hyphen at the line end: "pre-" + "application"


# ---------------------------------------------------------------- numbering


def _gap(cur: tuple[int, ...], new: tuple[int, ...]) -> int | None:
    """How many numbers ``new`` skips after ``cur`` (0 = the very next), or None if implausible."""
    if not cur:
        if new[0] <= 20 and (len(new) == 1 or (len(new) == 2 and new[1] == 1)):
            return 0
        return None
    best = None
    if len(new) == len(cur) + 1 and new[:-1] == cur and 1 <= new[-1] <= 1 + MAX_GAP:
        best = new[-1] - 1
    for level in range(len(cur)):
        if len(new) < level + 1 or new[:level] != cur[:level]:
            continue
        step = new[level] - cur[level]
        deeper = new[level + 1:]
        if 1 <= step <= 1 + MAX_GAP and all(x == 1 for x in deeper):
            gap = step - 1
            best = gap if best is None else min(best, gap)
    return best


def _format(number: tuple[int, ...]) -> str:
    return ".".join(str(n) for n in number)


def _next_letter(prev: str | None, label: str) -> int | None:
    """Letters skipped after ``prev`` (0 = the next one), None if ``label`` is not a following letter."""
    if len(label) != 1:
        return None
    if prev is None:
        return 0 if label == "a" else None
    step = ord(label) - ord(prev)
    return step - 1 if 1 <= step <= 1 + MAX_GAP else None


@dataclass
class _Clause:
    number: str
    section: str
    line: int
    title: str = ""
    parts: list[str] = field(default_factory=list)
    note: str = ""

    def add(self, text: str, new_paragraph: bool = True, joiner: str = "\n\n") -> None:
        text = text.strip()
        if not text:
            return
        if not self.parts:
            self.parts.append(text)
        elif new_paragraph:
            self.parts.append(joiner + text)
        else:
            self.parts.append(" " + text)

    @property
    def text(self) -> str:
        return "".join(self.parts).strip()


class _Segmenter:
    def __init__(self, items: list[_Item], joiner: _Joiner):
        self.items = items
        self.joiner = joiner
        self.sections: dict[str, str] = {}
        self.clauses: list[_Clause] = []
        self.anomalies: list[Anomaly] = []
        self.title_parts: list[str] = []
        self.prefix = ""
        self.document = 1
        self.cur: tuple[int, ...] = ()  # the last number: a clause, or (S,) for a section heading
        self.section_number: int | None = None
        self.letter: str | None = None  # last lettered clause in a section of lettered items only
        self.html = False  # paragraph numbers restart at 1 under each numbered heading
        self.pending: list[_Item] = []  # unnumbered headings waiting for what follows
        self.queue: list[_Item] = []  # numbers printed alone, waiting for their text
        self.detached: deque[_Item] = deque()
        self.reconstructed: list[str] = []  # clause numbers given to paragraphs from a detached run
        self.reconstructed_run = ""  # that run as printed
        self.reported_html = False
        self.part_title = ""  # an appended document's title, kept as the title of its first clause

    # -- helpers
    def _where(self, item: _Item) -> str:
        return f"line {item.line}"

    def _text(self, item: _Item) -> str:
        return self.joiner.join(item.lines)

    def _section_key(self, number: int) -> str:
        return f"{self.prefix}{number}"

    def _clause(self) -> _Clause | None:
        return self.clauses[-1] if self.clauses else None

    def _open_section(self, number: int, title: str, item: _Item) -> None:
        key = self._section_key(number)
        if key in self.sections and self.sections[key]:
            self.anomalies.append(Anomaly("numbering-repeat", f"Section {key} is headed twice.", self._where(item)))
        self.sections[key] = title or self.sections.get(key, "")
        self.section_number = number
        self.cur = (number,)
        self.letter = None

    def _open_clause(self, number: str, section: int, item: _Item, note: str = "") -> _Clause:
        key = self._section_key(section)
        title = ""
        if any(p.kind != "heading" for p in self.pending):
            self._flush_pending_into_clause()
        if self.pending:
            heading = " ".join(self._text(p) for p in self.pending)
            if key not in self.sections:
                self.sections[key] = heading  # an unnumbered (e.g. upper-case) section heading
            else:
                title = heading
            self.pending = []
        self.sections.setdefault(key, "")
        if self.part_title:
            title, self.part_title = " – ".join(filter(None, [self.part_title, title])), ""
        if self.section_number != section:
            self.section_number = section
            self.letter = None
        clause = _Clause(f"{self.prefix}{number}", key, item.line, title=title, note=note)
        self.clauses.append(clause)
        return clause

    def _report_gap(self, gap: int, item: _Item, printed: str) -> None:
        if gap:
            after = f"{self.prefix}{_format(self.cur)}" if self.cur else "the start"
            self.anomalies.append(Anomaly("numbering-gap", f"Numbering jumps from {after} to {self.prefix}{printed}; "
                                          f"{gap} number(s) missing.", self._where(item)))

    def _flush_pending_into_clause(self) -> None:
        """Unnumbered headings followed by text, not by a number: keep their words in the current clause."""
        clause = self._clause()
        for heading in self.pending:
            text = self._text(heading)
            if clause is None:
                self.title_parts.append(text)
                continue
            clause.add(text)
            if heading.kind != "heading":
                continue
            self.anomalies.append(Anomaly("unnumbered-heading", f"An unnumbered heading '{text[:80]}' inside "
                                          f"{clause.number} was kept in that clause's text.", self._where(heading)))
        self.pending = []

    # -- the main loop
    def run(self) -> None:
        for index, item in enumerate(self.items):
            if item.kind == "number" and not item.lines and not self.detached:
                self.queue.append(item)
                continue
            if self.queue:
                self._resolve_queue(item)
            if self.detached:
                if item.kind == "number":
                    self._leftover_detached(item)
                else:
                    self._detached_item(item)
                    continue
            self._item(item, index)
        if self.queue:
            for queued in self.queue:
                self._number(queued, len(self.items))
            self.queue = []
        if self.detached:
            self._leftover_detached(None)
        if self.pending:
            self._flush_pending_into_clause()
        self._finish_reconstruction()

    def _item(self, item: _Item, index: int) -> None:
        if item.kind == "number":
            self._number(item, index)
        elif item.kind == "heading":
            self._heading(item)
        elif item.kind == "letter":
            self._letter(item)
        else:
            self._text_item(item)

    # -- numbers printed apart from their text
    def _resolve_queue(self, item: _Item) -> None:
        queue, self.queue = self.queue, []
        clause_level = [q for q in queue if len(self._normal(q.number)) >= 2]
        if len(clause_level) <= 1 or item.kind == "number":
            for queued in queue:
                self._number(queued, None)
            return
        # A run of numbers with no text between them: extraction moved them away from their paragraphs.
        self.detached = deque(queue)
        self.reconstructed_run = ", ".join(q.printed for q in queue)

    def _detached_item(self, item: _Item) -> None:
        head = self.detached[0]
        head_number = self._normal(head.number)
        if item.kind == "heading":
            if len(head_number) == 1:
                self.detached.popleft()
                self._open_section(head_number[0], self._text(item), item)
            else:
                self.pending.append(item)
            return
        if item.kind == "text" and item.brk and self.section_number is not None:
            last = self.cur[1] if len(self.cur) >= 2 and self.cur[0] == self.section_number else 0
            expected = (self.section_number, last + 1)
            if head_number == expected:
                self.detached.popleft()
                note = "Paragraph number printed apart from its text, in a run of numbers; assigned by document order."
            else:
                note = "Paragraph number reconstructed by document order: the source prints no number for this text."
            clause = self._open_clause(_format(expected), self.section_number, item, note)
            self.reconstructed.append(clause.number)
            self.cur = expected
            clause.add(self._text(item))
            return
        self._item(item, -1)

    def _leftover_detached(self, item: _Item | None) -> None:
        left = ", ".join(q.printed for q in self.detached)
        self.anomalies.append(Anomaly("unplaced-paragraph", f"Paragraph number(s) {left} printed apart from any text "
                                      "could not be matched to a paragraph.", self._where(item) if item else ""))
        self.detached.clear()

    def _finish_reconstruction(self) -> None:
        if self.reconstructed:
            self.anomalies.append(Anomaly(
                "reconstructed-numbering",
                f"The numbers {self.reconstructed_run} were printed in a run, apart from their text; the paragraphs "
                f"after them were numbered by document order as {', '.join(self.reconstructed)}. Check them "
                "against the original.", ""))

    # -- numbers
    @staticmethod
    def _normal(number: tuple[int, ...]) -> tuple[int, ...]:
        """``6.0`` is the heading number of section 6."""
        return number[:-1] if len(number) >= 2 and number[-1] == 0 else number

    def _next_top_number(self, index: int | None) -> tuple[int, ...] | None:
        if index is None:
            return None
        for later in self.items[index + 1:]:
            if later.kind == "number":
                return self._normal(later.number)
        return None

    def _number(self, item: _Item, index: int | None) -> None:
        number = self._normal(item.number)
        printed = _format(number) if number != item.number else item.printed
        rest = self._text(item)
        titled = bool(rest) and _title_like(rest)
        if self.html and number == (1,) and self.pending and self._restart(item, number, titled):
            self._open_section(1, _EDGE_EMPHASIS.sub("", rest).strip(), item)
            return
        if self.html and len(number) == 1 and self._html_number(item, number, rest, titled, index):
            return
        gap = _gap(self.cur, number)
        if gap is None and self._restart(item, number, titled):
            gap = 0
        if gap is None:
            if self._html_start(number):
                self._html_number(item, number, rest, titled, index)
                return
            if number == self.cur and self.clauses:
                self._repeat(item, printed, rest)
                return
            self._as_text(item)
            return
        if len(number) >= 2 and self.html:
            self.html = False
        self._report_gap(gap, item, printed)
        if len(number) == 1 and (not rest or titled):
            self._flush_pending_into_clause()
            self._open_section(number[0], _EDGE_EMPHASIS.sub("", rest).strip(), item)
            return
        clause = self._open_clause(printed, number[0], item)
        self.cur = number
        clause.add(rest)

    def _restart(self, item: _Item, number: tuple[int, ...], titled: bool) -> bool:
        """Numbering back at 1 after a new document's title: an appended document, numbered with a prefix."""
        if number not in ((1,), (1, 1)) or not self.cur or self.cur[0] < 2 or self.document >= MAX_DOCUMENTS:
            return False
        titles = [self._text(p) for p in self.pending if p.kind == "heading"]
        if not titles and not (number == (1,) and titled):
            return False
        for preamble in (p for p in self.pending if p.kind != "heading"):
            self.anomalies.append(Anomaly("unplaced-paragraph", "Text between an appended document's title and its "
                                          f"first number is in no clause: '{self._text(preamble)[:80]}'.",
                                          self._where(preamble)))
        self.document += 1
        self.prefix = f"a{self.document}-"
        self.pending = []
        title = self.part_title = " ".join(titles)
        shown = f" under '{title[:80]}'" if title else " with no title before it"
        self.anomalies.append(Anomaly("restart", f"Numbering restarts at 1{shown}: read as an appended document; "
                                      f"its numbers carry the prefix '{self.prefix}' (for example {self.prefix}1.1).",
                                      self._where(item)))
        self.cur = ()
        self.section_number = None
        self.html = False
        return True

    def _html_start(self, number: tuple[int, ...]) -> bool:
        """``1.`` right under a numbered heading: paragraph numbers restart under each heading."""
        return number == (1,) and len(self.cur) == 1 and self.section_number == self.cur[0]

    def _html_number(self, item: _Item, number: tuple[int, ...], rest: str, titled: bool, index: int | None) -> bool:
        section = self.section_number
        if section is None:
            return False
        n = number[0]
        stack = list(self.cur[1:]) if self.cur[:1] == (section,) else []
        heading_next = titled and n == section + 1
        options: list[tuple[int, int]] = []  # (gap, depth): depth = how many levels of the stack to keep
        for depth in range(len(stack), 0, -1):
            if stack[depth - 1] < n <= stack[depth - 1] + 1 + MAX_GAP:
                options.append((n - stack[depth - 1] - 1, depth))
        if n == 1 and len(stack) < MAX_LEVELS - 1:  # a nested list: 3.4 then "1." is 3.4.1
            options.append((0, len(stack) + 1))
        exact = [o for o in options if o[0] == 0]
        if heading_next and (not exact or (exact[0][1] == 1 and self._next_top_number(index) == (1,))):
            self._open_section(n, _EDGE_EMPHASIS.sub("", rest).strip(), item)
            return True
        chosen = exact[0] if exact else (min(options) if options else None)
        if chosen is None:
            if titled and section + 1 < n <= section + 1 + MAX_GAP:
                self._report_gap(n - section - 1, item, str(n))
                self._open_section(n, _EDGE_EMPHASIS.sub("", rest).strip(), item)
                return True
            return False
        gap, depth = chosen
        new = (section, *stack[:depth - 1], n) if depth <= len(stack) else (section, *stack, n)
        if gap:
            self._report_gap(gap, item, _format(new))
        if not self.html:
            self.html = True
        if not self.reported_html:
            self.reported_html = True
            self.anomalies.append(Anomaly(
                "restart", f"Paragraph numbers restart at 1 under each numbered heading (as in a list pasted from a "
                f"web page): '{item.printed}.' under heading {self.prefix}{section} is read as {self.prefix}"
                f"{_format(new)}.", self._where(item)))
        clause = self._open_clause(_format(new), section, item)
        self.cur = new
        clause.add(rest)
        return True

    def _repeat(self, item: _Item, printed: str, rest: str) -> None:
        clause = self._clause()
        self.anomalies.append(Anomaly("numbering-repeat", f"The number {self.prefix}{printed} appears twice; the "
                                      f"second paragraph was kept in {clause.number}.", self._where(item)))
        clause.add(rest)

    def _as_text(self, item: _Item) -> None:
        """An implausible number (a wrapped "10 working days", a cross-reference): it is text."""
        if not item.lines:
            self.anomalies.append(Anomaly("unplaced-paragraph", f"The number '{item.first}' on a line of its own "
                                          "does not follow the numbering and was left out.", self._where(item)))
            return
        continued = item.lines[1:] if item.first != item.printed else item.lines
        self._text_item(_Item("text", item.line, [item.first, *continued], brk=False))

    # -- headings, letters, text
    def _heading(self, item: _Item) -> None:
        text = self._text(item)
        if not self.clauses and not self.sections:
            self.title_parts.append(text)
            return
        key = self._section_key(self.section_number) if self.section_number is not None else None
        clause = self._clause()
        untitled = key is not None and not self.sections.get(key)
        if untitled and (clause is None or clause.section != key or not clause.parts):
            self.sections[key] = text  # a heading printed after its section number (and maybe the first clause's)
            return
        self.pending.append(item)

    def _letter(self, item: _Item) -> None:
        if self.pending and not self._letter_clause_possible():
            self._flush_pending_into_clause()
        rest = self._text(item)
        clause = self._clause()
        section = self.section_number
        in_letter_section = section is not None and self.cur == (section,)
        if in_letter_section:
            roman_sub = item.printed in _ROMAN and _next_letter(self.letter, item.printed) is None
            gap = None if roman_sub else _next_letter(self.letter, item.printed)
            if gap is not None:
                number = f"{section}({item.printed})"
                if gap:
                    self.anomalies.append(Anomaly("numbering-gap", f"Lettered items jump from ({self.letter}) to "
                                                  f"({item.printed}) in section {self._section_key(section)}.",
                                                  self._where(item)))
                clause = self._open_clause(number, section, item)
                self.letter = item.printed
                clause.add(f"{item.marker} {rest}".strip())
                return
        if clause is None:
            self._before_first_number(item, f"{item.marker} {rest}")
            return
        clause.add(f"{item.marker} {rest}".strip(), joiner="\n\n" if not self._ends_list(clause) else "\n")

    def _letter_clause_possible(self) -> bool:
        return self.section_number is not None and self.cur == (self.section_number,)

    @staticmethod
    def _ends_list(clause: _Clause) -> bool:
        """The clause's last part is a list item: the next item follows on the next line (else after a blank one)."""
        last = clause.parts[-1].lstrip("\n") if clause.parts else ""
        return bool(_LIST_ITEM.match(last))

    def _text_item(self, item: _Item) -> None:
        if item.kind == "bullet":
            clause = self._clause()
            text = self._text(item)
            if clause is None:
                self._before_first_number(item, text)
            else:
                clause.add(f"- {text}", joiner="\n" if self._ends_list(clause) else "\n\n")
            return
        if self.pending:
            if any(_DOCUMENT_TITLE.search(self._text(p)) or self._text(p).isupper() for p in self.pending):
                self.pending.append(item)  # maybe a new document's title and preamble: wait for its number
                return
            self._flush_pending_into_clause()
        clause = self._clause()
        text = self._text(item)
        section = self.section_number
        if clause is None or (section is not None and self.cur == (section,) and self.letter is None
                              and clause.section != self._section_key(section)):
            if section is None:
                self._before_first_number(item, text)
                return
            clause = self._open_clause(str(section), section, item)
            self.anomalies.append(Anomaly("unnumbered-paragraph", f"Text under heading {clause.section} before any "
                                          f"numbered paragraph was kept as clause {clause.number}.", self._where(item)))
            clause.add(text)
            return
        clause.add(text, new_paragraph=item.brk)

    def _before_first_number(self, item: _Item, text: str) -> None:
        if item.kind == "text" and not self.sections and len(text.split()) <= HEADING_MAX_WORDS + 4 \
                and not _TERMINAL.search(text):
            self.title_parts.append(text)  # a title printed over several lines ("Part 4 / Appendix D - ...")
            return
        self.anomalies.append(Anomaly("text-before-first-number", f"Text before the first numbered paragraph is in no "
                                      f"clause: '{text[:80]}'.", self._where(item)))

    def result(self) -> Segmentation:
        clauses = []
        for clause in self.clauses:
            if not clause.text:
                self.anomalies.append(Anomaly("unplaced-paragraph", f"The number {clause.number} has no text and was "
                                              "left out.", f"line {clause.line}"))
                continue
            clauses.append(SegmentedClause(clause.number, clause.section, clause.text, clause.title, clause.note,
                                           clause.line))
        used = {c.section for c in clauses}
        for number, title in self.sections.items():
            if number not in used:
                shown = f" '{title[:80]}'" if title else ""
                self.anomalies.append(Anomaly("unplaced-paragraph", f"Heading {number}{shown} has no numbered "
                                              "paragraphs under it, so it is in no clause.", ""))
        sections = tuple(SegmentedSection(n, t) for n, t in self.sections.items() if n in used)
        pending_title = " ".join(self.title_parts)
        return Segmentation(pending_title, sections, tuple(clauses), tuple(self.anomalies))


# ---------------------------------------------------------------- entry point


def segment(text: str) -> Segmentation:
    """Sections, clauses and anomalies of a protocol's text (see the module docstring)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    lines, anomalies = _split_lines(text)
    lines, contents = _skip_contents(lines)
    anomalies.extend(contents)
    segmenter = _Segmenter(_Classifier(lines).items(), _Joiner(text))
    segmenter.run()
    result = segmenter.result()
    return Segmentation(result.title, result.sections, result.clauses, _capped([*anomalies, *result.anomalies]))


def _capped(anomalies: list[Anomaly]) -> tuple[Anomaly, ...]:
    """At most ``MAX_ANOMALIES_PER_KIND`` of each kind, then one line saying how many more there were."""
    counts = Counter(a.kind for a in anomalies)
    kept, shown = [], Counter()
    for anomaly in anomalies:
        shown[anomaly.kind] += 1
        if shown[anomaly.kind] <= MAX_ANOMALIES_PER_KIND:
            kept.append(anomaly)
        elif shown[anomaly.kind] == MAX_ANOMALIES_PER_KIND + 1:
            kept.append(Anomaly(anomaly.kind, f"... and {counts[anomaly.kind] - MAX_ANOMALIES_PER_KIND} more of the "
                                "same kind.", anomaly.where))
    return tuple(kept)


__all__ = ["Anomaly", "Segmentation", "SegmentedClause", "SegmentedSection", "segment"]
