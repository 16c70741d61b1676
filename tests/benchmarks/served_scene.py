"""What the served benchmark asks for, prepared inside the benchmark's site (`manage.py shell`): a learner enrolled
in the demo course with its first two lessons done and a logged-in session, and the addresses of the pages loaded."""

import json

from django.test import Client

from curriculum.models import CourseIndexPage
from lms.progress import services
from tests.helpers import lesson_in

LANGUAGE = "fr"  # a translated course: the language switcher and typography do their full work


def prepare() -> None:
    from django.contrib.auth import get_user_model

    learner, _created = get_user_model().objects.get_or_create(
        username="bench@example.org", defaults={"email": "bench@example.org", "display_name": "Bench learner"}
    )
    for earlier in (lesson_in(LANGUAGE, 1, 1), lesson_in(LANGUAGE, 1, 2)):
        services.item_complete(learner=learner, item=earlier)
    lesson = lesson_in(LANGUAGE, 2, 1)
    client = Client()
    client.force_login(learner)
    print(
        json.dumps(
            {
                "session": client.cookies["sessionid"].value,
                "lesson": lesson.url,
                "lesson_without_prefix": lesson.url.removeprefix(f"/{LANGUAGE}"),
                "course": lesson.get_parent().get_parent().url,
                "catalogue": CourseIndexPage.objects.get(locale__language_code=LANGUAGE).url,
                "home": f"/{LANGUAGE}/",
                "dashboard": f"/{LANGUAGE}/learning/",
                "title": lesson.title,
            }
        )
    )
