"""Admin pages for an institute's course translations, and guards in front of wagtail-localize's views.

wagtail-localize checks only the model-wide "submit translation" permission before it translates or syncs an object
it is given by id; the guards add the check an institute needs: may this user edit that page or snippet?
"""

import io

import polib
from django import forms
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.pages.utils import get_valid_next_url_from_request
from wagtail.models import Locale, Page
from wagtail.permissions import policy_registry
from wagtail.snippets.views.snippets import get_snippet_model_from_url_params
from wagtail_localize.models import StringSegment, Translation, TranslationSource
from wagtail_localize.views import edit_translation, submit_translations, update_translations

from curriculum import admin_overrides, translation
from curriculum.admin_scope import ADMIN_ROLES
from curriculum.institutes import institute_keys_of
from curriculum.models import CoursePage

MAX_PO_SIZE = 5 * 1024 * 1024


def _page_for_editing(user, page_id: int) -> Page:
    page = get_object_or_404(Page, pk=page_id).specific
    if not page.permissions_for_user(user).can_edit():
        raise PermissionDenied
    return page


def _course_for_editing(user, course_id: int) -> CoursePage:
    course = _page_for_editing(user, course_id)
    if not isinstance(course, CoursePage) or course.alias_of_id:
        raise PermissionDenied
    return course


def _locale(language_code: str) -> Locale:
    return get_object_or_404(Locale, language_code=language_code)


class CourseTranslationsIndexView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "curriculum/admin/translations_index.html"
    page_title = gettext_lazy("Course translations")
    header_icon = "site"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        courses = CoursePage.objects.filter(
            locale=Locale.get_default(),
            alias_of__isnull=True,
            institute__translation_key__in=institute_keys_of(self.request.user, ADMIN_ROLES),
        ).order_by("path")
        context["courses"] = [(course, translation.course_translation_status(course)[1]) for course in courses]
        return context


class POUploadForm(forms.Form):
    po_file = forms.FileField(label=gettext_lazy("Translated PO file"))

    def clean_po_file(self):
        upload = self.cleaned_data["po_file"]
        if not upload.name.lower().endswith(".po"):
            raise forms.ValidationError(_("Choose a .po file: the one you exported, translated."))
        if upload.size > MAX_PO_SIZE:
            raise forms.ValidationError(_("This file is larger than 5 MB: it is not a course's PO file."))
        return upload


