"""Deep links: building and validating the URL query parameters pages share.

Every clause mentioned anywhere links to the Handbook as ``handbook?council=<slug>&clause=<number>``.
Parameters arrive from the URL, so they are untrusted: :func:`read_clause_link` never raises and
returns a friendly message for anything it cannot honour.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from logic.content import Clause, Corpus
from logic.decisions import CatalogueEntry
from logic.safe_text import clip


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


@dataclass(frozen=True)
class DecisionLink:
    """A scenario or question chosen through the URL, with validated parameters."""

    slug: str
    params: dict[str, str]
    messages: tuple[str, ...] = ()


def read_decision_query(catalogue: dict[str, CatalogueEntry], query: Mapping[str, str], slug_key: str
                        ) -> DecisionLink:
    """Validate ``?<slug_key>=...&<param>=...``; anything invalid falls back to the default, with a message."""
    messages = []
    slug = query.get(slug_key) or next(iter(catalogue))
    if slug not in catalogue:
        messages.append(f"“{clip(slug)}” is not one of the choices on this page. Showing the first one instead.")
        slug = next(iter(catalogue))
    params = {}
    for name, param in catalogue[slug].params.items():
        value = query.get(name)
        if value is not None and value not in param.values:
            messages.append(f"“{clip(value)}” is not a valid answer to “{param.prompt}”. "
                            f"Using “{param.values[param.default].label}” instead.")
            value = None
        params[name] = value or param.default
    return DecisionLink(slug, params, tuple(messages))


def read_date(value: str | None) -> tuple[dt.date | None, str]:
    """An ISO date from the URL (years 1900-2200), or None and a message."""
    if not value:
        return None, ""
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return None, f"“{clip(value)}” is not a date (use YYYY-MM-DD); no deadlines are shown."
    if not 1900 <= day.year <= 2200:
        return None, "That start date is out of range; no deadlines are shown."
    return day, ""
