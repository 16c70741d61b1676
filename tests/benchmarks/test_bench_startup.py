"""`make bench`: what `make run` costs on a fresh checkout, step by step, and the first page after it.

A clone of this repository's last commit in a temporary folder, with this checkout's virtual environment (`make
run` would install it first: not timed here, it is the network's time) and a new SQLite file: the steps of `make
demo` (compilemessages, migrate, load_demo, demo_accounts, demo_workshop), then `runserver` (without the
auto-reloader) until the home page answers, the first page's own time and the next one's. About two minutes.
"""

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from tests.benchmarks import served

STEPS = {
    "compilemessages": ["compilemessages", "--ignore=.venv", "-v", "0"],
    "migrate": ["migrate", "--no-input", "-v", "0"],
    "load_demo": ["load_demo"],
    "demo_accounts": ["demo_accounts"],
    "demo_workshop": ["demo_workshop"],
}


def _get(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        response.read()
        assert response.status == 200, url
    return time.perf_counter() - started


def test_make_run_on_a_fresh_checkout_and_the_first_page():
    with tempfile.TemporaryDirectory(prefix="academy-startup-") as folder:
        checkout = Path(folder) / "academy"
        subprocess.run(["git", "clone", "--quiet", str(served.ROOT), str(checkout)], check=True)
        (checkout / ".venv").symlink_to(served.ROOT / ".venv")
        env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))}
        manage = [sys.executable, "manage.py"]
        timings = {}
        for name, arguments in STEPS.items():
            started = time.perf_counter()
            subprocess.run([*manage, *arguments], cwd=checkout, env=env, check=True, capture_output=True)
            timings[name] = time.perf_counter() - started

        port = served.free_port()
        started = time.perf_counter()
        server = subprocess.Popen(
            [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=checkout,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            while True:
                try:
                    first = _get(f"http://127.0.0.1:{port}/")
                    break
                except OSError:
                    assert server.poll() is None and time.perf_counter() - started < 60, "runserver did not start"
                    time.sleep(0.1)
            to_first_page = time.perf_counter() - started
            second = _get(f"http://127.0.0.1:{port}/")
        finally:
            server.terminate()
            server.wait(timeout=30)

    demo = sum(timings.values())
    print(
        f"\n[bench] startup on a fresh checkout (SQLite): make demo {demo:.0f} s ("
        + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items())
        + f") | runserver to the home page {to_first_page:.1f} s (the first page itself {first * 1000:.0f} ms, the "
        f"next {second * 1000:.0f} ms) | make run to a page: {demo + to_first_page:.0f} s | load average "
        + " ".join(Path("/proc/loadavg").read_text().split()[:3])
    )
