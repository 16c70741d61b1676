"""The languages a learner or a workshop may choose: settings.LANGUAGES, read when a form is built.

Model fields take this function as their choices, so a migration names it instead of copying the list: adding a
language to settings needs no migration (and two branches adding languages write none to collide).
"""

from django.conf import settings


def language_choices() -> list[tuple[str, str]]:
    return list(settings.LANGUAGES)
