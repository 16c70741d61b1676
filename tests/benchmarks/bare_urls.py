"""The bare Wagtail site of the served benchmark: every address is a page rendered by bench.bare_page_response, in
the language of its prefix (as our site's Wagtail pages are)."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import re_path

from tests.benchmarks.bare import bare_page_response

urlpatterns = i18n_patterns(re_path(r"^(?P<path>.*)$", bare_page_response))
