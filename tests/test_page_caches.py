"""What learner pages read from the cache (a course's sequence for the pager, a page's language links) follows every
publish, unpublish and move at once, and never carries one visitor's state to another."""

import re

import pytest
from django.contrib.auth import get_user_model

from curriculum.models import ModulePage
from lms.progress import services
from tests.helpers import lesson_in

pytestmark = pytest.mark.django_db


def html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def pager(page: str) -> str:
    return re.search(r'<nav class="pager".*?</nav>', page, re.S).group(0)


def test_unpublishing_and_publishing_a_lesson_moves_the_pager_at_once(client):
    second, third, fourth = lesson_in("en", 1, 2), lesson_in("en", 1, 3), lesson_in("en", 1, 4)
    page = html(client.get(second.url))  # cached from here on
    assert f'href="{third.url}" rel="next"' in pager(page) and "Lesson 2 of 20" in page

    third.unpublish()
    page = html(client.get(second.url))
    assert f'href="{fourth.url}" rel="next"' in pager(page) and "Lesson 2 of 19" in page

    third.save_revision().publish()
    page = html(client.get(second.url))
    assert f'href="{third.url}" rel="next"' in pager(page) and "Lesson 2 of 20" in page


def test_moving_a_lesson_renumbers_the_course_at_once(client):
    first, second = lesson_in("en", 1, 1), lesson_in("en", 1, 2)
    assert 'rel="prev"' in pager(html(client.get(second.url)))
    last_module = ModulePage.objects.child_of(first.get_parent().get_parent()).order_by("path").last()
    first.move(last_module, pos="last-child")
    page = html(client.get(second.url))
    assert 'rel="prev"' not in pager(page) and "Lesson 1 of 20" in page


def test_language_links_follow_a_translation_unpublished_and_published_again(client):
    english, french = lesson_in("en", 2, 1), lesson_in("fr", 2, 1)
    assert f'href="{french.url}" lang="fr"' in html(client.get(english.url))
    french.unpublish()
    page = html(client.get(english.url))
    assert f'href="{french.url}" lang="fr"' not in page and 'href="/fr/" lang="fr"' in page
    french.save_revision().publish()
    assert f'href="{french.url}" lang="fr"' in html(client.get(english.url))


def test_the_pager_shows_each_learner_their_own_state_only(client, learner):
    first, second = lesson_in("en", 1, 1), lesson_in("en", 1, 2)
    services.item_complete(learner=learner, item=first)
    other = get_user_model().objects.create_user("bo@example.org", "bo@example.org", "pw-bo-2045")

    client.force_login(learner)
    assert "state--complete" in pager(html(client.get(second.url)))
    client.force_login(other)
    assert "state--complete" not in pager(html(client.get(second.url)))
    client.logout()
    assert "state--" not in pager(html(client.get(second.url)))
    client.force_login(learner)
    assert "state--complete" in pager(html(client.get(second.url)))


def test_a_lesson_body_is_rendered_once_per_revision_and_a_new_one_shows_at_once(client):
    lesson = lesson_in("en", 1, 2)
    assert "A sentence of the new revision." not in html(client.get(lesson.url))
    lesson.body = [("paragraph", "<p>A sentence of the new revision.</p>")]
    lesson.save_revision()
    assert "A sentence of the new revision." not in html(client.get(lesson.url)), "a draft stays a draft"
    lesson.get_latest_revision().publish()
    assert "A sentence of the new revision." in html(client.get(lesson.url))


def test_a_lesson_body_is_typeset_for_its_language_from_the_cache_too(client):
    french = lesson_in("fr", 1, 1)
    first, second = html(client.get(french.url)), html(client.get(french.url))
    body = re.search(r'<div class="lesson-body">.*?</article>', second, re.S).group(0)
    assert body == re.search(r'<div class="lesson-body">.*?</article>', first, re.S).group(0)
    assert "\u00a0:" in body or "\u202f" in body or "\u00a0»" in body


def test_the_course_outline_follows_a_lesson_unpublished_and_published_again(client, demo_course):
    lesson = lesson_in("en", 3, 2)
    assert f'href="{lesson.url}"' in html(client.get(demo_course.url))
    lesson.unpublish()
    assert f'href="{lesson.url}"' not in html(client.get(demo_course.url))
    lesson.save_revision().publish()
    assert f'href="{lesson.url}"' in html(client.get(demo_course.url))


def test_a_page_the_browser_already_has_answers_304_and_no_bytes(client, learner):
    lesson = lesson_in("en", 1, 2)
    first = client.get(lesson.url)
    etag = first["ETag"]
    again = client.get(lesson.url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    client.force_login(learner)  # a learner's page is another page: never answered with the visitor's copy
    assert client.get(lesson.url, headers={"If-None-Match": etag}).status_code == 200
    assert "ETag" not in client.get("/en/learning/"), "pages kept from every store have no ETag"


def test_a_course_for_one_group_is_listed_to_its_members_only_whoever_asked_first(
    client, learner, catalogue_en, demo_course
):
    """The catalogue's cards are kept per what the visitor may not see: a member's listing never reaches others."""
    from wagtail.models import PageViewRestriction

    restriction = PageViewRestriction.objects.create(page=demo_course, restriction_type="groups")
    restriction.groups.add(learner.groups.create(name="Pilot learners"))
    member = client.__class__()
    member.force_login(learner)
    assert demo_course.title in html(member.get(catalogue_en.url))
    assert demo_course.title not in html(client.get(catalogue_en.url))
    assert demo_course.title in html(member.get(catalogue_en.url))


def test_a_course_page_shows_its_institute_and_outcomes_and_follows_a_renamed_institute(client, demo_course):
    page = html(client.get(demo_course.url))
    assert "What you will be able to do" in page
    assert all(outcome.text in page for outcome in demo_course.learning_outcomes.all())
    institute = demo_course.institute
    assert f">{institute.name}<" in page
    institute.name = "An institute renamed"
    institute.save()
    assert ">An institute renamed<" in html(client.get(demo_course.url))
