from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CurriculumConfig(AppConfig):
    name = "curriculum"
    verbose_name = _("Curriculum")

    def ready(self):
        from django.db.models.signals import post_delete
        from wagtail.models import Page
        from wagtail.signals import page_published, page_unpublished, post_page_move

        import curriculum.institutes  # noqa: F401  (connects the receiver that secures new institute sections)
        from curriculum.selectors import forget_course_structures

        for signal in (page_published, page_unpublished, post_page_move):
            signal.connect(forget_course_structures, dispatch_uid=f"forget-structures-{signal}")
        for model in Page.__subclasses__() + [Page]:
            post_delete.connect(forget_course_structures, sender=model, dispatch_uid=f"forget-structures-{model}")
