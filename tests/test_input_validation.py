"""Input the database cannot store (a NUL character, an overlong string) or cannot read (a damaged image) gets a clear,
translated message and loses nothing else: never a server error, on SQLite or on PostgreSQL (which refuses NUL)."""

import io
import json

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.test.client import encode_multipart
from django.utils import translation
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Locale
from wagtail.users.models import UserProfile
from wagtail_localize.models import StringSegment, StringTranslation, Translation

from curriculum.models import CoursePage, LessonPage
from lms.certificates.services import certificate_issue
from lms.quizzes.models import QuizAttempt
from lms.quizzes.views import PENDING_ANSWERS
from tests.helpers import SECOND_INSTITUTE
from tests.quiz_builder import by_kind, form, right_answers, six_kind_quiz, start, submit
from tests.test_institutes import course_of_institute, institute

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_after():
    """Requests here end in every language; tests after these (block tests without a request) expect English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


REFUSED_FR = "Un caractère ne peut pas être utilisé"
MULTIPART = "multipart/form-data; boundary=BoUnDaRy"
DAMAGED_FR = "Ce fichier ne se lit pas comme une image"


# -- a NUL anywhere in a request --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/verify/ab%00cd/",
        "/verify/?code=AB%00CD",
        "/fr/learning/certificates/ab%00cd/pdf/",
        "/fr/courses/?q=arbre%00",
        "/fr/accounts/login/?next=/fr/%00",
        "/fr/learning/workbooks/00000000-0000-0000-0000-000000000000/?edition=%00",
    ],
)
def test_a_nul_in_the_address_or_query_gets_a_translated_400_page(learner_client, url):
    response = learner_client.get(url, HTTP_ACCEPT_LANGUAGE="fr")  # the language of /verify/ without a prefix
    assert response.status_code == 400
    page = response.content.decode()
    assert REFUSED_FR in page and "caractère nul" in page


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("fr", "Cette demande n’a pas pu être lue"),
        ("es", "No se pudo leer esta solicitud"),
        ("en", "could not be read"),
    ],
)
def test_a_request_django_itself_refuses_gets_a_translated_400_page(client, language, heading, settings):
    settings.ALLOWED_HOSTS = ["academy.example.org"]
    response = client.get(f"/{language}/courses/", HTTP_HOST="evil.example.org")
    assert response.status_code == 400
    page = response.content.decode()
    assert heading in page.replace("&#x27;", "'") and f'lang="{language}"' in page
    assert f'href="/{language}/"' in page, "a way back to the home page"


@pytest.mark.parametrize(("language", "heading"), [("fr", "Ce formulaire a expiré"), ("pt", "Este formulário expirou")])
def test_a_form_sent_without_its_security_token_gets_a_translated_page(db, language, heading):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(f"/{language}/accounts/login/", {"username": "a@example.org", "password": "x"})
    assert response.status_code == 403
    page = response.content.decode()
    assert heading in page and "CSRF" not in page


def test_a_nul_in_a_form_field_or_a_json_body_gets_the_400_too(client, learner, demo_course):
    login = client.post("/en/accounts/login/", {"username": "ana@example.org\x00", "password": "pw-ana-2045"})
    assert login.status_code == 400 and "A character cannot be used" in login.content.decode()
    client.force_login(learner)
    enrol = f"/en/learning/courses/{demo_course.translation_key}/enrol/"
    refused = client.post(enrol, json.dumps({"note": ["fine", "not\u0000fine"]}), content_type="application/json")
    assert refused.status_code == 400 and "null character" in refused.json()["error"]
    lone_surrogate = client.post(enrol, '{"note": "\\ud800"}', content_type="application/json")
    assert lone_surrogate.status_code == 400
    assert client.post(enrol, json.dumps({"note": "fine"}), content_type="application/json").status_code == 302


def test_a_session_cookie_holding_a_nul_starts_a_new_session():
    visitor = Client(HTTP_COOKIE=f'{settings.SESSION_COOKIE_NAME}="abcdefgh\\000ijkl"')
    response = visitor.get("/en/learning/")
    assert response.status_code == 302 and response["Location"].startswith("/en/accounts/login/")


def test_a_malformed_certificate_token_is_not_found_without_a_lookup(client, learner, demo_course):
    certificate = certificate_issue(learner=learner, course=demo_course)
    missing = client.get("/verify/" + certificate.token.upper() + "/")
    assert missing.status_code == 404 and "Certificate not found" in missing.content.decode()
    client.force_login(learner)
    assert client.get(f"/en/learning/certificates/{certificate.token}x/pdf/").status_code == 404


# -- quizzes keep what was typed --------------------------------------------------------------------------------------


def test_a_nul_in_a_quiz_answer_is_pointed_out_removed_and_the_rest_kept(learner_client):
    quiz, questions = six_kind_quiz()
    attempt = start(learner_client, quiz)
    short = by_kind(questions, "short_text")
    answers = right_answers(questions)
    typed = answers[short.id][0]
    answers[short.id] = [typed[:3] + "\x00" + typed[3:]]
    response = submit(learner_client, attempt, answers)
    assert response["Location"] == quiz.url + "#quiz-errors"
    attempt.refresh_from_db()
    assert attempt.is_open and attempt.draft[short.id] == [typed], "kept, without the character"
    page = learner_client.get(quiz.url).content.decode()
    assert "invisible character (a null character)" in page and f'value="{typed}"' in page
    single = by_kind(questions, "single_choice")
    assert f'value="{answers[single.id][0]}" checked' in page, "the other answers are kept"

    submit(learner_client, attempt, {**answers, short.id: [typed]})
    attempt.refresh_from_db()
    assert attempt.passed


def test_autosave_keeps_an_answer_without_its_nul(learner_client):
    quiz, questions = six_kind_quiz()
    attempt = start(learner_client, quiz)
    short = by_kind(questions, "short_text")
    saved = learner_client.post(f"/en/learning/quizzes/attempts/{attempt.pk}/save/", {f"q-{short.id}": "arbre\x00"})
    assert saved.json() == {"saved": True}
    attempt.refresh_from_db()
    assert attempt.draft[short.id] == ["arbre"]


def test_answers_kept_before_login_come_back_without_a_nul_on_every_visit(client, learner):
    quiz, questions = six_kind_quiz()
    short = by_kind(questions, "short_text")
    answers = {**right_answers(questions), short.id: ["tree\x00"]}
    client.post(f"/en/learning/quizzes/{quiz.translation_key}/answers/", form(answers))
    session = client.session
    assert session[PENDING_ANSWERS][str(quiz.translation_key)][short.id] == ["tree"]
    # Kept by an older version, NUL included: it must not make the resume link fail on every visit.
    session[PENDING_ANSWERS][str(quiz.translation_key)][short.id] = ["tree\x00"]
    session.save()
    client.force_login(learner)
    resume = f"/en/learning/quizzes/{quiz.translation_key}/resume/"
    for _visit in range(2):
        assert client.get(resume)["Location"] == quiz.url + "#quiz"
    attempt = QuizAttempt.objects.get(learner=learner, quiz_key=quiz.translation_key)
    assert attempt.draft[short.id] == ["tree"]


# -- course PO files --------------------------------------------------------------------------------------------------


def _exported_po(client, course, language="pt") -> polib.POFile:
    return polib.pofile(client.post(f"/admin/course-translations/{course.pk}/{language}/po/").content.decode())


def _upload(po: polib.POFile | bytes, name="course.pt.po"):
    upload = io.BytesIO(po if isinstance(po, bytes) else str(po).encode())
    upload.name = name
    return upload


def test_po_strings_that_cannot_be_stored_are_named_and_the_rest_imported(client, institute_member):
    course = course_of_institute(SECOND_INSTITUTE)
    client.force_login(institute_member("moderators", SECOND_INSTITUTE))
    po = _exported_po(client, course)
    lesson = LessonPage.objects.get(title="Sharing costs and benefits", locale__language_code="en")
    by_context = {entry.msgctxt: entry for entry in po}
    by_context[f"{lesson.translation_key}:title"].msgstr = "Partilhar\x00 custos"
    by_context[f"{course.translation_key}:title"].msgstr = "T" * 256
    by_context[f"{lesson.translation_key}:summary"].msgstr = "S" * 301
    fine = next(entry for entry in po if entry.msgid == "Tracking progress simply")
    fine.msgstr = "Acompanhar o progresso, simplesmente"

    response = client.post(
        f"/admin/course-translations/{course.pk}/pt/po/import/", {"po_file": _upload(po)}, follow=True
    )
    page = response.content.decode()
    assert "The translation of “Sharing costs and benefits” holds an invisible null character" in page
    assert f"The translation of “{course.title}” has 256 characters, more than the 255 its field holds" in page
    assert "has 301 characters, more than the 300 its field holds" in page
    assert "1 translated strings imported" in page

    client.post(f"/admin/course-translations/{course.pk}/pt/publish/")
    tracking = LessonPage.objects.get(title="Tracking progress simply", locale__language_code="en")
    published = LessonPage.objects.get(translation_key=tracking.translation_key, locale__language_code="pt")
    assert published.title == "Acompanhar o progresso, simplesmente" and published.live
    portuguese_course = CoursePage.objects.get(translation_key=course.translation_key, locale__language_code="pt")
    assert portuguese_course.title == course.title, "the overlong title was not taken"


def test_a_po_upload_naming_a_file_on_the_server_is_read_as_text(client, institute_member):
    course = course_of_institute(SECOND_INSTITUTE)
    client.force_login(institute_member("editors", SECOND_INSTITUTE))
    server_file = str(settings.BASE_DIR / "locale" / "fr" / "LC_MESSAGES" / "django.po").encode()
    response = client.post(
        f"/admin/course-translations/{course.pk}/pt/po/import/", {"po_file": _upload(server_file)}, follow=True
    )
    assert "This is not a PO file in UTF-8" in response.content.decode()


def test_publishing_reports_a_page_whose_strings_do_not_validate(client, institute_member):
    """A string stored before these checks (or by another tool) is reported when publishing, not a server error."""
    course = course_of_institute(SECOND_INSTITUTE)
    client.force_login(institute_member("moderators", SECOND_INSTITUTE))
    _exported_po(client, course)  # starts the Portuguese translation records
    lesson = LessonPage.objects.get(title="Sharing costs and benefits", locale__language_code="en")
    segment = StringSegment.objects.get(source__object_id=lesson.translation_key, context__path="summary")
    StringTranslation.objects.create(
        translation_of=segment.string,
        locale=Locale.objects.get(language_code="pt"),
        context=segment.context,
        data="S" * 301,
    )
    response = client.post(f"/admin/course-translations/{course.pk}/pt/publish/", follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "“Sharing costs and benefits” was not published" in page and "at most 300 characters" in page


# -- wagtail-localize's translation editor ----------------------------------------------------------------------------


@pytest.fixture
def editor_translation(client, institute_member):
    """The Portuguese translation of the second institute's course page, started by a moderator; an editor at work."""
    course = course_of_institute(SECOND_INSTITUTE)
    portuguese = Locale.objects.get(language_code="pt")
    client.force_login(institute_member("moderators", SECOND_INSTITUTE))
    client.post(f"/admin/localize/submit/page/{course.pk}/", {"locales": [portuguese.pk]})
    client.force_login(institute_member("editors", SECOND_INSTITUTE))
    return Translation.objects.get(source__object_id=course.translation_key, target_locale=portuguese)


