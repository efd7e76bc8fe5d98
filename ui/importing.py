"""The parts of "Add your council" (pages/import.py): who the council is, reading its protocol with a progress
display, the preview (clauses with editable topics, anomalies, suggested titles) and what the visitor can do with
it: add it to their own session, download it as a content folder, remove it again and, only where the deployment
opts in, save it to the shared content folder.

Privacy: the uploaded file stays in the upload widget's memory for this session and the text read from it in this
session's state; nothing is put in a shared cache or written to disk (the parsing child reads the file from a
pipe). Adding puts a :class:`~logic.content.Council` in ``st.session_state["imported_councils"]``, which
:mod:`ui.data` adds to this visitor's model only.
"""

from __future__ import annotations

import os
import re
import time
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import replace

import pandas as pd
import streamlit as st

from logic.content import SLUG_RE, ContentError, Corpus, Council
from logic.export import escape_markdown
from logic.extract import DEFAULT_LIMITS, MB, ImportProblem, Limits, extract
from logic.importer import (
    MAX_NAME,
    ImportResult,
    content_folder_zip,
    import_text,
    to_council,
    with_edits,
    write_content_folder,
)
from logic.model import Model
from logic.overlay import checklist
from logic.safe_text import clip
from ui.chrome import COUNCIL_KEY, PAGE_FILES
from ui.data import IMPORTED_KEY, content_dir, imported_councils, reload_content, shared_model

# The opt-in for saving into the shared content folder: meant for one person running the app on their own machine.
ALLOW_SAVE_ENV = "PROTOCOL_EXPLORER_ALLOW_SAVE"
SECRETS_SECTION, SECRETS_OPTION = "protocol_explorer", "allow_save"
ON_WORDS = ("1", "true", "yes", "on")

FILE_TYPES = ["docx", "pdf", "txt", "md"]
MAX_SLUG = 40  # logic.content.SLUG_RE
MAX_IMPORTS = 5  # councils one session may hold: each is a model of its own in this server's memory
LOW_CONFIDENCE = 30  # per cent: below this a clause's suggested topics deserve a look first (about 1 in 20 of a
# curated protocol's own clauses score this low)
FORMAT_WORDS = {"docx": "a Word file", "pdf": "a PDF", "text": "plain text", "markdown": "Markdown text"}
SOURCES = {"file": "Upload a file", "paste": "Paste the text"}

NAME_KEY, SLUG_KEY, SOURCE_KEY, TEXT_KEY = "imp_name", "imp_slug", "imp_source", "imp_text"
EDITOR_KEY = "imp_editor"
SUGGESTED_KEY = "_imp_suggested_slug"  # the short name last suggested, replaced while the visitor keeps it
ROUND_KEY = "_imp_round"  # part of the upload widget's key: a new round empties the widget (and frees the file)
PREVIEW_KEY = "_imp_preview"  # the protocol read and not yet added: {"result", "seconds", "pages", "origin"}
PROBLEM_KEY = "_imp_problem"  # why the last reading was refused, one plain sentence
NOTICE_KEY = "_imp_notice"  # what the last button did: ("success" | "error", text), shown once
RESULTS_KEY = "_imp_results"  # slug -> ImportResult of each council this visitor added, for its download


# ---------------------------------------------------------------- settings and limits


def save_allowed() -> bool:
    """True only where the deployment opts in: ``PROTOCOL_EXPLORER_ALLOW_SAVE=1`` or, in
    ``.streamlit/secrets.toml``, ``[protocol_explorer] allow_save = true``. Off by default."""
    if os.environ.get(ALLOW_SAVE_ENV, "").strip().lower() in ON_WORDS:
        return True
    if not st.secrets.load_if_toml_exists():
        return False
    section = st.secrets.get(SECRETS_SECTION)
    return isinstance(section, Mapping) and section.get(SECRETS_OPTION) is True


def upload_limit_bytes() -> int:
    """The smaller of the server's upload cap (``server.maxUploadSize``, in MB) and the reader's own limit."""
    return min(int(st.get_option("server.maxUploadSize")) * MB, DEFAULT_LIMITS.max_bytes)


