"""Every language in settings.LANGUAGES has its content locale and a page tree mirroring the source language's.

A language added to settings is reachable at once: `manage.py migrate` (through the post_migrate receiver below) or
`manage.py sync_languages` creates its Wagtail Locale, tells wagtail-localize to mirror the default language's tree
into it from now on (a LocaleSynchronization), and mirrors what exists today: each page not yet translated becomes
an alias, which shows the source text with the fallback notice, so links on /sw/ pages stay on /sw/. `migrate` mirrors
into new languages only (reading the whole tree costs queries per page); `sync_languages` into every one. Nothing is
ever removed: a language taken out of settings keeps its pages (and the learning records pointing at them).
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from wagtail.models import Locale, Page
from wagtail_localize.models import LocaleSynchronization
from wagtail_localize.synctree import PageIndex, synchronize_tree


@dataclass
class LocalesReport:
    locales_created: list[str] = field(default_factory=list)
    pages_mirrored: dict[str, int] = field(default_factory=dict)  # language code: aliases created


@transaction.atomic
def content_locales_sync(*, mirror_all: bool = False) -> LocalesReport:
    """Create what settings.LANGUAGES asks for and is missing, and mirror the default language's tree into each
    language new to synchronisation; with `mirror_all`, into every language (pages made outside the admin, which
    wagtail-localize does not mirror by itself: the demo loader's). Safe to run at any time: it only adds."""
    report = LocalesReport()
    codes = [code for code, _name in settings.LANGUAGES]
    existing = set(Locale.objects.values_list("language_code", flat=True))
    for code in codes:
        if code not in existing:
            Locale.objects.create(language_code=code)
            report.locales_created.append(code)
    source = Locale.get_default()
    targets = list(Locale.objects.filter(language_code__in=codes).exclude(pk=source.pk))
    synchronised = set(LocaleSynchronization.objects.values_list("locale_id", flat=True))
    new = [locale for locale in targets if locale.pk not in synchronised]
    # bulk_create skips wagtail-localize's post_save receiver, which would mirror each tree once more right away.
    LocaleSynchronization.objects.bulk_create(LocaleSynchronization(locale=locale, sync_from=source) for locale in new)
    to_mirror = targets if mirror_all else new
    if not to_mirror or not Page.objects.filter(locale=source, depth__gt=1).exists():
        return report
    page_index = PageIndex.from_database().sort_by_tree_position()  # two queries a page: only when needed
    for locale in to_mirror:
        before = Page.objects.filter(locale=locale).count()
        synchronize_tree(source, locale, page_index=page_index)
        added = Page.objects.filter(locale=locale).count() - before
        if added:
            report.pages_mirrored[locale.language_code] = added
    return report


def sync_after_migrate(*, using=DEFAULT_DB_ALIAS, **_signal_kwargs) -> None:
    """post_migrate: once the database is fully migrated (not when migrating back to an older state, whose tables
    would not match the models used here)."""
    executor = MigrationExecutor(connections[using])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return
    content_locales_sync()
