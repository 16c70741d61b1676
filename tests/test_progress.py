"""Enrolment and lesson progress: kept in every language, safe to repeat, private to each learner."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction

from curriculum.models import CoursePage, LessonPage, QuizPage
from lms.certificates.models import Certificate
from lms.progress import services
from lms.progress.models import Enrolment, LessonProgress
from tests.helpers import build_course, lesson_in

pytestmark = pytest.mark.django_db
User = get_user_model()


def complete(client, language, module, lesson):
    return client.post(f"/{language}/learning/lessons/{lesson_in(language, module, lesson).translation_key}/complete/")


def test_enrolling_twice_is_harmless(learner_client, learner, demo_course):
    for _ in range(2):
        response = learner_client.post(f"/en/learning/courses/{demo_course.translation_key}/enrol/")
        assert response["Location"] == demo_course.url
    assert Enrolment.objects.filter(learner=learner).count() == 1


def test_anonymous_enrolment_asks_to_log_in_and_comes_back(client, demo_course):
    response = client.post(f"/en/learning/courses/{demo_course.translation_key}/enrol/")
    assert response["Location"] == f"/en/accounts/login/?next={demo_course.url}"


def test_course_page_offers_enrol_then_start_then_continue(learner_client, demo_course):
    page = learner_client.get(demo_course.url).content.decode()
    assert "Enrol in this course" in page
    learner_client.post(f"/en/learning/courses/{demo_course.translation_key}/enrol/")
    page = learner_client.get(demo_course.url).content.decode()
    assert "Start the course" in page and "0% complete" in page
    learner_client.get(lesson_in("en", 1, 2).url)
    page = learner_client.get(demo_course.url).content.decode()
    assert "Continue where you left off" in page
    assert lesson_in("en", 1, 2).title in page.split("Continue where you left off")[1][:400]


def test_opening_a_lesson_marks_it_started_only_when_enrolled(learner_client, learner, demo_course):
    learner_client.get(lesson_in("en", 1, 1).url)
    assert not LessonProgress.objects.filter(learner=learner).exists()
    services.enrolment_create(learner=learner, course=demo_course)
    page = learner_client.get(lesson_in("en", 1, 1).url).content.decode()
    record = LessonProgress.objects.get(learner=learner)
    assert record.completed_at is None and record.course_key == demo_course.translation_key
    assert "Started" in page


def test_a_lesson_the_learner_may_not_open_yet_records_nothing(learner_client, learner, demo_course):
    """A visit's writes come after Wagtail's view-restriction check: the password form is no visit to the lesson."""
    services.enrolment_create(learner=learner, course=demo_course)
    PageViewRestriction.objects.create(
        page=demo_course, restriction_type=PageViewRestriction.PASSWORD, password="field-day-2045"
    )
    page = learner_client.get(lesson_in("en", 1, 1).url).content.decode()
    assert 'name="password"' in page
    assert not LessonProgress.objects.filter(learner=learner).exists()


def test_a_course_complete_by_its_records_issues_its_certificate_when_opened(learner_client, learner, demo_course):
    """The certificate left undone (the item left was unpublished after the learner finished the others) is issued
    when the learner opens the course, and the page says the course is complete."""
    services.enrolment_create(learner=learner, course=demo_course)
    items = [*LessonPage.objects.descendant_of(demo_course).live(), *QuizPage.objects.descendant_of(demo_course).live()]
    for item in items[:-1]:
        LessonProgress.objects.create(
            learner=learner,
            lesson_key=item.translation_key,
            course_key=demo_course.translation_key,
            completed_at=timezone.now(),
        )
    items[-1].unpublish()
    assert not Certificate.objects.filter(learner=learner).exists()
    page = learner_client.get(demo_course.url).content.decode()
    assert "You have completed this course." in page and "could not be issued" not in page
    assert Certificate.objects.filter(learner=learner, course_key=demo_course.translation_key).count() == 1


def test_completing_a_lesson_enrols_and_goes_to_the_next_lesson(learner_client, learner):
    response = complete(learner_client, "fr", 1, 4)
    quiz = QuizPage.objects.filter(locale__language_code="fr").order_by("path").first()
    assert response["Location"] == quiz.url, "the module's quiz follows its last lesson"
    assert Enrolment.objects.filter(learner=learner).count() == 1
    assert LessonProgress.objects.get(learner=learner).completed_at is not None


def test_double_submit_of_complete_keeps_one_record(learner_client, learner):
    first = complete(learner_client, "en", 1, 1)
    second = complete(learner_client, "en", 1, 1)
    assert first["Location"] == second["Location"]
    assert LessonProgress.objects.filter(learner=learner).count() == 1


def test_database_refuses_duplicate_records(learner, demo_course):
    Enrolment.objects.create(learner=learner, course_key=demo_course.translation_key)
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.create(learner=learner, course_key=demo_course.translation_key)
    lesson = lesson_in("en", 1, 1)
    LessonProgress.objects.create(
        learner=learner, course_key=demo_course.translation_key, lesson_key=lesson.translation_key
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        LessonProgress.objects.create(
            learner=learner, course_key=demo_course.translation_key, lesson_key=lesson.translation_key
        )


def test_progress_made_in_french_shows_in_english(learner_client, demo_course):
    for lesson in (1, 2, 3):
        complete(learner_client, "fr", 1, lesson)
    english_course = learner_client.get(demo_course.url).content.decode()
    assert "12% complete" in english_course, "3 of 25 items: 20 lessons and 5 quizzes"
    english_lesson = learner_client.get(lesson_in("en", 1, 2).url).content.decode()
    assert "✓</span> Complete" in english_lesson
    assert "Mark as complete" not in english_lesson


def test_percentages_count_the_source_tree_even_where_the_course_is_half_translated(learner_client):
    complete(learner_client, "es", 1, 1)
    spanish_course = CoursePage.objects.get(locale__language_code="es", alias_of__isnull=True)
    page = learner_client.get(spanish_course.url).content.decode()
    # Spanish spaces a percent sign, as the chart's figures (Babel's) do.
    assert "4\u00a0% completado" in page, "1 of the 25 items of the English tree, not 1 of the 4 translated lessons"


def test_the_last_item_completes_the_course(learner_client, learner, demo_course):
    last_lesson = lesson_in("en", 5, 4)
    for item in [*LessonPage.objects.descendant_of(demo_course), *QuizPage.objects.descendant_of(demo_course)]:
        if item.pk != last_lesson.pk:
            services.item_complete(learner=learner, item=item)
    response = complete(learner_client, "en", 5, 4)
    assert response["Location"] == demo_course.url
    page = learner_client.get(demo_course.url).content.decode()
    assert "You completed every lesson" in page and "You have completed this course." in page


def test_leaving_keeps_history_and_enrolling_again_resumes(learner_client, learner, demo_course):
    complete(learner_client, "en", 1, 1)
    learner_client.post(f"/en/learning/courses/{demo_course.translation_key}/leave/")
    assert Enrolment.objects.get(learner=learner).left_at is not None
    page = learner_client.get(demo_course.url).content.decode()
    assert "Resume this course" in page and "4% complete" in page
    dashboard = learner_client.get("/en/learning/").content.decode()
    assert "Courses you left" in dashboard
    learner_client.post(f"/en/learning/courses/{demo_course.translation_key}/enrol/")
    assert Enrolment.objects.get(learner=learner).left_at is None
    assert LessonProgress.objects.filter(learner=learner, completed_at__isnull=False).count() == 1


def test_unpublished_lesson_answers_404_and_stops_counting_but_its_record_stays(learner_client, learner, demo_course):
    complete(learner_client, "en", 1, 1)
    lesson = lesson_in("en", 1, 1)
    for version in LessonPage.objects.filter(translation_key=lesson.translation_key):
        version.unpublish()
    assert complete(learner_client, "en", 1, 1).status_code == 404
    assert LessonProgress.objects.filter(learner=learner, lesson_key=lesson.translation_key).exists()
    page = learner_client.get(demo_course.url).content.decode()
    assert "0% complete" in page


def test_unknown_lesson_or_course_answers_404(learner_client):
    assert learner_client.post("/en/learning/lessons/00000000-0000-0000-0000-000000000000/complete/").status_code == 404
    assert learner_client.post("/en/learning/courses/00000000-0000-0000-0000-000000000000/enrol/").status_code == 404
    assert learner_client.post("/en/learning/lessons/not-a-key/complete/").status_code == 404
    assert (
        learner_client.get(f"/en/learning/lessons/{lesson_in('en', 1, 1).translation_key}/complete/").status_code == 405
    )


def test_learners_never_see_each_others_progress(client, learner, demo_course):
    other = User.objects.create_user("bo@example.org", "bo@example.org", "pw-bo-2045")
    client.force_login(learner)
    complete(client, "en", 1, 1)
    client.force_login(other)
    assert "My learning" in client.get("/en/learning/").content.decode()
    assert demo_course.title not in client.get("/en/learning/").content.decode()
    assert "0% complete" not in client.get(demo_course.url).content.decode()
    assert "Enrol in this course" in client.get(demo_course.url).content.decode()


def test_dashboard_shows_courses_next_lesson_and_the_element_chart(learner_client):
    for lesson in (1, 2):
        complete(learner_client, "fr", 1, lesson)
    page = learner_client.get("/fr/learning/").content.decode()
    assert "Gestion intégrée des paysages : les cinq éléments" in page
    assert "2 sur 25" in page
    assert lesson_in("fr", 1, 3).title in page
    assert "<svg viewBox" in page and 'role="img"' in page
    coordinates = re.findall(r' (?:x|y|x2|y2)="([^"]+)"', page)
    assert coordinates and all(re.fullmatch(r"-?\d+(\.\d+)?", value) for value in coordinates), coordinates[:5]
    assert "1. 40\u00a0%" in page and "2. 0\u00a0%" in page, "2 of module 1's 4 lessons and 1 quiz (French: 40 %)"
    assert "2 / 5" in page


def queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_logged_in_lesson_page_costs_the_same_for_5_or_100_lessons(learner_client, learner, catalogue_en):
    small = build_course(catalogue_en, slug="small", modules=1, lessons_per_module=5)
    large = build_course(catalogue_en, slug="large", modules=5, lessons_per_module=20)
    for course in (small, large):
        services.enrolment_create(learner=learner, course=course)
        for lesson in LessonPage.objects.descendant_of(course).order_by("path")[:3]:
            services.item_complete(learner=learner, item=lesson)
    small_lesson = LessonPage.objects.descendant_of(small).order_by("path")[3]
    large_lesson = LessonPage.objects.descendant_of(large).order_by("path")[60]
    assert queries(learner_client, small_lesson.url) == queries(learner_client, large_lesson.url)
    assert queries(learner_client, small.url) == queries(learner_client, large.url)


def test_dashboard_costs_the_same_for_1_or_30_enrolments(learner_client, learner, catalogue_en, demo_course):
    services.item_complete(learner=learner, item=lesson_in("en", 1, 1))
    one = queries(learner_client, "/en/learning/")
    for number in range(29):
        course = build_course(catalogue_en, slug=f"c{number}", modules=1, lessons_per_module=1)
        services.item_complete(learner=learner, item=LessonPage.objects.descendant_of(course).first())
    assert Enrolment.objects.filter(learner=learner).count() == 30
    # The newest ten are on the first page; the last page holds the demo course, with its quizzes, as before.
    assert queries(learner_client, "/en/learning/") <= one
    assert queries(learner_client, "/en/learning/?current_page=3") == one


def test_a_lesson_moved_to_another_module_keeps_its_record(learner_client, learner, demo_course):
    complete(learner_client, "en", 1, 1)
    lesson = lesson_in("en", 1, 1)
    second_module = lesson_in("en", 2, 1).get_parent()
    lesson.move(second_module, pos="last-child")
    lesson.refresh_from_db()
    assert lesson.get_parent().pk == second_module.pk
    page = learner_client.get(lesson.url).content.decode()
    assert "✓</span> Complete" in page
    assert "4% complete" in learner_client.get(demo_course.url).content.decode()