class CourseTranslationsView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "curriculum/admin/course_translations.html"
    header_icon = "site"

    def dispatch(self, request, *args, **kwargs):
        self.course = _course_for_editing(request.user, kwargs["course_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Translations of “%(course)s”") % {"course": self.course.title}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("course_translations:index"), "label": _("Course translations")},
            {"url": "", "label": self.course.title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows, summaries = translation.course_translation_status(self.course)
        context.update(
            course=self.course,
            rows=rows,
            summaries=summaries,
            upload_form=kwargs.get("upload_form") or POUploadForm(),
            can_publish=self.course.permissions_for_user(self.request.user).can_publish(),
        )
        return context


@require_POST  # it starts the language's translation records
def export_po(request, course_id: int, language_code: str):
    course = _course_for_editing(request.user, course_id)
    locale = _locale(language_code)
    po = translation.course_po_export(course, locale)
    response = HttpResponse(str(po), content_type="text/x-gettext-translation; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{course.slug}.{locale.language_code}.po"'
    return response


@require_POST
def import_po(request, course_id: int, language_code: str):
    course = _course_for_editing(request.user, course_id)
    locale = _locale(language_code)
    form = POUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("po_file", []):
            messages.error(request, error)
        return redirect("course_translations:course", course_id=course.pk)
    try:
        report = translation.course_po_import(course, locale, form.cleaned_data["po_file"].read(), user=request.user)
    except translation.POImportError as error:
        messages.error(request, str(error))
        return redirect("course_translations:course", course_id=course.pk)
    messages.success(
        request,
        _(
            "%(strings)d translated strings imported into %(pages)d pages. They reach learners when a moderator "
            "publishes the translation."
        )
        % {"strings": report.imported, "pages": report.pages},
    )
    for problem in report.skipped[:5]:
        messages.warning(request, problem)
    return redirect("course_translations:course", course_id=course.pk)


@require_POST
def publish_translations(request, course_id: int, language_code: str):
    course = _course_for_editing(request.user, course_id)
    if not course.permissions_for_user(request.user).can_publish():
        raise PermissionDenied
    locale = _locale(language_code)
    report = translation.course_translations_publish(course, locale, user=request.user)
    messages.success(request, _("%(pages)d translated pages published.") % {"pages": report.published})
    for problem in report.refused[:5]:
        messages.warning(request, problem)
    return redirect("course_translations:course", course_id=course.pk)


@require_POST
def update_from_source(request, course_id: int):
    """Read the source pages' strings again where they changed since: the translations then show what is new."""
    course = _course_for_editing(request.user, course_id)
    updated = translation.course_sources_update(course)
    messages.success(request, _("%(pages)d pages updated from the source.") % {"pages": updated})
    return redirect("course_translations:course", course_id=course.pk)


urlpatterns = [
    path("", CourseTranslationsIndexView.as_view(), name="index"),
    path("<int:course_id>/", CourseTranslationsView.as_view(), name="course"),
    path("<int:course_id>/update/", update_from_source, name="update"),
    path("<int:course_id>/<str:language_code>/po/", export_po, name="export"),
    path("<int:course_id>/<str:language_code>/po/import/", import_po, name="import"),
    path("<int:course_id>/<str:language_code>/publish/", publish_translations, name="publish"),
]


# -- guards in front of wagtail-localize ----------------------------------------------------------------------------


def _may_change(user, instance) -> bool:
    if isinstance(instance, Page):
        return instance.permissions_for_user(user).can_edit()
    return policy_registry.get_by_type(type(instance)).user_has_permission_for_instance(user, "change", instance)


def guarded_page_translation(request, page_id: int):
    """Starting a translation turns the language's aliases into pages with whatever strings translation memory holds,
    and they are live (wagtail-localize writes the live row): so only those who may publish the page start one.
    Editors translate through the course's PO file and the translation editor; a moderator publishes."""
    page = _page_for_editing(request.user, page_id)
    if not page.permissions_for_user(request.user).can_publish():
        raise PermissionDenied
    return submit_translations.SubmitPageTranslationView.as_view()(request, page_id=page_id)


def guarded_snippet_translation(request, app_label: str, model_name: str, pk: str):
    model = get_snippet_model_from_url_params(app_label, model_name)
    if not _may_change(request.user, get_object_or_404(model, pk=pk)):
        raise PermissionDenied
    return submit_translations.SubmitSnippetTranslationView.as_view()(
        request, app_label=app_label, model_name=model_name, pk=pk
    )


def guarded_update_translations(request, translation_source_id: int):
    source = get_object_or_404(TranslationSource, pk=translation_source_id)
    instance = source.get_source_instance()
    if isinstance(instance, Page):
        permissions = instance.permissions_for_user(request.user)
        if not permissions.can_edit() or (request.POST.get("publish_translations") and not permissions.can_publish()):
            raise PermissionDenied
    elif not _may_change(request.user, instance):
        raise PermissionDenied
    return update_translations.UpdateTranslationsView.as_view()(request, translation_source_id=translation_source_id)


def _guarded_by_target(view):
    """wagtail-localize's translation editor endpoints check the model-wide permission for snippets: check the
    translated object itself (another institute's institute snippet, say)."""

    def guarded(request, translation_id: int, **kwargs):
        translation_record = get_object_or_404(Translation, pk=translation_id)
        try:
            target = translation_record.get_target_instance()
        except ObjectDoesNotExist:  # not made yet: whoever may change the source may translate it
            target = translation_record.source.get_source_instance()
        if not _may_change(request.user, target):
            raise PermissionDenied
        return view(request, translation_id=translation_id, **kwargs)

    return guarded


@require_POST
def checked_po_upload(request, translation_id: int):
    """wagtail-localize's "Upload PO file" reads the file's header without checking it is there (a KeyError) and
    stores every string as it comes (a NUL, or a title over 255 characters, fails in the database): check the file
    first, then hand it on without the strings that cannot be stored, saying which were left out."""
    translation_record = get_object_or_404(Translation, pk=translation_id)
    back = get_valid_next_url_from_request(request) or reverse("wagtailadmin_home")
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose the PO file to upload."))
        return redirect(back)
    if upload.size > MAX_PO_SIZE:
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
    return edit_translation.upload_pofile(request, translation_id=translation_id)


def checked_string_edit(request, translation_id: int, string_segment_id: int):
    """wagtail-localize's translation editor saves a string as typed: one longer than its field (a page title over
    255 characters) fails in the database. Refused here; the editor marks the string as not saved."""
    if request.method == "PUT":
        translation_record = get_object_or_404(Translation, pk=translation_id)
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
    return edit_translation.edit_string_translation(
        request, translation_id=translation_id, string_segment_id=string_segment_id
    )


def translations_report_moved(request):
    """wagtail-localize's report lists every institute's translations: ours lists the user's courses."""
    return redirect("course_translations:index")


# Included by lms/urls.py before Wagtail's admin URLs, so they answer these paths first.
admin_guard_patterns = admin_overrides.urlpatterns + [
    path("admin/localize/submit/page/<int:page_id>/", guarded_page_translation),
    path("admin/localize/submit/snippet/<slug:app_label>/<slug:model_name>/<str:pk>/", guarded_snippet_translation),
    path("admin/localize/update/<int:translation_source_id>/", guarded_update_translations),
    *(
        path(f"admin/localize/translate/<int:translation_id>/{rest}", _guarded_by_target(view))
        for rest, view in (
            ("strings/<int:string_segment_id>/edit/", checked_string_edit),
            ("overrides/<int:overridable_segment_id>/edit/", edit_translation.edit_override),
            ("pofile/download/", edit_translation.download_pofile),
            ("pofile/upload/", checked_po_upload),
            ("machine_translate/", edit_translation.machine_translate),
            ("preview/", edit_translation.preview_translation),
            ("preview/<str:mode>/", edit_translation.preview_translation),
            ("disable/", edit_translation.stop_translation),
        )
    ),
    path("admin/localize/reports/translations/", translations_report_moved),
    path("admin/localize/reports/translations/results/", translations_report_moved),
]
localize_guard_patterns = admin_guard_patterns  # the name lms/urls.py imports
