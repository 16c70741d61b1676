from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import TranslatableMixin


class ILMElement(TranslatableMixin, models.Model):
    """One of the five elements of integrated landscape management. Every module belongs to one or more."""

    number = models.PositiveSmallIntegerField(
        _("number"), validators=[MinValueValidator(1), MaxValueValidator(5)], help_text=_("1 to 5")
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("short description"), max_length=400)
    colour = models.CharField(
        _("colour"),
        max_length=7,
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #rrggbb."))],
        help_text=_("A hex colour such as #2f6b3a, used beside the element's number and name, never alone."),
    )

    class Meta(TranslatableMixin.Meta):
        ordering = ["number"]
        verbose_name = _("ILM element")
        verbose_name_plural = _("ILM elements")
        constraints = [
            models.UniqueConstraint(fields=["number", "locale"], name="unique_ilm_element_number_per_locale"),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"
