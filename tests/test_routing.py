"""curriculum.routing: the site, its home page in each language and the page at an address, known without the
queries Wagtail makes per request, give what Wagtail's own lookups give, and follow every change at once."""

import pytest
from django.test import RequestFactory
from wagtail.models import Locale, Page, Site

from curriculum.models import HomePage, LessonPage, QuizPage
from curriculum.routing import KNOWN_HOSTS, site_for_request
from curriculum.selectors.generation import _kept_in_process
from tests.helpers import lesson_in

pytestmark = pytest.mark.django_db


def wagtails_walk(path: str) -> Page:
    """The page Wagtail's own routing finds at a language's address: its site lookup, `localized`, its walk."""
    request = RequestFactory().get(path)
    site = Site._find_for_request(request)
    language, _slash, rest = path.strip("/").partition("/")
    home = site.root_page.get_translation(Locale.objects.get(language_code=language))
    return Page.route(home.specific, request, [part for part in rest.split("/") if part])[0]


@pytest.mark.parametrize("language", ["en", "fr", "es", "sw"])
def test_every_lesson_and_quiz_is_the_page_wagtails_walk_finds_with_the_same_breadcrumbs(client, language):
    for page in Page.objects.live().type(LessonPage, QuizPage).filter(locale__language_code=language).specific()[:12]:
        response = client.get(page.url)
        assert response.status_code == 200
        served = response.context["page"]
        assert served.pk == wagtails_walk(page.url).pk == page.pk
        trail = [(crumb.pk, crumb.title) for crumb in response.context["breadcrumbs"]]
        assert trail == [(crumb.pk, crumb.title) for crumb in page.get_ancestors().filter(depth__gt=1)]


def test_an_address_no_page_has_is_not_found_as_with_wagtail(client):
    lesson = lesson_in("fr", 1)
    assert client.get(lesson.url + "nothing-here/").status_code == 404
    assert client.get(lesson.url.replace(lesson.slug, "not-a-lesson")).status_code == 404
    assert client.get("/fr/" + "a/" * 40).status_code == 404  # deeper than any address: walked Wagtail's way


def test_an_unpublished_lesson_is_not_found_and_published_again_it_is_back(client):
    lesson = lesson_in("fr", 1)
    client.get(lesson.url)
    lesson.unpublish()
    assert client.get(lesson.url).status_code == 404
    lesson.get_latest_revision().publish()
    assert client.get(lesson.url).status_code == 200


def test_a_home_page_taken_offline_in_one_language_gives_the_default_languages_as_wagtail_does(client):
    french_home = HomePage.objects.get(locale__language_code="fr")
    assert client.get("/fr/").context["page"].pk == french_home.pk
    french_home.unpublish()
    assert client.get("/fr/").context["page"].pk == HomePage.objects.get(locale__language_code="en").pk
    french_home.get_latest_revision().publish()
    assert client.get("/fr/").context["page"].pk == french_home.pk


def test_a_site_moved_to_another_host_answers_there_at_once(client):
    lesson = lesson_in("en", 1)
    assert client.get(lesson.url).status_code == 200
    site = Site.objects.get(is_default_site=True)
    english_home = site.root_page
    other_root = Page.objects.get(depth=1).add_child(instance=HomePage(title="Another site", slug="another-site"))
    Site.objects.create(hostname="other.example.org", root_page=other_root)
    site.root_page = other_root
    site.save()  # the default site now shows another tree: the known site is forgotten
    assert client.get(lesson.url).status_code == 404
    site.root_page = english_home
    site.save()
    assert client.get(lesson.url).status_code == 200
    assert client.get("/en/", HTTP_HOST="other.example.org").context["page"].pk == other_root.pk


def test_made_up_host_names_do_not_grow_a_processs_memory(settings):
    settings.ALLOWED_HOSTS = ["*"]
    for number in range(KNOWN_HOSTS + 50):
        site = site_for_request(RequestFactory().get("/en/", HTTP_HOST=f"host-{number}.example.org"))
        assert site.is_default_site  # an unknown name gets the default site, as with Wagtail
    assert len(_kept_in_process["sites"][1]) <= KNOWN_HOSTS


def test_a_lesson_costs_no_query_for_its_site_home_page_breadcrumbs_or_languages(
    client, settings, django_assert_num_queries
):
    """Wagtail's own lookups cost eight of these: the site, the root, the locale and the home page in the language,
    then the walk's ancestors and the breadcrumbs again; what remains is the page, its row and its view restrictions."""
    settings.ANONYMOUS_PAGE_CACHE_SECONDS = 0  # rendered, not the visitors' kept copy (which costs none)
    lesson = lesson_in("fr", 2)
    client.get(lesson.url)
    with django_assert_num_queries(4):
        response = client.get(lesson.url)
    assert response.status_code == 200
