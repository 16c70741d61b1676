"""Workbooks: printed from the same content, the learner edition free of notes and answers, cached per version."""

import html
import json
import re
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

from curriculum.models import CoursePage, LessonPage, ModulePage, QuizPage
from curriculum.printing import printable
from lms.pdf.render import pdf_storage
from lms.workbooks import services
from lms.workbooks.services import WorkbookOrder
from tests.helpers import FIRST_INSTITUTE, SECOND_INSTITUTE

pytestmark = pytest.mark.django_db


def pdf_pages(pdf: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "workbook.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def build(page, language="en", edition="learner", paper="a4") -> bytes:
    order = WorkbookOrder(page_key=page.translation_key, language=language, edition=edition, paper=paper)
    return pdf_storage().open(services.workbook_build(order), "rb").read()


def module(number: int, language: str = "en") -> ModulePage:
    english = ModulePage.objects.filter(locale__language_code="en").order_by("path")[number - 1]
    return ModulePage.objects.get(translation_key=english.translation_key, locale__language_code=language)


def flat(text: str) -> str:
    return " ".join(text.split())


def facilitator_note_fragments(root) -> list[str]:
    notes = [
        re.sub(r"<[^>]+>", " ", block.value["text"].source)
        for lesson in LessonPage.objects.descendant_of(root)
        for block in lesson.body
        if block.block_type == "facilitator_note"
    ]
    return [flat(note)[:40] for note in notes]


def quiz_only_texts(root) -> list[str]:
    """What only a quiz's answers hold: each choice's feedback (explanations may quote the lesson itself)."""
    texts = []
    for quiz in QuizPage.objects.descendant_of(root):
        for block in quiz.questions:
            for child in getattr(block.value.get("choices"), "bound_blocks", []):
                if child.value["feedback"]:
                    texts.append(flat(child.value["feedback"])[:40])
    return [text for text in texts if text]


def test_learner_edition_has_no_facilitator_note_and_no_answer(tmp_path):
    root = module(1)
    text = flat(" ".join(pdf_pages(build(root), tmp_path)))
    assert "Learner edition" in text and root.title in text
    for fragment in facilitator_note_fragments(root):
        assert fragment not in text
    for answer in quiz_only_texts(root):
        assert answer not in text
    assert "Answer key" not in text and "Facilitator note" not in text
    assert "True False" in text, "quiz questions print with boxes to tick"


def test_facilitator_edition_has_notes_session_plan_and_answer_key(tmp_path):
    root = module(1)
    text = flat(" ".join(pdf_pages(build(root, edition="facilitator"), tmp_path)))
    for fragment in facilitator_note_fragments(root):
        assert fragment in text
    assert "Answer key" in text and "Session plans" in text
    quiz = QuizPage.objects.child_of(root).get()
    with translation.override("en"):  # the English edition's words for "True" and "False"
        for block in quiz.questions:
            assert flat(block.block.correct_answer_text(block.value))[:40] in text
    minutes = sum(
        block.value["duration_minutes"]
        for lesson in LessonPage.objects.child_of(root)
        for block in lesson.body
        if block.block_type == "activity"
    )
    assert re.search(rf"Total {minutes}\b", text)


def test_table_of_contents_page_numbers_match_where_modules_start(demo_course, tmp_path):
    pages = pdf_pages(build(demo_course, language="fr"), tmp_path)
    contents = pages[1]
    modules = list(
        ModulePage.objects.child_of(
            CoursePage.objects.get(translation_key=demo_course.translation_key, locale__language_code="fr")
        ).order_by("path")
    )
    for module_page in modules:
        listed = re.search(re.escape(module_page.title[:30]) + r".*?(\d+)\s*$", contents, re.M)
        assert listed, module_page.title
        page_number = int(listed.group(1))
        start = flat(pages[page_number - 1])
        assert module_page.title in start, (module_page.title, page_number)
        assert f"Page {page_number} sur {len(pages)}" in start


def test_french_edition_is_in_french(tmp_path):
    text = flat(" ".join(pdf_pages(build(module(1, "fr"), language="fr"), tmp_path)))
    assert "Édition pour les participants" in text or "Édition apprenant" in text or "Édition" in text
    assert "Sommaire" in text
    assert LessonPage.objects.child_of(module(1, "fr")).first().title in text
    assert "Learner edition" not in text and "Contents" not in text


def test_untranslated_parts_print_in_their_source_language_with_a_notice(tmp_path):
    text = flat(" ".join(pdf_pages(build(module(2, "es"), language="es"), tmp_path)))
    assert "Aún no traducido" in text or "aún no" in text.lower()
    assert LessonPage.objects.child_of(module(2, "en")).first().title in text


def test_the_second_download_is_a_file_read_and_a_publish_makes_a_new_one(tmp_path, client):
    root = module(1)
    url = f"/en/learning/workbooks/{root.translation_key}/?language=en&edition=learner"
    first = client.get(url)
    assert first.status_code == 200 and first["Content-Type"] == "application/pdf"
    book = printable(root)
    order = WorkbookOrder(page_key=root.translation_key, language="en")
    path = Path(pdf_storage().path(services.workbook_path(book.revision_stamp, order)))
    path.write_bytes(path.read_bytes() + b"%kept")
    assert b"".join(client.get(url).streaming_content).endswith(b"%kept")
    lesson = LessonPage.objects.child_of(root).first()
    lesson.title = "A renamed lesson"
    lesson.save_revision().publish()
    fresh = b"".join(client.get(url).streaming_content)
    assert not fresh.endswith(b"%kept")
    assert "A renamed lesson" in flat(" ".join(pdf_pages(fresh, tmp_path)))


def facilitator_edition_url(page) -> str:
    return f"/en/learning/workbooks/{page.translation_key}/?language=en&edition=facilitator"


def test_facilitator_edition_is_for_the_staff_of_the_owning_institute(client, learner, admin_user, institute_member):
    url = facilitator_edition_url(module(1))
    assert client.get(url).status_code == 403
    client.force_login(learner)
    refused = client.get(url)
    assert refused.status_code == 403 and "for facilitators and institute staff" in refused.content.decode()
    for role in ("facilitators", "editors", "moderators"):
        client.force_login(institute_member(role, FIRST_INSTITUTE))
        assert client.get(url).status_code == 200, role
    client.force_login(admin_user)
    assert client.get(url).status_code == 200


def test_a_facilitator_gets_only_their_own_institutes_facilitator_edition(client, institute_member):
    sahel_course = CoursePage.objects.get(slug="farmer-led-restoration", locale__language_code="en")
    client.force_login(institute_member("facilitators", SECOND_INSTITUTE))
    assert client.get(facilitator_edition_url(module(1))).status_code == 403, "another institute's answer keys"
    own = client.get(facilitator_edition_url(sahel_course))
    assert own.status_code == 200 and own["Content-Type"] == "application/pdf"
    assert 'value="facilitator"' in client.get(sahel_course.url).content.decode()
    assert 'value="facilitator"' not in client.get(module(1).url).content.decode()


def test_course_page_offers_workbooks_in_each_language_the_course_exists_in(client, demo_course, learner):
    page = client.get(demo_course.url).content.decode()
    form = re.search(r'<form class="workbook-choice".*?</form>', page, re.S).group(0)
    assert f'action="/en/learning/workbooks/{demo_course.translation_key}/"' in form and 'method="get"' in form
    assert re.findall(r'<option value="(\w+)"', form) == ["en", "fr", "es", "sw"], "no Portuguese: not written in it"
    assert 'value="facilitator"' not in form and '<input type="hidden" name="edition" value="learner">' in form


def test_one_form_chooses_the_workbook_labelled_for_keyboards_and_screen_readers(client, demo_course):
    translation.activate("fr")
    french = CoursePage.objects.get(translation_key=demo_course.translation_key, locale__language_code="fr")
    page = client.get(french.url)
    form = re.search(r'<form class="workbook-choice".*?</form>', page.content.decode(), re.S).group(0)
    assert form.count("<a ") == 0 and form.count("<button") == 1, "one choice, one button, instead of six links"
    assert '<label for="workbook-language">Langue</label>' in form and 'id="workbook-language"' in form
    assert '<option value="fr" lang="fr" selected>' in form, "the page's language first chosen"
    assert "<legend>Format du papier</legend>" in form
    assert re.findall(r'name="paper" value="(\w+)"', form) == ["a4", "letter"] and "checked" in form
    assert "Télécharger le cahier" in form
    chosen = re.search(r'action="([^"]+)"', form).group(1) + "?language=es&paper=letter&edition=learner"
    response = client.get(chosen)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="workbook-es-learner-letter.pdf"' in response["Content-Disposition"]


def test_bad_workbook_requests_get_a_clear_404(client):
    root = module(1)
    for query in ("language=xx", "edition=teacher", "paper=a3"):
        response = client.get(f"/en/learning/workbooks/{root.translation_key}/?{query}")
        assert response.status_code == 404
    assert client.get("/en/learning/workbooks/00000000-0000-0000-0000-000000000000/").status_code == 404


def run_queued_workbook_tasks():
    """What `db_worker --backend workbooks` does with each queued task; the command itself would also close this
    test's database connection between tasks."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"],
        excluded_queue_names=[],
        interval=0,
        batch=True,
        backend_name="workbooks",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
    )
    queued = list(DBTaskResult.objects.ready())
    assert queued, "the download queued a task"
    for task_result in queued:
        worker.run_task(task_result)


def test_in_background_mode_the_page_says_preparing_until_the_worker_has_built_it(client, settings):
    settings.TASKS = {**settings.TASKS, "workbooks": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    root = module(3)
    url = f"/en/learning/workbooks/{root.translation_key}/?language=en&edition=learner"
    waiting = client.get(url)
    assert waiting.status_code == 202 and "Preparing your workbook" in waiting.content.decode()
    run_queued_workbook_tasks()
    ready = client.get(url)
    assert ready.status_code == 200 and ready["Content-Type"] == "application/pdf"


def test_build_workbook_command_writes_the_file(tmp_path):
    output = tmp_path / "module.pdf"
    call_command(
        "build_workbook", module(1, "fr").slug, "--language", "fr", "--edition", "facilitator", "-o", str(output)
    )
    assert output.read_bytes().startswith(b"%PDF")
    assert "Sommaire" in flat(" ".join(pdf_pages(output.read_bytes(), tmp_path)))


def test_us_letter_is_an_option(tmp_path):
    path = tmp_path / "letter.pdf"
    path.write_bytes(build(module(1), paper="letter"))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "612 x 792 pts (letter)" in info


def test_a_video_prints_as_its_title_transcript_and_a_qr_code_of_its_link(tmp_path):
    root = module(4)
    lesson = LessonPage.objects.child_of(root).first()
    lesson.body.append(
        (
            "video",
            {
                "title": "Walking the watershed with the water board",
                "url": "https://video.example.org/watershed-walk",
                "duration": "6 min",
                "transcript": "<p>We start at the spring above the village.</p>",
            },
        )
    )
    lesson.save_revision().publish()
    path = tmp_path / "video.pdf"
    path.write_bytes(build(root))
    text = flat(" ".join(pdf_pages(path.read_bytes(), tmp_path)))
    assert "Walking the watershed with the water board" in text
    assert "We start at the spring above the village." in text
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-f", "3", "-l", "6", str(path), str(tmp_path / "page")], check=True
    )
    decoded = [
        subprocess.run(["zbarimg", "--quiet", "--raw", str(page)], capture_output=True, text=True).stdout.strip()
        for page in sorted(tmp_path.glob("page*.png"))
    ]
    assert "https://video.example.org/watershed-walk" in decoded


def test_refreshing_the_preparing_page_queues_one_build(client, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {**settings.TASKS, "workbooks": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    url = f"/en/learning/workbooks/{module(2).translation_key}/?language=en&edition=learner"
    for _refresh in range(4):
        assert client.get(url).status_code == 202
    assert DBTaskResult.objects.ready().count() == 1


def test_every_facilitator_note_of_the_demo_prints_in_the_facilitator_edition():
    order = WorkbookOrder(page_key=module(2).translation_key, language="en", edition="facilitator", paper="a4")
    html = services.workbook_html(printable(module(2)), order)
    assert "Allow the full 60 minutes" in html


def test_a_quiz_of_every_kind_prints_without_answers_and_its_key_holds_them():
    from tests.quiz_builder import build_quiz, one_of_each_kind

    root = module(3)
    questions = one_of_each_kind()
    build_quiz(root, slug="printed-kinds", questions=questions, title="Every kind on paper")
    book = printable(root)
    learner_html = services.workbook_html(book, WorkbookOrder(page_key=root.translation_key, language="en"))
    facilitator_html = services.workbook_html(
        printable(root), WorkbookOrder(page_key=root.translation_key, language="en", edition="facilitator")
    )
    for question in questions:
        assert question.value["prompt"] in learner_html
        for secret in question.secrets:
            assert secret not in learner_html, secret
    assert learner_html.count('class="box box--number"') == 4, "a box per item of the ordering, to write its place in"
    key = "1. Agree a vision · 2. Choose actions · 3. Fund them · 4. Track results"
    assert key not in learner_html and key in facilitator_html


def test_publishing_queues_every_workbook_of_the_course_so_a_download_is_a_file_read(
    client, settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from lms.pdf.store import pdf_open

    settings.TASKS = {**settings.TASKS, "workbooks": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    root = module(3)
    course = root.get_parent().specific
    with django_capture_on_commit_callbacks(execute=True):
        root.save_revision().publish()
    queued = {tuple(task.args_kwargs["args"]) for task in DBTaskResult.objects.ready()}
    # The course is written in English, French, Spanish and Swahili; its third module in English and French only.
    for page, languages in ((root, ("en", "fr")), (course, ("en", "fr", "es", "sw"))):
        for language in languages:
            for edition in ("learner", "facilitator"):
                for paper in ("a4", "letter"):
                    assert (str(page.translation_key), language, edition, paper) in queued
    assert len(queued) == (2 + 4) * 2 * 2, "nothing else: no Portuguese, no Spanish or Swahili module"

    one = DBTaskResult.objects.ready().get(args_kwargs__args=[str(root.translation_key), "en", "learner", "a4"])
    DBTaskResult.objects.ready().exclude(pk=one.pk).delete()  # the rest would take the worker a minute
    run_queued_workbook_tasks()
    order = WorkbookOrder(page_key=root.translation_key, language="en")
    assert pdf_open(services.expected_workbook_path(order, services.workbook_root(order))) is not None, "built"
    response = client.get(f"/en/learning/workbooks/{root.translation_key}/?language=en&edition=learner&paper=a4")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert not DBTaskResult.objects.ready().exists(), "read from the file, nothing queued"


def test_publishing_builds_nothing_ahead_when_tasks_run_at_once(django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        module(3).save_revision().publish()
    assert not DBTaskResult.objects.exists()
    assert not services.builds_in_background()


def test_the_choice_says_the_size_and_page_count_of_the_very_file_chosen(client, tmp_path):
    """Each built file's figures, keyed by the form's choice (static/js/workbooks.js shows the chosen one's), and
    in the page the first choice's, said in full: a Letter file's size is never shown as the A4 one's."""
    root = module(2)
    before = client.get(root.url).content.decode()
    assert "workbook-choice__size" not in before and "workbooks.js" not in before, "nothing built yet: nothing to say"
    sizes = {}
    for paper in ("letter", "a4"):
        pdf = client.get(f"/en/learning/workbooks/{root.translation_key}/?language=en&edition=learner&paper={paper}")
        content = b"".join(pdf.streaming_content)
        (tmp_path / "book.pdf").write_bytes(content)
        info = subprocess.run(["pdfinfo", str(tmp_path / "book.pdf")], capture_output=True, text=True, check=True)
        sizes[paper] = (int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1)), f"{len(content) / 1024:.1f}\xa0KB")
    page = client.get(root.url).content.decode()
    sizes_said = re.search(r'class="workbook-choice__size[^"]*"[^>]*data-sizes="([^"]*)"', page)[1]
    chosen = json.loads(html.unescape(sizes_said))
    pages, size = sizes["letter"]
    assert chosen["en letter learner"] == f"English, US Letter, learner edition: {pages} pages, {size}"
    pages, size = sizes["a4"]
    assert chosen["en a4 learner"] == f"English, A4, learner edition: {pages} pages, {size}"
    assert set(chosen) == {"en letter learner", "en a4 learner"}, "only files built once"
    assert f">English, A4, learner edition: {pages} pages, {size}</p>" in page, "the first choice's, without script"
    assert '<option value="en" lang="en" selected>English</option>' in page

    translation.activate("fr")
    french = client.get(module(2, "fr").url).content.decode()
    said = json.loads(html.unescape(re.search(r'data-sizes="([^"]*)"', french)[1]))["en a4 learner"]
    assert re.fullmatch(r"anglais, A4, [^:]*\u00a0: \d+ pages, [\d,]+\u00a0Kio", said), said


