"""The one place passwords are checked: every login form (ours, Wagtail's admin login, Wagtail's page-privacy
login, anything calling django.contrib.auth.authenticate) and every "type your password" form passes here, so all
of them share one limit on attempts per client and per account."""

from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from lms.accounts.ratelimit import LOGIN_ATTEMPTS


class TooManyAttempts(PermissionDenied):
    """Over the login limit: no password was checked. A PermissionDenied, so authenticate() stops at once."""

    def __init__(self, seconds: int):
        super().__init__(seconds)
        self.seconds = seconds


def find_account(identifier: str):
    """The account an identifier names: an address names the account that has that email address now (never one
    whose username is an address it gave up); anything else is a username (staff accounts made in the admin)."""
    User = get_user_model()
    identifier = identifier.strip()
    if "@" in identifier:
        return User.objects.filter(email__iexact=identifier).first()
    return User.objects.filter(username=identifier).first()


def check_password(request, user, password: str, *, identifier: str = "") -> bool:
    """Whether `password` is `user`'s (`user` None: the account `identifier` names does not exist), counted
    against the shared login limit. Raises TooManyAttempts, without checking, when over it."""
    account = f"user:{user.pk}" if user is not None else f"name:{identifier.strip().lower()}"
    wait = LOGIN_ATTEMPTS.reserve(request, account)
    if wait:
        raise TooManyAttempts(wait)
    if user is None:
        get_user_model()().set_password(password)  # same work as a real check, so timing does not reveal unknown emails
        return False
    if user.check_password(password) and user.is_active:
        LOGIN_ATTEMPTS.release(request, account)
        return True
    return False


class EmailOrUsernameBackend(ModelBackend):
    """Learners log in with their email address; staff accounts made in the admin may still use a username."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if not username or password is None:
            return None
        user = find_account(username)
        try:
            matches = check_password(request, user, password, identifier=username)
        except TooManyAttempts as refusal:
            if request is not None:
                # authenticate() swallows the exception and returns None: this is how a login form learns why
                # (lms.accounts.forms.LoginLimitMessage) and says how long to wait.
                request.login_wait_seconds = refusal.seconds
            raise
        return user if matches and self.user_can_authenticate(user) else None

    async def aauthenticate(self, request, username=None, password=None, **kwargs):
        # ModelBackend's own async version would look the user up and check the password without the limit.
        return await sync_to_async(self.authenticate)(request, username, password, **kwargs)