def page_limits() -> Limits:
    """The reader's limits, with its size limit the one the upload widget enforces, so both say the same."""
    return replace(DEFAULT_LIMITS, max_bytes=upload_limit_bytes())


# ---------------------------------------------------------------- name and short name


_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_FILLER = {"council", "the", "of"}


def suggest_slug(name: str, taken: Collection[str]) -> str:
    """A short name from the council's name ("Basildon Borough Council" -> "basildon-borough"), none of ``taken``."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    base = "-".join(word for word in _NOT_SLUG.split(plain) if word and word not in _FILLER)[:MAX_SLUG].strip("-")
    if not base:
        return ""
    if not base[0].isalpha():
        base = f"council-{base}"[:MAX_SLUG].rstrip("-")
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base[:MAX_SLUG - len(str(n)) - 1].rstrip('-')}-{n}"
    return candidate


def identity_problem(name: str, slug: str, councils: Mapping[str, Council], imported: Collection[str],
                     *, may_replace: bool = False) -> str:
    """"" when ``name`` and ``slug`` can be used for a new council; otherwise one plain sentence saying what to change.

    ``councils``: every council this visitor sees; ``imported``: the slugs among them added this session. With
    ``may_replace`` (saving is allowed) a built-in council's short name may be used, to replace its folder.
    """
    name = " ".join(name.split())
    if not name:
        return "Give the council's name."
    if len(name) > MAX_NAME or not name.isprintable():
        return f"Give the council's name as one line of at most {MAX_NAME} characters."
    if not slug:
        return "Give the council a short name (for example “my-council”)."
    if not SLUG_RE.match(slug):
        return (f"“{clip(slug)}” cannot be a short name: use lower-case letters, digits and hyphens, starting with "
                f"a letter, at most {MAX_SLUG} characters (for example “my-council”).")
    if slug in imported:
        return (f"You have already added a council with the short name “{slug}”: choose another, or remove that "
                "one below first.")
    if slug in councils and not may_replace:
        return f"“{slug}” is the short name of {councils[slug].name}, already in the handbook: choose another."
    same_name = [c.name for s, c in councils.items() if s != slug and c.name.casefold() == name.casefold()]
    if same_name:
        return (f"{same_name[0]} is already in the handbook under that name: add something that tells them apart, "
                f"for example “{clip(name)} (draft)”.")
    return ""


def _name_changed(councils: Collection[str]) -> None:
    """Suggest a short name from the name, unless the visitor has typed one of their own."""
    suggestion = suggest_slug(st.session_state.get(NAME_KEY, ""), councils)
    if st.session_state.get(SLUG_KEY, "") in ("", st.session_state.get(SUGGESTED_KEY)):
        st.session_state[SLUG_KEY] = suggestion
        st.session_state[SUGGESTED_KEY] = suggestion


def identity_inputs(corpus: Corpus, *, locked: bool) -> tuple[str, str]:
    """The council's name and short name (the short name suggested from the name)."""
    name_col, slug_col = st.columns([3, 2])
    name = name_col.text_input("Council name", key=NAME_KEY, max_chars=MAX_NAME, disabled=locked,
                               placeholder="e.g. Basildon Borough Council", on_change=_name_changed,
                               args=(tuple(corpus.councils),),
                               help="As the app shows it in the pickers, the Compare tables and the handbook.")
    slug = slug_col.text_input("Short name", key=SLUG_KEY, max_chars=MAX_SLUG, disabled=locked,
                               placeholder="e.g. basildon-borough",
                               help="Used in links and clause ids (basildon-borough:3.2): lower-case letters, "
                                    "digits and hyphens. Suggested from the name.")
    return " ".join(name.split()), slug.strip()


# ---------------------------------------------------------------- the protocol


def upload_key() -> str:
    return f"imp_upload_{st.session_state.get(ROUND_KEY, 0)}"