def test_the_session_plan_lists_optional_activities_apart_from_its_total(tmp_path):
    root = module(2)
    text = flat(" ".join(pdf_pages(build(root, edition="facilitator"), tmp_path)))
    required = sum(lesson.activity_minutes for lesson in LessonPage.objects.child_of(root))
    optional = [
        block.value
        for lesson in LessonPage.objects.child_of(root)
        for block in lesson.body
        if block.block_type == "activity" and block.value["optional"]
    ]
    assert optional, "the demo's module 2 has its transect walk as an optional activity"
    assert re.search(rf"Total {required}\b", text)
    apart = text.split("When time allows (not in the total)")[1]
    assert all(activity["title"] in apart for activity in optional)
    assert "optional, when time allows".upper() in text, "the activity itself says so where it prints"


def test_an_author_is_warned_when_a_lesson_is_shorter_than_its_activities(rf, admin_user):
    from django.contrib.messages import get_messages
    from django.contrib.messages.storage.fallback import FallbackStorage

    from curriculum.wagtail_hooks import warn_of_a_lesson_shorter_than_its_activities

    lesson = next(page for page in LessonPage.objects.child_of(module(3)) if page.activity_minutes)
    request = rf.post("/admin/pages/")
    request.user, request.session = admin_user, {}
    request._messages = FallbackStorage(request)
    warn_of_a_lesson_shorter_than_its_activities(request, lesson)
    assert not list(get_messages(request)), "the demo's lessons hold their activities"
    lesson.estimated_minutes = lesson.activity_minutes - 1
    warn_of_a_lesson_shorter_than_its_activities(request, lesson)
    (warning,) = get_messages(request)
    assert f"takes {lesson.estimated_minutes} minutes" in str(warning) and warning.level_tag == "warning"


