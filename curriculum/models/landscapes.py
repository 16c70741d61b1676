from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import TranslatableMixin
from wagtail_localize.fields import SynchronizedField, TranslatableField

from curriculum.i18n import country_choices, country_name

TERRASO_LANDSCAPE_URL = "https://app.terraso.org/landscapes/{slug}"


class Landscape(TranslatableMixin, models.Model):
    """A landscape where a partnership works: learners say which is theirs, a workshop is held in one, and the
    programme report counts people by it (and by its country)."""

    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=2, choices=country_choices)
    partnership_name = models.CharField(
        _("partnership"), max_length=200, blank=True, help_text=_("The name of the landscape partnership.")
    )
    terraso_slug = models.SlugField(
        _("Terraso profile"),
        max_length=100,
        blank=True,
        help_text=_("The last part of the landscape's public Terraso page, app.terraso.org/landscapes/…"),
    )

    panels = [FieldPanel("name"), FieldPanel("country"), FieldPanel("partnership_name"), FieldPanel("terraso_slug")]
    translatable_fields = [
        TranslatableField("name"),
        TranslatableField("partnership_name"),
        SynchronizedField("country"),
        SynchronizedField("terraso_slug"),
    ]

    class Meta(TranslatableMixin.Meta):
        ordering = ["name"]
        verbose_name = _("landscape")
        verbose_name_plural = _("landscapes")

    def __str__(self):
        return self.name

    @property
    def country_name(self) -> str:
        return country_name(self.country)

    @property
    def terraso_url(self) -> str:
        return TERRASO_LANDSCAPE_URL.format(slug=self.terraso_slug) if self.terraso_slug else ""


def landscape_field(verbose_name) -> models.ForeignKey:
    """The optional landscape of a learner or a workshop: an entry in the site's source language (the one its
    translations share, so that a report counts it once), emptied if the landscape is deleted."""
    return models.ForeignKey(
        Landscape,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"locale__language_code": settings.LANGUAGE_CODE},
    )
