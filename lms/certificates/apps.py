from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import pre_delete
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "lms.certificates"
    label = "certificates"
    verbose_name = _("Certificates")

    def ready(self):
        pre_delete.connect(_release_certificates, sender=settings.AUTH_USER_MODEL, dispatch_uid="certificates-holder")


def _release_certificates(sender, instance, **kwargs):
    from lms.certificates.services import certificates_release_holder

    certificates_release_holder(learner=instance)