def course_html(demo_course, language: str, edition: str = "learner") -> str:
    root = CoursePage.objects.get(translation_key=demo_course.translation_key, locale__language_code=language)
    order = WorkbookOrder(page_key=demo_course.translation_key, language=language, edition=edition)
    return services.workbook_html(printable(root), order)


def test_a_workbook_with_nothing_translated_says_so_on_its_cover(demo_course):
    """Portuguese has no translation yet: the cover says the whole workbook is in English, not "some parts"."""
    html = flat(course_html(demo_course, "pt"))
    assert "Este caderno ainda não está traduzido para português: é impresso em inglês" in html
    assert "Algumas partes" not in html


def test_untranslated_module_titles_and_glossary_terms_are_marked(demo_course):
    html = flat(course_html(demo_course, "es"))
    contents = html.split('<nav class="toc">')[1].split("</nav>")[0]
    untranslated_module = "Shared understanding of the landscape and its people"
    assert f'<span lang="en">{untranslated_module}</span> <span class="untranslated">(inglés)</span>' in contents
    glossary = html.split('id="glossary"')[1]
    mark = '<span class="untranslated" lang="es">(en inglés, aún sin traducir)'
    assert f'<dt lang="en">Adaptive management {mark}' in glossary
    assert "<dt>Alianza de paisaje</dt>" in glossary, "a term written in Spanish carries no mark"


