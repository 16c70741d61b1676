"""Faults, caused for real: a database that refuses certificates, a PDF write cut short, a worker killed mid-build.
Each recovers with nothing lost and nothing partial served."""

import logging
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from curriculum.models import ModulePage
from lms.certificates.models import Certificate
from lms.certificates.services import certificate_issue, certificate_pdf, certificate_render_pdf
from lms.pdf.render import pdf_storage
from lms.progress.models import Enrolment, LessonProgress
from lms.workbooks.services import WorkbookOrder, expected_workbook_path
from tests.helpers import lesson_in
from tests.live_site import MANAGE, ROOT, clone_test_database, serving
from tests.test_certificates import complete_everything_but_the_last

# One pytest-xdist worker runs the module (`make test` runs --dist loadgroup): its tests share one server.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("faults")]

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


# ---- PDFs: an older version's file cut short, simultaneous first downloads ----


@pytest.fixture
def certificate(learner, demo_course):
    return certificate_issue(learner=learner, course=demo_course, language="en")


def test_a_certificate_cut_short_by_an_older_version_is_printed_again(certificate, learner_client, tmp_path):
    whole = certificate_render_pdf(certificate, "en")
    path = Path(pdf_storage().path(f"certificates/{certificate.token}-en-a4.pdf"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(whole[: len(whole) // 2])  # what a write straight to the final name left when cut short
    response = learner_client.get(f"/en/learning/certificates/{certificate.token}/pdf/?language=en")
    assert response.status_code == 200
    assert_whole_pdf(response.content, tmp_path)
    assert path.read_bytes() == response.content, "the file cut short is replaced"


def test_a_workbook_cut_short_by_an_older_version_is_built_again(client, tmp_path):
    module = ModulePage.objects.filter(locale__language_code="en").order_by("path")[3]
    order = WorkbookOrder(page_key=module.translation_key, language="en")
    path = Path(pdf_storage().path(expected_workbook_path(order, module)))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.7\n" + b"0" * 262_144)  # the first 256 KB of a file, as the audit was served
    response = client.get(workbook_url(module))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert_whole_pdf(content, tmp_path)
    assert path.read_bytes() == content


def test_simultaneous_first_downloads_print_a_certificate_once(certificate, caplog):
    caplog.set_level(logging.INFO, logger="lms.pdf.store")
    with ThreadPoolExecutor(max_workers=6) as pool:
        copies = list(pool.map(lambda _: certificate_pdf(certificate, "fr"), range(6)))
    assert len(set(copies)) == 1
    stored = [record for record in caplog.records if record.getMessage().startswith("Stored certificates/")]
    assert len(stored) == 1, "one render, one file; the others waited for it"
    assert len(list(Path(pdf_storage().location, "certificates").glob(f"*{certificate.token}*"))) == 1


# ---- Faults that need more than one process: a server and workers on a copy of the test database ----

# The file size at which a write is cut short (RLIMIT_FSIZE): inside any PDF we make (a certificate is about 45 KB),
# above what opening an SQLite database in WAL mode writes (its 32 KB shared-memory file).
LIMIT = 40 * 1024
LEASE_SECONDS = 2  # the servers' and workers' PDF_BUILD_LEASE_SECONDS: a dead process's build is taken over after it
CUT_SHORT = (
    # What a process the kernel stops mid-write looks like (Python itself ignores SIGXFSZ and gets an error).
    "import runpy, signal, sys; signal.signal(signal.SIGXFSZ, signal.SIG_DFL); sys.argv = sys.argv[1:]; "
    "runpy.run_path(sys.argv[0], run_name='__main__')"
)
WARM_UP = (
    # The institutes' logo renditions are made (a database write) by the first PDF printing them: make them now, so
    # a process whose writes are cut short gets as far as writing its PDF. And a certificate to print.
    "from django.contrib.auth import get_user_model; from curriculum.models import CoursePage, Institute; "
    "from lms.certificates.services import certificate_issue; from lms.workbooks.services import LOGO_RENDITION; "
    "[i.logo.get_rendition(LOGO_RENDITION) for i in Institute.objects.exclude(logo=None)]; "
    "learner = get_user_model().objects.create_user('kofi@example.org', 'kofi@example.org', 'pw-kofi-2045'); "
    "course = CoursePage.objects.get(slug='ilm-five-elements', locale__language_code='en'); "
    "print(certificate_issue(learner=learner, course=course).token)"
)


@dataclass
class Live:
    url: str
    env: dict
    folder: Path
    certificate_token: str

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=60) as response:  # noqa: S310 (our own server)
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def run(self, *arguments, cut_short: bool = False, limit: int | None = None) -> subprocess.CompletedProcess:
        command = [sys.executable, "-c", CUT_SHORT, *MANAGE[1:]] if cut_short else MANAGE
        return subprocess.run(
            [*command, *arguments],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            preexec_fn=(lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))) if limit else None,
        )

    def start_worker(self, name: str) -> subprocess.Popen:
        log = (self.folder / f"{name}.log").open("w")
        arguments = ["db_worker", "--backend", "workbooks", "--interval", "0.2", "--no-startup-delay"]
        return subprocess.Popen([*MANAGE, *arguments], cwd=ROOT, env=self.env, stdout=log, stderr=log)

    def task_statuses(self) -> list[str]:
        with self._database() as database:
            rows = database.execute(f"SELECT status FROM {DBTaskResult._meta.db_table} ORDER BY enqueued_at")
            return [status for (status,) in rows.fetchall()]

    @contextmanager
    def _database(self):
        url = self.env["DATABASE_URL"]
        if url.startswith("sqlite"):
            database = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=20)
            try:
                yield database
            finally:
                database.close()
        else:
            import psycopg

            with psycopg.connect(url) as database:
                yield database

    def files(self, folder: str, pattern: str) -> list[Path]:
        return sorted((self.folder / "private" / folder).glob(pattern))


