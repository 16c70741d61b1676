"""How far a course is translated into each language, and a whole course's strings as one PO file.

Pages translated with wagtail-localize keep their strings in its translation memory (a TranslationSource per source
page, a Translation per target language). Pages written directly in the page editor (the demo's French) have no such
record: they count as translated and stay out of PO files, so an export never turns them back into synced copies.

A PO file holds every string of every page of the course that is untranslated in that language or translated through
wagtail-localize; each entry's context is `<page translation_key>:<field path>`, so one file goes to one translator and
comes back whole. Importing stores the strings; the translated pages change when a moderator publishes them (the same
rule as any edit: publishing needs an approver).
"""

import tempfile
from dataclasses import dataclass, field

import polib
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Locale, Page
from wagtail_localize.models import StringSegment, StringTranslation, Translation, TranslationSource

from curriculum.models import CoursePage

# What a page is in another language.
MISSING = "missing"  # no page at all (a language without synchronisation)
FALLBACK = "fallback"  # an alias: learners read the source text with a notice
EDITED = "edited"  # a translation written in the page editor
SYNCED = "synced"  # a wagtail-localize translation: strings counted below

MAX_PO_SIZE = 5 * 1024 * 1024  # far more than a course's strings: a larger upload is not one of its PO files


@dataclass
class TranslationCell:
    state: str
    target: Page | None = None
    total: int = 0
    translated: int = 0
    out_of_date: bool = False
    source_id: int | None = None  # the TranslationSource, for wagtail-localize's "sync" view

    @property
    def percent(self) -> int:
        if self.state == EDITED:
            return 100
        return round(100 * self.translated / self.total) if self.total else 0


@dataclass
class PageRow:
    page: Page
    level: int
    cells: dict[str, TranslationCell] = field(default_factory=dict)


@dataclass
class LanguageSummary:
    locale: Locale
    pages: int
    translated_pages: int
    synced_strings: int
    translated_strings: int
    out_of_date: int

    @property
    def percent(self) -> int:
        return round(100 * self.translated_pages / self.pages) if self.pages else 0


def course_pages(course: CoursePage) -> list[Page]:
    """The course and everything below it, in the source tree, in reading order."""
    return list(Page.objects.descendant_of(course, inclusive=True).filter(alias_of__isnull=True).order_by("path"))


def other_locales(course: CoursePage) -> list[Locale]:
    return list(Locale.objects.exclude(pk=course.locale_id).order_by("language_code"))


def is_out_of_date(source: TranslationSource, page: Page) -> bool:
    """The source page was published after wagtail-localize last read its strings."""
    return bool(page.last_published_at and page.last_published_at > source.last_updated_at)


def sources_of(pages: list[Page]) -> dict:
    """wagtail-localize's record of each source page's strings, by translation_key, in one query."""
    return {
        source.object_id: source
        for source in TranslationSource.objects.filter(
            object_id__in=[page.translation_key for page in pages], locale__in={page.locale_id for page in pages}
        )
    }


def course_sources_update(course: CoursePage) -> int:
    """Read the strings of the source pages published since wagtail-localize last did: the translations then show
    what is new. Returns how many pages were read again."""
    pages = course_pages(course)
    sources = sources_of(pages)
    stale = [
        sources[page.translation_key]
        for page in pages
        if page.translation_key in sources and is_out_of_date(sources[page.translation_key], page)
    ]
    for source in stale:
        source.update_from_db()
    return len(stale)


def _progress(translations: list[Translation]) -> dict[tuple[int, int], tuple[int, int]]:
    """(strings, translated strings) per (source, target locale), as Translation.get_progress counts them, in one
    query per language instead of one per page and language."""
    source_ids = {translation.source_id for translation in translations}
    segments = StringSegment.objects.filter(source_id__in=source_ids)
    totals = dict(segments.values("source_id").annotate(count=Count("pk")).values_list("source_id", "count"))
    translated = {}
    for locale_id in {translation.target_locale_id for translation in translations}:
        done_in_locale = StringTranslation.objects.filter(
            translation_of_id=OuterRef("string_id"),
            context_id=OuterRef("context_id"),
            locale_id=locale_id,
            has_error=False,
        )
        for source_id, count in (
            segments.filter(Exists(done_in_locale))
            .values("source_id")
            .annotate(count=Count("pk"))
            .values_list("source_id", "count")
        ):
            translated[(source_id, locale_id)] = count
    return {
        (t.source_id, t.target_locale_id): (
            totals.get(t.source_id, 0),
            translated.get((t.source_id, t.target_locale_id), 0),
        )
        for t in translations
    }


