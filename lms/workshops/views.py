"""The facilitator's side of a workshop, on the public site: plan it, list its participants, record attendance and
paper results (from a phone, offline if need be), and follow the group. Only the workshop's institute's staff (and
site administrators) reach any of it; for anyone else a workshop does not exist (404), whatever the method."""

import csv
import io
import re
import uuid
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from curriculum.selectors.landscapes import landscape_in_language
from curriculum.selectors.structure import quiz_revision_live_on
from lms.progress import charts
from lms.quizzes.services import quiz_at_revision
from lms.workshops import forms, imports, selectors, services
from lms.workshops.documents import paper_questions
from lms.workshops.models import AttendanceStatus, PaperResult


def _facilitator(view):
    """Log in first; then a user who runs no workshops finds none of these pages (404)."""

    @login_required
    def guarded(request, *args, **kwargs):
        if not selectors.may_run_workshops(request.user):
            raise Http404(_("There is no such page."))
        return view(request, *args, **kwargs)

    guarded.__name__ = view.__name__
    guarded.__doc__ = view.__doc__
    return guarded


def _workshop(request, workshop_id):
    return selectors.workshop_of(request.user, workshop_id)


@_facilitator
def index(request):
    workshops = list(selectors.workshops_of(request.user).order_by("-starts_on", "title"))
    titles = selectors.course_titles([workshop.course_key for workshop in workshops], translation.get_language())
    return render(
        request,
        "lms/workshops/index.html",
        {"workshops": [(workshop, *titles.get(workshop.course_key, ("", None))) for workshop in workshops]},
    )


@_facilitator
def create(request):
    form = forms.WorkshopForm(request.POST or None, user=request.user)
    if not form.fields["course"].choices:
        messages.error(request, _("Your institute has no published course to run a workshop of yet."))
    if request.method == "POST" and form.is_valid():
        workshop = services.workshop_save(workshop=form.save(commit=False), sessions=[], user=request.user)
        messages.success(request, _("The workshop is planned. Now add its sessions."))
        return redirect("workshops:edit", workshop_id=workshop.pk)
    return render(request, "lms/workshops/workshop_form.html", {"form": form}, status=400 if form.errors else 200)


@_facilitator
def edit(request, workshop_id):
    workshop = _workshop(request, workshop_id)
    language = translation.get_language()
    data = request.POST if request.method == "POST" else None
    form = forms.WorkshopForm(data, instance=workshop, user=request.user)
    formset = forms.session_formset(workshop=workshop, language_code=language, data=data)
    if data is not None and form.is_valid() and formset.is_valid():
        sessions = [sub.cleaned_data for sub in formset.forms if sub.cleaned_data]
        kept = sum(1 for session in sessions if not session.get("delete"))
        if form.cleaned_data["sessions_required"] > kept:
            form.add_error(
                "sessions_required",
                ngettext(
                    "The rule asks for more sessions than the workshop has (%(count)d).",
                    "The rule asks for more sessions than the workshop has (%(count)d).",
                    kept,
                )
                % {"count": kept},
            )
        else:
            services.workshop_save(workshop=form.save(commit=False), sessions=sessions, user=request.user)
            messages.success(request, _("The workshop is saved."))
            return redirect("workshops:detail", workshop_id=workshop.pk)
    return render(
        request,
        "lms/workshops/workshop_form.html",
        {"form": form, "formset": formset, "workshop": workshop},
        status=400 if data is not None else 200,
    )


@_facilitator
def detail(request, workshop_id):
    """Follow the group: participants x sessions, lessons and quizzes, the completion rule, progress per element."""
    workshop = _workshop(request, workshop_id)
    language = translation.get_language()
    grid = selectors.workshop_grid(workshop, language)
    sessions = list(workshop.sessions.order_by("number"))
    course_title, course_title_language = selectors.course_titles([workshop.course_key], language).get(
        workshop.course_key, ("", language)
    )
    return render(
        request,
        "lms/workshops/detail.html",
        {
            "workshop": workshop,
            "course_title": course_title,
            "course_title_language": course_title_language,
            "landscape": landscape_in_language(workshop.landscape, language),
            "grid": grid,
            "sessions": sessions,
            "quizzes": [column for column in grid.columns if column.kind == "quiz"],
            "chart": charts.element_chart(grid.elements),
            "elements": grid.elements,
        },
    )


