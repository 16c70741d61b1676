"""Quizzes, as learners take them: graded only on the server, safe against bad input, counted toward progress,
reviewable in any language. What each kind of question does on its own is in test_question_blocks.py."""

import json
import re
from decimal import Decimal
from html import escape

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from curriculum.models import ModulePage, QuizPage
from lms.progress.models import LessonProgress
from lms.quizzes.models import QuestionAnswer, QuizAttempt
from tests.quiz_builder import (
    Question,
    build_quiz,
    by_kind,
    first_module,
    form,
    one_of_each_kind,
    right_answers,
    start,
    submit,
    translate_quiz,
    wrong_answers,
)

pytestmark = pytest.mark.django_db
User = get_user_model()


# --- editors get clear messages in the admin ---------------------------------------------------------------------


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
            "reveal_answers": "passed_or_last",
            "action-publish": "publish",
        }
    )
    response = client.post(f"/admin/pages/add/curriculum/quizpage/{module.pk}/", data)
    assert response.status_code == 200
    assert "Mark exactly one choice as correct." in response.content.decode()
    assert not QuizPage.objects.filter(slug="broken-quiz").exists()


def test_admin_refuses_an_ordering_whose_items_cannot_be_told_apart(client, admin_user):
    from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

    module = ModulePage.objects.filter(locale__language_code="en").first()
    client.force_login(admin_user)
    ordering = {
        "prompt": "Put them in order.",
        "image": "",
        "explanation": rich_text(""),
        "scoring": "partial",
        "items": streamfield([("item", "Plant trees"), ("item", "plant trees")]),
    }
    data = nested_form_data(
        {
            "title": "Ordering quiz",
            "slug": "ordering-quiz",
            "introduction": rich_text(""),
            "questions": streamfield([("ordering", ordering)]),
            "pass_mark": 70,
            "score_policy": "best",
            "feedback_mode": "answers",
            "reveal_answers": "passed_or_last",
            "action-publish": "publish",
        }
    )
    response = client.post(f"/admin/pages/add/curriculum/quizpage/{module.pk}/", data)
    assert response.status_code == 200
    assert "Give each item a different text" in response.content.decode()
    assert not QuizPage.objects.filter(slug="ordering-quiz").exists()
    data["questions-0-value-items-1-value"] = "Water them"
    published = client.post(f"/admin/pages/add/curriculum/quizpage/{module.pk}/", data)
    assert published.status_code == 302, "two different items publish"
    assert QuizPage.objects.get(slug="ordering-quiz", locale__language_code="en").live


def test_the_block_chooser_previews_each_kind_as_learners_see_it(client, admin_user):
    """Wagtail's block chooser shows each kind's description and a preview of its preview_value: the unanswered form."""
    client.force_login(admin_user)
    for name, block in QuizPage._meta.get_field("questions").stream_block.child_blocks.items():
        response = client.get("/admin/block-preview/", {"id": block.definition_prefix})
        html = response.content.decode()
        assert response.status_code == 200, name
        assert 'class="question"' in html and "css/site.css" in html, name
        assert not re.search(r"""correct["'=:]|checked|selected""", html), name


# --- taking a quiz: each test builds its own quiz, one question of each kind, its pass mark set here -----------------


@pytest.fixture
def module_en(db) -> ModulePage:
    return first_module()


@pytest.fixture
def questions() -> list[Question]:
    return one_of_each_kind()


@pytest.fixture
def quiz(module_en, questions) -> QuizPage:
    return build_quiz(module_en, slug="six-kinds", questions=questions, pass_mark=70)


@pytest.fixture
def french_quiz(quiz, questions, locales) -> QuizPage:
    return translate_quiz(
        quiz,
        locales["fr"],
        prompts={question.id: f"En français : {question.value['prompt']}" for question in questions},
    )