def course_translation_status(course: CoursePage) -> tuple[list[PageRow], list[LanguageSummary]]:
    pages = course_pages(course)
    locales = other_locales(course)
    keys = [page.translation_key for page in pages]
    targets = {
        (target.translation_key, target.locale_id): target
        for target in Page.objects.filter(translation_key__in=keys, locale__in=locales)
    }
    sources = sources_of(pages)
    enabled = list(Translation.objects.filter(source__in=sources.values(), enabled=True).select_related("source"))
    translations = {
        (translation.source.object_id, translation.target_locale_id): translation for translation in enabled
    }
    progress = _progress(enabled)
    rows = []
    for page in pages:
        row = PageRow(page=page, level=page.depth - course.depth)
        for locale in locales:
            target = targets.get((page.translation_key, locale.pk))
            translation = translations.get((page.translation_key, locale.pk))
            if translation is not None:
                total, translated = progress[(translation.source_id, translation.target_locale_id)]
                cell = TranslationCell(
                    SYNCED,
                    target,
                    total,
                    translated,
                    out_of_date=is_out_of_date(translation.source, page),
                    source_id=translation.source_id,
                )
            elif target is None:
                cell = TranslationCell(MISSING)
            elif target.alias_of_id:
                cell = TranslationCell(FALLBACK, target)
            else:
                cell = TranslationCell(EDITED, target)
            row.cells[locale.language_code] = cell
        rows.append(row)
    summaries = []
    for locale in locales:
        cells = [row.cells[locale.language_code] for row in rows]
        summaries.append(
            LanguageSummary(
                locale=locale,
                pages=len(cells),
                translated_pages=sum(
                    1 for cell in cells if cell.state == EDITED or (cell.state == SYNCED and cell.percent == 100)
                ),
                synced_strings=sum(cell.total for cell in cells),
                translated_strings=sum(cell.translated for cell in cells),
                out_of_date=sum(1 for cell in cells if cell.out_of_date),
            )
        )
    return rows, summaries


# -- PO files ---------------------------------------------------------------------------------------------------------


class POImportError(ValueError):
    pass


def po_parse(content: bytes) -> polib.POFile:
    """An uploaded PO file, or POImportError saying why it is not one.

    Parsed from a file of its own: polib reads any string that names an existing file as that file, so the text
    of an upload is never given to it directly (an upload holding "/etc/passwd" would be read from the disk)."""
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as error:
        raise POImportError(_("This is not a PO file in UTF-8: %(error)s") % {"error": error}) from error
    with tempfile.NamedTemporaryFile(suffix=".po") as upload:
        upload.write(content)
        upload.flush()
        try:
            return polib.pofile(upload.name, encoding="utf-8")
        except (UnicodeDecodeError, OSError, ValueError) as error:
            raise POImportError(_("This is not a PO file in UTF-8: %(error)s") % {"error": error}) from error


def field_limit(model, path: str) -> int | None:
    """The most characters the field a string's context names can hold: `title`, or `learning_outcomes.<id>.text`
    for a child object's field. None for text without a limit (rich text, lesson blocks)."""
    name, _dot, rest = path.partition(".")
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if model_field.one_to_many and rest:
        return field_limit(model_field.related_model, rest.partition(".")[2])
    return None if rest else getattr(model_field, "max_length", None)


def po_entry_problem(model, entry: polib.POEntry) -> str | None:
    """Why a translated string cannot go into `model`'s field, in words for the translator, or None.

    The database refuses both (PostgreSQL: no NUL in text, no title over 255 characters) and a page with an
    overlong summary could never be published."""
    shown = entry.msgid.replace("\x00", "")[:60]
    if any("\x00" in text for text in (entry.msgid, entry.msgstr, entry.msgctxt or "")):
        return _(
            "The translation of “%(text)s” holds an invisible null character and was left out: remove it and "
            "import the file again."
        ) % {"text": shown}
    limit = field_limit(model, entry.msgctxt or "")
    if limit is not None and len(entry.msgstr) > limit:
        return _(
            "The translation of “%(text)s” has %(length)d characters, more than the %(limit)d its field holds, and "
            "was left out: shorten it and import the file again."
        ) % {"text": shown, "length": len(entry.msgstr), "limit": limit}
    return None