@_facilitator
def export(request, workshop_id, fmt):
    """The follow-up grid as a file: the same rows the screen shows."""
    workshop = _workshop(request, workshop_id)
    grid = selectors.workshop_grid(workshop, translation.get_language())
    lines = [grid.header(), *grid.lines()]
    filename = f"workshop-{workshop.code}"
    if fmt == "csv":
        out = io.StringIO()
        csv.writer(out).writerows(lines)
        response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = workshop.code
        for line in lines:
            sheet.append(line)
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(
            out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


# -- participants ------------------------------------------------------------------------------------------------------


def _participants_page(request, workshop, *, account_form=None, held_form=None, status=200):
    return render(
        request,
        "lms/workshops/participants.html",
        {
            "workshop": workshop,
            "participants": list(workshop.participants.order_by("name", "pk")),
            "account_form": account_form or forms.AccountParticipantForm(workshop=workshop),
            "held_form": held_form or forms.ParticipantForm(),
        },
        status=status,
    )


@_facilitator
def participants(request, workshop_id):
    return _participants_page(request, _workshop(request, workshop_id))


@require_POST
@_facilitator
def participant_add(request, workshop_id):
    workshop = _workshop(request, workshop_id)
    if request.POST.get("kind") == "account":
        form = forms.AccountParticipantForm(request.POST, workshop=workshop)
        if not form.is_valid():
            return _participants_page(request, workshop, account_form=form, status=400)
        learner = form.learner
        participant = services.participant_add(
            workshop=workshop, name=learner.display_name or learner.email, learner=learner, added_by=request.user
        )
    else:
        form = forms.ParticipantForm(request.POST)
        if not form.is_valid():
            return _participants_page(request, workshop, held_form=form, status=400)
        participant = services.participant_add(
            workshop=workshop, name=form.cleaned_data["name"], added_by=request.user, **form.details()
        )
    messages.success(request, _("%(name)s is a participant.") % {"name": participant.name})
    return redirect("workshops:participants", workshop_id=workshop.pk)


@_facilitator
def participant_edit(request, workshop_id, participant_id):
    """Correct a participant's details: the name to print on the certificate, phone, organisation, group, gender."""
    workshop = _workshop(request, workshop_id)
    participant = selectors.participant_of(workshop, participant_id)
    form = forms.ParticipantForm(request.POST or None, instance=participant)
    if request.method == "POST" and form.is_valid():
        services.participant_update(participant=participant, name=form.cleaned_data["name"], **form.details())
        messages.success(request, _("The details of %(name)s are saved.") % {"name": participant.name})
        return redirect("workshops:participants", workshop_id=workshop.pk)
    return render(
        request,
        "lms/workshops/participant_edit.html",
        {"workshop": workshop, "participant": participant, "form": form},
        status=400 if form.errors else 200,
    )


@_facilitator
def participant_remove(request, workshop_id, participant_id):
    workshop = _workshop(request, workshop_id)
    participant = selectors.participant_of(workshop, participant_id)
    if request.method == "POST":
        name = participant.name
        services.participant_remove(participant=participant)
        messages.success(request, _("%(name)s is no longer a participant; their details are deleted.") % {"name": name})
        return redirect("workshops:participants", workshop_id=workshop.pk)
    return render(request, "lms/workshops/participant_remove.html", {"workshop": workshop, "participant": participant})


@_facilitator
def participants_import(request, workshop_id):
    workshop = _workshop(request, workshop_id)
    form = forms.ImportForm(request.POST or None, request.FILES or None, workshop=workshop)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            for row in form.rows:
                services.participant_add(
                    workshop=workshop, name=row.name, learner=row.learner, added_by=request.user, **row.details
                )
        count = len(form.rows)
        messages.success(
            request,
            ngettext("%(count)d participant imported.", "%(count)d participants imported.", count) % {"count": count},
        )
        return redirect("workshops:participants", workshop_id=workshop.pk)
    return render(
        request,
        "lms/workshops/import.html",
        {"workshop": workshop, "form": form, "columns": imports.template_header()},
        status=400 if form.errors else 200,
    )


@_facilitator
def import_template(request, fmt):
    if fmt == "csv":
        response = HttpResponse(imports.template_csv(), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            imports.template_xlsx(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{_("participants")}.{fmt}"'
    return response


# -- attendance --------------------------------------------------------------------------------------------------------


def _chosen_session(workshop, sessions, wanted):
    by_pk = {str(session.pk): session for session in sessions}
    if wanted in by_pk:
        return by_pk[wanted]
    if wanted:
        raise Http404(_("This session is not one of this workshop's."))
    return sessions[0] if sessions else None


def _attendance_page(request, workshop, session, sessions, *, form=None, walk_in_form=None, status=200):
    participants = list(workshop.participants.order_by("name", "pk"))
    if form is None:
        current = dict(session.attendance.values_list("participant_id", "status")) if session else {}
        form = forms.AttendanceForm(
            initial={"session": session.pk if session else None, **{f"p{pk}": s for pk, s in current.items()}},
            workshop=workshop,
            participants=participants,
        )
    return render(
        request,
        "lms/workshops/attendance.html",
        {
            "workshop": workshop,
            "session": session,
            "sessions": sessions,
            "form": form,
            "walk_in_form": walk_in_form or forms.WalkInForm(),
        },
        status=status,
    )


@_facilitator
def attendance(request, workshop_id):
    workshop = _workshop(request, workshop_id)
    sessions = list(workshop.sessions.order_by("number"))
    if request.method != "POST":
        session = _chosen_session(workshop, sessions, request.GET.get("session", ""))
        return _attendance_page(request, workshop, session, sessions)
    participants = list(workshop.participants.order_by("name", "pk"))
    form = forms.AttendanceForm(request.POST, workshop=workshop, participants=participants)
    if not form.is_valid():
        session = _chosen_session(workshop, sessions, "")
        session = form.cleaned_data.get("session") or session
        return _attendance_page(request, workshop, session, sessions, form=form, status=400)
    session = form.cleaned_data["session"]
    changed = services.attendance_record(session=session, statuses=form.statuses(), recorded_by=request.user)
    if form.removed:
        messages.warning(request, forms.removed_message(form.removed))
    messages.success(
        request,
        ngettext(
            "Attendance of session %(number)d recorded (%(count)d change).",
            "Attendance of session %(number)d recorded (%(count)d changes).",
            changed,
        )
        % {"number": session.number, "count": changed},
    )
    return redirect(reverse("workshops:attendance", kwargs={"workshop_id": workshop.pk}) + f"?session={session.pk}")


@require_POST
@_facilitator
def walk_in(request, workshop_id):
    """Someone who turned up on the day: added and marked present in one step."""
    workshop = _workshop(request, workshop_id)
    sessions = list(workshop.sessions.order_by("number"))
    session = _chosen_session(workshop, sessions, request.POST.get("session", "") or "-")
    form = forms.WalkInForm(request.POST)
    if not form.is_valid():
        return _attendance_page(request, workshop, session, sessions, walk_in_form=form, status=400)
    with transaction.atomic():
        participant = services.participant_add(
            workshop=workshop,
            name=form.cleaned_data["name"],
            added_by=request.user,
            organisation=form.cleaned_data["organisation"],
            stakeholder_group=form.cleaned_data["stakeholder_group"],
            gender=form.cleaned_data["gender"],
        )
        services.attendance_record(
            session=session, statuses={participant: AttendanceStatus.PRESENT}, recorded_by=request.user
        )
    messages.success(request, _("%(name)s is added and marked present.") % {"name": participant.name})
    return redirect(reverse("workshops:attendance", kwargs={"workshop_id": workshop.pk}) + f"?session={session.pk}")


# -- paper quiz results ------------------------------------------------------------------------------------------------


@dataclass
class Option:
    value: str
    label: str
    text: str
    checked: bool


@dataclass
class Place:
    """An ordering's item on the form: its letter on the sheet, its text, the places to choose and the one chosen."""

    letter: str
    text: str
    options: list[Option] = field(default_factory=list)


@dataclass
class AnswerCell:
    question: object  # a curriculum.questions.PaperQuestion
    name: str
    options: list[Option] = field(default_factory=list)
    multiple: bool = False
    places: list[Place] = field(default_factory=list)
    text: str = ""
    error: str = ""


@dataclass
class ResultRow:
    participant: object
    result: PaperResult | None
    cells: list[AnswerCell]
    score: str = ""
    errors: list[str] = field(default_factory=list)


def _options(question, values) -> list[Option]:
    """A circled question's letters, as the sheet prints them (and "left blank" where one letter at most is circled)."""
    options = [Option(value, letter, text, value in values) for letter, value, text in question.options]
    if not question.multiple:
        options.insert(0, Option("", "—", _("Left blank"), not any(values)))
    return options


def _places(question, values) -> list[Place]:
    """An ordering's items, lettered as the sheet prints them, each with the places to choose ("<item id>:<place>",
    what the question parses)."""
    chosen = set(values)
    count = len(question.options)
    return [
        Place(
            letter,
            text,
            [Option("", "—", _("Left blank"), not any(value.startswith(f"{item_id}:") for value in chosen))]
            + [
                Option(f"{item_id}:{place}", str(place), str(place), f"{item_id}:{place}" in chosen)
                for place in range(1, count + 1)
            ],
        )
        for letter, item_id, text in question.options
    ]


def _result_rows(participants, questions, done, *, entered=None, errors=None):
    entered, errors = entered or {}, errors or {}
    rows = []
    for participant in participants:
        given = entered.get(participant.pk, {})
        faults = errors.get(participant.pk, {})
        cells = []
        for question in questions:
            name = f"p{participant.pk}-{question.id}"
            values = given.get(question.id, [])
            cell = AnswerCell(question=question, name=name, error=faults.get(question.id, ""))
            if question.circled:
                cell.options, cell.multiple = _options(question, values), question.multiple
            elif question.placed:
                cell.places = _places(question, values)
            else:
                cell.text = values[0] if values else ""
            cells.append(cell)
        rows.append(
            ResultRow(
                participant=participant,
                result=done.get(participant.pk),
                cells=cells,
                score=given.get("score", [""])[0],
                errors=[faults[""]] if "" in faults else [],
            )
        )
    return rows


def _quiz_or_404(workshop, key):
    try:
        quiz_key = uuid.UUID(key)
    except (TypeError, ValueError):
        quiz_key = None
    quiz = selectors.workshop_quiz(workshop, quiz_key) if quiz_key else None
    return quiz


@_facilitator
def results(request, workshop_id):
    """A quiz's paper sheet for the whole group: the choices each participant ticked, or only their score."""
    workshop = _workshop(request, workshop_id)
    source = request.POST if request.method == "POST" else request.GET
    quiz = _quiz_or_404(workshop, source.get("quiz", ""))
    if quiz is None:
        if request.method == "POST":
            messages.error(request, _("This quiz is not part of the workshop's course. Nothing was recorded."))
            return redirect("workshops:detail", workshop_id=workshop.pk)
        raise Http404(_("This quiz is not part of the workshop's course."))
    mode = "score" if source.get("mode") == "score" else "answers"
    revision_id = quiz_revision_live_on(quiz, selectors.quiz_day(workshop, quiz.translation_key))
    questions = paper_questions(quiz_at_revision(quiz, revision_id))  # as printed: in the order written
    participants = list(workshop.participants.order_by("name", "pk"))
    done = {
        result.participant_id: result
        for result in PaperResult.objects.filter(
            participant__in=participants, quiz_key=quiz.translation_key
        ).select_related("attempt", "entered_by")
    }
    context = {"workshop": workshop, "quiz": quiz, "mode": mode, "questions": questions}
    if request.method != "POST":
        context["rows"] = _result_rows(participants, questions, done)
        return render(request, "lms/workshops/results.html", context)

    by_pk = {participant.pk: participant for participant in participants}
    entered: dict[int, dict[str, list[str]]] = {}
    unknown = set()
    for key in request.POST:
        match = re.fullmatch(r"p(\d+)-(.+)", key)
        if not match:
            continue
        pk = int(match[1])
        if pk not in by_pk:
            unknown.add(pk)
            continue
        entered.setdefault(pk, {})[match[2]] = request.POST.getlist(key)
    removed, foreign = forms.unknown_participants(unknown, request.POST)
    errors: dict[int, dict[str, str]] = {}
    entries = []
    for pk, values in entered.items():
        if mode == "score":
            text = values.get("score", [""])[0].strip()
            if not text:
                continue
            try:
                entries.append(services.PaperEntry(by_pk[pk], score=forms.parse_score(text)))
            except forms.forms.ValidationError as error:
                errors[pk] = {"": error.messages[0]}
        else:
            answers = {question: given for question, given in values.items() if question != "score"}
            if any(value.strip() for given in answers.values() for value in given):
                entries.append(services.PaperEntry(by_pk[pk], answers=answers))
    problem = forms.FOREIGN_PARTICIPANT if foreign else ""
    if not foreign and not errors:
        outcome = services.paper_results_enter(
            workshop=workshop, quiz=quiz, entries=entries, revision_id=revision_id, entered_by=request.user
        )
        errors = outcome.errors
        if not errors:
            if removed:
                messages.warning(request, forms.removed_message(removed))
            if outcome.recorded:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d paper result recorded.", "%(count)d paper results recorded.", len(outcome.recorded)
                    )
                    % {"count": len(outcome.recorded)},
                )
            if outcome.already:
                messages.info(
                    request,
                    ngettext(
                        "%(count)d result had been entered before: the first entry stands.",
                        "%(count)d results had been entered before: the first entry stands.",
                        len(outcome.already),
                    )
                    % {"count": len(outcome.already)},
                )
            url = reverse("workshops:results", kwargs={"workshop_id": workshop.pk})
            return redirect(f"{url}?quiz={quiz.translation_key}&mode={mode}")
    context["rows"] = _result_rows(participants, questions, done, entered=entered, errors=errors)
    context["problem"] = problem or _("Nothing was recorded: correct the answers marked below and send again.")
    return render(request, "lms/workshops/results.html", context, status=400)
