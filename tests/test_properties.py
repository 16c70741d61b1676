"""Property-based tests of every public and learner form and JSON endpoint: whatever is typed or sent (NUL characters,
any Unicode, very long strings, odd JSON, tampered ids and `next` addresses), no request gives a server error, and
no redirect leaves the site. Run on SQLite and PostgreSQL (which refuses NUL in text and overlong strings).

The test client raises a view's exception instead of answering 500, so hypothesis shows the input that broke it.
Examples of one test share its database transaction: what one example creates, the next may trip over.
"""

import html
import itertools
import json
import re
from urllib.parse import quote, urlsplit

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail.models import PageViewRestriction

from curriculum.i18n import shipped_language_codes
from curriculum.models import CoursePage
from lms.certificates.services import certificate_issue
from lms.quizzes.models import QuizAttempt
from tests.helpers import lesson_in
from tests.quiz_builder import one_of_each_kind, right_answers, six_kind_quiz

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture(autouse=True)
def english_after():
    """Requests here end in every language; tests after these (block tests without a request) expect English."""
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


PROPERTY = settings(
    max_examples=30,
    deadline=None,
    database=None,  # no example files left in the project; a failure prints its input (and a blob to replay it)
    print_blob=True,
    # Fixtures (the database, a learner) are shared by a test's examples on purpose: they are set up once.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
LANGUAGES = shipped_language_codes()
HOST = "testserver"

# -- what people (and attackers) type --------------------------------------------------------------------------------

# Any Unicode a browser can send (the UTF-8 codec leaves out lone surrogates, which no form can encode), NUL included.
characters = st.characters(codec="utf-8")
ODD = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "%00",
    "\u202e\u200b",
    "é" * 151,
    "🙂" * 80,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../../etc/passwd",
    "/etc/passwd",
    "null",
    "[]",
    "{}",
    "-1",
    "0",
    "1e309",
    "NaN",
    "9" * 40,
    "\r\nSet-Cookie: x=1",
]
text = st.one_of(
    st.text(characters, max_size=30),
    st.text(characters, max_size=20).map(lambda typed: typed[: len(typed) // 2] + "\x00" + typed[len(typed) // 2 :]),
    st.sampled_from(ODD),
    st.text(characters, min_size=250, max_size=3000),  # longer than any field
)
# Where a redirect may lead: the site's own paths, and every way of writing another site that browsers accept.
OFFSITE = [
    "//evil.example",
    "///evil.example",
    "////evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "http://evil.example",
    "https:evil.example",
    "http:/evil.example",
    "http:\\\\evil.example",
    " //evil.example",
    "\t//evil.example",
    "/\t/evil.example",
    "/%2F%2Fevil.example",
    "/%5Cevil.example",
    "//testserver@evil.example",
    "http://testserver@evil.example/",
    "http://evil.example\\@testserver/",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "/en//evil.example",
    "/fr/\\evil.example",
    "https://testserver.evil.example/",
]
next_url = st.one_of(
    st.sampled_from(OFFSITE),
    st.sampled_from(["/en/learning/", "/fr/courses/", "/es/", "/pt/learning/quizzes/", "/verify/"]),
    text,
    text.map(lambda tail: "/" + tail),
    st.builds(lambda a, b: a + b, st.sampled_from(OFFSITE), text),
)
json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(characters, max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(characters, max_size=8), children),
    max_leaves=12,
)
odd_json = st.one_of(
    json_value.map(json.dumps),
    st.sampled_from(['{"a": "\\u0000"}', '["\\ud800"]', "{", "[" * 5000, '{"a": 1e999}', "\x00", ""]),
)
uuids = st.one_of(st.uuids().map(str), text)
form_data = st.dictionaries(st.one_of(text, st.sampled_from(["next", "q", "code", "language"])), text, max_size=5)


def path_segment(value: str) -> str:
    return quote(value, safe="") or "-"


def same_origin(location: str) -> bool:
    """Judge a Location as a browser reads it: tabs and newlines dropped, a backslash taken for a slash, "http:/x"
    taken for "http://x"."""
    cleaned = re.sub(r"[\t\n\r]", "", location).lstrip("\x00\x01\x02\x03\x04\x05\x06\x07\x08 ").replace("\\", "/")
    parts = urlsplit(cleaned)
    if parts.scheme:
        return parts.scheme in ("http", "https") and parts.netloc == HOST
    return parts.netloc in ("", HOST) and not cleaned.startswith("//")


def sound(response):
    """No server error, and a redirect stays on the site."""
    assert response.status_code < 500, response.status_code
    if 300 <= response.status_code < 400:
        assert same_origin(response["Location"]), response["Location"]
    return response


def test_same_origin_reads_locations_as_browsers_do():
    on_this_site = {"/en//evil.example", "/fr/\\evil.example", "/%2F%2Fevil.example", "/%5Cevil.example"}
    assert {location for location in OFFSITE if same_origin(location)} == on_this_site, "paths of this site"
    assert same_origin("/en/learning/") and same_origin("http://testserver/fr/") and same_origin("results/?q=1")


# -- shared fixtures --------------------------------------------------------------------------------------------------

addresses = (f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}" for n in itertools.count(1))


def visitor(user=None) -> Client:
    """A new browser (its own session and address, so rate limits and logins do not carry over between examples)."""
    browser = Client(REMOTE_ADDR=next(addresses))
    if user is not None:
        browser.force_login(user)
    return browser


@pytest.fixture
def quiz(db):
    return six_kind_quiz()[0]


@pytest.fixture
def certificate(learner, demo_course):
    return certificate_issue(learner=learner, course=demo_course)


# -- accounts ---------------------------------------------------------------------------------------------------------

# The username is the address: sign-up is tried with addresses as long as the username column holds.
USERNAME_LENGTH = User._meta.get_field("username").max_length
emails = st.one_of(
    st.emails().filter(lambda address: len(address) <= USERNAME_LENGTH),
    st.integers(1, USERNAME_LENGTH - 12).map(lambda n: "a" * n + "@example.org"),
    st.just("ana@example.org"),
    text,
)
passwords = st.one_of(st.text(characters, min_size=8, max_size=40), text)


@PROPERTY
@given(
    email=emails,
    name=text,
    language=st.one_of(st.sampled_from(LANGUAGES), text),
    password=passwords,
    same=st.booleans(),
    next_value=next_url,
    page_language=st.sampled_from(LANGUAGES),
)
def test_sign_up(learner, email, name, language, password, same, next_value, page_language):
    browser = visitor()
    sound(browser.get(f"/{page_language}/accounts/signup/", {"next": next_value}))
    data = {"email": email, "display_name": name, "preferred_language": language, "password1": password}
    data["password2"] = password if same else password[::-1] + "x"
    sound(browser.post(f"/{page_language}/accounts/signup/", {**data, "next": next_value}))


@PROPERTY
@given(username=st.one_of(emails, text), password=passwords, next_value=next_url, logged_in=st.booleans())
def test_log_in_with_any_input_and_any_next(learner, username, password, next_value, logged_in):
    browser = visitor(learner if logged_in else None)  # a logged-in visitor is sent on to `next` straight away
    sound(browser.get("/en/accounts/login/", {"next": next_value}))
    sound(browser.post("/en/accounts/login/", {"username": username, "password": password, "next": next_value}))


accounts = (f"next-{n}@example.org" for n in itertools.count())


@PROPERTY
@given(next_value=next_url, language=st.sampled_from(LANGUAGES), where=st.sampled_from(["query", "form"]))
def test_a_successful_log_in_never_leaves_the_site(next_value, language, where):
    address = next(accounts)
    User.objects.create_user(address, address, "pw-next-2045", display_name="Next", preferred_language=language)
    form = {"username": address, "password": "pw-next-2045"}
    if where == "query":
        response = visitor().post(f"/en/accounts/login/?next={quote(next_value, safe='')}", form)
    else:
        response = visitor().post("/en/accounts/login/", {**form, "next": next_value})
    expected = 400 if "\x00" in next_value else 302  # a NUL anywhere gets the page that explains it
    assert sound(response).status_code == expected, "the right password logs in"


@PROPERTY
@given(email=st.one_of(emails, text), token=text, uid=text, confirm=text, password=passwords)
def test_password_reset_and_email_confirmation_links(learner, email, token, uid, confirm, password):
    browser = visitor()
    sound(browser.post("/en/accounts/password/reset/", {"email": email}))
    link = f"/en/accounts/password/reset/{path_segment(uid)}/{path_segment(token)}/"
    sound(browser.get(link))
    sound(browser.post(link, {"new_password1": password, "new_password2": password}))
    sound(browser.get(f"/fr/accounts/confirm/{path_segment(confirm)}/"))


@PROPERTY
@given(name=text, email=st.one_of(emails, text), language=st.one_of(st.sampled_from(LANGUAGES), text), other=text)
def test_profile_password_change_and_delete_account(learner, name, email, language, other):
    browser = visitor(learner)
    profile = {"display_name": name, "email": email, "preferred_language": language, "password": other}
    sound(browser.post("/en/accounts/profile/", profile))
    sound(browser.post("/en/accounts/password/", {"old_password": other, "new_password1": name, "new_password2": name}))
    sound(browser.post("/en/accounts/delete/", {"password": other}))
    assert User.objects.filter(pk=learner.pk).exists(), "only the right password deletes the account"
    sound(browser.post("/en/accounts/logout/", {"next": other}))


# -- learning ---------------------------------------------------------------------------------------------------------


@PROPERTY
@given(
    key=st.one_of(uuids, st.just("course"), st.just("lesson")),
    action=st.sampled_from(["courses/{}/enrol", "courses/{}/leave", "lessons/{}/complete"]),
    data=form_data,
    body=odd_json,
    language=st.sampled_from(LANGUAGES),
    anonymous=st.booleans(),
)
def test_enrol_leave_and_complete(learner, demo_course, key, action, data, body, language, anonymous):
    real = {"course": demo_course.translation_key, "lesson": lesson_in("en", 1).translation_key}
    url = f"/{language}/learning/{action.format(path_segment(str(real.get(key, key))))}/"
    browser = visitor(None if anonymous else learner)
    sound(browser.post(url, data))
    sound(browser.post(url, body, content_type="application/json"))
    sound(browser.get(f"/{language}/learning/"))


def quiz_answers(quiz):
    """Answers a learner could give (the quiz's own choice ids and right answers), mixed with anything at all."""
    offered = {}
    right = right_answers(one_of_each_kind())  # the questions six_kind_quiz builds
    for block in quiz.questions:
        values = list(right[block.id])
        values += [child.id for child in getattr(block.value.get("choices"), "bound_blocks", [])]
        choices = st.sampled_from(values + ["true", "false", "1,5"])
        offered[f"q-{block.id}"] = st.lists(st.one_of(choices, text), max_size=3)
    extra = {"q-not-a-question": st.lists(text, max_size=2), "next": st.lists(next_url, max_size=1)}
    return st.fixed_dictionaries({}, optional={**offered, **extra})


@pytest.fixture
def answer_strategy(quiz):
    return quiz_answers(quiz)


@PROPERTY
@given(data=st.data(), body=odd_json, pk=st.one_of(st.integers(0, 2**70), st.just("own")))
def test_quiz_start_save_submit_resume_and_retry(learner, quiz, answer_strategy, data, body, pk):
    browser = visitor(learner)
    key = quiz.translation_key
    sound(browser.post(f"/en/learning/quizzes/{key}/start/"))
    attempt = QuizAttempt.objects.filter(learner=learner, quiz_key=key).order_by("-pk").first()
    base = f"/en/learning/quizzes/attempts/{attempt.pk if pk == 'own' else pk}"
    saved = sound(browser.post(f"{base}/save/", data.draw(answer_strategy)))
    if saved.status_code == 200:
        assert saved.json() == {"saved": True}
    sound(browser.post(f"{base}/save/", body, content_type="application/json"))
    sound(browser.post(f"{base}/submit/", data.draw(answer_strategy)))
    sound(browser.get(f"{base}/"))
    sound(browser.get(quiz.url))

    anonymous = visitor()
    sound(anonymous.post(f"/en/learning/quizzes/{key}/answers/", data.draw(answer_strategy)))
    sound(anonymous.get(quiz.url))
    anonymous.force_login(learner)
    sound(anonymous.get(f"/en/learning/quizzes/{key}/resume/"))
    sound(browser.post(f"/en/learning/quizzes/{key}/start/"))  # the retry button


@PROPERTY
@given(key=uuids, path=st.sampled_from(["start", "answers", "resume"]), data=form_data)
def test_quiz_urls_with_any_key(learner, key, path, data):
    browser = visitor(learner)
    url = f"/fr/learning/quizzes/{path_segment(key)}/{path}/"
    sound(browser.post(url, data))
    sound(browser.get(url))


# -- certificates and workbooks ---------------------------------------------------------------------------------------


@PROPERTY
@given(token=st.one_of(text, st.just("own")), code=text, language=st.one_of(st.sampled_from(LANGUAGES), text))
def test_verify_by_token_and_by_code(certificate, token, code, language):
    browser = visitor()
    token = certificate.token if token == "own" else token
    sound(browser.get(f"/verify/{path_segment(token)}/", {"language": language}))
    sound(browser.get("/verify/", {"code": code, "language": language}))
    sound(browser.get("/verify/", {"code": certificate.code.lower(), "language": language}))


@PROPERTY
@given(
    token=st.one_of(text, st.just("own")),
    language=st.one_of(st.sampled_from(LANGUAGES), text),
    site=st.sampled_from(LANGUAGES),
)
def test_certificate_downloads(learner, certificate, token, language, site):
    token = certificate.token if token == "own" else token
    url = f"/{site}/learning/certificates/{path_segment(token)}/pdf/"
    sound(visitor(learner).get(url, {"language": language}))
    sound(visitor().get(url, {"language": language}))


@PROPERTY
@given(
    key=st.one_of(uuids, st.just("course"), st.just("module")),
    language=st.one_of(st.sampled_from(LANGUAGES), text),
    edition=st.one_of(st.just("facilitator"), text),  # "learner" with a real paper would print a workbook: slow
    paper=st.one_of(st.sampled_from(["a4", "letter"]), text),
    logged_in=st.booleans(),
)
def test_workbook_downloads(learner, key, language, edition, paper, logged_in):
    course = CoursePage.objects.get(locale__language_code="en", slug="farmer-led-restoration")
    real = {"course": course.translation_key, "module": course.get_children().first().translation_key}
    url = f"/en/learning/workbooks/{path_segment(str(real.get(key, key)))}/"
    sound(visitor(learner if logged_in else None).get(url, {"language": language, "edition": edition, "paper": paper}))


# -- catalogue, search, languages, pages ------------------------------------------------------------------------------


@PROPERTY
@given(
    q=text,
    element=st.one_of(st.sampled_from(["1", "5", "0", "6", "01"]), text),
    language=st.one_of(st.sampled_from(LANGUAGES), text),
    site=st.sampled_from(LANGUAGES),
    extra=form_data,
)
def test_catalogue_search_and_filters(q, element, language, site, extra):
    browser = visitor()
    sound(browser.get(f"/{site}/courses/", {**extra, "q": q, "element": element, "language": language}))
    sound(browser.get(f"/{site}/", extra))


@PROPERTY
@given(
    tail=st.lists(text, max_size=3),
    prefix=st.one_of(st.sampled_from(LANGUAGES + ["verify", "learning", "admin", "documents", "media"]), text),
    cookie=text,
    accept=st.one_of(st.sampled_from(["fr", "pt-BR,pt;q=0.9", "*", "xx", "en;q=abc"]), text),
)
def test_language_switch_and_any_address(prefix, tail, cookie, accept):
    """ "/" picks a language from the cookie and the browser's; the prefix picks it on every other page."""
    browser = visitor()
    browser.cookies["django_language"] = cookie.encode("latin-1", "ignore").decode("latin-1").replace(";", "")
    path = "/" + "/".join(path_segment(part) for part in [prefix, *tail]) + "/"
    sound(browser.get("/", HTTP_ACCEPT_LANGUAGE=accept.encode("latin-1", "ignore").decode("latin-1")))
    sound(browser.get(path))
    sound(browser.get(path.rstrip("/")))


SWITCHER = re.compile(r'<div class="language-switcher">(.*?)</ul>', re.S)


@PROPERTY
@given(
    page=st.sampled_from(["/en/accounts/login/", "/fr/courses/", "/verify/", "/es/learning/", "lesson"]),
    query=form_data,
)
def test_the_language_menu_links_of_any_address(learner, page, query):
    """The language menu rewrites the address it is on (query string included) into every language."""
    browser = visitor(learner)
    url = lesson_in("pt", 1).url if page == "lesson" else page
    response = sound(browser.get(url, query))
    if response.status_code != 200:
        return
    menu = SWITCHER.search(response.content.decode())
    assert menu, "every page has the language menu"
    for link in re.findall(r'href="([^"]*)"', menu.group(1)):
        assert same_origin(html.unescape(link)), link
        sound(browser.get(html.unescape(link)))


@PROPERTY
@given(next_value=next_url, password=st.one_of(st.just("open sesame"), text), language=st.sampled_from(LANGUAGES))
def test_wagtail_page_privacy_and_admin_logins_never_leave_the_site(learner, next_value, password, language):
    """Wagtail's own forms with a `next`: a password-protected lesson, its log-in page, and the admin's."""
    lesson = lesson_in(language, 2)
    restriction, _created = PageViewRestriction.objects.get_or_create(
        page=lesson, defaults={"restriction_type": PageViewRestriction.PASSWORD, "password": "open sesame"}
    )
    browser = visitor()
    sound(
        browser.post(
            f"/{language}/_util/authenticate_with_password/{restriction.pk}/{lesson.pk}/",
            {"password": password, "return_url": next_value},
        )
    )
    sound(browser.get(f"/{language}/_util/login/", {"next": next_value}))
    login = {"username": "ana@example.org", "password": "pw-ana-2045"}
    sound(browser.post(f"/{language}/_util/login/?next={quote(next_value, safe='')}", login))
    sound(browser.get("/admin/login/", {"next": next_value}))
    sound(browser.get(f"/documents/{path_segment(next_value)}/x.pdf"))
    sound(browser.get("/healthz"))


@pytest.mark.parametrize("address", ["//", "/\\", "//evil.example", "/\\evil.example"])
def test_an_address_with_an_empty_or_other_host_is_never_where_a_form_sends_back(learner, address):
    """What hypothesis found: Django takes "//" for a safe path, a browser for an address with no host."""
    lesson = lesson_in("en", 2)
    restriction, _created = PageViewRestriction.objects.get_or_create(
        page=lesson, defaults={"restriction_type": PageViewRestriction.PASSWORD, "password": "open sesame"}
    )
    sound(
        visitor().post(
            f"/en/_util/authenticate_with_password/{restriction.pk}/{lesson.pk}/",
            {"password": "open sesame", "return_url": address},
        )
    )
    logged_in = visitor().post(
        f"/en/accounts/login/?next={quote(address, safe='')}", {"username": learner.email, "password": "pw-ana-2045"}
    )
    assert logged_in.status_code == 302
    sound(logged_in)