def source_inputs(*, locked: bool):
    """How the protocol comes (a file or pasted text), and the file or the text: (source, upload, text)."""
    st.session_state.setdefault(SOURCE_KEY, "file")
    source = st.segmented_control("How will you give the protocol?", list(SOURCES), key=SOURCE_KEY, required=True,
                                  format_func=SOURCES.get, disabled=locked)
    limits = page_limits()
    if source == "file":
        upload = st.file_uploader(f"Protocol file: Word (.docx), a PDF with text, or plain text (.txt, .md), up to "
                                  f"{limits.max_bytes // MB} MB and {limits.max_pages} pages", type=FILE_TYPES,
                                  key=upload_key(), disabled=locked)
        return source, upload, ""
    text = st.text_area("Protocol text", key=TEXT_KEY, height=260, disabled=locked,
                        placeholder="Paste the whole protocol, with its paragraph numbers (1.1, 1.2, (a) …)")
    return source, None, text


def read_protocol(source: str, upload, text: str, *, name: str, slug: str, corpus: Corpus) -> None:
    """Read the file or the pasted text, showing each stage; the preview (or the reason it was refused) is put in
    this session's state for the next run to show."""
    limits = page_limits()
    started = time.perf_counter()
    st.session_state.pop(PROBLEM_KEY, None)
    with st.status("Reading the protocol…", expanded=True) as status:
        try:
            source_format, notes, pages = None, (), 0
            if source == "file":
                if upload is None:
                    raise ImportProblem(f"No file was uploaded: choose the protocol's file, of at most "
                                        f"{limits.max_bytes // MB} MB (the upload box refuses a larger one).")
                st.markdown(f"Reading the text of {escape_markdown(clip(upload.name))}…")
                extracted = extract(upload.getvalue(), upload.name, limits=limits)
                text, source_format, notes, pages = (extracted.text, extracted.source_format, extracted.notes,
                                                     extracted.pages)
            st.markdown("Splitting it into clauses and suggesting topics…")
            result = import_text(text, slug=slug, name=name, corpus=corpus, source_format=source_format, notes=notes,
                                 limits=limits)
            st.markdown("Checking the clauses as the app will hold them…")
            to_council(result, corpus)
        except ImportProblem as exc:
            st.session_state[PROBLEM_KEY] = exc.args[0]
        except ContentError as exc:
            st.session_state[PROBLEM_KEY] = ("The protocol was read, but its clauses cannot be held as a council: "
                                             + "; ".join(clip(p.message, 120) for p in exc.problems[:3]))
        if PROBLEM_KEY in st.session_state:
            status.update(label="The protocol could not be read", state="error")
            return
        status.update(label=f"Read {len(result.clauses)} clauses", state="complete", expanded=False)
    st.session_state.pop(EDITOR_KEY, None)
    st.session_state[PREVIEW_KEY] = {"result": result, "seconds": time.perf_counter() - started, "pages": pages,
                                      "origin": clip(upload.name) if source == "file" else "the pasted text"}


def show_read_problem() -> None:
    problem = st.session_state.get(PROBLEM_KEY)
    if problem:
        st.error(f"{escape_markdown(problem)} Nothing was added.", icon=":material/block:")


# ---------------------------------------------------------------- the preview


def preview() -> dict | None:
    return st.session_state.get(PREVIEW_KEY)


def start_again() -> None:
    """Drop the preview (keeping the name and the file or text, to change them and read again)."""
    st.session_state.pop(PREVIEW_KEY, None)
    st.session_state.pop(EDITOR_KEY, None)


def inputs_label(shown: dict) -> str:
    result: ImportResult = shown["result"]
    return f"Read from {escape_markdown(shown['origin'])} as {escape_markdown(result.name)} ({result.slug})"


def preview_summary(shown: dict) -> str:
    result: ImportResult = shown["result"]
    pages = f", {shown['pages']} pages" if shown["pages"] > 1 else ""
    low = sum(round(c.confidence * 100) < LOW_CONFIDENCE for c in result.clauses)
    if low == len(result.clauses):
        check = f" Every suggestion has a confidence under {LOW_CONFIDENCE}%: check each clause's topics."
    elif low:
        check = (f" The suggested topics of {low} clause{'s' if low != 1 else ''} have a confidence under "
                 f"{LOW_CONFIDENCE}%: check those first (sort the table by Confidence).")
    else:
        check = ""
    return (f"{len(result.clauses)} clauses in {len(result.sections)} sections, read from "
            f"{FORMAT_WORDS.get(result.source_format, result.source_format)} ({escape_markdown(shown['origin'])}"
            f"{pages}) in {shown['seconds']:.1f} s.{check}")


