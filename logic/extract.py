"""Reading an uploaded protocol (.txt, .md, .docx, .pdf) into plain text, treating the file as hostile.

Cheap checks run in this process: size, magic bytes, the text encoding, the zip directory of a .docx
(before any parser sees it) and the end of a PDF. The Word and PDF parsers then run in a child process
(``python -m logic.extract FORMAT``; the limits and the file on stdin, JSON on stdout) with a memory cap and a
wall-clock timeout, because a Streamlit script thread cannot be killed. Every refusal is an
:class:`ImportProblem` carrying one plain sentence for the user.

Word's automatic numbering is not in the paragraph text (python-docx's ``paragraph.text`` has no numbers):
:class:`_Numbering` resolves numbering.xml the way Word lays it out and writes the label into the text
("1.1\\tText").
"""

from __future__ import annotations

import atexit
import codecs
import io
import json
import math
import os
import re
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path, PurePath

from logic.safe_text import clip

MB = 1 << 20
ROOT = Path(__file__).resolve().parent.parent


class ImportProblem(ValueError):
    """Bad input: ``args[0]`` is one plain-English sentence for the user."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 10 * MB  # the upload itself
    max_pages: int = 500  # PDF pages
    max_chars: int = 3_000_000  # extracted text, any format (about 500 dense pages)
    max_zip_entries: int = 2000
    max_unzipped_bytes: int = 100 * MB  # all parts of a .docx together
    max_part_bytes: int = 40 * MB  # any one part (a 500-page protocol's document.xml is nearer 10 MB)
    max_ratio: int = 200  # unpacked / packed size of a part over 5 MB: varied text packs 5-30x, a bomb ~1000x
    memory_bytes: int = 768 * MB  # address space of the parsing child (a 60-page file peaks near 60 MB)
    timeout_seconds: float = 20.0  # wall clock for the parsing child


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Extracted:
    """A file's text. ``pages``: PDF pages; Word's own recorded page count (1 if none); text: form feeds + 1."""

    text: str
    source_format: str  # "text" | "markdown" | "docx" | "pdf"
    pages: int
    notes: tuple[str, ...] = ()  # what the reader left out or changed, for the user to check


def extract(data: bytes, filename: str, *, limits: Limits = DEFAULT_LIMITS) -> Extracted:
    """The text of an uploaded file, identified by its content first and its name second."""
    if not data.strip():
        raise ImportProblem("The file is empty.")
    if len(data) > limits.max_bytes:
        raise ImportProblem(f"The file is {_size(len(data))}, over the {_size(limits.max_bytes)} limit.")
    source_format, notes = _identify(data, filename)
    if source_format in ("text", "markdown"):
        text, decode_notes = decode_text(data)
        _check_length(text, limits)
        return Extracted(text, source_format, text.count("\f") + 1, notes + decode_notes)
    if source_format == "docx":
        check_docx_container(data, limits)
    else:
        check_pdf_container(data)
    extracted = _in_child(source_format, data, limits)
    return replace(extracted, notes=notes + extracted.notes)


# --- Identifying the format ------------------------------------------------------------------------------

TEXT_SUFFIXES = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown", "": "text"}
FORMAT_NAMES = {"docx": "a Word document", "pdf": "a PDF"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003, and the wrapper of a password-protected .docx
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")  # the OLE stream holding an encrypted .docx


def _identify(data: bytes, filename: str) -> tuple[str, tuple[str, ...]]:
    suffix = PurePath(filename or "").suffix.lower()
    if data.startswith(OLE_MAGIC):
        if ENCRYPTED_PACKAGE in data:
            raise ImportProblem("This Word file is protected by a password: remove the password in Word "
                                "(File > Info > Protect Document), save it, and upload it again.")
        raise ImportProblem("This is an old-format Word (.doc) or other pre-2007 Office file: open it in Word or "
                            "LibreOffice, save it as .docx, and upload that.")
    if data.startswith(b"{\\rtf"):
        raise ImportProblem("This is a Rich Text (.rtf) file: save it as .docx or plain text and upload that.")
    sniffed = "pdf" if b"%PDF-" in data[:1024] else "docx" if data.startswith(b"PK\x03\x04") else None
    if sniffed:
        named = {".docx": "docx", ".pdf": "pdf", **TEXT_SUFFIXES}.get(suffix)
        if suffix and named and named != sniffed:
            return sniffed, (f"The file is named {suffix} but is {FORMAT_NAMES[sniffed]}; it was read as one.",)
        return sniffed, ()
    if suffix in (".docx", ".pdf"):
        raise ImportProblem(f"This file is named {suffix} but is not {FORMAT_NAMES[suffix[1:]]}: it may be damaged, "
                            "or another kind of file renamed.")
    if suffix == ".doc":
        raise ImportProblem("Old-format Word (.doc) files cannot be read: save it as .docx and upload that.")
    if suffix in TEXT_SUFFIXES:
        return TEXT_SUFFIXES[suffix], ()
    raise ImportProblem(f"{clip(suffix)} files cannot be imported: use .txt, .md, .docx or .pdf.")


def _size(size: int) -> str:
    return f"{size / MB:.1f} MB" if size >= MB // 10 else f"{max(size // 1024, 1)} KB"


def _check_length(text: str, limits: Limits) -> None:
    if not text.strip():
        raise ImportProblem("The file has no text in it.")
    if len(text) > limits.max_chars:
        raise ImportProblem(f"The file holds {len(text):,} characters of text, more than the {limits.max_chars:,} "
                            "a protocol would: import the protocol on its own.")


# --- Plain text --------------------------------------------------------------------------------------------

BOMS = ((codecs.BOM_UTF32_LE, "utf-32", "UTF-32"), (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
        (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"), (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
        (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"))
# Control characters other than tab, line feed, form feed and carriage return (and C1 controls).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
UNPAIRED_SURROGATE = re.compile(r"[\ud800-\udfff]")  # a broken PDF font map can produce them
# What an English protocol saved as Windows-1252 holds beyond ASCII: typographic punctuation, £ and €, and the
# accents of loanwords (café, née, rôle, naïve). Other 8-bit encodings misread as Windows-1252 show other
# characters (Mac Roman's apostrophe reads as "Õ", Latin-2's "Łódź" as "£ód¼", KOI8-R's Cyrillic as "óÏ×ÅÔ"),
# so the fallback refuses them instead of guessing.
WINDOWS_1252_PLAUSIBLE = frozenset("‘’‚“”„–—…•·£€§¶©®™°\xa0\xad" "àáâäçèéêëíîïñóôöùúûü" "ÀÇÉÈÊÖÜ")
POUND_BEFORE_LETTER = re.compile(r"£(?=[^\W\d_])")  # "£5" is money; "£ód" is a misread letter
NOT_TEXT = "This file is not text (it looks like a picture, a program or another binary file)."


def decode_text(data: bytes) -> tuple[str, tuple[str, ...]]:
    """``data`` as text: UTF-8 (with or without BOM), UTF-16/32 with BOM, or Windows-1252 when plausible."""
    notes: tuple[str, ...] = ()
    for bom, codec, name in BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                raise ImportProblem(f"The file starts as {name} text but is not valid {name}: it may be "
                                    "damaged.") from None
            break
    else:
        if b"\x00" in data:
            if data[1::2].count(0) > 0.9 * (len(data) // 2) or data[0::2].count(0) > 0.9 * (len(data) // 2):
                raise ImportProblem("The file looks like UTF-16 text without a byte-order mark: save it as "
                                    "UTF-8 and upload it again.")
            raise ImportProblem(NOT_TEXT)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = _windows_1252(data)
            notes = ("The file is not UTF-8: it was read as Windows-1252 (what Word and Notepad call "
                     "\"ANSI\"); check quotation marks, dashes and £ signs.",)
    controls = CONTROL.findall(text)
    if len(controls) > max(8, len(text) // 100):  # a binary file is 10-30% control bytes
        raise ImportProblem(NOT_TEXT)
    if controls:
        text = CONTROL.sub("", text)
        notes += (f"{len(controls)} invisible control characters were removed.",)
    return text, notes


def _windows_1252(data: bytes) -> str:
    """Word's "Plain Text" and older Notepad save Windows-1252 by default on English Windows machines."""
    not_utf8 = ImportProblem("The file is not UTF-8 text: save it as UTF-8 (in Notepad or Word: Save As, "
                             "Encoding UTF-8) and upload it again.")
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise not_utf8 from None
    if POUND_BEFORE_LETTER.search(text) or not all(ch.isascii() or ch in WINDOWS_1252_PLAUSIBLE for ch in text):
        raise not_utf8
    return text


