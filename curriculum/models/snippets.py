from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import TranslatableMixin
from wagtail_localize.fields import SynchronizedField, TranslatableField


def contrast_with_white(hex_colour: str) -> float:
    """WCAG contrast ratio of white text on this colour."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


def validate_dark_enough(value: str):
    """The element's number is printed in white on its colour: keep it readable (WCAG AA, 4.5:1)."""
    if len(value) == 7 and contrast_with_white(value) < 4.5:
        raise ValidationError(
            _(
                "This colour is too light for white text on it (contrast %(ratio).1f:1, needs 4.5:1). "
                "Choose a darker one."
            ),
            params={"ratio": contrast_with_white(value)},
        )


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
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #rrggbb.")), validate_dark_enough],
        help_text=_("A hex colour such as #2f6b3a, used beside the element's number and name, never alone."),
    )

    # Translators translate the words; the number and the colour are the same in every language.
    translatable_fields = [
        SynchronizedField("number"),
        TranslatableField("title"),
        TranslatableField("description"),
        SynchronizedField("colour"),
    ]

    class Meta(TranslatableMixin.Meta):
        ordering = ["number"]
        verbose_name = _("ILM element")
        verbose_name_plural = _("ILM elements")
        constraints = [
            models.UniqueConstraint(fields=["number", "locale"], name="unique_ilm_element_number_per_locale"),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"
