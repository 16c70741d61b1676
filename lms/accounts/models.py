import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from curriculum.i18n import shipped_language_choices
from curriculum.models.landscapes import landscape_field


# Who someone is in the partnership, asked of workshop participants and (optionally) of learners in their profile:
# the programme report counts people by these.
class StakeholderGroup(models.TextChoices):
    FARMER = "farmer", _("Farmer or producer")
    COMMUNITY = "community", _("Community")
    LOCAL_GOVERNMENT = "local_government", _("Local government")
    NATIONAL_GOVERNMENT = "national_government", _("National government")
    BUSINESS = "business", _("Business")
    NGO = "ngo", _("NGO")
    RESEARCH = "research", _("Research")
    OTHER = "other", _("Other")


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    OTHER = "other", _("Another gender")
    UNDISCLOSED = "undisclosed", _("Prefer not to say")


EMAIL_TAKEN = _("An account with this email address already exists. Log in instead.")


class User(AbstractUser):
    """A learner, facilitator or editor. Present from the first migration so it never has to be swapped in later.

    People log in with their email address. The username of an account made at sign-up is that address, and it
    follows the address when it changes: the old address is then free for someone else, and no way into this
    account (the login backend looks addresses up by email only).
    """

    username = models.CharField(
        _("username"),
        max_length=254,  # an email address can be this long
        unique=True,
        help_text=_("Required. Letters, digits and @/./+/-/_ only. A learner's username is their email address."),
        validators=[AbstractUser.username_validator],
        error_messages={"unique": _("A user with that username already exists.")},
    )
    display_name = models.CharField(
        _("display name"),
        max_length=150,
        blank=True,
        help_text=_("Your name as it should appear on certificates."),
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=shipped_language_choices,
        default=settings.LANGUAGE_CODE,
    )
    # Optional, for the programme report (lms.progress.programme): none of them is needed to learn.
    landscape = landscape_field(_("your landscape"))
    stakeholder_group = models.CharField(
        _("stakeholder group"), max_length=30, choices=StakeholderGroup.choices, blank=True
    )
    gender = models.CharField(_("gender"), max_length=20, choices=Gender.choices, blank=True)

    class Meta(AbstractUser.Meta):
        constraints = [
            # Learners log in with their email address: it identifies one account, whatever its case.
            # Its message is the one every form shows: a sign-up that passed the form's own check while another took
            # the address gets it from the model's validation (or the database), never "Constraint ... is violated".
            models.UniqueConstraint(
                Lower("email"),
                condition=~Q(email=""),
                name="unique_user_email_ignoring_case",
                violation_error_message=EMAIL_TAKEN,
            ),
        ]

    def __str__(self):
        return self.display_name or self.get_full_name() or self.get_username()

    @property
    def certificate_name(self) -> str:
        return self.display_name or self.get_full_name() or self.email or self.get_username()

    @classmethod
    def from_db(cls, db, field_names, values):
        user = super().from_db(db, field_names, values)
        user._stored_email = user.__dict__.get("email")  # what save() compares with, whichever path changes it
        return user

    def save(self, *args, **kwargs):
        stored = getattr(self, "_stored_email", None)
        follows = bool(stored) and self.username.lower() == stored.lower() and self.email.lower() != stored.lower()
        if self.email and (not self.username or follows):
            self.username = self._username_for(self.email)
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "username"}
        super().save(*args, **kwargs)
        self._stored_email = self.email

    def _username_for(self, email: str) -> str:
        """The address itself, unless another account (made in the admin) has it as its username: then a name
        that is no address, since addresses log in by email only."""
        username = email.lower()
        if User.objects.filter(username=username).exclude(pk=self.pk).exists():
            return f"account-{secrets.token_hex(8)}"
        return username


class AttemptCounter(models.Model):
    """How many attempts one client or account made in its current window (lms.accounts.ratelimit)."""

    bucket = models.CharField(max_length=100, primary_key=True)
    attempts = models.PositiveIntegerField()
    window_ends = models.BigIntegerField(db_index=True)  # seconds since the epoch: plain integers in raw SQL

    class Meta:
        verbose_name = _("attempt counter")
        verbose_name_plural = _("attempt counters")

    def __str__(self):
        return f"{self.bucket}: {self.attempts}"
