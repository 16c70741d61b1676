"""Languages added by settings alone: each gets its content locale and page tree, browsers asking for a regional
variant are served its base language, and text shown in another language than the page's says which."""

import re
import subprocess
import tempfile
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext
from wagtail.models import Locale, Page
from wagtail_localize.models import LocaleSynchronization

from curriculum.i18n import shipped_language_codes
from curriculum.models import CoursePage, HomePage, ModulePage
from lms.pdf.render import pdf_storage
from lms.workbooks.services import WorkbookOrder, workbook_build
from tests.helpers import lesson_in
from tests.quiz_builder import demo_quiz, demo_wrong_answers, start, submit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", shipped_language_codes())
def test_every_language_in_settings_has_its_locale_mirroring_the_default_tree(language):
    locale = Locale.objects.get(language_code=language)
    home = HomePage.objects.get(locale=locale)
    if language != "en":
        assert LocaleSynchronization.objects.get(locale=locale).sync_from.language_code == "en"
        pages = Page.objects.filter(depth__gt=1)
        assert pages.filter(locale=locale).count() == pages.filter(locale__language_code="en").count()
    assert home.live


def test_a_language_added_to_settings_is_reachable_after_migrate_showing_the_fallback(settings, capsys):
    settings.LANGUAGES = [*settings.LANGUAGES, ("de", "Deutsch")]
    settings.WAGTAIL_CONTENT_LANGUAGES = settings.LANGUAGES
    assert not Locale.objects.filter(language_code="de").exists()
    call_command("migrate", verbosity=0)  # nothing to migrate: its post_migrate receiver does the work
    german = Locale.objects.get(language_code="de")
    english_pages = Page.objects.filter(locale__language_code="en", depth__gt=1)
    assert Page.objects.filter(locale=german, alias_of__isnull=False).count() == english_pages.count()

    page = Client().get("/de/").content.decode()
    assert '<html lang="de" dir="ltr">' in page
    assert 'class="notice notice--fallback"' in page
    assert 'href="/de/courses/"' in page, "links stay in the new language's tree"
    call_command("sync_languages")
    assert "nothing changed" in capsys.readouterr().out, "a second run adds nothing"


@pytest.mark.parametrize(
    "accepted, served",
    [
        ("es-MX,es;q=0.9", "es"),
        ("es-MX", "es"),
        ("pt-BR", "pt"),
        ("sw-KE", "sw"),
        ("ar-EG,en;q=0.5", "ar"),
        ("id-ID", "id"),
        ("fr-CA", "fr"),
        ("de-DE,de;q=0.9", "en"),
        ("zh-Hans", "en"),
    ],
)
def test_a_browsers_regional_language_is_served_its_base_language(accepted, served):
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE=accepted)
    assert response.status_code == 302
    assert response["Location"] == f"/{served}/"


def test_a_language_chosen_before_wins_over_the_browsers():
    client = Client()
    client.cookies["django_language"] = "id"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="sw-KE")["Location"] == "/id/"


class TextLanguages(HTMLParser):
    """Each text of a page with the language its nearest element with a lang attribute says it is in."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__()
        self.open = []  # [tag, lang or None]
        self.texts = []  # (text, lang)

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.open.append((tag, dict(attrs).get("lang")))

    def handle_endtag(self, tag):
        while self.open:
            if self.open.pop()[0] == tag:
                break

    def handle_data(self, data):
        if data.strip() and not any(tag in ("script", "style") for tag, _lang in self.open):
            self.texts.append((data.strip(), next((lang for _tag, lang in reversed(self.open) if lang), None)))


def english_only_titles() -> set[str]:
    """Titles the Spanish site shows in English: its pages that are aliases of the English ones."""
    aliases = Page.objects.filter(locale__language_code="es", alias_of__isnull=False, depth__gt=2)
    spanish_titles = set(Page.objects.filter(locale__language_code="es", alias_of__isnull=True).values_list("title"))
    return {title for (title,) in aliases.values_list("title") if (title,) not in spanish_titles}


def demo_course_key():
    return CoursePage.objects.get(locale__language_code="en", slug="ilm-five-elements").translation_key


def test_on_the_spanish_site_every_english_text_says_it_is_english(learner, learner_client):
    from lms.progress import services

    course = CoursePage.objects.get(locale__language_code="es", translation_key=demo_course_key())
    module_two = lesson_in("es", 2, 1).get_parent()
    services.item_complete(learner=learner, item=lesson_in("es", 1, 1))
    services.item_complete(learner=learner, item=lesson_in("es", 2, 1))  # "Next:" is then an English lesson
    quiz = demo_quiz("es", 2)
    attempt = start(learner_client, quiz, "es")
    submit(learner_client, attempt, demo_wrong_answers(quiz), "es")
    addresses = [
        "/es/",
        course.get_parent().get_parent().url,  # the catalogue: the second institute's course is in English
        course.url,
        module_two.url,
        lesson_in("es", 1, 4).url,  # its pager leads to module 1's quiz
        lesson_in("es", 2, 2).url,
        quiz.url,
        f"/es/learning/quizzes/attempts/{attempt.pk}/",
        "/es/learning/",
    ]
    english = english_only_titles()
    assert len(english) > 10
    wrong = []
    for address in addresses:
        response = learner_client.get(address)
        assert response.status_code == 200, address
        parser = TextLanguages()
        parser.feed(response.content.decode())
        wrong += [(address, text, lang) for text, lang in parser.texts if lang != "en" and text in english]
    assert not wrong, wrong[:10]


PHYSICAL_SIDES = re.compile(
    r"(?<![\w-])(?:(?:margin|padding|border|inset)-(?:left|right)[\w-]*|left|right)\s*:|"
    r"(?:float|text-align|clear)\s*:\s*(?:left|right)\b"
)


@pytest.mark.parametrize(
    "stylesheet",
    [
        "static/css/site.css",
        "templates/pdf/workbook.css",
        "templates/pdf/certificate.html",
        "templates/pdf/workshop_sheets.html",
        "templates/lms/offline/zim_screen.css",
    ],
)
def test_stylesheets_say_start_and_end_so_they_mirror_right_to_left(stylesheet):
    """Logical properties (margin-inline-start, border-inline-start, text-align: start) follow the text's direction;
    left and right would stay put in Arabic. A PDF's margin boxes are named by side, chosen by direction."""
    text = (Path(__file__).resolve().parent.parent / stylesheet).read_text()
    css = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    assert not PHYSICAL_SIDES.findall(css), PHYSICAL_SIDES.findall(css)


