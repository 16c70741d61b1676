"""An institute found the way lms/credentials names it: by the slug in its DID, or by its translation_key."""

import uuid

from wagtail.models import Locale

from curriculum.models import CoursePage, Institute
from curriculum.selectors.languages import written_versions


def institute_by_slug(slug: str) -> Institute | None:
    """The institute in the default language (the slug is the same in every translation)."""
    return Institute.objects.filter(slug=slug, locale=Locale.get_default()).select_related("logo").first()


def institute_by_key(translation_key: uuid.UUID | str) -> Institute | None:
    """The institute in the default language, else in any language it has."""
    versions = Institute.objects.filter(translation_key=translation_key).select_related("locale", "logo")
    by_language = {version.locale.language_code: version for version in versions}
    return by_language.get(Locale.get_default().language_code) or next(iter(by_language.values()), None)


def course_summaries(course_key: uuid.UUID) -> dict[str, str]:
    """A course's summary in each language it is written in."""
    return {
        version.locale.language_code: version.summary
        for version in written_versions(CoursePage, [course_key]).select_related("locale")
    }
