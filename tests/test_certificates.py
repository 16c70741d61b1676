"""Certificates: issued once on completion, printed in the learner's language, verifiable by anyone, revocable."""

import datetime
import re
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import translation

from curriculum.models import CoursePage, LessonPage, QuizPage
from curriculum.typography import typeset_text
from lms.accounts.forms import SignUpForm
from lms.certificates import services
from lms.certificates.models import CODE_ALPHABET, Certificate
from lms.pdf.fonts import unprintable_characters
from lms.pdf.render import BlockedURL, LocalFilesOnly, pdf_storage, render_pdf
from lms.progress import services as progress
from tests.helpers import lesson_in

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def learner(db):
    return User.objects.create_user(
        "awa@example.org", "awa@example.org", "pw-awa-2045", display_name="Awa Traoré", preferred_language="fr"
    )


def complete_everything_but_the_last(learner, course):
    last = lesson_in("en", 5, 4)
    for item in [*LessonPage.objects.descendant_of(course), *QuizPage.objects.descendant_of(course)]:
        if item.pk != last.pk:
            progress.item_complete(learner=learner, item=item)
    return last


@pytest.fixture
def certificate(learner, demo_course):
    last = complete_everything_but_the_last(learner, demo_course)
    assert not Certificate.objects.filter(learner=learner).exists(), "not before the course is complete"
    progress.item_complete(
        learner=learner, item=LessonPage.objects.get(translation_key=last.translation_key, locale__language_code="fr")
    )
    return Certificate.objects.get(learner=learner)


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_completing_the_course_issues_one_self_contained_certificate(certificate, learner, demo_course):
    assert certificate.course_key == demo_course.translation_key
    assert certificate.learner_name == "Awa Traoré"
    assert certificate.course_titles["fr"] == "Gestion intégrée des paysages : les cinq éléments"
    assert set(certificate.course_titles) == {"en", "fr", "es", "sw"}
    assert certificate.institute["names"]["en"] == "Landscape Learning Institute"
    assert [element["number"] for element in certificate.elements] == [1, 2, 3, 4, 5]
    assert certificate.hours == 25 and certificate.language == "fr"
    assert re.fullmatch(r"[0-9a-f]{32}", certificate.token)
    assert len(certificate.code) == 10 and set(certificate.code) <= set(CODE_ALPHABET)
    progress.item_complete(learner=learner, item=lesson_in("en", 1, 1))
    assert Certificate.objects.filter(learner=learner).count() == 1


def test_the_record_keeps_what_was_true_at_issue(certificate, learner, demo_course):
    demo_course.title = "Renamed course"
    demo_course.save_revision().publish()
    learner.display_name = "Someone Else"
    learner.save()
    certificate.refresh_from_db()
    assert certificate.course_title("en") == "Integrated landscape management: the five elements"
    assert certificate.learner_name == "Awa Traoré"


@pytest.mark.parametrize(
    ("language", "title", "date"),
    [
        ("en", "Integrated landscape management: the five elements", r"Completed on \w+ \d{1,2}, \d{4}"),
        (
            "fr",
            "Gestion intégrée des paysages : les cinq éléments",
            r"\d{1,2} (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre) \d{4}",
        ),
        ("es", "Gestión integrada del paisaje: los cinco elementos", r"\d{1,2} de \w+ de \d{4}"),
        ("sw", "Usimamizi jumuishi wa mandhari: vipengele vitano", r"Ilikamilishwa tarehe \d{1,2} \w+ \d{4}"),
    ],
)
def test_pdf_says_the_right_things_in_each_language(certificate, tmp_path, language, title, date):
    text = " ".join(pdf_text(services.certificate_pdf(certificate, language), tmp_path).split())
    assert "Awa Traoré" in text
    assert title in text
    assert re.search(date, text), text
    assert f"{certificate.code[:5]}-{certificate.code[5:]}" in text


def test_the_qr_code_opens_the_verification_page(certificate, tmp_path):
    (tmp_path / "certificate.pdf").write_bytes(services.certificate_pdf(certificate, "en"))
    subprocess.run(
        ["pdftoppm", "-png", "-r", "200", str(tmp_path / "certificate.pdf"), str(tmp_path / "page")], check=True
    )
    (page,) = tmp_path.glob("page*.png")
    decoded = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(page)], capture_output=True, text=True, check=True
    ).stdout
    assert decoded.strip() == services.verification_url(certificate)
    assert decoded.strip().endswith(f"/verify/{certificate.token}/")


