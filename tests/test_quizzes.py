"""Quizzes: graded only on the server, safe against bad input, counted toward progress, reviewable in any language."""

import json
import re
from decimal import Decimal
from html import escape

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.blocks.struct_block import StructBlockValidationError

from curriculum.models import ModulePage, QuizPage
from curriculum.questions import (
    AnswerError,
    MultipleChoiceQuestionBlock,
    NumericQuestionBlock,
    ShortTextQuestionBlock,
    SingleChoiceQuestionBlock,
    TrueFalseQuestionBlock,
)
from lms.progress.models import LessonProgress
from lms.quizzes.models import QuestionAnswer, QuizAttempt

pytestmark = pytest.mark.django_db
User = get_user_model()


def choices(*specs):
    return [
        {"type": "item", "id": f"c{index}", "value": {"text": text, "correct": correct, "feedback": f"fb {text}"}}
        for index, (text, correct) in enumerate(specs)
    ]


def value_of(block, raw):
    return block.to_python({"prompt": "Q?", "image": None, "explanation": "", **raw})


# --- grading lives with the question -----------------------------------------------------------------------------


def test_single_choice_grades_the_chosen_choice():
    block = SingleChoiceQuestionBlock()
    value = value_of(block, {"choices": choices(("A", False), ("B", True))})
    assert block.grade(value, "c1").score == 1
    grade = block.grade(value, "c0")
    assert grade.score == 0 and grade.feedback == ["fb A"]
    with pytest.raises(AnswerError):
        block.parse_answer(value, ["c9"])


@pytest.mark.parametrize(
    ("scoring", "selected", "score"),
    [
        ("all_or_nothing", ["c0", "c1"], 1),
        ("all_or_nothing", ["c0"], 0),
        ("partial", ["c0"], 0.5),
        ("partial", ["c0", "c2"], 0),
        ("partial", ["c0", "c1", "c2"], 0.5),
    ],
)
def test_multiple_choice_scoring(scoring, selected, score):
    block = MultipleChoiceQuestionBlock()
    value = value_of(block, {"scoring": scoring, "choices": choices(("A", True), ("B", True), ("C", False))})
    assert block.grade(value, selected).score == score


def test_true_false_and_its_feedback():
    block = TrueFalseQuestionBlock()
    value = value_of(block, {"correct": False, "feedback_true": "No.", "feedback_false": "Yes."})
    assert block.grade(value, False).score == 1
    assert block.grade(value, True).feedback == ["No."]
    assert block.parse_answer(value, ["false"]) is False
    with pytest.raises(AnswerError):
        block.parse_answer(value, ["maybe"])


@pytest.mark.parametrize(
    ("options", "answer", "right"),
    [
        ({}, "  Arbre à  Problèmes ", True),
        ({}, "arbre a problemes", True),
        ({"ignore_accents": False}, "arbre a problemes", False),
        ({"case_sensitive": True}, "ARBRE à problèmes", False),
        ({"ignore_spacing": False}, "arbre  à problèmes", False),
        ({}, "problem", False),
    ],
)
def test_short_text_compares_as_the_editor_chose(options, answer, right):
    block = ShortTextQuestionBlock()
    raw = {
        "accepted_answers": ["arbre à problèmes"],
        "case_sensitive": False,
        "ignore_accents": True,
        "ignore_spacing": True,
    }
    value = value_of(block, {**raw, **options})
    assert block.grade(value, answer).is_correct is right


def test_short_text_refuses_an_overlong_answer():
    block = ShortTextQuestionBlock()
    value = value_of(block, {"accepted_answers": ["x"]})
    with pytest.raises(AnswerError, match="too long"):
        block.parse_answer(value, ["x" * 301])


@pytest.mark.parametrize(("typed", "right"), [("20", True), ("19,5", True), ("21", False), (" 1 9.5 ", True)])
def test_numeric_accepts_a_tolerance_and_the_way_people_write_numbers(typed, right):
    block = NumericQuestionBlock()
    value = value_of(block, {"answer": "20", "tolerance": "0.5", "unit": "years"})
    assert block.grade(value, block.parse_answer(value, [typed])).is_correct is right
    with pytest.raises(AnswerError, match="Enter a number"):
        block.parse_answer(value, ["twenty"])
    assert block.correct_answer_text(value) == "20 ± 0.5 years"


