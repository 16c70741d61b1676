"""Every way in shares one limit: our login, Wagtail's admin login, Wagtail's page-privacy login, the password
checks of signed-in forms and both password-reset forms count on the same counters; production says how to find
the client's address behind its proxies."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth import aauthenticate, get_user_model
from django.core import mail
from django.core.files.base import ContentFile
from django.test import Client
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from lms.accounts.models import AttemptCounter

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[1]
User = get_user_model()
PASSWORD = "pw-institute-2045"
TOO_MANY = "Too many attempts"

# Each way in: where the form is posted, and what it says about a wrong password.
OUR_LOGIN = ("/en/accounts/login/", "do not match an account")
ADMIN_LOGIN = ("/admin/login/", "and password didn")
PAGE_PRIVACY_LOGIN = ("/en/_util/login/", "do not match an account")  # Wagtail's address, answered by our login
WAYS_IN = {"ours": OUR_LOGIN, "admin": ADMIN_LOGIN, "page-privacy": PAGE_PRIVACY_LOGIN}


@pytest.fixture
def moderator(institute_member):
    """Someone who may use both the site and the admin."""
    return institute_member("moderators", "landscape-learning-institute")


def log_in(way, email, password, address="10.1.0.1"):
    """A new browser's login on one way in: (response, whether it is now logged in)."""
    client = Client()
    path, _wrong = way
    response = client.post(path, {"username": email, "password": password}, REMOTE_ADDR=address)
    return response, "_auth_user_id" in client.session


def wrong_passwords(way, email, count, address="10.1.0.1"):
    """What each of `count` wrong passwords got: "checked" (told it is wrong) or "refused" (told to wait)."""
    outcomes = []
    for _attempt in range(count):
        page = log_in(way, email, "not-the-password", address)[0].content.decode()
        outcomes.append("refused" if TOO_MANY in page else "checked" if way[1] in page else page)
    return outcomes


@pytest.mark.parametrize("name", WAYS_IN)
def test_eleven_wrong_passwords_then_the_right_one_is_refused(moderator, name):
    way = WAYS_IN[name]
    outcomes = wrong_passwords(way, moderator.email, 11)
    response, logged_in = log_in(way, moderator.email, PASSWORD)
    assert not logged_in
    assert outcomes == ["checked"] * 5 + ["refused"] * 6
    assert TOO_MANY in response.content.decode()


@pytest.mark.parametrize("locked_on", WAYS_IN)
def test_an_account_locked_on_one_way_in_is_refused_on_every_other(moderator, locked_on):
    wrong_passwords(WAYS_IN[locked_on], moderator.email, 5, address="10.2.0.1")
    for name, way in WAYS_IN.items():
        # From another address: the account itself is locked, not only the address that guessed.
        response, logged_in = log_in(way, moderator.email, PASSWORD, address="10.2.0.99")
        assert not logged_in, name
    other = User.objects.create_user("other@example.org", "other@example.org", PASSWORD)
    for name, way in WAYS_IN.items():
        # Another account from the guessing address: the address is locked too.
        assert not log_in(way, other.email, PASSWORD, address="10.2.0.1")[1], name
    assert log_in(OUR_LOGIN, other.email, PASSWORD, address="10.2.0.2")[1], "everyone else still logs in"


def test_asynchronous_logins_share_the_limit(moderator, rf):
    wrong_passwords(OUR_LOGIN, moderator.email, 5)
    request = rf.post("/", REMOTE_ADDR="10.9.0.1")
    assert async_to_sync(aauthenticate)(request, username=moderator.email, password=PASSWORD) is None
    assert request.login_wait_seconds > 0


