"""Certificates: immutable records of a completed course, verifiable by anyone from their token or short code."""

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from curriculum.i18n import date_range
from curriculum.models.institutes import css_colour

# Ten characters a person can read off paper and type: no 0/O, 1/I/L, 5/S or 8/B to confuse.
CODE_ALPHABET = "2346789ACDEFGHJKMNPQRTUVWXYZ"
CODE_LENGTH = 10


def new_token() -> str:
    return secrets.token_hex(16)  # 128 random bits


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class Certificate(models.Model):
    """What the learner achieved, as it stood when the certificate was issued: later edits to the course, the
    institute or the learner's name do not change it. Texts are kept in every language the course had."""

    # A learner who deletes their account leaves the record behind, unlinked, without their name and revoked: a
    # verifier holding the paper is told why it no longer counts instead of "not found", as for a forged code.
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="certificates"
    )
    course_key = models.UUIDField(_("course"))
    token = models.CharField(_("public token"), max_length=32, unique=True, default=new_token, editable=False)
    code = models.CharField(_("short code"), max_length=CODE_LENGTH, unique=True, default=new_code, editable=False)
    learner_name = models.CharField(_("learner's name"), max_length=200, editable=False)
    course_titles = models.JSONField(_("course title by language"), editable=False)
    institute = models.JSONField(_("institute"), default=dict, editable=False)  # names by language, signatory...
    # The owning institute's translation_key: whose staff see and revoke this certificate in the admin.
    institute_key = models.UUIDField(_("institute key"), null=True, blank=True, editable=False, db_index=True)
    elements = models.JSONField(_("ILM elements covered"), default=list, editable=False)
    hours = models.PositiveSmallIntegerField(_("hours"), editable=False)
    completed_on = models.DateField(_("completed on"), editable=False)
    language = models.CharField(_("language studied in"), max_length=10, editable=False)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)
    holder_deleted = models.BooleanField(_("holder deleted their account"), default=False, editable=False)
    # Completed in a facilitated workshop: {"place": ..., "starts_on": "2026-03-02", "ends_on": "2026-03-04"} as it
    # was when issued (the workshop may later be edited or deleted; the paper says where it happened).
    workshop = models.JSONField(_("workshop"), default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at"]
        constraints = [models.UniqueConstraint(fields=["learner", "course_key"], name="one_certificate_per_course")]

    def __str__(self):
        return f"{self.code} · {self.learner_name}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def revocation_text(self) -> str:
        """Why it is revoked, in the reader's language when the holder deleted their account."""
        if self.holder_deleted and not self.revocation_reason:
            return _("The holder deleted their account.")
        return self.revocation_reason

    @property
    def languages(self) -> list[str]:
        return list(self.course_titles)

    def _in(self, texts: dict, language: str) -> str:
        return texts.get(language) or texts.get(self.language) or next(iter(texts.values()), "")

    def _language_of(self, texts: dict, language: str) -> str:
        """The language of the text `_in` picks for `language`: itself, or the one it falls back to."""
        for candidate in (language, self.language):
            if texts.get(candidate):
                return candidate
        return next((code for code, text in texts.items() if text), language)

    def course_title_language(self, language: str) -> str:
        return self._language_of(self.course_titles, language)

    def institute_name_language(self, language: str) -> str:
        return self._language_of(self.institute.get("names", {}), language)

    def course_title(self, language: str) -> str:
        return self._in(self.course_titles, language)

    def _institutes(self, texts: dict, language: str) -> str:
        """The institute's own words (its name, its signatory's title) in `language` if it has them, else in the
        language the institute writes in (never that of the learner's course: a Portuguese certificate of a course
        taken in French names an English institute in English). Records from before the institute's language was
        kept list its texts oldest first, so theirs is the first."""
        source = self.institute.get("source_language") or next(iter(texts), "")
        return texts.get(language) or texts.get(source) or ""

    def institute_name(self, language: str) -> str:
        return self._institutes(self.institute.get("names", {}), language)

    def signatory_title(self, language: str) -> str:
        titles = self.institute.get("signatory_titles") or {}
        return self._institutes(titles, language) or self.institute.get("signatory_title", "")

    @property
    def brand_colour(self) -> str:
        """The institute's colour when issued (checked again here: it is written into the PDF's stylesheet)."""
        return css_colour(self.institute.get("brand_colour", ""))

    def workshop_text(self, language: str) -> str:
        """ "Completed in a workshop at <place>, <dates>", dates written the way `language` writes them."""
        if not self.workshop:
            return ""
        starts = datetime.date.fromisoformat(self.workshop["starts_on"])
        ends = datetime.date.fromisoformat(self.workshop["ends_on"])
        dates = date_range(starts, ends, language)
        with translation.override(language):
            return gettext("Completed in a workshop at %(place)s, %(dates)s") % {
                "place": self.workshop["place"],
                "dates": dates,
            }

    def element_titles(self, language: str) -> list[tuple[int, str]]:
        return [(element["number"], self._in(element["titles"], language)) for element in self.elements]

    def element_titles_language(self, language: str) -> str:
        return self._language_of(self.elements[0]["titles"], language) if self.elements else language

    def pdf_language(self, requested: str | None) -> str:
        """The language asked for if the course exists in it, else the one the learner studied in."""
        return requested if requested in self.course_titles else self.language
