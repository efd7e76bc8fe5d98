"""Import benchmark: time to split a 60-page protocol into clauses, and the whole text path to a preview.

Run with ``make bench`` or ``python -m tests.import_bench [--json]``. The protocol is synthetic but laid
out as extraction leaves real ones: the five councils' curated clauses, renumbered into one protocol of
about 30,000 words (the corpus over and over), wrapped at 80 columns, with a running header and a
"Page N of M" footer on each of 60 pages separated by form feeds. Times are medians of ``ROUNDS`` runs
after one warm-up; the first (cold) run is reported separately, since a visitor's first import pays
for building the topic index and compiling the title patterns.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import textwrap
import time

from logic.content import Corpus, load_corpus
from logic.importer import import_text
from logic.segment import segment

ROUNDS = 5
PAGES = 60
WORDS = 30_000
WIDTH = 80


def synthetic_protocol(corpus: Corpus, pages: int = PAGES, words: int = WORDS) -> str:
    """One long protocol from the corpus's clauses, sections renumbered 1..N, paginated with furniture."""
    lines: list[str] = ["MEMBER/OFFICER RELATIONS PROTOCOL", ""]
    sections = [(heading.title, [c for c in council.clauses if c.section == heading.number])
                for council in corpus.councils.values() for heading in council.sections]
    count, section = 0, 0
    while count < words:
        title, clauses = sections[section % len(sections)]
        section += 1
        lines += [f"{section}. {title}", ""]
        for number, clause in enumerate(clauses, 1):
            for paragraph_index, paragraph in enumerate(clause.text.split("\n\n")):
                prefix = f"{section}.{number} " if paragraph_index == 0 else ""
                lines += textwrap.wrap(prefix + " ".join(paragraph.split()), WIDTH) + [""]
                count += len(paragraph.split())
    per_page = -(-len(lines) // pages)
    chunks = [lines[i:i + per_page] for i in range(0, len(lines), per_page)]
    return "\f".join("\n".join(["Member/Officer Protocol (synthetic)", "", *chunk, "", f"Page {n} of {len(chunks)}"])
                     for n, chunk in enumerate(chunks, 1))


def _median_ms(run) -> float:
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 1)


def measure(corpus: Corpus | None = None) -> dict:
    corpus = corpus or load_corpus()
    text = synthetic_protocol(corpus)
    start = time.perf_counter()
    result = import_text(text, slug="bench", name="Bench Council", corpus=corpus)
    cold = (time.perf_counter() - start) * 1000
    return {
        "pages": text.count("\f") + 1, "words": len(text.split()), "clauses": len(result.clauses),
        "segment_ms": _median_ms(lambda: segment(text)),
        "import_text_ms": _median_ms(lambda: import_text(text, slug="bench", name="Bench Council", corpus=corpus)),
        "first_import_ms": round(cold, 1),
    }


EXTRACT_ROUNDS = 5
SPARE_READY_S = 1.5  # time for the idle parsing child to import its library between uploads


def _extraction_documents() -> dict[str, tuple[bytes, str]]:
    """A 60-page PDF (the county seed's paragraphs over and over, running header, "Page N of M" footer) and a
    .docx of about the same length in words (30 sections x 20 automatically numbered clauses of 50 words)."""
    from tests import doc_fixtures

    seed = doc_fixtures.seed_paragraphs()
    words = " ".join(seed).split()
    return {"pdf": (doc_fixtures.paged_pdf(seed, pages=PAGES), "protocol.pdf"),
            "docx": (doc_fixtures.long_numbered_docx(30, 20, words), "protocol.docx")}


def measure_extraction(corpus: Corpus | None = None) -> dict:
    """Per format: the library alone in this process, extract() through a warm and a cold parsing child,
    and upload to preview (import_bytes: extraction, segmentation, topics) with a warm child."""
    import resource

    from logic import extract as extraction
    from logic.importer import import_bytes

    corpus = corpus or load_corpus()
    readers = {"pdf": extraction.read_pdf, "docx": extraction.read_docx}
    results = {}
    for source_format, (data, filename) in _extraction_documents().items():
        library, warm, cold, preview = [], [], [], []
        for _ in range(EXTRACT_ROUNDS):
            start = time.perf_counter()
            extracted = readers[source_format](data)
            library.append(time.perf_counter() - start)
            extraction.warm_up((source_format,))
            time.sleep(SPARE_READY_S)
            start = time.perf_counter()
            extraction.extract(data, filename)
            warm.append(time.perf_counter() - start)
            time.sleep(SPARE_READY_S)
            start = time.perf_counter()
            import_bytes(data, filename, slug="bench", name="Bench Council", corpus=corpus)
            preview.append(time.perf_counter() - start)
            extraction._stop_spares()  # no idle child: this upload pays for starting one
            start = time.perf_counter()
            extraction.extract(data, filename)
            cold.append(time.perf_counter() - start)
        results[source_format] = {
            "pages": extracted.pages, "words": len(extracted.text.split()), "file_kb": len(data) // 1024,
            "library_ms": round(statistics.median(library) * 1000, 1),
            "extract_warm_ms": round(statistics.median(warm) * 1000, 1),
            "extract_cold_ms": round(statistics.median(cold) * 1000, 1),
            "upload_to_preview_ms": round(statistics.median(preview) * 1000, 1),
        }
    extraction._stop_spares()
    results["child_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.import_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = measure()
    extraction = measure_extraction()
    if args.json:
        print(json.dumps({"import": result, "extract": extraction}))
    else:
        print(f"import of a {result['pages']}-page protocol ({result['words']:,} words, {result['clauses']} clauses), "
              f"median of {ROUNDS}: segmentation {result['segment_ms']:.0f} ms; text to preview (segmentation, "
              f"topics, titles) {result['import_text_ms']:.0f} ms; first import {result['first_import_ms']:.0f} ms")
        for source_format in ("pdf", "docx"):
            row = extraction[source_format]
            size = f"{row['pages']} pages, " if source_format == "pdf" else ""
            print(f"{source_format} ({size}{row['words']:,} words, {row['file_kb']} KB), median of "
                  f"{EXTRACT_ROUNDS}: library in-process {row['library_ms']:.0f} ms; extract() in the parsing "
                  f"child {row['extract_warm_ms']:.0f} ms warm, {row['extract_cold_ms']:.0f} ms cold; upload to "
                  f"preview {row['upload_to_preview_ms']:.0f} ms")
        print(f"parsing child peak memory {extraction['child_peak_rss_mb']:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
