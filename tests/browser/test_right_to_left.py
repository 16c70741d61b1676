"""Arabic on a 360 px phone: pages run right to left, bars and indents mirror, and the English text shown until the
course is translated keeps its own direction, so it reads in order inside the Arabic page."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import fits_the_screen, sign_up_in_french

pytestmark = pytest.mark.browser

COURSE = "/ar/courses/landscape-learning-institute/ilm-five-elements/"
LESSON = COURSE + "landscape-partnership/what-is-a-landscape-partnership/"
QUIZ = COURSE + "landscape-partnership/check-your-understanding/"


@pytest.fixture
def arabic_phone(chromium):
    context = chromium.new_context(viewport={"width": 360, "height": 740}, locale="ar", device_scale_factor=1)
    page = context.new_page()
    yield page
    context.close()


def style(page, selector: str, *properties: str) -> list[str]:
    return page.eval_on_selector(selector, "(el, names) => names.map(n => getComputedStyle(el)[n])", list(properties))


def reads_left_to_right(page, selector: str, first: str, then: str) -> bool:
    """In the element's text, is `then` drawn to the right of `first` (on the same line), as English reads?"""
    return page.eval_on_selector(
        selector,
        """(el, [first, then]) => {
            const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
            const text = walker.nextNode();
            const box = (at, length) => {
                const range = document.createRange();
                range.setStart(text, at);
                range.setEnd(text, at + length);
                return range.getBoundingClientRect();
            };
            const a = box(text.data.indexOf(first), first.length), b = box(text.data.indexOf(then), then.length);
            return Math.abs(a.top - b.top) < 2 && b.left >= a.right - 1;
        }""",
        [first, then],
    )


def runs_right_to_left(page) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert fits_the_screen(page), "no sideways scrolling"


def test_an_arabic_lesson_mirrors_and_its_english_text_reads_in_order(site_url, arabic_phone, tmp_path):
    page = arabic_phone
    page.goto(site_url + "/ar/")
    runs_right_to_left(page)

    page.goto(site_url + LESSON)
    runs_right_to_left(page)
    # The notice is the page's own (Arabic): its bar on the right, where an Arabic line starts.
    assert style(page, ".notice--fallback", "borderRightWidth", "borderLeftWidth") == ["4px", "0px"]
    # The lesson is English: its own direction, its callout's bar on its left.
    article = page.locator("article.lesson")
    expect(article).to_have_attribute("lang", "en")
    expect(article).to_have_attribute("dir", "ltr")
    assert style(page, ".callout", "borderLeftWidth", "borderRightWidth") == ["6px", "1px"]
    assert reads_left_to_right(page, "article.lesson h1", "partnership", "?"), "the question mark ends the title"
    # Inline English titles (the pager's next lesson) are isolated too.
    next_title = ".pager__next .pager__title > span[lang=en]"
    expect(page.locator(next_title)).to_have_attribute("dir", "ltr")
    assert reads_left_to_right(page, next_title, "stake", "?")
    # The site's name sits at the start of the header, on the right.
    name, menu = (page.locator(selector).bounding_box() for selector in (".site-name", ".language-switcher"))
    assert name["x"] > menu["x"]
    page.screenshot(path=tmp_path / "arabic-lesson.png", full_page=True)


def test_an_arabic_quiz_and_dashboard_run_right_to_left(site_url, arabic_phone):
    page = arabic_phone
    page.goto(site_url + QUIZ)
    runs_right_to_left(page)
    expect(page.locator("article.quiz")).to_have_attribute("dir", "ltr")

    sign_up_in_french(page, site_url, name="Layla Haddad", password="sahel-dunes-2045")
    page.goto(site_url + COURSE)
    runs_right_to_left(page)
    page.locator("form[action*='/enrol/'] button").click()
    page.goto(site_url + "/ar/learning/")
    runs_right_to_left(page)
    course_link = page.locator(".course-progress h3 a")
    expect(course_link).to_have_attribute("lang", "en")
    expect(course_link).to_have_attribute("dir", "ltr")
    expect(course_link).to_have_attribute("hreflang", "en")
