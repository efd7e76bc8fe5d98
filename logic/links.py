"""Deep links: building and validating the URL query parameters pages share.

Every clause mentioned anywhere links to the Handbook as ``handbook?council=<slug>&clause=<number>``.
Parameters arrive from the URL, so they are untrusted: :func:`read_clause_link` never raises and
returns a friendly message for anything it cannot honour.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from logic.content import Clause, Corpus

MAX_SHOWN = 40


def clip(value: object) -> str:
    """A URL value made safe to echo in a message: one line, bounded, printable only."""
    text = "".join(ch for ch in str(value) if ch.isprintable())
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN] + "…"


def clause_url(clause_id: str) -> str:
    council, _, number = clause_id.partition(":")
    return "handbook?" + urlencode({"council": council, "clause": number})


@dataclass(frozen=True)
class ClauseLink:
    council: str | None
    clause: Clause | None
    message: str = ""


def read_council(corpus: Corpus, value: str | None) -> tuple[str | None, str]:
    """A council slug from the URL, or None and a message when it is not one of ours."""
    if value is None or value == "":
        return None, ""
    if value in corpus.councils:
        return value, ""
    return None, (f"There is no council called “{clip(value)}” in this handbook. "
                  f"Choose one of: {', '.join(c.short_name for c in corpus.councils.values())}.")


def read_clause_link(corpus: Corpus, council: str | None, number: str | None) -> ClauseLink:
    slug, message = read_council(corpus, council)
    if message:
        return ClauseLink(None, None, message)
    if number in (None, ""):
        return ClauseLink(slug, None)
    if slug is None:
        return ClauseLink(None, None, "A clause link needs a council as well as a clause number.")
    clause = corpus.resolve(f"{slug}:{number}")
    if clause is None:
        name = corpus.councils[slug].short_name
        return ClauseLink(slug, None, f"{name}'s protocol has no clause “{clip(number)}”. "
                                      "Showing the whole protocol instead.")
    return ClauseLink(slug, clause)
