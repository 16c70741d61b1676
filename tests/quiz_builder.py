"""Small quizzes that tests build for themselves: one question of each kind, with the answers a learner would give
to get it right or wrong and the texts that must never reach the page before submission."""

from dataclasses import dataclass, field

from curriculum.models import CoursePage, ModulePage, QuizPage
from lms.quizzes.models import QuizAttempt


@dataclass
class Question:
    kind: str
    id: str
    value: dict  # the raw block value, as a StreamField stores it
    right: list[str]  # form values that score 1
    wrong: list[str]  # form values that score 0
    secrets: list[str] = field(default_factory=list)  # what only the answer holds: never in the page before submission

    def raw(self) -> dict:
        return {"type": self.kind, "id": self.id, "value": self.value}


def items(prefix: str, values) -> list[dict]:
    return [{"type": "item", "id": f"{prefix}-{index}", "value": value} for index, value in enumerate(values)]


def choice(text, correct, feedback):
    return {"text": text, "correct": correct, "feedback": feedback}


def one_of_each_kind(prefix: str = "q") -> list[Question]:
    """Six questions, their block and choice ids starting with `prefix` (two quizzes need different ids)."""

    def base(prompt, explanation):
        return {"prompt": prompt, "image": None, "explanation": f"<p>{explanation}</p>"}

    single, multiple, ordering = f"{prefix}-single", f"{prefix}-multiple", f"{prefix}-ordering"
    return [
        Question(
            "single_choice",
            single,
            {
                **base("Who belongs in a landscape partnership?", "Every group that shapes the land takes part."),
                "choices": items(
                    single,
                    [
                        choice("Only the district office", False, "A partnership is wider than government."),
                        choice("Every group that uses the land", True, "Yes: farmers, herders, firms and officials."),
                    ],
                ),
            },
            right=[f"{single}-1"],
            wrong=[f"{single}-0"],
            secrets=["Every group that shapes the land", "A partnership is wider", "Yes: farmers, herders"],
        ),
        Question(
            "multiple_choice",
            multiple,
            {
                **base("Which are sources of finance?", "Budgets and loans both pay for the plan."),
                "scoring": "all_or_nothing",
                "choices": items(
                    multiple,
                    [
                        choice("A public budget", True, "Public money is one source."),
                        choice("A bank loan", True, "Loans are another."),
                        choice("The weather", False, "Rain pays for nothing."),
                    ],
                ),
            },
            right=[f"{multiple}-0", f"{multiple}-1"],
            wrong=[f"{multiple}-2"],
            secrets=["Budgets and loans both pay", "Public money is one source", "Loans are another", "Rain pays"],
        ),
        Question(
            "true_false",
            f"{prefix}-true-false",
            {
                **base("A landscape vision looks twenty years ahead.", "Twenty years is the usual horizon."),
                "correct": True,
                "feedback_true": "Right: it looks a generation ahead.",
                "feedback_false": "Look again at the vision lesson.",
            },
            right=["true"],
            wrong=["false"],
            secrets=["Twenty years is the usual", "Right: it looks a generation", "Look again at the vision"],
        ),
        Question(
            "short_text",
            f"{prefix}-short-text",
            {
                **base("What maps causes and effects?", "It grows roots and branches."),
                "accepted_answers": items(f"{prefix}-accepted", ["problem tree", "arbre à problèmes"]),
                "case_sensitive": False,
                "ignore_accents": True,
                "ignore_spacing": True,
            },
            right=["Problem Tree"],
            wrong=["definitely not this"],
            secrets=["problem tree", "arbre à problèmes", "It grows roots"],
        ),
        Question(
            "numeric",
            f"{prefix}-numeric",
            {
                **base("How many years does the vision cover?", "A generation."),
                "answer": "20",
                "tolerance": "0",
                "unit": "years",
            },
            right=["20"],
            wrong=["99999"],
            secrets=['value="20"', "A generation."],
        ),
        Question(
            "ordering",
            ordering,
            {
                **base("Put the steps in order.", "A plan follows the vision."),
                "scoring": "all_or_nothing",
                "items": items(ordering, ["Agree a vision", "Choose actions", "Fund them", "Track results"]),
            },
            right=[f"{ordering}-{index}:{index + 1}" for index in range(4)],
            wrong=[f"{ordering}-{index}:{4 - index}" for index in range(4)],
            secrets=["A plan follows the vision"],
        ),
    ]


