"""Swahili and Bahasa Indonesia on a 360 px phone: home, lesson, quiz and "My learning" speak the language, fit the
screen and say which language their text is in. The demo's Swahili has the course's first module; its Indonesian has
no content yet, so every page shows the English text, marked as English, under the Indonesian interface."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import fits_the_screen, sign_up_in_french

pytestmark = pytest.mark.browser

SWAHILI_COURSE = "/sw/kozi/landscape-learning-institute/usimamizi-jumuishi-wa-mandhari/"
INDONESIAN_COURSE = "/id/courses/landscape-learning-institute/ilm-five-elements/"
LANGUAGES = {
    # language: (course, its first module's quiz, the interface's words for "Enrol in this course", "Start the
    # course", "Start the quiz" and "My learning", and whether the first lesson is written in the language)
    "sw": (
        SWAHILI_COURSE,
        "ushirikiano-wa-mandhari/pima-uelewa-wako/",
        "Jiandikishe katika kozi hii",
        "Anza kozi",
        "Anza jaribio",
        "Masomo yangu",
        True,
    ),
    "id": (
        INDONESIAN_COURSE,
        "landscape-partnership/check-your-understanding/",
        "Daftar di kursus ini",
        "Mulai kursus",
        "Mulai kuis",
        "Pembelajaran saya",
        False,
    ),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_home_lesson_quiz_and_dashboard_in_the_language_on_a_phone(site_url, chromium, language):
    course, quiz, enrol, start_course, start_quiz, my_learning, translated = LANGUAGES[language]
    context = chromium.new_context(viewport={"width": 360, "height": 740}, locale=language, device_scale_factor=1)
    page = context.new_page()
    try:

        def shows_the_language(path: str) -> None:
            response = page.goto(site_url + path)
            assert response.ok, (path, response.status)
            expect(page.locator("html")).to_have_attribute("lang", language)
            expect(page.locator("html")).to_have_attribute("dir", "ltr")
            assert fits_the_screen(page), f"{path} scrolls sideways"

        shows_the_language(f"/{language}/")
        sign_up_in_french(page, site_url, name="Neema Wanjiru", password="milima-ya-kijani-2045")
        shows_the_language(course)
        page.get_by_role("button", name=enrol).click()
        page.get_by_role("link", name=start_course).first.click()
        shows_the_language(page.url.removeprefix(site_url))
        title_language = page.eval_on_selector("main h1", "h1 => h1.closest('[lang]').lang")
        if translated:
            expect(page.locator("main h1")).to_have_text("Ushirikiano wa mandhari ni nini?")
            assert title_language == language
        else:  # the English lesson under the Indonesian interface: its text says it is English
            expect(page.locator("main h1")).to_have_text("What is a landscape partnership?")
            assert title_language == "en"
        shows_the_language(course + quiz)
        expect(page.get_by_role("button", name=start_quiz)).to_be_visible()
        shows_the_language(f"/{language}/learning/")
        expect(page.get_by_role("heading", name=my_learning).first).to_be_visible()
    finally:
        context.close()
