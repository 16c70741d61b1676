import logging

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from wagtail.models import Locale

from curriculum.models import CourseIndexPage, CoursePage, InstituteSectionPage, ModulePage
from lms.pdf.render import pdf_storage
from lms.workbooks.services import WorkbookOrder, workbook_build
from tests import demo_database
from tests.helpers import make_institute_member


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment, django_db_blocker, django_db_modify_db_settings):
    """Every database test starts from the demo site, migrated and loaded once per run and copied into each process's
    test database (tests/demo_database.py); each test's changes roll back."""
    with django_db_blocker.unblock():
        original = demo_database.create_test_database()
    yield
    with django_db_blocker.unblock():
        demo_database.destroy_test_database(original)


def pytest_sessionfinish(session):
    if not hasattr(session.config, "workerinput"):  # pytest's own process, or pytest-xdist's controller
        demo_database.drop_template()


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in the default language: a request through LocaleMiddleware leaves the language it served
    active in the thread, and `reverse` in the next test would then give /fr/ addresses."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def empty_cache():
    """The cache is not part of a test's rolled-back transaction: start every test without it."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def locales(db):
    return {locale.language_code: locale for locale in Locale.objects.all()}


@pytest.fixture
def demo_course(db):
    return CoursePage.objects.get(locale__language_code="en", slug="ilm-five-elements")


@pytest.fixture
def catalogue_en(db):
    return CourseIndexPage.objects.get(locale__language_code="en")


@pytest.fixture
def section_en(db):
    """The English section of the demo's first institute, where the five-element course lives."""
    return InstituteSectionPage.objects.get(locale__language_code="en", slug="landscape-learning-institute")


@pytest.fixture
def learner(db, django_user_model):
    return django_user_model.objects.create_user(
        "ana@example.org", "ana@example.org", "pw-ana-2045", display_name="Ana"
    )


@pytest.fixture
def learner_client(client, learner):
    client.force_login(learner)
    return client


@pytest.fixture
def institute_member(db):
    """make(role, institute_slug): a new user who is one of that demo institute's editors, moderators or
    facilitators."""
    return make_institute_member


@pytest.fixture
def admin_user(db, django_user_model):
    return django_user_model.objects.create_superuser("editor-admin", "editor@example.org", "pass-word-123")


@pytest.fixture(scope="session")
def module_one_workbooks(django_db_setup, django_db_blocker):
    """The first module's learner workbook in each language, built once for the run and shared by the
    tests that read it (seconds each)."""
    weasyprint_log = logging.getLogger("weasyprint")
    level = weasyprint_log.level
    weasyprint_log.setLevel(logging.CRITICAL)
    try:
        with django_db_blocker.unblock():
            course = CoursePage.objects.get(locale__language_code="en", slug="ilm-five-elements")
            module = ModulePage.objects.child_of(course).order_by("path").first()
            books = {}
            for language, _name in settings.LANGUAGES:
                path = workbook_build(WorkbookOrder(page_key=module.translation_key, language=language))
                with pdf_storage().open(path) as stored:
                    books[language] = stored.read()
    finally:
        weasyprint_log.setLevel(level)
    return books
