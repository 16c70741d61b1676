from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class CredentialsConfig(AppConfig):
    name = "lms.credentials"
    label = "credentials"
    verbose_name = _("Digital credentials")

    def ready(self):
        from curriculum.models import Institute

        # However an institute is made (create_institute, the admin, a translation), it gets a signing key: the
        # curriculum knows nothing of credentials, so the key is made here, when the institute is saved.
        post_save.connect(_institute_saved, sender=Institute, dispatch_uid="credentials-institute-key")


def _institute_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from lms.credentials.services import signing_key_ensure

        signing_key_ensure(issuer=str(instance.translation_key))
