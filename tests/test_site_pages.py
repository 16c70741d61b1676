"""What a visitor sees: pages in four languages, the fallback for missing translations, the language switcher."""

import re
from datetime import date
from pathlib import Path

import pytest
from django.test import Client
from wagtail.models import Locale

from curriculum.i18n import language_direction, long_date, shipped_language_codes
from curriculum.models import CoursePage, LessonPage, ModulePage
from tests.helpers import lesson_in

pytestmark = pytest.mark.django_db


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_first_visit_goes_to_the_browsers_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9,en;q=0.5")
    assert response.status_code == 302
    assert response["Location"] == "/fr/"
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE="pt-BR,pt;q=0.9")
    assert response["Location"] == "/pt/"
    assert Client().get("/", HTTP_ACCEPT_LANGUAGE="de")["Location"] == "/en/"


@pytest.mark.parametrize("language", shipped_language_codes())
def test_every_language_has_a_home_page_with_the_five_elements(client, language):
    page = html(client.get(f"/{language}/"))
    assert f'<html lang="{language}" dir="{language_direction(language)}">' in page
    assert page.count('class="element-card"') == 5


def test_french_lesson_is_in_french_with_french_interface(client):
    lesson = lesson_in("fr", 1, 2)
    page = html(client.get(lesson.url))
    assert '<html lang="fr"' in page
    assert '<article class="lesson" lang="fr">' in page
    assert "Leçon 2 sur 20" in page
    assert "pas encore traduite" not in page


def test_untranslated_spanish_lesson_shows_english_text_with_a_spanish_notice(client):
    lesson = lesson_in("es", 2, 1)
    assert lesson.alias_of_id, "module 2 is not translated into Spanish in the demo"
    page = html(client.get(lesson.url))
    assert '<html lang="es"' in page
    assert '<article class="lesson" lang="en">' in page
    assert "Esta página aún no está traducida al español." in page
    english = LessonPage.objects.get(translation_key=lesson.translation_key, locale__language_code="en")
    assert english.title in page
    assert 'hreflang="fr"' in page.split('class="notice')[1].split("</div>")[0], "the notice links to French"


def test_portuguese_shows_the_course_in_english_with_a_portuguese_notice(client, demo_course):
    course = CoursePage.objects.get(translation_key=demo_course.translation_key, locale__language_code="pt")
    page = html(client.get(course.url))
    assert "Esta página ainda não foi traduzida para português." in page
    assert demo_course.title in page


