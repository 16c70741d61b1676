from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CurriculumConfig(AppConfig):
    name = "curriculum"
    verbose_name = _("Curriculum")

    def ready(self):
        import curriculum.institutes  # noqa: F401  (connects the receiver that secures new institute sections)
        import curriculum.page_context  # noqa: F401  (registers what each page type reads for its template)
        from curriculum import signals

        signals.connect()
