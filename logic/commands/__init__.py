"""CLI subcommands, one module per area; importing this package registers them all."""

from logic.commands import core  # noqa: F401
