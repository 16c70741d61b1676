"""Settings shared by every environment. dev.py, test.py and production.py adjust them."""

import os
from email.utils import getaddresses
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

INSTALLED_APPS = [
    "lms.accounts",
    "lms.progress",
    "lms.quizzes",
    "lms.certificates",
    "lms.credentials",
    "lms.workbooks",
    "lms.workshops",
    "lms.offline",
    "lms.backup",
    "lms.xapi",
    "django_tasks",
    "django_tasks_db",
    "curriculum",
    "wagtail_localize",
    "wagtail_localize.locales",  # replaces wagtail.locales, adds tree synchronisation
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    # A load balancer's /health/ and /ready/: answered before host checks, the HTTPS redirect, caches and sessions.
    "lms.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outside every middleware that writes the body; above WhiteNoise, so static files without a compressed copy (the
    # development server's, which come straight from static/) are compressed too (lms.middleware.CompressionMiddleware).
    "lms.middleware.CompressionMiddleware",
    # Below compression, so the ETag is the page's own (compression only makes it weak): a phone that has the page
    # already gets "304 Not Modified" and no bytes. Pages sent with "no-store" (a learner's records) get no ETag.
    "django.middleware.http.ConditionalGetMiddleware",
    "lms.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Public pages as an anonymous visitor sees them, from the cache, before sessions, CSRF and authentication are
    # looked at (lms.anonymous_pages); below ConditionalGetMiddleware, which answers 304 from the kept ETag.
    "lms.anonymous_pages.AnonymousPageCacheMiddleware",
    "lms.middleware.NulCharacterMiddleware",  # before sessions: it drops a session cookie holding a NUL
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lms.middleware.LanguageMiddleware",
    "lms.middleware.RememberLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "curriculum.routing.KnownRoutesMiddleware",  # a page's site, home and route without Wagtail's queries
    "lms.middleware.RealNotFoundPageMiddleware",  # DEBUG only: the translated 404 page instead of Django's
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite under var/ by default; DATABASE_URL (postgres://...) moves the project onto PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Many learners writing at once: take the write lock when a transaction starts and wait for it, instead of
    # failing with "database is locked"; WAL lets pages be read while a write is under way.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: the interface (gettext catalogues under locale/) and the content (Wagtail locales) are the same set.
# A right-to-left language is added here and in locale/ alone: templates read its direction from Django.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("pt", _("Portuguese")),
    ("sw", _("Swahili")),
    ("id", _("Indonesian")),
    ("ar", _("Arabic")),
]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Generated PDFs (certificates, workbooks with answer keys): never served as media, only through their views.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": BASE_DIR / "var" / "private", "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

WAGTAIL_SITE_NAME = "Landscape Academy"
# The site's own address, in emails, QR codes and printed links: on a development machine the one `make run` serves
# (its HOST and PORT, which the Makefile passes on), so `make run PORT=8101` prints and encodes port 8101.
_host = os.environ.get("HOST", "").strip() or "127.0.0.1"
_port = os.environ.get("PORT", "").strip() or "8000"
DEV_SERVER_URL = "http://{}:{}".format(f"[{_host}]" if ":" in _host and not _host.startswith("[") else _host, _port)
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", DEV_SERVER_URL)
# On PostgreSQL each language's pages are indexed and searched with that language's text-search configuration
# (curriculum/search_backend.py: one backend, as several would overwrite each other's index); "simple" (no
# stemming) for the rest: Swahili has no PostgreSQL stemmer, and Arabic's is not used until an Arabic reader has
# judged its results. SQLite keeps Wagtail's own backend, which never stems.
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "curriculum.search_backend",
        "SEARCH_CONFIG": "simple",
        "SEARCH_CONFIGS": {"en": "english", "fr": "french", "es": "spanish", "pt": "portuguese", "id": "indonesian"},
    }
}
# A page translated in the admin where the language had no page yet starts as a draft. (Where the language shows an
# alias, wagtail-localize turns it into a page that stays live: so only moderators start translations, see
# curriculum.permissions.can_start_page_translation.)
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False

