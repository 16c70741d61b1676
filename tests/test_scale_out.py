"""The site on several machines, with the real parts: two gunicorn app servers (the README's command, the production
settings) on one PostgreSQL database, a Redis, SeaweedFS's S3 gateway for uploads and PDFs, and a `db_worker` for
workbooks. A learner logs in on one server, completes the course on the other and downloads the certificate from the
first; a login limit counted on one holds on the other; a workbook the worker builds is served by both. An app
server, the worker and Redis are each killed (SIGKILL) and started again on the way: nothing is lost, and every
answer is a whole PDF or "preparing", never part of a file."""

import http.client
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django_tasks_db.models import DBTaskResult

from lms.settings.object_storage import s3_settings
from tests.live_site import MANAGE, ROOT, clone_test_database
from tests.object_storage import free_ports, redis_server, seaweed_s3

pytestmark = pytest.mark.xdist_group("scale_out")

HOST = "academy.test"  # what the load balancer passes on, whichever server it picks
PASSWORD = "pw-scale-2045"
BUCKET = "academy"
SETUP = f"""
import json
from django.contrib.auth import get_user_model
from curriculum.models import CoursePage, Institute, LessonPage, ModulePage, QuizPage
from lms.progress.services import item_complete
from lms.workbooks.services import LOGO_RENDITION
# The logos' renditions, made now in the bucket (as the first page showing them would).
[institute.logo.get_rendition(LOGO_RENDITION) for institute in Institute.objects.exclude(logo=None)]
course = CoursePage.objects.get(slug="ilm-five-elements", locale__language_code="en")
modules = list(ModulePage.objects.child_of(course).order_by("path"))
last = LessonPage.objects.child_of(modules[-1]).order_by("path").last()
learner = get_user_model().objects.create_user("kofi@example.org", "kofi@example.org", "{PASSWORD}")
get_user_model().objects.create_user("amina@example.org", "amina@example.org", "{PASSWORD}")
get_user_model().objects.create_user("baraka@example.org", "baraka@example.org", "{PASSWORD}")
for item in [*LessonPage.objects.descendant_of(course), *QuizPage.objects.descendant_of(course)]:
    if item.pk != last.pk:
        item_complete(learner=learner, item=item)
print(json.dumps({{"last_lesson": str(last.translation_key), "module": str(modules[0].translation_key)}}))
"""


