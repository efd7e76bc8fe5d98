"""``python -m logic``: the command-line contract in the design notes.

JSON on stdout with ``--json``, human text without; exit 0 on success, 1 on invalid content,
2 on bad arguments (one line on stderr). ``--content DIR`` and ``--json`` may come before or
after the subcommand.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

from logic.content import ContentError
from logic.decisions import ParameterError
from logic.safe_text import clip

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
MAX_MESSAGE = 1000  # room for the list of valid topics; user values are clipped shorter at source
_LONG_QUOTED = re.compile(r"'([^']{60})[^']+'")


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse would print usage and exit; we want one line
        # argparse quotes the offending value whole ("invalid choice: '...'"): shorten long ones.
        raise UsageError(_LONG_QUOTED.sub(lambda m: f"'{m.group(1)}…'", message))


def _global_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help="print JSON on stdout")
    common.add_argument("--content", type=Path, default=argparse.SUPPRESS,
                        help="content folder (default: the bundled content/)")
    return common


COMMANDS: dict[str, tuple[Callable, Callable]] = {}


def command(name: str, configure: Callable[[argparse.ArgumentParser], None]):
    """Register a subcommand: ``configure`` adds its arguments, the function runs it."""

    def register(func):
        COMMANDS[name] = (configure, func)
        return func

    return register


def build_parser() -> argparse.ArgumentParser:
    common = _global_options()
    parser = _Parser(prog="python -m logic", description="Protocol Explorer command line",
                     parents=[common])
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, required=True)
    for name, (configure, func) in COMMANDS.items():
        cmd = sub.add_parser(name, parents=[common], help=(func.__doc__ or "").strip().split("\n")[0])
        configure(cmd)
        cmd.set_defaults(run=func)
    return parser


def emit(args, payload: dict, text: str) -> None:
    if getattr(args, "json", False):
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(text.rstrip("\n") + "\n")


def main(argv: list[str] | None = None) -> int:
    # Import for the side effect of registering every subcommand.
    import logic.commands  # noqa: F401  (registers the subcommands)

    try:
        args = build_parser().parse_args(argv)
        content = getattr(args, "content", None)
        if content is not None and not content.is_dir():
            raise UsageError(f"--content '{clip(content)}' is not a folder")
        return args.run(args) or EXIT_OK
    except (UsageError, ParameterError) as exc:
        # One printable line whatever the user typed (argparse echoes choices and values whole).
        print(f"error: {clip(exc, MAX_MESSAGE)}", file=sys.stderr)
        return EXIT_USAGE
    except ContentError as exc:
        if "--json" in (argv if argv is not None else sys.argv):
            json.dump({"valid": False, "errors": [str(p) for p in exc.problems]}, sys.stdout, indent=1)
            sys.stdout.write("\n")
        else:
            print(f"{len(exc.problems)} content problem(s):", file=sys.stderr)
            for problem in exc.problems:
                print(f"  {problem}", file=sys.stderr)
        return EXIT_INVALID


__all__ = ["command", "emit", "main", "EXIT_OK", "EXIT_INVALID", "EXIT_USAGE"]