# What each role of a training institute may do besides its pages and collection (curriculum.institutes): the
# instance-level limits (only their own institute's certificates, say) are curriculum.permissions' rules, which the
# admin's permission policies ask (curriculum.admin_scope).
INSTITUTE_ROLE_PERMISSIONS = {
    "editors": ["wagtailadmin.access_admin", "wagtail_localize.submit_translation"],
    "moderators": [
        "wagtailadmin.access_admin",
        "wagtail_localize.submit_translation",
        "curriculum.change_institute",
        "certificates.view_certificate",
        "certificates.change_certificate",
    ],
    "facilitators": [],
}

# The programme report (lms.progress.programme) covers every institute for site administrators and for the members of
# this group (made by a migration; read-only: the report is all it gives); each institute's editors and moderators
# see their own institute's figures.
PROGRAMME_REPORT_PERMISSION = "progress.view_programme_report"
PROGRAMME_MANAGERS_GROUP = "Programme managers"

WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_IMAGE_FORM_BASE = "curriculum.images.ImageForm"  # refuses damaged images with a message
# Videos are links with transcripts, never oEmbed look-ups: rendering must not call the network.
WAGTAILEMBEDS_FINDERS = []
# Staff avatars are Wagtail's default picture: Gravatar would be told a hash of every staff email address (and the
# admin's Content-Security-Policy loads images from this site only).
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# One cache for every process on the machine (rate limits and cached course structures must be shared);
# production uses Redis when REDIS_URL is set, which several machines need.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("CACHE_DIR") or BASE_DIR / "var" / "cache",
        # Django's default of 300 files is less than the kept copies of the demo's public pages in four languages
        # (lms.anonymous_pages): past it, every new entry deletes a third of the others at random.
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    },
    # Which rendition of an image Wagtail made for a size: keyed by the image's file hash, so never stale, and kept in
    # each process's memory. In the file cache each card of the catalogue wrote its file and scanned the folder on
    # every render (a third of the catalogue's time with 150 courses).
    "renditions": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 5000}},
}

# How long an anonymous visitor's copy of a public page is kept at most (lms.anonymous_pages; 0: not kept). Changes
# to the content make a new copy at once; this bounds what nothing announces (a template edited on a running site).
ANONYMOUS_PAGE_CACHE_SECONDS = int(os.environ.get("ANONYMOUS_PAGE_CACHE_SECONDS", "600"))

LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
# Behind a reverse proxy (or a load balancer and a proxy), how many of them add to X-Forwarded-For: rate limits
# then count the real client, not the proxy. 0 trusts nothing but REMOTE_ADDR. Production insists on it being set
# (production.py, which also explains a value that is not a number).
_proxies = os.environ.get("TRUSTED_PROXY_COUNT", "").strip()
TRUSTED_PROXY_COUNT = int(_proxies) if _proxies.isascii() and _proxies.isdigit() else 0
# A single-machine install serves uploads itself; behind a web server or object storage, leave this off.
SERVE_MEDIA = os.environ.get("SERVE_MEDIA", "").lower() == "true"

# Certificates: paper size ("A4" or "letter") and the site address printed in their QR codes.
CERTIFICATE_PAPER = os.environ.get("CERTIFICATE_PAPER", "A4")
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", WAGTAILADMIN_BASE_URL).rstrip("/")
# Digital credentials: the folder of the institutes' private signing keys (never in the database, its backups or the
# repository; README "Digital credentials"). Every app server that issues credentials needs the same folder.
CREDENTIAL_KEYS_DIR = Path(os.environ.get("CREDENTIAL_KEYS_DIR") or BASE_DIR / "var" / "credential-keys")

