"""French typography: the interface catalogue is typeset by its translators (checked here), content at render time
(curriculum.typography), so that « son » or « partenariat ? » never splits across two lines."""

import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
import yaml
from django.template.loader import render_to_string
from django.utils import translation
from wagtail.models import Page

from curriculum.typography import typeset_html
from tests.helpers import lesson_in

ROOT = Path(__file__).resolve().parents[1]
FRENCH = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"
DEMO = ROOT / "curriculum" / "demo" / "ilm-five-elements"
NO_BREAK = "\u00a0\u202f"
# Marks that may stand glued: in an address (https://), a time or a ratio (10:30, 4,5:1, %(ratio).1f:1).
GLUED_ON_PURPOSE = re.compile(r"[\w)]:\d")


def french_translations():
    for entry in polib.pofile(str(FRENCH)):
        for text in [entry.msgstr] if entry.msgstr else entry.msgstr_plural.values():
            if text:
                yield entry.msgid, text


def test_french_catalogue_puts_a_no_break_space_before_high_marks_and_uses_curly_apostrophes():
    problems = []
    for msgid, text in french_translations():
        if "'" in text:
            problems.append(("straight apostrophe", text))
        for mark in re.finditer(r"[;:!?]", text):
            at = mark.start()
            if at and text[at - 1] in NO_BREAK:
                continue
            if at and text[at - 1] in ";:!?" and at > 1 and text[at - 2] in NO_BREAK:
                continue  # "?!" keeps one space before the pair
            if text.startswith("://", at) or (at and GLUED_ON_PURPOSE.match(text, at - 1)):
                continue
            problems.append((f"no no-break space before {mark.group()!r}", text))
        if re.search(rf"«[^{NO_BREAK}]|[^{NO_BREAK}]»", text):
            problems.append(("« » without no-break spaces", text))
    assert not problems, "\n".join(f"{why}: {text!r}" for why, text in problems)


def test_typesetting_spaces_text_and_leaves_markup_addresses_and_times_alone():
    html = (
        '<p>Durée: 10:30 ; voir <a href="https://example.org/?q=a:b" title="Note: x">ce site</a>: il dit « son »!'
        " Terre &amp; eau ; <code>a: b</code></p>"
    )
    assert typeset_html(html) == (
        '<p>Durée\u00a0: 10:30\u00a0; voir <a href="https://example.org/?q=a:b" title="Note: x">ce site</a>\u00a0:'
        " il dit «\u00a0son\u00a0»\u00a0! Terre &amp; eau\u00a0; <code>a: b</code></p>"
    )
    assert typeset_html("Quoi ?! Pourquoi?") == "Quoi\u00a0?! Pourquoi\u00a0?"
    assert typeset_html("https://example.org/a?b=1 et 4,5:1") == "https://example.org/a?b=1 et 4,5:1"
    assert typeset_html(typeset_html("« son » : oui")) == typeset_html("« son » : oui"), "typesetting twice is once"


@pytest.mark.django_db
def test_french_lesson_is_typeset_at_render_time_and_english_is_left_alone(client, demo_course):
    french = lesson_in("fr", 1, 1)
    assert french.title == "Qu’est-ce qu’un partenariat paysager ?"
    assert "« son »" in str(french.body.raw_data), "the demo content is typed with plain spaces"
    page = client.get(french.url).content.decode()
    assert "<h1>Qu’est-ce qu’un partenariat paysager\u00a0?</h1>" in page
    assert "à «\u00a0son\u00a0» partenariat" in page
    assert "« son »" not in page
    body = page.split('<div class="lesson-body">')[1].split("</article>")[0]
    # Addresses keep their colons and question marks as typed (a label may hold a translated no-break space).
    for attribute in re.findall(r'(?:href|src|srcset)="([^"]*)"', body):
        assert "\u00a0" not in attribute, attribute
    english = client.get(lesson_in("en", 1, 1).url).content.decode()
    assert "\u00a0?" not in english.split('<div class="lesson-body">')[1]


@pytest.mark.django_db
def test_labels_end_with_a_colon_in_both_languages_and_the_print_glossary_is_typeset(client, demo_course):
    def lists_materials(lesson):
        return any(block.block_type == "activity" and block.value["materials"] for block in lesson.body)

    lessons = (lesson_in("en", module, number) for module in (1, 2, 3) for number in (1, 2, 3))
    activity_lesson = next(lesson for lesson in lessons if lists_materials(lesson))
    english = client.get(activity_lesson.url).content.decode()
    assert ">Materials:</p>" in english and ">Duration:</dt>" in english
    french_version = activity_lesson.get_translation(french_locale := lesson_in("fr", 1, 1).locale)
    assert french_locale.language_code == "fr"
    french = client.get(french_version.url).content.decode()
    assert ">Matériel nécessaire\u00a0:</p>" in french and ">Durée\u00a0:</dt>" in french

    term = yaml.safe_load((DEMO / "module-1.fr.yaml").read_text(encoding="utf-8"))
    glossary = next(block for block in _blocks(term) if "term" in block and "definition" in block)
    with translation.override("fr"):
        printed = render_to_string("blocks/print/glossary_term.html", {"value": glossary, "LANGUAGE_CODE": "fr"})
    assert f"<b>{glossary['term']}</b>\u00a0: {glossary['definition'][:20]}" in printed
    assert "Glossaire\u00a0:" in printed


