"""Wagtail's database search, with each language's pages indexed and searched in that language.

PostgreSQL stems words with a text-search configuration ("french" finds "partenariats" for "partenariat"), but
Wagtail's backend takes one configuration for every page. Declaring one backend per language does not help: they all
write the same index table, so the last one listed re-indexes every page in its language (wagtail/wagtail#9253). This
backend is one backend whose index picks the configuration from each page's locale (SEARCH_CONFIGS, by language
code) and whose queries are parsed in the configuration of the language being read. Other databases keep Wagtail's
own backend (SQLite does not stem, in any language).
"""

from collections import defaultdict
from copy import copy

from django.db import connection
from django.utils import translation
from modelsearch.backends.database import SearchBackend as DatabaseSearchBackend
from modelsearch.backends.database.postgres.postgres import (
    PostgresIndex,
    PostgresSearchBackend,
    PostgresSearchQueryCompiler,
)
from wagtail.models import Locale


class LanguageIndex(PostgresIndex):
    def add_items(self, model, objs):
        """Index each language's objects in its own configuration: Wagtail's indexer reads the configuration from
        the backend, so each group is indexed through a copy of the backend that carries the group's one."""
        languages = dict(Locale.objects.values_list("pk", "language_code"))
        groups = defaultdict(list)
        for obj in objs:
            groups[self.backend.config_for_language(languages.get(getattr(obj, "locale_id", None)))].append(obj)
        backend = self.backend
        try:
            for config, group in groups.items():
                self.backend = copy(backend)
                self.backend.config = config
                super().add_items(model, group)
        finally:
            self.backend = backend


class LanguageSearchQueryCompiler(PostgresSearchQueryCompiler):
    def get_config(self, backend):
        """The words typed are stemmed as the language being read stems them (autocomplete stays unstemmed)."""
        return backend.config_for_language(translation.get_language())


class LanguagePostgresSearchBackend(PostgresSearchBackend):
    index_class = LanguageIndex
    query_compiler_class = LanguageSearchQueryCompiler

    def __init__(self, params):
        super().__init__(params)
        self.configs = dict(params.get("SEARCH_CONFIGS") or {})
        self.config = self.config or "simple"  # for objects without a language, and languages not listed

    def config_for_language(self, language_code: str | None) -> str:
        if not language_code:
            return self.config
        return self.configs.get(language_code) or self.configs.get(language_code.split("-")[0]) or self.config


def SearchBackend(params):  # noqa: N802 (Wagtail looks a backend module's SearchBackend up by this name)
    if connection.vendor == "postgresql":
        return LanguagePostgresSearchBackend(params)
    return DatabaseSearchBackend(params)
