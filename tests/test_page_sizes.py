"""No learner page grows with the site: the catalogue and an institute's section page through their courses, "My
learning" through each of its lists, and a long course outline folds its modules."""

import re

import pytest
from django.urls import reverse

from curriculum.models import CoursePage, InstituteSectionPage, LessonPage
from curriculum.selectors.catalogue import CATALOGUE_PAGE_SIZE
from lms.progress import services
from lms.progress.views import DASHBOARD_PAGE_SIZE
from tests.helpers import build_course

pytestmark = pytest.mark.django_db

MAX_PAGE_BYTES = 100 * 1024


def html(response) -> str:
    assert response.status_code == 200
    assert len(response.content) < MAX_PAGE_BYTES
    return response.content.decode()


def card_titles(page: str) -> list[str]:
    return re.findall(r'<li class="course-card".*?<h2><a [^>]*>([^<]+)</a>', page, re.S)


def test_the_catalogue_shows_a_page_of_courses_and_keeps_the_filters_between_pages(client, catalogue_en, section_en):
    existing = CoursePage.objects.live().descendant_of(catalogue_en).count()
    for number in range(CATALOGUE_PAGE_SIZE + 5 - existing):
        build_course(section_en, slug=f"course-{number:02}", modules=1, lessons_per_module=0)
    first = html(client.get(catalogue_en.url, {"language": "en"}))
    assert len(card_titles(first)) == CATALOGUE_PAGE_SIZE
    assert f"{CATALOGUE_PAGE_SIZE + 5} courses" in first
    next_page = re.search(r'<a href="([^"]+)" rel="next">Next page</a>', first).group(1)
    assert next_page == "?language=en&amp;page=2"
    second = html(client.get(catalogue_en.url, {"language": "en", "page": "2"}))
    assert len(card_titles(second)) == 5 and "Page 2 of 2" in second
    assert not set(card_titles(first)) & set(card_titles(second))
    assert 'rel="prev">Previous page</a>' in second and 'rel="next"' not in second
    assert len(card_titles(html(client.get(catalogue_en.url, {"page": "99"})))) == 5  # past the end: the last page
    section = InstituteSectionPage.objects.get(pk=section_en.pk)
    assert len(card_titles(html(client.get(section.url)))) == CATALOGUE_PAGE_SIZE


def test_my_learning_shows_a_page_of_each_list(learner_client, learner, section_en):
    for number in range(DASHBOARD_PAGE_SIZE + 2):
        course = build_course(section_en, slug=f"taken-{number:02}", modules=1, lessons_per_module=2)
        services.item_complete(learner=learner, item=LessonPage.objects.descendant_of(course).order_by("path")[0])
    dashboard = reverse("progress:dashboard")
    first = html(learner_client.get(dashboard))
    in_progress = first.split('id="current-heading"')[1].split("</section>")[0]
    assert in_progress.count('class="course-progress"') == DASHBOARD_PAGE_SIZE
    assert 'href="?current_page=2" rel="next"' in in_progress
    second = html(learner_client.get(dashboard, {"current_page": "2"}))
    assert second.split('id="current-heading"')[1].split("</section>")[0].count('class="course-progress"') == 2


def test_a_long_course_outline_folds_its_modules_and_a_short_one_does_not(client, section_en, demo_course):
    assert "<details" not in html(client.get(demo_course.url))  # 25 lessons and quizzes
    long_course = build_course(section_en, slug="long", modules=6, lessons_per_module=10)
    page = html(client.get(long_course.url))
    assert page.count('<details class="outline__details"') == 6
    assert page.count('<details class="outline__details" open>') == 1
    assert "10 lessons and quizzes</summary>" in page