# --- editors get clear messages ----------------------------------------------------------------------------------


def test_editor_is_told_when_a_single_choice_has_two_right_answers():
    block = SingleChoiceQuestionBlock()
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(value_of(block, {"choices": choices(("A", True), ("B", True))}))
    assert "exactly one choice as correct" in str(error.value.non_block_errors)


def test_editor_is_told_when_a_multiple_choice_has_no_right_answer():
    block = MultipleChoiceQuestionBlock()
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(value_of(block, {"scoring": "partial", "choices": choices(("A", False), ("B", False))}))
    assert "at least one choice as correct" in str(error.value.non_block_errors)


def test_admin_shows_a_validation_message_not_an_error_page(client, admin_user):
    from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

    module = ModulePage.objects.filter(locale__language_code="en").first()
    client.force_login(admin_user)
    single = {
        "prompt": "Which one?",
        "image": "",
        "explanation": rich_text(""),
        "choices": streamfield(
            [
                ("item", {"text": "A", "correct": "on", "feedback": ""}),
                ("item", {"text": "B", "correct": "on", "feedback": ""}),
            ]
        ),
    }
    data = nested_form_data(
        {
            "title": "Broken quiz",
            "slug": "broken-quiz",
            "introduction": rich_text(""),
            "questions": streamfield([("single_choice", single)]),
            "pass_mark": 70,
            "score_policy": "best",
            "feedback_mode": "answers",
            "action-publish": "publish",
        }
    )
    response = client.post(f"/admin/pages/add/curriculum/quizpage/{module.pk}/", data)
    assert response.status_code == 200
    assert "Mark exactly one choice as correct." in response.content.decode()
    assert not QuizPage.objects.filter(slug="broken-quiz").exists()


# --- taking a quiz -----------------------------------------------------------------------------------------------


def quiz_in(language: str, module_number: int = 1) -> QuizPage:
    english = QuizPage.objects.filter(locale__language_code="en").order_by("path")[module_number - 1]
    return QuizPage.objects.get(translation_key=english.translation_key, locale__language_code=language)


def right_answers(quiz: QuizPage) -> dict[str, list[str]]:
    answers = {}
    for block in quiz.questions:
        value = block.value
        if block.block_type == "single_choice":
            answers[block.id] = [next(c.id for c in value["choices"].bound_blocks if c.value["correct"])]
        elif block.block_type == "multiple_choice":
            answers[block.id] = [c.id for c in value["choices"].bound_blocks if c.value["correct"]]
        elif block.block_type == "true_false":
            answers[block.id] = ["true" if value["correct"] else "false"]
        elif block.block_type == "short_text":
            answers[block.id] = [value["accepted_answers"][0]]
        else:
            answers[block.id] = [str(value["answer"])]
    return answers


def wrong_answers(quiz):
    answers = right_answers(quiz)
    for block in quiz.questions:
        if block.block_type == "short_text":
            answers[block.id] = ["definitely not this"]
        elif block.block_type == "numeric":
            answers[block.id] = ["99999"]
        elif block.block_type == "true_false":
            answers[block.id] = ["false" if answers[block.id] == ["true"] else "true"]
    return answers


def form(answers):
    return {f"q-{question_id}": values for question_id, values in answers.items()}


def start(client, quiz, language="en"):
    response = client.post(f"/{language}/learning/quizzes/{quiz.translation_key}/start/")
    assert response.status_code == 302
    return QuizAttempt.objects.filter(quiz_key=quiz.translation_key, submitted_at__isnull=True).latest("pk")


def submit(client, attempt, answers, language="en"):
    return client.post(f"/{language}/learning/quizzes/attempts/{attempt.pk}/submit/", form(answers))


