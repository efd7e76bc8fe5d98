"""Page state kept in the URL, so back, forward, reload and a shared link all show the same view.

The pattern, for every page: read the page's parameters from the URL (validated: a bad value gives
a message and the default); *seed* the widgets from them whenever the URL differs from what this
page last wrote (a deep link, a link from another page, or the browser's back and forward
buttons, which rerun the page with the older URL); draw the widgets; then *write* their values
back to the URL. Writing only what changed keeps the browser history one entry per choice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import streamlit as st

from logic.export import escape_markdown
from logic.safe_text import clip

COUNCIL_PARAM = "council"


def seed_from_url(prefix: str, url_values: Mapping[str, str],
                  to_widget: Mapping[str, Callable[[str], Any]] | None = None) -> bool:
    """Set the page's widgets (keys ``<prefix>_<name>``) from the URL's validated strings when the URL changed
    under us; returns True when it did. ``to_widget`` converts where a widget holds another type."""
    marker = f"{prefix}__from_url"
    last_written = st.session_state.get(marker) or {}
    # Streamlit drops a page's widget state once another page has run: coming back (a nav link, or Back to
    # a URL this page wrote) must seed again from the URL, or the widgets show their defaults.
    widgets_kept = all(f"{prefix}_{name}" in st.session_state for name in url_values)
    if widgets_kept and {name: last_written.get(name) for name in url_values} == dict(url_values):
        return False
    for name, value in url_values.items():
        st.session_state[f"{prefix}_{name}"] = (to_widget or {}).get(name, str)(value)
    st.session_state[marker] = dict(url_values)
    return True


def write_url(prefix: str, values: Mapping[str, str], defaults: Mapping[str, str] | None = None) -> None:
    """Mirror the page's choices in the URL, keeping the council; values equal to ``defaults`` are left out."""
    st.session_state[f"{prefix}__from_url"] = dict(values)
    shown = {k: v for k, v in values.items() if v != (defaults or {}).get(k, None) and v != ""}
    council = st.session_state.get(COUNCIL_PARAM)
    wanted = {**({COUNCIL_PARAM: council} if council else {}), **shown}
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


def read_choice(name: str, valid: Iterable[str], default: str, what: str) -> str:
    """``?<name>=`` if it is one of ``valid``; otherwise a warning (naming ``what`` was expected) and ``default``."""
    value = st.query_params.get(name)
    valid = list(valid)
    if value is None or value == "":
        return default
    if value in valid:
        return value
    st.warning(f"“{escape_markdown(clip(value))}” is not {what}; showing {escape_markdown(str(default))}.",
               icon=":material/link_off:")
    return default


def read_list(name: str, valid: Iterable[str], what: str) -> list[str] | None:
    """``?<name>=a,b`` as a list of valid items (unknown ones reported and dropped); None when absent."""
    value = st.query_params.get(name)
    if value is None:
        return None
    valid = list(valid)
    items = [item for item in value.split(",") if item]
    unknown = [item for item in items if item not in valid]
    if unknown:
        st.warning(f"“{escape_markdown(clip(', '.join(unknown)))}” {'is' if len(unknown) == 1 else 'are'} not "
                   f"{what}; left out.", icon=":material/link_off:")
    return [item for item in valid if item in items]


def as_list_param(items: Iterable[str]) -> str:
    return ",".join(items)


def reseed_on_return(prefix: str, widget: str) -> bool:
    """Make :func:`seed_from_url` seed again when the visitor comes back to this page; True if they did.

    Streamlit deletes a page's widget state once another page has run, so coming back (a nav link, or
    the browser's back button to a URL this page wrote) finds default widgets while the URL still holds
    the choices. Call before :func:`seed_from_url` with the name of one of the page's widgets.
    """
    if f"{prefix}_{widget}" in st.session_state:
        return False
    st.session_state.pop(f"{prefix}__from_url", None)
    return True
