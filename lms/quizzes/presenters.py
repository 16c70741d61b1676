"""What a quiz page shows of its questions. Before submission only prompts and choice texts leave the server: each
question block builds its form view (curriculum.questions.QuestionForm) from nothing else, so a correct answer, a
feedback or an explanation cannot leak into them."""

import random
from dataclasses import dataclass

from curriculum.models import QuizPage
from curriculum.questions import QuestionForm


def question_views(
    quiz: QuizPage, *, seed: int = 0, entered: dict | None = None, errors: dict | None = None
) -> list[QuestionForm]:
    entered, errors = entered or {}, errors or {}
    blocks = list(quiz.questions)
    if quiz.shuffle_questions:
        random.Random(seed).shuffle(blocks)  # noqa: S311 (an order to show, not a secret)
    return [
        block.block.question_form(
            block.value,
            block_id=block.id,
            number=number,
            name=f"q-{block.id}",  # the form's protocol: see views.submitted_answers
            order_seed=f"{seed}-{block.id}",
            shuffle=quiz.shuffle_choices,
            values=entered.get(block.id, []),
            error=errors.get(block.id, ""),
        )
        for number, block in enumerate(blocks, 1)
    ]


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
                given=block.block.answer_in_words(block.value, response),
                correct_answer=block.block.correct_answer_text(block.value),
                is_correct=bool(answer and answer.score >= 1),
                score=answer.score if answer else 0,
                feedback=grade.feedback,
                explanation=block.value["explanation"],
            )
        )
    return items