def build_quiz(parent: ModulePage, *, slug: str, questions: list[Question], pass_mark: int = 70, **fields) -> QuizPage:
    """A published quiz of these questions under `parent`, with its own pass mark (never the demo's)."""
    quiz = QuizPage(
        title=fields.pop("title", f"Quiz {slug}"),
        slug=slug,
        pass_mark=pass_mark,
        questions=[question.raw() for question in questions],
        **fields,
    )
    parent.add_child(instance=quiz)
    quiz.save_revision().publish()
    return QuizPage.objects.get(pk=quiz.pk)


def translate_quiz(quiz: QuizPage, locale, *, prompts: dict[str, str]) -> QuizPage:
    """The quiz's translation into `locale` (its parent must have one), published, with these prompts by question id:
    the same question and choice ids, as Wagtail keeps them."""
    QuizPage.objects.filter(translation_key=quiz.translation_key, locale=locale).delete()  # an alias, if synced
    # From a fresh copy: the translation shares the source's question values, and must not change the caller's quiz.
    translation = QuizPage.objects.get(pk=quiz.pk).copy_for_translation(locale)
    for block in translation.questions:
        if block.id in prompts:
            block.value["prompt"] = prompts[block.id]
    translation.save_revision().publish()
    return QuizPage.objects.get(pk=translation.pk)


def form(answers: dict[str, list[str]]) -> dict[str, list[str]]:
    """Answers by question id as the quiz form posts them."""
    return {f"q-{question_id}": values for question_id, values in answers.items()}


def right_answers(questions: list[Question]) -> dict[str, list[str]]:
    return {question.id: question.right for question in questions}


def wrong_answers(questions: list[Question]) -> dict[str, list[str]]:
    return {question.id: question.wrong for question in questions}


def first_module() -> ModulePage:
    """Where the tests' quizzes live: the demo course's first module (in English and French)."""
    course = CoursePage.objects.get(locale__language_code="en", slug="ilm-five-elements")
    return ModulePage.objects.child_of(course).order_by("path").first()


def six_kind_quiz(*, slug: str = "six-kinds", pass_mark: int = 70) -> tuple[QuizPage, list[Question]]:
    """A quiz of one question of each kind, in English, and its questions (with their right and wrong answers)."""
    questions = one_of_each_kind()
    return build_quiz(first_module(), slug=slug, questions=questions, pass_mark=pass_mark), questions


def by_kind(questions: list[Question], kind: str) -> Question:
    return next(question for question in questions if question.kind == kind)


def start(client, quiz: QuizPage, language: str = "en") -> QuizAttempt:
    """Press "Start the quiz": the learner's open attempt."""
    response = client.post(f"/{language}/learning/quizzes/{quiz.translation_key}/start/")
    assert response.status_code == 302
    return QuizAttempt.objects.filter(quiz_key=quiz.translation_key, submitted_at__isnull=True).latest("pk")


def submit(client, attempt: QuizAttempt, answers: dict[str, list[str]], language: str = "en"):
    return client.post(f"/{language}/learning/quizzes/attempts/{attempt.pk}/submit/", form(answers))


# -- the demo's own quizzes, for flows through a whole course (the tests above build their own quizzes) -------------


def demo_quiz(language: str, module_number: int = 1) -> QuizPage:
    """The demo course's quiz number `module_number` (in tree order), in a language."""
    english = QuizPage.objects.filter(locale__language_code="en").order_by("path")[module_number - 1]
    return QuizPage.objects.get(translation_key=english.translation_key, locale__language_code=language)


def demo_right_answers(quiz: QuizPage) -> dict[str, list[str]]:
    """What a learner who gets every question right submits, as each question kind says."""
    return {question.id: question.block.right_submission(question.value) for question in quiz.questions}


def demo_wrong_answers(quiz: QuizPage) -> dict[str, list[str]]:
    """A submission that gets every question wrong: another choice, the other truth value, a number or text no
    author accepts, the items in reverse."""
    answers = {}
    for question in quiz.questions:
        right = question.block.right_submission(question.value)
        kind = question.block_type
        if kind in ("single_choice", "multiple_choice"):
            others = [choice.id for choice in question.value["choices"].bound_blocks if choice.id not in right]
            answers[question.id] = others[:1]
        elif kind == "true_false":
            answers[question.id] = ["false" if right == ["true"] else "true"]
        elif kind == "numeric":
            answers[question.id] = ["99999"]
        elif kind == "ordering":
            answers[question.id] = list(reversed(right))
        else:
            answers[question.id] = ["definitely not this"]
    return answers
