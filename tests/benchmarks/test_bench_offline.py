"""`make bench`: what keeping the demo course on a phone takes, per language: the bytes stored (target under 2 MB),
the bytes sent over the wire (compressed as the server sends them). Each page stays under 100 KB. The time to save it
over a slow link is measured in Chromium: test_bench_offline_link.py."""

import gzip

import pytest
from django.conf import settings
from django.core.files.storage import default_storage

from curriculum.models import CoursePage

COMPRESSED_TYPES = ("text/", "application/json", "application/javascript")


def body_of(client, entry) -> tuple[bytes, bool]:
    """What the phone stores at this entry, and whether the server sends it compressed (pages, CSS, scripts)."""
    if entry["url"].startswith(settings.MEDIA_URL):  # the test server serves no media: read the file
        with default_storage.open(entry["url"].removeprefix(settings.MEDIA_URL)) as upload:
            return upload.read(), False
    response = client.get(entry["source"] or entry["url"])
    assert response.status_code == 200, entry["url"]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body, response["Content-Type"].startswith(COMPRESSED_TYPES)


@pytest.mark.django_db
def test_bytes_and_time_to_keep_the_demo_course_per_language(client, django_user_model):
    learner = django_user_model.objects.create_user("bench@example.org", "bench@example.org", "pw-bench-2045")
    client.force_login(learner)
    english = CoursePage.objects.get(locale__language_code="en", slug="ilm-five-elements")
    print("\nKeeping the demo course on a phone (a logged-in learner):")
    for language, _name in settings.LANGUAGES:
        course = CoursePage.objects.get(translation_key=english.translation_key, locale__language_code=language)
        manifest = client.get(f"/{language}/offline/courses/{course.translation_key}/manifest.json").json()
        stored = wire = pages = 0
        for entry in manifest["entries"]:
            body, compressed = body_of(client, entry)
            stored += len(body)
            wire += len(gzip.compress(body)) if compressed else len(body)
            if entry["title"]:
                pages += 1
                assert len(body) < 100_000, f"{entry['url']}: {len(body)} bytes"
        print(
            f"  {language}: {len(manifest['entries'])} files ({pages} pages), stored {stored / 1e6:.2f} MB "
            f"(the button said {manifest['bytes'] / 1e6:.2f} MB), sent {wire / 1e6:.2f} MB"
        )
        assert stored < 2_000_000
