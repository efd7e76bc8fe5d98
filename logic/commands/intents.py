"""understand: a plain-words question -> the situation or permission question it asks."""

from __future__ import annotations

from logic.cli import EXIT_OK, command, emit
from logic.decisions import check_council
from logic.intents import Interpretation, answer, understand
from logic.model import load_model
from logic.search import query_limit_message


def _understand_args(cmd):
    cmd.add_argument("text", help="the question in your own words, e.g. 'the chief exec was rude to me'")
    cmd.add_argument("--council", help="also give this council's answer for the best reading (slug, e.g. thurrock)")


def _describe(number: int, reading: Interpretation, model) -> list[str]:
    kind = "Who do I go to?" if reading.kind == "route" else "May I...?"
    catalogue = (model.routing if reading.kind == "route" else model.rules).catalogue[reading.slug]
    lines = [f"{number}. {reading.label} ({kind} {reading.slug}), confidence {reading.confidence:.2f}"]
    lines += [f'   "{e.words}": {e.meaning}' for e in reading.evidence]
    for name, value in reading.params.items():
        source = "from your words" if name in reading.inferred else "assumed"
        lines.append(f"   {catalogue.params[name].prompt} {catalogue.params[name].values[value].label} ({source})")
    return lines


@command("understand", _understand_args)
def understand_command(args):
    """A question in your own words: the situation or "may I" question it asks, best first."""
    model = load_model(getattr(args, "content", None))
    if args.council is not None:
        check_council(model.corpus, args.council)
    readings = understand(args.text, model)
    notice = query_limit_message(args.text)
    payload: dict = {"interpretations": [r.as_dict() for r in readings], "notice": notice}
    lines = [notice] if notice else []
    if not readings:
        lines.append("Not sure which situation or question this is. Try the clause search: "
                     "python -m logic search QUERY")
    for number, reading in enumerate(readings, 1):
        lines += _describe(number, reading, model)
    if readings and args.council is not None:
        best = readings[0]
        result = answer(best, model, args.council)
        if best.kind == "route":
            lines.append(f"{model.corpus.councils[args.council].short_name}'s answer:"
                         + ("" if result.covered else f" not covered by this protocol. {result.note}"))
            lines += [f"  {s.number}. {s.actor_label}: {s.action} [{', '.join(s.cites)}]" for s in result.steps]
        else:
            lines.append(f"{model.corpus.councils[args.council].short_name}'s answer: {result.verdict_label}"
                         + (f" [{', '.join(result.cites)}]" if result.cites else ""))
            lines += [f"  - {reason}" for reason in result.reasons]
        payload["answer"] = {"kind": best.kind, **result.as_dict()}
    emit(args, payload, "\n".join(lines))
    return EXIT_OK
