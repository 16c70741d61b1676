"""A learner always knows what just happened and what comes next (issue 14): a word after "Mark as complete", a
"Continue" after a passed quiz, the certificate after the last item, what a quiz's review shows and when, and a
dashboard that counts and writes percentages one way."""

import re
from html.parser import HTMLParser

import pytest
from wagtail.models import Page

from curriculum.models import CoursePage, QuizPage
from curriculum.selectors.structure import course_structures
from lms.progress import services
from tests.helpers import lesson_in
from tests.quiz_builder import demo_quiz, demo_right_answers, demo_wrong_answers, start, submit

pytestmark = pytest.mark.django_db


class Nesting(HTMLParser):
    """Records every <form> opened inside an open <p>, and the document's <title>."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__()
        self.open: list[str] = []
        self.forms_in_p = 0
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if tag == "form" and "p" in self.open:
            self.forms_in_p += 1
        if tag == "title":
            self._in_title = True
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if tag in self.open:
            while self.open.pop() != tag:
                pass

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def parsed(html: str) -> Nesting:
    parser = Nesting()
    parser.feed(html)
    return parser


def course_items(language="en") -> list[Page]:
    course = CoursePage.objects.get(locale__language_code="en", slug="ilm-five-elements")
    keys = course_structures([course.translation_key])[course.translation_key].item_keys
    pages = Page.objects.filter(translation_key__in=keys, locale__language_code=language)
    pages = {page.translation_key: page for page in pages}
    return [pages[key].specific for key in keys]


def test_mark_as_complete_says_which_lesson_was_completed(learner_client):
    first, second = lesson_in("fr", 1, 1), lesson_in("fr", 1, 2)
    response = learner_client.post(f"/fr/learning/lessons/{first.translation_key}/complete/", follow=True)
    assert response.redirect_chain[-1][0] == second.url
    html = response.content.decode()
    status = re.search(r'<div class="messages" role="status">(.*?)</div>', html, re.S).group(1)
    assert f"« {first.title} » est terminée" in status.replace("\u00a0", " ")


def test_a_passed_quiz_continues_to_the_next_item_and_a_failed_one_does_not(learner_client):
    quiz = demo_quiz("en", 1)
    items = course_items()
    following = items[[item.pk for item in items].index(quiz.pk) + 1]
    failed = start(learner_client, quiz)
    submit(learner_client, failed, demo_wrong_answers(quiz))
    page = learner_client.get(f"/en/learning/quizzes/attempts/{failed.pk}/").content.decode()
    assert ">Continue</a>" not in page
    assert f'<a href="{quiz.get_parent().url}">Review the lessons</a>' in page, "its module, before a retake"
    passed = start(learner_client, quiz)
    submit(learner_client, passed, demo_right_answers(quiz))
    page = learner_client.get(f"/en/learning/quizzes/attempts/{passed.pk}/").content.decode()
    assert f'<a class="button" href="{following.url}" rel="next">Continue</a>' in page
    said = re.search(r'Next lesson: <span lang="en">([^<]*)</span>\s*</span>', page)
    assert said and said[1] == following.title, "no language hint: in English already"
    assert "Congratulations" not in page
    # In Spanish the next lesson is still in English, and says so.
    page = learner_client.get(f"/es/learning/quizzes/attempts/{passed.pk}/").content.decode()
    assert '<span lang="en">' in page.split("result-actions__next")[1].split("</div>")[0]
    assert "(en inglés)" in page.split("result-actions__next")[1].split("</div>")[0]


def test_the_last_quiz_congratulates_and_links_to_the_certificate(learner_client, learner):
    items = course_items()
    last = items[-1]
    assert isinstance(last, QuizPage)
    for item in items[:-1]:
        services.item_complete(learner=learner, item=item)
    attempt = start(learner_client, last)
    submit(learner_client, attempt, demo_right_answers(last))
    page = learner_client.get(f"/en/learning/quizzes/attempts/{attempt.pk}/").content.decode()
    certificate = learner.certificates.get()
    assert "Congratulations: you have completed “Integrated landscape management: the five elements”!" in page
    assert f'href="/en/learning/certificates/{certificate.token}/pdf/?language=en"' in page
    assert "Download your certificate (PDF)" in page
    assert f'href="/verify/{certificate.token}/"' in page, "and the page anyone can check it on"
    assert f'<a href="{last.url}#quiz">Back to the quiz</a>' in page, "a plain link: the certificate comes first"
    course = CoursePage.objects.get(locale__language_code="en", slug="ilm-five-elements")
    assert f"/learning/certificates/{certificate.token}/pdf/" in learner_client.get(course.url).content.decode()


def test_the_last_lesson_leads_to_the_certificate_on_the_course_page(learner_client, learner):
    items = course_items()
    lessons = [item for item in items if not isinstance(item, QuizPage)]
    for item in items:
        if item.pk != lessons[-1].pk:
            services.item_complete(learner=learner, item=item)
    response = learner_client.post(f"/en/learning/lessons/{lessons[-1].translation_key}/complete/", follow=True)
    html = response.content.decode()
    assert "You completed every lesson of" in html
    assert "Download your certificate (PDF)" in html


@pytest.mark.parametrize(
    ("reveal", "after_fail", "after_pass"),
    [("each_attempt", True, True), ("passed_or_last", False, True), ("never", False, False)],
)
def test_the_author_chooses_when_answers_show_and_the_quiz_says_so(learner_client, reveal, after_fail, after_pass):
    quiz = demo_quiz("en", 1)
    quiz.reveal_answers = reveal
    quiz.save_revision().publish()
    explanations = [block.value["explanation"].source for block in quiz.questions]
    explanation = next(text for text in explanations if text)
    explanation = re.sub(r"<[^>]+>", "", explanation).strip()[:40]
    said = {
        "each_attempt": "with the right answers and their explanations.",
        "passed_or_last": "The right answers and explanations are shown once you pass.",
        "never": "The right answers are not shown.",
    }[reveal]
    assert said in learner_client.get(quiz.url).content.decode()  # said before starting, in the quiz's facts
    failed = start(learner_client, quiz)
    assert explanation not in learner_client.get(quiz.url).content.decode()
    submit(learner_client, failed, demo_wrong_answers(quiz))
    review = learner_client.get(f"/en/learning/quizzes/attempts/{failed.pk}/").content.decode()
    assert ("Right answer:" in review) is after_fail
    assert (explanation in review) is after_fail
    if not after_fail:
        assert said in review
    taking = start(learner_client, quiz)
    quiz_page = learner_client.get(quiz.url).content.decode()
    assert explanation not in quiz_page and "Right answer:" not in quiz_page
    submit(learner_client, taking, demo_right_answers(quiz))
    review = learner_client.get(f"/en/learning/quizzes/attempts/{taking.pk}/").content.decode()
    assert (explanation in review) is after_pass


def test_never_holds_the_answers_back_even_after_the_last_attempt(learner_client):
    quiz = demo_quiz("en", 1)
    quiz.reveal_answers = "never"
    quiz.attempts_allowed = 1
    quiz.save_revision().publish()
    attempt = start(learner_client, quiz)
    submit(learner_client, attempt, demo_wrong_answers(quiz))
    review = learner_client.get(f"/en/learning/quizzes/attempts/{attempt.pk}/").content.decode()
    assert "Right answer:" not in review


def test_the_failed_attempt_review_is_valid_html_with_a_title_of_its_own(learner_client):
    quiz = demo_quiz("fr", 1)
    attempt = start(learner_client, quiz, "fr")
    submit(learner_client, attempt, demo_wrong_answers(quiz), "fr")
    review = parsed(learner_client.get(f"/fr/learning/quizzes/attempts/{attempt.pk}/").content.decode())
    quiz_page = parsed(learner_client.get(quiz.url).content.decode())
    assert review.forms_in_p == 0 and quiz_page.forms_in_p == 0
    assert review.title != quiz_page.title
    assert review.title.startswith("Résultat de la tentative 1 · ")


def test_the_dashboard_counts_items_writes_percent_one_way_names_the_next_language(learner_client, learner):
    for item in course_items("es")[:5]:  # module 1 and its quiz: the next lesson is not translated into Spanish
        services.item_complete(learner=learner, item=item)
    spanish = learner_client.get("/es/learning/").content.decode()
    following = re.search(r"<p>Siguiente:.*?</p>", spanish, re.S).group(0)
    assert 'class="other-language"' in following and "inglés" in following
    french = learner_client.get("/fr/learning/").content.decode()
    assert "Leçons et quiz terminés" in french
    assert not re.search(r"\d%", french), "French writes a no-break space before %"
    assert re.search(r"<td>\d+\u00a0%</td>", french)
    rows = re.findall(r"<tr><th scope=\"row\">.*?</tr>", french, re.S)
    assert rows and all("0\u00a0%" not in row for row in rows if "non abordé dans vos formations" in row)
