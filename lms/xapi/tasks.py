from django_tasks import task

from lms.xapi.sending import next_try, outbox_send, send_soon
from lms.xapi.statements import records_enabled


@task(backend="learning_records")
def send_learning_records() -> dict:
    """Send the outbox; when statements are left waiting for the LRS, queue the next send for their next try, so
    that the outbox drains by itself once the LRS is back (with a `db_worker --backend learning_records` running)."""
    if not records_enabled():  # LRS_URL removed since this was queued: the outbox waits for one
        return {"sent": 0, "refused": 0, "postponed": 0, "error": "LRS_URL is not set"}
    report = outbox_send()
    if (when := next_try()) is not None:
        send_soon(run_after=when)
    return {"sent": report.sent, "refused": report.refused, "postponed": report.postponed, "error": report.error}
