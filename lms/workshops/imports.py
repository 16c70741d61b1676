"""A list of participants from a CSV or XLSX file: the template to fill in, and reading it back.

Column names are the template's, in any of the site's languages; stakeholder groups and genders are read in any
language too, or as their codes. Every bad line is named with its number and why; nothing is imported until the
whole file is valid."""

import csv
import io
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.accounts.models import Gender, StakeholderGroup
from lms.pdf.fonts import PrintableNameValidator

MAX_UPLOAD_BYTES = 1024 * 1024
MAX_ROWS = 500
MAX_CELL = 200
# One of a line's reasons ("Line 4: the name is missing; ..."): the forms' sentence, as a part of a sentence.
validate_imported_name = PrintableNameValidator(
    gettext_lazy("a certificate could not print %(characters)s of the name: write it without")
)

COLUMNS = {
    "name": gettext_lazy("Name to print on the certificate"),
    "email": gettext_lazy("Email of their account (if they have one)"),
    "phone": gettext_lazy("Phone number"),
    "organisation": gettext_lazy("Organisation"),
    "stakeholder_group": gettext_lazy("Stakeholder group"),
    "gender": gettext_lazy("Gender"),
}


class ImportError_(ValueError):  # noqa: N801 (not the builtin ImportError)
    def __init__(self, messages):
        super().__init__("; ".join(messages))
        self.messages = list(messages)


@dataclass
class ImportRow:
    line: int
    name: str
    learner: object = None
    details: dict = field(default_factory=dict)


def _in_every_language(text) -> set[str]:
    found = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            found.add(str(text).strip().casefold())
    return found


def _lookup(choices) -> dict[str, str]:
    table = {}
    for value, label in choices:
        table[value.casefold()] = value
        for text in _in_every_language(label):
            table[text] = value
    return table


def template_header() -> list[str]:
    return [str(label) for label in COLUMNS.values()]


def template_csv() -> bytes:
    out = io.StringIO()
    csv.writer(out).writerow(template_header())
    return ("\ufeff" + out.getvalue()).encode()  # the BOM lets spreadsheet programs read UTF-8


def template_xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = _("Participants")[:31]
    sheet.append(template_header())
    for column in "ABCDEF":
        sheet.column_dimensions[column].width = 32
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _table(upload) -> list[list[str]]:
    name = (upload.name or "").lower()
    content = upload.read()
    if name.endswith(".xlsx"):
        if not zipfile.is_zipfile(io.BytesIO(content)):
            raise ImportError_([_("This file is not an Excel (XLSX) file. Use the template, saved as XLSX or CSV.")])
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds for a damaged file
            raise ImportError_([_("This Excel file cannot be read. Save it again as XLSX or CSV.")]) from error
        sheet = book.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2):
            rows.append(["" if value is None else str(value).strip() for value in row])
        return rows
    if name.endswith(".csv"):
        if b"\x00" in content:
            raise ImportError_([_("This file is not a CSV text file. Use the template, saved as CSV or XLSX.")])
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ImportError_([_("This CSV file is not in UTF-8. Save it as “CSV UTF-8” and try again.")]) from error
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), dialect)]
    raise ImportError_([_("Choose a CSV or XLSX file.")])


def read_rows(upload, *, workshop) -> list[ImportRow]:
    table = _table(upload)
    while table and not any(table[-1]):
        table.pop()
    if not table:
        raise ImportError_([_("This file is empty.")])
    headers = {}
    for value, label in COLUMNS.items():
        for text in _in_every_language(label) | {value}:
            headers[text] = value
    columns = [headers.get(cell.casefold()) for cell in table[0]]
    if "name" not in columns:
        raise ImportError_(
            [_("Line 1 must hold the column names of the template, “%(name)s” among them.") % {"name": COLUMNS["name"]}]
        )
    lines = table[1:]
    if len(lines) > MAX_ROWS:
        raise ImportError_([_("This file has more than %(count)d participants.") % {"count": MAX_ROWS}])
    groups, genders = _lookup(StakeholderGroup.choices), _lookup(Gender.choices)
    emails = {}
    for number, cells in enumerate(lines, 2):
        values = {column: cell for column, cell in zip(columns, cells, strict=False) if column}
        if any(values.values()) and values.get("email"):
            emails.setdefault(values["email"].casefold(), []).append(number)
    accounts = {
        user.email.casefold(): user
        for user in get_user_model()
        .objects.filter(is_active=True)
        .annotate(email_folded=Lower("email"))
        .filter(email_folded__in=list(emails))
    }
    taken = set(workshop.participants.values_list("learner_id", flat=True)) if workshop.pk else set()
    errors, rows = [], []
    for number, cells in enumerate(lines, 2):
        values = {column: cell for column, cell in zip(columns, cells, strict=False) if column}
        if not any(values.values()):
            continue  # a blank line
        reasons = []
        name = values.get("name", "")
        if not name:
            reasons.append(_("the name is missing"))
        try:
            validate_imported_name(name)
        except ValidationError as unprintable:
            reasons.extend(unprintable.messages)
        for column, text in values.items():
            if len(text) > MAX_CELL:
                reasons.append(
                    _("“%(column)s” is longer than %(count)d characters")
                    % {"column": COLUMNS[column], "count": MAX_CELL}
                )
        group = values.get("stakeholder_group", "")
        if group and group.casefold() not in groups:
            reasons.append(_("“%(value)s” is not a stakeholder group of the list") % {"value": group})
        gender = values.get("gender", "")
        if gender and gender.casefold() not in genders:
            reasons.append(_("“%(value)s” is not one of the genders offered") % {"value": gender})
        learner = None
        email = values.get("email", "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                reasons.append(_("“%(value)s” is not an email address") % {"value": email})
            else:
                learner = accounts.get(email.casefold())
                if learner is None:
                    reasons.append(
                        _("no account has the email address “%(value)s”: leave it empty to add them without one")
                        % {"value": email}
                    )
                elif learner.pk in taken:
                    reasons.append(_("%(value)s is already a participant") % {"value": email})
                elif len(emails[email.casefold()]) > 1:
                    reasons.append(_("the email address “%(value)s” is on more than one line") % {"value": email})
        if reasons:
            errors.append(_("Line %(line)d: %(reasons)s.") % {"line": number, "reasons": "; ".join(reasons)})
            continue
        rows.append(
            ImportRow(
                line=number,
                name=name,
                learner=learner,
                details={
                    "phone": values.get("phone", ""),
                    "organisation": values.get("organisation", ""),
                    "stakeholder_group": groups[group.casefold()] if group else StakeholderGroup.OTHER,
                    "gender": genders[gender.casefold()] if gender else "",
                },
            )
        )
    if errors:
        raise ImportError_([_("Nothing was imported: correct these lines and send the file again."), *errors[:100]])
    if not rows:
        raise ImportError_([_("This file lists no participant.")])
    return rows
