"""A course in one language as a Kiwix ZIM file, for places with no data at all: shared by SD card or Bluetooth and
read in Kiwix. The learner edition of the workbook's content (curriculum.printing), one page per lesson and quiz: no
facilitator notes, and quizzes as printable questions without answers (their answer keys print only in the
facilitator edition). With the metadata every ZIM must have (https://wiki.openzim.org/wiki/Metadata)."""

import datetime
import io
import re
from dataclasses import dataclass
from pathlib import Path

from babel import Locale as BabelLocale
from django.conf import settings
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.text import slugify
from libzim.writer import Creator, FileProvider, Hint, Item, StringProvider
from PIL import Image

from curriculum.models import CoursePage
from curriculum.printing import LEARNER, printable
from lms.pdf.render import print_direction
from lms.workbooks.services import css_page_counter

STYLESHEET = "style.css"
INDEX = "index.html"
GLOSSARY = "glossary.html"
_MEDIA_SOURCE = re.compile('(src|href)="' + re.escape(settings.MEDIA_URL) + '([^"]+)"')


@dataclass
class _Entry(Item):
    path: str
    title: str
    mimetype: str
    content: bytes | str = b""
    file: str = ""
    is_front: bool = False

    def __post_init__(self):
        super().__init__()

    def get_path(self):
        return self.path

    def get_title(self):
        return self.title

    def get_mimetype(self):
        return self.mimetype

    def get_contentprovider(self):
        return FileProvider(self.file) if self.file else StringProvider(self.content)

    def get_hints(self):
        return {Hint.FRONT_ARTICLE: self.is_front}


def _iso_639_3(language: str) -> str:
    """Kiwix wants the three-letter code ("fra"); Babel gives only the two-letter one ("fr"), so the shipped
    languages are listed here and any other falls back to Babel's code."""
    alpha3 = {"en": "eng", "fr": "fra", "es": "spa", "pt": "por", "sw": "swa", "id": "ind", "ar": "ara"}
    return alpha3.get(language) or BabelLocale.parse(language).language


def _illustration(colour: str) -> bytes:
    """The 48x48 PNG every ZIM carries (Kiwix shows it in its library): the institute's colour."""
    image = Image.new("RGB", (48, 48), colour if re.fullmatch(r"#[0-9a-fA-F]{6}", colour or "") else "#2f6b3a")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _item_path(number: int, page) -> str:
    return f"{number:02d}-{page.slug}.html"


def _with_local_media(html: str, media: set[str]) -> str:
    """Uploads (images) point into the archive: the same path under media/, collected to be added."""

    def local(match):
        media.add(match.group(2))
        return f'{match.group(1)}="media/{match.group(2)}"'

    return _MEDIA_SOURCE.sub(local, html)


def course_zim(course: CoursePage, output: Path) -> dict:
    """Write `course` (live, in its language) to `output`; returns what it holds, for the command to say."""
    language = course.locale.language_code
    book = printable(course)
    institute = course.institute.localized if course.institute_id else None
    media: set[str] = set()
    entries: list[_Entry] = []
    with translation.override(language):
        numbered = []
        for module in book.modules:
            for item in module.items:
                item.render(edition=LEARNER, language=language)
                numbered.append((module, item, _item_path(len(numbered) + 1, item.page)))
        contents = [
            (module, [(item, path) for part, item, path in numbered if part is module]) for module in book.modules
        ]
        base = {"course": course, "language": language, "stylesheet": STYLESHEET, "index": INDEX}
        for position, (module, item, path) in enumerate(numbered):
            html = render_to_string(
                "lms/offline/zim_item.html",
                {
                    **base,
                    "module": module,
                    "item": item,
                    "previous": numbered[position - 1][2] if position else "",
                    "next": numbered[position + 1][2] if position + 1 < len(numbered) else "",
                },
            )
            entries.append(_Entry(path, item.page.title, "text/html", _with_local_media(html, media), is_front=True))
        glossary = book.glossary()
        index = render_to_string(
            "lms/offline/zim_index.html",
            {**base, "contents": contents, "glossary": glossary and GLOSSARY, "institute": institute},
        )
        entries.append(_Entry(INDEX, course.title, "text/html", _with_local_media(index, media), is_front=True))
        if glossary:
            html = render_to_string("lms/offline/zim_glossary.html", {**base, "glossary": glossary})
            entries.append(_Entry(GLOSSARY, translation.gettext("Glossary"), "text/html", html, is_front=True))
        css = render_to_string(
            "pdf/workbook.css", {"paper": "A4", "page_counter": css_page_counter(), **print_direction(language)}
        )
        css += render_to_string("lms/offline/zim_screen.css")
        entries.append(_Entry(STYLESHEET, "", "text/css", css))
        for name in sorted(media):
            if default_storage.exists(name):
                mimetype = "image/png" if name.lower().endswith(".png") else "image/jpeg"
                with default_storage.open(name) as upload:
                    entries.append(_Entry(f"media/{name}", "", mimetype, upload.read()))
        description = translation.gettext("%(course)s: the course, to read without a connection.") % {
            "course": course.title
        }
    with Creator(str(output)).config_indexing(True, _iso_639_3(language)) as creator:
        creator.set_mainpath(INDEX)
        for entry in entries:
            creator.add_item(entry)
        metadata = {
            "Name": f"landscape-academy_{language}_{slugify(course.slug)}",
            "Title": course.title[:30],
            "Creator": institute.name if institute else "Landscape Academy",
            "Publisher": "Landscape Academy",
            "Date": datetime.date.today().isoformat(),
            "Description": description[:80],
            "LongDescription": (course.summary or description)[:4000],
            "Language": _iso_639_3(language),
            "Tags": "_category:other;landscape;training",
            "Source": course.full_url or "",
        }
        for name, value in metadata.items():
            creator.add_metadata(name, value)
        creator.add_illustration(48, _illustration(institute.print_colour if institute else ""))
    return {"entries": len(entries), "pages": len(numbered), "media": len(media), "bytes": output.stat().st_size}
