"""Load the demo site from the data files beside this module: idempotent, so a second run changes nothing.

English is the source language. French and Spanish pages are real translations (Wagtail's copy_for_translation, so
they share the source's translation_key and StreamField block ids); everything not translated is synchronised into
every other language as an alias, which shows the source text with a notice instead of a 404.
"""

import io
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.core.files.images import ImageFile
from django.db import transaction
from wagtail.blocks import StructBlock
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, Site

from curriculum.blocks import LessonBodyBlock
from curriculum.i18n import shipped_language_codes
from curriculum.institutes import institute_setup
from curriculum.locales import content_locales_sync
from curriculum.models import (
    CourseIndexPage,
    CoursePage,
    HomePage,
    ILMElement,
    Institute,
    InstituteSectionPage,
    Landscape,
    LessonPage,
    ModulePage,
    QuizPage,
)

DEMO_DIR = Path(__file__).resolve().parent
SOURCE_LANGUAGE = "en"  # the demo texts are written in English (course.en.yaml); settings.LANGUAGES has the rest
DEMO_KEYS = uuid.UUID("0b6d5c8e-2f7a-4c1e-9d3b-5a4e8f1c7b20")


def demo_key(*parts) -> uuid.UUID:
    """A fixed translation_key (or block id) for a demo item, so reruns and every database agree on it."""
    return uuid.uuid5(DEMO_KEYS, ":".join(str(part) for part in parts))


def demo_landscape(key: str) -> Landscape:
    """A demo landscape's default-language row (what records point at), by its key in landscapes.yaml."""
    return Landscape.objects.get(translation_key=demo_key("landscape", key), locale__language_code=SOURCE_LANGUAGE)


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)

    def add(self, what: str):
        self.created.append(what)


def _read(path: Path) -> dict:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _publish(page: Page):
    page.save_revision().publish()


def _demo_media(block_type: str, value, collection):
    """A demo image or document block names its file (`image: watershed-sketch`); the loader makes the file (drawn
    or written here, never downloaded) and the block stores its id, in every language alike."""
    if block_type == "image" and isinstance(value.get("image"), str):
        return {**value, "image": DEMO_IMAGES[value["image"]](collection).pk}
    if block_type == "document" and isinstance(value.get("document"), str):
        return {**value, "document": DEMO_DOCUMENTS[value["document"]](collection).pk}
    return value


def _body(
    blocks: list[dict], *, lesson_key: uuid.UUID, collection, source_blocks: list[dict] | None = None
) -> list[dict]:
    """StreamField raw data: one {type, value, id} per block; a translation keeps its source block's id. Images and
    documents named in the blocks are made in `collection` (the institute's)."""
    for block in blocks:
        block_type, value = next(iter(block.items()))
        if isinstance(LessonBodyBlock.base_blocks[block_type], StructBlock) and not isinstance(value, dict):
            # Wagtail would store it and render nothing; wagtail-localize would fail to translate the page.
            raise ValueError(f"Lesson {lesson_key}: a {block_type} block needs its fields (title:, text:, ...)")
    if source_blocks is not None:
        source_types = [next(iter(block)) for block in source_blocks]
        types = [next(iter(block)) for block in blocks]
        if types != source_types:
            raise ValueError(f"Translated lesson {lesson_key} has blocks {types}, its source has {source_types}")
    return [
        {
            "type": block_type,
            "value": _demo_media(block_type, value, collection),
            "id": str(demo_key(lesson_key, "block", index)),
        }
        for index, block in enumerate(blocks)
        for block_type, value in block.items()
    ]


