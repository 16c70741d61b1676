"""Certificates and workbooks keep the PDF/A-3u promise, checked rule by rule (tests/pdfa_check.py): every glyph from
an embedded font, XMP that says what the document information says, an sRGB output intent."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from lms.certificates import services as certificates
from lms.pdf.render import render_pdf
from tests.pdfa_check import pdfa_problems

pytestmark = pytest.mark.django_db

HARD_NAMES = [
    pytest.param("فاطمة الزهراء بن علي", "fr", id="arabic"),
    pytest.param("Nguyễn Thị Hoa", "en", id="vietnamese"),
    pytest.param(
        "María de los Ángeles Fernández-Castellanos y Villalobos de la Torre Santiesteban Ruiz", "es", id="long-spanish"
    ),
]


@pytest.mark.parametrize(("name", "language"), HARD_NAMES)
def test_a_certificate_with_a_hard_name_keeps_the_pdfa_rules(demo_course, name, language):
    learner = get_user_model().objects.create_user(
        "hard@example.org", "hard@example.org", "pw-hard-2045", display_name=name, preferred_language=language
    )
    certificate = certificates.certificate_issue(learner=learner, course=demo_course, language=language)
    assert pdfa_problems(certificates.certificate_render_pdf(certificate, language)) == []


def test_the_check_finds_a_character_no_embedded_font_has():
    """What a name of emoji did before sign-up refused it: an empty box, and a broken PDF/A claim."""
    problems = pdfa_problems(render_pdf("<p>Awa \U0001fab8</p>", variant="pdf/a-3u"))
    assert any(problem.startswith("6.2.11.8") for problem in problems), problems


def test_the_check_finds_a_pdf_that_claims_nothing():
    problems = " ".join(pdfa_problems(render_pdf("<title>T</title><p>Awa</p>")))
    assert "6.2.3" in problems and "6.6.2.1" in problems and "6.6.3: /Title" in problems


@pytest.mark.parametrize("language", [language for language, _name in settings.LANGUAGES])
def test_every_language_s_workbook_keeps_the_pdfa_rules(module_one_workbooks, language):
    assert pdfa_problems(module_one_workbooks[language]) == []


def test_every_picture_of_a_workbook_and_a_certificate_is_described_in_the_pdf_structure(demo_course, caplog):
    """Tagged PDFs give each figure its words for a screen reader: WeasyPrint names an image whose alt is empty (the
    QR codes of videos and documents, the institute's logo and signature) as an error, and its figure has none."""
    import logging

    from curriculum.models import ModulePage
    from lms.workbooks.services import FACILITATOR, WorkbookOrder, workbook_build

    module = ModulePage.objects.child_of(demo_course).order_by("path").first()
    learner = get_user_model().objects.create_user(
        "alt@example.org", "alt@example.org", "pw-alt-2045", display_name="Awa Traoré", preferred_language="fr"
    )
    certificate = certificates.certificate_issue(learner=learner, course=demo_course, language="fr")
    with caplog.at_level(logging.ERROR, logger="weasyprint"):
        workbook_build(WorkbookOrder(page_key=module.translation_key, language="fr", edition=FACILITATOR))
        certificates.certificate_render_pdf(certificate, "fr")
    assert [record.getMessage()[:120] for record in caplog.records if "alt" in record.getMessage()] == []
