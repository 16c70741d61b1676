"""A load balancer's probes: /health/ (the process answers) and /ready/ (database, cache and storages reachable),
with real outages: a database, a Redis and an object store at ports where nothing listens."""

import os
import subprocess
import sys

import pytest
from django.test import override_settings

from lms.settings.object_storage import s3_settings
from tests.live_site import ROOT, free_port

# What a load balancer sends: the server's own address as Host, plain HTTP.
PROBE = {"HTTP_HOST": "10.0.0.7:8000"}
PRODUCTION_LIKE = {"ALLOWED_HOSTS": ["academy.example.org"], "SECURE_SSL_REDIRECT": True}


def assert_plain_probe_answer(response, status: int, text: bytes):
    assert response.status_code == status
    assert response.content == text
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies, "a probe starts no session and sets no cookie"


@override_settings(**PRODUCTION_LIKE)
def test_health_answers_ok_without_asking_the_database(client):
    response = client.get("/health/", **PROBE)  # no django_db mark: a query would fail the test
    assert_plain_probe_answer(response, 200, b"ok")


@pytest.mark.django_db
@override_settings(**PRODUCTION_LIKE)
def test_ready_answers_ready_for_a_refused_host_over_plain_http(client):
    assert_plain_probe_answer(client.get("/ready/", **PROBE), 200, b"ready")
    assert client.head("/ready/", **PROBE).status_code == 200
    # Anything else at that Host is still refused, and plain HTTP still redirected.
    assert client.get("/en/", **PROBE).status_code == 400
    assert client.get("/en/", HTTP_HOST="academy.example.org").status_code == 301


@pytest.mark.django_db
def test_a_post_to_the_probe_addresses_is_not_answered_by_the_probe(client):
    assert client.post("/ready/").content != b"ready"


def closed_port() -> int:
    return free_port()  # free: nothing listens there


def redis_down() -> dict:
    """The production cache (lms.settings.production), at a port where no Redis listens."""
    location = f"redis://127.0.0.1:{closed_port()}/0"
    return {"default": {"BACKEND": "lms.cache.ResilientRedisCache", "LOCATION": location}}


@pytest.mark.django_db
def test_ready_says_503_when_the_cache_is_down_and_the_log_says_why(client, caplog):
    with override_settings(CACHES=redis_down()):
        response = client.get("/ready/", **PROBE)
    assert_plain_probe_answer(response, 503, b"not ready")
    assert "Readiness check failed: cache" in caplog.text and "Connection" in caplog.text


@pytest.mark.django_db
def test_pages_are_built_from_the_database_while_redis_is_down(client, learner_client, demo_course, caplog):
    with override_settings(CACHES=redis_down()):
        catalogue = client.get("/en/courses/")
        course = client.get(demo_course.url)
        dashboard = learner_client.get("/en/learning/")
    assert catalogue.status_code == 200 and demo_course.title in catalogue.content.decode()
    assert course.status_code == 200 and demo_course.title in course.content.decode()
    assert dashboard.status_code == 200


@pytest.mark.django_db
def test_ready_says_503_when_the_object_storage_is_down(client, caplog, settings):
    object_storage = s3_settings(
        {
            "AWS_STORAGE_BUCKET_NAME": "academy",
            "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{closed_port()}",
            "AWS_ACCESS_KEY_ID": "probe",
            "AWS_SECRET_ACCESS_KEY": "probe-secret",
        }
    )
    with override_settings(STORAGES={**settings.STORAGES, **object_storage["storages"]}):
        response = client.get("/ready/", **PROBE)
    assert_plain_probe_answer(response, 503, b"not ready")
    assert "Readiness check failed: default storage" in caplog.text
    assert "Readiness check failed: private storage" in caplog.text
    assert "Readiness check failed: database" not in caplog.text


def test_ready_says_503_when_the_database_is_down_and_health_still_ok():
    """A real outage: the settings name a PostgreSQL server at a port where nothing listens."""
    probe = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "client = Client()\n"
        "ready = client.get('/ready/')\n"
        "health = client.get('/health/')\n"
        "print(ready.status_code, ready.content.decode(), health.status_code, health.content.decode())\n"
    )
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))},
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        "DATABASE_URL": f"postgres://academy:secret-password@127.0.0.1:{closed_port()}/academy",
    }
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["503", "not", "ready", "200", "ok"]
    assert "Readiness check failed: database" in done.stderr and "Connection refused" in done.stderr
    assert "secret-password" not in done.stdout
