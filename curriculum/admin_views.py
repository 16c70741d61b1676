"""Admin pages for an institute's course translations: Reports > Course translations (the guards in front of
wagtail-localize's own views are in curriculum.localize_guards)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Locale, Page

from curriculum import translation
from curriculum.models import CoursePage
from curriculum.permissions import (
    can_edit_page,
    can_publish_page,
    institute_keys_translated_by,
)


def _page_for_editing(user, page_id: int) -> Page:
    page = get_object_or_404(Page, pk=page_id).specific
    if not can_edit_page(user, page):
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
            institute__translation_key__in=institute_keys_translated_by(self.request.user),
        ).order_by("path")
        context["courses"] = [(course, translation.course_translation_status(course)[1]) for course in courses]
        return context


class POUploadForm(forms.Form):
    po_file = forms.FileField(label=gettext_lazy("Translated PO file"))

    def clean_po_file(self):
        upload = self.cleaned_data["po_file"]
        if not upload.name.lower().endswith(".po"):
            raise forms.ValidationError(_("Choose a .po file: the one you exported, translated."))
        if upload.size > translation.MAX_PO_SIZE:
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
            can_publish=can_publish_page(self.request.user, self.course),
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
    if not can_publish_page(request.user, course):
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
