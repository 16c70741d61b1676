"""The outbox's state for site administrators: how many statements wait, went, or were refused, and why."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Min
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from lms.xapi.models import OutboxStatement
from lms.xapi.sending import statements_url

REFUSED_SHOWN = 20


def outbox_summary() -> dict:
    Status = OutboxStatement.Status
    counts = dict(OutboxStatement.objects.values_list("status").annotate(Count("pk")).order_by())
    pending = OutboxStatement.objects.filter(status=Status.PENDING).aggregate(
        oldest=Min("created_at"), next_try=Min("next_try_at"), most_attempts=Max("attempts")
    )
    last_error = OutboxStatement.objects.filter(status=Status.PENDING).exclude(last_error="").order_by("-pk").first()
    return {
        "rows": [(status.label, counts.get(status.value, 0)) for status in Status],
        "pending": counts.get(Status.PENDING, 0),
        **pending,
        "last_error": last_error.last_error if last_error else "",
        "refused": OutboxStatement.objects.filter(status=Status.FAILED).order_by("-pk")[:REFUSED_SHOWN],
    }


class OutboxView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "lms/xapi/outbox.html"
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Learning records (xAPI)")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["endpoint"] = statements_url() if settings.LRS_URL else ""
        context.update(outbox_summary())
        return context
