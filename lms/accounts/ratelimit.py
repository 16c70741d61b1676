"""Attempt counters per client address and per account, in one small database table.

Used by the login backend (every login form and password check goes through it), the password-reset forms and the
certificate check: after `limit` attempts in `window` seconds they refuse with a translated message that says how
long to wait, whatever the password.

Why the database and not the cache: the database is the one store every process and machine of a deployment
shares, and `INSERT ... ON CONFLICT DO UPDATE ... RETURNING` counts atomically on SQLite and PostgreSQL alike,
whereas the default file cache reads and writes (two parallel attempts both read 4 and both write 5). An attempt
is counted before it is checked and refused when its count is over the limit, so however many arrive at once,
exactly `limit` of them are checked.
"""

import hashlib
import ipaddress
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import F

from lms.accounts.models import AttemptCounter


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the address the nearest of them saw.

    An IPv6 client counts by its /64 network: one phone or household can take a new address within it at will.
    """
    address = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _count_attempt(bucket: str, now: int, window: int) -> tuple[int, int]:
    """Add one attempt to `bucket` (starting a new window if its last one is over): (attempts, window end)."""
    table = connection.ops.quote_name(AttemptCounter._meta.db_table)
    with connection.cursor() as cursor:
        # One statement, so one atomic step on both databases; the SET expressions read the row as it was.
        cursor.execute(
            f"INSERT INTO {table} (bucket, attempts, window_ends) VALUES (%s, 1, %s) "  # noqa: S608 (our table name)
            f"ON CONFLICT (bucket) DO UPDATE SET "
            f"attempts = CASE WHEN {table}.window_ends <= %s THEN 1 ELSE {table}.attempts + 1 END, "
            f"window_ends = CASE WHEN {table}.window_ends <= %s THEN %s ELSE {table}.window_ends END "
            "RETURNING attempts, window_ends",
            [bucket, now + window, now, now, now + window],
        )
        attempts, window_ends = cursor.fetchone()
    if attempts == 1:
        # A new window: the moment to forget windows that are over, so the table holds only live counters.
        AttemptCounter.objects.filter(window_ends__lte=now).delete()
    return attempts, window_ends


def _uncount_attempt(bucket: str) -> None:
    AttemptCounter.objects.filter(bucket=bucket, attempts__gt=0).update(attempts=F("attempts") - 1)


@dataclass(frozen=True)
class RateLimit:
    scope: str
    limit: int
    window: int  # seconds

    def _bucket(self, kind: str, identity: str) -> str:
        digest = hashlib.sha256(identity.strip().lower().encode()).hexdigest()[:32]
        return f"{self.scope}:{kind}:{digest}"

    def _buckets(self, request, account: str | None) -> list[str]:
        # The client first: a client over its limit is refused without its attempt counting against the account.
        buckets = [self._bucket("ip", client_address(request))] if request is not None else []
        if account:
            buckets.append(self._bucket("account", account))
        return buckets

    def reserve(self, request, account: str | None = None) -> int:
        """Count one attempt for the client and the account: 0 when it may go ahead, else the seconds to wait.

        A refused attempt gives its counts back: only attempts that went ahead count.
        """
        now = int(time.time())
        counted = []
        for bucket in self._buckets(request, account):
            attempts, window_ends = _count_attempt(bucket, now, self.window)
            counted.append(bucket)
            if attempts > self.limit:
                for taken in counted:
                    _uncount_attempt(taken)
                return max(1, window_ends - now)
        return 0

    def release(self, request, account: str | None = None) -> None:
        """The attempt succeeded: it does not count against the client, and the account starts afresh."""
        buckets = self._buckets(request, None)
        if buckets:
            _uncount_attempt(buckets[0])
        if account:
            AttemptCounter.objects.filter(bucket=self._bucket("account", account)).delete()


LOGIN_ATTEMPTS = RateLimit("login", limit=5, window=15 * 60)
PASSWORD_RESET_REQUESTS = RateLimit("password-reset", limit=5, window=60 * 60)
# The shared password of a page or a collection of documents (Wagtail's privacy setting): counted per client, like
# logins. Not per page: one client guessing must not lock a whole class out of its course.
VIEW_PASSWORD_ATTEMPTS = RateLimit("view-password", limit=5, window=15 * 60)
