"""Guards in front of wagtail-localize's admin views, keyed by URL name.

wagtail-localize checks only the model-wide "submit translation" permission before it translates or syncs an object
it is given by id; the guards add the check an institute needs (curriculum.permissions): may this user change that
page or snippet? Some also check input wagtail-localize would store as it comes.

`guard_wagtail_localize` (called by lms/urls.py on Wagtail's admin URLs) wraps the view of every pattern in the
`wagtail_localize` URL namespace with the guard GUARDS names for its URL name. Keyed by name, not by path, a route an
upgrade moves keeps its guard. A name in HARMLESS is let through, with the reason it needs no guard; a name in
neither (a view a new wagtail-localize adds) is for site administrators only until it is given an entry, and
tests/test_localize_guards.py fails until then.
"""

import io
from functools import wraps

import polib
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist, PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponseNotAllowed, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import URLPattern, URLResolver, reverse
from django.utils.translation import gettext as _
from wagtail.admin.views.pages.utils import get_valid_next_url_from_request
from wagtail.models import Page
from wagtail.snippets.views.snippets import get_snippet_model_from_url_params
from wagtail_localize.models import StringSegment, Translation, TranslationSource

from curriculum import translation
from curriculum.permissions import can_change, can_start_page_translation, can_update_translations

NAMESPACE = "wagtail_localize"

# Each guard is called as guard(request, view, **url_kwargs) in place of wagtail-localize's `view` (as Wagtail's admin
# decorated it: admin access, never cached), and calls it, or refuses.


def submit_page_translation(request, view, page_id: int):
    page = get_object_or_404(Page, pk=page_id).specific
    if not can_start_page_translation(request.user, page):
        raise PermissionDenied
    return view(request, page_id=page_id)


def submit_snippet_translation(request, view, app_label: str, model_name: str, pk: str):
    model = get_snippet_model_from_url_params(app_label, model_name)
    if not can_change(request.user, get_object_or_404(model, pk=pk)):
        raise PermissionDenied
    return view(request, app_label=app_label, model_name=model_name, pk=pk)


def update_translations(request, view, translation_source_id: int):
    source = get_object_or_404(TranslationSource, pk=translation_source_id)
    publish = bool(request.POST.get("publish_translations"))
    if not can_update_translations(request.user, source.get_source_instance(), publish=publish):
        raise PermissionDenied
    return view(request, translation_source_id=translation_source_id)


def _translation_to_change(user, translation_id: int) -> Translation:
    """The translation, if the user may change what it translates. The translation editor's endpoints check the
    model-wide permission for snippets: this checks the translated object itself (another institute, say)."""
    translation_record = get_object_or_404(Translation, pk=translation_id)
    try:
        target = translation_record.get_target_instance()
    except ObjectDoesNotExist:  # not made yet: whoever may change the source may translate it
        target = translation_record.source.get_source_instance()
    if not can_change(user, target):
        raise PermissionDenied
    return translation_record


def translation_editor(request, view, translation_id: int, **kwargs):
    _translation_to_change(request.user, translation_id)
    return view(request, translation_id=translation_id, **kwargs)


def edit_string_translation(request, view, translation_id: int, string_segment_id: int):
    """The translation editor saves a string as typed: one longer than its field (a page title over 255 characters)
    fails in the database. Refused here; the editor marks the string as not saved."""
    translation_record = _translation_to_change(request.user, translation_id)
    if request.method == "PUT":
        segment = get_object_or_404(StringSegment.objects.select_related("context"), pk=string_segment_id)
        if request.content_type == "multipart/form-data":
            fields, _files = request.parse_file_upload(request.META, io.BytesIO(request.body))
        else:
            fields = QueryDict(request.body)
        value = fields.get("value", "")
        limit = translation.field_limit(
            translation_record.source.specific_content_type.model_class(), segment.context.path
        )
        if limit is not None and len(value) > limit:
            message = _("This translation has %(length)d characters, more than the %(limit)d its field holds.") % {
                "length": len(value),
                "limit": limit,
            }
            return JsonResponse({"error": message}, status=400)
    return view(request, translation_id=translation_id, string_segment_id=string_segment_id)