# --- Container checks before any parser runs ---------------------------------------------------------

DAMAGED = {
    "docx": "The Word file is damaged or incomplete, so it could not be read: open it in Word, save it again "
            "and upload the new copy.",
    "pdf": "The PDF is damaged or incomplete, so it could not be read: save or export it again and upload the "
           "new copy.",
}
OTHER_ZIPS = {  # a part that names the zip's real kind -> what to tell the user
    "content.xml": "This is an OpenDocument (LibreOffice) file: save it as .docx and upload that.",
    "xl/workbook.xml": "This is an Excel workbook, not a Word document.",
    "ppt/presentation.xml": "This is a PowerPoint presentation, not a Word document.",
}
WORD_BODY = re.compile(r"word/document\d*\.xml")
BOMB_RATIO_FLOOR = 5 * MB  # parts smaller than this may pack as densely as they like


def check_docx_container(data: bytes, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse a .docx from its zip directory alone: damaged, not Word, encrypted, or a zip bomb."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise ImportProblem(DAMAGED["docx"]) from None
    if len(parts) > limits.max_zip_entries:
        raise ImportProblem(f"This file holds {len(parts):,} parts, far more than a Word document has; it was "
                            "not opened.")
    names = {part.filename for part in parts}
    if not any(WORD_BODY.fullmatch(name) for name in names):
        message = next((message for name, message in OTHER_ZIPS.items() if name in names), None)
        raise ImportProblem(message or "This zip file is not a Word document (it has no document text inside).")
    if any(part.flag_bits & 0x1 for part in parts):
        raise ImportProblem("Parts of this Word file are encrypted: remove the password in Word, save it, and "
                            "upload it again.")
    unpacked = sum(part.file_size for part in parts)
    too_dense = any(part.file_size > BOMB_RATIO_FLOOR and part.file_size > limits.max_ratio * max(
        part.compress_size, 1) for part in parts)
    if (unpacked > limits.max_unzipped_bytes or too_dense
            or any(part.file_size > limits.max_part_bytes for part in parts)):
        raise ImportProblem(f"This {_size(len(data))} file would unpack to {_size(unpacked)}, far more "
                            "than a Word document of its size holds (a \"zip bomb\"); it was not opened.")


def check_pdf_container(data: bytes) -> None:
    """A PDF ends with %%EOF; without it the file was cut short (say so plainly, without starting a parser)."""
    if b"%%EOF" not in data[-4096:]:
        raise ImportProblem("The PDF is incomplete (it ends before its last page): upload the whole file.")


# --- The parsing child process ----------------------------------------------------------------------------


class ChildFailure(RuntimeError):
    """What went wrong inside the child, kept as the cause of the user's ImportProblem (for logs, not users)."""


# One idle child per format with its parser already imported (python-docx or pypdf costs 0.2-0.5 s to load
# here), so an upload only pays for parsing. Each child reads exactly one file and exits: nothing of one
# visitor's document can reach another's.
_spares: dict[str, subprocess.Popen] = {}
_spares_lock = threading.Lock()
STOPPED = ("Reading the file stopped before it finished: the file may be damaged, or need more memory than "
           "allowed.")


def _spawn(source_format: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "logic.extract", source_format], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT)


