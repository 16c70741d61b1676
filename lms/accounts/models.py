from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A learner, facilitator or editor. Present from the first migration so it never has to be swapped in later."""

    display_name = models.CharField(
        _("display name"),
        max_length=150,
        blank=True,
        help_text=_("Your name as it should appear on certificates."),
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )

    class Meta(AbstractUser.Meta):
        constraints = [
            # Learners log in with their email address: it identifies one account, whatever its case.
            models.UniqueConstraint(Lower("email"), condition=~Q(email=""), name="unique_user_email_ignoring_case"),
        ]

    def __str__(self):
        return self.display_name or self.get_full_name() or self.get_username()

    @property
    def certificate_name(self) -> str:
        return self.display_name or self.get_full_name() or self.email or self.get_username()