@pytest.fixture(scope="module")
def live(django_db_setup, django_db_blocker, tmp_path_factory):
    folder = tmp_path_factory.mktemp("faults")
    with django_db_blocker.unblock():
        database_url, drop = clone_test_database(folder)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.fault_settings",
        "DATABASE_URL": database_url,
        "FAULTS_FOLDER": str(folder),
        "PDF_BUILD_LEASE_SECONDS": str(LEASE_SECONDS),
    }
    warm = subprocess.run([*MANAGE, "shell", "-c", WARM_UP], cwd=ROOT, env=env, capture_output=True, text=True)
    assert warm.returncode == 0, warm.stderr
    try:
        with serving(env) as url:
            yield Live(url=url, env=env, folder=folder, certificate_token=warm.stdout.split()[-1])
    finally:
        drop()


def workbook_url(page, language="en") -> str:
    return f"/en/learning/workbooks/{page.translation_key}/?language={language}&edition=learner"


def assert_whole_pdf(content: bytes, tmp_path: Path) -> None:
    assert content.startswith(b"%PDF-") and b"%%EOF" in content[-1024:]
    (tmp_path / "served.pdf").write_bytes(content)
    info = subprocess.run(["pdfinfo", str(tmp_path / "served.pdf")], capture_output=True, text=True, check=True)
    assert "Pages:" in info.stdout


