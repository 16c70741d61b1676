from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkbooksConfig(AppConfig):
    name = "lms.workbooks"
    label = "workbooks"
    verbose_name = _("Workbooks")

    def ready(self):
        from django.db import transaction
        from wagtail.signals import page_published

        from lms.workbooks import services

        def build_ahead(sender, instance, **kwargs):
            """Queue the course's workbooks once the publish is saved; a queue that fails loses nothing (the first
            download queues its build) and must not turn the editor's publish into an error page."""
            if services.builds_in_background():
                transaction.on_commit(lambda: services.workbooks_build_after_publish_safely(instance))

        page_published.connect(build_ahead, weak=False, dispatch_uid="workbooks-build-ahead")  # a local function
