"""search and bench: the fuzzy clause search and its benchmark against two references.

``bench`` measures the search on the real corpus and on a 100x corpus (every council replicated
in memory under new slugs), beside the floor (one raw ``rapidfuzz.process.extract`` call with the
primary scorer over the same preprocessed texts) and SQLite FTS5 ranked by bm25, and reports the
hit rates of both on the evaluation set ``tests/data/search_eval.yaml``.
"""

from __future__ import annotations

import dataclasses
import gc
import re
import sqlite3
import statistics
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

import yaml
from rapidfuzz import process

from logic.cli import EXIT_OK, command, emit
from logic.content import Corpus, load_corpus
from logic.decisions import ParameterError
from logic.safe_text import clip
from logic.search import MAX_QUERY_CHARS, MAX_QUERY_WORDS, PRIMARY_SCORER, SearchIndex, words

EVAL_SET = Path(__file__).resolve().parents[2] / "tests" / "data" / "search_eval.yaml"
MAX_LIMIT = 100
BENCH_ROUNDS = 3
REPLICA_SEPARATOR = "-x"  # replica slugs: maldon-x2 ... maldon-x100


# ---------------------------------------------------------------- the search command


def _search_args(cmd):
    cmd.add_argument("query", help="what to look for (typos and the councils' own terms are fine)")
    cmd.add_argument("--council", help="only this council's clauses (slug, e.g. maldon)")
    cmd.add_argument("--topic", help="only clauses on this topic (slug, e.g. confidentiality)")
    cmd.add_argument("--limit", default="10", help=f"how many hits, 1-{MAX_LIMIT} (default 10)")


def _limit(value: str) -> int:
    if not re.fullmatch(r"\d{1,6}", value.strip()) or not 1 <= int(value) <= MAX_LIMIT:
        raise ParameterError(f"--limit must be a whole number from 1 to {MAX_LIMIT}, not '{clip(value)}'")
    return int(value)


def _check_filters(corpus: Corpus, council: str | None, topic: str | None) -> None:
    if council is not None and council not in corpus.councils:
        raise ParameterError(f"unknown council '{clip(council)}'; valid councils: {', '.join(corpus.councils)}")
    if topic is not None and topic not in corpus.topics:
        raise ParameterError(f"unknown topic '{clip(topic)}'; valid topics: {', '.join(corpus.topics)}")


@command("search", _search_args)
def search_command(args):
    """Fuzzy search over every clause, best first."""
    limit = _limit(args.limit)
    corpus = load_corpus(getattr(args, "content", None))
    _check_filters(corpus, args.council, args.topic)
    hits = SearchIndex(corpus).search(args.query, council=args.council, topic=args.topic, limit=limit)
    lines = [f"{hit.id}\t{hit.score:5.1f}\t{hit.title}\n    {hit.snippet}" for hit in hits]
    emit(args, {"query": args.query, "hits": [hit.as_dict() for hit in hits]},
         "\n".join(lines) if hits else "no matching clauses")
    return EXIT_OK


# ---------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class EvalQuestion:
    query: str
    expected: frozenset[str]
    council: str | None = None


def load_eval_set(path: Path = EVAL_SET) -> list[EvalQuestion]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [EvalQuestion(str(q["query"]), frozenset(q["expected"]), q.get("council"))
            for q in data["questions"]]


def hit_rates(ranked_ids: list[list[str]], questions: list[EvalQuestion]) -> tuple[float, float]:
    """(top-1 rate, top-3 rate): share of questions with an expected clause first / in the top 3."""
    top1 = sum(bool(ids[:1]) and ids[0] in q.expected for ids, q in zip(ranked_ids, questions))
    top3 = sum(bool(q.expected.intersection(ids[:3])) for ids, q in zip(ranked_ids, questions))
    return top1 / len(questions), top3 / len(questions)


def original_id(clause_id: str) -> str:
    """``maldon-x7:3.2`` -> ``maldon:3.2``; real ids unchanged."""
    slug, _, number = clause_id.partition(":")
    return f"{slug.split(REPLICA_SEPARATOR)[0]}:{number}"


def distinct_originals(ids: list[str]) -> list[str]:
    return list(dict.fromkeys(original_id(i) for i in ids))


# ---------------------------------------------------------------- references


class Fts5Reference:
    """SQLite FTS5 (porter stemming) over the same clauses, ranked by bm25: the baseline to beat."""

    def __init__(self, corpus: Corpus):
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE clauses USING fts5("
                        "id UNINDEXED, council UNINDEXED, heading, text, tokenize='porter unicode61')")
        self.db.executemany("INSERT INTO clauses VALUES (?, ?, ?, ?)",
                            [(c.id, c.council, c.heading, c.text) for c in corpus.all_clauses()])

    @staticmethod
    def match_expression(query: str) -> str:
        """An OR of the query's content words, each quoted so no user text is FTS5 syntax."""
        terms = dict.fromkeys(words(query[:MAX_QUERY_CHARS])[:MAX_QUERY_WORDS])
        return " OR ".join('"' + term.replace('"', '""') + '"' for term in terms)

    def search(self, query: str, council: str | None = None, limit: int = 10) -> list[str]:
        expression = self.match_expression(query)
        if not expression:
            return []
        sql = "SELECT id FROM clauses WHERE clauses MATCH ?"
        params: list = [expression]
        if council:
            sql += " AND council = ?"
            params.append(council)
        rows = self.db.execute(sql + " ORDER BY bm25(clauses), rowid LIMIT ?", [*params, limit])
        return [row[0] for row in rows]


