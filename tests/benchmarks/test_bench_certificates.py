"""`make bench`: one certificate PDF rendered, and 200 certificates issued (records, no PDF until downloaded)."""

import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from curriculum.models import CoursePage
from lms.certificates import services


@pytest.mark.django_db
def test_certificate_pdf_and_issuing_many():
    course = CoursePage.objects.get(locale__language_code="en", slug="ilm-five-elements")
    User = get_user_model()
    learners = User.objects.bulk_create(
        User(username=f"bench{n}@example.org", email=f"bench{n}@example.org", display_name=f"Learner {n}")
        for n in range(200)
    )
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        certificates = [
            services.certificate_issue(learner=learner, course=course, language="fr") for learner in learners
        ]
    issuing = time.perf_counter() - started

    services.certificate_render_pdf(certificates[0], "fr")  # fonts and templates warm
    renders = []
    for certificate in certificates[1:6]:
        started = time.perf_counter()
        pdf = services.certificate_render_pdf(certificate, "fr")
        renders.append(time.perf_counter() - started)
    services.certificate_pdf(certificates[1], "fr")  # renders and stores it
    started = time.perf_counter()
    services.certificate_pdf(certificates[1], "fr")  # the next download is a file read
    cached = time.perf_counter() - started
    renders.sort()
    print(
        f"\n[bench] certificates ({connection.vendor}): one PDF {renders[len(renders) // 2] * 1000:.0f} ms median of 5 "
        f"({len(pdf) // 1024} KB) | issuing 200: {issuing:.2f} s, "
        f"{len(captured.captured_queries) / 200:.1f} queries each "
        f"| cached download: {cached * 1000:.1f} ms"
    )