def pdftotext(pdf: bytes, *options: str) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf)
        done = subprocess.run(["pdftotext", *options, str(path), "-"], capture_output=True, text=True, check=True)
    return BIDI_CONTROLS.sub(" ", done.stdout)  # poppler marks the right-to-left runs it put in logical order


BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def pdf_words(pdf: bytes) -> list[list[tuple[float, float, str]]]:
    """Per page: (top, left, word) in points, where poppler finds them (right-to-left words spelt as drawn)."""
    return [
        [(float(top), float(left), unescape(word)) for left, top, word in WORD.findall(page)]
        for page in re.findall(r"<page [^>]*>(.*?)</page>", pdftotext(pdf, "-bbox"), re.S)
    ]


WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>(.*?)</word>')


@pytest.mark.parametrize(("language", "part_side"), [("en", "right"), ("ar", "left")])
def test_a_workbooks_running_header_and_page_number_swap_sides_right_to_left(language, part_side):
    """The course's title heads a module workbook's page at the start of its line (left in English, right in Arabic),
    the part (the glossary) at its end; the title, English on the Arabic page too, is isolated and reads in order."""
    english = ModulePage.objects.filter(locale__language_code="en").order_by("path").first()
    root = ModulePage.objects.get(translation_key=english.translation_key, locale__language_code=language)
    order = WorkbookOrder(page_key=root.translation_key, language=language)
    pages = pdf_words(pdf_storage().open(workbook_build(order), "rb").read())
    with translation.override(language):
        glossary = gettext("Glossary")
    middle = 595 / 2  # A4's width in points
    # poppler spells a right-to-left word as drawn, its letters reversed ("مسرد" as "درسم")
    glossary_words = {spelt for word in glossary.split() for spelt in (word, word[::-1])}
    page = next(page for page in pages if any(top < 50 and word in glossary_words for top, _left, word in page))
    header = [(left, word) for top, left, word in page if top < 50]
    assert all((left < middle) == (part_side == "left") for left, word in header if word in glossary_words), header
    title = [word for left, word in sorted(header) if word not in glossary_words]
    course_title = english.get_parent().title
    assert " ".join(title) == course_title, "the title's words in their order, wherever it stands"
    assert all((left > middle) == (part_side == "left") for left, word in header if word not in glossary_words), header


def test_an_arabic_certificate_mirrors_and_its_text_extracts_in_logical_order(learner, demo_course):
    from curriculum.i18n import long_date
    from lms.certificates import services

    certificate = services.certificate_issue(learner=learner, course=demo_course, language="en")
    pdf = services.certificate_render_pdf(certificate, "ar")
    month = long_date(certificate.completed_on, "ar").split()[1]  # "ديسمبر"
    assert month in pdftotext(pdf).split(), "copied text reads in the order it is written"
    words = pdf_words(pdf)[0]
    assert demo_course.title in " ".join(word for _top, _left, word in sorted(words)), "the English title in order"
    # The signature stands at the start of the line (the right), the code to check it at its end.
    code_left = next(left for _top, left, word in words if word == f"{certificate.code[:5]}-{certificate.code[5:]}")
    signatory_left = next(left for _top, left, word in words if word == "Ouédraogo")
    assert signatory_left > 842 / 2 > code_left  # A4 landscape is 842 points wide


def test_lists_are_separated_the_way_the_language_writes_them(client):
    """The languages a notice offers, joined by the Arabic comma on an Arabic page, by a comma elsewhere."""
    arabic = client.get(lesson_in("ar", 2, 1).url).content.decode()
    assert re.search(r"</a>\u060c <a [^>]*hreflang=", arabic), "Arabic joins the offered languages with ،"
    portuguese = client.get(lesson_in("pt", 2, 1).url).content.decode()
    assert re.search(r"</a>, <a [^>]*hreflang=", portuguese) and "\u060c" not in portuguese


def test_the_server_error_page_apologises_in_every_shipped_language():
    """templates/500.html is static (no database, no translation machinery when things fail): a paragraph per
    language, each marked with its language, Arabic right to left."""
    from django.conf import settings

    class Paragraphs(HTMLParser):
        def __init__(self):
            super().__init__()
            self.found = {}

        def handle_starttag(self, tag, attrs):
            attributes = dict(attrs)
            if tag == "p" and "lang" in attributes:
                self.found[attributes["lang"]] = attributes

    parser = Paragraphs()
    parser.feed((Path(settings.BASE_DIR) / "templates" / "500.html").read_text())
    assert set(parser.found) == {code for code, _name in settings.LANGUAGES}
    assert parser.found["ar"].get("dir") == "rtl"
