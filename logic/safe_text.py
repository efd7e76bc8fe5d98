"""Echoing untrusted text back in a message: one line, printable characters only, bounded."""

MAX_SHOWN = 60


def clip(value: object, limit: int = MAX_SHOWN) -> str:
    """``value`` made safe to quote in a one-line message (no control or escape characters)."""
    text = "".join(ch if ch.isprintable() else " " for ch in str(value))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"