def wait_for(condition, *, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while not (result := condition()):
        assert time.monotonic() < deadline, f"still waiting for {what}"
        time.sleep(0.2)
    return result


def test_a_worker_killed_mid_build_is_taken_over_and_the_workbook_served_whole(live, demo_course, tmp_path):
    url = workbook_url(demo_course)
    status, body = live.get(url)
    assert status == 202 and b"Preparing your workbook" in body
    first = live.start_worker("first")
    try:
        wait_for(lambda: live.task_statuses() == ["RUNNING"], seconds=60, what="the worker to take the build")
        time.sleep(1.5)  # into the layout: the whole course takes several seconds
    finally:
        first.kill()  # SIGKILL: no cleanup of any kind
        first.wait()
    assert live.task_statuses() == ["RUNNING"], "the dead worker's task is left running"
    folder = f"workbooks/{demo_course.translation_key}"
    assert not live.files(folder, "*.pdf"), "the build was still under way"
    status, body = live.get(url)
    assert status == 202, "nothing is served while the build's lease has not lapsed"

    second = live.start_worker("second")
    served = []
    try:

        def downloaded():
            status, body = live.get(url)
            served.append(status)
            return body if status == 200 else None

        content = wait_for(downloaded, seconds=180, what="the second worker to build the workbook")
    finally:
        second.terminate()
        second.wait(timeout=30)
    assert set(served) <= {200, 202}
    assert_whole_pdf(content, tmp_path)
    assert live.task_statuses() == ["FAILED", "SUCCESSFUL"], "the dead build is closed, a request queued it again"
    (stored,) = live.files(folder, "*.pdf")
    assert stored.read_bytes() == content
    assert not live.files(folder, ".*.part")


@pytest.mark.parametrize("fault", ["killed", "refused"])
def test_a_workbook_write_cut_short_is_never_served(live, fault, tmp_path):
    # A module of its own for each fault, in French, so neither finds the other's file.
    page = ModulePage.objects.filter(locale__language_code="fr").order_by("path")[1 if fault == "killed" else 2]
    folder = f"workbooks/{page.translation_key}"
    cut = live.run(
        "build_workbook",
        page.slug,
        "--language",
        "fr",
        "-o",
        str(tmp_path / "out.pdf"),
        cut_short=fault == "killed",
        limit=LIMIT,
    )
    assert not live.files(folder, "*.pdf"), "nothing at the final name"
    if fault == "killed":
        assert cut.returncode == -signal.SIGXFSZ, cut.stderr
        (part,) = live.files(folder, ".*.part")
        assert part.stat().st_size == LIMIT, "stopped in the middle of writing the PDF"
        # What an older version, writing straight to the final name, left behind: the first part of the file.
        part.rename(part.parent / part.name.removeprefix(".").rsplit(".", 2)[0])
    else:
        assert cut.returncode != 0 and "File too large" in cut.stderr, cut.stderr
        assert not live.files(folder, ".*.part"), "the temporary file is removed when the write fails"
    time.sleep(LEASE_SECONDS + 0.5)  # the lease of the process cut short lapses: the next request queues the build
    status, body = live.get(workbook_url(page, "fr"))
    assert status == 202, "a PDF cut short is not served"
    worker = live.run("db_worker", "--backend", "workbooks", "--batch", "--no-startup-delay")
    assert worker.returncode == 0, worker.stderr
    status, body = live.get(workbook_url(page, "fr"))
    assert status == 200
    assert_whole_pdf(body, tmp_path)
    (stored,) = live.files(folder, "*.pdf")
    assert stored.read_bytes() == body


def test_a_certificate_write_cut_short_leaves_nothing_to_serve(live, tmp_path):
    token = live.certificate_token
    print_it = (
        "from lms.certificates.models import Certificate; from lms.certificates.services import certificate_pdf; "
        f"pdf = certificate_pdf(Certificate.objects.get(token='{token}'), 'en')"
    )
    cut = live.run("shell", "-c", print_it, cut_short=True, limit=LIMIT)
    assert cut.returncode == -signal.SIGXFSZ, cut.stderr
    assert not live.files("certificates", f"{token}-*.pdf")
    (part,) = live.files("certificates", f".{token}-*.part")
    assert part.stat().st_size == LIMIT
    output = tmp_path / "printed.pdf"
    printed = live.run("shell", "-c", f"{print_it}; open('{output}', 'wb').write(pdf)")
    assert printed.returncode == 0, printed.stderr
    printed = output.read_bytes()
    assert_whole_pdf(printed, tmp_path)
    (stored,) = live.files("certificates", f"{token}-*.pdf")
    assert stored.read_bytes() == printed
