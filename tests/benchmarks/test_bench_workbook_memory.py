"""`make bench`: a very large workbook's peak resident memory and pages per second, built in a process of its own
(tests.benchmarks.workbook_scene) on a PostgreSQL copy of the demo site (tests.benchmarks.served).

BENCH_WORKBOOK_PAGES (1000) is its size: the demo course's modules repeated until the workbook has about that many
pages. The budget: under 500 MiB resident at its peak (printed, not asserted, like every figure of `make bench`).
The build lays out one part (a module) at a time and lets it go once drawn (lms.pdf.parts), so what grows with the
pages is only what the file itself holds until it is written.
"""

import json
import os
import subprocess

import pytest

from tests.benchmarks import served

PAGES = int(os.environ.get("BENCH_WORKBOOK_PAGES", "1000"))
DATABASE = os.environ.get("BENCH_DATABASE", "bench") + "_workbook"
BUDGET_MIB = 500


@pytest.fixture(scope="module")
def site():
    with served.demo_database(DATABASE) as (database_url, folder):
        yield served.site_environment("tests.benchmarks.soak_settings", database_url, folder)


def built(env, pages: int, pages_of_one: int) -> dict:
    command = f"from tests.benchmarks.workbook_scene import build; build({pages}, {pages_of_one})"
    result = subprocess.run(
        [*served.MANAGE, "shell", "--no-imports", "-c", command],
        cwd=served.ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_thousand_page_workbook_in_bounded_memory(site):
    one = built(site, 1, 1)  # the demo course once: how many pages a copy makes, and a small build's memory
    large = built(site, PAGES, one["pages"])
    print(
        f"\n[bench] workbook memory (fr facilitator, PDF/A-3u, own process): demo course {one['pages']} pages, "
        f"{one['pages'] / one['cpu_seconds']:.1f} pages per CPU second, peak {one['peak_mib']:.0f} MiB | "
        f"{large['pages']} pages in {large['seconds']:.0f} s ({large['cpu_seconds']:.0f} s CPU, "
        f"{large['pages'] / large['cpu_seconds']:.1f} pages per CPU second), peak resident {large['peak_mib']:.0f} MiB "
        f"(before the build {large['peak_before_mib']:.0f}; budget {BUDGET_MIB}"
        f"{'' if large['peak_mib'] < BUDGET_MIB else ', OVER'}), {large['bytes'] / 2**20:.1f} MiB of PDF"
    )