def test_pdf_metadata_and_tagging(certificate, tmp_path):
    path = tmp_path / "c.pdf"
    path.write_bytes(services.certificate_pdf(certificate, "fr"))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info
    assert "Metadata Stream: yes" in info  # the XMP packet of a PDF/A-3u file
    assert "Title:           Certificat" in info
    assert "Author:          Institut d’apprentissage des paysages" in info
    assert "Pages:           1" in info


def test_the_second_download_is_a_file_read_kept_out_of_public_media(certificate, settings, tmp_path):
    first = services.certificate_pdf(certificate, "en")
    assert not list(Path(settings.MEDIA_ROOT).rglob(f"{certificate.token}*")), "media/ is served: PDFs stay out of it"
    stored = list((Path(pdf_storage().location) / "certificates").glob(f"{certificate.token}-en-*.pdf"))
    assert len(stored) == 1
    stored[0].write_bytes(first + b"%cached")
    assert services.certificate_pdf(certificate, "en").endswith(b"%cached")


def test_names_print_as_text_and_nothing_is_fetched_from_the_network(learner, demo_course, tmp_path):
    learner.display_name = '<img src="http://198.51.100.7/x.png">Bad Name'
    certificate = services.certificate_issue(learner=learner, course=demo_course, language="en")
    text = pdf_text(services.certificate_render_pdf(certificate, "en"), tmp_path)
    assert '<img src="http://198.51.100.7/x.png">Bad Name' in " ".join(text.split())
    fetcher = LocalFilesOnly()
    for url in (
        "http://198.51.100.7/x.png",
        "https://example.org/a.css",
        "file:///etc/passwd",
        "https://pdf.invalid/media/../../etc/passwd",
    ):
        with pytest.raises(BlockedURL):
            fetcher.fetch(url)
    pdf = render_pdf('<p>Hi</p><img src="http://198.51.100.7/tracker.png">')
    assert pdf.startswith(b"%PDF")


def test_a_very_long_name_and_title_still_fit_on_one_page(learner, demo_course, tmp_path):
    learner.display_name = "María de los Ángeles Fernández-Castellanos y Villalobos de la Torre Santiesteban Ruiz"
    certificate = services.certificate_issue(learner=learner, course=demo_course, language="en")
    certificate.course_titles["en"] = "Integrated landscape management for multi-stakeholder partnerships " * 3
    path = tmp_path / "long.pdf"
    path.write_bytes(services.certificate_render_pdf(certificate, "en"))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           1" in info
    assert "Santiesteban Ruiz" in " ".join(pdf_text(path.read_bytes(), tmp_path).split())


def test_a_name_in_arabic_script_is_kept(learner, demo_course, tmp_path):
    learner.display_name = "فاطمة الزهراء بن علي"
    certificate = services.certificate_issue(learner=learner, course=demo_course, language="fr")
    text = pdf_text(services.certificate_render_pdf(certificate, "fr"), tmp_path)
    assert "فاطمة" in text or "ةمطاف" in text


def test_learners_download_only_their_own_certificates(certificate, learner, client):
    client.force_login(learner)
    response = client.get(f"/fr/learning/certificates/{certificate.token}/pdf/?language=es")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f"certificate-{certificate.code}-es.pdf" in response["Content-Disposition"]
    assert client.get(f"/fr/learning/certificates/{certificate.token}/pdf/?language=xx")[
        "Content-Disposition"
    ].endswith('-fr.pdf"')
    other = User.objects.create_user("bo@example.org", "bo@example.org", "pw-bo-2045")
    client.force_login(other)
    assert client.get(f"/fr/learning/certificates/{certificate.token}/pdf/").status_code == 404


def test_the_dashboard_lists_certificates_with_each_language(certificate, learner, client):
    client.force_login(learner)
    page = client.get("/en/learning/").content.decode()
    assert "Certificates" in page and certificate.code in page
    for code in ("en", "fr", "es"):
        assert f"/en/learning/certificates/{certificate.token}/pdf/?language={code}" in page


