"""Writes to accounts: a new account and a new email address, each refused cleanly when another account has
(perhaps at the same instant) taken the address."""

from django.core import signing
from django.db import IntegrityError, transaction

from lms.accounts.models import User

EMAIL_CHANGE_SALT = "lms.accounts.change-email"
EMAIL_CHANGE_MAX_AGE = 3 * 24 * 60 * 60


class EmailTaken(Exception):
    """Another account has this email address (the database's unique constraint said so)."""


def _save_or_refuse(user: User, **save_options) -> None:
    # The form checked the address was free, but a simultaneous request can take it between that check and this
    # insert: the unique constraints decide, and the loser gets a message instead of an error page.
    try:
        with transaction.atomic():
            user.save(**save_options)
    except IntegrityError as error:
        raise EmailTaken from error


def account_create(*, user: User) -> User:
    """Save a new account made by the sign-up form (its username follows from its address)."""
    _save_or_refuse(user)
    return user


def account_email_change(*, user: User, email: str) -> User:
    """Give `user` the address `email` (their username follows if it was their old address)."""
    stored_email, stored_username = user.email, user.username
    user.email = email
    try:
        _save_or_refuse(user, update_fields=["email"])
    except EmailTaken:
        user.email, user.username = stored_email, stored_username
        raise
    return user


def email_change_token(*, user: User, email: str) -> str:
    """A signed link token asking to move `user` from their current address to `email`."""
    return signing.dumps({"user": user.pk, "from": user.email, "to": email}, salt=EMAIL_CHANGE_SALT)


def email_change_confirm(*, token: str) -> tuple[User, str | None]:
    """Apply the change a token asks for: (the user, the address it replaced; None if it was already done).

    Raises signing.BadSignature (wrong, expired or superseded: the account's address is no longer the one the
    link was made from) or EmailTaken.
    """
    data = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=EMAIL_CHANGE_MAX_AGE)
    try:
        user = User.objects.get(pk=data["user"])
        stored, wanted = data["from"], data["to"]
    except (User.DoesNotExist, KeyError, TypeError) as error:
        raise signing.BadSignature from error
    if user.email.lower() == wanted.lower():
        return user, None
    if user.email.lower() != stored.lower():
        raise signing.BadSignature("superseded")
    if User.objects.filter(email__iexact=wanted).exclude(pk=user.pk).exists():
        raise EmailTaken
    return account_email_change(user=user, email=wanted), stored
