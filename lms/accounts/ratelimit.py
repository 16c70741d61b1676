"""Attempt counters in the cache (Redis when configured), per client address and per account.

Used by the login and password-reset forms: after `limit` attempts in `window` seconds the form refuses with a
translated message that says how long to wait, whatever the password.
"""

import hashlib
import time
from dataclasses import dataclass

from django.core.cache import cache


def client_address(request) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is set by the client unless a trusted proxy rewrites it.
    return request.META.get("REMOTE_ADDR", "unknown")


@dataclass(frozen=True)
class RateLimit:
    scope: str
    limit: int
    window: int  # seconds

    def _key(self, kind: str, identity: str) -> str:
        digest = hashlib.sha256(identity.strip().lower().encode()).hexdigest()[:32]
        return f"ratelimit:{self.scope}:{kind}:{digest}"

    def _identities(self, request, account: str | None):
        yield "ip", client_address(request)
        if account:
            yield "account", account

    def seconds_blocked(self, request, account: str | None = None) -> int:
        """0 when another attempt is allowed, else how long until it is."""
        now = time.time()
        waits = []
        for kind, identity in self._identities(request, account):
            record = cache.get(self._key(kind, identity))
            if record and record["count"] >= self.limit:
                waits.append(max(1, int(record["started"] + self.window - now)))
        return max(waits, default=0)

    def record_attempt(self, request, account: str | None = None) -> None:
        now = time.time()
        for kind, identity in self._identities(request, account):
            key = self._key(kind, identity)
            record = cache.get(key)
            if not record or record["started"] + self.window <= now:
                record = {"count": 0, "started": now}
            record["count"] += 1
            cache.set(key, record, timeout=self.window)

    def reset(self, request, account: str | None = None) -> None:
        for kind, identity in self._identities(request, account):
            if kind == "account":
                cache.delete(self._key(kind, identity))


LOGIN_FAILURES = RateLimit("login", limit=5, window=15 * 60)
PASSWORD_RESET_REQUESTS = RateLimit("password-reset", limit=5, window=60 * 60)
