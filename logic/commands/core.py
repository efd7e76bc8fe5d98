"""validate, clauses, route, ask."""

from __future__ import annotations

from logic.cli import EXIT_OK, command, emit
from logic.compare import DIFFERENCES_FILE, load_difference_specs
from logic.content import load_corpus
from logic.decisions import ParameterError, parse_assignments
from logic.model import load_model
from logic.permissions import VERDICT_LABELS, ask
from logic.routing import route
from logic.safe_text import clip


def _content(args):
    return getattr(args, "content", None)


def _council_arg(cmd, required=False):
    cmd.add_argument("--council", required=required, help="council slug, e.g. maldon")


def _set_arg(cmd):
    cmd.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                     help="a parameter value (repeatable)")


@command("validate", lambda cmd: None)
def validate(args):
    """Check every content file against the schema."""
    model = load_model(_content(args))
    if (model.corpus.root / DIFFERENCES_FILE).is_file():
        load_difference_specs(model)  # raises ContentError naming the file
    corpus = model.corpus
    counts = {slug: len(c.clauses) for slug, c in corpus.councils.items()}
    emit(args, {"valid": True, "councils": counts, "clauses": sum(counts.values()), "errors": []},
         f"content is valid: {sum(counts.values())} clauses in {len(counts)} councils "
         f"({', '.join(f'{k} {v}' for k, v in counts.items())})")
    return EXIT_OK


@command("clauses", _council_arg)
def clauses(args):
    """List clauses, optionally for one council."""
    corpus = load_corpus(_content(args))
    if args.council and args.council not in corpus.councils:
        raise ParameterError(f"unknown council '{clip(args.council)}'; valid councils: {', '.join(corpus.councils)}")
    chosen = [c for c in corpus.all_clauses() if not args.council or c.council == args.council]
    payload = {"clauses": [{"id": c.id, "council": c.council, "number": c.number,
                            "section": c.section_title, "title": c.title, "topics": list(c.topics),
                            "text": c.text} for c in chosen]}
    emit(args, payload, "\n".join(f"{c.id}\t{c.heading}\t{' '.join(c.text.split())[:80]}" for c in chosen))


def _route_args(cmd):
    cmd.add_argument("scenario")
    _council_arg(cmd, required=True)
    _set_arg(cmd)
    cmd.add_argument("--dot", action="store_true", help="print the flowchart as graphviz DOT")


@command("route", _route_args)
def route_command(args):
    """Who do I go to? The ordered route for a scenario."""
    model = load_model(_content(args))
    answer = route(model.corpus, model.routing, args.scenario, args.council, parse_assignments(args.set))
    if args.dot:
        from logic.flowchart import route_dot

        print(route_dot(model, answer))
        return EXIT_OK
    lines = [f"{args.council}: {args.scenario}", *(f"Assuming {a}." for a in answer.assumptions)]
    if not answer.covered:
        lines.append(f"Not covered by this protocol. {answer.note}")
    if answer.scope:
        lines.append(f"Applies: {answer.scope}")
    for step in answer.steps:
        within = f" (within {step.limits_text})" if step.limits_text else ""
        cond = "".join(f"{c}: " for c in ("At the same time" * step.parallel, step.condition) if c)
        reaches = f" ({step.reaches})" if step.recipients else ""
        lines.append(f"{step.number}. {cond}{step.actor_label}{reaches}: {step.action}{within} "
                     f"[{', '.join(step.cites)}]")
    if answer.covered and answer.note:
        lines.append(answer.note)
    emit(args, answer.as_dict(), "\n".join(lines))


def _ask_args(cmd):
    cmd.add_argument("question")
    _council_arg(cmd, required=True)
    _set_arg(cmd)


@command("ask", _ask_args)
def ask_command(args):
    """May I...? The verdict for a question."""
    model = load_model(_content(args))
    answer = ask(model.corpus, model.rules, args.question, args.council, parse_assignments(args.set))
    lines = [f"{args.council}: {args.question}", *(f"Assuming {a}." for a in answer.assumptions),
             f"Verdict: {VERDICT_LABELS[answer.verdict]}", *([f"Applies: {answer.scope}"] if answer.scope else []),
             *(f"- {r}" for r in answer.reasons)]
    if answer.cites:
        lines.append(f"Cites: {', '.join(answer.cites)}")
    emit(args, answer.as_dict(), "\n".join(lines))
