"""Anonymous visitors' copies of whole pages (lms.anonymous_pages): what is kept carries nobody's token, message or
state, reaches nobody it is not for, never holds a private page, follows every change at once, and answers 304
only for the very bytes the browser has.

A request answered from a kept copy makes no SQL query; one rendered for the visitor does. (tests/test_page_caches.py
also goes through the kept copies: its anonymous client carries only the language cookie.)"""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.actions.convert_alias import ConvertAliasPageAction
from wagtail.models import PageViewRestriction

from curriculum.models import HomePage, ILMElement, LessonPage, ModulePage, QuizPage
from lms.anonymous_pages import forget_anonymous_pages
from tests.helpers import lesson_in

pytestmark = pytest.mark.django_db

TOKEN = "csrfmiddlewaretoken"


def visit(url: str, client: Client | None = None, **headers):
    """The response, and whether it came from a kept copy (no query made)."""
    client = client or Client()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    return response, not queries.captured_queries


def kept_copy(url: str):
    """The page as a new visitor gets it, asked twice: the second answer must be the kept copy."""
    first, _kept = visit(url)
    assert first.status_code == 200
    second, kept = visit(url)
    assert kept, f"{url} was rendered again"
    assert second.content == first.content
    return second


@pytest.fixture
def public_urls(demo_course, catalogue_en, section_en):
    module = ModulePage.objects.child_of(demo_course).order_by("path").first()
    french = lesson_in("fr", 1, 2)
    return [
        HomePage.objects.get(locale__language_code="en").url,
        catalogue_en.url,
        catalogue_en.url + "?page=1",
        catalogue_en.url + "?element=2&language=en",
        section_en.url,
        demo_course.url,
        module.url,
        lesson_in("en", 1, 2).url,
        french.get_parent().get_parent().url,
        french.url,
    ]


def test_public_pages_are_kept_whole_and_carry_no_token_nor_anyones_state(public_urls):
    for url in public_urls:
        response = kept_copy(url)
        page = response.content.decode()
        assert TOKEN not in page and "Log out" not in page and 'data-learner=""' in page
        assert 'class="messages"' not in page
        assert "Cookie" in response["Vary"] and "Accept-Language" not in response.get("Vary", "")
        assert response["ETag"] and response["Last-Modified"] and response["Content-Language"]
        assert response["Content-Security-Policy"] and response["X-Frame-Options"] == "DENY"
        assert not response.cookies.get("csrftoken") and not response.cookies.get("sessionid")
        # The login link brings the visitor back to this very address.
        assert f"?next={url.replace('?', '%3F').replace('=', '%3D').replace('&', '%26')}" in page


def test_a_kept_copy_remembers_the_language_of_its_address():
    french = lesson_in("fr", 1, 2)
    kept_copy(french.url)
    response, kept = visit(french.url)
    assert kept and response.cookies["django_language"].value == "fr"


def test_a_quiz_page_carries_a_token_of_its_own_for_each_visitor_so_it_is_never_kept():
    quiz = QuizPage.objects.filter(locale__language_code="en").order_by("path").first()
    first_visitor, second_visitor = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first, _kept = visit(quiz.url, first_visitor)
    second, kept = visit(quiz.url, second_visitor)
    assert not kept and TOKEN in second.content.decode()
    assert first_visitor.cookies["csrftoken"].value != second_visitor.cookies["csrftoken"].value
    # The form answers with the visitor's own token: the answers are kept and the visitor asked to log in.
    token = re.search(rf'name="{TOKEN}" value="([^"]+)"', second.content.decode()).group(1)
    answered = second_visitor.post(reverse("quizzes:answer_before_login", args=[quiz.translation_key]), {TOKEN: token})
    assert answered.status_code == 302 and reverse("accounts:login") in answered["Location"]


def test_a_search_is_rendered_for_its_visitor(catalogue_en):
    visit(catalogue_en.url + "?q=landscape")
    assert not visit(catalogue_en.url + "?q=landscape")[1]


def test_a_learner_never_gets_the_anonymous_copy_and_theirs_is_never_kept(learner_client, learner):
    lesson = lesson_in("en", 1, 2)
    page, kept = visit(lesson.url, learner_client)  # rendered for the learner before anyone else asked
    assert not kept and "Log out" in page.content.decode() and f'data-learner="{learner.pk}"' in page.content.decode()
    anonymous, kept = visit(lesson.url)
    assert not kept and "Log out" not in anonymous.content.decode()
    kept_copy(lesson.url)
    page, kept = visit(lesson.url, learner_client)
    assert not kept and "Mark as complete" in page.content.decode() and TOKEN in page.content.decode()


def test_a_message_waiting_for_a_visitor_is_shown_to_them_only(learner_client):
    home = HomePage.objects.get(locale__language_code="en").url
    kept_copy(home)
    learner_client.get(home)
    after_logout = learner_client.post(reverse("accounts:logout"), follow=True)
    assert "You are logged out." in after_logout.content.decode()
    assert "You are logged out." not in kept_copy(home).content.decode()