def show_anomalies(result: ImportResult) -> None:
    st.subheader(f"Things to check ({len(result.anomalies)})", anchor=False)
    if not result.anomalies:
        st.markdown("Nothing unusual: the numbering runs without gaps or repeats and every paragraph found a place.")
        return
    st.markdown("Compare these with the original document before relying on the import:")
    st.markdown("\n".join(f"- {escape_markdown(a.message)}" + (f" ({escape_markdown(a.where)})" if a.where else "")
                          for a in result.anomalies))


def show_titles(result: ImportResult, corpus: Corpus) -> None:
    """The council's own titles for the shared roles; those that are the shared title itself in one line."""
    st.subheader("Titles this protocol uses", anchor=False)
    found = {corpus.roles[role].label: title for role, title in result.titles.items() if role in corpus.roles}
    own = {label: title for label, title in found.items() if title.casefold() != label.casefold()}
    lines = [f"- {escape_markdown(label)}: called “{escape_markdown(title)}”" for label, title in own.items()]
    same = [label for label in found if label not in own]
    if same:
        lines.append(f"- Also named with the shared title: {escape_markdown(', '.join(same))}")
    st.markdown("\n".join(lines) if lines else "No titles for the shared roles (Monitoring Officer, Chief "
                "Executive …) were found in the text.")


def _clause_rows(result: ImportResult) -> pd.DataFrame:
    sections = {s.number: s.title for s in result.sections}
    return pd.DataFrame({
        "Clause": [c.number for c in result.clauses],
        "Section": [f"{c.section} {sections.get(c.section, '')}".strip() for c in result.clauses],
        "Text": [c.text for c in result.clauses],
        "Topics": [list(c.topics) for c in result.clauses],
        "Confidence": [round(c.confidence * 100) for c in result.clauses],
    })


def _as_topics(cell) -> tuple[str, ...]:
    return tuple(cell) if cell is not None and not isinstance(cell, str) else ((cell,) if cell else ())


def edit_topics(result: ImportResult, corpus: Corpus) -> ImportResult:
    """The clauses in an editable table (topics chosen from the vocabulary); the result with the visitor's topics.
    Raises ImportProblem when a clause was left without a topic."""
    rows = _clause_rows(result)
    edited = st.data_editor(
        rows, key=EDITOR_KEY, hide_index=True, width="stretch", height="auto" if len(rows) <= 10 else 460,
        column_order=["Clause", "Text", "Topics", "Confidence", "Section"],  # what to check first, on narrow screens
        disabled=["Clause", "Section", "Text", "Confidence"],
        column_config={
            "Clause": st.column_config.TextColumn("Clause", width=64, pinned=True),
            "Section": st.column_config.TextColumn("Section", width=120),
            "Text": st.column_config.TextColumn("Text (word for word)", width=300,
                                                help="Open a cell to read the whole clause."),
            "Topics": st.column_config.MultiselectColumn(
                "Topics (editable)", options=list(corpus.topics), format_func=lambda t: corpus.topics[t].label,
                width=240, required=True,
                help="Suggested from the most similar clauses of the other councils. Open a cell (double-click, or "
                     "Enter) to add or remove topics."),
            "Confidence": st.column_config.ProgressColumn(
                "Confidence", min_value=0, max_value=100, format="%d%%", width=96,
                help="How alike the nearest tagged clauses are. 0% means nothing alike was found, so the topics "
                     "were copied from the clause before."),
        })
    changes = {number: _as_topics(after) for number, after, before in zip(rows["Clause"], edited["Topics"],
                                                                          rows["Topics"])
               if list(_as_topics(after)) != before}
    return with_edits(result, changes)


