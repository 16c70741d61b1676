"""The programme report in the Wagtail admin, and its CSV and XLSX exports: the same form, the same table."""

import csv
import io

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from curriculum.models import CoursePage
from curriculum.permissions import can_see_programme_report, institutes_in_programme_report
from curriculum.selectors.landscapes import landscape_names
from curriculum.selectors.languages import pages_in_language
from lms.progress.programme import DIMENSIONS, programme_table, report_scope
from lms.progress.programme_charts import programme_chart

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProgrammeFilterForm(forms.Form):
    """What to break the figures down by, and which part of them: only the viewer's institutes are choices, so
    another institute in the address is an invalid choice (and the figures stay within the viewer's scope anyway)."""

    by = forms.ChoiceField(label=gettext_lazy("Break down by"), choices=list(DIMENSIONS.items()), required=False)
    start = forms.DateField(label=gettext_lazy("From"), required=False, widget=DATE)
    end = forms.DateField(label=gettext_lazy("To"), required=False, widget=DATE)
    institute = forms.ChoiceField(label=gettext_lazy("Institute"), required=False)
    landscape = forms.ChoiceField(label=gettext_lazy("Landscape"), required=False)
    course = forms.ChoiceField(label=gettext_lazy("Course"), required=False)

    def __init__(self, data, *, institutes, language):
        super().__init__(data)
        self.institutes = {str(institute.translation_key): institute for institute in institutes}
        every = [("", _("All"))]
        self.fields["institute"].choices = every + [(key, i.name) for key, i in self.institutes.items()]
        names = landscape_names(language)
        self.fields["landscape"].choices = every + sorted(
            ((str(key), name) for key, name in names.items()), key=lambda choice: choice[1].casefold()
        )
        courses = list(
            CoursePage.objects.filter(
                locale__language_code=settings.LANGUAGE_CODE,
                alias_of__isnull=True,
                institute__translation_key__in=[i.translation_key for i in self.institutes.values()],
            ).values_list("translation_key", "title")
        )
        titles = pages_in_language(CoursePage, [key for key, _title in courses], language)
        self.fields["course"].choices = every + sorted(
            ((str(key), titles[key].title if key in titles else title) for key, title in courses),
            key=lambda choice: choice[1].casefold(),
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end of the period comes before its start."))
        return cleaned

    @property
    def dimension(self) -> str:
        return self.cleaned_data.get("by") or "landscape"

    def scope(self):
        data = self.cleaned_data
        institute = data.get("institute")
        keys = (
            [self.institutes[institute].translation_key]
            if institute
            else [i.translation_key for i in self.institutes.values()]
        )
        return report_scope(
            keys,
            course_key=data.get("course") or None,
            landscape_key=data.get("landscape") or None,
            start=data.get("start"),
            end=data.get("end"),
        )


class ProgrammeAccessMixin:
    """Site administrators and programme managers: every institute; an institute's editors and moderators: theirs;
    anyone else: a permission error (Wagtail's admin sends a visitor to its login first)."""

    def dispatch(self, request, *args, **kwargs):
        if not can_see_programme_report(request.user):
            raise PermissionDenied
        self.form = ProgrammeFilterForm(
            request.GET,  # every field is optional: no filter at all is a valid form
            institutes=list(institutes_in_programme_report(request.user)),
            language=translation.get_language(),
        )
        return super().dispatch(request, *args, **kwargs)

    def table(self):
        """The table the filters ask for, or None when they are invalid."""
        if not self.form.is_valid():
            return None
        return programme_table(self.form.scope(), self.form.dimension, translation.get_language())


class ProgrammeReportView(ProgrammeAccessMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "lms/progress/programme_report.html"
    page_title = gettext_lazy("Programme")
    header_icon = "table"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get(self, request, *args, **kwargs):
        table = self.table()
        context = self.get_context_data(form=self.form, table=table)
        if table is not None:
            context["chart"] = programme_chart(table)
            context["cells"] = table.cells()
            context["query"] = request.GET.urlencode()
        return self.render_to_response(context, status=200 if table is not None else 400)


# -- exports ----------------------------------------------------------------------------------------------------------

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection): such a cell is written after
# an apostrophe, which spreadsheets show as text and hide.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(cell: str) -> str:
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell


def csv_export(table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for line in [table.header(), *table.cells()]:
        writer.writerow([neutralised(cell) for cell in line])
    return ("\ufeff" + out.getvalue()).encode()  # the byte-order mark: spreadsheets then read UTF-8 as UTF-8


def xlsx_export(table) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = table.title[:31]
    for line_number, line in enumerate([table.header(), *table.cells()], start=1):
        for column, text in enumerate(line, start=1):
            cell = sheet.cell(row=line_number, column=column)
            if text.isdigit():
                cell.value = int(text)  # a count stays a number, to add up
            else:
                cell.value = text
                cell.data_type = "s"  # never a formula, whatever it starts with
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


EXPORTS = {
    "csv": ("text/csv; charset=utf-8", csv_export),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx_export),
}


class ProgrammeExportView(ProgrammeAccessMixin, View):
    def get(self, request, export_format):
        table = self.table()
        if table is None:
            errors = "; ".join(str(error) for errors in self.form.errors.values() for error in errors)
            return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
        content_type, export = EXPORTS[export_format]
        response = HttpResponse(export(table), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="programme-{table.dimension}.{export_format}"'
        return response