def test_a_new_english_lesson_is_reachable_in_every_language_before_it_is_translated(client, admin_user):
    from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

    module = ModulePage.objects.filter(locale__language_code="en").order_by("path").first()
    client.force_login(admin_user)
    data = nested_form_data(
        {
            "title": "Working with traditional authorities",
            "slug": "traditional-authorities",
            "summary": "How chiefs and customary councils take part.",
            "estimated_minutes": 25,
            "body": streamfield([("paragraph", rich_text("<p>Customary leaders hold land rights.</p>"))]),
            "action-publish": "publish",
        }
    )
    response = client.post(f"/admin/pages/add/curriculum/lessonpage/{module.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    created = LessonPage.objects.get(slug="traditional-authorities", locale__language_code="en")
    assert created.live
    client.logout()
    for language in shipped_language_codes():
        if language == created.locale.language_code:
            continue
        version = LessonPage.objects.get(translation_key=created.translation_key, locale__language_code=language)
        page = html(client.get(version.url))
        assert "Customary leaders hold land rights." in page
        assert 'class="notice notice--fallback"' in page


def test_language_switcher_names_each_language_in_itself_and_marks_missing_translations(client):
    page = html(client.get(lesson_in("fr", 2, 1).url))
    switcher = page.split('<div class="language-switcher">')[1].split("</ul>")[0]
    for name in ("English", "Français", "Español", "Português", "Kiswahili", "Bahasa Indonesia", "العربية"):
        assert f">{name}</a>" in switcher
    english = lesson_in("en", 2, 1)
    assert f'href="{english.url}" lang="en"' in switcher
    spanish_item = re.search(r'<li>\s*<a href="([^"]+)" lang="es".*?</li>', switcher, re.S)
    assert spanish_item.group(1) == lesson_in("es", 2, 1).url
    assert "pas encore traduit" in spanish_item.group(0)
    assert 'aria-current="true">Français</a>' in switcher
    english_item = re.search(r'<li>\s*<a href="[^"]+" lang="en".*?</li>', switcher, re.S).group(0)
    assert "pas encore traduit" not in english_item


def test_switching_language_keeps_the_same_lesson(client):
    french = lesson_in("fr", 3, 2)
    page = html(client.get(french.url))
    english_url = lesson_in("en", 3, 2).url
    assert english_url in page
    assert lesson_in("en", 3, 2).title in html(client.get(english_url))


def test_lesson_navigation_runs_through_the_whole_course_and_its_quizzes(client):
    from curriculum.models import QuizPage

    last_of_module_one = lesson_in("en", 1, 4)
    quiz = QuizPage.objects.filter(locale__language_code="en").order_by("path").first()
    page = html(client.get(last_of_module_one.url))
    assert f'href="{lesson_in("en", 1, 3).url}" rel="prev"' in page
    assert f'href="{quiz.url}" rel="next"' in page
    quiz_page = html(client.get(quiz.url))
    assert f'href="{lesson_in("en", 2, 1).url}" rel="next"' in quiz_page
    assert "Lesson 5 of 20" in html(client.get(lesson_in("en", 2, 1).url)), "quizzes are not numbered as lessons"


def test_course_page_shows_outline_outcomes_and_elements(client, demo_course):
    page = html(client.get(demo_course.url))
    assert page.count('class="outline__module"') == 5
    assert "What you will be able to do" in page
    assert page.count('class="element-badge"') == 5
    assert "Landscape Learning Institute" in page


def test_facilitator_notes_never_reach_learners(client):
    lesson = next(
        lesson
        for lesson in LessonPage.objects.filter(locale__language_code="en").order_by("path")
        if any(block.block_type == "facilitator_note" for block in lesson.body)
    )
    note = next(block.value["text"].source for block in lesson.body if block.block_type == "facilitator_note")
    fragment = re.sub(r"<[^>]+>", "", note).split(".")[0][:60]
    assert fragment not in html(client.get(lesson.url))
    searchable = " ".join(lesson.body.stream_block.get_searchable_content(lesson.body))
    assert fragment not in searchable, "search would find a lesson by its facilitator note"


def test_unknown_page_answers_404_in_the_visitors_language(client):
    response = client.get("/fr/formations/no-such-course/")
    assert response.status_code == 404


def test_lesson_page_is_light_and_needs_no_javascript(client):
    from django.contrib.staticfiles import finders

    heaviest = max(
        (html(client.get(lesson.url)) for lesson in LessonPage.objects.filter(locale__language_code="fr")), key=len
    )
    css = sum(Path(finders.find(path)).stat().st_size for path in re.findall(r'href="/static/([^"]+\.css)"', heaviest))
    # The one script is offline learning's (keeping a course, the offline queue), deferred: the page needs none.
    scripts = re.findall(r"<script[^>]*>", heaviest)
    assert all('src="/static/js/offline.js" defer' in script for script in scripts), scripts
    assert len(heaviest.encode()) + css < 100_000


def test_pages_have_landmarks_skip_link_and_ordered_headings(client):
    page = html(client.get(lesson_in("en", 2, 1).url))
    assert '<a class="skip-link" href="#main">' in page
    for landmark in ("<header", "<main", "<nav", "<footer"):
        assert landmark in page
    levels = [int(level) for level in re.findall(r"<h([1-6])", page)]
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(later - earlier <= 1 for earlier, later in zip(levels, levels[1:])), levels


@pytest.mark.parametrize(
    ("language", "written"), [("sw", "1 Desemba 2026"), ("id", "1 Desember 2026"), ("ar", "1 ديسمبر 2026")]
)
def test_dates_are_written_out_the_way_each_language_writes_them(language, written):
    assert long_date(date(2026, 12, 1), language) == written


def test_right_to_left_language_would_set_dir(settings):
    assert language_direction("ar") == "rtl"
    assert language_direction("fr") == "ltr"


def test_every_shipped_language_has_a_wagtail_locale():
    assert set(Locale.objects.values_list("language_code", flat=True)) >= set(shipped_language_codes())


def test_missing_page_gets_a_translated_page_with_a_way_back(client):
    response = client.get("/fr/formations/no-such-course/")
    page = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="fr"' in page and "Page introuvable" in page
    assert 'href="/fr/formations/"' in page


def test_the_language_last_read_is_remembered_for_the_next_visit(client):
    client.get("/es/", HTTP_ACCEPT_LANGUAGE="fr")
    assert client.cookies["django_language"].value == "es"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="fr")["Location"] == "/es/"


@pytest.mark.parametrize("query", ['"', '"<script>', "\x00", "partenariat\x00", "a OR b AND", "(((", "²"])
def test_odd_search_text_never_breaks_the_catalogue(client, query):
    response = client.get("/fr/formations/", {"q": query, "element": "²"})
    # A NUL (no keyboard types one) gets the page that explains it, as anywhere in an address.
    assert response.status_code == (400 if "\x00" in query else 200)