def test_a_visitor_with_a_cookie_we_do_not_know_is_rendered_for():
    lesson = lesson_in("en", 1, 2)
    kept_copy(lesson.url)
    client = Client()
    client.cookies["sessionid"] = "not-a-session"
    assert not visit(lesson.url, client)[1]


@pytest.mark.parametrize("restriction_type", ["password", "login", "groups"])
def test_a_page_made_private_is_never_served_from_a_copy_nor_kept(restriction_type, learner_client, learner):
    lesson = lesson_in("en", 1, 2)
    module = lesson.get_parent()
    kept_copy(lesson.url)
    restriction = PageViewRestriction.objects.create(page=module, restriction_type=restriction_type, password="pw-5")
    if restriction_type == "groups":
        group = learner.groups.create(name="Pilot learners")
        restriction.groups.add(group)
    for _ in range(2):
        response, kept = visit(lesson.url)
        assert not kept
        if restriction_type == "password":
            assert response.status_code == 200 and 'name="password"' in response.content.decode()
        else:
            assert response.status_code == 302
    # Those let in are rendered for, and what they see is not kept for the next visitor.
    if restriction_type != "password":
        assert learner_client.get(lesson.url).status_code == 200
        assert not visit(lesson.url)[1]
    restriction.delete()
    kept_copy(lesson.url)


def test_a_password_page_once_unlocked_is_shown_to_that_visitor_only():
    lesson = lesson_in("en", 1, 2)
    restriction = PageViewRestriction.objects.create(page=lesson, restriction_type="password", password="pw-5")
    visitor = Client()
    form = visitor.get(lesson.url).content.decode()
    action = re.search(r'action="([^"]*authenticate_with_password[^"]*)"', form).group(1)
    unlocked = visitor.post(action, {"password": "pw-5", "return_url": lesson.url}, follow=True)
    assert unlocked.status_code == 200 and lesson.title in unlocked.content.decode()
    assert restriction.pk
    stranger, kept = visit(lesson.url)
    assert not kept and 'name="password"' in stranger.content.decode()


def test_publishing_deleting_and_renaming_what_a_page_shows_make_a_new_copy_at_once(demo_course):
    lesson, later = lesson_in("en", 1, 2), lesson_in("en", 1, 3)
    kept_copy(lesson.url), kept_copy(demo_course.url)
    lesson.title = "A lesson renamed"
    lesson.save_revision().publish()
    assert "A lesson renamed" in visit(lesson.url)[0].content.decode()
    assert "A lesson renamed" in visit(demo_course.url)[0].content.decode()

    later_url = later.url
    kept_copy(later_url)
    later.delete()
    assert visit(later_url)[0].status_code == 404
    assert later_url not in visit(demo_course.url)[0].content.decode()

    element = ILMElement.objects.get(locale__language_code="en", number=1)
    kept_copy(demo_course.url)
    element.title = "Partnership, renamed"
    element.save()
    assert "Partnership, renamed" in visit(demo_course.url)[0].content.decode()


def test_unpublishing_answers_404_from_the_next_request():
    lesson = lesson_in("en", 1, 2)
    kept_copy(lesson.url)
    lesson.unpublish()
    assert visit(lesson.url)[0].status_code == 404


def test_a_translation_changed_shows_in_the_switcher_and_the_fallback_notice_at_once():
    english, french = lesson_in("en", 2, 1), lesson_in("fr", 2, 1)
    kept_copy(english.url)
    french.slug = "nouvelle-adresse"
    french.save_revision().publish()
    french.refresh_from_db()
    assert f'href="{french.url}" lang="fr"' in visit(english.url)[0].content.decode()

    alias = LessonPage.objects.filter(alias_of__isnull=False).live().order_by("path").first()
    assert "notice--fallback" in kept_copy(alias.url).content.decode()
    ConvertAliasPageAction(alias).execute()
    assert "notice--fallback" not in visit(alias.url)[0].content.decode()


def test_what_lms_shows_on_public_pages_makes_a_new_copy_when_it_changes(demo_course):
    kept_copy(demo_course.url)
    forget_anonymous_pages()  # as building a workbook does: the course page then gives its size
    assert not visit(demo_course.url)[1]


def test_304_only_for_the_very_bytes_the_browser_has():
    lesson = lesson_in("en", 1, 2)
    first = kept_copy(lesson.url)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert visit(lesson.url, **{"If-None-Match": etag})[0].status_code == 304
    assert visit(lesson.url, **{"If-Modified-Since": modified})[0].status_code == 304

    lesson.save_revision().publish()  # published again, nothing changed: the browser's copy is still right
    again = visit(lesson.url, **{"If-None-Match": etag})[0]
    assert again.status_code == 304
    assert visit(lesson.url)[0]["Last-Modified"] == modified

    lesson.title = "Changed within the same second"
    lesson.save_revision().publish()
    changed = visit(lesson.url, **{"If-None-Match": etag})[0]
    assert changed.status_code == 200 and changed["ETag"] != etag
    since = visit(lesson.url, **{"If-Modified-Since": modified})[0]
    assert since.status_code == 200 and "Changed within the same second" in since.content.decode()
    assert since["Last-Modified"] != modified
    assert visit(lesson.url, **{"If-Modified-Since": since["Last-Modified"]})[0].status_code == 304
