"""The workshop's paper: one PDF pack in the workshop's language, with a sign-in sheet per session and a results
sheet per quiz of the course. Every sheet carries the workshop's code, its own sheet code and a QR code of the page
where what is written on it is entered, so paper finds its way back.

A results sheet never shows which answer is right: it is handed round the room. Each question kind letters its own
options (curriculum.questions, paper_question): choices in the order the quiz's author wrote them (a paper quiz is
not shuffled), so a letter circled on paper names one choice id; an ordering's items as the workbook prints them
(shuffled, never in the right order), each letter with room for the place the participant gave it.
"""

import hashlib
import json
import logging
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import segno
from babel.dates import format_time
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from curriculum.i18n import date_range, long_date
from curriculum.models import QuizPage
from curriculum.questions import PaperEntry, PaperQuestion
from curriculum.selectors.languages import live_page, pages_in_language
from lms.pdf.render import pdf_storage, print_direction, render_pdf, render_pdf_of_documents
from lms.pdf.store import pdf_build, pdf_exists, pdf_lease, pdf_open, pdf_queue, pdf_save, pdf_unqueue
from lms.workbooks.services import css_page_counter
from lms.workshops.models import SheetsPack, Workshop
from lms.workshops.rules import workshop_quiz_keys

# Columns of questions side by side on a landscape page, next to the names: a longer quiz continues in a second
# grid below (names repeated), never in columns too narrow to circle a letter in.
QUESTIONS_PER_GRID = 8
# What the question columns of one grid may take of the page's width (A4 landscape less margins, number and names).
GRID_QUESTIONS_MM = 190
# A worker waits this long for another process building the same pack (which renews its lease while alive).
WAIT_FOR_OTHER_BUILD = 10 * 60
logger = logging.getLogger(__name__)


