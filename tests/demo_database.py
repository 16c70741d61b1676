"""The test database: the demo site, migrated and loaded once per test run into a template, then copied into the
database of each process that runs tests (each pytest-xdist worker has its own).

Migrating and loading the demo takes about a minute of CPU; copying the result takes a second. The first process to
need the template builds it with `manage.py migrate` and `manage.py load_demo` (the test settings, on a database of
its own and in a files folder of its own) while the others wait on a lock; each then copies it: on SQLite into its
in-memory database with SQLite's backup API, on PostgreSQL with CREATE DATABASE ... TEMPLATE. The demo's images are
copied into each process's media folder, where the database says they are.
"""

import fcntl
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing, contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

from tests.live_site import MANAGE, ROOT

TEMPLATE_FOLDER = Path(os.environ["TEST_FILES_ROOT"]) / "template"  # made by lms/settings/test.py for the run
DATABASE_NAME = connection.settings_dict["NAME"]  # as configured: each process then switches to its test database


@contextmanager
def _locked():
    """One process at a time builds the template or copies it (PostgreSQL refuses two copies of a template at once)."""
    TEMPLATE_FOLDER.parent.mkdir(parents=True, exist_ok=True)
    with open(TEMPLATE_FOLDER.parent / "template.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _server() -> dict:
    """The PostgreSQL server's connection arguments, from the test settings."""
    settings_dict = connection.settings_dict
    return {key.lower(): settings_dict[key] for key in ("HOST", "PORT", "USER", "PASSWORD") if settings_dict[key]}


def postgres_url(name: str) -> str:
    server = _server()
    credentials = server["user"] + (f":{server['password']}" if "password" in server else "")
    return f"postgres://{credentials}@{server.get('host', 'localhost')}:{server.get('port', 5432)}/{name}"


def postgres_admin(*statements: str) -> None:
    import psycopg

    with psycopg.connect(dbname="postgres", autocommit=True, **_server()) as admin:
        for statement in statements:
            admin.execute(statement)


def template_name() -> str:
    """The template's PostgreSQL database: the test database's name without pytest-xdist's worker suffix."""
    return f"test_{DATABASE_NAME}_template"


def _build_template() -> None:
    if connection.vendor == "postgresql":
        name = template_name()
        postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
        url = postgres_url(name)
    else:
        TEMPLATE_FOLDER.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{TEMPLATE_FOLDER / 'demo.sqlite3'}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        "DATABASE_URL": url,
        "TEST_FILES": str(TEMPLATE_FOLDER),  # the demo's images, copied to each process's media folder
    }
    for command in (["migrate", "--no-input", "-v", "0"], ["load_demo"]):
        done = subprocess.run([*MANAGE, *command], cwd=ROOT, env=env, capture_output=True, text=True)
        assert done.returncode == 0, f"manage.py {' '.join(command)} failed for the test database:\n{done.stderr}"
    (TEMPLATE_FOLDER / "built").touch()


def _copy_files() -> None:
    for folder, target in (
        ("media", settings.MEDIA_ROOT),
        ("private", settings.STORAGES["private"]["OPTIONS"]["location"]),
        ("credential-keys", settings.CREDENTIAL_KEYS_DIR),  # the demo institute's signing key
    ):
        if (TEMPLATE_FOLDER / folder).is_dir():
            shutil.copytree(TEMPLATE_FOLDER / folder, target, dirs_exist_ok=True)


def _use(name: str) -> None:
    """Point Django (this connection, and any other thread's) at the test database, as Django's create_test_db does."""
    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = name
    connection.settings_dict["NAME"] = name


def _ensure_template() -> None:
    """Built by the first process to need it; call it holding the lock."""
    if not (TEMPLATE_FOLDER / "built").exists():
        _build_template()


def site_copy(name: str, media: Path) -> str:
    """A copy of the demo site for a server the tests start: its database URL (a new SQLite file beside `media`, or a
    new PostgreSQL database called `name`), and its images in `media`."""
    with _locked():
        _ensure_template()
        if connection.vendor == "postgresql":
            postgres_admin(
                f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
                f'CREATE DATABASE "{name}" TEMPLATE "{template_name()}"',
            )
            url = postgres_url(name)
        else:
            path = media.parent / f"{name}.sqlite3"
            with (
                closing(sqlite3.connect(TEMPLATE_FOLDER / "demo.sqlite3")) as template,
                closing(sqlite3.connect(path)) as copy,
            ):
                template.backup(copy)
            url = f"sqlite:///{path}"
    shutil.copytree(TEMPLATE_FOLDER / "media", media, dirs_exist_ok=True)
    return url


def create_test_database() -> str:
    """The test database of this process, a copy of the template; returns the name it replaced, for destroy."""
    original = connection.settings_dict["NAME"]
    test_name = connection.creation._get_test_db_name()  # with pytest-xdist's worker suffix, or SQLite's memory
    with _locked():
        _ensure_template()
        if connection.vendor == "postgresql":
            postgres_admin(
                f'DROP DATABASE IF EXISTS "{test_name}" WITH (FORCE)',
                f'CREATE DATABASE "{test_name}" TEMPLATE "{template_name()}"',
            )
    _copy_files()
    _use(test_name)
    if connection.vendor == "sqlite":
        connection.ensure_connection()  # an in-memory database lives as long as this connection (Django keeps it)
        with closing(sqlite3.connect(TEMPLATE_FOLDER / "demo.sqlite3")) as template:
            template.backup(connection.connection)
    return original


def destroy_test_database(original: str) -> None:
    test_name = connection.settings_dict["NAME"]
    connection.close()
    if connection.vendor == "postgresql":
        postgres_admin(f'DROP DATABASE IF EXISTS "{test_name}" WITH (FORCE)')
    _use(original)


def drop_template() -> None:
    """At the end of the run, by the process that started it (pytest's, or pytest-xdist's controller)."""
    if connection.vendor == "postgresql" and (TEMPLATE_FOLDER / "built").exists():
        postgres_admin(f'DROP DATABASE IF EXISTS "{template_name()}" WITH (FORCE)')