def warm_up(formats: tuple[str, ...] = ("docx", "pdf")) -> None:
    """Start the idle children now (e.g. when the import page opens), so the first upload is not slower."""
    with _spares_lock:
        for source_format in formats:
            if source_format not in _spares or _spares[source_format].poll() is not None:
                _spares[source_format] = _spawn(source_format)


def _take_child(source_format: str) -> subprocess.Popen:
    with _spares_lock:
        child = _spares.pop(source_format, None)
    return child if child is not None and child.poll() is None else _spawn(source_format)


@atexit.register
def _stop_spares() -> None:
    with _spares_lock:
        for child in _spares.values():
            child.kill()
            child.wait()
        _spares.clear()


def _in_child(source_format: str, data: bytes, limits: Limits) -> Extracted:
    child = _take_child(source_format)
    request = json.dumps(asdict(limits)).encode() + b"\n" + data
    try:
        output, _ = child.communicate(request, timeout=limits.timeout_seconds)
    except subprocess.TimeoutExpired:
        raise ImportProblem(f"Reading the file took longer than {limits.timeout_seconds:g} seconds, so it was "
                            "stopped: it may be malformed, or far larger than a protocol.") from None
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
        warm_up((source_format,))
    try:
        reply = json.loads(output)
    except ValueError:
        raise ImportProblem(STOPPED) from ChildFailure(f"exit status {child.returncode}, {len(output)} bytes out")
    if "problem" in reply:
        raise ImportProblem(reply["problem"]) from ChildFailure(reply.get("detail", ""))
    return Extracted(reply["text"], source_format, reply["pages"], tuple(reply["notes"]))


