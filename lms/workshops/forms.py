"""The facilitator's forms. A tampered form (a session, participant or quiz of another workshop, a status that does not
exist) is refused whole with a message saying why: nothing of it is recorded."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from curriculum.models import CoursePage
from curriculum.permissions import WORKSHOP_ROLES, institute_keys_of
from curriculum.selectors.catalogue import institute_courses
from curriculum.selectors.languages import pages_in_language
from lms.accounts.forms import LandscapeChoiceField
from lms.accounts.models import Gender
from lms.pdf.fonts import PrintableNameValidator
from lms.workshops.imports import MAX_UPLOAD_BYTES, ImportError_, read_rows
from lms.workshops.models import AttendanceStatus, Participant, Workshop
from lms.workshops.selectors import course_items

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
FOREIGN_PARTICIPANT = _("This form names a participant who is not in this workshop. Nothing was recorded.")


class WorkshopForm(forms.ModelForm):
    course = forms.ChoiceField(label=_("Course"))

    class Meta:
        model = Workshop
        fields = ["title", "language", "place", "landscape", "starts_on", "ends_on", "sessions_required"]
        widgets = {"starts_on": DATE, "ends_on": DATE}
        field_classes = {"landscape": LandscapeChoiceField}
        help_texts = {
            "sessions_required": _(
                "The completion rule: attendance (present or late) at no fewer than this many sessions. Every quiz "
                "of the course passed is always required."
            ),
            "language": _("The language of the printed sheets and certificates."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        courses = institute_courses(institute_keys_of(user, WORKSHOP_ROLES))
        self.courses = {str(course.translation_key): course for course in courses}
        language = translation.get_language()
        titles = pages_in_language(CoursePage, [course.translation_key for course in courses], language)
        self.fields["course"].choices = [
            (key, titles[course.translation_key].title if course.translation_key in titles else course.title)
            for key, course in self.courses.items()
        ]
        if not self.instance.pk:
            self.initial.setdefault("language", language)
        if self.instance.pk:  # the sessions name the course's lessons: the course stays
            del self.fields["course"]
        self.order_fields(
            ["course", "title", "language", "place", "landscape", "starts_on", "ends_on", "sessions_required"]
        )

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The last day cannot come before the first day."))
        return cleaned

    def save(self, commit=True):
        if "course" in self.cleaned_data:
            course = self.courses[self.cleaned_data["course"]]
            self.instance.course_key = course.translation_key
            self.instance.institute_key = course.institute.translation_key
        return super().save(commit=commit)


class SessionForm(forms.Form):
    session = forms.IntegerField(widget=forms.HiddenInput, required=False)
    date = forms.DateField(label=_("Date"), widget=DATE)
    starts_at = forms.TimeField(label=_("Starts at"), widget=TIME, required=False)
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=15, max_value=960, initial=180)
    item_keys = forms.MultipleChoiceField(
        label=_("Lessons and quizzes covered"), widget=forms.CheckboxSelectMultiple, required=False
    )
    delete = forms.BooleanField(label=_("Remove this session (its attendance goes too)"), required=False)

    def __init__(self, *args, workshop_sessions, item_groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.workshop_sessions = workshop_sessions
        self.fields["item_keys"].choices = [
            (group.title, [(str(item.key), item.title) for item in group.items]) for group in item_groups
        ]

    def clean_session(self):
        pk = self.cleaned_data.get("session")
        if pk is None:
            return None
        session = self.workshop_sessions.get(pk)
        if session is None:
            raise forms.ValidationError(_("This session is not one of this workshop's. Nothing was saved."))
        return session


class BaseSessionFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        sessions = [form.cleaned_data.get("session") for form in self.forms if form.cleaned_data]
        sessions = [session for session in sessions if session is not None]
        if len(sessions) != len(set(session.pk for session in sessions)):
            raise forms.ValidationError(_("The same session is in this form twice. Nothing was saved."))


SessionFormSet = forms.formset_factory(SessionForm, formset=BaseSessionFormSet, extra=2, max_num=60)


def session_formset(*, workshop, language_code, data=None):
    sessions = {session.pk: session for session in workshop.sessions.all()} if workshop.pk else {}
    initial = [
        {
            "session": session.pk,
            "date": session.date,
            "starts_at": session.starts_at,
            "duration_minutes": session.duration_minutes,
            "item_keys": session.item_keys,
        }
        for session in sorted(sessions.values(), key=lambda session: session.number)
    ]
    groups = course_items(workshop.course_key, language_code) if workshop.course_key else []
    return SessionFormSet(
        data,
        initial=initial,
        prefix="sessions",
        form_kwargs={"workshop_sessions": sessions, "item_groups": groups},
    )


class AccountParticipantForm(forms.Form):
    email = forms.EmailField(label=_("Email address of their account"))

    def __init__(self, *args, workshop, **kwargs):
        super().__init__(*args, **kwargs)
        self.workshop = workshop

    def clean_email(self):
        email = self.cleaned_data["email"]
        learner = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if learner is None:
            raise forms.ValidationError(
                _("No account has this email address. Add them below as a participant without an account.")
            )
        if self.workshop.participants.filter(learner=learner).exists():
            raise forms.ValidationError(_("This learner is already a participant."))
        self.learner = learner
        return email


# The facilitator types the name as the participant gives it; their certificate must print it whole.
validate_participant_name = PrintableNameValidator(
    _(
        "A certificate could not print %(characters)s: write the name without it, as the participant would like to "
        "see it printed."
    )
)


class ParticipantForm(forms.ModelForm):
    class Meta:
        model = Participant
        fields = ["name", "phone", "organisation", "stakeholder_group", "gender"]
        labels = {"name": _("Name to print on the certificate")}
        help_texts = {"phone": _("Optional.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].validators.append(validate_participant_name)
        self.fields["gender"].choices = [("", _("Not asked")), *Gender.choices]
        if "phone" in self.fields:
            self.fields["phone"].widget.input_type = "tel"

    def details(self) -> dict:
        return {key: self.cleaned_data[key] for key in ("phone", "organisation", "stakeholder_group", "gender")}


class WalkInForm(ParticipantForm):
    class Meta(ParticipantForm.Meta):
        fields = ["name", "organisation", "stakeholder_group", "gender"]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or Excel (XLSX) file"),
        help_text=_("At most 1 MB, 500 participants; the first line holds the column names of the template."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def __init__(self, *args, workshop, **kwargs):
        super().__init__(*args, **kwargs)
        self.workshop = workshop

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("This file is larger than 1 MB. Split the list into several files."))
        try:
            self.rows = read_rows(upload, workshop=self.workshop)
        except ImportError_ as error:
            raise forms.ValidationError(error.messages) from error
        return upload


def unknown_participants(pks: set[int], data) -> tuple[list[str], bool]:
    """Participants a sheet names who are not in the workshop: (the names of those removed since the sheet was filled
    in, as the sheet gives them; whether any is another workshop's). A removed one is left out and the rest is
    recorded; another workshop's participant means a tampered form, refused whole."""
    if not pks:
        return [], False
    if Participant.objects.filter(pk__in=pks).exists():
        return [], True
    return [data.get(f"n{pk}") or str(_("participant no. %(number)s") % {"number": pk}) for pk in sorted(pks)], False


def removed_message(names: list[str]) -> str:
    return ngettext(
        "Not recorded for %(names)s: removed from the workshop since this sheet was filled in. The rest is recorded.",
        "Not recorded for %(names)s: removed from the workshop since this sheet was filled in. The rest is recorded.",
        len(names),
    ) % {"names": ", ".join(names)}


class AttendanceForm(forms.Form):
    """One session's attendance: a choice per participant (present, late, excused, absent), all in one form."""

    session = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, workshop, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.workshop = workshop
        self.participants = {participant.pk: participant for participant in participants}
        for participant in participants:
            self.fields[f"p{participant.pk}"] = forms.ChoiceField(
                label=participant.name,
                choices=AttendanceStatus.choices,
                widget=forms.RadioSelect(attrs={"class": "segmented__input"}),
                required=False,
            )

    def status_fields(self):
        return [self[f"p{pk}"] for pk in self.participants]

    def clean_session(self):
        session = self.workshop.sessions.filter(pk=self.cleaned_data["session"]).first()
        if session is None:
            raise forms.ValidationError(_("This session is not one of this workshop's. Nothing was recorded."))
        return session

    def clean(self):
        cleaned = super().clean()
        named = {int(match[1]) for key in self.data for match in [re.fullmatch(r"p(\d+)", key)] if match}
        self.removed, foreign = unknown_participants(named - set(self.participants), self.data)
        if foreign:
            raise forms.ValidationError(FOREIGN_PARTICIPANT)
        return cleaned

    def statuses(self) -> dict:
        return {
            participant: self.cleaned_data[f"p{pk}"]
            for pk, participant in self.participants.items()
            if self.cleaned_data.get(f"p{pk}")
        }


def parse_score(text: str) -> Decimal:
    try:
        score = Decimal(text.strip().replace(",", ".").rstrip("%").strip())
    except InvalidOperation:
        score = None
    if score is None or not score.is_finite() or not 0 <= score <= 100:
        raise forms.ValidationError(_("Enter a score between 0 and 100."))
    return score
