from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    name = "lms.workshops"
    label = "workshops"
    verbose_name = _("Workshops")

    def ready(self):
        post_delete.connect(_delete_printed_files, sender="workshops.Workshop", dispatch_uid="workshops-files")


def _delete_printed_files(sender, instance, **kwargs):
    """A deleted workshop takes its printed sheets and certificate packs (people's names) with it, once committed."""
    from lms.workshops.documents import workshop_files_delete

    pk = instance.pk
    transaction.on_commit(lambda: workshop_files_delete(pk))