def test_anyone_verifies_a_certificate_and_sees_only_what_it_says(certificate, client):
    page = client.get(f"/verify/{certificate.token}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Ce certificat est valide." in page
    assert "Awa Traoré" in page and typeset_text("Gestion intégrée des paysages : les cinq éléments") in page
    assert "Institut d’apprentissage des paysages" in page
    assert "awa@example.org" not in page
    english = client.get(f"/verify/{certificate.token}/?language=en").content.decode()
    assert "This certificate is valid." in english


def test_a_typed_code_finds_the_certificate_however_it_is_typed(certificate, client):
    typed = f" {certificate.code[:5].lower()} - {certificate.code[5:]} "
    response = client.get("/verify/", {"code": typed})
    assert response.status_code == 302 and response["Location"] == f"/verify/{certificate.token}/"


def test_unknown_codes_and_tokens_get_a_clear_not_found(client):
    response = client.get("/verify/", {"code": "ZZZZZ-ZZZZZ"}, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 404
    assert "Ningún certificado tiene el código" in response.content.decode()
    missing = client.get("/verify/" + "0" * 32 + "/")
    assert missing.status_code == 404 and "Certificate not found" in missing.content.decode()


def test_verification_lookups_are_rate_limited(client):
    for _ in range(60):
        client.get("/verify/", {"code": "ZZZZZZZZZZ"})
    response = client.get("/verify/", {"code": "ZZZZZZZZZZ"})
    assert response.status_code == 429 and "Too many attempts" in response.content.decode()


def test_staff_revoke_with_a_reason_and_everyone_sees_it(certificate, learner, client, admin_user):
    services.certificate_pdf(certificate, "fr")  # a printed copy is kept
    client.force_login(admin_user)
    listing = client.get("/admin/issued_certificates/")
    assert listing.status_code == 200 and certificate.code in listing.content.decode()
    refused = client.post(
        f"/admin/issued_certificates/edit/{certificate.pk}/", {"revoke": "on", "revocation_reason": ""}
    )
    assert "Say why the certificate is revoked" in refused.content.decode()
    client.post(
        f"/admin/issued_certificates/edit/{certificate.pk}/", {"revoke": "on", "revocation_reason": "Identity fraud"}
    )
    certificate.refresh_from_db()
    assert certificate.is_revoked and certificate.revocation_reason == "Identity fraud"
    assert not list((Path(pdf_storage().location) / "certificates").glob(f"{certificate.token}-*")), "copies deleted"
    page = Client().get(f"/verify/{certificate.token}/?language=en").content.decode()
    assert "This certificate has been revoked." in page and "Identity fraud" in page
    learner_client = Client()
    learner_client.force_login(learner)
    assert "This certificate has been revoked." in learner_client.get("/en/learning/").content.decode()
    assert client.get("/admin/issued_certificates/new/").status_code in (302, 403)


def test_certificates_are_never_added_by_hand(admin_user, client):
    client.force_login(admin_user)
    page = client.get("/admin/issued_certificates/").content.decode()
    assert "/admin/issued_certificates/new/" not in page


def test_a_course_completed_by_an_editors_unpublish_still_issues_the_certificate(learner, demo_course, client):
    last = complete_everything_but_the_last(learner, demo_course)
    for version in LessonPage.objects.filter(translation_key=last.translation_key):
        version.unpublish()
    assert not Certificate.objects.filter(learner=learner).exists()
    client.force_login(learner)
    page = client.get(demo_course.url).content.decode()
    assert "You have completed this course." in page
    assert Certificate.objects.filter(learner=learner).count() == 1


def test_an_empty_code_is_explained(client):
    response = client.get("/verify/", {"code": "  "}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Type the code printed at the bottom of the certificate." in response.content.decode()


def test_deleting_the_account_revokes_its_certificates_and_keeps_the_record(
    certificate, learner, client, admin_user, django_capture_on_commit_callbacks
):
    services.certificate_pdf(certificate, "fr")  # a printed copy is kept
    client.force_login(learner)
    warning = client.get("/en/accounts/delete/").content.decode()
    assert "Your certificates are revoked: anyone who checks one is told that its holder deleted their account." in (
        warning
    )
    with django_capture_on_commit_callbacks(execute=True):  # the copies go once the deletion is committed
        client.post("/en/accounts/delete/", {"password": "pw-awa-2045"})
    assert not User.objects.filter(pk=learner.pk).exists()
    certificate.refresh_from_db()
    assert certificate.learner is None and certificate.is_revoked and certificate.learner_name == ""
    assert not list((Path(pdf_storage().location) / "certificates").glob(f"{certificate.token}-*")), "copies deleted"
    page = Client().get(f"/verify/{certificate.token}/?language=fr")
    text = page.content.decode()
    assert page.status_code == 200 and "Ce certificat a été révoqué." in text
    assert "Son titulaire a supprimé son compte." in text and "Awa Traoré" not in text
    assert certificate.code in text and typeset_text("Gestion intégrée des paysages : les cinq éléments") in text
    english = Client().get(f"/verify/{certificate.token}/?language=en").content.decode()
    assert "The holder deleted their account." in english
    found = Client().get("/verify/", {"code": certificate.code})
    assert found.status_code == 302 and found["Location"] == f"/verify/{certificate.token}/"
    client.force_login(admin_user)
    refused = client.post(f"/admin/issued_certificates/edit/{certificate.pk}/", {"revocation_reason": ""})
    assert "this certificate stays revoked" in refused.content.decode()
    certificate.refresh_from_db()
    assert certificate.is_revoked


def test_the_institute_is_named_in_the_certificates_language_or_else_in_its_own(certificate, client, tmp_path):
    """Taken in French, shown in Portuguese (which the institute has no name in): its English name, the language it
    was created in, not the French of the learner's course; in Spanish, its Spanish name."""
    assert certificate.institute["source_language"] == "en"
    assert certificate.institute_name("pt") == "Landscape Learning Institute"
    assert certificate.institute_name("es") == "Instituto de Aprendizaje del Paisaje"
    assert certificate.institute_name("fr") == "Institut d’apprentissage des paysages"
    page = client.get(f"/verify/{certificate.token}/?language=pt").content.decode()
    assert "Landscape Learning Institute" in page and "Institut d’apprentissage" not in page
    in_portuguese = services.certificate_issue(
        learner=User.objects.create_user("rui@example.org", "rui@example.org", "pw-rui-2045", display_name="Rui"),
        course=CoursePage.objects.get(translation_key=certificate.course_key, locale__language_code="en"),
        language="pt",
    )
    text = " ".join(pdf_text(services.certificate_render_pdf(in_portuguese, "pt"), tmp_path).split())
    assert "Landscape Learning Institute" in text and "Institut d’apprentissage" not in text
    # A record from before the institute's language was kept: its names were listed oldest first.
    certificate.institute.pop("source_language")
    certificate.institute["names"] = {"en": "Landscape Learning Institute", "fr": "Institut d’apprentissage"}
    assert certificate.institute_name("pt") == "Landscape Learning Institute"


def test_french_writes_the_first_day_of_a_month_as_1er(learner, demo_course, tmp_path):
    certificate = services.certificate_issue(
        learner=learner, course=demo_course, language="fr", completed_on=datetime.date(2026, 12, 1)
    )
    text = " ".join(pdf_text(services.certificate_render_pdf(certificate, "fr"), tmp_path).split())
    assert "1er décembre 2026" in text
    certificate.completed_on = datetime.date(2026, 12, 2)
    assert "2 décembre 2026" in " ".join(pdf_text(services.certificate_render_pdf(certificate, "fr"), tmp_path).split())


def test_an_arabic_name_extracts_as_it_is_written(learner, demo_course, tmp_path):
    """The text layer is what copying and searching read: "الله" (one ligature glyph in Noto Naskh) stays "الله"."""
    learner.display_name = "عبد الله بن علي"
    certificate = services.certificate_issue(learner=learner, course=demo_course, language="en")
    assert "عبد الله بن علي" in pdf_text(services.certificate_render_pdf(certificate, "en"), tmp_path)


@pytest.mark.parametrize("language", ["en", "fr", "es", "pt", "sw", "id"])
def test_the_verification_address_keeps_its_preposition_on_its_line(learner, demo_course, tmp_path, language):
    certificate = services.certificate_issue(learner=learner, course=demo_course, language=language)
    path = tmp_path / "certificate.pdf"
    path.write_bytes(services.certificate_render_pdf(certificate, language))
    raw = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    address = services.certificate_html(certificate, language).split('<div class="address">')[1].split("</div>")[0]
    preposition = address.split()[0]
    line = next(line for line in raw.splitlines() if "/verify" in line)
    assert line.strip().startswith(preposition), (line, address)


def test_a_name_no_installed_font_can_print_is_refused_at_sign_up_with_a_clear_message(db):
    form = SignUpForm(
        data={
            "email": "kai@example.org",
            "display_name": "Kai \ue000",  # a private-use character: no font holds it, so it would print as a box
            "preferred_language": "fr",
            "password1": "pw-kai-2045-long",
            "password2": "pw-kai-2045-long",
        }
    )
    with translation.override("fr"):
        assert not form.is_valid()
        assert "\ue000" in form.errors["display_name"][0] and "certificat" in form.errors["display_name"][0]
    assert unprintable_characters("فاطمة الزهراء · Nguyễn Thị · Łukasz · Ана") == []