# ---------------------------------------------------------------- what the visitor can do with it


def show_notice() -> None:
    """What the last button did, once."""
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        kind, text = notice
        (st.success if kind == "success" else st.error)(escape_markdown(text),
                                                       icon=":material/check_circle:" if kind == "success" else
                                                       ":material/error:")


def _notify(kind: str, text: str) -> None:
    st.session_state[NOTICE_KEY] = (kind, text)


def _empty_inputs() -> None:
    st.session_state[ROUND_KEY] = st.session_state.get(ROUND_KEY, 0) + 1
    for key in (NAME_KEY, SLUG_KEY, TEXT_KEY):
        st.session_state[key] = ""
    st.session_state.pop(SUGGESTED_KEY, None)


def add_to_session(result: ImportResult, council: Council) -> None:
    """Button callback: hold the council in this visitor's session (runs before the page, so every part of this
    run, the sidebar's council picker included, already sees it)."""
    st.session_state[IMPORTED_KEY] = {**imported_councils(), council.slug: council}
    st.session_state[RESULTS_KEY] = {**st.session_state.get(RESULTS_KEY, {}), council.slug: result}
    start_again()
    _empty_inputs()
    _notify("success", f"{council.name} is added, for you only: {len(council.clauses)} clauses, in the Handbook, "
                       "Search, Compare and the decision pages of this browser tab.")


def remove_from_session(slug: str) -> None:
    """Button callback: forget an imported council (and stop using it as the visitor's council)."""
    council = imported_councils().get(slug)
    st.session_state[IMPORTED_KEY] = {s: c for s, c in imported_councils().items() if s != slug}
    st.session_state[RESULTS_KEY] = {s: r for s, r in st.session_state.get(RESULTS_KEY, {}).items() if s != slug}
    if st.session_state.get(COUNCIL_KEY) == slug:
        st.session_state.pop(COUNCIL_KEY)
        st.query_params.pop(COUNCIL_KEY, None)
    if council:
        _notify("success", f"{council.name} is removed from your session.")


def save_to_content_folder(result: ImportResult, overwrite: bool) -> None:
    """Button callback (only offered where saving is allowed): write ``content/<slug>/`` atomically, then load the
    content folder again so the council is a built-in one."""
    try:
        target = write_content_folder(result, shared_model().corpus, content_dir(), overwrite=overwrite)
    except ImportProblem as exc:
        _notify("error", f"Nothing was saved: {exc.args[0]}")
        return
    except ContentError as exc:
        _notify("error", "Nothing was saved: the content folder would not be valid with it ("
                + "; ".join(clip(str(p), 120) for p in exc.problems[:3]) + ").")
        return
    if result.slug in imported_councils():  # now a built-in council: the session's copy would clash with it
        remove_from_session(result.slug)
    start_again()
    reload_content()
    _notify("success", f"{result.name} is saved to the content folder ({target}) for everyone who uses this app"
                       + (", and a backup of the folder it replaced is in .backups." if overwrite else "."))


def download_zip(result: ImportResult, corpus: Corpus, key: str) -> None:
    """The council as a zip of ``<slug>/`` for a maintainer to unpack into ``content/`` (built on the click)."""
    st.download_button("Download as a content folder (.zip)", data=lambda: content_folder_zip(result, corpus),
                       file_name=f"{result.slug}.zip", mime="application/zip", key=key, on_click="ignore",
                       icon=":material/folder_zip:",
                       help="The council's folder (council.yaml, its clauses, placeholder routes and rules), ready "
                            "for `python -m logic validate` and a pull request.")


def save_controls(result: ImportResult, key: str) -> None:
    """Only where the deployment allows saving: write the council into the shared content folder."""
    exists = (content_dir() / result.slug).exists()
    st.markdown(f"**Save to the shared content folder** ({escape_markdown(str(content_dir()))}): this deployment "
                "allows it, so the council becomes part of the app for everyone who uses it.")
    overwrite = False
    if exists:
        overwrite = st.checkbox(f"Replace the existing council folder “{escape_markdown(result.slug)}” (a backup of "
                                "the old one is kept in .backups)", key=f"{key}_overwrite")
    st.button("Save to the shared content folder", key=key, icon=":material/save:", disabled=exists and not overwrite,
              on_click=save_to_content_folder, args=(result, overwrite))


