"""The curriculum's structure: page tree rules, the ILM elements, and the lesson blocks."""

import pytest
from wagtail.models import Page

from curriculum.i18n import shipped_language_codes
from curriculum.models import (
    CourseIndexPage,
    CoursePage,
    HomePage,
    ILMElement,
    InstituteSectionPage,
    LessonPage,
    ModulePage,
    QuizPage,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("child", "parent", "allowed"),
    [
        (HomePage, Page, True),
        (CourseIndexPage, HomePage, True),
        (InstituteSectionPage, CourseIndexPage, True),
        (CoursePage, InstituteSectionPage, True),
        (CoursePage, CourseIndexPage, False),
        (ModulePage, CoursePage, True),
        (LessonPage, ModulePage, True),
        (LessonPage, CoursePage, False),
        (ModulePage, CourseIndexPage, False),
        (CoursePage, HomePage, False),
        (LessonPage, LessonPage, False),
        (HomePage, CourseIndexPage, False),
    ],
)
def test_page_tree_keeps_courses_modules_and_lessons_in_their_places(child, parent, allowed):
    fits = child in parent.allowed_subpage_models() and parent in child.allowed_parent_page_models()
    assert fits is allowed


@pytest.mark.parametrize(
    ("page_type", "children"),
    [
        (HomePage, {CourseIndexPage}),
        (CourseIndexPage, {InstituteSectionPage}),
        (InstituteSectionPage, {CoursePage}),
        (CoursePage, {ModulePage, QuizPage}),
        (ModulePage, {LessonPage, QuizPage}),
        (LessonPage, set()),
        (QuizPage, set()),
    ],
)
def test_each_page_type_takes_exactly_these_children(page_type, children):
    """The whole tree, exactly: a page type added to a parent by mistake fails here, not only a missing one."""
    assert set(page_type.allowed_subpage_models()) == children


def test_the_five_elements_exist_in_every_shipped_language():
    for language in shipped_language_codes():
        numbers = list(ILMElement.objects.filter(locale__language_code=language).values_list("number", flat=True))
        assert numbers == [1, 2, 3, 4, 5], language
    keys = ILMElement.objects.values_list("number", "translation_key")
    assert len({key for number, key in keys}) == 5, "each element shares one translation_key across languages"
    assert ILMElement.objects.get(number=2, locale__language_code="fr").title == "Compréhension commune"
    assert ILMElement.objects.get(number=4, locale__language_code="pt").title == "Colocar em ação"
    assert ILMElement.objects.get(number=1, locale__language_code="sw").title == "Ushirikiano wa mandhari"


def test_an_element_number_is_unique_within_a_language(locales):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ILMElement.objects.create(number=3, title="Duplicate", description="-", colour="#000000", locale=locales["fr"])


def test_translations_keep_the_source_block_ids():
    english = LessonPage.objects.filter(locale__language_code="en").order_by("path").first()
    french = LessonPage.objects.get(translation_key=english.translation_key, locale__language_code="fr")
    assert [block.id for block in english.body] == [block.id for block in french.body]
    assert [block.block_type for block in english.body] == [block.block_type for block in french.body]
    assert english.body[0].value != french.body[0].value


def test_the_demo_course_uses_every_kind_of_teaching_block():
    used = {
        block.block_type for lesson in LessonPage.objects.filter(locale__language_code="en") for block in lesson.body
    }
    expected = {"heading", "paragraph", "callout", "case_study", "activity", "discussion_question"}
    assert expected | {"glossary_term", "facilitator_note"} <= used


def test_demo_course_has_one_module_per_element_and_three_lessons_or_more(demo_course):
    modules = ModulePage.objects.child_of(demo_course).order_by("path")
    assert [sorted(module.elements.values_list("number", flat=True)) for module in modules] == [[1], [2], [3], [4], [5]]
    for module in modules:
        assert LessonPage.objects.child_of(module).count() >= 3


def test_a_module_translation_follows_its_sources_elements(locales):
    from wagtail_localize.models import TranslationSource

    source = ModulePage.objects.filter(locale__language_code="en").order_by("path").first()
    source.elements.set(ILMElement.objects.filter(locale=locales["en"], number__in=[1, 4]))
    source.save_revision().publish()
    translation_source, _created = TranslationSource.get_or_create_from_instance(source)
    french = ModulePage.objects.get(translation_key=source.translation_key, locale=locales["fr"])
    translation_source.update_from_db()
    translation_source.create_or_update_translation(locales["fr"], fallback=True)
    french.refresh_from_db()
    assert sorted(french.elements.values_list("number", flat=True)) == [1, 4]
