"""Sending the outbox to the LRS: in batches, off every learner's request, losing nothing.

A sender takes a batch of due statements (skipping rows another sender holds, on PostgreSQL) and leases them: their
next try moves past the time the sending can take, so a second sender leaves them alone and a sender that dies
mid-way only delays them. Then, outside any transaction, one POST to the LRS:
- accepted (2xx): sent;
- refused as bad (400, 409 a different statement with the same id, 413 too large, 422): each statement of the batch
  is sent alone, and one refused alone is marked failed with the LRS's reason, never tried again;
- anything else (the LRS unreachable, slow, failing with a 5xx, refusing our credentials with 401 or 403, a wrong
  address's 404 or redirect, 429 slow down): the batch waits, with a next try that doubles after each failure (one
  minute up to six hours). A mistake in the settings loses nothing: once corrected, the outbox drains.
"""

import base64
import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F, Min
from django.utils import timezone

from lms.xapi.models import OutboxStatement

logger = logging.getLogger(__name__)

XAPI_VERSION = "1.0.3"
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
# The answers that blame the statements themselves; any other is tried again later.
REFUSED_STATUSES = {400, 409, 413, 422}


@dataclass
class SendReport:
    sent: int = 0
    refused: int = 0
    postponed: int = 0
    error: str = ""  # why the last batch was postponed
    needs_attention: bool = False  # and only someone can fix it (the credentials)

    def add(self, other: "SendReport") -> None:
        self.sent += other.sent
        self.refused += other.refused
        self.postponed += other.postponed
        self.error = other.error or self.error
        self.needs_attention = other.needs_attention or self.needs_attention


class _TryLater(Exception):
    """The LRS did not take the batch for a reason that is not the statements'."""

    def __init__(self, reason: str, *, needs_attention: bool = False):
        super().__init__(reason)
        self.needs_attention = needs_attention


class _Refused(Exception):
    """The LRS refused the statements as they are: the reason is its answer."""


def statements_url() -> str:
    """LRS_URL is the LRS's xAPI endpoint; a bare address (no path) means the usual /xAPI/ under it (Ralph's)."""
    url = settings.LRS_URL
    if urlsplit(url).path in ("", "/"):
        url = url.rstrip("/") + "/xAPI/"
    return url.rstrip("/") + "/statements"


def _authorization() -> str | None:
    if settings.LRS_AUTH:
        return settings.LRS_AUTH
    if settings.LRS_USERNAME:
        pair = f"{settings.LRS_USERNAME}:{settings.LRS_PASSWORD}".encode()
        return "Basic " + base64.b64encode(pair).decode("ascii")
    return None


def _post(statements: list[dict]) -> None:
    request = urllib.request.Request(  # noqa: S310 (an http(s) address from the settings)
        statements_url(),
        data=json.dumps(statements).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "X-Experience-API-Version": XAPI_VERSION},
    )
    if authorization := _authorization():
        request.add_header("Authorization", authorization)
    try:
        with urllib.request.urlopen(request, timeout=settings.LRS_TIMEOUT_SECONDS):  # noqa: S310
            return
    except urllib.error.HTTPError as error:
        reason = f"{error.code} {error.reason}: {error.read(2000).decode(errors='replace')}".strip()
        if error.code in REFUSED_STATUSES:
            raise _Refused(reason) from error
        if error.code in (401, 403):
            reason = f"the LRS refused the credentials (LRS_USERNAME, LRS_PASSWORD or LRS_AUTH): {reason}"
        raise _TryLater(reason, needs_attention=error.code in (401, 403)) from error
    except (OSError, ValueError) as error:  # refused connection, timeout, DNS, TLS; a malformed LRS_URL
        raise _TryLater(f"the LRS could not be reached at {statements_url()}: {error}") from error


def retry_delay(attempts: int) -> timedelta:
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def _lease() -> timedelta:
    """Longer than a batch can take, each statement sent alone after a refusal included."""
    return timedelta(seconds=max(300, settings.LRS_TIMEOUT_SECONDS * (settings.LRS_BATCH_SIZE + 2)))


def batch_take(now: datetime, size: int) -> list[OutboxStatement]:
    """Up to `size` statements due, leased to this sender (their attempt counted)."""
    with transaction.atomic():
        rows = list(
            OutboxStatement.objects.select_for_update(skip_locked=True)
            .filter(status=OutboxStatement.Status.PENDING, next_try_at__lte=now)
            .order_by("next_try_at", "pk")[:size]
        )
        OutboxStatement.objects.filter(pk__in=[row.pk for row in rows]).update(
            next_try_at=now + _lease(), attempts=F("attempts") + 1
        )
    for row in rows:
        row.attempts += 1
    return rows


def _send(rows: list[OutboxStatement], now: datetime) -> SendReport:
    try:
        _post([row.statement for row in rows])
    except _TryLater as error:
        for row in rows:
            OutboxStatement.objects.filter(pk=row.pk).update(
                next_try_at=now + retry_delay(row.attempts), last_error=str(error)
            )
        return SendReport(postponed=len(rows), error=str(error), needs_attention=error.needs_attention)
    except _Refused as error:
        if len(rows) > 1:  # find which: the LRS refuses a whole batch for one bad statement
            report = SendReport()
            for row in rows:
                report.add(_send([row], now))
            return report
        OutboxStatement.objects.filter(pk=rows[0].pk).update(
            status=OutboxStatement.Status.FAILED, last_error=str(error)
        )
        logger.error("The LRS refused learning record %s: %s", rows[0].statement_id, error)
        return SendReport(refused=1)
    OutboxStatement.objects.filter(pk__in=[row.pk for row in rows]).update(
        status=OutboxStatement.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return SendReport(sent=len(rows))


def outbox_send(*, batch_size: int | None = None, max_batches: int = 100) -> SendReport:
    """Send what is due, batch after batch, until nothing is due or the LRS stops taking them."""
    report = SendReport()
    for _batch in range(max_batches):
        now = timezone.now()
        rows = batch_take(now, batch_size or settings.LRS_BATCH_SIZE)
        if not rows:
            break
        batch = _send(rows, now)
        report.add(batch)
        if batch.postponed:
            # An LRS down is logged as a warning at each try; credentials it refuses are an error (mailed to ADMINS).
            level = logging.ERROR if batch.needs_attention else logging.WARNING
            logger.log(level, "Learning records wait for the LRS: %s", batch.error)
            break
    return report


def next_try() -> datetime | None:
    return OutboxStatement.objects.filter(status=OutboxStatement.Status.PENDING).aggregate(Min("next_try_at"))[
        "next_try_at__min"
    ]