def replicate(corpus: Corpus, copies: int) -> Corpus:
    """The corpus with every council repeated ``copies`` times in all (originals first); glossary
    entries cite the replicas of the clauses they cite."""
    councils = dict(corpus.councils)
    replica_ids: dict[str, list[str]] = {clause_id: [] for clause_id in corpus.clauses_by_id}
    for n in range(2, copies + 1):
        for council in corpus.councils.values():
            slug = f"{council.slug}{REPLICA_SEPARATOR}{n}"
            clauses = tuple(dataclasses.replace(c, id=f"{slug}:{c.number}", council=slug) for c in council.clauses)
            councils[slug] = dataclasses.replace(council, slug=slug, clauses=clauses)
            for original, replica in zip(council.clauses, clauses):
                replica_ids[original.id].append(replica.id)

    def with_replicas(citation: str) -> list[str]:
        clause = corpus.resolve(citation)
        return [citation, *(replica_ids[clause.id] if clause else ())]

    glossary = tuple(dataclasses.replace(entry, clauses=tuple(cited for citation in entry.clauses
                                                              for cited in with_replicas(citation)))
                     for entry in corpus.glossary)
    clauses_by_id = {c.id: c for council in councils.values() for c in council.clauses}
    return dataclasses.replace(corpus, councils=councils, clauses_by_id=clauses_by_id, glossary=glossary)


# ---------------------------------------------------------------- the benchmark


def _percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def _timed(function, questions: list[EvalQuestion]) -> list[float]:
    """Milliseconds per call, every question BENCH_ROUNDS times after one warm-up round."""
    for q in questions:
        function(q)
    samples = []
    for _ in range(BENCH_ROUNDS):
        for q in questions:
            start = time.perf_counter()
            function(q)
            samples.append((time.perf_counter() - start) * 1000)
    return samples


def _build_measured(corpus: Corpus) -> tuple[SearchIndex, float, float]:
    """The index, its build time (ms) and the peak memory (MB) the build allocated."""
    gc.collect()
    start = time.perf_counter()
    index = SearchIndex(corpus)
    build_ms = (time.perf_counter() - start) * 1000
    del index
    gc.collect()
    tracemalloc.start()  # a second build: tracing slows Python down, so it is not the timed one
    index = SearchIndex(corpus)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return index, build_ms, peak / 2**20


def measure(corpus: Corpus, questions: list[EvalQuestion], copies: int) -> dict:
    index, build_ms, memory_mb = _build_measured(corpus)
    fts = Fts5Reference(corpus)
    texts = index.texts
    search_ms = _timed(lambda q: index.search(q.query, council=q.council), questions)
    floor_ms = _timed(lambda q: process.extract(index.query_text(q.query), texts, scorer=PRIMARY_SCORER,
                                                processor=None, limit=10), questions)
    fts_ms = _timed(lambda q: fts.search(q.query, council=q.council), questions)
    # Replicas tie with their original and follow it, so ask for enough hits to see three
    # distinct original clauses, and count a replica as its original.
    depth = 3 * copies
    ours = [distinct_originals([h.id for h in index.search(q.query, council=q.council, limit=depth)])
            for q in questions]
    theirs = [distinct_originals(fts.search(q.query, council=q.council, limit=depth)) for q in questions]
    top1, top3 = hit_rates(ours, questions)
    fts_top1, fts_top3 = hit_rates(theirs, questions)
    return {
        "clauses": len(texts),
        "p50_ms": round(statistics.median(search_ms), 2),
        "p95_ms": round(_percentile(search_ms, 95), 2),
        "build_ms": round(build_ms, 1),
        "memory_mb": round(memory_mb, 1),
        "floor_p95_ms": round(_percentile(floor_ms, 95), 2),
        "fts5_p95_ms": round(_percentile(fts_ms, 95), 2),
        "hit_rate": round(top3, 3),
        "top1_rate": round(top1, 3),
        "fts5_hit_rate": round(fts_top3, 3),
        "fts5_top1_rate": round(fts_top1, 3),
    }


def _bench_args(cmd):
    cmd.add_argument("--scale", type=int, default=100, help="copies of the corpus for the large run (default 100)")


@command("bench", _bench_args)
def bench_command(args):
    """Search latency, build time, memory and hit rates at 1x and 100x, beside FTS5 and the floor."""
    if not 2 <= args.scale <= 1000:
        raise ParameterError(f"--scale must be from 2 to 1000, not {args.scale}")
    corpus = load_corpus(getattr(args, "content", None))
    questions = [q for q in load_eval_set() if q.council is None or q.council in corpus.councils]
    sizes = {"1x": measure(corpus, questions, 1),
             f"{args.scale}x": measure(replicate(corpus, args.scale), questions, args.scale)}
    lines = [f"search benchmark over {len(questions)} evaluation questions ({BENCH_ROUNDS} rounds)"]
    for size, m in sizes.items():
        lines += [
            f"{size}: {m['clauses']} clauses, index built in {m['build_ms']:.0f} ms, peak {m['memory_mb']:.1f} MB",
            f"  search p50 {m['p50_ms']:.2f} ms, p95 {m['p95_ms']:.2f} ms "
            f"(floor p95 {m['floor_p95_ms']:.2f} ms, FTS5 p95 {m['fts5_p95_ms']:.2f} ms)",
            f"  top-1 {m['top1_rate']:.0%}, top-3 {m['hit_rate']:.0%} "
            f"(FTS5 top-1 {m['fts5_top1_rate']:.0%}, top-3 {m['fts5_hit_rate']:.0%})",
        ]
    emit(args, {"sizes": sizes}, "\n".join(lines))
    return EXIT_OK