def test_the_translation_editor_refuses_a_po_file_without_its_header(client, editor_translation):
    course = course_of_institute(SECOND_INSTITUTE)
    upload_url = f"/admin/localize/translate/{editor_translation.pk}/pofile/upload/"
    edit_url = f"/admin/pages/{editor_translation.get_target_instance().pk}/edit/"
    course_po = _exported_po(client, course)  # the course's file has no wagtail-localize header
    response = client.post(upload_url, {"file": _upload(course_po), "next": edit_url}, follow=True)
    assert response.redirect_chain[0][0] == edit_url
    assert "This PO file was not downloaded from this translation." in response.content.decode()
    not_po = client.post(upload_url, {"file": _upload(b"\xff\xfe"), "next": edit_url}, follow=True)
    assert "This is not a PO file in UTF-8" in not_po.content.decode()


def test_the_translation_editor_imports_a_po_file_without_the_strings_that_cannot_be_stored(client, editor_translation):
    po = polib.pofile(
        client.get(f"/admin/localize/translate/{editor_translation.pk}/pofile/download/").content.decode()
    )
    by_context = {entry.msgctxt: entry for entry in po}
    by_context["title"].msgstr = "T" * 300
    by_context["summary"].msgstr = "Um curso\x00 curto"
    outcome = next(entry for entry in po if entry.msgctxt.startswith("learning_outcomes."))
    outcome.msgstr = "Resultado traduzido"
    response = client.post(
        f"/admin/localize/translate/{editor_translation.pk}/pofile/upload/",
        {"file": _upload(po), "next": "/admin/"},
        follow=True,
    )
    page = response.content.decode()
    assert "has 300 characters, more than the 255 its field holds" in page
    assert "holds an invisible null character" in page
    stored = StringTranslation.objects.filter(locale=editor_translation.target_locale)
    assert stored.filter(data="Resultado traduzido").exists()
    assert not stored.filter(data="T" * 300).exists()


