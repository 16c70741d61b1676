"""Production: every secret comes from the environment, and the site refuses to start without it."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .object_storage import s3_settings


def _required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"Set the {name} environment variable: production will not start without it.")
    return value


SECRET_KEY = _required("SECRET_KEY")
ALLOWED_HOSTS = [host.strip() for host in _required("ALLOWED_HOSTS").split(",") if host.strip()]
if "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the site's hosts: '*' lets any Host header through.")
_required("DATABASE_URL")  # base.py reads it; here we only refuse to fall back to the SQLite file
# A worker keeps its database connection from one request to the next (a new one per request cost a lesson page
# 16.6 ms more on PostgreSQL): 10 minutes unless DATABASE_CONN_MAX_AGE says otherwise (0 closes it after each
# request), checked before reuse so that a database restart costs one retry, not an error page.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DATABASE_CONN_MAX_AGE", "600"))  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
CSRF_TRUSTED_ORIGINS = [f"https://{host.lstrip('.')}" for host in ALLOWED_HOSTS if host != "*"]

# Login and other limits count clients by address. Behind a proxy every request comes from the proxy's address, so
# a guessed default would lock every client out together: the deployment says how many proxies there are.
_proxies = os.environ.get("TRUSTED_PROXY_COUNT", "").strip()
if not (_proxies.isascii() and _proxies.isdigit()):
    raise ImproperlyConfigured(
        "Set TRUSTED_PROXY_COUNT to the number of reverse proxies in front of the site that add the client's address"
        " to X-Forwarded-For: 1 behind one proxy (nginx, Caddy, a load balancer that terminates TLS), 2 behind a load"
        " balancer and a proxy, 0 only if clients connect to gunicorn directly. Without it, rate limits would count"
        " every client behind a proxy as one."
    )
TRUSTED_PROXY_COUNT = int(_proxies)

DEBUG = False

# A workbook of hundreds of pages takes minutes to lay out: built inside a download, gunicorn's timeout (30 s) kills
# it half-way, again at each retry. So production builds workbooks (and workshops' certificate packs) off the
# request, in `python manage.py db_worker --backend workbooks` (the README's recipe), unless
# WORKBOOKS_IN_BACKGROUND=false says to build them in the request (small courses and no worker process).
if os.environ.get("WORKBOOKS_IN_BACKGROUND", "true").lower() != "false":
    TASKS["workbooks"] = {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}  # noqa: F405
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}  # noqa: F405
# Several app servers: uploads and generated PDFs on S3-compatible storage (lms/settings/object_storage.py).
if _object_storage := s3_settings(os.environ):
    STORAGES.update(_object_storage["storages"])  # noqa: F405
    MEDIA_URL = _object_storage["media_url"]
    SERVE_MEDIA = False
    # A document of a private collection is streamed by the app after Wagtail's privacy check, never redirected to
    # an address of the bucket that anyone holding it could open.
    WAGTAILDOCS_SERVE_METHOD = "serve_view"

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "true").lower() != "false"
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "true").lower() != "false"
# Server errors are mailed to ADMINS from inside the failing request (LOGGING in base.py): a mail server that does
# not answer must not hold the worker, and the traceback is in stderr anyway.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))

if os.environ.get("REDIS_URL"):
    # Shared by every app server and worker; an outage of Redis makes the site slower, not broken (lms.cache). A
    # Redis that does not answer is given up after 2 s, so a request waits no longer.
    CACHES["default"] = {  # noqa: F405
        "BACKEND": "lms.cache.ResilientRedisCache",
        "LOCATION": os.environ["REDIS_URL"],
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }

WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", f"https://{ALLOWED_HOSTS[0]}")
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", WAGTAILADMIN_BASE_URL).rstrip("/")
