"""Real server and worker processes for tests that need more than one process (browser tests, fault tests)."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MANAGE = [sys.executable, str(ROOT / "manage.py")]


def free_port() -> int:
    """A free port: any, or one in TEST_PORTS ("8800-8899") when a machine shared by several runs gives each a range.

    pytest-xdist's workers share the range by turns (gw0 the first port, gw1 the second, ...): two workers probing
    the same port at once would both find it free, and one would send its requests to the other's server.
    """
    if not os.environ.get("TEST_PORTS"):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            return probe.getsockname()[1]
    first, _dash, last = os.environ["TEST_PORTS"].partition("-")
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    for port in range(int(first) + worker, int(last or first) + 1, workers):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise OSError(f"no free port in {os.environ['TEST_PORTS']}")


def runserver(port: int) -> list[str]:
    return [*MANAGE, "runserver", "--noreload", f"127.0.0.1:{port}"]


@contextmanager
def serving(
    env: dict,
    command=runserver,
    start_timeout: float = 60,
    port: int | None = None,
    ready_path: str = "/healthz",
    **popen,
):
    """A server started by `command(port)` (runserver unless said) in a subprocess with this environment, on that
    port (a free one unless said), once it answers at `ready_path`; yields its base URL."""
    port = port or free_port()
    server = subprocess.Popen(
        command(port),
        cwd=ROOT,
        env=env,
        **({"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL} | popen),
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + start_timeout
    while True:
        try:
            urllib.request.urlopen(url + ready_path, timeout=2)  # noqa: S310 (a local server of this test)
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError(f"the test server {command(port)[0]} did not start") from None
            time.sleep(0.3)
    try:
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def clone_test_database(folder: Path, suffix: str = "_live"):
    """A committed copy of the test database (the demo site) that other processes can open; returns its URL and a
    function that drops it. Called where the test database may be used (django_db_blocker.unblock())."""
    from django.db import connection

    if connection.vendor == "sqlite":
        path = folder / "live.sqlite3"
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM INTO '{path}'")
        return f"sqlite:///{path}", lambda: None
    import psycopg

    settings_dict = connection.settings_dict
    source, clone = settings_dict["NAME"], f"{settings_dict['NAME']}{suffix}"
    server = {key.lower(): settings_dict[key] for key in ("HOST", "PORT", "USER", "PASSWORD") if settings_dict[key]}
    connection.close()  # a template database must have no other session

    def run(*statements):
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            for statement in statements:
                admin.execute(statement)

    run(f'DROP DATABASE IF EXISTS "{clone}" WITH (FORCE)')
    try:
        run(f'CREATE DATABASE "{clone}" TEMPLATE "{source}"')
    except psycopg.errors.ObjectInUse:
        # A session of this worker's test database left open by a thread of an earlier test (a pool of concurrent
        # requests, a server thread) that no longer runs: an idle session, which nothing will use again, closed so
        # that the database can be a template.
        run(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            f" WHERE datname = '{source}' AND state LIKE 'idle%%' AND pid <> pg_backend_pid()",
            f'CREATE DATABASE "{clone}" TEMPLATE "{source}"',
        )
    credentials = server["user"] + (f":{server['password']}" if "password" in server else "")
    url = f"postgres://{credentials}@{server.get('host', 'localhost')}:{server.get('port', 5432)}/{clone}"
    return url, lambda: run(f'DROP DATABASE IF EXISTS "{clone}" WITH (FORCE)')
