"""Serving the site for a benchmark: a PostgreSQL database with the demo content, gunicorn started and stopped on a
local port, and wrk to load it.

Migrating and loading the demo takes more than a minute, so it is done once into a template database, named after
the benchmark's database with `_template` and kept with a fingerprint of the migrations and the demo content (its
COMMENT): each run copies it (CREATE DATABASE ... TEMPLATE, a second) and the template is rebuilt when either changed.
Its uploads live in var/bench/<template>/; each run works on a copy of them, with its own static files and cache.
"""

import contextlib
import hashlib
import importlib.metadata
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MANAGE = [sys.executable, "manage.py"]
# What a browser behind the TLS proxy sends (production redirects plain HTTP, and the proxy adds the client's address).
PROXY_HEADERS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "10.30.0.1", "Accept-Encoding": "gzip"}


def postgres_server_url() -> str:
    """The PostgreSQL server of DATABASE_URL when it names one, else the local one."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return url.rsplit("/", 1)[0]
    return "postgres://postgres@127.0.0.1:5432"


def _fingerprint() -> str:
    digest = hashlib.sha256()
    sources = sorted([*ROOT.glob("*/**/migrations/*.py"), *(ROOT / "curriculum" / "demo").rglob("*")])
    for path in sources:
        if path.is_file() and ".venv" not in path.parts:
            digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    for package in ("django", "wagtail", "wagtail-localize", "django-tasks", "django-tasks-db"):
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            digest.update(f"{package}={importlib.metadata.version(package)}".encode())
    return digest.hexdigest()[:32]


def site_environment(settings_module: str, database_url: str, folder: Path) -> dict[str, str]:
    """The environment of a production-settings process on that database, its files in `folder`."""
    return {
        **{key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))},
        "DJANGO_SETTINGS_MODULE": settings_module,
        "SOAK_DIR": str(folder),
        "CACHE_DIR": str(folder / "cache"),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "TRUSTED_PROXY_COUNT": "1",  # the benchmark plays the TLS proxy: X-Forwarded-For and X-Forwarded-Proto
    }


TEMPLATE_DATABASE = os.environ.get("BENCH_DATABASE", "bench") + "_template"


@contextlib.contextmanager
def demo_database(name: str):
    """Yield (database URL, files folder) of a fresh copy of the demo site: a database `name` copied from the
    template (BENCH_DATABASE + "_template") and a temporary copy of its uploads; both are removed afterwards."""
    import psycopg

    server = postgres_server_url()
    template_files = ROOT / "var" / "bench" / TEMPLATE_DATABASE
    try:
        admin = psycopg.connect(f"{server}/postgres", autocommit=True)
    except psycopg.OperationalError as error:
        raise RuntimeError(f"The benchmark needs PostgreSQL ({server}): {error}") from error
    with admin, tempfile.TemporaryDirectory(prefix=f"{name}-") as folder:
        fingerprint = _fingerprint()
        kept = admin.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [TEMPLATE_DATABASE]
        ).fetchone()
        if kept is None or kept[0] != fingerprint:
            admin.execute(f'DROP DATABASE IF EXISTS "{TEMPLATE_DATABASE}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{TEMPLATE_DATABASE}"')
            shutil.rmtree(template_files, ignore_errors=True)
            template_files.mkdir(parents=True)
            env = site_environment("tests.benchmarks.soak_settings", f"{server}/{TEMPLATE_DATABASE}", template_files)
            for command in (["migrate", "--no-input"], ["load_demo"]):
                subprocess.run([*MANAGE, *command, "-v", "0"], cwd=ROOT, env=env, check=True, capture_output=True)
            admin.execute(f"COMMENT ON DATABASE \"{TEMPLATE_DATABASE}\" IS '{fingerprint}'")
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE_DATABASE}"')
        folder = Path(folder)
        if template_files.is_dir():
            shutil.copytree(template_files, folder, dirs_exist_ok=True)
        database_url = f"{server}/{name}"
        env = site_environment("tests.benchmarks.soak_settings", database_url, folder)
        subprocess.run([*MANAGE, "collectstatic", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True)
        try:
            yield database_url, folder
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    """A port for a server: the next of BENCH_PORTS ("8150-8159") when set, else one the system gives."""
    wanted = os.environ.get("BENCH_PORTS", "")
    if re.fullmatch(r"\d+-\d+", wanted):
        first, last = map(int, wanted.split("-"))
        for port in range(first, last + 1):
            with socket.socket() as probe, contextlib.suppress(OSError):
                probe.bind(("127.0.0.1", port))
                return port
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    base_url: str


@contextlib.contextmanager
def gunicorn(env: dict[str, str], workers: int):
    """gunicorn with the project's configuration (gunicorn.conf.py) on a free local port, until the block ends."""
    port = free_port()
    process = subprocess.Popen(
        [*MANAGE[:1], "-m", "gunicorn", "-c", "gunicorn.conf.py", "lms.wsgi", "-w", str(workers)]
        + ["-b", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("gunicorn did not start: " + (process.stderr.read() if process.stderr else ""))
                time.sleep(0.2)
        yield Server(process, f"http://127.0.0.1:{port}")
    finally:
        process.terminate()
        _out, log = process.communicate(timeout=30)
        if "Traceback" in log:
            raise AssertionError(log[-3000:])


def worker_pids(master: int) -> list[int]:
    """The processes gunicorn's master `master` started: its workers."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            children.append(int(stat.parent.name))
    return sorted(children)


def cpu_seconds(pids: list[int]) -> float:
    """The CPU time (user and system) these processes have used so far: what serving cost them, whatever else the
    machine was doing meanwhile."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / ticks


@dataclass
class Load:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    failures: int  # non-2xx/3xx answers and socket errors


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, headers: dict[str, str], *, seconds: int, connections: int) -> Load:
    """Load `url` with wrk for `seconds` with `connections` clients back to back (no think time)."""
    command = ["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds}s", "--latency", "--timeout", "10s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], check=True, capture_output=True, text=True).stdout
    percentiles = {
        percent: float(number) * _UNITS[unit]
        for percent, number, unit in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
    }
    throughput = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if throughput is None or len(percentiles) != 2:
        raise RuntimeError(f"wrk's output was not understood:\n{output}")
    failures = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    failures += sum(map(int, errors.groups())) if errors else 0
    return Load(float(throughput.group(1)), percentiles["50"], percentiles["99"], failures)
