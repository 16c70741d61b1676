"""A learner's account: sign up, confirm, log in and out, reset and change the password, edit and delete it."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from lms.progress.models import Enrolment, LessonProgress
from tests.helpers import lesson_in

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "green-hills-2045"


@pytest.fixture
def learner(db):
    return User.objects.create_user(
        username="amina@example.org",
        email="amina@example.org",
        password=PASSWORD,
        display_name="Amina Diallo",
        preferred_language="fr",
    )


def signup(client, language="en", **overrides):
    data = {
        "email": "kofi@example.org",
        "display_name": "Kofi Mensah",
        "preferred_language": "en",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **overrides,
    }
    return client.post(f"/{language}/accounts/signup/", data)


def test_signing_up_logs_in_and_opens_the_dashboard_in_the_chosen_language(client):
    response = signup(client, language="fr", preferred_language="es")
    assert response.status_code == 302
    assert response["Location"] == "/es/learning/"
    assert response.cookies["django_language"].value == "es"
    user = User.objects.get(email="kofi@example.org")
    assert user.display_name == "Kofi Mensah" and user.preferred_language == "es"
    page = client.get("/es/learning/").content.decode()
    assert "Mi aprendizaje" in page


def test_sign_up_refuses_an_email_already_used_whatever_its_case(client, learner):
    response = signup(client, email="AMINA@example.org")
    assert response.status_code == 200
    assert "An account with this email address already exists." in response.content.decode()
    assert User.objects.filter(email__iexact="amina@example.org").count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"password2": "another-password-1"}, "The two passwords are not the same."),
        ({"password1": "123", "password2": "123"}, "This password is too short."),
        ({"email": "not-an-email"}, "Enter a valid email address."),
        ({"display_name": ""}, "This field is required."),
        ({"preferred_language": "xx"}, "Select a valid choice."),
    ],
)
def test_sign_up_explains_what_is_wrong_and_keeps_what_was_typed(client, overrides, message):
    response = signup(client, **overrides)
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    if "display_name" not in overrides:
        assert 'value="Kofi Mensah"' in page
    assert not User.objects.filter(email="kofi@example.org").exists()


def test_sign_up_messages_are_translated(client):
    response = signup(client, language="fr", password2="autre-mot-de-passe")
    assert "Les deux mots de passe ne sont pas identiques." in response.content.decode()


def test_when_the_site_requires_it_the_email_is_confirmed_before_learning(client, settings):
    settings.ACCOUNTS_REQUIRE_EMAIL_CONFIRMATION = True
    response = signup(client)
    assert "We sent a link to kofi@example.org" in response.content.decode()
    user = User.objects.get(email="kofi@example.org")
    assert not user.is_active
    refused = client.post("/en/accounts/login/", {"username": "kofi@example.org", "password": PASSWORD})
    assert refused.status_code == 200 and not refused.wsgi_request.user.is_authenticated
    (email,) = mail.outbox
    link = re.search(r"http://127.0.0.1:8000(/en/accounts/confirm/\S+/)", email.body).group(1)
    assert client.get(link[:-5] + "xxxx/").status_code == 400
    response = client.get(link)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_active
    client.logout()
    again = client.get(link)
    assert again["Location"] == "/en/accounts/login/", "a used link is not a way to log in"
    assert not again.wsgi_request.user.is_authenticated


def test_learner_logs_in_with_email_in_any_case_and_lands_in_their_language(client, learner):
    course_en = "/en/courses/landscape-learning-institute/ilm-five-elements/"
    response = client.post(
        f"/en/accounts/login/?next={course_en}",
        {"username": "Amina@Example.org", "password": PASSWORD, "next": course_en},
    )
    assert response.status_code == 302
    course_fr = "/fr/formations/landscape-learning-institute/gestion-integree-des-paysages-cinq-elements/"
    assert response["Location"] == course_fr
    assert response.cookies["django_language"].value == "fr"


def test_login_never_redirects_to_another_site(client, learner):
    response = client.post(
        "/en/accounts/login/", {"username": learner.email, "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/fr/learning/"


def test_wrong_password_gets_a_clear_message(client, learner):
    response = client.post("/fr/accounts/login/", {"username": learner.email, "password": "wrong"})
    assert "ne correspondent à aucun compte" in response.content.decode()


def test_login_is_rate_limited_per_account_and_per_address(client, learner):
    for _attempt in range(5):
        client.post("/en/accounts/login/", {"username": learner.email, "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    blocked = client.post(
        "/en/accounts/login/", {"username": learner.email, "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert "Too many attempts" in blocked.content.decode()
    assert not blocked.wsgi_request.user.is_authenticated
    from_elsewhere = Client().post(
        "/fr/accounts/login/", {"username": learner.email, "password": PASSWORD}, REMOTE_ADDR="10.0.0.2"
    )
    assert "Trop de tentatives" in from_elsewhere.content.decode(), "the account itself is protected"
    other = User.objects.create_user("b@example.org", "b@example.org", PASSWORD)
    same_address = Client().post(
        "/en/accounts/login/", {"username": other.email, "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert "Too many attempts" in same_address.content.decode(), "the address is limited too"


def test_password_reset_by_email_then_login_with_the_new_password(client, learner):
    response = client.post("/en/accounts/password/reset/", {"email": "amina@example.org"})
    assert response["Location"] == "/en/accounts/password/reset/sent/"
    (email,) = mail.outbox
    link = re.search(r"http://127.0.0.1:8000(/en/accounts/password/reset/\S+/)", email.body).group(1)
    form_page = client.get(link, follow=True)
    new_password = "a-brand-new-password-9"
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password})
    assert done["Location"] == "/en/accounts/password/reset/complete/"
    assert (
        Client().post("/en/accounts/login/", {"username": learner.email, "password": new_password}).status_code == 302
    )


def test_reset_links_use_the_sites_address_whatever_host_the_request_named(client, learner, settings):
    settings.PUBLIC_BASE_URL = "https://academy.example.org"
    client.post("/en/accounts/password/reset/", {"email": learner.email}, HTTP_HOST="evil.example")
    (email,) = mail.outbox
    assert "https://academy.example.org/en/accounts/password/reset/" in email.body
    assert "evil.example" not in email.body


def test_password_reset_for_unknown_address_looks_the_same_and_sends_nothing(client):
    response = client.post("/en/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response["Location"] == "/en/accounts/password/reset/sent/"
    assert mail.outbox == []


def test_password_reset_is_rate_limited(client, learner):
    for _attempt in range(5):
        client.post("/en/accounts/password/reset/", {"email": learner.email})
    response = client.post("/es/accounts/password/reset/", {"email": learner.email})
    assert "Demasiados intentos" in response.content.decode()
    assert len(mail.outbox) == 5


def test_logout_needs_a_post(client, learner):
    client.force_login(learner)
    assert client.get("/en/accounts/logout/").status_code == 405
    response = client.post("/en/accounts/logout/")
    assert response.status_code == 302
    assert not client.get("/en/").wsgi_request.user.is_authenticated


def test_profile_change_of_language_switches_the_site(client, learner):
    client.force_login(learner)
    response = client.post(
        "/fr/accounts/profile/", {"display_name": "Amina D.", "email": learner.email, "preferred_language": "pt"}
    )
    assert response["Location"] == "/pt/accounts/profile/"
    learner.refresh_from_db()
    assert learner.display_name == "Amina D." and learner.preferred_language == "pt"


def test_profile_refuses_an_email_of_another_account(client, learner):
    User.objects.create_user("other@example.org", "other@example.org", PASSWORD)
    client.force_login(learner)
    response = client.post(
        "/en/accounts/profile/", {"display_name": "Amina", "email": "OTHER@example.org", "preferred_language": "fr"}
    )
    assert "Another account already uses this email address." in response.content.decode()


def test_change_password(client, learner):
    client.force_login(learner)
    response = client.post(
        "/en/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "river-basin-2050", "new_password2": "river-basin-2050"},
    )
    assert response["Location"] == "/en/accounts/password/done/"
    learner.refresh_from_db()
    assert learner.check_password("river-basin-2050")


def test_deleting_the_account_deletes_its_learning_records(client, learner):
    client.force_login(learner)
    lesson = lesson_in("fr", 1, 1)
    client.post(f"/fr/learning/lessons/{lesson.translation_key}/complete/")
    assert LessonProgress.objects.filter(learner=learner).exists()
    refused = client.post("/fr/accounts/delete/", {"password": "wrong"})
    assert (
        "Ce n’est pas votre mot de passe." in refused.content.decode()
        or "votre mot de passe" in refused.content.decode()
    )
    assert User.objects.filter(pk=learner.pk).exists()
    response = client.post("/fr/accounts/delete/", {"password": PASSWORD})
    assert response["Location"] == "/fr/"
    assert not User.objects.filter(pk=learner.pk).exists()
    assert not Enrolment.objects.filter(learner_id=learner.pk).exists()
    assert not LessonProgress.objects.filter(learner_id=learner.pk).exists()


def test_account_pages_need_login(client):
    for url in ("/en/accounts/profile/", "/en/accounts/delete/", "/en/accounts/password/", "/en/learning/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/en/accounts/login/?next="), url


def test_behind_a_proxy_each_client_is_counted_not_the_proxy(client, learner, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for attempt in range(5):
        client.post(
            "/en/accounts/login/",
            {"username": f"nobody{attempt}@example.org", "password": "wrong"},
            REMOTE_ADDR="10.0.0.9",
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )
    another_client = Client().post(
        "/en/accounts/login/",
        {"username": learner.email, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.9",
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )
    assert another_client.status_code == 302, "another client behind the same proxy still logs in"
    same_client = Client().post(
        "/en/accounts/login/",
        {"username": learner.email, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.9",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert "Too many attempts" in same_client.content.decode()


def test_an_ipv6_client_cannot_escape_the_limit_by_changing_address(client, learner):
    for attempt in range(5):
        client.post(
            "/en/accounts/login/",
            {"username": f"nobody{attempt}@example.org", "password": "wrong"},
            REMOTE_ADDR=f"2001:db8:1:2::{attempt + 1}",
        )
    response = Client().post(
        "/en/accounts/login/", {"username": learner.email, "password": PASSWORD}, REMOTE_ADDR="2001:db8:1:2::99"
    )
    assert "Too many attempts" in response.content.decode()


def log_in(email, password):
    """A new browser logs in on the site: whether it worked."""
    client = Client()
    client.post("/en/accounts/login/", {"username": email, "password": password})
    return "_auth_user_id" in client.session


def test_an_address_longer_than_a_username_used_to_be_signs_up_and_logs_in(client):
    email = "a" * 180 + "@example.org"
    response = signup(client, email=email)
    assert response.status_code == 302
    assert User.objects.get(email=email).username == email
    assert log_in(email, PASSWORD)


def test_an_address_longer_than_any_address_gets_a_clear_message(client):
    response = signup(client, language="fr", email="a" * 300 + "@example.org")
    assert response.status_code == 200
    assert "Assurez-vous que cette valeur comporte au plus 254 caractères" in response.content.decode()
    assert not User.objects.filter(display_name="Kofi Mensah").exists()


def change_email(client, email, password=PASSWORD, language="en"):
    return client.post(
        f"/{language}/accounts/profile/",
        {"display_name": "Amina Diallo", "email": email, "preferred_language": "fr", "password": password},
    )


def test_an_address_given_up_in_the_profile_is_free_and_no_longer_a_way_in(client, learner):
    client.force_login(learner)
    assert change_email(client, "amina.new@example.org")["Location"] == "/fr/accounts/profile/"
    learner.refresh_from_db()
    assert (learner.email, learner.username) == ("amina.new@example.org", "amina.new@example.org")
    assert not log_in("amina@example.org", PASSWORD), "the old address no longer opens the account"
    assert log_in("amina.new@example.org", PASSWORD)
    response = signup(Client(), email="amina@example.org", password1="kofi-own-pw-2045", password2="kofi-own-pw-2045")
    assert response.status_code == 302, "someone else may sign up with the old address"
    assert log_in("amina@example.org", "kofi-own-pw-2045")
    assert not log_in("amina@example.org", PASSWORD)


def test_an_address_that_is_still_another_accounts_username_opens_only_the_account_that_has_it(learner):
    """Accounts changed before usernames followed addresses, or made so in the admin, keep an address as their
    username: it opens nothing, and signing up with it works."""
    User.objects.filter(pk=learner.pk).update(email="amina.elsewhere@example.org")
    assert not log_in("amina@example.org", PASSWORD)
    assert log_in("amina.elsewhere@example.org", PASSWORD)
    assert signup(Client(), email="amina@example.org").status_code == 302
    newcomer = User.objects.get(email="amina@example.org")
    assert newcomer.username != learner.username
    assert log_in("amina@example.org", PASSWORD) and log_in("amina.elsewhere@example.org", PASSWORD)


def test_changing_the_email_address_needs_the_password(client, learner):
    client.force_login(learner)
    missing = change_email(client, "amina.new@example.org", password="", language="fr")
    assert "Saisissez votre mot de passe pour changer" in missing.content.decode()
    wrong = change_email(client, "amina.new@example.org", password="not-my-password")
    assert "This is not your password." in wrong.content.decode()
    learner.refresh_from_db()
    assert learner.email == "amina@example.org"
    same_address = client.post(
        "/en/accounts/profile/", {"display_name": "A. Diallo", "email": "Amina@example.org", "preferred_language": "fr"}
    )
    assert same_address.status_code == 302, "the rest of the profile saves without the password"


def test_with_confirmation_on_a_new_address_takes_effect_once_its_link_is_opened(client, learner, settings):
    settings.ACCOUNTS_REQUIRE_EMAIL_CONFIRMATION = True
    client.force_login(learner)
    response = change_email(client, "amina.new@example.org")
    assert response["Location"] == "/fr/accounts/profile/"
    page = client.get(response["Location"]).content.decode()
    assert "amina.new@example.org" in page and 'value="amina@example.org"' in page
    learner.refresh_from_db()
    assert learner.email == "amina@example.org", "nothing changes before the new address is confirmed"
    (email,) = mail.outbox
    assert email.to == ["amina.new@example.org"]
    mail.outbox.clear()
    link = re.search(r"http://127.0.0.1:8000(/fr/accounts/email/confirm/\S+/)", email.body).group(1)
    assert client.get(link[:-5] + "xxxx/").status_code == 400
    assert client.get(link)["Location"] == "/fr/accounts/profile/"
    learner.refresh_from_db()
    assert (learner.email, learner.username) == ("amina.new@example.org", "amina.new@example.org")
    assert log_in("amina.new@example.org", PASSWORD) and not log_in("amina@example.org", PASSWORD)
    assert_the_old_address_was_told(old="amina@example.org", new="amina.new@example.org")
    again = Client().get(link)
    assert again["Location"] == "/fr/accounts/login/", "a used link changes nothing"
    assert mail.outbox == [], "told once"


def assert_the_old_address_was_told(*, old, new):
    (notice,) = mail.outbox
    assert notice.to == [old]
    assert notice.subject == "Votre adresse de connexion a été changée", "in the learner's language"
    assert new in notice.body and "n’ouvre plus votre compte" in notice.body
    mail.outbox.clear()


def test_without_confirmation_the_old_address_is_told_of_the_change(client, learner):
    client.force_login(learner)
    assert change_email(client, "amina.new@example.org").status_code == 302
    assert_the_old_address_was_told(old="amina@example.org", new="amina.new@example.org")


def test_an_email_change_link_is_refused_once_replaced_or_once_someone_took_the_address(client, learner, settings):
    settings.ACCOUNTS_REQUIRE_EMAIL_CONFIRMATION = True
    client.force_login(learner)
    change_email(client, "first@example.org")
    change_email(client, "second@example.org")
    first, second = (re.search(r"(/fr/accounts/email/confirm/\S+/)", email.body).group(1) for email in mail.outbox)
    User.objects.create_user("second@example.org", "second@example.org", PASSWORD)
    taken = client.get(second)
    assert taken.status_code == 409
    assert "Cette adresse e-mail est déjà utilisée par un autre compte." in taken.content.decode()
    assert client.get(first)["Location"] == "/fr/accounts/profile/"
    learner.refresh_from_db()
    assert learner.email == "first@example.org"
    User.objects.filter(email="second@example.org").delete()
    assert client.get(second).status_code == 400, "made from an address the account no longer has"


def test_an_address_taken_after_the_forms_own_check_gets_the_same_message_not_the_constraints_name(learner):
    """Simultaneous sign-ups: the others pass the form's check, then meet the model's validation of the constraint
    (tests/browser/test_parallel_logins.py does it for real). They read the sign-up's message, translated."""
    from django.core.exceptions import ValidationError
    from django.utils import translation

    for language, message in [("en", "An account with this email address already exists."), ("fr", "Un compte")]:
        with translation.override(language), pytest.raises(ValidationError) as refused:
            User(username="amina-2@example.org", email="Amina@Example.org", password="x").validate_constraints()
        assert any(message in text for text in refused.value.messages), refused.value.messages


def test_wagtails_add_user_form_refuses_a_taken_address_in_words(client, learner):
    admin = User.objects.create_superuser(username="root@example.org", email="root@example.org", password=PASSWORD)
    client.force_login(admin)
    response = client.post(
        "/admin/users/new/",
        {
            "username": "amina-again@example.org",
            "email": "AMINA@example.org",
            "first_name": "Amina",
            "last_name": "Again",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "An account with this email address already exists." in page
    assert "is violated" not in page
    assert User.objects.filter(email__iexact="amina@example.org").count() == 1
