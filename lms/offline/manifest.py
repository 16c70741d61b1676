"""What a phone stores to keep a course in one language: every page of it as the learner sees it, the files those
pages load (the stylesheet, the scripts, each image at its smallest size), and the translated offline page.

Each entry carries a `rev` that changes when what the phone would download at that address changes, so a kept copy
downloads only what a republish changed; the manifest's `version` changes when any entry does. Sizes are what the
phone stores (bodies before compression), measured by rendering each page as the asking learner sees it: the sum is
what the course page says the course will take.
"""

import copy
import hashlib
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.http import QueryDict
from django.urls import reverse
from wagtail.models import Page

from curriculum.models import CoursePage, ModulePage, QuizPage
from curriculum.selectors.outline import course_outline

# A quiz page stored for offline use shows its questions to a learner with no open attempt (lms.quizzes adds them
# when this parameter is there), so that they can be answered offline. The phone stores it under the quiz's address.
OFFLINE_COPY_PARAMETER = "offline-copy"

_ASSET = re.compile(r"""<(?:link|script|img|source)\b[^>]*>""", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""\b(href|src|srcset|rel)="([^"]*)\"""", re.IGNORECASE)


@dataclass
class Entry:
    url: str  # where the browser asks for it, and where the phone stores it
    rev: str
    bytes: int
    title: str = ""
    source: str = ""  # where it is downloaded from, when not from `url`


@dataclass
class Manifest:
    course: str
    language: str
    title: str
    url: str
    version: str
    bytes: int
    entries: list[Entry] = field(default_factory=list)

    def as_json(self) -> dict:
        return asdict(self)


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """The templates, stylesheet and scripts as this process serves them: a deploy that changes any of them changes
    every page's rev (pages are rendered by the templates). Read once per process; a deploy restarts it."""
    digest = hashlib.sha256()
    for folder in (settings.BASE_DIR / "templates", settings.BASE_DIR / "static"):
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file():
                digest.update(str(path.relative_to(folder)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _pages_of(course: CoursePage) -> list[Page]:
    outline = course_outline(course)
    pages = [course]
    for part in outline:
        if part.module:
            pages.append(part.module)
        pages.extend(item.page for item in part.lessons)
    return pages


def _page_revisions(course: CoursePage) -> tuple[dict[int, str], str]:
    """Each live page of the course's tree by id: its live revision (and its source's, for an untranslated alias);
    and a stamp of what every page shows of the others (their titles, order and addresses, in outlines and pagers)."""
    rows = list(
        Page.objects.descendant_of(course, inclusive=True)
        .live()
        .order_by("path")
        .values_list("pk", "live_revision_id", "alias_of__live_revision_id", "path", "title", "url_path")
    )
    revisions = {pk: f"{revision}.{source_revision}" for pk, revision, source_revision, *_shown in rows}
    shown = [(pk, *others) for pk, _revision, _source, *others in rows]
    return revisions, hashlib.sha256(repr(shown).encode()).hexdigest()[:12]


def _assets_in(html: str) -> set[str]:
    """The stylesheets, scripts and images a page loads from this site: an image at its smallest size only (a
    phone's), since a srcset lists larger ones for wider screens."""
    found = set()
    for tag in _ASSET.findall(html):
        attributes = {name.lower(): value for name, value in _ATTRIBUTE.findall(tag)}
        if tag.lower().startswith("<link") and attributes.get("rel") != "stylesheet":
            continue
        if "srcset" in attributes:
            candidates = [part.strip().split() for part in attributes["srcset"].split(",") if part.strip()]
            sized = [
                (int(words[1].rstrip("w")), words[0])
                for words in candidates
                if len(words) == 2 and words[1][:-1].isdigit()
            ]
            if sized:
                found.add(min(sized)[1])
                continue
        for name in ("href", "src"):
            if attributes.get(name):
                found.add(attributes[name].replace("&amp;", "&"))
    return {url for url in found if url.startswith((settings.STATIC_URL, settings.MEDIA_URL))}


def _file_entry(url: str) -> Entry | None:
    """A static file or upload, by its address: its size, and a rev that follows its content."""
    if url.startswith(settings.STATIC_URL):
        path = finders.find(url.removeprefix(settings.STATIC_URL).split("?")[0])
        if not path:
            return None
        content = Path(path).read_bytes()
        return Entry(url=url, rev=hashlib.sha256(content).hexdigest()[:12], bytes=len(content))
    name = url.removeprefix(settings.MEDIA_URL)
    if not default_storage.exists(name):
        return None
    return Entry(url=url, rev=name, bytes=default_storage.size(name))  # a rendition's name changes with its file


def _rendered(page: Page, request) -> str:
    """The page's HTML as Wagtail serves it to this visitor, without the visit's writes (no lesson marked started)."""
    response = page.specific.serve(request)
    response.render()
    return response.content.decode()


def _offline_copy_request(request):
    offline_request = copy.copy(request)
    offline_request.GET = QueryDict(f"{OFFLINE_COPY_PARAMETER}=1")
    return offline_request


def course_manifest(course: CoursePage, request) -> Manifest:
    """The manifest of `course` (live, in its language) for the visitor of `request`: read from the cache while no
    page of the course is republished and the code is the same."""
    language = course.locale.language_code
    revisions, structure = _page_revisions(course)
    # A course or module page shows its lessons' summaries and times: it changes with any of them.
    everything = hashlib.sha256(repr(sorted(revisions.items())).encode()).hexdigest()[:12]
    who = "learner" if request.user.is_authenticated else "visitor"  # their pages differ (forms, progress)
    key = f"offline-manifest:{course.pk}:{everything}:{structure}:{code_fingerprint()}:{who}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    entries, assets = [], set()
    offline_copy = _offline_copy_request(request)
    for page in _pages_of(course):
        is_quiz = page.specific_class is QuizPage
        lists_others = page.specific_class in (CoursePage, ModulePage)
        html = _rendered(page, offline_copy if is_quiz else request)
        assets |= _assets_in(html)
        url = page.get_url(request)
        entries.append(
            Entry(
                url=url,
                rev=f"{everything if lists_others else revisions.get(page.pk, '')}.{structure}.{code_fingerprint()}",
                bytes=len(html.encode()),
                title=page.title,
                source=f"{url}?{OFFLINE_COPY_PARAMETER}=1" if is_quiz else "",
            )
        )
    from lms.offline.views import offline_page  # the views import this module

    offline_url = reverse("offline:page")
    offline_html = offline_page(request).content
    entries.append(Entry(url=offline_url, rev=code_fingerprint(), bytes=len(offline_html)))
    entries.extend(entry for url in sorted(assets) if (entry := _file_entry(url)))
    version = hashlib.sha256(repr([(entry.url, entry.rev) for entry in entries]).encode()).hexdigest()[:16]
    manifest = Manifest(
        course=str(course.translation_key),
        language=language,
        title=course.title,
        url=course.get_url(request),
        version=version,
        bytes=sum(entry.bytes for entry in entries),
        entries=entries,
    )
    cache.set(key, manifest, timeout=24 * 3600)
    return manifest
