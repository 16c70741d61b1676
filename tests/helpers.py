"""Helpers the tests share (conftest.py keeps only fixtures): the demo's pages by position, its institutes and
their staff."""

from django.contrib.auth import get_user_model

from curriculum.models import CoursePage, Institute, LessonPage, ModulePage


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
