"""Backup and restore: a backup made while the site holds learners, quiz attempts, certificates (one revoked) and
generated PDFs restores into an empty database and empty folders with every row and every file, and the restored site
serves each learner's pages, each attempt, each verification page, and re-renders a certificate with the institute's
logo and signature."""

import hashlib
import http.cookiejar
import io
import json
import os
import re
import socket
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.db import connection
from PIL import Image

from curriculum.models import CoursePage, LessonPage, QuizPage
from lms.certificates import services as certificates
from lms.certificates.models import Certificate
from lms.pdf.store import pdf_open, pdf_save
from lms.progress import services as progress
from lms.quizzes import services as quizzes
from lms.quizzes.models import QuizAttempt
from lms.settings.object_storage import s3_settings
from tests.object_storage import seaweed_s3

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "restored-pw-2045"


def _learner(email: str, name: str, language: str):
    return User.objects.create_user(email, email, PASSWORD, display_name=name, preferred_language=language)


@pytest.fixture
def site_with_records(demo_course):
    """Two learners: one completed the five-element course (a certificate and its printed copy, a failed quiz
    attempt, an open one), the other started it and had a certificate of the other course revoked."""
    awa = _learner("awa.backup@example.org", "Awa Traoré", "fr")
    first_quiz, second_quiz = QuizPage.objects.descendant_of(demo_course).filter(locale=demo_course.locale)[:2]
    failed = quizzes.attempt_start(learner=awa, quiz=first_quiz)
    quizzes.attempt_submit(attempt=failed, submitted={}, quiz=first_quiz)
    quizzes.attempt_start(learner=awa, quiz=second_quiz)  # still open: its draft must survive too
    for item in [*LessonPage.objects.descendant_of(demo_course), *QuizPage.objects.descendant_of(demo_course)]:
        progress.item_complete(learner=awa, item=item)
    certificate = Certificate.objects.get(learner=awa)
    certificates.certificate_pdf(certificate, "en")  # a printed copy kept in the private storage

    moussa = _learner("moussa.backup@example.org", "Moussa Keïta", "en")
    progress.item_complete(learner=moussa, item=LessonPage.objects.descendant_of(demo_course).first())
    sahel = CoursePage.objects.get(locale__language_code="en", slug="farmer-led-restoration")
    revoked = certificates.certificate_issue(learner=moussa, course=sahel, language="en")
    certificates.certificate_revoke(certificate=revoked, reason="Issued by mistake")
    return {"learners": [awa, moussa], "certificate": certificate, "revoked": revoked}


def _stored_files(storage_name: str) -> dict[str, str]:
    root = Path(storages[storage_name].location)
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file() and not path.name.startswith(".")
    }