def test_french_content_is_typeset_in_print_as_on_the_page(demo_course):
    """No-break spaces before : ; ? ! and inside « », put in at print time as on the web page, whatever the author
    typed."""
    from curriculum.typography import typeset_html

    root = CoursePage.objects.get(translation_key=demo_course.translation_key, locale__language_code="fr")
    book = printable(root)
    services.workbook_html(book, WorkbookOrder(page_key=demo_course.translation_key, language="fr"))
    french = [html for item in book.items if item.content_language == "fr" for html in item.blocks]
    assert french and all(typeset_html(str(html)) == str(html) for html in french)
    assert any("\u00a0:" in str(html) for html in french)
    assert not any("»</li>»" in str(html) or "»</p>»" in str(html) for html in french), "a closing » is not doubled"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_handout_prints_as_an_annex_page_the_lesson_refers_to_by_number(tmp_path, language):
    root = module(1, language)
    text = pdf_pages(build(root, language=language), tmp_path)
    pages = [flat(page) for page in text]
    lessons = LessonPage.objects.child_of(root)
    handouts = [block.value for lesson in lessons for block in lesson.body if block.block_type == "handout"]
    assert len(handouts) == 3, "module 1's activities hand out an engagement plan, a checklist and scoring slips"
    with translation.override(language):
        where = translation.gettext("a page to copy for each participant, in the annex on page")
    everything = " ".join(pages)
    for handout in handouts:
        title = flat(handout["title"])
        reference = re.search(re.escape(title) + r"\W+" + re.escape(flat(where)) + r" (\d+)", everything)
        assert reference, title
        annex_page = pages[int(reference.group(1)) - 1]
        assert annex_page.count(title) == 1 and where not in annex_page, "the page it names is the handout's own"
        for heading in handout["columns"]:  # a heading may wrap in its cell, so word by word
            assert all(word in annex_page for word in flat(heading).split()), heading


