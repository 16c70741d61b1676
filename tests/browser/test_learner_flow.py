"""On a 360 px phone in French, a learner always sees where they are, what just happened and what comes next (issue
14): the lesson title near the top, a word after "Mark as complete", a pager that names quizzes and keeps the state on
one line, a quiz as wide as the screen that says what its review shows, and "Continue" after a passed quiz."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import fits_the_screen, sign_up_in_french
from tests.browser.test_taking_a_quiz import QUIZ_FR, answer_the_quiz

pytestmark = pytest.mark.browser
COURSE_FR = "/fr/formations/landscape-learning-institute/gestion-integree-des-paysages-cinq-elements/"


def one_line(locator) -> bool:
    box = locator.bounding_box()
    line = locator.evaluate("element => parseFloat(getComputedStyle(element).lineHeight)")
    return box["height"] < 1.6 * line


def test_a_learner_on_a_phone_knows_where_they_are_and_what_comes_next(site_url, phone):
    sign_up_in_french(phone, site_url, name="Aminata Diallo", password="collines-vertes-2045")
    phone.goto(site_url + COURSE_FR)
    phone.get_by_role("button", name="S’inscrire à cette formation").click()
    phone.get_by_role("link", name="Commencer la formation").click()

    # The title is on the first screen: a smaller header, and the breadcrumb is one line up to the module.
    title = phone.get_by_role("heading", level=1)
    assert title.bounding_box()["y"] < 200, title.bounding_box()
    breadcrumb = phone.get_by_role("navigation", name="Fil d’Ariane")
    expect(breadcrumb.get_by_role("link")).to_have_count(1)
    assert one_line(breadcrumb.get_by_role("link"))
    first_title = title.inner_text()

    # The pager says what comes next and the learner's state, on one line.
    next_label = phone.locator(".pager__next .pager__label")
    expect(next_label).to_have_text(re.compile(r"^Leçon suivante · ○ Non commencée\s*$"))
    assert one_line(next_label)

    phone.get_by_role("button", name="Marquer comme terminée").click()
    status = phone.get_by_role("status")
    expect(status).to_contain_text(f"«\u00a0{first_title}\u00a0» est terminée.")
    expect(phone.get_by_text("Leçon 2 sur 20")).to_be_visible()
    assert fits_the_screen(phone)

    # The module's quiz: the pager shows the state of the lesson before it; the facts say what a review shows.
    phone.goto(site_url + QUIZ_FR)
    expect(phone.locator(".pager__previous .pager__label")).to_have_text(
        re.compile(r"^Leçon précédente · ○ Non commencée\s*$")
    )
    expect(phone.locator(".quiz-facts")).to_contain_text(
        "Les bonnes réponses et les explications s’affichent une fois le quiz réussi."
    )
    phone.get_by_role("button", name="Commencer le quiz").click()
    legend = phone.locator("fieldset.question legend").first
    assert legend.bounding_box()["width"] >= 320, legend.bounding_box()
    answer_the_quiz(phone, right=True)
    phone.get_by_role("button", name="Envoyer mes réponses").click()
    expect(phone.get_by_role("status")).to_contain_text("Votre score\u00a0: 100\u00a0%")
    assert phone.title().startswith("Résultat de la tentative 1 · ")
    expect(phone.get_by_text(re.compile("^Leçon suivante\u00a0: "))).to_be_visible()

    phone.get_by_role("link", name="Continuer", exact=True).click()
    expect(phone.get_by_text("Leçon 5 sur 20")).to_be_visible()
    expect(phone.locator(".pager__previous .pager__label")).to_have_text(
        re.compile(r"^Quiz précédent · ✓ Terminée\s*$")
    )

    # Back at the quiz: past attempts wait below, behind a summary.
    phone.goto(site_url + QUIZ_FR)
    attempts = phone.locator("details.attempts-details")
    expect(attempts.locator("summary")).to_have_text("Votre tentative (1)")
    expect(attempts.locator("table")).to_be_hidden()
    assert attempts.bounding_box()["y"] > phone.locator(".quiz-facts").bounding_box()["y"]


def test_the_workbook_form_says_the_size_of_the_very_file_chosen(site_url, phone):
    """Issue 14: the size beside the choice is the chosen file's (language, paper), not the A4 one's whatever is
    picked; said in French with its no-break space. Two small module workbooks are built first, as a download does."""
    module = site_url + COURSE_FR + "comprehension-commune/"
    phone.goto(module)
    action = phone.locator("form.workbook-choice").get_attribute("action")
    for paper in ("a4", "letter"):
        built = phone.request.get(f"{site_url}{action}?language=fr&edition=learner&paper={paper}", timeout=120_000)
        assert built.ok and built.headers["content-type"] == "application/pdf"
    phone.reload()
    size = phone.locator(".workbook-choice__size")
    learner_edition = "édition pour les participants\u00a0: "
    expect(size).to_have_text(re.compile(rf"^français, A4, {learner_edition}\d+ pages, [\d,]+\u00a0Kio$"))
    a4 = size.inner_text()
    phone.get_by_label("Format Lettre US").check()
    expect(size).to_have_text(re.compile(rf"^français, Format Lettre US, {learner_edition}\d+ pages"))
    phone.get_by_label("Langue", exact=True).select_option("en")
    expect(size).to_have_text("")  # the English workbook was never built: no figure rather than a wrong one
    phone.get_by_label("Langue", exact=True).select_option("fr")
    phone.get_by_label("A4", exact=True).check()
    expect(size).to_have_text(a4)
    assert fits_the_screen(phone)