def _files_under(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


@pytest.fixture
def empty_database(tmp_path):
    """A new database on the engine the suite runs on: a new SQLite file, or a new PostgreSQL database."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg

    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    name = f"{connection.settings_dict['NAME']}_restored"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.execute(f'CREATE DATABASE "{name}"')
    yield f"{base}/{name}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def restored_env(tmp_path, empty_database):
    media, private = tmp_path / "media", tmp_path / "private"
    media.mkdir()
    private.mkdir()
    return {
        **{key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))},
        "DJANGO_SETTINGS_MODULE": "tests.backup_target_settings",
        "DATABASE_URL": empty_database,
        "RESTORED_MEDIA_ROOT": str(media),
        "RESTORED_PRIVATE_ROOT": str(private),
    }


def manage(env, *args, check=True):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=check
    )


class Visitor:
    """A browser without JavaScript: cookies, and the CSRF token a form carries."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with self.opener.open(self.base_url + path, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def log_in(self, email: str):
        _status, form = self.get("/en/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1).decode()
        data = urllib.parse.urlencode({"username": email, "password": PASSWORD, "csrfmiddlewaretoken": token})
        with self.opener.open(self.base_url + "/en/accounts/login/", data.encode(), timeout=60) as response:
            assert "/accounts/login/" not in response.url, f"{email} could not log in on the restored site"


def _serve(env):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "lms.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server, f"http://127.0.0.1:{port}"
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError("the restored site did not start") from None
            time.sleep(0.2)


def _image_sizes(pdf: bytes, tmp_path: Path) -> list[tuple[int, int]]:
    path = tmp_path / "rerendered.pdf"
    path.write_bytes(pdf)
    listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    return [(int(row.split()[3]), int(row.split()[4])) for row in listing.splitlines()[2:] if row.split()[2] == "image"]


def test_a_backup_restores_into_an_empty_database_and_folders_with_everything(
    site_with_records, restored_env, tmp_path
):
    archive = tmp_path / "academy.tar.gz"
    call_command("backup", str(archive), stdout=open(os.devnull, "w"))  # noqa: SIM115
    with tarfile.open(archive) as backup:
        dumped = backup.extractfile("database.jsonl").read().decode()
        manifest = json.load(backup.extractfile("manifest.json"))
    assert manifest["database"] == connection.vendor and manifest["rows"]["certificates.certificate"] >= 2
    media_before, private_before = _stored_files("default"), _stored_files("private")
    assert any(name.startswith("certificates/") for name in private_before)

    result = manage(restored_env, "restore", str(archive))
    assert "Restored the backup" in result.stdout, result.stderr

    # Every row, as it was: the restored database dumps to the very same lines (same engine, same serialiser).
    again = tmp_path / "again.backupjsonl"
    excluded = ["-e", "sessions", "-e", "wagtailsearch"]
    manage(restored_env, "dumpdata", "--all", "--format", "backupjsonl", *excluded, "-o", str(again))
    assert again.read_text(encoding="utf-8") == dumped
    # Every file, byte for byte, in the new folders.
    assert _files_under(Path(restored_env["RESTORED_MEDIA_ROOT"])) == media_before
    assert _files_under(Path(restored_env["RESTORED_PRIVATE_ROOT"])) == private_before

    server, url = _serve(restored_env)
    try:
        awa, moussa = site_with_records["learners"]
        certificate, revoked = site_with_records["certificate"], site_with_records["revoked"]
        for learner in (awa, moussa):
            visitor = Visitor(url)
            visitor.log_in(learner.email)
            status, dashboard = visitor.get("/en/learning/")
            assert status == 200 and "Integrated landscape management: the five elements" in dashboard.decode()
            for attempt in QuizAttempt.objects.filter(learner=learner, submitted_at__isnull=False):
                status, page = visitor.get(f"/en/learning/quizzes/attempts/{attempt.pk}/")
                assert status == 200 and f"Your score: {attempt.score:.0f}%" in page.decode()
            for record in Certificate.objects.filter(learner=learner):
                assert (record.code in dashboard.decode()) is not record.is_revoked
            if learner == awa:
                status, kept = visitor.get(f"/en/learning/certificates/{certificate.token}/pdf/?language=en")
                stored = next(name for name in private_before if name.startswith(f"certificates/{certificate.token}"))
                assert status == 200 and hashlib.sha256(kept).hexdigest() == private_before[stored]
                status, rerendered = visitor.get(f"/en/learning/certificates/{certificate.token}/pdf/?language=fr")
                assert status == 200 and rerendered.startswith(b"%PDF")
                renditions = Path(restored_env["RESTORED_MEDIA_ROOT"])
                expected = sorted(
                    Image.open(renditions / certificate.institute[kind].removeprefix("/media/")).size
                    for kind in ("logo", "signature")
                )
                assert sorted(_image_sizes(rerendered, tmp_path)) == expected, "the logo and the signature"
        anyone = Visitor(url)
        status, page = anyone.get(f"/verify/{certificate.token}/?language=en")
        assert status == 200 and "This certificate is valid." in page.decode() and "Awa Traoré" in page.decode()
        status, page = anyone.get(f"/verify/{revoked.token}/?language=en")
        assert status == 200 and "Issued by mistake" in page.decode()
        status, page = anyone.get("/fr/formations/")
        assert status == 200 and "Gestion intégrée des paysages" in page.decode()
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_restore_refuses_a_database_or_folders_that_hold_something(site_with_records, restored_env, tmp_path):
    archive = tmp_path / "academy.tar.gz"
    call_command("backup", str(archive), stdout=open(os.devnull, "w"))  # noqa: SIM115
    other_site_file = Path(restored_env["RESTORED_PRIVATE_ROOT"]) / "certificates" / "other-site.pdf"
    other_site_file.parent.mkdir()
    other_site_file.write_bytes(b"%PDF-")
    refused = manage(restored_env, "restore", str(archive), check=False)
    assert refused.returncode != 0 and "already holds files" in refused.stderr
    assert "Restore into empty folders" in refused.stderr
    other_site_file.unlink()

    url = restored_env["DATABASE_URL"]
    if url.startswith("sqlite"):
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite:///")) as database:
            database.execute("CREATE TABLE other_site (id integer)")
    else:
        import psycopg

        with psycopg.connect(url, autocommit=True) as database:
            database.execute("CREATE TABLE other_site (id integer)")
    refused = manage(restored_env, "restore", str(archive), check=False)
    assert (
        refused.returncode != 0 and "already has 1 tables" in refused.stderr and "new, empty database" in refused.stderr
    )


def test_a_damaged_or_partial_backup_is_refused_before_anything_is_written(tmp_path):
    truncated = tmp_path / "truncated.tar.gz"
    call_command("backup", str(tmp_path / "whole.tar.gz"), stdout=open(os.devnull, "w"))  # noqa: SIM115
    whole = (tmp_path / "whole.tar.gz").read_bytes()
    truncated.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(CommandError, match="not a complete backup"):
        call_command("restore", str(truncated))
    assert not list(tmp_path.glob(".*.partial")), "a backup appears only once written in full"


@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL pass: the bucket's part is the same on either database, the restore slow")
    with seaweed_s3(tmp_path_factory.mktemp("seaweed")) as server:
        yield server


def test_a_backup_covers_the_s3_bucket_and_the_restore_puts_every_object_back(s3, restored_env, tmp_path, settings):
    """Uploads and PDFs on S3-compatible storage (SeaweedFS, for real): the archive holds every object of the
    bucket, and the restore puts each back, byte for byte, into the new site's empty bucket."""
    source = s3_settings(s3.environment("backed-up-site"))
    settings.STORAGES = {**settings.STORAGES, **source["storages"]}
    settings.MEDIA_URL = source["media_url"]
    picture = io.BytesIO()
    Image.new("RGB", (40, 30), "#2f6b3a").save(picture, "PNG")
    storages["default"].save("original_images/field-day.png", ContentFile(picture.getvalue()))
    certificate = b"%PDF-1.7\n" + os.urandom(20_000) + b"\n%%EOF\n"
    pdf_save("certificates/0123abcd-en-a4.pdf", certificate)
    with pdf_open("certificates/0123abcd-en-a4.pdf") as stored:
        assert stored.read() == certificate
    # Private PDFs are never public: the object's own address refuses anyone without the keys.
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{s3.endpoint}/backed-up-site/private/certificates/0123abcd-en-a4.pdf", timeout=10)
    assert refused.value.code == 403

    archive = tmp_path / "academy.tar.gz"
    call_command("backup", str(archive), stdout=open(os.devnull, "w"))  # noqa: SIM115
    with tarfile.open(archive) as backup:
        assert backup.extractfile("media/original_images/field-day.png").read() == picture.getvalue()
        assert backup.extractfile("private/certificates/0123abcd-en-a4.pdf").read() == certificate
        assert json.load(backup.extractfile("manifest.json"))["files"] == {"default": 1, "private": 1}

    restored_env = {**restored_env, **s3.environment("restored-site")}
    result = manage(restored_env, "restore", str(archive), check=False)
    assert "Restored the backup" in result.stdout, result.stderr
    assert s3.objects("restored-site") == s3.objects("backed-up-site")
    assert sorted(s3.objects("restored-site")) == [
        "media/original_images/field-day.png",
        "private/certificates/0123abcd-en-a4.pdf",
    ]
    refused = manage(restored_env, "restore", str(archive), check=False)
    assert refused.returncode != 0, "a second restore into the same site is refused"
