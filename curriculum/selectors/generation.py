"""When what is cached of the page tree goes stale: course structures, course sequences (the pager), language links.

Each is cached under a key holding the generation number, which moves on whenever a page is published, unpublished,
moved or deleted (curriculum.signals): nothing read before is read again, and old entries expire on their own. The
number lives in the shared cache, so every worker and machine sees the change at once.
"""

import time

from django.core.cache import cache

GENERATION = "curriculum:structure-generation"


def _fresh_generation() -> int:
    # Never a number used before: if the cache dropped the counter, old entries must not come back.
    return time.time_ns()


def next_structure_generation() -> None:
    """Every cached read of the page tree is stale from now on."""
    try:
        cache.incr(GENERATION)
    except ValueError:
        cache.set(GENERATION, _fresh_generation(), None)


def structure_generation() -> int:
    """The number every cached read of the page tree is keyed by."""
    return cache.get_or_set(GENERATION, _fresh_generation, None)


_kept_in_process: dict[str, tuple[int, object]] = {}


def kept_per_generation(name: str, compute):
    """`compute()`, kept in this process until the structure generation moves on: for what every request reads and
    almost never changes (the sites, their home pages, the locales), where even a cache round trip per item would
    cost more than the query. Each process rebuilds it once after a change; the generation itself is shared."""
    generation = structure_generation()
    kept = _kept_in_process.get(name)
    if kept is None or kept[0] != generation:
        kept = _kept_in_process[name] = (generation, compute())
    return kept[1]
