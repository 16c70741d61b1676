"""`export_zim`: the demo course in French as a Kiwix ZIM file, read back with libzim: its metadata, its pages, and
nothing a learner must not read (facilitator notes, right answers, feedback, explanations)."""

import re

import pytest
from django.core.management import CommandError, call_command
from libzim.reader import Archive

from curriculum.models import CoursePage, LessonPage, QuizPage
from curriculum.printing import render_block_for_print

MANDATORY_METADATA = {"Name", "Title", "Creator", "Publisher", "Date", "Description", "Language"}


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.fixture
def french_zim(demo_course, tmp_path):
    output = tmp_path / "course.zim"
    call_command("export_zim", demo_course.slug, "--language", "fr", "-o", str(output))
    return Archive(output)


def test_the_zim_has_kiwix_metadata_a_main_page_and_every_lesson(french_zim, demo_course):
    assert set(french_zim.metadata_keys) >= MANDATORY_METADATA
    assert french_zim.get_metadata("Language") == b"fra"
    assert len(french_zim.get_metadata("Title").decode()) <= 30
    assert french_zim.has_illustration(48)
    assert french_zim.check()
    index = bytes(french_zim.main_entry.get_item().content).decode()
    assert "Gestion intégrée des paysages" in index and 'href="glossary.html"' in index
    french_course = CoursePage.objects.get(translation_key=demo_course.translation_key, locale__language_code="fr")
    for lesson in LessonPage.objects.descendant_of(french_course).live():
        assert lesson.title in index or lesson.title.replace("'", "&#x27;") in index, lesson.title
    assert french_zim.has_entry_by_path("glossary.html") and french_zim.has_entry_by_path("style.css")
    assert french_zim.has_fulltext_index


def test_the_zim_holds_no_facilitator_note_and_no_answer(french_zim):
    pages = []
    for index in range(french_zim.all_entry_count):
        entry = french_zim._get_entry_by_id(index)
        item = entry.get_item() if not entry.is_redirect else None
        if item is not None and item.mimetype == "text/html":
            pages.append(text_of(bytes(item.content).decode()))
    everything = " ".join(pages)
    secrets = []
    for lesson in LessonPage.objects.filter(locale__language_code="fr").live():
        for block in lesson.body:
            if block.block_type == "facilitator_note":
                secrets.append(text_of(render_block_for_print(block, edition="facilitator", language="fr")))
    for quiz in QuizPage.objects.filter(locale__language_code="fr").live():
        for question in quiz.questions:
            secrets.append(text_of(str(question.value.get("explanation") or "")))
            for choice in question.value.get("choices") or []:
                secrets.append(text_of(str(choice.get("feedback") or "")))
    secrets = [secret for secret in secrets if len(secret) > 20]  # whole: an explanation may quote a lesson
    assert len(secrets) > 10
    for secret in secrets:
        assert secret not in everything, secret
    assert "Bonne réponse" not in everything and "Corrigé" not in everything


def test_an_unknown_course_is_refused(db, tmp_path):
    with pytest.raises(CommandError):
        call_command("export_zim", "no-such-course", "--language", "fr", "-o", str(tmp_path / "x.zim"))


def test_the_institutes_staff_download_the_zim_from_the_course_page_in_the_admin(
    client, demo_course, institute_member, tmp_path
):
    from tests.helpers import FIRST_INSTITUTE, SECOND_INSTITUTE

    french = CoursePage.objects.get(translation_key=demo_course.translation_key, locale__language_code="fr")
    client.force_login(institute_member("editors", FIRST_INSTITUTE))
    edit_page = client.get(f"/admin/pages/{french.pk}/edit/").content.decode()
    address = f"/admin/offline/courses/{french.pk}/course.zim"
    assert address in edit_page and "Download for Kiwix (ZIM)" in edit_page
    response = client.get(address)
    assert response.status_code == 200 and response["Content-Type"] == "application/x-zim"
    assert f'filename="{french.slug}.fr.zim"' in response["Content-Disposition"]
    (tmp_path / "download.zim").write_bytes(b"".join(response.streaming_content))
    assert Archive(tmp_path / "download.zim").get_metadata("Language") == b"fra"

    client.force_login(institute_member("editors", SECOND_INSTITUTE))
    assert address not in client.get(f"/admin/pages/{french.pk}/edit/").content.decode()
    refused = client.get(address)  # Wagtail's permission error: back to the admin's home, with a message
    assert refused.status_code == 302 and refused["Location"] == "/admin/"
