"""`make bench`: how many learners at once the site serves on this machine with p95 under 300 ms and no error.

gunicorn (4 workers as in the README's recipe, production settings, gunicorn.conf.py) on a PostgreSQL copy of the demo
site (tests.benchmarks.served), loaded by locust (tests/benchmarks/locustfile.py: logged-in learners who read, complete
lessons and take quizzes, with a pause to read between steps) in steps of more and more learners. Each step lets the
learners arrive over one reading pause, then counts BENCH_CAPACITY_SECONDS (60) of requests; the steps stop at the first
that misses the target. BENCH_CAPACITY_LEARNERS ("100,200,300,400") are the steps, BENCH_CAPACITY_THINK ("20-60") the
reading pause in seconds. The machine's load average is printed beside each step: other work on the same cores moves the
figures.
"""

import json
import os
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

import pytest

from tests.benchmarks import served
from tests.benchmarks.learner_pages import COURSE

# The README's production recipe (`gunicorn ... -w 4`): on 2 cores, 4 workers keep both busy while some wait on
# PostgreSQL. BENCH_CAPACITY_WORKERS measures another count.
WORKERS = int(os.environ.get("BENCH_CAPACITY_WORKERS", "4"))
STEPS = [int(n) for n in os.environ.get("BENCH_CAPACITY_LEARNERS", "100,200,300,400").split(",")]
SECONDS = int(os.environ.get("BENCH_CAPACITY_SECONDS", "60"))
THINK = os.environ.get("BENCH_CAPACITY_THINK", "20-60")
P95_MS, TARGET = 300, 300
DATABASE = os.environ.get("BENCH_DATABASE", "bench") + "_capacity"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    sessions = tmp_path_factory.mktemp("capacity") / "sessions.json"
    with served.demo_database(DATABASE) as (database_url, folder):
        env = served.site_environment("tests.benchmarks.soak_settings", database_url, folder)
        prepare = f"from tests.benchmarks.capacity_scene import prepare; prepare({max(STEPS)}, {str(sessions)!r})"
        subprocess.run([*served.MANAGE, "shell", "--no-imports", "-c", prepare], cwd=served.ROOT, env=env, check=True)
        with served.gunicorn(env, WORKERS) as server:
            for _worker in range(2 * WORKERS):  # each worker's caches warm, as on a site already running
                warm_up = urllib.request.Request(server.base_url + COURSE, headers=served.PROXY_HEADERS)
                urllib.request.urlopen(warm_up).close()
            yield server, sessions


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def step(server, sessions: Path, learners: int) -> dict:
    """One locust run of `learners`, arriving over one reading pause, counted for SECONDS after that."""
    arrival = float(THINK.split("-")[1])
    with tempfile.TemporaryDirectory() as folder:
        result = Path(folder) / "result.json"
        env = {
            **os.environ,
            "CAPACITY_SESSIONS": str(sessions),
            "CAPACITY_THINK": THINK,
            "CAPACITY_WARM_UP": str(arrival + 5),
            "CAPACITY_RESULT": str(result),
        }
        command = [sys.executable, "-m", "locust", "-f", "tests/benchmarks/locustfile.py", "--headless"]
        command += ["-u", str(learners), "-r", str(max(1, learners // 5)), "-t", f"{int(arrival + 5 + SECONDS)}s"]
        command += ["--host", server.base_url, "--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0"]
        subprocess.run(command, cwd=served.ROOT, env=env, check=True, capture_output=True, text=True)
        return json.loads(result.read_text())


def test_concurrent_learners_held_under_300_ms_at_p95(site):
    server, sessions = site
    lines, held = [], 0
    for learners in STEPS:
        before, workers = load_average(), served.worker_pids(server.process.pid)
        cpu = served.cpu_seconds(workers)
        figures = step(server, sessions, learners)
        cpu = served.cpu_seconds(workers) - cpu
        ok = figures["p95_ms"] < P95_MS and figures["errors"] == 0 and figures["requests"] > 0
        held = learners if ok else held
        lines.append(
            f"[bench]   {learners:4d} learners: {figures['requests']:5d} requests ({figures['per_second']:5.1f}/s), "
            f"p50 {figures['p50_ms']:5.0f} ms, p95 {figures['p95_ms']:5.0f} ms, p99 {figures['p99_ms']:5.0f} ms, "
            f"errors {figures['errors']} {figures['first_errors'][:2] if figures['errors'] else ''}| workers' CPU "
            f"{cpu * 1000 / max(1, figures['all_requests']):.0f} ms a request | load average "
            f"{before} -> {load_average()}\n[bench]         p95 by request (ms): {figures['p95_by_request']}"
        )
        if not ok:
            break
    print(
        f"\n[bench] capacity: gunicorn -w {WORKERS}, PostgreSQL, production settings, locust learners reading "
        f"{THINK} s between steps, {SECONDS} s counted per step: {held} learners hold p95 < {P95_MS} ms with no "
        f"error (target {TARGET})\n" + "\n".join(lines)
    )
