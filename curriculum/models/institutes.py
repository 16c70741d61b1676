import re

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import TranslatableMixin
from wagtail_localize.fields import SynchronizedField, TranslatableField

from curriculum.media import InstituteForm
from curriculum.models.snippets import validate_dark_enough

DEFAULT_BRAND_COLOUR = "#24583a"


def css_colour(value: str) -> str:
    """A colour safe to write into a stylesheet: #rrggbb as validated, else the default (never arbitrary CSS)."""
    return value if re.fullmatch(r"#[0-9a-fA-F]{6}", value or "") else DEFAULT_BRAND_COLOUR


class Institute(TranslatableMixin, models.Model):
    """A training institute: it owns a section of the catalogue, the courses in it, and signs their certificates.

    Its workspace (groups, collection, review workflow) is made by `curriculum.institutes.institute_setup` and is the
    same for every translation of the institute: only the name and the signatory's title are translated.
    """

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=80,
        help_text=_("The institute's part of the course addresses, such as landscape-learning-institute."),
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    website = models.URLField(_("website"), blank=True)
    contact_email = models.EmailField(
        _("contact email"), blank=True, help_text=_("Where learners and partners write about the institute's courses.")
    )
    brand_colour = models.CharField(
        _("brand colour"),
        max_length=7,
        default=DEFAULT_BRAND_COLOUR,
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #rrggbb.")), validate_dark_enough],
        help_text=_("Printed on certificates and workbook covers behind white text, so it must be dark enough."),
    )
    signatory_name = models.CharField(_("signatory's name"), max_length=200, blank=True)
    signatory_title = models.CharField(_("signatory's title"), max_length=200, blank=True)
    signature = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("signature image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("A scan of the signature on a transparent or white background, printed on certificates."),
    )

    # The workspace: set by institute_setup, never through the form.
    editors = models.ForeignKey(
        "auth.Group", verbose_name=_("editors"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderators = models.ForeignKey(
        "auth.Group", verbose_name=_("moderators"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    facilitators = models.ForeignKey(
        "auth.Group", verbose_name=_("facilitators"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    collection = models.ForeignKey(
        "wagtailcore.Collection",
        verbose_name=_("collection"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    workflow = models.ForeignKey(
        "wagtailcore.Workflow",
        verbose_name=_("review workflow"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    base_form_class = InstituteForm  # the logo and signature come from the institute's collection, never another's
    panels = [
        FieldPanel("name"),
        # The slug names the institute's sections and is how create_institute finds it again: administrators only.
        FieldPanel("slug", permission="superuser"),
        FieldPanel("website"),
        FieldPanel("contact_email"),
        FieldPanel("logo"),
        FieldPanel("brand_colour"),
        MultiFieldPanel(
            [FieldPanel("signatory_name"), FieldPanel("signatory_title"), FieldPanel("signature")],
            heading=_("Certificates"),
        ),
    ]
    translatable_fields = [
        TranslatableField("name"),
        TranslatableField("signatory_title"),
        *(
            SynchronizedField(name)
            for name in (
                "slug",
                "logo",
                "website",
                "contact_email",
                "brand_colour",
                "signatory_name",
                "signature",
                "editors",
                "moderators",
                "facilitators",
                "collection",
                "workflow",
            )
        ),
    ]

    class Meta(TranslatableMixin.Meta):
        ordering = ["name"]
        verbose_name = _("institute")
        verbose_name_plural = _("institutes")
        constraints = [
            models.UniqueConstraint(fields=["slug", "locale"], name="unique_institute_slug_per_locale"),
        ]

    def __str__(self):
        return self.name

    @property
    def print_colour(self) -> str:
        return css_colour(self.brand_colour)

    def groups(self):
        return [group for group in (self.editors, self.moderators, self.facilitators) if group is not None]