def test_the_admin_login_says_how_long_to_wait_in_the_users_language(moderator):
    wrong_passwords(ADMIN_LOGIN, moderator.email, 5)
    response = Client().post(
        "/admin/login/", {"username": moderator.email, "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert "Trop de tentatives" in response.content.decode()


def test_logging_in_does_not_use_up_the_addresss_tries(db):
    """A classroom behind one address logs in one learner after another: only failures count."""
    for number in range(8):
        learner = User.objects.create_user(f"class{number}@example.org", f"class{number}@example.org", PASSWORD)
        assert log_in(OUR_LOGIN, learner.email, PASSWORD, address="10.3.0.1")[1]


def test_a_right_password_starts_the_account_afresh(moderator):
    wrong_passwords(OUR_LOGIN, moderator.email, 4, address="10.4.0.1")
    assert log_in(OUR_LOGIN, moderator.email, PASSWORD, address="10.4.0.2")[1]
    assert wrong_passwords(OUR_LOGIN, moderator.email, 5, address="10.4.0.3") == ["checked"] * 5


def test_a_username_and_the_address_of_one_account_share_its_limit(admin_user):
    identifiers = ("editor-admin", "editor@example.org", "Editor@Example.org", " editor-admin", "EDITOR@example.org")
    for number, identifier in enumerate(identifiers):
        log_in(ADMIN_LOGIN, identifier, "not-the-password", address=f"10.5.0.{number}")
    assert not log_in(ADMIN_LOGIN, "editor-admin", "pass-word-123", address="10.5.0.99")[1]


def test_password_checks_of_signed_in_forms_count_too(client, moderator):
    """A stolen session is no way to guess the password: the profile and delete forms count as logins."""
    client.force_login(moderator)
    for _attempt in range(2):
        client.post("/en/accounts/delete/", {"password": "guess"})
    client.post(
        "/en/accounts/password/",
        {"old_password": "guess", "new_password1": "x-new-2045", "new_password2": "x-new-2045"},
    )
    for _attempt in range(2):
        client.post(
            "/en/accounts/profile/",
            {"display_name": "M", "email": "new@example.org", "preferred_language": "en", "password": "guess"},
        )
    refused = client.post("/en/accounts/delete/", {"password": PASSWORD})
    assert TOO_MANY in refused.content.decode()
    assert User.objects.filter(pk=moderator.pk).exists()
    new_password = {"old_password": PASSWORD, "new_password1": "x-new-2045", "new_password2": "x-new-2045"}
    assert TOO_MANY in client.post("/en/accounts/password/", new_password).content.decode()
    assert not log_in(OUR_LOGIN, moderator.email, PASSWORD, address="10.6.0.9")[1]


def change_password_in_the_admin(client, old_password):
    """The password panel of Wagtail's account page, posted with the other panels as the page has them."""
    form = {"name_email-first_name": "Mo", "name_email-last_name": "Derator", "theme-theme": "system"}
    form |= {"theme-contrast": "system", "theme-density": "default", "locale-preferred_language": "en"}
    new = {"password-new_password1": "x-new-2045-pw", "password-new_password2": "x-new-2045-pw"}
    return client.post("/admin/account/", {**form, **new, "password-old_password": old_password})


def test_the_admin_account_pages_password_change_counts_as_a_login(client, moderator):
    client.force_login(moderator)
    outcomes = [change_password_in_the_admin(client, "guess").content.decode() for _attempt in range(6)]
    assert [TOO_MANY in page for page in outcomes] == [False] * 5 + [True]
    assert "This is not your password." in outcomes[0]
    refused = change_password_in_the_admin(client, PASSWORD)
    assert refused.status_code == 200 and TOO_MANY in refused.content.decode()
    moderator.refresh_from_db()
    assert moderator.check_password(PASSWORD), "over the limit, the right old password changes nothing"
    assert not log_in(ADMIN_LOGIN, moderator.email, PASSWORD, address="10.6.1.9")[1], "the account is locked"


def test_the_admin_account_page_still_changes_the_password(client, moderator):
    client.force_login(moderator)
    assert change_password_in_the_admin(client, PASSWORD)["Location"] == "/admin/account/"
    moderator.refresh_from_db()
    assert moderator.check_password("x-new-2045-pw")
    assert Client().get("/admin/password_reset/").status_code == 200, "the admin's password reset stays"


def guess_view_password(action, return_url, guesses, address):
    """Each guess at a privacy password ("checked": told it is wrong, "refused": told to wait, "passed")."""
    outcomes = []
    for guess in guesses:
        response = Client().post(action, {"password": guess, "return_url": return_url}, REMOTE_ADDR=address)
        page = response.content.decode()
        outcomes.append("passed" if response.status_code == 302 else "refused" if TOO_MANY in page else "checked")
    return outcomes


def test_a_pages_password_is_guessed_at_most_five_times_per_client(demo_course):
    restriction = PageViewRestriction.objects.create(
        page=demo_course, restriction_type=PageViewRestriction.PASSWORD, password="course-pass-77"
    )
    action = f"/en/_util/authenticate_with_password/{restriction.pk}/{demo_course.pk}/"
    guesses = [f"guess-{number}" for number in range(6)] + ["course-pass-77"]
    assert guess_view_password(action, demo_course.url, guesses, "10.11.0.1") == ["checked"] * 5 + ["refused"] * 2
    french = Client().post(action.replace("/en/", "/fr/"), {"password": "x"}, REMOTE_ADDR="10.11.0.1")
    assert "Trop de tentatives" in french.content.decode(), "the page's form says why, in its language"
    # Another client (a classmate): the right password, then a typo and the right one again; none is used up.
    assert guess_view_password(action, demo_course.url, ["course-pass-77"] * 6, "10.11.0.2") == ["passed"] * 6
    assert guess_view_password(action, demo_course.url, ["typo"] * 4, "10.11.0.2") == ["checked"] * 4


def test_a_document_collections_password_is_guessed_at_most_five_times_per_client(db):
    collection = Collection.get_first_root_node().add_child(name="Handouts")
    restriction = CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=CollectionViewRestriction.PASSWORD, password="docs-pass-55"
    )
    document = get_document_model()(title="Handout", collection=collection)
    document.file.save("handout.txt", ContentFile(b"Handout"), save=False)
    document.save()
    action = f"/documents/authenticate_with_password/{restriction.pk}/"
    guesses = [f"guess-{number}" for number in range(6)] + ["docs-pass-55"]
    assert guess_view_password(action, document.url, guesses, "10.12.0.1") == ["checked"] * 5 + ["refused"] * 2
    assert guess_view_password(action, document.url, ["docs-pass-55"], "10.12.0.2") == ["passed"]


def test_the_admin_account_page_does_not_change_the_login_address(client, moderator):
    client.force_login(moderator)
    page = client.get("/admin/account/").content.decode()
    assert 'name="name_email-email"' not in page, "the address changes in the site's profile, with the password"


def test_a_page_for_logged_in_people_sends_them_to_our_login(client, demo_course):
    PageViewRestriction.objects.create(page=demo_course, restriction_type=PageViewRestriction.LOGIN)
    response = client.get(demo_course.url)
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/?next=")


def test_admin_password_reset_mails_only_people_who_use_the_admin(client, moderator, learner):
    client.post("/admin/password_reset/", {"email": learner.email})
    assert mail.outbox == [], "learners reset their password on the site"
    response = client.post("/admin/password_reset/", {"email": moderator.email})
    assert response["Location"] == "/admin/password_reset/done/"
    (message,) = mail.outbox
    assert message.to == [moderator.email] and "/admin/password_reset/confirm/" in message.body


@pytest.mark.parametrize("first", ["/admin/password_reset/", "/en/accounts/password/reset/"])
def test_both_password_reset_forms_share_their_limit(moderator, first):
    second = ({"/admin/password_reset/", "/en/accounts/password/reset/"} - {first}).pop()
    for number in range(5):
        Client().post(first, {"email": moderator.email}, REMOTE_ADDR=f"10.7.0.{number}")
    assert len(mail.outbox) == 5
    for path in (first, second):
        Client().post(path, {"email": moderator.email}, REMOTE_ADDR="10.7.0.99")
    assert len(mail.outbox) == 5, "the account's resets are used up on both forms"


def test_the_admin_password_reset_limits_each_address(moderator):
    for number in range(5):
        Client().post("/admin/password_reset/", {"email": f"nobody{number}@example.org"}, REMOTE_ADDR="10.8.0.1")
    Client().post("/admin/password_reset/", {"email": moderator.email}, REMOTE_ADDR="10.8.0.1")
    assert mail.outbox == []
    Client().post("/admin/password_reset/", {"email": moderator.email}, REMOTE_ADDR="10.8.0.2")
    assert len(mail.outbox) == 1


def test_counters_are_kept_only_while_their_window_lasts(moderator):
    wrong_passwords(OUR_LOGIN, moderator.email, 2)
    assert AttemptCounter.objects.count() == 2  # the address and the account
    AttemptCounter.objects.update(window_ends=0)  # as if fifteen minutes had passed
    assert wrong_passwords(OUR_LOGIN, moderator.email, 1) == ["checked"]
    assert AttemptCounter.objects.count() == 2, "the windows that were over are gone"
    assert set(AttemptCounter.objects.values_list("attempts", flat=True)) == {1}


def _production(code: str, **env_extra):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "TRUSTED_PROXY_COUNT", "REDIS_URL")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="lms.settings.production",
        SECRET_KEY="a-long-random-production-secret-" + "x9Qz" * 10,
        ALLOWED_HOSTS="academy.example.org",
        DATABASE_URL="postgres://nobody@127.0.0.1:1/never-opened",
        **env_extra,
    )
    return subprocess.run(
        [sys.executable, "-c", f"from django.conf import settings; {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize("value", [None, "", "one", "-1", "1.5"])
def test_production_refuses_to_start_without_an_explicit_proxy_count(value):
    result = _production(
        "print(settings.TRUSTED_PROXY_COUNT)", **({} if value is None else {"TRUSTED_PROXY_COUNT": value})
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured: Set TRUSTED_PROXY_COUNT to the number of reverse proxies" in result.stderr


@pytest.mark.parametrize(("value", "count"), [("0", 0), ("1", 1), (" 2 ", 2)])
def test_production_takes_the_proxy_count_it_is_given(value, count):
    result = _production("print(settings.TRUSTED_PROXY_COUNT)", TRUSTED_PROXY_COUNT=value)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(count)]


def test_production_uses_redis_when_given_its_address():
    result = _production(
        "from django.core.cache import cache; cache.set('auth-probe', 41); print(cache.incr('auth-probe'));"
        " cache.delete('auth-probe')",
        TRUSTED_PROXY_COUNT="1",
        REDIS_URL="redis://127.0.0.1:6379/1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["42"]
