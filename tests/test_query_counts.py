"""Pages cost a fixed number of SQL queries, whatever the size of the course or the catalogue."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from curriculum.models import CoursePage, LessonPage
from tests.helpers import build_course

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def rendered_every_time(settings):
    """Counted as rendered: an anonymous visitor's second request would be a kept copy, which makes no query at all
    (tests/test_anonymous_pages.py)."""
    settings.ANONYMOUS_PAGE_CACHE_SECONDS = 0


def queries_for(client, url: str) -> int:
    client.get(url)  # warm per-process caches (content types, site root paths)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_lesson_and_course_pages_cost_the_same_for_5_or_100_lessons(client, catalogue_en):
    small = build_course(catalogue_en, slug="small", modules=1, lessons_per_module=5)
    large = build_course(catalogue_en, slug="large", modules=5, lessons_per_module=20)
    small_lesson = LessonPage.objects.descendant_of(small).order_by("path")[2]
    large_lesson = LessonPage.objects.descendant_of(large).order_by("path")[50]
    assert queries_for(client, small_lesson.url) == queries_for(client, large_lesson.url)
    assert queries_for(client, small.url) == queries_for(client, large.url)


def test_catalogue_costs_the_same_for_1_or_8_courses(client, catalogue_en):
    one = queries_for(client, catalogue_en.url)
    for number in range(7):
        build_course(catalogue_en, slug=f"extra-{number}", modules=1, lessons_per_module=1)
    assert queries_for(client, catalogue_en.url) == one
    assert queries_for(client, catalogue_en.url + "?element=2&language=en") <= one + 2


def enrolled_with_progress(learner, course: CoursePage) -> None:
    from lms.progress import services

    services.item_complete(learner=learner, item=LessonPage.objects.descendant_of(course).order_by("path").first())


def test_a_learners_lesson_page_costs_no_more_queries_than_a_bare_wagtail_page(learner_client, learner):
    """The floor of tests/benchmarks: Wagtail's routing, its view-restriction check and the same body, nothing else."""
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from tests.benchmarks.bare import bare_page_response
    from tests.helpers import lesson_in

    lesson = lesson_in("fr", 2, 1)
    enrolled_with_progress(learner, lesson.get_parent().get_parent().specific)
    ours = queries_for(learner_client, lesson.url)

    def bare_render():
        request = RequestFactory().get(lesson.url)
        request.user = AnonymousUser()
        bare_page_response(request, lesson.url.removeprefix("/fr")).render()

    bare_render()
    with CaptureQueriesContext(connection) as captured:
        bare_render()
    assert ours <= len(captured.captured_queries)


def test_the_catalogue_costs_a_learner_the_same_for_1_or_8_enrolled_courses(learner_client, learner, catalogue_en):
    """(tests/test_progress.py counts "My learning" and a learner's lesson and course pages likewise.)"""
    enrolled_with_progress(learner, build_course(catalogue_en, slug="first", modules=2, lessons_per_module=2))
    one = queries_for(learner_client, catalogue_en.url)
    for number in range(7):
        course = build_course(catalogue_en, slug=f"more-{number}", modules=2, lessons_per_module=2)
        enrolled_with_progress(learner, course)
    assert queries_for(learner_client, catalogue_en.url) == one


def test_a_learners_course_page_and_catalogue_cost_the_same_for_1_or_8_courses(learner_client, learner, catalogue_en):
    """The course page reads its facts (elements, institute, outcomes) and the catalogue its cards from the cache:
    what stays per request is the learner's part."""
    course = build_course(catalogue_en, slug="first", modules=2, lessons_per_module=3)
    enrolled_with_progress(learner, course)
    course_page, catalogue = queries_for(learner_client, course.url), queries_for(learner_client, catalogue_en.url)
    for number in range(7):
        enrolled_with_progress(
            learner, build_course(catalogue_en, slug=f"more-{number}", modules=1, lessons_per_module=1)
        )
    assert queries_for(learner_client, course.url) == course_page
    assert queries_for(learner_client, catalogue_en.url) == catalogue


def test_the_catalogues_card_images_are_read_with_the_cards_and_never_made_again(learner_client, catalogue_en):
    """Every size the cards ask for is prefetched (and made once, when the cards are read): a kept listing renders
    its images with no query and no new file (each new file is an image resized, a tenth of a second)."""
    from wagtail.images import get_image_model

    rendition_model = get_image_model().get_rendition_model()
    learner_client.get(catalogue_en.url)
    made = rendition_model.objects.count()
    with CaptureQueriesContext(connection) as captured:
        page = learner_client.get(catalogue_en.url).content.decode()
    assert "srcset=" in page and rendition_model.objects.count() == made
    assert not [query for query in captured.captured_queries if "wagtailimages_" in query["sql"]]
