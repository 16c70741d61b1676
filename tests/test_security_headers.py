"""What browsers and caches are told: a Content-Security-Policy and a Permissions-Policy on every page, one learner's
pages and files kept out of shared caches; and server errors in production leave a traceback where it is read."""

import os
import socket
import socketserver
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction

from curriculum.models import QuizPage
from lms.certificates import services as certificates
from tests.helpers import lesson_in

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {name: value for name, _, value in (part.strip().partition(" ") for part in policy.split(";"))}


def assert_strict_learner_policy(response):
    policy = directives(response)
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'", "learner pages run our script files only"
    assert policy["style-src-elem"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["base-uri"] == "'self'" and policy["form-action"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]


@pytest.fixture
def certificate(learner, demo_course):
    return certificates.certificate_issue(learner=learner, course=demo_course, language="en")


def test_learner_pages_allow_only_the_sites_own_scripts(client, learner, demo_course):
    quiz = QuizPage.objects.descendant_of(demo_course).first()
    public = ["/en/", demo_course.url, lesson_in("fr", 2, 1).url, "/en/accounts/login/", "/verify/"]
    for url in public:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict_learner_policy(response)
    client.force_login(learner)
    for url in ["/en/learning/", "/en/accounts/profile/", quiz.url]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict_learner_policy(response)
    not_found = client.get("/en/no-such-page/")
    assert not_found.status_code == 404
    assert_strict_learner_policy(not_found)


def test_admin_pages_have_their_own_policy_and_still_refuse_other_sites(client, admin_user, demo_course):
    client.force_login(admin_user)
    for url in ["/admin/", f"/admin/pages/{demo_course.pk}/edit/", "/admin/images/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        policy = directives(response)
        # Wagtail's admin writes inline scripts (date choosers, inline panels, the translation editor).
        assert policy["script-src"] == "'self' 'unsafe-inline'"
        assert policy["default-src"] == "'self'" and policy["connect-src"] == "'self' https://releases.wagtail.org"
        assert policy["form-action"] == "'self'" and policy["frame-ancestors"] == "'none'"
        assert "camera=()" in response["Permissions-Policy"]
        assert "no-store" in response["Cache-Control"], "Wagtail never lets its admin be cached"


def test_a_page_that_allows_framing_by_the_site_says_so_in_its_policy(client, admin_user, demo_course):
    """Wagtail's preview panel frames the page (X-Frame-Options: SAMEORIGIN); the policy must not refuse it."""
    client.force_login(admin_user)
    url = f"/admin/pages/{demo_course.pk}/edit/preview/"
    assert client.post(url, {}).status_code == 200  # an empty form: Wagtail previews the page as saved
    response = client.get(url, {"mode": ""})
    assert response.status_code == 200 and response["X-Frame-Options"] == "SAMEORIGIN"
    assert directives(response)["frame-ancestors"] == "'self'"


def test_one_learners_pages_and_files_are_private_and_never_stored(client, learner, certificate, demo_course):
    client.force_login(learner)
    module = demo_course.get_children().first()
    for url in [
        "/en/learning/",
        "/fr/accounts/profile/",
        f"/en/learning/certificates/{certificate.token}/pdf/",
        f"/en/learning/workbooks/{module.translation_key}/?language=en&edition=learner",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert set(response["Cache-Control"].replace(" ", "").split(",")) == {"private", "no-store"}, url
    pdf = client.get(f"/en/learning/certificates/{certificate.token}/pdf/")
    assert pdf["Content-Type"] == "application/pdf" and "Content-Security-Policy" not in pdf


def test_documents_of_a_restricted_collection_are_private_and_never_stored(client, learner):
    restricted = Collection.get_first_root_node().add_child(name="Staff handouts")
    CollectionViewRestriction.objects.create(collection=restricted, restriction_type=CollectionViewRestriction.LOGIN)
    documents = {}
    for name, collection in (("private", restricted), ("public", Collection.get_first_root_node())):
        document = get_document_model()(title=name, collection=collection)
        document.file.save(f"{name}.pdf", ContentFile(b"%PDF-1.4 " + name.encode()), save=False)
        document.save()
        documents[name] = document
    client.force_login(learner)
    private = client.get(documents["private"].url)
    assert private.status_code == 200
    assert "private" in private["Cache-Control"] and "no-store" in private["Cache-Control"]
    public = client.get(documents["public"].url)
    assert public.status_code == 200 and "private" not in public.get("Cache-Control", "")


def test_public_pages_are_not_marked_private(client, learner, demo_course):
    for url in ["/en/", demo_course.url, lesson_in("en", 1, 1).url, "/verify/"]:
        response = client.get(url)
        assert "private" not in response.get("Cache-Control", "") and "no-store" not in response.get(
            "Cache-Control", ""
        ), url


class _MailSink(socketserver.ThreadingTCPServer):
    """A mail server on a loopback port that keeps what it is sent (the only thing faked: the network)."""

    allow_reuse_address = True
    daemon_threads = True

    def __init__(self):
        self.messages: list[str] = []
        super().__init__(("127.0.0.1", 0), _SmtpSession)


class _SmtpSession(socketserver.StreamRequestHandler):
    def reply(self, line: str):
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self):
        self.reply("220 sink ready")
        while line := self.rfile.readline():
            command = line.decode().strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.reply("250 sink")
            elif command == "DATA":
                self.reply("354 go on")
                lines = []
                while (data := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(data.decode())
                self.server.messages.append("".join(lines))
                self.reply("250 kept")
            elif command == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_server_error_in_production_leaves_a_traceback_in_the_log_and_mails_the_admins(tmp_path):
    """gunicorn with the production settings, and a real fault: the database file cannot be opened, so the health
    check fails. The traceback must reach gunicorn's stderr (systemd's journal) and the ADMINS' mailbox."""
    sink = _MailSink()
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    port = _free_port()
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))},
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
        "SECRET_KEY": "a-long-random-production-secret-" + "x9Qz" * 10,
        "ALLOWED_HOSTS": "academy.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'no-such-folder' / 'db.sqlite3'}",
        "ADMINS": "Site Operator <ops@example.org>, Second Admin <second@example.org>",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(sink.server_address[1]),
        "EMAIL_USE_TLS": "false",
        "TRUSTED_PROXY_COUNT": "0",
    }
    log = (tmp_path / "gunicorn.log").open("w+")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "lms.wsgi", "-w", "1", "-b", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    try:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/healthz",
            headers={"Host": "academy.example.org", "X-Forwarded-Proto": "https"},
        )
        deadline = time.monotonic() + 60
        while True:  # gunicorn is up when its port takes a connection
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "gunicorn did not start"
                time.sleep(0.2)
        with pytest.raises(urllib.error.HTTPError) as failed:
            urllib.request.urlopen(request, timeout=60)  # noqa: S310 (our own local server)
        assert failed.value.code == 500
        deadline = time.monotonic() + 10
        while not sink.messages and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(timeout=10)
        sink.shutdown()
    log.seek(0)
    output = log.read()
    assert "ERROR django.request" in output and "Internal Server Error: /healthz" in output
    assert "Traceback (most recent call last)" in output and "unable to open database file" in output
    assert len(sink.messages) == 1
    mail = sink.messages[0]
    assert "Internal Server Error: /healthz" in mail and "ops@example.org" in mail and "second@example.org" in mail
    assert "unable to open database file" in mail


def test_admins_come_from_the_environment(tmp_path):
    script = "from django.conf import settings; print(settings.ADMINS, settings.SERVER_EMAIL)"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        "ADMINS": "Awa Traoré <awa@example.org>,ops@example.org",
        "DEFAULT_FROM_EMAIL": "Academy <academy@example.org>",
    }
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == (
        "[('Awa Traoré', 'awa@example.org'), ('', 'ops@example.org')] Academy <academy@example.org>"
    )