# Background work: Wagtail's own small tasks run at once; PDF workbooks go to the "workbooks" queue, which a
# `python manage.py db_worker --backend workbooks` process works through (WORKBOOKS_IN_BACKGROUND=true).
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "workbooks": {
        "BACKEND": "django_tasks_db.backend.DatabaseBackend"
        if os.environ.get("WORKBOOKS_IN_BACKGROUND", "").lower() == "true"
        else "django_tasks.backends.immediate.ImmediateBackend",
    },
}

# Learning records out (README "Learning records (xAPI)"): with LRS_URL set (the LRS's xAPI endpoint, such as
# https://lrs.example.org/xAPI/), every enrolment, completion, graded quiz and workshop attendance leaves an xAPI
# statement in an outbox (lms.xapi), which the "learning_records" queue sends; unset, nothing is recorded.
# Credentials: LRS_USERNAME and LRS_PASSWORD (HTTP Basic), or LRS_AUTH, the whole Authorization header's value.
LRS_URL = os.environ.get("LRS_URL", "").strip()
LRS_USERNAME = os.environ.get("LRS_USERNAME", "")
LRS_PASSWORD = os.environ.get("LRS_PASSWORD", "")
LRS_AUTH = os.environ.get("LRS_AUTH", "")
LRS_TIMEOUT_SECONDS = float(os.environ.get("LRS_TIMEOUT_SECONDS", "10"))
LRS_BATCH_SIZE = int(os.environ.get("LRS_BATCH_SIZE", "50"))
# Always in the database queue, never immediate: a learner's page must not wait for the LRS (or fail with it). A
# `db_worker --backend learning_records` process sends, or cron runs `manage.py send_learning_records`.
TASKS["learning_records"] = {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "progress:dashboard"
# Every login form and password check goes through this backend, which holds the one limit on attempts
# (lms.accounts.ratelimit); Wagtail's admin login and password reset use our forms for its message and rules, and
# pages that need a login send people to ours.
AUTHENTICATION_BACKENDS = ["lms.accounts.backends.EmailOrUsernameBackend"]
WAGTAILADMIN_USER_LOGIN_FORM = "lms.accounts.forms.AdminLoginForm"
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = "lms.accounts.forms.AdminPasswordResetForm"  # noqa: S105 (a class path)
WAGTAIL_FRONTEND_LOGIN_URL = LOGIN_URL
# The email address is the login: it changes in the site's profile (which asks for the password, and confirms the
# address when that is required), not in Wagtail's account page.
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
# Wagtail's password panel checks the old password without the login limit: lms.accounts.wagtail_hooks puts ours in
# its place. The setting also turns off the admin's password reset unless it is said to stay.
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = True
# Ask new learners to confirm their email address before they can log in (needs working outgoing mail).
ACCOUNTS_REQUIRE_EMAIL_CONFIRMATION = os.environ.get("ACCOUNTS_REQUIRE_EMAIL_CONFIRMATION", "").lower() == "true"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Landscape Academy <noreply@localhost>")

# Errors: every server error's traceback goes to stderr, which gunicorn passes on to systemd's journal (or whatever
# runs it), and by mail to ADMINS="Name <address>, Other <address>" when set. Warnings from our code and libraries
# go to stderr too; 404s and other client errors do not (the access log has them).
ADMINS = [(name, address) for name, address in getaddresses([os.environ.get("ADMINS", "")]) if address]
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [pid %(process)d] %(message)s"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "plain"},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],  # with DEBUG on, the error page shows the traceback
        },
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "root": {"handlers": ["stderr"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "django": {"handlers": ["stderr", "mail_admins"], "level": "WARNING", "propagate": False},
        # "Not Found" and "Bad Request" are the visitor's mistake; 500s are logged by this logger at ERROR.
        "django.request": {"handlers": ["stderr", "mail_admins"], "level": "ERROR", "propagate": False},
        # Requests for hosts not in ALLOWED_HOSTS are scanners' noise: logged, never mailed.
        "django.security.DisallowedHost": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}