@dataclass
class Browser:
    """A browser behind the TLS-ending load balancer: it keeps its cookies whichever server answers."""

    address: str  # the client's address, as the load balancer adds it to X-Forwarded-For
    cookies: dict = field(default_factory=dict)

    def request(self, server: str, method: str, path: str, form: dict | None = None):
        host, port = urllib.parse.urlsplit(server).netloc.split(":")
        headers = {
            "Host": HOST,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.address,
            "Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items()),
        }
        body = None
        if form is not None:
            form = {**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
            body = urllib.parse.urlencode(form).encode()
            headers |= {"Content-Type": "application/x-www-form-urlencoded", "Origin": f"https://{HOST}"}
        connection = http.client.HTTPConnection(host, int(port), timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response.status, response.headers, content

    def get(self, server: str, path: str):
        return self.request(server, "GET", path)

    def post(self, server: str, path: str, form: dict):
        return self.request(server, "POST", path, form)

    def log_in(self, server: str, email: str, password: str = PASSWORD):
        status, _headers, _page = self.get(server, "/en/accounts/login/")  # the CSRF cookie
        assert status == 200
        return self.post(server, "/en/accounts/login/", {"username": email, "password": password})


@dataclass
class Process:
    """A process of the deployment, in a process group of its own so that SIGKILL takes it whole (gunicorn's master
    and its workers), as a crashed machine would."""

    command: list
    env: dict
    log: Path
    popen: subprocess.Popen | None = None

    def start(self):
        output = self.log.open("a")
        self.popen = subprocess.Popen(
            self.command, cwd=ROOT, env=self.env, stdout=output, stderr=output, start_new_session=True
        )
        output.close()
        return self

    def kill(self):
        os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait()

    def stop(self):
        if self.popen and self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def wait_for(condition, *, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while not (result := condition()):
        assert time.monotonic() < deadline, f"still waiting for {what}"
        time.sleep(0.2)
    return result


def ready(server: str) -> bool:
    try:
        with urllib.request.urlopen(server + "/ready/", timeout=10) as response:  # noqa: S310 (our own server)
            return response.status == 200
    except (urllib.error.HTTPError, OSError):
        return False


def ready_status(server: str) -> int:
    try:
        with urllib.request.urlopen(server + "/ready/", timeout=30) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def assert_whole_pdf(content: bytes):
    assert content.startswith(b"%PDF-") and b"%%EOF" in content[-1024:], "a whole PDF"


def pdf_images(pdf: bytes, folder: Path) -> list[str]:
    path = folder / "downloaded.pdf"
    path.write_bytes(pdf)
    listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    return [row for row in listing.splitlines()[2:] if row.split()[2] == "image"]


@dataclass
class Deployment:
    servers: dict  # "A"/"B": base URL
    app: dict  # "A"/"B": Process
    worker: Process
    redis: subprocess.Popen
    redis_port: int
    s3: object
    env: dict
    keys: dict
    folder: Path

    def start_app(self, name: str):
        self.app[name].start()
        wait_for(lambda: ready(self.servers[name]), seconds=60, what=f"app server {name}")

    def leases(self) -> list[bytes]:
        """The PDF builds a live process holds (lms.pdf.store), in Redis."""
        import redis

        return redis.Redis(port=self.redis_port).keys("*pdf:lease:*")

    def task_statuses(self) -> list[str]:
        import psycopg

        with psycopg.connect(self.env["DATABASE_URL"]) as database:
            rows = database.execute(f"SELECT status FROM {DBTaskResult._meta.db_table} ORDER BY enqueued_at")
            return [status for (status,) in rows.fetchall()]


@pytest.fixture(scope="module")
def deployment(request, django_db_blocker, tmp_path_factory):
    if connection.vendor != "postgresql":  # before the demo database is made for nothing
        pytest.skip("needs PostgreSQL: runs in the PostgreSQL pass")
    request.getfixturevalue("django_db_setup")
    started = time.monotonic()
    with django_db_blocker.unblock():
        folder = tmp_path_factory.mktemp("scale-out")
        database_url, drop = clone_test_database(folder, suffix="_scale")
    try:
        with seaweed_s3(folder / "seaweed") as s3, redis_server(folder) as (redis, redis_port):
            env = {
                **{key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))},
                "DJANGO_SETTINGS_MODULE": "tests.scale_out_settings",
                "SECRET_KEY": secrets.token_urlsafe(50),
                "ALLOWED_HOSTS": HOST,
                "DATABASE_URL": database_url,
                "TRUSTED_PROXY_COUNT": "1",
                "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
                "CREDENTIAL_KEYS_DIR": str(folder / "credential-keys"),
                "GUNICORN_CONTROL_DIR": str(folder / "run"),
                **s3.environment(BUCKET),
            }
            # The demo's uploads, moved to the bucket as a site moving to object storage would.
            client = s3.client()
            media = Path(settings.MEDIA_ROOT)
            for path in media.rglob("*"):
                if path.is_file():
                    client.upload_file(str(path), BUCKET, f"media/{path.relative_to(media)}")
            setup = subprocess.run([*MANAGE, "shell", "-c", SETUP], cwd=ROOT, env=env, capture_output=True, text=True)
            assert setup.returncode == 0, setup.stderr
            keys = json.loads(setup.stdout.strip().splitlines()[-1])
            ports = free_ports(2)
            servers = {name: f"http://127.0.0.1:{port}" for name, port in zip("AB", ports, strict=True)}
            app = {
                name: Process(
                    [
                        sys.executable,
                        "-m",
                        "gunicorn",
                        "-c",
                        "gunicorn.conf.py",
                        "lms.wsgi",
                        "-w",
                        "2",
                        "-b",
                        f"127.0.0.1:{port}",
                    ],
                    env,
                    folder / f"app-{name}.log",
                )  # fmt: skip
                for name, port in zip("AB", ports, strict=True)
            }
            worker_command = [*MANAGE, "db_worker", "--backend", "workbooks", "--interval", "0.2", "--no-startup-delay"]
            worker = Process(worker_command, env, folder / "worker.log")
            live = Deployment(servers, app, worker, redis, redis_port, s3, env, keys, folder)
            try:
                for process in app.values():
                    process.start()
                for name in app:
                    wait_for(lambda name=name: ready(servers[name]), seconds=90, what=f"app server {name}")
                worker.start()
                print(f"scale-out deployment started in {time.monotonic() - started:.1f} s")
                yield live
                started = time.monotonic()
            finally:
                for process in [*app.values(), worker]:
                    process.stop()
                if live.redis is not redis:  # the one the test started again
                    live.redis.kill()
                    live.redis.wait()
    finally:
        with django_db_blocker.unblock():
            drop()
        print(f"scale-out deployment stopped in {time.monotonic() - started:.1f} s")


def test_a_learner_moves_between_servers_and_the_certificate_is_served_by_both(deployment):
    a, b = deployment.servers["A"], deployment.servers["B"]
    kofi = Browser("10.40.0.7")
    status, headers, _page = kofi.log_in(a, "kofi@example.org")
    assert status == 302 and "/accounts/login/" not in headers["Location"], "logged in on A"

    lesson = deployment.keys["last_lesson"]
    status, headers, _page = kofi.post(b, f"/en/learning/lessons/{lesson}/complete/", {})
    assert status == 302, "B knows the session A started (sessions are in the database)"
    status, _headers, dashboard = kofi.get(b, "/en/learning/")
    token = re.search(rb"/en/learning/certificates/([0-9a-f]{32})/pdf/", dashboard).group(1).decode()

    # A crashes and comes back: the learner's session and certificate are still there.
    deployment.app["A"].kill()
    assert not ready(a)
    deployment.start_app("A")
    status, headers, from_a = kofi.get(a, f"/en/learning/certificates/{token}/pdf/?language=en")
    assert status == 200 and headers["Content-Type"] == "application/pdf" and "no-store" in headers["Cache-Control"]
    assert_whole_pdf(from_a)
    assert len(pdf_images(from_a, deployment.folder)) == 2, "the logo and the signature, read from the bucket"
    status, _headers, from_b = kofi.get(b, f"/en/learning/certificates/{token}/pdf/?language=en")
    assert status == 200 and from_b == from_a, "rendered once, kept in the bucket, read by both"
    stored = deployment.s3.objects(BUCKET)
    (name,) = [key for key in stored if key.startswith(f"private/certificates/{token}-en")]
    assert stored[name] == from_a
    # Never public: the object's own address refuses anyone without the keys, and another learner gets a 404.
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{deployment.s3.endpoint}/{BUCKET}/{name}", timeout=10)  # noqa: S310
    assert refused.value.code == 403
    amina = Browser("10.40.0.8")
    amina.log_in(b, "amina@example.org")
    assert amina.get(a, f"/en/learning/certificates/{token}/pdf/?language=en")[0] == 404


def test_a_login_limit_counted_on_one_server_holds_on_the_other_and_through_a_redis_restart(deployment):
    a, b = deployment.servers["A"], deployment.servers["B"]
    guesser = Browser("10.40.0.66")
    for _attempt in range(5):
        status, _headers, page = guesser.log_in(a, "baraka@example.org", "wrong-password")
        assert status == 200 and b"Too many attempts" not in page
    status, _headers, page = guesser.log_in(b, "baraka@example.org", PASSWORD)
    assert status == 200 and b"Too many attempts" in page, "B refuses even the right password"

    deployment.redis.kill()
    deployment.redis.wait()
    assert ready_status(a) == 503 and ready_status(b) == 503, "the load balancer is told"
    for server in (a, b):  # and the site goes on, from the database
        status, _headers, page = guesser.get(server, "/en/courses/")
        assert status == 200 and b"Integrated landscape management" in page
    status, _headers, page = guesser.log_in(b, "baraka@example.org", PASSWORD)
    assert b"Too many attempts" in page, "the limit holds without Redis"
    deployment.redis = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(deployment.redis_port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        cwd=deployment.folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for(lambda: ready(a) and ready(b), seconds=30, what="both servers ready again")
    status, _headers, page = guesser.log_in(a, "baraka@example.org", PASSWORD)
    assert b"Too many attempts" in page, "the counters are not in Redis: its restart forgets nothing"
    assert Browser("10.40.0.9").log_in(a, "kofi@example.org")[0] == 302, "another client logs in"


def test_a_workbook_built_by_the_worker_is_served_by_both_servers_even_when_the_worker_dies(deployment):
    a, b = deployment.servers["A"], deployment.servers["B"]
    path = f"/en/learning/workbooks/{deployment.keys['module']}/?language=en&edition=learner&paper=a4"
    visitor = Browser("10.40.0.20")
    status, _headers, page = visitor.get(a, path)
    assert status == 202 and b"Preparing your workbook" in page
    wait_for(lambda: "RUNNING" in deployment.task_statuses(), seconds=30, what="the worker to take the build")
    # Killed at once: while its first task imports the PDF code, before it leases the build, or mid-build. Either
    # way the next requests queue the build again once the lease (or the time to take one) is over.
    deployment.worker.kill()
    deployment.worker.start()
    answers = []

    def downloaded(server):
        status, _headers, content = visitor.get(server, path)
        answers.append(status)
        if status == 200:
            assert_whole_pdf(content)
            return content
        assert status == 202
        return None

    from_b = wait_for(lambda: downloaded(b), seconds=60, what="the new worker to build the workbook")
    assert downloaded(a) == from_b, "served by both, from the bucket"
    assert set(answers) <= {200, 202}
    assert "SUCCESSFUL" in deployment.task_statuses()
    (name,) = [key for key in deployment.s3.objects(BUCKET) if key.startswith("private/workbooks/")]
    assert deployment.s3.objects(BUCKET)[name] == from_b


def test_public_media_needs_a_bucket_of_its_own_for_the_private_files():
    environ = {"AWS_STORAGE_BUCKET_NAME": "academy", "AWS_QUERYSTRING_AUTH": "false"}
    with pytest.raises(ImproperlyConfigured, match="AWS_PRIVATE_BUCKET_NAME"):
        s3_settings(environ)
    configured = s3_settings({**environ, "AWS_PRIVATE_BUCKET_NAME": "academy-private"})
    private = configured["storages"]["private"]["OPTIONS"]
    assert private["bucket_name"] == "academy-private" and private["default_acl"] == "private"
    assert private["querystring_auth"] and private["querystring_expire"] <= 300
    assert configured["media_url"] == "https://academy.s3.amazonaws.com/media/"