def preview_actions(result: ImportResult, corpus: Corpus, councils: Mapping[str, Council]) -> None:
    """Add, download and (if allowed) save the previewed council."""
    council = to_council(result, corpus)
    full = len(imported_councils()) >= MAX_IMPORTS
    builtin = result.slug in corpus.councils
    with st.container(horizontal=True):
        st.button("Add to my session", type="primary", icon=":material/add_circle:", disabled=full or builtin,
                  on_click=add_to_session, args=(result, council), key="imp_add")
        download_zip(result, corpus, "imp_download")
        st.button("Change the name or the file", icon=":material/edit:", on_click=start_again, key="imp_again")
    if builtin:
        st.caption(f"“{escape_markdown(result.slug)}” is already {escape_markdown(councils[result.slug].name)}: this "
                   "import can replace its folder (below), not sit beside it in your session.")
    elif full:
        st.caption(f"You hold {MAX_IMPORTS} imported councils, the most one session can: remove one below to add "
                   "this one.")
    else:
        st.caption("Only you see what you add, in this browser tab; it is gone when you close or reload the tab. "
                   "The content folder is how to keep it, or to offer it for the app.")
    if save_allowed():
        save_controls(result, "imp_save")


def _checklist_links(model: Model, slug: str) -> None:
    todo = checklist(model, slug)
    if not todo:
        st.markdown("Every situation and question has an answer.")
        return
    routes = [(entry, label) for kind, entry, label in todo if kind == "route"]
    questions = [(entry, label) for kind, entry, label in todo if kind == "question"]
    with st.expander(f"Still to write: {len(todo)} answers say “Not answered yet”"):
        st.markdown("Its routes and rules have not been written, so every situation and question answers “Not "
                    "answered yet” (which is not a finding that the protocol is silent). Each link opens the page "
                    "with this council as your council.")
        for title, page, param, entries in (("Who do I go to?", "escalation", "scenario", routes),
                                            ("May I…?", "explorer", "question", questions)):
            if entries:
                st.markdown(f"**{title}** ({len(entries)})")
                for entry, label in entries:
                    st.page_link(PAGE_FILES[page], label=escape_markdown(label),
                                 query_params={param: entry, COUNCIL_KEY: slug})


def show_imported(model: Model) -> None:
    """This visitor's imported councils: where to see each, what is still to write, download, remove."""
    imported = imported_councils()
    if not imported:
        return
    st.header("Your imported councils", anchor=False)
    st.caption("Only you see these, in this browser tab, until you close or reload it. Add another below.")
    results = st.session_state.get(RESULTS_KEY, {})
    corpus = shared_model().corpus
    for slug, council in imported.items():
        with st.container(border=True):
            st.subheader(escape_markdown(council.name), anchor=False)
            st.caption(f"Short name {escape_markdown(slug)} · {len(council.clauses)} clauses · clause ids like "
                       f"{escape_markdown(council.clauses[0].id)}")
            with st.container(horizontal=True):
                st.page_link(PAGE_FILES["handbook"], label="Read it in the Handbook", icon=":material/menu_book:",
                             query_params={COUNCIL_KEY: slug})
                st.page_link(PAGE_FILES["search"], label="Search its clauses", icon=":material/search:",
                             query_params={"in": slug})
                st.page_link(PAGE_FILES["compare"], label="Compare it with the others", icon=":material/compare:")
            _checklist_links(model, slug)
            with st.container(horizontal=True):
                if slug in results:
                    download_zip(results[slug], corpus, f"imp_download_{slug}")
                st.button("Remove from my session", key=f"imp_remove_{slug}", icon=":material/delete:",
                          on_click=remove_from_session, args=(slug,))
            if slug in results and save_allowed():
                save_controls(results[slug], f"imp_save_{slug}")
