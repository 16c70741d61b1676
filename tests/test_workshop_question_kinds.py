"""Workshops grade paper answers through the question kinds' own API (curriculum.questions: paper_question,
right_submission, parse_answer, grade), so every kind works on paper, the ordering kind included: its results
sheet letters the items as the workbook prints them, with room for each place, and the results form asks for the
place of each lettered item."""

import html
import re

import pytest
from django.test import Client

from curriculum.models import QuizPage
from lms.workshops.demo import right_answers
from lms.workshops.documents import paper_questions, sheets_html, sheets_pdf, workshop_quizzes
from lms.workshops.models import PaperResult
from tests.helpers import FIRST_INSTITUTE, make_institute_member
from tests.quiz_builder import by_kind, six_kind_quiz
from tests.workshop_scene import add_people, make_workshop, pdf_text


@pytest.fixture
def scene(db):
    quiz, questions = six_kind_quiz(slug="paper-six-kinds")
    workshop = make_workshop()
    people = add_people(workshop, names=["Marie Dubois", "John Okello"])
    facilitator = make_institute_member("facilitators", FIRST_INSTITUTE)
    client = Client()
    client.force_login(facilitator)
    return quiz, questions, workshop, people, client


def _results_url(workshop) -> str:
    return f"/en/workshops/{workshop.pk}/results/"


@pytest.mark.django_db
def test_each_kind_says_what_its_right_answer_submits_and_grades_it_right():
    quiz, questions = six_kind_quiz(slug="right-submissions")
    submitted = right_answers(quiz)
    for block in quiz.questions:
        answer = block.block.parse_answer(block.value, submitted[block.id])
        assert block.block.grade(block.value, answer).score == 1, block.block_type
    assert submitted[by_kind(questions, "ordering").id] == by_kind(questions, "ordering").right


@pytest.mark.django_db
def test_paper_questions_letter_what_paper_shows_and_hold_no_answer():
    quiz, questions = six_kind_quiz(slug="paper-letters")
    entries = {question.id: question for question in paper_questions(quiz)}
    ordering = by_kind(questions, "ordering")
    paper = entries[ordering.id]
    assert paper.entry == "place" and [letter for letter, _v, _t in paper.options] == ["A", "B", "C", "D"]
    written = [item["value"] for item in ordering.value["items"]]
    printed = [text for _letter, _value, text in paper.options]
    assert sorted(printed) == sorted(written) and printed != written  # shuffled, never the answer
    # Lettered as the workbook prints the question, so the sheet and the workbook agree.
    block = next(block for block in quiz.questions if block.id == ordering.id)
    on_paper = block.block.render_print(block.value, {"block_id": block.id, "number": 6})
    assert [on_paper.index(text) for text in printed] == sorted(on_paper.index(text) for text in printed)
    assert entries[by_kind(questions, "true_false").id].options[0][1:] == ("true", "True")
    assert entries[by_kind(questions, "multiple_choice").id].multiple
    assert entries[by_kind(questions, "numeric").id].input_mode == "decimal"
    assert {entry.entry for entry in entries.values()} == {"circle", "place", "write"}
    texts = repr(list(entries.values()))
    for question in questions:
        for secret in question.secrets:
            if question.kind != "ordering":  # an ordering's items are its texts; their order is its secret
                assert secret not in texts, (question.kind, secret)


@pytest.mark.django_db
def test_the_results_sheet_prints_an_ordering_with_a_place_for_each_letter(scene):
    quiz, questions, workshop, people, _client = scene
    assert quiz.translation_key in [found.translation_key for found in workshop_quizzes(workshop)]
    page = sheets_html(workshop, list(workshop.sessions.order_by("number")), people, workshop_quizzes(workshop))
    sheet = page[page.index(html.escape(f"Results sheet: {quiz.title}", quote=False)) :]
    assert "Order: write beside each letter the place the participant gave the item (1 for the first)." in sheet
    assert "A__ B__ C__ D__" in sheet and "places" in sheet
    for item in by_kind(questions, "ordering").value["items"]:
        assert item["value"] in sheet
    assert "A plan follows the vision" not in sheet  # no explanation on a sheet handed round
    assert "Written answer: points earned" in sheet  # short text and number


@pytest.mark.django_db
def test_paper_answers_of_every_kind_are_graded_by_the_kinds(scene):
    quiz, questions, workshop, (marie, john), client = scene
    page = html.unescape(client.get(_results_url(workshop) + f"?quiz={quiz.translation_key}").content.decode())
    ordering = by_kind(questions, "ordering")
    name = f"p{marie.pk}-{ordering.id}"
    assert len(re.findall(f'<select name="{name}"', page)) == 4  # a place for each item
    assert "Question 6: place of A," in page
    for secret in ordering.secrets + by_kind(questions, "single_choice").secrets:
        assert secret not in page
    data = {"quiz": str(quiz.translation_key), "mode": "answers"}
    for question in questions:
        data[f"p{marie.pk}-{question.id}"] = question.right
        data[f"p{john.pk}-{question.id}"] = question.wrong
    response = client.post(_results_url(workshop), data)
    assert response.status_code == 302, html.unescape(response.content.decode())[:3000]
    assert PaperResult.objects.get(participant=marie, quiz_key=quiz.translation_key).attempt.score == 100
    assert PaperResult.objects.get(participant=john, quiz_key=quiz.translation_key).attempt.score == 0


@pytest.mark.django_db
def test_an_ordering_with_a_place_given_twice_is_refused_in_its_cell(scene):
    quiz, questions, workshop, (marie, _john), client = scene
    ordering = by_kind(questions, "ordering")
    data = {"quiz": str(quiz.translation_key), "mode": "answers"}
    data[f"p{marie.pk}-{ordering.id}"] = [f"{ordering.id}-0:1", f"{ordering.id}-1:1", "", ""]
    response = client.post(_results_url(workshop), data)
    assert response.status_code == 400
    assert "Give every item a position, each position once." in html.unescape(response.content.decode())
    assert not PaperResult.objects.filter(participant=marie).exists()
    # Left blank entirely, it scores nothing and the rest is recorded.
    data = {"quiz": str(quiz.translation_key), "mode": "answers"}
    for question in questions:
        data[f"p{marie.pk}-{question.id}"] = [""] if question.kind == "ordering" else question.right
    assert client.post(_results_url(workshop), data).status_code == 302
    attempt = PaperResult.objects.get(participant=marie, quiz_key=quiz.translation_key).attempt
    assert 0 < attempt.score < 100 and QuizPage.objects.filter(pk=quiz.pk).exists()


@pytest.mark.django_db
def test_the_printed_results_sheet_of_a_six_kind_quiz_reads_back(scene, tmp_path):
    quiz, questions, workshop, people, _client = scene
    pdf = sheets_pdf(workshop)
    text = pdf_text(pdf, tmp_path)
    sheet = text[text.index(f"Results sheet: {quiz.title}") :]
    assert "A__ B__ C__ D__" in sheet and "places" in sheet and "points" in sheet
    assert "Marie Dubois" in sheet and "John Okello" in sheet
