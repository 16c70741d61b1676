"""What a quiz page shows of its questions. Before submission only prompts and choice texts leave the server:
these views are built from nothing else, so a correct answer, a feedback or an explanation cannot leak into them."""

import random
from dataclasses import dataclass, field
from decimal import Decimal

from babel.numbers import format_decimal
from django.utils.translation import get_language

from curriculum.models import QuizPage


@dataclass
class QuestionView:
    id: str
    kind: str
    number: int
    prompt: str
    image: object | None
    choices: list[tuple[str, str]] = field(default_factory=list)  # (choice id, text)
    unit: str = ""
    values: list[str] = field(default_factory=list)  # what the learner has entered so far
    error: str = ""


def question_views(quiz: QuizPage, *, seed: int = 0, entered: dict | None = None, errors: dict | None = None):
    entered, errors = entered or {}, errors or {}
    blocks = list(quiz.questions)
    if quiz.shuffle_questions:
        random.Random(seed).shuffle(blocks)  # noqa: S311 (an order to show, not a secret)
    views = []
    for number, block in enumerate(blocks, 1):
        value = block.value
        choices = []
        if block.block_type in ("single_choice", "multiple_choice"):
            choices = [(child.id, child.value["text"]) for child in value["choices"].bound_blocks]
            if quiz.shuffle_choices:
                random.Random(f"{seed}-{block.id}").shuffle(choices)  # noqa: S311
        views.append(
            QuestionView(
                id=block.id,
                kind=block.block_type,
                number=number,
                prompt=value["prompt"],
                image=value["image"],
                choices=choices,
                unit=value.get("unit", "") if block.block_type == "numeric" else "",
                values=list(entered.get(block.id, [])),
                error=errors.get(block.id, ""),
            )
        )
    return views


@dataclass
class ReviewItem:
    number: int
    prompt: str
    given: str
    correct_answer: str
    is_correct: bool
    score: float
    feedback: list[str]
    explanation: object


def review_items(attempt, *, shown: QuizPage, graded: QuizPage):
    """An attempt's answers, worded in the quiz version `shown` (the visitor's language) where it has the question,
    else in the version the attempt was graded on."""
    answers = {answer.question_id: answer for answer in attempt.answers.all()}
    shown_blocks = {block.id: block for block in shown.questions}
    items = []
    for number, graded_block in enumerate(graded.questions, 1):
        block = shown_blocks.get(graded_block.id, graded_block)
        answer = answers.get(block.id)
        response = answer.response if answer else None
        grade = block.block.grade(block.value, response)
        items.append(
            ReviewItem(
                number=number,
                prompt=block.value["prompt"],
                given=_answer_in_words(block, response),
                correct_answer=block.block.correct_answer_text(block.value),
                is_correct=bool(answer and answer.score >= 1),
                score=answer.score if answer else 0,
                feedback=grade.feedback,
                explanation=block.value["explanation"],
            )
        )
    return items


def _answer_in_words(block, response) -> str:
    from django.utils.translation import gettext as _

    if response is None:
        return ""
    if block.block_type in ("single_choice", "multiple_choice"):
        texts = {child.id: child.value["text"] for child in block.value["choices"].bound_blocks}
        chosen = response if isinstance(response, list) else [response]
        return " · ".join(texts.get(choice_id, "?") for choice_id in chosen)
    if block.block_type == "true_false":
        return str(_("True") if response else _("False"))
    if block.block_type == "numeric":
        number = format_decimal(Decimal(response), locale=get_language().replace("-", "_"))
        return f"{number} {block.value.get('unit', '')}".strip()
    return str(response)
