"""The demo's image, video and document blocks (module 1, lesson 1) as a reader finds them on paper: the picture
printed, the video's and the document's addresses as text to type, the document's title."""

import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from wagtail.documents import get_document_model

pytestmark = pytest.mark.django_db

TITLES = {
    "en": ("How a basin forum first met", "Stakeholder engagement plan (spreadsheet)"),
    "fr": (
        "Comment un forum de bassin s’est réuni pour la première fois",
        "Plan de mobilisation des acteurs (tableur)",
    ),
}


def _text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "book.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


@pytest.mark.parametrize("language", TITLES)
def test_the_demo_picture_is_printed(module_one_workbooks, language, tmp_path):
    path = tmp_path / "book.pdf"
    path.write_bytes(module_one_workbooks[language])
    listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    # The basin sketch is drawn at 640 x 360; the cover's logo is the only other raster image.
    assert any(line.split()[3:5] == ["640", "360"] for line in listing.splitlines()[2:]), listing


@pytest.mark.parametrize("language", TITLES)
def test_the_video_prints_its_title_and_address_as_text(module_one_workbooks, language, tmp_path):
    text = _text(module_one_workbooks[language], tmp_path)
    video_title, _document_title = TITLES[language]
    assert video_title in text
    assert "https://video.landscape-academy.example/basin-forum" in text.replace(" ", "")


@pytest.mark.parametrize("language", TITLES)
def test_the_document_prints_its_title_and_download_address(module_one_workbooks, language, tmp_path):
    text = _text(module_one_workbooks[language], tmp_path)
    _video_title, document_title = TITLES[language]
    document = get_document_model().objects.get(title="Demo: stakeholder engagement plan (spreadsheet)")
    assert document_title in text
    assert settings.PUBLIC_BASE_URL + document.url in text.replace(" ", "")
