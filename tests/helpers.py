"""Helpers the tests share (conftest.py keeps only fixtures): the demo's pages by position, its institutes and
their staff."""

from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import override_settings
from wagtail.signal_handlers import disable_reference_index_auto_update

from curriculum.models import CoursePage, ILMElement, Institute, LessonPage, ModulePage


def lesson_in(language: str, module_number: int, lesson_number: int = 1) -> LessonPage:
    """The demo lesson at that place in the five-element course, in that language's tree (a translation or an
    alias)."""
    course = CoursePage.objects.get(locale__language_code="en", slug="ilm-five-elements")
    english_module = ModulePage.objects.child_of(course).order_by("path")[module_number - 1]
    english_lesson = LessonPage.objects.child_of(english_module).order_by("path")[lesson_number - 1]
    return LessonPage.objects.get(translation_key=english_lesson.translation_key, locale__language_code=language)


FIRST_INSTITUTE = "landscape-learning-institute"  # owns the five-element course
SECOND_INSTITUTE = "sahel-restoration-centre"  # owns the farmer-led restoration course


def make_institute_member(role: str, slug: str, **fields):
    """A new user who is one of that demo institute's editors, moderators or facilitators."""
    institute = Institute.objects.get(slug=slug, locale__language_code="en")
    username = f"{role}-{slug}@example.org"
    fields.setdefault("display_name", role)
    user = get_user_model().objects.create_user(username, username, "pw-institute-2045", **fields)
    user.groups.add(getattr(institute, role))
    return user


@contextmanager
def pages_not_indexed():
    """Pages saved inside are left out of the search index and Wagtail's reference index: the two take about half of
    what publishing a page costs, and a test that builds a hundred pages to count queries searches none of them."""
    backends = {name: {**params, "AUTO_UPDATE": False} for name, params in settings.WAGTAILSEARCH_BACKENDS.items()}
    with override_settings(WAGTAILSEARCH_BACKENDS=backends), disable_reference_index_auto_update():
        yield


def build_course(catalogue, *, slug: str, modules: int, lessons_per_module: int) -> CoursePage:
    """A published course of short lessons under `catalogue`, each page published through Wagtail as an editor's
    would be (with its revision), only not indexed for search."""
    institute = Institute.objects.filter(locale=catalogue.locale).first()
    with pages_not_indexed():
        course = CoursePage(title=f"Course {slug}", slug=slug, summary="A course.", institute=institute)
        catalogue.add_child(instance=course)
        course.save_revision().publish()
        for module_number in range(1, modules + 1):
            module = ModulePage(title=f"Module {module_number}", slug=f"m{module_number}", summary="A module.")
            module.elements.set(ILMElement.objects.filter(locale__language_code="en", number=module_number % 5 + 1))
            course.add_child(instance=module)
            module.save_revision().publish()
            for lesson_number in range(1, lessons_per_module + 1):
                lesson = LessonPage(
                    title=f"Lesson {module_number}.{lesson_number}",
                    slug=f"l{lesson_number}",
                    body=[("paragraph", "<p>Text.</p>"), ("heading", "A heading")],
                )
                module.add_child(instance=lesson)
                lesson.save_revision().publish()
    return course