@pytest.mark.parametrize("reveal", QuizPage.RevealAnswers.values)
def test_quiz_page_and_its_data_never_hold_answers_before_submission(learner_client, learner, quiz, questions, reveal):
    from django.test import Client

    quiz.reveal_answers = reveal  # whenever the review may show them, the quiz itself never does
    quiz.save_revision().publish()
    secrets = [secret for question in questions for secret in question.secrets]
    anonymous = Client().get(quiz.url).content.decode()
    attempt = start(learner_client, quiz)
    taking = learner_client.get(quiz.url).content.decode()
    saved = learner_client.post(f"/en/learning/quizzes/attempts/{attempt.pk}/save/", form(wrong_answers(questions)))
    assert json.loads(saved.content) == {"saved": True}
    for page in (anonymous, taking):
        assert page.count('class="question') >= len(quiz.questions)
        for secret in secrets:
            assert secret not in page, secret
        assert not re.search(r"""correct["'=:]|is_correct|data-answer""", page), "no correctness data in the page"


def test_fail_then_retake_then_pass_counts_toward_progress(learner_client, learner, quiz, questions):
    attempt = start(learner_client, quiz)
    response = submit(learner_client, attempt, wrong_answers(questions))
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
    submit(learner_client, second, right_answers(questions))
    second.refresh_from_db()
    assert second.passed and second.score == Decimal("100.00")
    assert LessonProgress.objects.get(learner=learner, lesson_key=quiz.translation_key).completed_at is not None
    course_page = learner_client.get(quiz.get_parent().get_parent().url).content.decode()
    assert "best score 100%" in course_page
    dashboard = learner_client.get("/en/learning/").content.decode()
    assert f"{quiz.title}</a> · " in dashboard and "✓</span> Passed" in dashboard and "best score 100%" in dashboard


def test_the_pass_mark_is_the_quizs_own(learner_client, module_en, questions):
    """Five of six right is 83.33%: it passes at 80 and fails at 90, whatever another quiz asks."""
    answers = {**right_answers(questions), by_kind(questions, "ordering").id: by_kind(questions, "ordering").wrong}
    for slug, mark, passed in (("mark-80", 80, True), ("mark-90", 90, False)):
        quiz = build_quiz(module_en, slug=slug, questions=questions, pass_mark=mark)
        attempt = start(learner_client, quiz)
        submit(learner_client, attempt, answers)
        attempt.refresh_from_db()
        assert (attempt.score, attempt.passed) == (Decimal("83.33"), passed)


def test_a_second_submission_changes_nothing(learner_client, quiz, questions):
    attempt = start(learner_client, quiz)
    submit(learner_client, attempt, right_answers(questions))
    response = submit(learner_client, attempt, wrong_answers(questions))
    attempt.refresh_from_db()
    assert attempt.score == Decimal("100.00")
    assert QuestionAnswer.objects.filter(attempt=attempt).count() == len(quiz.questions)
    assert "already submitted" in learner_client.get(response["Location"]).content.decode()


def test_starting_twice_opens_one_attempt(learner_client, learner, quiz):
    start(learner_client, quiz)
    start(learner_client, quiz)
    assert QuizAttempt.objects.filter(learner=learner).count() == 1


def bad_submission(client, quiz, questions, change):
    attempt = start(client, quiz)
    answers = right_answers(questions)
    change(answers)
    response = submit(client, attempt, answers)
    assert response["Location"] == quiz.url + "#quiz-errors", "back to the summary of what needs attention"
    attempt.refresh_from_db()
    assert attempt.is_open, "nothing is graded"
    return attempt, client.get(quiz.url).content.decode()


def test_a_choice_that_is_not_in_the_question_is_refused_and_the_rest_kept(learner_client, quiz, questions):
    def tamper(answers):
        answers[by_kind(questions, "single_choice").id] = ["not-a-choice"]

    attempt, page = bad_submission(learner_client, quiz, questions, tamper)
    assert "Choose one of the answers offered." in page
    short = by_kind(questions, "short_text")
    assert f'value="{short.right[0]}"' in page, "what was typed is still there"
    assert attempt.draft[short.id] == short.right


