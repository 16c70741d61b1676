from datetime import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from lms.xapi.sending import next_try, outbox_send


@task(backend="learning_records")
def send_learning_records() -> dict:
    """Send the outbox; when statements are left waiting for the LRS, queue the next send for their next try, so
    that the outbox drains by itself once the LRS is back (with a `db_worker --backend learning_records` running)."""
    if not settings.LRS_URL:  # LRS_URL removed since this was queued: the outbox waits for one
        return {"sent": 0, "refused": 0, "postponed": 0, "error": "LRS_URL is not set"}
    report = outbox_send()
    if (when := next_try()) is not None:
        send_soon(run_after=when)
    return {"sent": report.sent, "refused": report.refused, "postponed": report.postponed, "error": report.error}


def send_soon(run_after: datetime | None = None) -> None:
    """Queue a send on the learning_records queue, unless one is queued already for that time or sooner."""
    run_after = run_after or timezone.now()
    waiting = DBTaskResult.objects.filter(
        Q(run_after__lte=run_after) | Q(run_after=get_date_max()),  # the latter: queued to run at once
        task_path=send_learning_records.module_path,
        status=TaskResultStatus.READY,
    )
    if not waiting.exists():
        send_learning_records.using(run_after=run_after).enqueue()
