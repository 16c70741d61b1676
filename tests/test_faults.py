"""Faults, caused for real: a database that refuses certificates, a PDF write cut short, a worker killed mid-build.
Each recovers with nothing lost and nothing partial served."""

from contextlib import contextmanager

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from lms.certificates.models import Certificate
from lms.progress.models import Enrolment, LessonProgress
from tests.conftest import lesson_in
from tests.test_certificates import complete_everything_but_the_last

pytestmark = pytest.mark.django_db

FAILURE = "certificates are failing"


@contextmanager
def inserts_failing(model):
    """A trigger that makes every INSERT into the model's table fail, as a full disk or a broken replica would."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION refuse_insert() RETURNS trigger LANGUAGE plpgsql AS "
                f"$$ BEGIN RAISE EXCEPTION '{FAILURE}'; END $$"
            )
            cursor.execute(
                f"CREATE TRIGGER refuse_insert BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION refuse_insert()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER refuse_insert BEFORE INSERT ON {table} BEGIN SELECT RAISE(ABORT, '{FAILURE}'); END"
            )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER refuse_insert ON {table}")
                cursor.execute("DROP FUNCTION refuse_insert()")
            else:
                cursor.execute("DROP TRIGGER refuse_insert")


def finish_the_course_while_certificates_fail(learner_client, learner, demo_course):
    """The learner completes the last lesson while the database refuses certificates: they are told, and their
    records stay."""
    last = complete_everything_but_the_last(learner, demo_course)
    with inserts_failing(Certificate):
        response = learner_client.post(f"/en/learning/lessons/{last.translation_key}/complete/", follow=True)
        assert response.status_code == 200
        page = response.content.decode()
        assert "You have completed this course." in page
        assert "Your certificate could not be issued just now. Nothing is lost" in page
        dashboard = learner_client.get("/en/learning/")
        assert dashboard.status_code == 200
        assert "could not be issued just now" in dashboard.content.decode()
    assert LessonProgress.objects.get(learner=learner, lesson_key=last.translation_key).completed_at is not None
    assert not Certificate.objects.filter(learner=learner).exists()
    enrolment = Enrolment.objects.get(learner=learner, course_key=demo_course.translation_key)
    assert enrolment.completed_at is None, "complete and certified in one transaction, or neither"
    return last


def test_a_database_error_at_completion_issues_the_certificate_on_the_next_visit(learner_client, learner, demo_course):
    finish_the_course_while_certificates_fail(learner_client, learner, demo_course)
    page = learner_client.get(demo_course.url).content.decode()
    assert "could not be issued" not in page
    certificate = Certificate.objects.get(learner=learner, course_key=demo_course.translation_key)
    assert certificate.language == "en" and certificate.learner_name == learner.certificate_name
    assert Enrolment.objects.get(learner=learner, course_key=demo_course.translation_key).completed_at is not None
    dashboard = learner_client.get("/en/learning/").content.decode()
    assert certificate.code in dashboard and "could not be issued" not in dashboard


def test_the_dashboard_issues_a_missing_certificate(learner_client, learner, demo_course):
    finish_the_course_while_certificates_fail(learner_client, learner, demo_course)
    dashboard = learner_client.get("/fr/learning/").content.decode()
    certificate = Certificate.objects.get(learner=learner)
    assert certificate.code in dashboard and certificate.language == "fr"


def test_a_command_issues_every_missing_certificate(learner_client, learner, demo_course, django_user_model):
    finish_the_course_while_certificates_fail(learner_client, learner, demo_course)
    # What older versions left: an enrolment marked complete whose certificate was never issued.
    other = django_user_model.objects.create_user("ines@example.org", "ines@example.org", "pw-ines-2045")
    complete_everything_but_the_last(other, demo_course)
    finished = timezone.now()
    LessonProgress.objects.create(
        learner=other, course_key=demo_course.translation_key, lesson_key=lesson_in("en", 5, 4).translation_key
    )
    LessonProgress.objects.filter(learner=other).update(completed_at=finished)
    Enrolment.objects.filter(learner=other).update(completed_at=finished)
    with inserts_failing(Certificate), pytest.raises(CommandError, match="2 certificate"):
        call_command("issue_missing_certificates")
    call_command("issue_missing_certificates")
    assert Certificate.objects.filter(course_key=demo_course.translation_key, learner__in=[learner, other]).count() == 2
    call_command("issue_missing_certificates")  # nothing left to do
    assert Certificate.objects.filter(learner__in=[learner, other]).count() == 2
