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