@pytest.mark.parametrize("reveal", QuizPage.RevealAnswers.values)
def test_quiz_page_and_its_data_never_hold_answers_before_submission(learner_client, learner, reveal):
    from django.test import Client

    quiz = quiz_in("en", 2)
    quiz.reveal_answers = reveal  # whenever the review may show them, the quiz itself never does
    quiz.save_revision().publish()
    secrets = []
    for block in quiz.questions:
        value = block.value
        secrets.append(value["explanation"].source)
        for child in getattr(value.get("choices"), "bound_blocks", []):
            if child.value["feedback"]:
                secrets.append(child.value["feedback"])
        secrets += [value.get("feedback_true", ""), value.get("feedback_false", "")]
        secrets += list(value.get("accepted_answers", []))
        if block.block_type == "numeric":
            secrets.append(f'value="{value["answer"]}"')
    secrets = [re.sub(r"<[^>]+>", "", secret).strip()[:50] for secret in secrets if secret]
    anonymous = Client().get(quiz.url).content.decode()
    attempt = start(learner_client, quiz)
    taking = learner_client.get(quiz.url).content.decode()
    saved = learner_client.post(f"/en/learning/quizzes/attempts/{attempt.pk}/save/", form(wrong_answers(quiz)))
    assert json.loads(saved.content) == {"saved": True}
    for page in (anonymous, taking):
        assert page.count('class="question') >= len(quiz.questions)
        for secret in secrets:
            assert secret not in page, secret
        assert not re.search(r"""correct["'=:]|is_correct|data-answer""", page), "no correctness data in the page"


def test_fail_then_retake_then_pass_counts_toward_progress(learner_client, learner):
    quiz = quiz_in("en", 1)
    attempt = start(learner_client, quiz)
    response = submit(learner_client, attempt, wrong_answers(quiz))
    assert response["Location"] == f"/en/learning/quizzes/attempts/{attempt.pk}/"
    attempt.refresh_from_db()
    assert attempt.passed is False and attempt.score < 70
    result = learner_client.get(response["Location"]).content.decode()
    assert "Not passed yet: the pass mark is 70%." in result
    assert "Right answer:" not in result, "no answers to copy while attempts remain"
    assert "The right answers and explanations are shown once you pass." in result
    assert not LessonProgress.objects.filter(
        learner=learner, lesson_key=quiz.translation_key, completed_at__isnull=False
    ).exists()

    second = start(learner_client, quiz)
    assert second.number == 2
    submit(learner_client, second, right_answers(quiz))
    second.refresh_from_db()
    assert second.passed and second.score == Decimal("100.00")
    assert LessonProgress.objects.get(learner=learner, lesson_key=quiz.translation_key).completed_at is not None
    course_page = learner_client.get(quiz.get_parent().get_parent().url).content.decode()
    assert "best score 100%" in course_page
    dashboard = learner_client.get("/en/learning/").content.decode()
    assert f"{quiz.title}</a> · " in dashboard and "✓</span> Passed" in dashboard and "best score 100%" in dashboard


def test_a_second_submission_changes_nothing(learner_client):
    quiz = quiz_in("en", 1)
    attempt = start(learner_client, quiz)
    submit(learner_client, attempt, right_answers(quiz))
    response = submit(learner_client, attempt, wrong_answers(quiz))
    attempt.refresh_from_db()
    assert attempt.score == Decimal("100.00")
    assert QuestionAnswer.objects.filter(attempt=attempt).count() == len(quiz.questions)
    assert "already submitted" in learner_client.get(response["Location"]).content.decode()


def test_starting_twice_opens_one_attempt(learner_client, learner):
    quiz = quiz_in("en", 1)
    start(learner_client, quiz)
    start(learner_client, quiz)
    assert QuizAttempt.objects.filter(learner=learner).count() == 1


def bad_submission(client, quiz, change):
    attempt = start(client, quiz)
    answers = right_answers(quiz)
    change(answers, quiz)
    response = submit(client, attempt, answers)
    assert response["Location"] == quiz.url + "#quiz-errors", "back to the summary of what needs attention"
    attempt.refresh_from_db()
    assert attempt.is_open, "nothing is graded"
    return attempt, client.get(quiz.url).content.decode()


def first_of(quiz, kind):
    return next(block for block in quiz.questions if block.block_type == kind)


def test_a_choice_that_is_not_in_the_question_is_refused_and_the_rest_kept(learner_client):
    quiz = quiz_in("en", 1)

    def tamper(answers, quiz):
        answers[first_of(quiz, "single_choice").id] = ["not-a-choice"]

    attempt, page = bad_submission(learner_client, quiz, tamper)
    assert "Choose one of the answers offered." in page
    short = first_of(quiz, "short_text")
    assert f'value="{short.value["accepted_answers"][0]}"' in page, "what was typed is still there"
    assert attempt.draft[short.id] == [short.value["accepted_answers"][0]]