def _child_main(source_format: str) -> int:
    """In the child: load the parser, wait for a request, cap memory and CPU, parse, answer JSON on stdout.

    The request on stdin is one line of JSON (the limits) followed by the file's bytes.
    """
    import resource

    reader = {"docx": read_docx, "pdf": read_pdf}[source_format]
    _load_parser(source_format)  # before the cap: the imports are ours, not the file's
    header = sys.stdin.buffer.readline(4096)
    if not header:  # the parent went away without sending a file
        return 0
    limits = Limits(**json.loads(header))
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    used = resource.getrusage(resource.RUSAGE_SELF)
    cpu = math.ceil(used.ru_utime + used.ru_stime + limits.timeout_seconds) + 5  # in case the parent dies first
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # a parser has no business writing files
    try:
        extracted = reader(sys.stdin.buffer.read(limits.max_bytes + 1), limits)
        reply = {"text": extracted.text, "pages": extracted.pages, "notes": list(extracted.notes)}
    except ImportProblem as problem:
        reply = {"problem": problem.args[0]}
    except Exception as error:  # noqa: BLE001 - any parser failure on an untrusted file means "damaged"
        # lxml reports a failed allocation as a syntax error: the peak address space tells them apart.
        out_of_memory = isinstance(error, MemoryError) or _peak_address_space() > 0.9 * limits.memory_bytes
        reply = {"problem": f"Reading the file needed more than {_size(limits.memory_bytes)} of memory, so it "
                            "was stopped: it may be malformed." if out_of_memory else DAMAGED[source_format],
                 "detail": f"{type(error).__name__}: {clip(error, 300)}"}
    sys.stdout.write(json.dumps(reply))
    return 0


def _peak_address_space() -> int:
    with open("/proc/self/status") as status:
        peak = next((line.split()[1] for line in status if line.startswith("VmPeak:")), "0")
    return int(peak) * 1024


def _load_parser(source_format: str) -> None:
    if source_format == "docx":
        import docx  # noqa: F401
    else:
        import pypdf  # noqa: F401 - also loads its AES provider (cryptography)


# --- Word ---------------------------------------------------------------------------------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
TEXT_BOX = f"{W}txbxContent"
SUFFIXES = {"tab": "\t", "space": " ", "nothing": ""}
OFF = ("0", "false", "off")