def test_answers_to_another_quiz_are_refused(learner_client, module_en, quiz, questions):
    others = one_of_each_kind("other")
    build_quiz(module_en, slug="other-quiz", questions=others)

    def mix(answers):
        answers.update(right_answers(others))

    _attempt, page = bad_submission(learner_client, quiz, questions, mix)
    assert "answers to questions that are not in this quiz" in page


def test_a_missing_answer_is_pointed_out(learner_client, quiz, questions):
    def skip(answers):
        del answers[by_kind(questions, "multiple_choice").id]

    _attempt, page = bad_submission(learner_client, quiz, questions, skip)
    assert "Answer this question." in page
    assert "Some answers need your attention:" in page and 'href="#question-' in page


def test_a_word_where_a_number_is_expected_is_explained_in_french(learner_client, french_quiz, questions):
    attempt = start(learner_client, french_quiz, "fr")
    answers = right_answers(questions)
    answers[by_kind(questions, "numeric").id] = ["six"]
    submit(learner_client, attempt, answers, "fr")
    page = learner_client.get(french_quiz.url).content.decode()
    assert "Saisissez un nombre" in page
    assert 'value="six"' in page


def test_an_overlong_text_answer_is_refused(learner_client, quiz, questions):
    def long_text(answers):
        answers[by_kind(questions, "short_text").id] = ["x" * 400]

    _attempt, page = bad_submission(learner_client, quiz, questions, long_text)
    assert "at most 300 characters" in page


def test_no_attempt_starts_after_the_limit(learner_client, learner, quiz, questions):
    quiz.attempts_allowed = 1
    quiz.save_revision().publish()
    submit(learner_client, start(learner_client, quiz), wrong_answers(questions))
    response = learner_client.post(f"/en/learning/quizzes/{quiz.translation_key}/start/", follow=True)
    assert "You have used all the attempts this quiz allows." in response.content.decode()
    assert QuizAttempt.objects.filter(learner=learner).count() == 1


def test_a_quiz_edited_during_an_attempt_grades_it_as_it_was(learner_client, quiz, questions):
    attempt = start(learner_client, quiz)
    numeric = by_kind(questions, "numeric")
    edited = QuizPage.objects.get(pk=quiz.pk)
    for block in edited.questions:
        if block.id == numeric.id:
            block.value["answer"] = Decimal("12345")
    edited.save_revision().publish()
    submit(learner_client, attempt, right_answers(questions))
    attempt.refresh_from_db()
    assert attempt.score == Decimal("100.00")


def test_an_anonymous_visitor_is_asked_to_log_in_and_keeps_the_answers(client, learner, quiz, questions):
    answers = right_answers(questions)
    response = client.post(f"/en/learning/quizzes/{quiz.translation_key}/answers/", form(answers))
    assert response["Location"].startswith("/en/accounts/login/?next=")
    client.force_login(learner)
    resumed = client.get(f"/en/learning/quizzes/{quiz.translation_key}/resume/")
    assert resumed["Location"] == quiz.url + "#quiz"
    attempt = QuizAttempt.objects.get(learner=learner)
    assert attempt.draft == answers
    page = client.get(quiz.url).content.decode()
    assert "Your answers are back" in page
    assert f'value="{by_kind(questions, "short_text").right[0]}"' in page


def test_a_link_to_resume_starts_nothing_without_answers_of_this_visitors(learner_client, learner, quiz):
    response = learner_client.get(f"/en/learning/quizzes/{quiz.translation_key}/resume/")
    assert response["Location"] == quiz.url + "#quiz"
    assert not QuizAttempt.objects.filter(learner=learner).exists()


def test_saved_answers_keep_only_this_quizs_questions(learner_client, quiz, questions):
    attempt = start(learner_client, quiz)
    junk = {f"q-made-up-{n}": "x" * 1000 for n in range(200)}
    learner_client.post(f"/en/learning/quizzes/attempts/{attempt.pk}/save/", {**form(right_answers(questions)), **junk})
    attempt.refresh_from_db()
    assert set(attempt.draft) == {block.id for block in quiz.questions}