def test_the_translation_editor_refuses_a_string_longer_than_its_field(client, editor_translation):
    segment = StringSegment.objects.get(source=editor_translation.source, context__path="title")
    url = f"/admin/localize/translate/{editor_translation.pk}/strings/{segment.pk}/edit/"

    def put(value):  # as the editor's script sends it: a FormData body
        return client.put(url, encode_multipart("BoUnDaRy", {"value": value}), content_type=MULTIPART)

    too_long = put("T" * 256)
    assert too_long.status_code == 400 and "more than the 255 its field holds" in too_long.json()["error"]
    assert put("Restauração liderada por agricultores").status_code in (200, 201)
    assert put("Restauração\x00").status_code == 400
    assert StringTranslation.objects.get(context=segment.context, locale=editor_translation.target_locale).data == (
        "Restauração liderada por agricultores"
    )


# -- damaged images ---------------------------------------------------------------------------------------------------


def _damaged(kind: str) -> io.BytesIO:
    good = get_test_image_file(filename="field.png").file.getvalue()
    content = {
        "gif-header": b"GIF89a\x01\x00\x01\x00garbage",
        "truncated-png": good[: len(good) // 2],
    }[kind]
    upload = io.BytesIO(content)
    upload.name = "field.png" if kind == "truncated-png" else "field.gif"
    return upload


@pytest.mark.parametrize("kind", ["gif-header", "truncated-png"])
def test_a_damaged_image_upload_is_refused_with_a_translated_message(client, institute_member, kind):
    editor = institute_member("editors", SECOND_INSTITUTE)
    client.force_login(editor)
    collection = institute(SECOND_INSTITUTE).collection.pk
    response = client.post("/admin/images/add/", {"title": "Field", "file": _damaged(kind), "collection": collection})
    assert response.status_code == 200
    assert "This file is not a readable image" in response.content.decode()
    multiple = client.post(
        "/admin/images/multiple/add/",
        {"files[]": _damaged(kind), "collection": collection},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert multiple.status_code == 200
    assert multiple.json()["success"] is False and "not a readable image" in multiple.json()["error_message"]
    assert not get_image_model().objects.filter(title__in=["Field", "field"]).exists()
    whole = io.BytesIO(get_test_image_file().file.getvalue())
    whole.name = "field.png"
    good = client.post("/admin/images/add/", {"title": "Field", "file": whole, "collection": collection})
    assert good.status_code == 302 and get_image_model().objects.filter(title="Field").exists()

    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = "fr"
    profile.save()
    in_french = client.post("/admin/images/add/", {"title": "F", "file": _damaged(kind), "collection": collection})
    assert DAMAGED_FR in in_french.content.decode()


def test_submitting_a_huge_answer_keeps_no_more_of_it_than_autosave_would(learner_client):
    """A 1 MB answer is refused; the attempt's draft (shown on the quiz page) keeps the same bounded answer as
    autosave, never the megabyte."""
    quiz, questions = six_kind_quiz()
    attempt = start(learner_client, quiz)
    short = by_kind(questions, "short_text")
    huge = "a" * (1024 * 1024)
    response = submit(learner_client, attempt, {**right_answers(questions), short.id: [huge]})
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.is_open
    stored = len(json.dumps(attempt.draft).encode())
    assert stored < 20_000, stored
    saved_elsewhere = start(learner_client, quiz)
    learner_client.post(f"/en/learning/quizzes/attempts/{attempt.pk}/save/", {f"q-{short.id}": huge})
    saved_elsewhere.refresh_from_db()
    assert attempt.draft[short.id] == saved_elsewhere.draft[short.id]
    assert len(learner_client.get(quiz.url).content) < 100_000
