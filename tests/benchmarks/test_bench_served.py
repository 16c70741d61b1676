"""`make bench`: our pages served for real against the floor, side by side in one run.

Two gunicorns (2 workers each, production settings, gunicorn.conf.py) on one PostgreSQL copy of the demo site: our
site, and a bare Wagtail site serving the same French lesson body (tests.benchmarks.bare). wrk loads one address at
a time, in rounds that interleave every address, so that what else the machine does hits them alike; each address's
throughput is divided by the bare page's and by the static file's of the same round, and the medians of the rounds are
printed, with p50/p99 latency, the response size and its SQL queries (an X-Query-Count header,
tests.benchmarks.query_count). Anonymous pages come from their kept copies (lms.anonymous_pages): no query.

BENCH_SERVED_SECONDS (3, whole seconds) is the length of each load, BENCH_SERVED_ROUNDS (3) their number: about a
minute in all, after a few seconds to copy the demo database (the first run builds its template: a minute or two).
"""

import gzip
import json
import os
import statistics
import subprocess
import urllib.request

import pytest

from tests.benchmarks import served

WORKERS = 2
CONNECTIONS = 4  # two per worker: each always has the next request waiting
SECONDS = int(os.environ.get("BENCH_SERVED_SECONDS", "3"))
ROUNDS = int(os.environ.get("BENCH_SERVED_ROUNDS", "3"))
DATABASE = os.environ.get("BENCH_DATABASE", "bench") + "_served"
PROXY_HEADERS = served.PROXY_HEADERS


@pytest.fixture(scope="module")
def sites():
    with served.demo_database(DATABASE) as (database_url, folder):
        ours = served.site_environment("tests.benchmarks.served_settings", database_url, folder)
        bare = served.site_environment("tests.benchmarks.bare_settings", database_url, folder)
        scene = subprocess.run(
            [
                *served.MANAGE,
                "shell",
                "--no-imports",
                "-c",
                "from tests.benchmarks.served_scene import prepare; prepare()",
            ],
            cwd=served.ROOT,
            env=ours,
            check=True,
            capture_output=True,
            text=True,
        )
        addresses = json.loads(scene.stdout.strip().splitlines()[-1])
        with served.gunicorn(ours, WORKERS) as our_server, served.gunicorn(bare, WORKERS) as bare_server:
            yield addresses, our_server.base_url, bare_server.base_url


def fetch(url: str, headers: dict[str, str]) -> tuple[int, str, int]:
    """(SQL queries, body, bytes sent) of one request."""
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as response:
        raw = response.read()
        body = gzip.decompress(raw) if response.headers.get("Content-Encoding") == "gzip" else raw
        assert response.status == 200, url
        return int(response.headers.get("X-Query-Count", "0")), body.decode(), len(raw)


def test_served_pages_against_a_bare_wagtail_page(sites):
    addresses, ours, bare = sites
    learner = {**PROXY_HEADERS, "Cookie": f"sessionid={addresses['session']}"}
    targets = {  # label: (url, headers)
        "bare Wagtail page": (bare + "/fr" + addresses["lesson_without_prefix"], PROXY_HEADERS),
        "lesson, logged in": (ours + addresses["lesson"], learner),
        "lesson, anonymous": (ours + addresses["lesson"], PROXY_HEADERS),
        "course, logged in": (ours + addresses["course"], learner),
        "course, anonymous": (ours + addresses["course"], PROXY_HEADERS),
        "catalogue, logged in": (ours + addresses["catalogue"], learner),
        "catalogue, anonymous": (ours + addresses["catalogue"], PROXY_HEADERS),
        "home, anonymous": (ours + addresses["home"], PROXY_HEADERS),
        "My learning": (ours + addresses["dashboard"], learner),
        "static file": (ours + "/static/css/site.css", PROXY_HEADERS),
    }
    facts = {}
    for label, (url, headers) in targets.items():
        for _worker in range(2 * WORKERS):  # warm every worker: templates, per-process caches, the lesson started
            fetch(url, headers)
        facts[label] = fetch(url, headers)
    assert "Mark as complete" not in facts["lesson, logged in"][1]  # the French page, not an English fallback
    assert 'action="/fr/learning/lessons/' in facts["lesson, logged in"][1], "the learner's session is not used"
    assert 'action="/fr/learning/lessons/' not in facts["lesson, anonymous"][1]
    assert addresses["title"] in facts["bare Wagtail page"][1]
    assert all(facts[label][0] == 0 for label in targets if label.endswith("anonymous")), "a kept copy makes no query"

    loads = {label: [] for label in targets}
    for round_number in range(ROUNDS):
        order = list(targets)[round_number % len(targets) :] + list(targets)[: round_number % len(targets)]
        for label in order:
            url, headers = targets[label]
            loads[label].append(served.wrk(url, headers, seconds=SECONDS, connections=CONNECTIONS))

    def ratios(runs, reference: str) -> float:
        """The median over the rounds of this address's throughput divided by the reference's in the same round."""
        bases = (load.requests_per_second for load in loads[reference])
        return statistics.median(run.requests_per_second / base for run, base in zip(runs, bases, strict=True))

    lines = [
        f"\n[bench] served: gunicorn -w {WORKERS} x 2 sites, PostgreSQL, production settings, wrk -c {CONNECTIONS}, "
        f"{ROUNDS} interleaved rounds of {SECONDS:g} s (medians; ratios = throughput / the bare page's and the "
        "static file's in the same round)"
    ]
    for label, runs in loads.items():
        queries, _body, size = facts[label]
        lines.append(
            f"[bench]   {label:<22} {statistics.median(r.requests_per_second for r in runs):7.1f} req/s  "
            f"{ratios(runs, 'bare Wagtail page'):6.2f}x bare {ratios(runs, 'static file'):5.2f}x static  "
            f"p50 {statistics.median(r.p50_ms for r in runs):6.1f} ms  "
            f"p99 {statistics.median(r.p99_ms for r in runs):6.1f} ms  {queries:2d} queries  {size / 1024:6.1f} KB sent"
        )
    print("\n".join(lines))
    assert all(run.failures == 0 for runs in loads.values() for run in runs), {
        label: [run.failures for run in runs] for label, runs in loads.items()
    }