def _translations_for_po(course: CoursePage, locale: Locale) -> list[tuple[Page, Translation]]:
    """The wagtail-localize translation of each page of the course that is not written directly in the editor,
    started (as "Translate" in the admin would) where missing, with its strings read from the live source page."""
    pairs = []
    pages = course_pages(course)
    targets = {
        target.translation_key: target
        for target in Page.objects.filter(translation_key__in=[page.translation_key for page in pages], locale=locale)
    }
    sources = sources_of(pages)
    translations = {
        translation.source_id: translation
        for translation in Translation.objects.filter(source__in=sources.values(), target_locale=locale)
    }
    for page in pages:
        if not page.live:
            continue
        target = targets.get(page.translation_key)
        source = sources.get(page.translation_key)
        translation = translations.get(source.pk) if source else None
        if target is not None and target.alias_of_id is None and (translation is None or not translation.enabled):
            continue  # written in the page editor
        if source is None:
            source, _created = TranslationSource.get_or_create_from_instance(page.specific)
        elif is_out_of_date(source, page):
            source.update_from_db()
        if translation is None:
            translation = Translation.objects.create(source=source, target_locale=locale)
        pairs.append((page, translation))
    return pairs


@transaction.atomic
def course_po_export(course: CoursePage, locale: Locale) -> polib.POFile:
    po = polib.POFile(wrapwidth=200)
    po.metadata = {
        "Project-Id-Version": course.title,
        "POT-Creation-Date": timezone.now().strftime("%Y-%m-%d %H:%M%z"),
        "Language": locale.language_code,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=utf-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Course-Key": str(course.translation_key),
    }
    for page, translation in _translations_for_po(course, locale):
        for entry in translation.export_po():
            if entry.obsolete:
                continue
            po.append(
                polib.POEntry(
                    msgid=entry.msgid,
                    msgstr=entry.msgstr,
                    msgctxt=f"{page.translation_key}:{entry.msgctxt}",
                    tcomment=page.title,
                )
            )
    return po


@dataclass
class ImportReport:
    imported: int = 0
    pages: int = 0
    skipped: list[str] = field(default_factory=list)


@transaction.atomic
def course_po_import(course: CoursePage, locale: Locale, content: bytes, *, user) -> ImportReport:
    po = po_parse(content)
    if po.metadata.get("X-Course-Key") != str(course.translation_key):
        raise POImportError(_("This PO file was exported from another course."))
    if po.metadata.get("Language") != locale.language_code:
        raise POImportError(
            _("This PO file is for the language “%(code)s”, not “%(expected)s”.")
            % {"code": po.metadata.get("Language", "?"), "expected": locale.language_code}
        )
    by_page: dict[str, list[polib.POEntry]] = {}
    for entry in po:
        if entry.obsolete or not entry.msgctxt or ":" not in entry.msgctxt:
            continue
        key, context = entry.msgctxt.split(":", 1)
        by_page.setdefault(key, []).append(polib.POEntry(msgid=entry.msgid, msgstr=entry.msgstr, msgctxt=context))
    report = ImportReport()
    for page, translation in _translations_for_po(course, locale):
        entries = []
        for entry in by_page.pop(str(page.translation_key), []):
            problem = po_entry_problem(page.specific_class, entry)
            if problem:
                report.skipped.append(problem)
            else:
                entries.append(entry)
        if not any(entry.msgstr for entry in entries):
            continue
        page_po = polib.POFile()
        page_po.extend(entries)
        warnings = translation.import_po(page_po, user=user, tool_name="PO file")
        report.imported += sum(1 for entry in entries if entry.msgstr) - len(warnings)
        report.skipped.extend(str(warning) for warning in warnings)
        report.pages += 1
    for key in by_page:
        report.skipped.append(
            _("Strings of a page that is not in this course (%(key)s) were left out.")
            % {"key": key.replace("\x00", "")}
        )
    return report


@dataclass
class PublishReport:
    published: int = 0
    refused: list[str] = field(default_factory=list)


def course_translations_publish(course: CoursePage, locale: Locale, *, user) -> PublishReport:
    """Publish every wagtail-localize translation of the course into `locale` from its current strings (untranslated
    strings keep the source text). A page whose strings do not pass its validation (a slug with spaces, strings
    saved before these checks) stays as it was, and the report says why. Callers check that the user may publish."""
    report = PublishReport()
    for page, translation in _translations_for_po(course, locale):
        try:
            translation.save_target(user=user, publish=True)
        except ValidationError as error:
            report.refused.append(
                _("“%(page)s” was not published: %(error)s") % {"page": page.title, "error": " ".join(error.messages)}
            )
            continue
        report.published += 1
    return report
