"""Every view of wagtail-localize is behind a guard of ours, found by URL name: an upgrade that moves a route keeps
its guard, and one that adds a route fails here until the route has an entry in curriculum.localize_guards."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from curriculum import localize_guards
from tests.helpers import FIRST_INSTITUTE, make_institute_member

# A value for each path converter, to turn a route into an address it answers.
SAMPLE_VALUES = {
    "int": "7",
    "slug": "a-slug",
    "str": "a-value",
    "path": "a/path",
    "uuid": "0" * 8 + "-0000-0000-0000-" + "0" * 12,
}


def localize_routes() -> list[tuple[str, str]]:
    """(URL name, an address it answers) for every pattern of the wagtail_localize namespace, from the resolver."""
    prefix, resolver = get_resolver().namespace_dict[localize_guards.NAMESPACE]
    routes = []

    def walk(patterns, route_prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route_prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                route = route_prefix + str(pattern.pattern)
                address = re.sub(r"<(?:(\w+):)?\w+>", lambda match: SAMPLE_VALUES[match[1] or "str"], route)
                routes.append((pattern.name, "/" + address))

    walk(resolver.url_patterns, prefix)
    return routes


def test_there_are_wagtail_localize_routes():
    names = {name for name, _address in localize_routes()}
    assert {"submit_page_translation", "upload_pofile", "translations_report"} <= names


@pytest.mark.parametrize("name,address", localize_routes())
def test_every_wagtail_localize_url_name_resolves_to_its_guard(name, address):
    """Each name is guarded, or on the commented list of harmless ones; none is left to the administrators-only
    fallback that a new route gets."""
    assert name, f"{address}: a wagtail-localize route without a name cannot be guarded by name"
    match = resolve(address)
    assert match.view_name == f"{localize_guards.NAMESPACE}:{name}", address
    guard = localize_guards.guard_of(match.func)
    assert guard is not None, f"{name} ({address}) is not behind a guard"
    if name in localize_guards.HARMLESS:
        assert guard is localize_guards.let_through
    else:
        assert name in localize_guards.GUARDS, f"{name} has no entry in GUARDS or HARMLESS"
        assert guard is localize_guards.GUARDS[name]


def test_every_entry_names_a_route():
    """An entry for a name wagtail-localize no longer has is stale (the route may have been renamed)."""
    names = {name for name, _address in localize_routes()}
    assert set(localize_guards.GUARDS) <= names
    assert set(localize_guards.HARMLESS) <= names
    assert not set(localize_guards.GUARDS) & set(localize_guards.HARMLESS)


def test_guarding_twice_wraps_once():
    from wagtail.admin import urls as wagtailadmin_urls

    before = {address: resolve(address).func for _name, address in localize_routes()}
    localize_guards.guard_wagtail_localize(wagtailadmin_urls)
    assert {address: resolve(address).func for _name, address in localize_routes()} == before


@pytest.mark.django_db
def test_a_route_without_an_entry_is_for_administrators_only(admin_user):
    """What a view a new wagtail-localize adds gets until someone gives it an entry."""
    guard = localize_guards.guard_for("a_view_added_by_an_upgrade")
    assert guard is localize_guards.administrators_only

    def view(request, **kwargs):  # stands in for wagtail-localize's view
        return HttpResponse("translated")

    for user in (AnonymousUser(), make_institute_member("moderators", FIRST_INSTITUTE)):
        request = RequestFactory().get("/admin/localize/new/")
        request.user = user
        with pytest.raises(PermissionDenied):
            guard(request, view)
    request = RequestFactory().get("/admin/localize/new/")
    request.user = admin_user
    assert guard(request, view).content == b"translated"
