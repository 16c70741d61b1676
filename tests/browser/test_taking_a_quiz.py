"""A learner takes a quiz in French, fails, retakes it, passes, then reviews the attempt in English."""

from pathlib import Path

import pytest
import yaml
from playwright.sync_api import expect

from tests.browser.conftest import fits_the_screen, sign_up_in_french

pytestmark = pytest.mark.browser
DEMO = Path(__file__).resolve().parents[2] / "curriculum" / "demo" / "ilm-five-elements"
QUIZ_FR = (
    "/fr/formations/landscape-learning-institute/gestion-integree-des-paysages-cinq-elements/"
    "partenariat-paysager/verifiez-vos-acquis/"
)


def demo_quiz(language: str) -> list[dict]:
    return yaml.safe_load((DEMO / f"quiz-1.{language}.yaml").read_text(encoding="utf-8"))["questions"]


def answer_the_quiz(page, *, right: bool):
    """Answer the French quiz as its demo file says is right (the English file says which choices are correct)."""
    questions = page.locator("fieldset.question")
    expect(questions).to_have_count(8)
    for question, french, english in zip(questions.all(), demo_quiz("fr"), demo_quiz("en"), strict=True):
        kind, words = next(iter(french.items()))
        truth = english[kind]
        if kind in ("single_choice", "multiple_choice"):
            for choice, true_choice in zip(words["choices"], truth["choices"], strict=True):
                if bool(true_choice.get("correct")) == right:
                    question.get_by_label(choice["text"].strip(), exact=True).check()
                    if kind == "single_choice":
                        break
        elif kind == "true_false":
            question.get_by_label("Vrai" if truth["correct"] == right else "Faux", exact=True).check()
        elif kind == "short_text":
            question.get_by_role("textbox").fill(words["accepted_answers"][0] if right else "je ne sais pas")
        else:
            question.get_by_role("textbox").fill(str(truth["answer"]) if right else "sept")


def test_learner_fails_retakes_passes_and_reviews_in_english(site_url, phone):
    sign_up_in_french(phone, site_url, name="Moussa Keita", password="quiz-collines-2045")

    phone.goto(site_url + QUIZ_FR)
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Vérifiez vos acquis")
    phone.get_by_role("button", name="Commencer le quiz").click()

    # First attempt: a word where a number is expected is explained, and everything typed is kept.
    answer_the_quiz(phone, right=False)
    phone.get_by_role("button", name="Envoyer mes réponses").click()
    summary = phone.get_by_role("alert").filter(has_text="Certaines réponses demandent votre attention")
    expect(summary).to_be_visible()
    summary.get_by_role("link").first.click()
    expect(phone.locator(".question__error").filter(has_text="Saisissez un nombre")).to_be_visible()
    expect(phone.locator("input[value='sept']")).to_have_count(1)
    expect(phone.locator("input[value='je ne sais pas']")).to_have_count(1)
    phone.locator("input[inputmode=decimal]").fill("7")
    phone.get_by_role("button", name="Envoyer mes réponses").click()
    expect(phone.get_by_role("status")).to_contain_text("Votre score\u00a0: 0\u00a0%")
    expect(phone.locator(".review__item").first).to_contain_text("Incorrect")
    expect(phone.get_by_text("Bonne réponse")).to_have_count(0)

    phone.get_by_role("button", name="Réessayer").click()  # one click from the result to a new attempt
    answer_the_quiz(phone, right=True)
    phone.get_by_role("button", name="Envoyer mes réponses").click()
    expect(phone.get_by_role("status")).to_contain_text("Votre score\u00a0: 100\u00a0%")
    assert fits_the_screen(phone)

    # The same attempt, reviewed in English: the same result, in English words.
    phone.goto(phone.url.replace("/fr/", "/en/"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Check your understanding: the landscape partnership")
    expect(phone.get_by_role("status")).to_contain_text("Your score: 100%")
    expect(phone.locator(".review__item")).to_have_count(8)
    expect(phone.locator(".review__item .state--complete")).to_have_count(8)
    english_prompt = demo_quiz("en")[0]["single_choice"]["prompt"].strip()
    expect(phone.locator(".review__prompt").first).to_have_text(english_prompt)


def test_answers_are_saved_as_you_go_and_survive_a_reload(site_url, phone):
    sign_up_in_french(phone, site_url, name="Fatou Sow", password="quiz-collines-2045")
    phone.goto(site_url + QUIZ_FR)
    phone.get_by_role("button", name="Commencer le quiz").click()
    phone.locator("fieldset.question input[type=radio]").first.check()
    phone.locator("input[inputmode=decimal]").fill("6")
    expect(phone.locator(".save-status")).to_have_text("Vos réponses sont enregistrées.", timeout=10_000)
    phone.reload()  # as after a dropped connection
    expect(phone.locator("fieldset.question input[type=radio]").first).to_be_checked()
    expect(phone.locator("input[inputmode=decimal]")).to_have_value("6")