def _questions(questions: list[dict], *, quiz_key: uuid.UUID, source: list[dict]) -> list[dict]:
    """Quiz StreamField raw data. What is right (correct choices, numbers, scoring) is read from the English file;
    a translation gives the words. Question and choice ids are fixed, so every language grades the same way."""
    if [next(iter(q)) for q in questions] != [next(iter(q)) for q in source]:
        raise ValueError(f"Quiz {quiz_key}: the translation's questions differ from its source's")
    raw = []
    for number, (question, source_question) in enumerate(zip(questions, source, strict=True)):
        kind, text = next(iter(question.items()))
        truth = source_question[kind]
        question_id = str(demo_key(quiz_key, "question", number))
        value = {"prompt": text["prompt"].strip(), "image": None, "explanation": text.get("explanation", "")}
        if kind in ("single_choice", "multiple_choice"):
            value["choices"] = [
                {
                    "type": "item",
                    "id": str(demo_key(quiz_key, "question", number, "choice", index)),
                    "value": {
                        "text": choice["text"],
                        "correct": bool(true_choice.get("correct")),
                        "feedback": choice.get("feedback", ""),
                    },
                }
                for index, (choice, true_choice) in enumerate(zip(text["choices"], truth["choices"], strict=True))
            ]
            if kind == "multiple_choice":
                value["scoring"] = truth.get("scoring", "all_or_nothing")
        elif kind == "true_false":
            value.update(
                correct=bool(truth["correct"]),
                feedback_true=text.get("feedback_true", ""),
                feedback_false=text.get("feedback_false", ""),
            )
        elif kind == "short_text":
            value.update(
                accepted_answers=[
                    {
                        "type": "item",
                        "id": str(demo_key(quiz_key, "question", number, "accepted", text_answer)),
                        "value": text_answer,
                    }
                    for text_answer in text["accepted_answers"]
                ],
                case_sensitive=False,
                ignore_accents=True,
                ignore_spacing=True,
            )
        elif kind == "numeric":
            value.update(
                answer=str(truth["answer"]), tolerance=str(truth.get("tolerance", 0)), unit=text.get("unit", "")
            )
        raw.append({"type": kind, "value": value, "id": question_id})
    return raw


def _drawn_image(title: str, filename: str, size: tuple[int, int], draw, collection=None):
    """An image drawn by the loader (no download): returns the existing one on a second run."""
    from PIL import Image as PILImage
    from PIL import ImageDraw

    image_model = get_image_model()
    existing = image_model.objects.filter(title=title).first()
    if existing:
        return existing
    picture = PILImage.new("RGBA", size, (255, 255, 255, 0))
    draw(ImageDraw.Draw(picture), *size)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", optimize=True)
    image = image_model(title=title, file=ImageFile(buffer, name=filename))
    if collection is not None:
        image.collection = collection
    image.save()
    return image


def _logo_drawing(colour: str):
    def draw(pen, width, height):
        pen.ellipse((10, 10, height - 10, height - 10), fill=colour)
        pen.polygon(
            [(height / 2, 40), (height - 55, height / 2 + 10), (height / 2, height - 40), (55, height / 2 + 10)],
            fill="#f3c54b",
        )
        for band, band_colour in enumerate([colour, "#6b4f1d", "#1f5f8b"]):
            top = height / 2 + 20 + band * 18
            pen.rectangle((height + 20, top, width - 20, top + 12), fill=band_colour)

    return draw


def _signature_drawing(waviness: float):
    def draw(pen, width, height):
        import math

        points = [
            (20 + x, height / 2 + 28 * math.sin(x / waviness) * math.cos(x / 61)) for x in range(0, width - 40, 3)
        ]
        pen.line(points, fill="#1b2a4a", width=4, joint="curve")
        pen.line([(width * 0.55, height * 0.25), (width * 0.62, height * 0.8)], fill="#1b2a4a", width=3)

    return draw