def test_answers_to_another_quiz_are_refused(learner_client):
    other = quiz_in("en", 2)

    def mix(answers, quiz):
        answers.update(right_answers(other))

    _attempt, page = bad_submission(learner_client, quiz_in("en", 1), mix)
    assert "answers to questions that are not in this quiz" in page


def test_a_missing_answer_is_pointed_out(learner_client):
    def skip(answers, quiz):
        del answers[first_of(quiz, "multiple_choice").id]

    _attempt, page = bad_submission(learner_client, quiz_in("en", 1), skip)
    assert "Answer this question." in page
    assert "Some answers need your attention:" in page and 'href="#question-' in page


def test_a_word_where_a_number_is_expected_is_explained_in_french(learner_client):
    def word(answers, quiz):
        answers[first_of(quiz, "numeric").id] = ["six"]

    quiz = quiz_in("fr", 1)
    attempt = start(learner_client, quiz, "fr")
    answers = right_answers(quiz)
    word(answers, quiz)
    submit(learner_client, attempt, answers, "fr")
    page = learner_client.get(quiz.url).content.decode()
    assert "Saisissez un nombre" in page
    assert 'value="six"' in page


def test_an_overlong_text_answer_is_refused(learner_client):
    def long_text(answers, quiz):
        answers[first_of(quiz, "short_text").id] = ["x" * 400]

    _attempt, page = bad_submission(learner_client, quiz_in("en", 1), long_text)
    assert "at most 300 characters" in page


def test_no_attempt_starts_after_the_limit(learner_client, learner):
    quiz = quiz_in("en", 1)
    quiz.attempts_allowed = 1
    quiz.save_revision().publish()
    submit(learner_client, start(learner_client, quiz), wrong_answers(quiz))
    response = learner_client.post(f"/en/learning/quizzes/{quiz.translation_key}/start/", follow=True)
    assert "You have used all the attempts this quiz allows." in response.content.decode()
    assert QuizAttempt.objects.filter(learner=learner).count() == 1


def test_a_quiz_edited_during_an_attempt_grades_it_as_it_was(learner_client):
    quiz = quiz_in("en", 1)
    attempt = start(learner_client, quiz)
    answers_then = right_answers(quiz)
    numeric = first_of(quiz, "numeric")
    edited = QuizPage.objects.get(pk=quiz.pk)
    for block in edited.questions:
        if block.id == numeric.id:
            block.value["answer"] = Decimal("12345")
    edited.save_revision().publish()
    submit(learner_client, attempt, answers_then)
    attempt.refresh_from_db()
    assert attempt.score == Decimal("100.00")


def test_an_anonymous_visitor_is_asked_to_log_in_and_keeps_the_answers(client, learner):
    quiz = quiz_in("en", 1)
    answers = right_answers(quiz)
    response = client.post(f"/en/learning/quizzes/{quiz.translation_key}/answers/", form(answers))
    assert response["Location"].startswith("/en/accounts/login/?next=")
    client.force_login(learner)
    resumed = client.get(f"/en/learning/quizzes/{quiz.translation_key}/resume/")
    assert resumed["Location"] == quiz.url + "#quiz"
    attempt = QuizAttempt.objects.get(learner=learner)
    assert attempt.draft == answers
    page = client.get(quiz.url).content.decode()
    assert "Your answers are back" in page
    short = first_of(quiz, "short_text")
    assert f'value="{short.value["accepted_answers"][0]}"' in page


def test_a_link_to_resume_starts_nothing_without_answers_of_this_visitors(learner_client, learner):
    quiz = quiz_in("en", 1)
    response = learner_client.get(f"/en/learning/quizzes/{quiz.translation_key}/resume/")
    assert response["Location"] == quiz.url + "#quiz"
    assert not QuizAttempt.objects.filter(learner=learner).exists()


def test_saved_answers_keep_only_this_quizs_questions(learner_client):
    quiz = quiz_in("en", 1)
    attempt = start(learner_client, quiz)
    junk = {f"q-made-up-{n}": "x" * 1000 for n in range(200)}
    learner_client.post(f"/en/learning/quizzes/attempts/{attempt.pk}/save/", {**form(right_answers(quiz)), **junk})
    attempt.refresh_from_db()
    assert set(attempt.draft) == {block.id for block in quiz.questions}


