"""The course catalogue: filters by ILM element and by language, and search in the visitor's language."""

import pytest

from curriculum.models import CourseIndexPage, CoursePage, ILMElement, LessonPage, ModulePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def short_course(section_en):
    """An English-only course that covers element 3 alone (the demo's second course covers 3 and 4)."""
    course = CoursePage(title="Water funds for upland catchments", slug="water-funds", summary="Paying upstream.")
    section_en.add_child(instance=course)
    course.save_revision().publish()
    module = ModulePage(title="Designing a water fund", slug="designing", summary="Who pays whom.")
    module.elements.set(ILMElement.objects.filter(locale__language_code="en", number=3))
    course.add_child(instance=module)
    module.save_revision().publish()
    lesson = LessonPage(title="Upstream and downstream", slug="upstream", body=[("paragraph", "<p>Watershed.</p>")])
    module.add_child(instance=lesson)
    lesson.save_revision().publish()
    return course


def course_titles(response) -> list[str]:
    assert response.status_code == 200
    return [card.course.title for card in response.context["course_cards"]]


def test_catalogue_lists_every_course_of_the_language(client, catalogue_en, short_course):
    assert course_titles(client.get(catalogue_en.url)) == [
        "Integrated landscape management: the five elements",
        "Water funds for upland catchments",
        "Farmer-led restoration in a landscape partnership",
    ]


def test_filtering_by_element_keeps_courses_that_cover_it(client, catalogue_en, short_course):
    assert course_titles(client.get(catalogue_en.url, {"element": "1"})) == [
        "Integrated landscape management: the five elements"
    ]
    assert len(course_titles(client.get(catalogue_en.url, {"element": "3"}))) == 3
    assert course_titles(client.get(catalogue_en.url, {"element": "4"})) == [
        "Integrated landscape management: the five elements",
        "Farmer-led restoration in a landscape partnership",
    ]


def test_filtering_by_language_keeps_courses_really_translated_into_it(client, catalogue_en, short_course):
    assert course_titles(client.get(catalogue_en.url, {"language": "es"})) == [
        "Integrated landscape management: the five elements"
    ]
    response = client.get(catalogue_en.url, {"language": "pt"})
    assert course_titles(response) == []
    assert "No course matches" in response.content.decode()


def test_filters_combine_and_ignore_tampered_values(client, catalogue_en, short_course):
    assert course_titles(client.get(catalogue_en.url, {"element": "1", "language": "fr"})) == [
        "Integrated landscape management: the five elements"
    ]
    assert len(course_titles(client.get(catalogue_en.url, {"element": "3", "language": "fr"}))) == 2
    response = client.get(catalogue_en.url, {"element": "9; DROP TABLE", "language": "xx"})
    assert len(course_titles(response)) == 3
    assert response.context["selected_element"] is None and response.context["selected_language"] is None


def test_catalogue_cards_show_elements_and_languages(client):
    catalogue = CourseIndexPage.objects.get(locale__language_code="fr")
    response = client.get(catalogue.url)
    card, second_course = response.context["course_cards"]
    assert [element.title for element in card.elements][:2] == ["Partenariat paysager", "Compréhension commune"]
    assert card.languages == ["en", "fr", "es", "sw"]
    assert second_course.course.title == "La restauration paysanne dans un partenariat paysager"
    assert second_course.institute.name == "Centre sahélien de restauration"
    assert second_course.languages == ["en", "fr"]


def test_catalogue_covers_come_in_several_widths_for_small_screens(client):
    import re

    page = client.get(CourseIndexPage.objects.get(locale__language_code="fr").url).content.decode()
    covers = re.findall(r"<img [^>]+>", page.split('class="course-cards"')[1])
    assert covers, "the demo courses have covers"
    for cover in covers:
        widths = re.findall(r" (\d+)w", re.search(r'srcset="([^"]+)"', cover).group(1))
        assert widths == ["360", "640", "960"], cover
        assert 'sizes="(max-width: 46rem) 100vw, 46rem"' in cover and 'loading="lazy"' in cover
        assert re.search(r'src="[^"]+\.webp"', cover) and 'alt=""' in cover


def test_search_finds_lessons_in_the_visitors_language(client):
    french = CourseIndexPage.objects.get(locale__language_code="fr")
    response = client.get(french.url, {"q": "partenariat"})
    lessons = response.context["lesson_results"]
    assert lessons, "French words find French lessons"
    assert all(lesson.locale.language_code == "fr" for lesson in lessons)
    english = CourseIndexPage.objects.get(locale__language_code="en")
    titles = [lesson.title for lesson in client.get(english.url, {"q": "theory of change"}).context["lesson_results"]]
    assert "Theory of change, priorities and trade-offs" in titles


def test_search_finds_courses_by_their_summary(client):
    spanish = CourseIndexPage.objects.get(locale__language_code="es")
    response = client.get(spanish.url, {"q": "alianza"})
    assert [card.course.locale.language_code for card in response.context["course_cards"]] == ["es"]


def test_empty_search_shows_a_clear_message(client, catalogue_en):
    response = client.get(catalogue_en.url, {"q": "zzzqqq"})
    page = response.content.decode()
    assert "No lesson matches “zzzqqq”." in page
    assert "No course matches" in page


def test_lessons_of_unpublished_pages_are_not_listed(client, demo_course):
    module = ModulePage.objects.child_of(demo_course).order_by("path").first()
    lesson = LessonPage.objects.child_of(module).order_by("path").first()
    lesson.unpublish()
    page = client.get(demo_course.url).content.decode()
    assert lesson.title not in page
    assert client.get(lesson.url if lesson.url else "/en/nope/").status_code == 404


def _lesson_under_first_module(language: str, title: str, text: str) -> LessonPage:
    module = ModulePage.objects.filter(locale__language_code=language, alias_of__isnull=True).order_by("path").first()
    lesson = LessonPage(title=title, slug="search-" + language, body=[("paragraph", f"<p>{text}</p>")])
    module.add_child(instance=lesson)
    lesson.save_revision().publish()
    return lesson


def test_on_postgresql_each_language_is_stemmed_in_its_own_text_search_configuration(client):
    from django.db import connection
    from wagtail.search.models import IndexEntry

    if connection.vendor != "postgresql":
        pytest.skip("SQLite's full-text search does not stem, in any language")
    french = _lesson_under_first_module("fr", "Couloirs de transhumance", "Les éleveuses transhumantes négocient.")
    english = _lesson_under_first_module("en", "Herders' corridors", "Herders negotiate their corridors.")

    def found(language, query):
        catalogue = CourseIndexPage.objects.get(locale__language_code=language)
        return [lesson.pk for lesson in client.get(catalogue.url, {"q": query}).context["lesson_results"]]

    assert french.pk in found("fr", "éleveuse transhumante"), "the singular finds the French plural: French stems"
    assert english.pk in found("en", "herder corridor"), "the singular finds the English plural: English stems"

    def indexed(page):
        return str(IndexEntry.objects.get(object_id=str(page.pk), content_type__model="lessonpage").body)

    # One index, each page in its language's configuration: the last backend configured no longer re-indexes every
    # page in its own language (wagtail/wagtail#9253).
    assert "'transhum'" in indexed(french) and "'herder'" in indexed(english)
