from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CurriculumConfig(AppConfig):
    name = "curriculum"
    verbose_name = _("Curriculum")

    def ready(self):
        from django.db.models.signals import post_migrate

        import curriculum.institutes  # noqa: F401  (connects the receiver that secures new institute sections)
        import curriculum.page_context  # noqa: F401  (registers what each page type reads for its template)
        from curriculum import signals
        from curriculum.locales import sync_after_migrate

        signals.connect()
        # A language added to settings.LANGUAGES gets its locale and page tree with the next `manage.py migrate`.
        post_migrate.connect(sync_after_migrate, sender=self, dispatch_uid="curriculum-content-locales")