def test_an_attempt_taken_in_french_is_reviewed_in_english(learner_client):
    french = quiz_in("fr", 2)
    attempt = start(learner_client, french, "fr")
    submit(learner_client, attempt, wrong_answers(french), "fr")
    english = quiz_in("en", 2)
    page = learner_client.get(f"/en/learning/quizzes/attempts/{attempt.pk}/").content.decode()
    assert english.title in page
    assert escape(first_of(english, "single_choice").value["prompt"]) in page
    assert escape(first_of(french, "single_choice").value["prompt"]) not in page
    attempt.refresh_from_db()
    assert attempt.language == "fr"
    assert "Not right" in page


def test_the_right_answers_show_once_the_quiz_is_passed_or_closed(learner_client):
    quiz = quiz_in("en", 1)
    quiz.attempts_allowed = 1
    quiz.save_revision().publish()
    attempt = start(learner_client, quiz)
    submit(learner_client, attempt, wrong_answers(quiz))
    page = learner_client.get(f"/en/learning/quizzes/attempts/{attempt.pk}/").content.decode()
    assert "Right answer:" in page, "no attempt left: the review teaches the answers"


def test_other_learners_attempts_answer_404(learner_client, learner):
    quiz = quiz_in("en", 1)
    other = User.objects.create_user("zoe@example.org", "zoe@example.org", "pw-zoe-2045")
    from django.test import Client

    other_client = Client()
    other_client.force_login(other)
    attempt = start(other_client, quiz)
    assert learner_client.get(f"/en/learning/quizzes/attempts/{attempt.pk}/").status_code == 404
    assert submit(learner_client, attempt, right_answers(quiz)).status_code == 404
    assert learner_client.post(f"/en/learning/quizzes/attempts/{attempt.pk}/save/", {}).status_code == 404


def quiz_with(module, count: int) -> QuizPage:
    questions = [
        (
            "single_choice",
            {
                "prompt": f"Q{n}?",
                "image": None,
                "explanation": "<p>Because.</p>",
                "choices": [
                    {"text": "A", "correct": True, "feedback": "f"},
                    {"text": "B", "correct": False, "feedback": "g"},
                ],
            },
        )
        for n in range(count)
    ]
    quiz = QuizPage(title=f"Quiz {count}", slug=f"quiz-{count}", questions=questions)
    module.add_child(instance=quiz)
    quiz.save_revision().publish()
    return QuizPage.objects.get(pk=quiz.pk)


def test_submitting_and_reviewing_cost_the_same_for_5_or_40_questions(learner_client):
    module = ModulePage.objects.filter(locale__language_code="en").first()
    counts = []
    for size in (5, 40):
        quiz = quiz_with(module, size)
        attempt = start(learner_client, quiz)
        with CaptureQueriesContext(connection) as submitting:
            submit(learner_client, attempt, right_answers(quiz))
        learner_client.get(f"/en/learning/quizzes/attempts/{attempt.pk}/")
        with CaptureQueriesContext(connection) as reviewing:
            assert learner_client.get(f"/en/learning/quizzes/attempts/{attempt.pk}/").status_code == 200
        counts.append((len(submitting.captured_queries), len(reviewing.captured_queries)))
    assert counts[0] == counts[1], counts


def test_a_translation_made_with_wagtail_localize_keeps_question_and_choice_ids(locales):
    from wagtail_localize.models import TranslationSource

    source = quiz_in("en", 3)
    QuizPage.objects.filter(translation_key=source.translation_key, locale=locales["pt"]).delete()
    translation_source, _created = TranslationSource.get_or_create_from_instance(source)
    translation_source.create_or_update_translation(locales["pt"], fallback=True)
    portuguese = QuizPage.objects.get(translation_key=source.translation_key, locale=locales["pt"])

    def ids(quiz):
        return [
            (block.id, [child.id for child in getattr(block.value.get("choices"), "bound_blocks", [])])
            for block in quiz.questions
        ]

    assert ids(portuguese) == ids(source)
    assert right_answers(portuguese) == right_answers(source), "an answer given in one language grades in the other"
