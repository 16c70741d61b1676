"""What a load balancer asks each app server: /health/ (is the process alive?) and /ready/ (can it serve: database,
cache and file storages reachable?).

Answered by the first middleware, before everything else looks at the request: a balancer probes by the server's
own address (a Host that ALLOWED_HOSTS refuses) over plain HTTP (which SecurityMiddleware would redirect to HTTPS),
and its answer must never come from the anonymous page cache, start a session or set a cookie. A failed check
answers 503 with the same short body whatever failed; what failed, and why, goes to the log only.
"""

import logging
import os
from pathlib import Path

from django.core.cache import cache
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection
from django.http import HttpResponse

logger = logging.getLogger(__name__)

HEALTH_PATH = "/health/"
READY_PATH = "/ready/"
PROBE_KEY = "ready:probe"


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache():
    if hasattr(cache, "ping"):  # lms.cache.ResilientRedisCache, which takes an outage for a miss
        cache.ping()
    cache.set(PROBE_KEY, os.getpid(), timeout=60)
    if cache.get(PROBE_KEY) is None:
        raise RuntimeError("the cache kept nothing")


def _storage(name: str):
    storage = storages[name]
    if isinstance(storage, FileSystemStorage):
        # A folder not made yet is made by the first save: its nearest existing parent must be writable.
        folder = Path(storage.location)
        while not folder.exists():
            folder = folder.parent
        if not (folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)):
            raise PermissionError(f"{folder} is not a writable folder")
    else:  # object storage (lms/settings/object_storage.py): the bucket answers and these keys may use it
        storage.connection.meta.client.head_bucket(Bucket=storage.bucket_name)


CHECKS = {
    "database": _database,
    "cache": _cache,
    "default storage": lambda: _storage("default"),
    "private storage": lambda: _storage("private"),
}


def failed_checks() -> list[str]:
    """The names of the checks that fail, each failure logged with its reason."""
    failed = []
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:
            logger.exception("Readiness check failed: %s", name)
            failed.append(name)
    return failed


def _plain(text: str, status: int = 200) -> HttpResponse:
    response = HttpResponse(text, content_type="text/plain; charset=utf-8", status=status)
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    """First in MIDDLEWARE: answers the two probe addresses itself (GET and HEAD), passes everything else on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info not in (HEALTH_PATH, READY_PATH) or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        if request.path_info == HEALTH_PATH:
            return _plain("ok")
        if failed_checks():
            response = _plain("not ready", status=503)
            # Logged above with its reason; not again as a server error mailed to ADMINS at every probe.
            response._has_been_logged = True
            return response
        return _plain("ready")
