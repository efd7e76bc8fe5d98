"""CLI subcommands, one module per area; importing this package registers them all."""

from logic.commands import (
    audit,  # noqa: F401
    compare,  # noqa: F401
    core,  # noqa: F401
    importing,  # noqa: F401
    intents,  # noqa: F401
    review,  # noqa: F401
    search,  # noqa: F401
)
