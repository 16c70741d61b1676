"""Redis as the shared cache of several app servers (REDIS_URL), which an outage of Redis slows down but does not stop.

Everything the site keeps in the cache can be made again from the database: course structures, anonymous visitors'
copies of public pages, workbook sizes. The login and other limits count in the database (lms.accounts.ratelimit),
so they hold whatever happens to Redis. So while Redis does not answer, a read is a miss and a write is dropped,
and pages are built from the database; the PDF leases (lms.pdf.store) are then granted to whoever asks, which at
worst renders a PDF twice (each write replaces the file whole). Django's own Redis cache answers a server error
for every page instead. /ready/ still says 503 while Redis is down (lms.health), and the log says so, at most every
ten seconds per process.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

WARN_EVERY_SECONDS = 10


class ResilientRedisCache(RedisCache):
    _last_warning = 0.0

    def ping(self):
        """Raises if Redis does not answer: what /ready/ asks, past the leniency of the other methods."""
        self._cache.get_client(write=True).ping()

    def _unavailable(self, operation: str, error: Exception):
        now = time.monotonic()
        if now - ResilientRedisCache._last_warning >= WARN_EVERY_SECONDS:
            ResilientRedisCache._last_warning = now
            logger.warning("Redis is not answering (%s: %s): serving without the cache", operation, error)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError as error:
            self._unavailable("get", error)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except RedisError as error:
            self._unavailable("get_many", error)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except RedisError as error:
            self._unavailable("has_key", error)
            return False

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except RedisError as error:
            self._unavailable("add", error)
            return True  # nobody can be told to wait: go ahead uncoordinated

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except RedisError as error:
            self._unavailable("set", error)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except RedisError as error:
            self._unavailable("set_many", error)
            return list(data)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except RedisError as error:
            self._unavailable("touch", error)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except RedisError as error:
            self._unavailable("delete", error)
            return False

    def delete_many(self, keys, version=None):
        try:
            super().delete_many(keys, version)
        except RedisError as error:
            self._unavailable("delete_many", error)

    def clear(self):
        try:
            return super().clear()
        except RedisError as error:
            self._unavailable("clear", error)
            return False