def _blocks(node):
    """Every mapping in the demo file, depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _blocks(value)
    elif isinstance(node, list):
        for value in node:
            yield from _blocks(value)


def test_typesetting_follows_the_lang_attributes_and_keeps_the_spaces_already_there():
    page = (
        '<html lang="fr"><title>Quiz : essai</title><p lang="en">Note: <b>Hello?</b></p><div>Et vous?</div>'
        '<div lang="en"><div>x</div>Yes: <div lang="fr">Oui: <div>non!</div></div> no: </div>Fin: oui\u202f!</html>'
    )
    assert typeset_html(page, "fr") == (
        '<html lang="fr"><title>Quiz\u00a0: essai</title><p lang="en">Note: <b>Hello?</b></p><div>Et vous\u00a0?</div>'
        '<div lang="en"><div>x</div>Yes: <div lang="fr">Oui\u00a0: <div>non\u00a0!</div></div> no: </div>'
        "Fin\u00a0: oui\u202f!</html>"
    ), "English left alone, even after nested elements; the narrow no-break space kept"
    spanish = '<p>¿Qué? Sí: <span lang="fr">« oui »</span></p>'
    assert typeset_html(spanish, "es") == '<p>¿Qué? Sí: <span lang="fr">«\u00a0oui\u00a0»</span></p>'
    assert typeset_html("<p>Sí: no</p>", "es") == "<p>Sí: no</p>"


class FrenchText(HTMLParser):
    """The text of a page that its lang attributes say is French, outside code and form fields."""

    VERBATIM = {"script", "style", "code", "pre", "textarea"}
    VOID = {"br", "img", "input", "meta", "link", "hr", "source", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.languages, self.verbatim, self.parts = [], 0, []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        lang = dict(attrs).get("lang")
        self.languages.append(lang or (self.languages[-1] if self.languages else None))
        self.verbatim += tag in self.VERBATIM

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.languages:
            self.languages.pop()
            self.verbatim -= tag in self.VERBATIM

    def handle_data(self, data):
        french = self.languages and (self.languages[-1] or "").startswith("fr")
        self.parts.append(data if french and not self.verbatim else "\n")


def unspaced_marks(html: str) -> list[str]:
    """Where French text has ; : ! ? without a no-break space before it, or « » without one inside."""
    parser = FrenchText()
    parser.feed(html)
    text = "".join(parser.parts)
    found = []
    for mark in re.finditer(r"[;:!?]", text):
        at = mark.start()
        before, after = text[at - 1 : at], text[at + 1 : at + 2]
        if not before or before in NO_BREAK or before in ";:!?" or text.startswith("://", at):
            continue
        if not text[:at].rstrip(" \t")[-1:].strip():
            continue  # a mark that starts its line is a sign (the "?" of a discussion question), not punctuation
        if GLUED_ON_PURPOSE.match(text, at - 1) or after not in ("", " ", "\n", "»", ")", ",", "."):
            continue  # a time, a ratio, or a mark inside a word (a:b, ?q=)
        found.append(text[max(0, at - 30) : at + 2])
    found += [text[m.start() - 10 : m.end() + 10] for m in re.finditer(rf"«[^{NO_BREAK}]|[^{NO_BREAK}]»", text)]
    return found


@pytest.mark.django_db
def test_every_french_page_of_a_learners_path_is_typeset_titles_breadcrumbs_pager_and_questions_included(
    learner_client, demo_course
):
    """Titles, intros, the breadcrumb, the pager, <title>, the dashboard, quiz questions and their choices: the
    whole page goes through typesetting (base.html), as typed by authors with plain spaces or none."""
    from tests.quiz_builder import demo_quiz, demo_wrong_answers, start, submit

    lesson = lesson_in("fr", 1, 1)
    module = lesson.get_parent()
    course = module.get_parent()
    quiz = demo_quiz("fr", 1)
    typed = ((course, "Formation : les éléments"), (module, "Module : partenariat"), (quiz, "Quiz : acquis"))
    for page, title in typed:
        Page.objects.filter(pk=page.pk).update(title=title)  # typed with a plain space, as authors do
    translation.activate("fr")
    learner_client.post(f"/fr/learning/courses/{course.translation_key}/enrol/")
    attempt = start(learner_client, quiz, "fr")
    pages = {
        "course": course.url,
        "module": module.url,
        "lesson": lesson.url,
        "quiz with its questions": quiz.url,
    }
    responses = {name: learner_client.get(url).content.decode() for name, url in pages.items()}
    result = submit(learner_client, attempt, demo_wrong_answers(quiz), "fr")
    responses["result"] = learner_client.get(result["Location"]).content.decode()
    responses["my learning"] = learner_client.get("/fr/learning/").content.decode()
    assert "<title>Quiz\u00a0: acquis · " in responses["quiz with its questions"]
    assert "fieldset" in responses["quiz with its questions"]
    assert ">Module\u00a0: partenariat</a>" in responses["lesson"], "the breadcrumb"
    assert "Formation\u00a0: les éléments" in responses["my learning"]
    assert "Qui est concerné\u00a0? Cartographier" in responses["lesson"].split('class="pager"')[1], "the pager"
    for name, html in responses.items():
        assert not unspaced_marks(html), (name, unspaced_marks(html))


@pytest.mark.django_db
def test_a_page_still_in_another_language_marks_its_title_so(client, demo_course):
    """An English quiz shown on the Spanish site (not yet translated): its <title> says it is English, as its body
    does, so that neither typesetting nor a screen reader takes it for the site's language."""
    from tests.quiz_builder import demo_quiz

    quiz = demo_quiz("es", 2)
    assert quiz.alias_of_id, "the demo's Spanish quiz of module 2 is still the English one"
    page = client.get(quiz.url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<html lang="es"' in page and '<title lang="en">Check your understanding' in page
    french = client.get(demo_quiz("fr", 1).url).content.decode()
    assert "<title>Vérifiez vos acquis\u00a0: " in french
