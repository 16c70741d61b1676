"""Our site as the served benchmark runs it: the soak's settings (production, files in the run's folder) with the
SQL query count of each response in a header (tests.benchmarks.query_count)."""

from tests.benchmarks.soak_settings import *  # noqa: F403

MIDDLEWARE = ["tests.benchmarks.query_count.QueryCountMiddleware", *MIDDLEWARE]  # noqa: F405