def walk_in_rows(participants: int) -> int:
    """Blank rows at the end of a sign-in sheet for people who come on the day."""
    return max(5, participants // 4)


def workshop_dates(workshop: Workshop, language: str) -> str:
    return date_range(workshop.starts_on, workshop.ends_on, language)


def sheet_url(workshop: Workshop, sheet_code: str) -> str:
    """The address in a sheet's QR code: it opens, for the workshop's staff, the page where that sheet is entered."""
    with translation.override(workshop.language):
        return settings.PUBLIC_BASE_URL + reverse("workshops:sheet", args=[f"{workshop.code}-{sheet_code}"])


def session_sheet_code(number: int) -> str:
    return f"S{number}"


def quiz_sheet_code(index: int) -> str:
    return f"Q{index}"


def paper_questions(quiz: QuizPage) -> list[PaperQuestion]:
    """The quiz's questions as its results sheet prints them and the paper-results form asks for them, in the order
    written (a paper quiz is not shuffled), each lettered by its own kind (curriculum.questions)."""
    return [
        question.block.paper_question(question.value, block_id=question.id, number=number)
        for number, question in enumerate(quiz.questions, start=1)
    ]


@dataclass
class Question(PaperEntry):
    """A question's column on a results sheet: letters to circle (a choice), letters to write a place beside (an
    ordering), or a blank cell for the points of a written answer."""

    number: int
    prompt: str
    entry: str  # as PaperQuestion.entry: "circle", "place" or "write"
    letters: list[tuple[str, str]] = field(default_factory=list)  # (letter, choice or item text)

    @property
    def letter_row(self) -> str:
        """The letters to circle in a grid cell (spaced by the stylesheet's word-spacing, for a pen); an ordering's
        letters each with a gap to write its place in."""
        if self.placed:
            return " ".join(f"{letter}__" for letter, _text in self.letters)
        return " ".join(letter for letter, _text in self.letters)

    @property
    def width_mm(self) -> float:
        if self.placed:
            return 7.4 * len(self.letters) + 2  # a letter and a written digit or two
        return 4.4 * len(self.letters) + 2 if self.letters else 13

    @property
    def column_mm(self) -> str:
        """The grid column's width in mm (a string: a template would write a float as "15,2" in French): room for
        each letter and a circle round it, for each letter and a place beside it, or for a written number."""
        return f"{self.width_mm:.1f}"


def _questions(quiz: QuizPage) -> list[Question]:
    return [
        Question(
            number=question.number,
            prompt=question.prompt,
            entry=question.entry,
            letters=[(letter, text) for letter, _value, text in question.options],
        )
        for question in paper_questions(quiz)
    ]


@dataclass
class Sheet:
    kind: str  # "sign-in" or "results"
    code: str
    title: str
    subtitle: str
    url: str
    qr_svg: str
    questions: list[Question] = field(default_factory=list)

    @property
    def legend_halves(self) -> list[list[Question]]:
        middle = (len(self.questions) + 1) // 2
        return [self.questions[:middle], self.questions[middle:]]

    @property
    def grids(self) -> list[list[Question]]:
        """The questions in grids of at most QUESTIONS_PER_GRID columns that fit the page's width."""
        grids, width = [[]], 0.0
        for question in self.questions:
            if grids[-1] and (len(grids[-1]) >= QUESTIONS_PER_GRID or width + question.width_mm > GRID_QUESTIONS_MM):
                grids.append([])
                width = 0.0
            grids[-1].append(question)
            width += question.width_mm
        return grids if self.questions else []


def _qr(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, border=0, dark="#1b1f1c")


def workshop_quizzes(workshop: Workshop) -> list[QuizPage]:
    """The course's quizzes in order, each in the workshop's language tree (a translation or an alias), else in any
    language it exists in."""
    keys = workshop_quiz_keys(workshop)
    found = pages_in_language(QuizPage, keys, workshop.language)
    return [quiz for key in keys if (quiz := found.get(key) or live_page(QuizPage, key, workshop.language))]


def _sheets(workshop: Workshop, sessions, quizzes) -> list[Sheet]:
    language = workshop.language
    sheets = []
    for session in sessions:
        code = session_sheet_code(session.number)
        when = long_date(session.date, language, "full")
        if session.starts_at:
            when += " · " + format_time(session.starts_at, format="short", locale=language)
        url = sheet_url(workshop, code)
        sheets.append(
            Sheet(
                kind="sign-in",
                code=code,
                title=_("Sign-in sheet: session %(number)s") % {"number": session.number},
                subtitle=when,
                url=url,
                qr_svg=_qr(url),
            )
        )
    for index, quiz in enumerate(quizzes, start=1):
        code = quiz_sheet_code(index)
        url = sheet_url(workshop, code)
        sheets.append(
            Sheet(
                kind="results",
                code=code,
                title=_("Results sheet: %(quiz)s") % {"quiz": quiz.title},
                subtitle=_("Pass mark: %(mark)s%%") % {"mark": quiz.pass_mark},
                url=url,
                qr_svg=_qr(url),
                questions=_questions(quiz),
            )
        )
    return sheets


@lru_cache(maxsize=1)
def layout_fingerprint() -> str:
    """The sheets' template: a deploy that changes how they look makes fresh files."""
    template = Path(settings.BASE_DIR) / "templates" / "pdf" / "workshop_sheets.html"
    return hashlib.sha256(template.read_bytes()).hexdigest()[:8]


def _fingerprint(workshop: Workshop, sessions, participants, quizzes) -> str:
    """Everything printed on the pack: a change to the workshop, a session, a participant or a quiz makes a new
    file (the old one is removed when the new one is stored)."""
    printed = {
        "workshop": [workshop.title, workshop.place, workshop.language, workshop.code, str(workshop.starts_on)],
        "ends": str(workshop.ends_on),
        "sessions": [[s.number, str(s.date), str(s.starts_at), s.duration_minutes] for s in sessions],
        "participants": [[p.pk, p.name, p.organisation] for p in participants],
        "quizzes": [[str(q.translation_key), q.pk, q.live_revision_id] for q in quizzes],
        "layout": layout_fingerprint(),
        "base": settings.PUBLIC_BASE_URL,
    }
    return hashlib.sha256(json.dumps(printed, sort_keys=True).encode()).hexdigest()[:16]


def sheets_html(workshop: Workshop, sessions, participants, quizzes, sheets=None) -> str:
    """The pack's HTML, or (`sheets`, some of `_sheets`) that of these sheets only."""
    with translation.override(workshop.language):
        if sheets is None:
            sheets = _sheets(workshop, sessions, quizzes)
        return render_to_string(
            "pdf/workshop_sheets.html",
            {
                "workshop": workshop,
                "language": workshop.language,
                **print_direction(workshop.language),
                "dates": workshop_dates(workshop, workshop.language),
                "sheets": sheets,
                "participants": participants,
                "blank_rows": range(walk_in_rows(len(participants))),
                "page_counter": css_page_counter(),
            },
        )


def workshop_folder(workshop: Workshop) -> str:
    return f"workshops/{workshop.pk}"


def _contents(workshop: Workshop):
    return (
        list(workshop.sessions.order_by("number")),
        list(workshop.participants.order_by("name", "pk")),
        workshop_quizzes(workshop),
    )


def _sheets_path(workshop: Workshop, sessions, participants, quizzes) -> tuple[str, str]:
    """(the pack's path, its fingerprint)."""
    fingerprint = _fingerprint(workshop, sessions, participants, quizzes)
    return f"{workshop_folder(workshop)}/sheets-{workshop.language}-{fingerprint}.pdf", fingerprint


def _sheets_render(workshop: Workshop, sessions, participants, quizzes, progress=None) -> bytes:
    """Each sheet laid out as a document of its own (its pages numbered "1 of 3" within it), then bound together;
    `progress(done, total)` after each sheet."""
    with translation.override(workshop.language):
        sheets = _sheets(workshop, sessions, quizzes)
    if not sheets:
        return render_pdf(sheets_html(workshop, sessions, participants, quizzes, sheets=[]))
    htmls = [sheets_html(workshop, sessions, participants, quizzes, sheets=[sheet]) for sheet in sheets]
    return render_pdf_of_documents(htmls, progress=progress)


def sheets_pdf(workshop: Workshop) -> bytes:
    """The workshop's pack of sheets, now: read if this version is stored, else rendered once and stored."""
    sessions, participants, quizzes = _contents(workshop)
    path, _fingerprint_ = _sheets_path(workshop, sessions, participants, quizzes)

    def render() -> bytes:
        pdf = _sheets_render(workshop, sessions, participants, quizzes)
        older_files_remove(workshop, prefix="sheets-", keep=path.rsplit("/", 1)[-1])
        return pdf

    return pdf_build(path, render)


# -- the pack built in the background (tasks.build_sheets_pack), its progress in SheetsPack ---------------------------


def _sheets_job(workshop_pk: int) -> str:
    return f"workshops/{workshop_pk}/sheets"


def sheets_status(workshop: Workshop) -> tuple[SheetsPack | None, bool]:
    """(the pack's record, whether its file holds what would be printed now). A pack that is missing or out of date
    is queued, unless a live build is queued or leased already."""
    sessions, participants, quizzes = _contents(workshop)
    path, fingerprint = _sheets_path(workshop, sessions, participants, quizzes)
    pack = SheetsPack.objects.filter(workshop=workshop).first()
    if pack and pack.fingerprint == fingerprint and pack.path == path and pdf_exists(path):
        return pack, True
    if pdf_queue(job := _sheets_job(workshop.pk)):
        pack, _created = SheetsPack.objects.update_or_create(
            workshop=workshop,
            defaults={
                "fingerprint": fingerprint,
                "done": 0,
                "total": len(sessions) + len(quizzes),
                "path": "",
                "failed": False,
            },
        )
        from lms.workshops.tasks import build_sheets_pack  # the task module imports this one

        try:
            build_sheets_pack.enqueue(workshop.pk)
        except Exception:
            pdf_unqueue(job)  # let the next request try again
            raise
        pack.refresh_from_db()  # built by now when tasks run at once (development, tests)
        return pack, pack.fingerprint == fingerprint and pack.path == path
    return pack, False


def sheets_open(workshop: Workshop):
    """The stored pack, open, if it holds what would be printed now; else None (and a build is under way)."""
    pack, ready = sheets_status(workshop)
    return pdf_open(pack.path) if ready else None


def sheets_build(workshop_pk: int) -> str:
    """Render the workshop's sheets as they are now and store the pack whole; returns its path."""
    with pdf_lease(_sheets_job(workshop_pk), wait=WAIT_FOR_OTHER_BUILD):
        workshop = Workshop.objects.get(pk=workshop_pk)
        sessions, participants, quizzes = _contents(workshop)
        path, fingerprint = _sheets_path(workshop, sessions, participants, quizzes)
        total = len(sessions) + len(quizzes)
        record = dict(fingerprint=fingerprint, done=0, total=total, path="", failed=False)
        SheetsPack.objects.update_or_create(workshop=workshop, defaults=record)
        pack = SheetsPack.objects.filter(workshop=workshop, fingerprint=fingerprint)
        if not pdf_exists(path):
            try:
                pdf = _sheets_render(
                    workshop, sessions, participants, quizzes, progress=lambda done, _total: pack.update(done=done)
                )
                pdf_save(path, pdf)
            except Exception:
                logger.exception("Could not build the sheets of workshop %s", workshop_pk)
                pack.update(failed=True)
                raise
            older_files_remove(workshop, prefix="sheets-", keep=path.rsplit("/", 1)[-1])
        pack.update(done=total, path=path)
        return path


def older_files_remove(workshop: Workshop, *, prefix: str, keep: str) -> None:
    """Earlier versions of a workshop's file: participants' names on paper nobody will print again."""
    storage = pdf_storage()
    folder = workshop_folder(workshop)
    if not storage.exists(folder):
        return
    for stored in storage.listdir(folder)[1]:
        if stored.startswith(prefix) and stored != keep:
            storage.delete(f"{folder}/{stored}")


def workshop_files_delete(workshop_pk: int) -> None:
    """A deleted workshop takes its printed files (names of people) with it."""
    storage = pdf_storage()
    folder = f"workshops/{workshop_pk}"
    if storage.exists(folder):
        for stored in storage.listdir(folder)[1]:
            storage.delete(f"{folder}/{stored}")


def sheet_for_code(workshop: Workshop, sheet_code: str) -> tuple[str, int | uuid.UUID] | None:
    """What a sheet code names in this workshop: ("session", number) or ("quiz", quiz key), or None."""
    kind, number = sheet_code[:1].upper(), sheet_code[1:]
    if not number.isdigit():
        return None
    number = int(number)
    if kind == "S" and workshop.sessions.filter(number=number).exists():
        return "session", number
    if kind == "Q":
        keys = workshop_quiz_keys(workshop)
        if 1 <= number <= len(keys):
            return "quiz", keys[number - 1]
    return None