def _queries(action) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured.captured_queries)


def test_printing_reads_the_same_number_of_queries_however_many_lessons_a_course_has(demo_course):
    """Each page's language comes with the page (it was one locale query per lesson and quiz)."""
    order = WorkbookOrder(page_key=demo_course.translation_key, language="en", edition="facilitator")
    services.workbook_html(printable(demo_course), order)  # what each process reads once (elements, renditions)
    before = _queries(lambda: services.workbook_html(printable(demo_course), order))
    first_module = ModulePage.objects.child_of(demo_course).order_by("path").first()
    for number in (1, 2, 3):
        lesson = LessonPage(title=f"An added lesson {number}", slug=f"an-added-lesson-{number}", body=[])
        first_module.add_child(instance=lesson)
        lesson.save_revision().publish()
    # Publishing moved the tree's generation on: what a process reads once per generation (the locales) is read again.
    services.workbook_html(printable(demo_course), order)
    assert _queries(lambda: services.workbook_html(printable(demo_course), order)) == before


def test_a_workbook_already_built_is_found_without_reading_the_course(client, demo_course):
    """The download of a built workbook reads the page and the content's version, not every lesson (it was 38
    queries for the demo course): as few for the whole course as for one of its modules."""
    urls = {
        page: f"/en/learning/workbooks/{page.translation_key}/?language=en&edition=learner"
        for page in (module(1), demo_course)
    }
    for url in urls.values():
        assert client.get(url).status_code == 200  # built
    counts = {page: _queries(lambda url=url: client.get(url)) for page, url in urls.items()}
    assert max(counts.values()) <= 4, counts


@pytest.mark.parametrize(("setting", "backend"), [(None, "DatabaseBackend"), ("false", "ImmediateBackend")])
def test_production_builds_workbooks_off_the_request_unless_told_not_to(setting, backend):
    """A large workbook outlives gunicorn's 30 s timeout: production queues it for the workbooks worker."""
    from tests.test_delivery import settings_of

    production = {
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "academy.example.org",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:5432/nothing",
        "TRUSTED_PROXY_COUNT": "1",
        **({"WORKBOOKS_IN_BACKGROUND": setting} if setting else {}),
    }
    (tasks,) = settings_of("lms.settings.production", "TASKS['workbooks']['BACKEND']", **production)
    assert tasks.endswith(backend)