def _cover_image(course_title: str, sun_x: int, collection):
    """A drawn landscape (hills in the five element colours) so the demo needs no image download."""
    from PIL import Image as PILImage
    from PIL import ImageDraw

    image_model = get_image_model()
    title = f"Cover: {course_title}"
    existing = image_model.objects.filter(title=title).first()
    if existing:
        return existing
    width, height = 1200, 560
    picture = PILImage.new("RGB", (width, height), "#dfeee8")
    draw = ImageDraw.Draw(picture)
    draw.ellipse((sun_x, 60, sun_x + 120, 180), fill="#f3c54b")
    colours = [row[0] for row in ILMElement.objects.filter(locale__language_code=SOURCE_LANGUAGE).values_list("colour")]
    for band, colour in enumerate(colours):
        top = 210 + band * 62
        points = [(x, top + int(38 * ((x / width * (3 + band)) % 2 - 1) ** 2)) for x in range(0, width + 20, 20)]
        draw.polygon([(0, height), *points, (width, height)], fill=colour)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", optimize=True)
    image = image_model(title=title, file=ImageFile(buffer, name="demo-course-cover.png"), collection=collection)
    image.save()
    return image


def _watershed_sketch(collection):
    """A sketch of a basin: hills, a river to the lake, and the villages along it (module 1's first lesson)."""

    def draw(pen, width, height):
        pen.rectangle((0, 0, width, height), fill="#f4f1e8")
        pen.polygon(
            [(0, 150), (140, 40), (260, 120), (400, 30), (560, 140), (640, 90), (640, 360), (0, 360)], "#b9d3a8"
        )
        pen.line([(400, 40), (380, 120), (330, 190), (350, 260), (300, 330)], fill="#2f6f9f", width=9)
        pen.ellipse((200, 300, 420, 360), fill="#2f6f9f")
        for x, y in ((300, 150), (420, 230), (250, 250)):
            pen.rectangle((x, y, x + 22, y + 16), fill="#8a4b2a")

    return _drawn_image("Demo: sketch of a shared basin", "demo-basin-sketch.png", (640, 360), draw, collection)


def _engagement_plan_template(collection):
    """A real file for the document block: the engagement plan as a spreadsheet to fill in."""
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    document_model = get_document_model()
    title = "Demo: stakeholder engagement plan (spreadsheet)"
    existing = document_model.objects.filter(title=title).first()
    if existing:
        return existing
    rows = "Stakeholder,Influence,Interest,How we engage,Who,When\n" + ",,,,,\n" * 12
    document = document_model(
        title=title, file=ContentFile(rows.encode(), name="engagement-plan.csv"), collection=collection
    )
    document.save()
    return document


DEMO_IMAGES = {"basin-sketch": _watershed_sketch}
DEMO_DOCUMENTS = {"engagement-plan": _engagement_plan_template}


def course_dirs() -> list[Path]:
    """Each folder beside this module with a course.en.yaml is a course; the five-element course first."""
    return sorted(
        (path.parent for path in DEMO_DIR.glob(f"*/course.{SOURCE_LANGUAGE}.yaml")),
        key=lambda path: (path.name != "ilm-five-elements", path.name),
    )