def upload_pofile(request, view, translation_id: int):
    """ "Upload PO file" reads the file's header without checking it is there (a KeyError) and stores every string as
    it comes (a NUL, or a title over 255 characters, fails in the database): check the file first, then hand it on
    without the strings that cannot be stored, saying which were left out."""
    translation_record = _translation_to_change(request.user, translation_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    back = get_valid_next_url_from_request(request) or reverse("wagtailadmin_home")
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose the PO file to upload."))
        return redirect(back)
    if upload.size > translation.MAX_PO_SIZE:
        messages.error(request, _("This file is larger than 5 MB: it is not a course's PO file."))
        return redirect(back)
    try:
        po = translation.po_parse(upload.read())
    except translation.POImportError as error:
        messages.error(request, str(error))
        return redirect(back)
    if po.metadata.get("X-WagtailLocalize-TranslationID") != str(translation_record.uuid):
        messages.error(
            request,
            _(
                "This PO file was not downloaded from this translation. Download the PO file here, translate it and "
                "upload that file."
            ),
        )
        return redirect(back)
    model = translation_record.source.specific_content_type.model_class()
    storable = polib.POFile()
    storable.metadata = po.metadata
    problems = []
    for entry in po:
        problem = translation.po_entry_problem(model, entry)
        if problem:
            problems.append(problem)
        else:
            storable.append(entry)
    for problem in problems[:5]:  # as many as the course import shows
        messages.warning(request, problem)
    request.FILES["file"] = SimpleUploadedFile(upload.name, str(storable).encode(), "text/x-gettext-translation")
    return view(request, translation_id=translation_id)


def translations_report_moved(request, view, **kwargs):
    """wagtail-localize's report lists every institute's translations: ours lists the user's courses."""
    return redirect("course_translations:index")


def let_through(request, view, **kwargs):
    return view(request, **kwargs)


def administrators_only(request, view, **kwargs):
    """For a view no entry below names yet: refused to everyone but site administrators."""
    if not request.user.is_superuser:
        raise PermissionDenied
    return view(request, **kwargs)


GUARDS = {
    "submit_page_translation": submit_page_translation,
    "submit_snippet_translation": submit_snippet_translation,
    "update_translations": update_translations,
    "edit_string_translation": edit_string_translation,
    "edit_override": translation_editor,
    "download_pofile": translation_editor,
    "upload_pofile": upload_pofile,
    "machine_translate": translation_editor,
    "preview_translation": translation_editor,
    "stop_translation": translation_editor,
    "translations_report": translations_report_moved,
    "translations_report_results": translations_report_moved,
}

# URL names whose views need no guard of ours, and why.
HARMLESS = {
    "javascript_catalog": "the translation editor's interface strings, the same for everyone",
    "convert_to_alias": "it checks itself that the user may edit the page (wagtail_localize.views.convert)",
    "snippets_api_listing": "snippet titles for the translation editor's choosers: institutes' and ILM elements' "
    "names, which are public",
    "snippets_api_detail": "one snippet's title, as snippets_api_listing",
}


def guard_for(url_name: str):
    if url_name in GUARDS:
        return GUARDS[url_name]
    return let_through if url_name in HARMLESS else administrators_only


def _guarded(url_name: str, view):
    guard = guard_for(url_name)

    @wraps(view)
    def guarded_view(request, *args, **kwargs):
        return guard(request, view, *args, **kwargs)

    guarded_view.localize_guard = guard
    return guarded_view


def guard_of(view):
    """The guard a resolved view goes through (None: it is not one of wagtail-localize's, or it is unguarded)."""
    return getattr(view, "localize_guard", None)


def _patterns(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            yield pattern


def _namespace_resolvers(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == NAMESPACE:
                yield pattern
            else:
                yield from _namespace_resolvers(pattern.url_patterns)


def guard_wagtail_localize(urlconf_module):
    """Put each view of the wagtail_localize namespace in `urlconf_module` (Wagtail's admin URLs) behind its guard;
    returns the module, for include(). Each view is wrapped once, however many times the URLs are loaded."""
    resolvers = list(_namespace_resolvers(urlconf_module.urlpatterns))
    if not resolvers:
        raise ImproperlyConfigured(f"No {NAMESPACE!r} URL namespace in {urlconf_module.__name__}: nothing to guard.")
    for resolver in resolvers:
        for pattern in _patterns(resolver.url_patterns):
            if guard_of(pattern.callback) is None:
                pattern.callback = _guarded(pattern.name, pattern.callback)
    return urlconf_module