def test_an_attempt_taken_in_french_is_reviewed_in_english(learner_client, quiz, french_quiz, questions):
    attempt = start(learner_client, french_quiz, "fr")
    submit(learner_client, attempt, wrong_answers(questions), "fr")
    page = learner_client.get(f"/en/learning/quizzes/attempts/{attempt.pk}/").content.decode()
    assert quiz.title in page
    single = by_kind(questions, "single_choice").id
    assert escape(next(b for b in quiz.questions if b.id == single).value["prompt"]) in page
    assert escape(next(b for b in french_quiz.questions if b.id == single).value["prompt"]) not in page
    attempt.refresh_from_db()
    assert attempt.language == "fr"
    assert "Not right" in page


def test_the_right_answers_show_once_the_quiz_is_passed_or_closed(learner_client, quiz, questions):
    quiz.attempts_allowed = 1
    quiz.save_revision().publish()
    attempt = start(learner_client, quiz)
    submit(learner_client, attempt, wrong_answers(questions))
    page = learner_client.get(f"/en/learning/quizzes/attempts/{attempt.pk}/").content.decode()
    assert "Right answer:" in page, "no attempt left: the review teaches the answers"
    assert "1. Agree a vision · 2. Choose actions · 3. Fund them · 4. Track results" in page, "the order, in words"
    assert "Your answer:</dt><dd>1. Track results · 2. Fund them" in page


def test_other_learners_attempts_answer_404(learner_client, learner, quiz, questions):
    other = User.objects.create_user("zoe@example.org", "zoe@example.org", "pw-zoe-2045")
    from django.test import Client

    other_client = Client()
    other_client.force_login(other)
    attempt = start(other_client, quiz)
    assert learner_client.get(f"/en/learning/quizzes/attempts/{attempt.pk}/").status_code == 404
    assert submit(learner_client, attempt, right_answers(questions)).status_code == 404
    assert learner_client.post(f"/en/learning/quizzes/attempts/{attempt.pk}/save/", {}).status_code == 404


def test_submitting_and_reviewing_cost_the_same_for_5_or_40_questions(learner_client, module_en):
    counts = []
    for size in (5, 40):
        questions = [one_of_each_kind(f"n{size}-{n}")[0] for n in range(size)]
        quiz = build_quiz(module_en, slug=f"quiz-{size}", questions=questions)
        attempt = start(learner_client, quiz)
        with CaptureQueriesContext(connection) as submitting:
            submit(learner_client, attempt, right_answers(questions))
        learner_client.get(f"/en/learning/quizzes/attempts/{attempt.pk}/")
        with CaptureQueriesContext(connection) as reviewing:
            assert learner_client.get(f"/en/learning/quizzes/attempts/{attempt.pk}/").status_code == 200
        counts.append((len(submitting.captured_queries), len(reviewing.captured_queries)))
    assert counts[0] == counts[1], counts


def test_a_translation_made_with_wagtail_localize_keeps_question_and_choice_ids(locales, quiz, questions):
    from wagtail_localize.models import TranslationSource

    QuizPage.objects.filter(translation_key=quiz.translation_key, locale=locales["pt"]).delete()
    translation_source, _created = TranslationSource.get_or_create_from_instance(quiz)
    translation_source.create_or_update_translation(locales["pt"], fallback=True)
    portuguese = QuizPage.objects.get(translation_key=quiz.translation_key, locale=locales["pt"])

    def ids(version):
        return [
            (block.id, [child.id for child in getattr(block.value.get("choices"), "bound_blocks", [])])
            for block in version.questions
        ]

    assert ids(portuguese) == ids(quiz)
    right = right_answers(questions)
    for block in portuguese.questions:  # an answer given in one language grades in the other
        assert block.block.grade(block.value, block.block.parse_answer(block.value, right[block.id])).score == 1