class DemoLoader:
    def __init__(self):
        self.course_dir = None
        self.report = LoadReport()
        self.locales = {code: Locale.objects.get_or_create(language_code=code)[0] for code in shipped_language_codes()}
        self.source = self.locales[SOURCE_LANGUAGE]

    # -- helpers -------------------------------------------------------------------------------------------------

    def _existing(self, model, key: uuid.UUID, language: str):
        return model.objects.filter(translation_key=key, locale=self.locales[language]).first()

    def _translate(self, source_page: Page, language: str, fields: dict) -> Page:
        """The translation of `source_page` into `language`, created and published if missing."""
        existing = self._existing(type(source_page), source_page.translation_key, language)
        if existing and existing.alias_of_id is None:
            return existing
        if existing:  # an alias made by an earlier sync: replace it by a real translation
            existing.delete()
        page = source_page.copy_for_translation(self.locales[language])
        for name, value in fields.items():
            setattr(page, name, value)
        page.save()
        _publish(page)
        self.report.add(f"{language}: {page.title}")
        return page

    # -- the site ------------------------------------------------------------------------------------------------

    def site_structure(self) -> dict[str, CourseIndexPage]:
        texts = _read(DEMO_DIR / "site.yaml")
        home = self._existing(HomePage, demo_key("home"), SOURCE_LANGUAGE)
        if home is None:
            root = Page.get_first_root_node()
            home = HomePage(
                title=texts[SOURCE_LANGUAGE]["home_title"],
                slug="home-en",
                intro=texts[SOURCE_LANGUAGE]["home_intro"],
                locale=self.source,
                translation_key=demo_key("home"),
            )
            root.add_child(instance=home)
            _publish(home)
            self.report.add(f"en: {home.title}")
            site = Site.objects.filter(is_default_site=True).first() or Site(hostname="localhost", port=80)
            previous_root = site.root_page_id
            site.root_page = home
            site.site_name = "Landscape Academy"
            site.is_default_site = True
            site.save()
            # Wagtail's own "Welcome to your new Wagtail site!" page has no place in the curriculum.
            # Its copies in the other languages' trees (curriculum.locales mirrors whatever the source tree holds) too.
            welcome = Page.objects.filter(pk=previous_root, content_type__model="page", depth=2).first()
            if welcome is not None:
                Page.objects.filter(translation_key=welcome.translation_key, depth=2).delete()
        catalogue = self._existing(CourseIndexPage, demo_key("catalogue"), SOURCE_LANGUAGE)
        if catalogue is None:
            catalogue = CourseIndexPage(
                title=texts[SOURCE_LANGUAGE]["catalogue_title"],
                slug=texts[SOURCE_LANGUAGE]["catalogue_slug"],
                intro=texts[SOURCE_LANGUAGE]["catalogue_intro"],
                locale=self.source,
                translation_key=demo_key("catalogue"),
            )
            home.add_child(instance=catalogue)
            _publish(catalogue)
            self.report.add(f"en: {catalogue.title}")
        catalogues = {SOURCE_LANGUAGE: catalogue}
        for language, text in texts.items():
            if language == SOURCE_LANGUAGE:
                continue
            self._translate(
                home, language, {"title": text["home_title"], "slug": f"home-{language}", "intro": text["home_intro"]}
            )
            catalogues[language] = self._translate(
                catalogue,
                language,
                {"title": text["catalogue_title"], "slug": text["catalogue_slug"], "intro": text["catalogue_intro"]},
            )
        return catalogues

    def institute(self, course_texts: dict[str, dict], catalogues: dict[str, CourseIndexPage]) -> InstituteSectionPage:
        """The course's institute with its workspace (curriculum.institutes), its translations, and its section of
        the catalogue translated where the institute's name is."""
        source_fields = course_texts[SOURCE_LANGUAGE]["institute"]
        slug = source_fields["slug"]
        optional = ("website", "contact_email", "brand_colour")
        fields = {key: source_fields[key] for key in optional if key in source_fields}
        institute, setup = institute_setup(
            name=source_fields["name"],
            slug=slug,
            signatory_name=source_fields.get("signatory_name", ""),
            signatory_title=source_fields.get("signatory_title", ""),
            **fields,
        )
        for made in setup.made:
            self.report.add(f"en: {made}")
        if institute.logo_id is None:
            institute.logo = _drawn_image(
                f"Logo: {institute.name}",
                f"{slug}-logo.png",
                (560, 200),
                _logo_drawing(institute.brand_colour),
                institute.collection,
            )
            institute.signature = _drawn_image(
                f"Signature: {institute.signatory_name or institute.name}",
                f"{slug}-signature.png",
                (520, 140),
                _signature_drawing(17 + len(slug) % 11),
                institute.collection,
            )
            institute.save()
        for language, texts in course_texts.items():
            if language != SOURCE_LANGUAGE and not self._existing(Institute, institute.translation_key, language):
                translation = institute.copy_for_translation(self.locales[language])
                translation.name = texts["institute"]["name"]
                translation.signatory_title = texts["institute"].get("signatory_title", institute.signatory_title)
                translation.save()
                self.report.add(f"{language}: institute {translation.name}")
        section = InstituteSectionPage.objects.get(institute=institute, locale=self.source)
        for language, texts in course_texts.items():
            if language != SOURCE_LANGUAGE and language in catalogues:
                self._translate(section, language, {"title": texts["institute"]["name"], "slug": slug})
        return section

    # -- the course ----------------------------------------------------------------------------------------------

    def course(self, catalogues: dict[str, CourseIndexPage]):
        course_texts = {path.name.split(".")[1]: _read(path) for path in sorted(self.course_dir.glob("course.*.yaml"))}
        source_text = course_texts[SOURCE_LANGUAGE]
        section = self.institute(course_texts, catalogues)
        institute = section.institute
        course_key = demo_key("course", self.course_dir.name)

        course = self._existing(CoursePage, course_key, SOURCE_LANGUAGE)
        if course is None:
            cover = _cover_image(source_text["title"], 160 + 37 * len(source_text["title"]) % 800, institute.collection)
            course = CoursePage(
                title=source_text["title"],
                slug=source_text["slug"],
                summary=source_text["summary"].strip(),
                level=source_text["level"],
                estimated_hours=source_text["estimated_hours"],
                institute=institute,
                cover_image=cover,
                locale=self.source,
                translation_key=course_key,
            )
            for outcome in source_text["learning_outcomes"]:
                course.learning_outcomes.add(course.learning_outcomes.model(text=outcome, locale=self.source))
            section.add_child(instance=course)
            _publish(course)
            self.report.add(f"en: {course.title}")

        for language, text in course_texts.items():
            if language == SOURCE_LANGUAGE:
                continue
            translation = self._translate(
                course,
                language,
                {
                    "title": text["title"],
                    "slug": text["slug"],
                    "summary": text["summary"].strip(),
                },
            )
            outcomes = list(translation.learning_outcomes.all())
            if [outcome.text for outcome in outcomes] != text["learning_outcomes"]:
                for outcome, outcome_text in zip(outcomes, text["learning_outcomes"], strict=True):
                    outcome.text = outcome_text
                    outcome.save()
                _publish(translation)

        for module_file in sorted(self.course_dir.glob(f"module-*.{SOURCE_LANGUAGE}.yaml")):
            number = module_file.name.split(".")[0].removeprefix("module-")
            self.module(course, number)

    def module(self, course: CoursePage, number: str):
        source_text = _read(self.course_dir / f"module-{number}.{SOURCE_LANGUAGE}.yaml")
        module_key = demo_key("module", self.course_dir.name, number)
        module = self._existing(ModulePage, module_key, SOURCE_LANGUAGE)
        if module is None:
            module = ModulePage(
                title=source_text["title"],
                slug=source_text["slug"],
                summary=source_text["summary"].strip(),
                estimated_minutes=source_text["estimated_minutes"],
                locale=self.source,
                translation_key=module_key,
            )
            module.elements.set(ILMElement.objects.filter(locale=self.source, number__in=source_text["elements"]))
            course.add_child(instance=module)
            _publish(module)
            self.report.add(f"en: {module.title}")
        lessons = [self.lesson(module, number, index, lesson) for index, lesson in enumerate(source_text["lessons"], 1)]

        for path in sorted(self.course_dir.glob(f"module-{number}.*.yaml")):
            language = path.name.split(".")[1]
            if language == SOURCE_LANGUAGE:
                continue
            text = _read(path)
            if len(text["lessons"]) != len(lessons):
                raise ValueError(f"{path.name} has {len(text['lessons'])} lessons, its source has {len(lessons)}")
            self._translate(
                module, language, {"title": text["title"], "slug": text["slug"], "summary": text["summary"].strip()}
            )
            for lesson, source_lesson, lesson_text in zip(
                lessons, source_text["lessons"], text["lessons"], strict=True
            ):
                self._translate(
                    lesson,
                    language,
                    {
                        "title": lesson_text["title"],
                        "slug": lesson_text["slug"],
                        "summary": lesson_text.get("summary", "").strip(),
                        "body": _body(
                            lesson_text["body"],
                            lesson_key=lesson.translation_key,
                            collection=course.institute.collection,
                            source_blocks=source_lesson["body"],
                        ),
                    },
                )
        self.quiz(module, number)

    def quiz(self, module: ModulePage, module_number: str) -> QuizPage | None:
        """The quiz closing a module, from quiz-<n>.<lang>.yaml, with its translations."""
        source_file = self.course_dir / f"quiz-{module_number}.{SOURCE_LANGUAGE}.yaml"
        if not source_file.exists():
            return None
        source_text = _read(source_file)
        quiz_key = demo_key("quiz", self.course_dir.name, module_number)
        quiz = self._existing(QuizPage, quiz_key, SOURCE_LANGUAGE)
        if quiz is None:
            quiz = QuizPage(
                title=source_text["title"],
                slug=source_text["slug"],
                introduction=source_text.get("introduction", ""),
                pass_mark=source_text.get("pass_mark", 70),
                questions=_questions(source_text["questions"], quiz_key=quiz_key, source=source_text["questions"]),
                locale=self.source,
                translation_key=quiz_key,
            )
            module.add_child(instance=quiz)
            _publish(quiz)
            self.report.add(f"en: {quiz.title}")
        for path in sorted(self.course_dir.glob(f"quiz-{module_number}.*.yaml")):
            language = path.name.split(".")[1]
            if language == SOURCE_LANGUAGE or not self._existing(ModulePage, module.translation_key, language):
                continue
            text = _read(path)
            self._translate(
                quiz,
                language,
                {
                    "title": text["title"],
                    "slug": text["slug"],
                    "introduction": text.get("introduction", ""),
                    "questions": _questions(text["questions"], quiz_key=quiz_key, source=source_text["questions"]),
                },
            )
        return quiz

    def lesson(self, module: ModulePage, module_number: str, index: int, text: dict) -> LessonPage:
        lesson_key = demo_key("lesson", self.course_dir.name, module_number, index)
        lesson = self._existing(LessonPage, lesson_key, SOURCE_LANGUAGE)
        if lesson is None:
            collection = module.get_parent().specific.institute.collection
            lesson = LessonPage(
                title=text["title"],
                slug=text["slug"],
                summary=text.get("summary", "").strip(),
                estimated_minutes=text["estimated_minutes"],
                body=_body(text["body"], lesson_key=lesson_key, collection=collection),
                locale=self.source,
                translation_key=lesson_key,
            )
            module.add_child(instance=lesson)
            _publish(lesson)
            self.report.add(f"en: {lesson.title}")
        return lesson

    # -- languages without a translation ---------------------------------------------------------------------------

    def synchronise_languages(self):
        """Every language's tree mirrors the source: untranslated pages become aliases that show the source text."""
        for code, count in content_locales_sync(mirror_all=True).pages_mirrored.items():
            self.report.add(f"{code}: {count} page(s) shown in English until translated")

    # -- landscapes ----------------------------------------------------------------------------------------------

    def landscapes(self):
        """The demo's landscapes and their translations, found again by the key each is made with."""
        for entry in _read(DEMO_DIR / "landscapes.yaml"):
            key = demo_key("landscape", entry["key"])
            source = self._existing(Landscape, key, SOURCE_LANGUAGE)
            if source is None:
                source = Landscape.objects.create(
                    translation_key=key,
                    locale=self.source,
                    country=entry["country"],
                    terraso_slug=entry["terraso_slug"],
                    **entry[SOURCE_LANGUAGE],
                )
                self.report.add(f"en: landscape {source.name}")
            for language in shipped_language_codes():
                if language in entry and language != SOURCE_LANGUAGE and not self._existing(Landscape, key, language):
                    translation = source.copy_for_translation(self.locales[language])
                    for name, value in entry[language].items():
                        setattr(translation, name, value)
                    translation.save()
                    self.report.add(f"{language}: landscape {translation.name}")

    @transaction.atomic
    def load(self) -> LoadReport:
        self.landscapes()
        catalogues = self.site_structure()
        for course_dir in course_dirs():
            self.course_dir = course_dir
            self.course(catalogues)
        self.synchronise_languages()
        return self.report
