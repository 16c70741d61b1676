"""What the site keeps of digital credentials: public keys (never private ones: those are files in the key folder,
settings.CREDENTIAL_KEYS_DIR), each certificate's place in its issuer's status list, and the signed credentials."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.certificates.models import Certificate

SITE_ISSUER = "site"  # the issuer of certificates whose course has no institute: the site itself


class SigningKey(models.Model):
    """An issuer's Ed25519 key pair: the public half here (it is published in the issuer's DID document), the private
    half in the key folder. A rotated key is retired, not deleted: the credentials it signed still verify."""

    issuer = models.CharField(_("issuer"), max_length=36, db_index=True)  # an institute's translation_key, or "site"
    public_key_multibase = models.CharField(_("public key"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.issuer} {self.public_key_multibase}"


class StatusEntry(models.Model):
    """The certificate's bit in its issuer's Bitstring Status List: set while the certificate is revoked."""

    certificate = models.OneToOneField(Certificate, on_delete=models.CASCADE, related_name="status_entry")
    issuer = models.CharField(_("issuer"), max_length=36)
    index = models.PositiveIntegerField(_("index in the status list"))

    class Meta:
        verbose_name = _("status list entry")
        verbose_name_plural = _("status list entries")
        constraints = [models.UniqueConstraint(fields=["issuer", "index"], name="one_certificate_per_status_bit")]

    def __str__(self):
        return f"{self.issuer} #{self.index}"


class IssuedCredential(models.Model):
    """A certificate as a signed Open Badges 3.0 credential, in one of the languages the course exists in. Kept as
    signed: signing again would change the proof's date, and a credential a learner already holds must stay equal to
    the one the site hands out."""

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="credentials")
    language = models.CharField(_("language"), max_length=10)
    document = models.JSONField(_("signed credential"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("issued credential")
        verbose_name_plural = _("issued credentials")
        constraints = [models.UniqueConstraint(fields=["certificate", "language"], name="one_credential_per_language")]

    def __str__(self):
        return f"{self.certificate.code} ({self.language})"
