"""The one way this project makes PDFs: WeasyPrint, fonts from the machine, and no network.

The URL fetcher answers only for the project's own static files and uploaded media; any other URL (http, file
outside media) fails closed: WeasyPrint logs it and leaves the resource out, so a name like <img src=http://...>
can never make the server fetch anything (templates escape names anyway).
"""

import mimetypes
import threading
from pathlib import Path
from urllib.parse import unquote, urlparse
from urllib.request import urlopen

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import FileSystemStorage, storages
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from curriculum.i18n import language_direction

LOCAL_BASE_URL = "https://pdf.invalid/"  # relative URLs in templates resolve under this, then map to local files


class BlockedURL(ValueError):
    pass


def _media_name(url: str) -> str | None:
    """The upload's name in the default storage for an address of it: under MEDIA_URL, relative (/media/...) or
    absolute (object storage, its query string a signature)."""
    parsed = urlparse(url)
    media = urlparse(settings.MEDIA_URL)
    if media.netloc:
        if (parsed.scheme, parsed.netloc) != (media.scheme, media.netloc):
            return None
    elif parsed.scheme != "https" or parsed.netloc != "pdf.invalid":
        return None
    path = unquote(parsed.path)
    return path.removeprefix(media.path) if path.startswith(media.path) else None


def _local_file(url: str) -> bytes | None:
    parsed = urlparse(url)
    if (
        parsed.scheme == "https"
        and parsed.netloc == "pdf.invalid"
        and unquote(parsed.path).startswith(settings.STATIC_URL)
    ):
        found = finders.find(unquote(parsed.path).removeprefix(settings.STATIC_URL))
        return Path(found).read_bytes() if found else None
    name = _media_name(url)
    if not name:
        return None
    storage = storages["default"]
    if isinstance(storage, FileSystemStorage):
        media_root = Path(storage.location).resolve()
        candidate = (media_root / name).resolve()
        return candidate.read_bytes() if candidate.is_relative_to(media_root) and candidate.is_file() else None
    if ".." in name.split("/"):
        return None
    try:
        with storage.open(name, "rb") as upload:
            return upload.read()
    except FileNotFoundError:
        return None


class LocalFilesOnly(URLFetcher):
    """WeasyPrint's fetcher, narrowed to data: URLs, the project's own static files and its uploads (from the
    default storage, wherever that keeps them)."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            with urlopen(url) as response:  # noqa: S310 (data: URL, decoded in memory)
                return URLFetcherResponse(url, response.read(), {"Content-Type": response.headers.get_content_type()})
        content = _local_file(url)
        if content is None:
            raise BlockedURL(f"PDF rendering fetches only the project's static and media files, not {url!r}")
        content_type = mimetypes.guess_type(urlparse(url).path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, content, {"Content-Type": content_type})


def print_direction(language: str) -> dict[str, str]:
    """The document's direction, and the sides of the page where its margin boxes start and end (for @page's
    @top-left and the like, which are physical): a right-to-left document puts its running title and page number
    on the other sides, as its text mirrors."""
    if language_direction(language) == "rtl":
        return {"direction": "rtl", "page_start": "right", "page_end": "left"}
    return {"direction": "ltr", "page_start": "left", "page_end": "right"}


def pdf_storage():
    """Where generated PDFs are kept: the "private" storage, which no URL serves directly."""
    return storages["private"]


_fonts = threading.local()


def font_configuration() -> FontConfiguration:
    """The machine's fonts as WeasyPrint sees them, loaded once per thread (Pango's font map is not shared between
    threads): a fresh configuration for each PDF loaded and measured every font again, which was about 40 % of a
    certificate's time. Our templates add no @font-face, so nothing accumulates in it."""
    if not hasattr(_fonts, "configuration"):
        _fonts.configuration = FontConfiguration()
    return _fonts.configuration


def _document(html: str) -> HTML:
    return HTML(string=html, base_url=LOCAL_BASE_URL, url_fetcher=LocalFilesOnly())


def render_pdf(html: str, *, variant: str | None = None) -> bytes:
    """A tagged PDF from HTML whose static and media URLs are relative or site-absolute (/static/..., /media/...)."""
    return _document(html).write_pdf(pdf_tags=True, pdf_variant=variant, font_config=font_configuration())


def layout_pdf(html: str, *, image_cache: dict | None = None):
    """The laid-out document (weasyprint.Document) of HTML as render_pdf reads it, not yet written; documents
    laid out for one PDF share an `image_cache` (lms.pdf.parts.ImagesOfParts)."""
    return _document(html).render(font_config=font_configuration(), cache=image_cache)


def render_pdf_of_documents(htmls, *, progress=None) -> bytes:
    """One PDF of several HTML documents, each keeping its own @page rules (a pack of certificates, one per page).
    `progress(done, total)` is called after each document is laid out, which is where the time goes."""
    htmls = list(htmls)
    documents = []
    for number, html in enumerate(htmls, start=1):
        documents.append(_document(html).render(font_config=font_configuration()))
        if progress:
            progress(number, len(htmls))
    if not documents:
        raise ValueError("Nothing to print")
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf()
