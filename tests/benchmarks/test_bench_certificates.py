"""`make bench`: one certificate PDF rendered, and 200 certificates issued (records, no PDF until downloaded)."""

import resource
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
    renders, cpu = [], []
    for certificate in certificates[1:6]:
        started, used = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
        pdf = services.certificate_render_pdf(certificate, "fr")
        renders.append(time.perf_counter() - started)
        done = resource.getrusage(resource.RUSAGE_SELF)
        cpu.append(done.ru_utime + done.ru_stime - used.ru_utime - used.ru_stime)
    services.certificate_pdf(certificates[1], "fr")  # renders and stores it
    started = time.perf_counter()
    services.certificate_pdf(certificates[1], "fr")  # the next download is a file read
    cached = time.perf_counter() - started
    renders.sort()
    cpu.sort()
    print(
        f"\n[bench] certificates ({connection.vendor}): one PDF, warm, {renders[len(renders) // 2] * 1000:.0f} ms "
        f"median of 5 ({cpu[len(cpu) // 2] * 1000:.0f} ms CPU; budget 100 ms, {len(pdf) // 1024} KB) "
        f"| issuing 200: {issuing:.2f} s, {len(captured.captured_queries) / 200:.1f} queries each "
        f"| cached download: {cached * 1000:.1f} ms"
    )
