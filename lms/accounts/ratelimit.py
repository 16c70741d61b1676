"""Attempt counters in the shared cache (a file cache on one machine, Redis with REDIS_URL), per client address
and per account.

Used by the login and password-reset forms and the certificate check: after `limit` attempts in `window` seconds
they refuse with a translated message that says how long to wait, whatever the password.
"""

import hashlib
import ipaddress
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


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


@dataclass(frozen=True)
class RateLimit:
    scope: str
    limit: int
    window: int  # seconds

    def _key(self, kind: str, identity: str) -> str:
        digest = hashlib.sha256(identity.strip().lower().encode()).hexdigest()[:32]
        # Fixed windows: the key names the window, so counting is one atomic add-or-increment.
        return f"ratelimit:{self.scope}:{kind}:{digest}:{int(time.time() // self.window)}"

    def _identities(self, request, account: str | None):
        yield "ip", client_address(request)
        if account:
            yield "account", account

    def seconds_blocked(self, request, account: str | None = None) -> int:
        """0 when another attempt is allowed, else how long until it is."""
        if any(
            (cache.get(self._key(kind, identity)) or 0) >= self.limit
            for kind, identity in self._identities(request, account)
        ):
            return max(1, int(self.window - time.time() % self.window))
        return 0

    def record_attempt(self, request, account: str | None = None) -> None:
        for kind, identity in self._identities(request, account):
            key = self._key(kind, identity)
            if not cache.add(key, 1, timeout=self.window):
                try:
                    cache.incr(key)
                except ValueError:  # expired between add and incr
                    cache.add(key, 1, timeout=self.window)

    def reset(self, request, account: str | None = None) -> None:
        if account:
            cache.delete(self._key("account", account))


LOGIN_FAILURES = RateLimit("login", limit=5, window=15 * 60)
PASSWORD_RESET_REQUESTS = RateLimit("password-reset", limit=5, window=60 * 60)
