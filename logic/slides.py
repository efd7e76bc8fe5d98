"""A trainer's scenario as a deck of slides, and the quiz answers and score as short URL values.

The deck is the same in step-through and slide mode (so ``?step=`` means the same slide in both):
the situation, the discussion prompt, what the five protocols say for each of the scenario's
routes and questions, each route as a flowchart for the chosen council, one slide per quiz
question, and the score. Nothing here decides an answer: the slides point at the scenario's links
and at the quiz questions that :func:`logic.scenarios.quiz` worked out from the engines.

Quiz answers travel in the URL as one character per question, in order: ``-`` not answered yet,
``a``, ``b``, ``c``… the option chosen (the letter shown beside it). ``b-a`` is "question 1: B,
question 2: not yet, question 3: A". The score of the scenarios finished earlier in the session is
``<right>-<asked>`` (``5-7``), so a reload, a shared link, back and forward all keep both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from string import ascii_lowercase

from logic.scenarios import QuizQuestion, Scenario, ScenarioLink

UNANSWERED = "-"
_TALLY = re.compile(r"(\d{1,4})-(\d{1,4})")


@dataclass(frozen=True)
class Slide:
    kind: str  # situation | discuss | protocols | flowchart | question | score
    title: str
    link: ScenarioLink | None = None  # protocols, flowchart: the route or question shown
    question: int | None = None  # question: its index in the quiz


def deck(scenario: Scenario, questions: list[QuizQuestion]) -> tuple[Slide, ...]:
    """Every slide of a scenario, in order (the quiz ``questions`` are those for the chosen council)."""
    slides = [Slide("situation", "The situation"), Slide("discuss", "Discuss")]
    slides += [Slide("protocols", "What the protocols say", link) for link in scenario.links]
    slides += [Slide("flowchart", "The route as a flowchart", link) for link in scenario.links
               if link.kind == "route"]
    slides += [Slide("question", f"Question {number} of {len(questions)}", question=number - 1)
               for number in range(1, len(questions) + 1)]
    if questions:
        slides.append(Slide("score", "Your score"))
    return tuple(slides)


def option_letter(index: int) -> str:
    """The letter shown beside an option, and kept in the URL for it: 0 -> "a"."""
    return ascii_lowercase[index]


def read_step(text: str | None, slides: int) -> int | None:
    """``?step=`` as a slide index (the URL counts from 1); None when absent; ValueError when not a slide."""
    if text is None or text == "":
        return None
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= slides:
        raise ValueError(f"there is no slide {text} (this scenario has {slides})")
    return int(text) - 1


def read_answers(text: str | None, questions: list[QuizQuestion]) -> tuple[int | None, ...] | None:
    """``?answers=`` as the option chosen per question (None: not answered); None when absent or empty;
    ValueError when it does not fit these questions (another council's quiz, or a mistyped link)."""
    if text is None or text == "":
        return None
    if len(text) != len(questions):
        raise ValueError(f"the answers are for {len(text)} questions, this quiz has {len(questions)}")
    chosen = []
    for char, question in zip(text, questions):
        if char == UNANSWERED:
            chosen.append(None)
        elif char in ascii_lowercase and ascii_lowercase.index(char) < len(question.options):
            chosen.append(ascii_lowercase.index(char))
        else:
            raise ValueError(f"“{char}” is not an option of question {len(chosen) + 1}")
    return tuple(chosen)


def answers_text(chosen: tuple[int | None, ...]) -> str:
    """The URL value of the answers; "" when none is answered (the URL then leaves it out)."""
    if all(choice is None for choice in chosen):
        return ""
    return "".join(UNANSWERED if choice is None else option_letter(choice) for choice in chosen)


def is_right(question: QuizQuestion, choice: int | None) -> bool:
    return choice is not None and question.options[choice] == question.answer


def score(questions: list[QuizQuestion], chosen: tuple[int | None, ...]) -> tuple[int, int]:
    """(right, answered) for one quiz."""
    answered = [(q, c) for q, c in zip(questions, chosen) if c is not None]
    return sum(is_right(q, c) for q, c in answered), len(answered)


def read_tally(text: str | None) -> tuple[int, int] | None:
    """``?tally=<right>-<asked>`` (the earlier scenarios' score); None when absent; ValueError when impossible."""
    if text is None or text == "":
        return None
    match = _TALLY.fullmatch(text)
    if not match or int(match.group(1)) > int(match.group(2)):
        raise ValueError(f"“{text}” is not a score (right-asked, such as 3-5)")
    return int(match.group(1)), int(match.group(2))


def tally_text(tally: tuple[int, int]) -> str:
    return "" if tally == (0, 0) else f"{tally[0]}-{tally[1]}"


def add(tally: tuple[int, int], more: tuple[int, int]) -> tuple[int, int]:
    return tally[0] + more[0], tally[1] + more[1]