def read_docx(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Extracted:
    """A .docx's body text in document order, automatic numbers written in; run inside the child process."""
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except ValueError as error:
        if "is not a Word file" in str(error):  # python-docx refuses a template's or macro file's content type
            raise ImportProblem("This is a Word template or macro-enabled file: save it as a Word document "
                                "(.docx) and upload that.") from None
        raise ImportProblem(DAMAGED["docx"]) from None
    except (PackageNotFoundError, KeyError, zipfile.BadZipFile):
        raise ImportProblem(DAMAGED["docx"]) from None
    part = document.part
    body = _WordBody(_Numbering(_related_element(part, RT.NUMBERING), _related_element(part, RT.STYLES)))
    text = "\n".join(body.blocks(document.element.body))
    _check_length(text, limits)
    notes = list(body.notes())
    if any(_part_has_text(rel.target_part) for rel in part.rels.values()
           if rel.reltype in (RT.HEADER, RT.FOOTER) and not rel.is_external):
        notes.append("Page headers and footers were left out.")
    footnotes = next((rel.target_part for rel in part.rels.values() if rel.reltype == RT.FOOTNOTES), None)
    if footnotes is not None and (count := _footnote_count(footnotes)):
        notes.append(f"{count} footnote{'s were' if count > 1 else ' was'} left out.")
    return Extracted(text, "docx", _recorded_pages(document), tuple(notes))


def _related_element(part, reltype):
    try:
        return part.part_related_by(reltype).element
    except KeyError:
        return None


def _part_has_text(part) -> bool:
    element = getattr(part, "element", None)
    return element is not None and any(text.strip() for text in element.itertext())


def _footnote_count(part) -> int:
    from docx.oxml import parse_xml

    notes = parse_xml(part.blob).iterchildren(f"{W}footnote")
    # Word's separator "notes" carry a w:type; real footnotes have none (or "normal").
    return sum(1 for note in notes if note.get(f"{W}type", "normal") == "normal" and "".join(note.itertext()).strip())


def _recorded_pages(document) -> int:
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    for rel in document.part.package.rels.values():
        if rel.reltype == RT.EXTENDED_PROPERTIES:
            found = re.search(rb"<(?:\w+:)?Pages>(\d{1,6})</", rel.target_part.blob)
            return max(int(found.group(1)), 1) if found else 1
    return 1


class _WordBody:
    """Walks body content in order: paragraphs, tables, content controls; tracked changes as if accepted."""

    def __init__(self, numbering: _Numbering):
        self.numbering = numbering
        self.tracked_changes = False
        self.hidden_text = False
        self.text_boxes = 0
        self.carried = ""  # text of a paragraph whose mark was deleted: it runs on into the next paragraph

    def notes(self) -> Iterator[str]:
        if self.tracked_changes:
            yield ("The document has tracked changes: insertions are included and deletions left out, as if "
                   "all were accepted.")
        if self.hidden_text:
            yield "Hidden text was left out."
        if self.text_boxes:
            yield f"Text in {self.text_boxes} text box{'es' if self.text_boxes > 1 else ''} was left out."

    def blocks(self, container) -> list[str]:
        lines: list[str] = []
        for child in container:
            if child.tag == f"{W}p":
                line = self.paragraph(child)
                if line is not None:
                    lines.append(line)
            elif child.tag == f"{W}tbl":
                lines.extend(self.table(child))
            elif child.tag in (f"{W}sdt", f"{W}sdtContent", f"{W}customXml"):  # a table of contents lives here
                lines.extend(self.blocks(child))
        return lines

    def paragraph(self, p) -> str | None:
        text = self.inline(p)
        if p.find(f"{W}pPr/{W}rPr/{W}ins") is not None:
            self.tracked_changes = True
        if p.find(f"{W}pPr/{W}rPr/{W}del") is not None:  # deleted paragraph mark: merge with the next one
            self.tracked_changes = True
            self.carried += text
            return None
        text, self.carried = self.carried + text, ""
        return self.numbering.label(p) + text

    def table(self, table) -> list[str]:
        """One line per row, cells separated by tabs (a number column stays beside its text)."""
        lines = []
        for row in _wrapped(table, f"{W}tr"):
            if row.find(f"{W}trPr/{W}del") is not None:
                self.tracked_changes = True
                continue
            lines.append("\t".join("\n".join(self.blocks(cell)) for cell in _wrapped(row, f"{W}tc")))
        return lines

    def inline(self, element) -> str:
        parts = []
        for child in element:
            tag = child.tag
            if tag == f"{W}r":
                parts.append(self.run(child))
            elif tag in (f"{W}del", f"{W}moveFrom"):
                self.tracked_changes = True
            elif tag in (f"{W}ins", f"{W}moveTo"):
                self.tracked_changes = True
                parts.append(self.inline(child))
            elif tag not in (f"{W}pPr", f"{W}rPr", f"{W}sdtPr", f"{W}sdtEndPr"):
                parts.append(self.inline(child))  # hyperlinks, simple fields, inline content controls...
        return "".join(parts)

    def run(self, run) -> str:
        vanish = run.find(f"{W}rPr/{W}vanish")
        if vanish is not None and vanish.get(f"{W}val") not in OFF:
            self.hidden_text = True
            return ""
        out = []
        for child in run:
            tag = child.tag
            if tag == f"{W}t":
                out.append(child.text or "")
            elif tag in (f"{W}tab", f"{W}ptab"):
                out.append("\t")
            elif tag in (f"{W}br", f"{W}cr"):
                out.append("\n")
            elif tag == f"{W}noBreakHyphen":
                out.append("-")
            elif tag == f"{W}sym":
                out.append(_symbol(child.get(f"{W}char", "")))
            elif tag in (f"{W}drawing", f"{W}pict", f"{MC}AlternateContent") and any(
                    "".join(box.itertext()).strip() for box in child.iter(TEXT_BOX)):
                self.text_boxes += 1
            # w:delText (inside deletions), w:instrText (field codes), note references: not text
        return "".join(out)


def _wrapped(element, tag: str) -> Iterator:
    """Children named ``tag``, also those wrapped in content controls or custom XML (rows, cells)."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag in (f"{W}sdt", f"{W}sdtContent", f"{W}customXml"):
            yield from _wrapped(child, tag)


def _symbol(code: str) -> str:
    value = _int(code, 0, base=16)
    if 0xF000 <= value <= 0xF0FF:  # a Symbol/Wingdings glyph in the private use area
        return "•"
    return chr(value) if 0x20 <= value <= 0x10FFFF and not 0xD800 <= value <= 0xDFFF else ""


def _int(value: str | None, default, *, base: int = 10):
    """An attribute as an int; garbage (or absurdly long digits) gives ``default``."""
    if value is None or len(value) > 9:
        return default
    try:
        return int(value, base)
    except ValueError:
        return default


def _val(element, path: str) -> str | None:
    found = element.find(path) if element is not None else None
    return None if found is None else found.get(f"{W}val")


@dataclass(frozen=True)
class _Level:
    start: int
    fmt: str
    text: str
    restart: int | None  # w:lvlRestart: restart after this (1-based) level or a higher one; 0 never; None: any
    legal: bool  # w:isLgl: every level shown as a decimal
    suffix: str
    style: str | None  # the paragraph style linked to this level (Heading 1 -> level 0)

    @classmethod
    def parse(cls, lvl) -> _Level:
        legal = lvl.find(f"{W}isLgl")
        return cls(start=_int(_val(lvl, f"{W}start"), 0), fmt=_val(lvl, f"{W}numFmt") or "decimal",
                   text=_val(lvl, f"{W}lvlText") or "", restart=_int(_val(lvl, f"{W}lvlRestart"), None),
                   legal=legal is not None and legal.get(f"{W}val") not in OFF,
                   suffix=SUFFIXES.get(_val(lvl, f"{W}suff") or "tab", "\t"), style=_val(lvl, f"{W}pStyle"))


@dataclass
class _ListState:
    counts: dict[int, int] = field(default_factory=dict)  # level -> number last shown
    next_start: dict[int, int] = field(default_factory=dict)  # w:startOverride waiting for its level's next use


@dataclass(frozen=True)
class _Num:
    abstract: str
    start_overrides: dict[int, int]
    levels: dict[int, _Level]  # w:lvlOverride/w:lvl replacing the abstract definition's level


class _Numbering:
    """numbering.xml and the styles' numPr, counted the way Word and LibreOffice lay the document out.

    Counters belong to the abstract list: every w:num on the same w:abstractNum continues one count; a
    w:startOverride restarts that count where its w:num is first used (LibreOffice 7.4 shows exactly this).
    """

    def __init__(self, numbering, styles):
        self.abstracts: dict[str, dict[int, _Level]] = {}
        self.style_links: dict[str, str] = {}  # abstractNum -> numbering style it borrows its levels from
        self.nums: dict[str, _Num] = {}
        self.styles: dict[str, tuple[str | None, int | None, str | None]] = {}  # id -> numId, ilvl, basedOn
        self.default_style: str | None = None
        self.lists: dict[str, _ListState] = {}
        self.started: set[str] = set()
        if numbering is not None:
            self._read_numbering(numbering)
        if styles is not None:
            self._read_styles(styles)

    def _read_numbering(self, numbering) -> None:
        for abstract in numbering.iterchildren(f"{W}abstractNum"):
            abstract_id = abstract.get(f"{W}abstractNumId")
            self.abstracts[abstract_id] = {_int(lvl.get(f"{W}ilvl"), 0): _Level.parse(lvl)
                                           for lvl in abstract.iterchildren(f"{W}lvl")}
            if (link := _val(abstract, f"{W}numStyleLink")) is not None:
                self.style_links[abstract_id] = link
        for num in numbering.iterchildren(f"{W}num"):
            overrides = list(num.iterchildren(f"{W}lvlOverride"))
            self.nums[num.get(f"{W}numId")] = _Num(
                abstract=_val(num, f"{W}abstractNumId"),
                start_overrides={_int(o.get(f"{W}ilvl"), 0): _int(_val(o, f"{W}startOverride"), 0)
                                 for o in overrides if o.find(f"{W}startOverride") is not None},
                levels={_int(o.get(f"{W}ilvl"), 0): _Level.parse(o.find(f"{W}lvl"))
                        for o in overrides if o.find(f"{W}lvl") is not None})

    def _read_styles(self, styles) -> None:
        for style in styles.iterchildren(f"{W}style"):
            style_id = style.get(f"{W}styleId")
            num_pr = style.find(f"{W}pPr/{W}numPr")
            self.styles[style_id] = (_val(num_pr, f"{W}numId"), _int(_val(num_pr, f"{W}ilvl"), None),
                                     _val(style, f"{W}basedOn"))
            if style.get(f"{W}type") == "paragraph" and style.get(f"{W}default") in ("1", "true", "on"):
                self.default_style = style_id

    def _style_num_pr(self, style_id: str | None) -> tuple[str | None, int | None]:
        """numId and ilvl a style gives its paragraphs, each inherited separately through w:basedOn."""
        num_id = ilvl = None
        seen = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            style_num, style_ilvl, style_id = self.styles.get(style_id, (None, None, None))
            num_id = style_num if num_id is None else num_id
            ilvl = style_ilvl if ilvl is None else ilvl
        return num_id, ilvl

    def _abstract_of(self, num: _Num) -> str:
        """Follow w:numStyleLink (a list defined through a numbering style) to the real definition."""
        abstract = num.abstract
        for _ in range(4):
            link = self.style_links.get(abstract)
            linked_num = self.nums.get(self._style_num_pr(link)[0]) if link else None
            if linked_num is None:
                break
            abstract = linked_num.abstract
        return abstract

    def label(self, p) -> str:
        """The number Word shows before paragraph ``p`` with its separator ("1.1\\t"), or ""; counts it."""
        ppr = p.find(f"{W}pPr")
        style_id = _val(ppr, f"{W}pStyle") or self.default_style
        num_id, ilvl = _val(ppr, f"{W}numPr/{W}numId"), _int(_val(ppr, f"{W}numPr/{W}ilvl"), None)
        style_num, style_ilvl = self._style_num_pr(style_id)
        num_id = style_num if num_id is None else num_id
        num = self.nums.get(num_id)  # numId 0 (numbering switched off) names no w:num
        if num is None:
            return ""
        abstract = self._abstract_of(num)
        levels = {**self.abstracts.get(abstract, {}), **num.levels}
        if ilvl is None:
            ilvl = style_ilvl
        if ilvl is None:
            ilvl = next((i for i, level in levels.items() if level.style == style_id), 0)
        level = levels.get(ilvl)
        if level is None:
            return ""
        state = self.lists.setdefault(abstract, _ListState())
        if num_id not in self.started:
            self.started.add(num_id)
            for overridden, start in num.start_overrides.items():
                state.counts.pop(overridden, None)
                state.next_start[overridden] = start
        self._count(state, levels, ilvl)
        if level.fmt == "bullet":
            return _bullet(level.text) + level.suffix
        shown = re.sub(r"%([1-9])", lambda m: self._shown(state, levels, int(m.group(1)) - 1, level.legal),
                       level.text)
        return shown + level.suffix if shown else ""

    @staticmethod
    def _count(state: _ListState, levels: dict[int, _Level], ilvl: int) -> None:
        def start(i: int) -> int:
            return state.next_start.pop(i, levels[i].start if i in levels else 0)

        for parent in range(ilvl):  # a "1.1" before any "1." counts the parent at its start, as Word does
            if parent not in state.counts:
                state.counts[parent] = start(parent)
        state.counts[ilvl] = state.counts[ilvl] + 1 if ilvl in state.counts else start(ilvl)
        for deeper in [i for i in state.counts if i > ilvl]:
            restart = levels[deeper].restart if deeper in levels else None
            if restart is None or (restart != 0 and ilvl < restart):
                del state.counts[deeper]

    @staticmethod
    def _shown(state: _ListState, levels: dict[int, _Level], i: int, legal: bool) -> str:
        value = state.counts.get(i, state.next_start.get(i, levels[i].start if i in levels else 0))
        return _format_number(value, "decimal" if legal else levels[i].fmt if i in levels else "decimal")


def _bullet(text: str) -> str:
    return "".join("•" if 0xF000 <= ord(ch) <= 0xF0FF else ch for ch in text)


ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
         (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def _format_number(value: int, fmt: str) -> str:
    """A counter in a w:numFmt; formats not modelled (ordinal words, East Asian digits) fall back to digits."""
    if fmt == "none":
        return ""
    if fmt in ("lowerLetter", "upperLetter") and 0 < value <= 780:
        letters = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)  # Word: y, z, aa, bb
        return letters.upper() if fmt == "upperLetter" else letters
    if fmt in ("lowerRoman", "upperRoman") and 0 < value < 4000:
        roman, rest = "", value
        for amount, numeral in ROMAN:
            count, rest = divmod(rest, amount)
            roman += numeral * count
        return roman.lower() if fmt == "lowerRoman" else roman
    if fmt == "decimalZero":
        return f"{value:02d}"
    return str(value)


# --- PDF ------------------------------------------------------------------------------------------------

PDF_LIMITS = {  # pypdf's decompression and parsing budgets, tightened for a text-only read
    "maximum_declared_stream_length": 30 * MB,
    "zlib_maximum_output_length": 30 * MB,
    "lzw_maximum_output_length": 30 * MB,
    "run_length_maximum_output_length": 30 * MB,
    "array_based_stream_maximum_output_length": 30 * MB,
    "stream_decoding_work_maximum_length": 100 * MB,
    "jbig2dec_binary": None,  # never start another program
}
LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})
NEEDS_OCR = ("This PDF has no text layer (it is a scanned image): it needs OCR (text recognition) before it can be "
             "imported.")
MIN_CHARS_PER_PAGE = 40  # below this on average the "text" is stray page numbers on a scan


def read_pdf(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Extracted:
    """The text layer of each page, pages joined by form feeds; run inside the child process."""
    import pypdf
    from pypdf.errors import DependencyError, LimitReachedError

    with pypdf.apply_configuration(**PDF_LIMITS):
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")  # "secured" PDFs with only an owner password open without one
            except DependencyError:
                opened = 0
            if not opened:
                raise ImportProblem("This PDF is protected by a password: save a copy without the password "
                                    "and upload that.")
        count = len(reader.pages)
        if not count:
            raise ImportProblem(DAMAGED["pdf"])
        if count > limits.max_pages:
            raise ImportProblem(f"The PDF has {count:,} pages; the limit is {limits.max_pages:,}.")
        try:
            pages = [_clean_pdf_text(page.extract_text()) for page in reader.pages]
        except LimitReachedError:
            raise ImportProblem("The PDF holds a compressed part far larger than a protocol needs; it was not "
                                "read.") from None
    text = "\f".join(pages)
    if sum(len(page.strip()) for page in pages) < MIN_CHARS_PER_PAGE * max(count, 1):
        raise ImportProblem(NEEDS_OCR)
    _check_length(text, limits)
    blank = [str(number) for number, page in enumerate(pages, 1) if not page.strip()]
    notes = (f"Page{'s' if len(blank) > 1 else ''} {', '.join(blank)} had no text layer (scanned?), so "
             f"{'their' if len(blank) > 1 else 'its'} text is missing.",) if blank else ()
    return Extracted(text, "pdf", count, notes)


def _clean_pdf_text(text: str) -> str:
    return UNPAIRED_SURROGATE.sub("\ufffd", CONTROL.sub("", text.translate(LIGATURES)))


if __name__ == "__main__":
    status = _child_main(sys.argv[1])
    sys.stdout.flush()
    os._exit(status)  # skip interpreter teardown: the parent is waiting for our exit
