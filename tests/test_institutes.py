"""Training institutes: each works on its own courses, images, documents, snippets, reports and certificates, in every
language's tree, and gets a permission error for another institute's."""

import io

import polib
import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management import call_command
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import GroupPagePermission, Page, WorkflowPage, WorkflowState

from curriculum.i18n import shipped_language_codes
from curriculum.models import CoursePage, Institute, InstituteSectionPage, LessonPage
from lms.certificates.models import Certificate
from lms.certificates.services import certificate_issue
from tests.helpers import FIRST_INSTITUTE, SECOND_INSTITUTE

pytestmark = pytest.mark.django_db
LANGUAGES = shipped_language_codes()


def refused(response) -> bool:
    """A permission error: Wagtail's admin answers with a redirect to its home page and a message; our views 403."""
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/admin/")


def institute(slug: str) -> Institute:
    return Institute.objects.get(slug=slug, locale__language_code="en")


def course_of_institute(slug: str, language: str = "en") -> CoursePage:
    return CoursePage.objects.get(institute__slug=slug, locale__language_code=language)


@pytest.fixture
def editor_a(client, institute_member):
    client.force_login(institute_member("editors", FIRST_INSTITUTE))
    return client


# -- setting an institute up ------------------------------------------------------------------------------------------


def test_create_institute_makes_the_workspace_and_a_second_run_changes_nothing():
    out = io.StringIO()
    call_command("create_institute", "Miombo Learning Hub", "--slug", "miombo", stdout=out)
    made = Institute.objects.get(slug="miombo", locale__language_code="en")
    assert {group.name for group in made.groups()} == {
        "Miombo Learning Hub editors",
        "Miombo Learning Hub moderators",
        "Miombo Learning Hub facilitators",
    }
    assert made.collection.name == "Miombo Learning Hub"
    sections = InstituteSectionPage.objects.filter(institute=made)
    assert sorted(sections.values_list("locale__language_code", flat=True)) == sorted(LANGUAGES)
    for section in sections:
        assert GroupPagePermission.objects.filter(page=section, group=made.editors).count() == 2
        assert WorkflowPage.objects.get(page=section).workflow == made.workflow
    assert "/courses/miombo/" in out.getvalue()

    counts = [Group.objects.count(), Page.objects.count(), GroupPagePermission.objects.count()]
    again = io.StringIO()
    call_command("create_institute", "Miombo Learning Hub", "--slug", "miombo", stdout=again)
    assert "nothing changed" in again.getvalue()
    assert [Group.objects.count(), Page.objects.count(), GroupPagePermission.objects.count()] == counts


def test_create_institute_refuses_a_bad_slug_with_a_clear_message():
    with pytest.raises(Exception, match="slug"):
        call_command("create_institute", "Bad", "--slug", "not a slug!")
    assert not Institute.objects.filter(name="Bad").exists()


def test_an_institute_added_in_the_admin_gets_its_workspace(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/admin/snippets/curriculum/institute/add/?locale=en",
        {"name": "Andes Páramo School", "slug": "andes-paramo", "brand_colour": "#1f4e79", "locale": "en"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    made = Institute.objects.get(slug="andes-paramo")
    assert made.editors and made.moderators and made.facilitators and made.collection and made.workflow
    assert InstituteSectionPage.objects.filter(institute=made).count() == len(LANGUAGES)


def test_a_translated_section_keeps_the_permissions_of_its_institute():
    """A section that appears in a language later (here: the alias turned into a translation) is secured at once."""
    sahel = institute(SECOND_INSTITUTE)
    alias = InstituteSectionPage.objects.get(institute=sahel, locale__language_code="pt")
    assert alias.alias_of_id
    source = alias.alias_of.specific
    alias.delete()
    translation = source.copy_for_translation(alias.locale)
    assert GroupPagePermission.objects.filter(page=translation, group=sahel.editors).exists()
    assert WorkflowPage.objects.get(page=translation).workflow == sahel.workflow


def test_a_course_belongs_to_the_institute_of_its_section():
    assert course_of_institute(FIRST_INSTITUTE).institute == institute(FIRST_INSTITUTE)
    french_course = course_of_institute(SECOND_INSTITUTE, "fr")
    assert french_course.institute.translation_key == institute(SECOND_INSTITUTE).translation_key


# -- pages ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_editor_edits_their_institutes_pages_and_not_anothers(editor_a, language):
    own = course_of_institute(FIRST_INSTITUTE, language)
    other = course_of_institute(SECOND_INSTITUTE, language)
    own_lesson = LessonPage.objects.descendant_of(own).first()
    other_lesson = LessonPage.objects.descendant_of(other).first()
    assert editor_a.get(f"/admin/pages/{own_lesson.pk}/edit/").status_code == 200
    assert refused(editor_a.get(f"/admin/pages/{other_lesson.pk}/edit/"))
    assert refused(editor_a.get(f"/admin/pages/{other.pk}/edit/"))
    assert refused(editor_a.get(f"/admin/pages/add/curriculum/modulepage/{other.pk}/"))
    assert refused(editor_a.get(f"/admin/pages/{other_lesson.pk}/delete/"))
    assert refused(editor_a.get(f"/admin/pages/{other_lesson.pk}/move/"))
    section = other.get_parent()
    assert refused(editor_a.get(f"/admin/pages/add/curriculum/coursepage/{section.pk}/"))


def test_an_editor_cannot_publish_and_a_moderator_can():
    lesson = LessonPage.objects.descendant_of(course_of_institute(FIRST_INSTITUTE, "fr")).first()
    a = institute(FIRST_INSTITUTE)
    editor = a.editors.user_set.model.objects.create_user("e@example.org", "e@example.org", "x")
    editor.groups.add(a.editors)
    moderator = editor.__class__.objects.create_user("m@example.org", "m@example.org", "x")
    moderator.groups.add(a.moderators)
    assert lesson.permissions_for_user(editor).can_edit()
    assert not lesson.permissions_for_user(editor).can_publish()
    assert lesson.permissions_for_user(moderator).can_publish()
    assert lesson.get_workflow() == a.workflow


def test_a_change_needs_the_approval_of_the_institutes_own_moderator(client, institute_member):
    lesson = LessonPage.objects.descendant_of(course_of_institute(FIRST_INSTITUTE, "fr")).first().specific
    editor = institute_member("editors", FIRST_INSTITUTE)
    lesson.title = "Une leçon revue"
    revision = lesson.save_revision(user=editor)
    state = lesson.get_workflow().start(lesson, editor)
    assert Page.objects.get(pk=lesson.pk).title != "Une leçon revue", "submitted, not published"
    task_state = state.current_task_state
    url = f"/admin/pages/workflow/action/{lesson.pk}/approve/{task_state.pk}/"

    client.force_login(institute_member("moderators", SECOND_INSTITUTE))
    assert refused(client.post(url, {"comment": ""}))
    client.force_login(editor)
    assert refused(client.post(url, {"comment": ""}))
    assert Page.objects.get(pk=lesson.pk).title != "Une leçon revue"

    client.force_login(institute_member("moderators", FIRST_INSTITUTE))
    response = client.post(url, {"comment": "Bien."})
    assert response.status_code in (200, 302)
    lesson.refresh_from_db()
    assert lesson.title == "Une leçon revue" and lesson.live_revision_id == revision.pk
    assert WorkflowState.objects.get(pk=state.pk).status == WorkflowState.STATUS_APPROVED


# -- images, documents, snippets ------------------------------------------------------------------------------------


def _image_in(slug: str, uploaded_by=None):
    return get_image_model().objects.create(
        title=f"Field photo of {slug}",
        file=get_test_image_file(),
        collection=institute(slug).collection,
        uploaded_by_user=uploaded_by,
    )


def _document_in(slug: str, uploaded_by=None):
    document = get_document_model()(
        title=f"Agreement template of {slug}", collection=institute(slug).collection, uploaded_by_user=uploaded_by
    )
    document.file.save("agreement.txt", ContentFile(b"A partnership agreement."), save=False)
    document.save()
    return document


def test_an_editor_uses_their_institutes_images_and_documents_only(client, institute_member):
    """Editors choose their collection's images and documents, and change the ones they uploaded."""
    editor = institute_member("editors", FIRST_INSTITUTE)
    editor_a = client
    editor_a.force_login(editor)
    own_image, other_image = _image_in(FIRST_INSTITUTE, uploaded_by=editor), _image_in(SECOND_INSTITUTE)
    own_document, other_document = _document_in(FIRST_INSTITUTE, uploaded_by=editor), _document_in(SECOND_INSTITUTE)
    assert editor_a.get(f"/admin/images/{own_image.pk}/").status_code == 200
    assert refused(editor_a.get(f"/admin/images/{other_image.pk}/"))
    assert refused(editor_a.get(f"/admin/images/{other_image.pk}/delete/"))
    assert editor_a.get(f"/admin/documents/edit/{own_document.pk}/").status_code == 200
    assert refused(editor_a.get(f"/admin/documents/edit/{other_document.pk}/"))

    images = editor_a.get("/admin/images/chooser/").content.decode()
    assert own_image.title in images and other_image.title not in images
    documents = editor_a.get("/admin/documents/chooser/").content.decode()
    assert own_document.title in documents and other_document.title not in documents
    chosen = editor_a.get(f"/admin/images/chooser/chosen/{other_image.pk}/")
    assert chosen.status_code in (403, 404) or refused(chosen), "a tampered chooser id"


def test_an_upload_into_another_institutes_collection_is_refused(editor_a):
    other_collection = institute(SECOND_INSTITUTE).collection
    response = editor_a.post(
        "/admin/images/add/",
        {"title": "Smuggled", "collection": other_collection.pk, "file": get_test_image_file()},
    )
    assert not get_image_model().objects.filter(title="Smuggled").exists()
    assert response.status_code in (200, 302, 403)


def test_a_moderator_edits_their_own_institute_snippet_only(client, institute_member):
    client.force_login(institute_member("moderators", FIRST_INSTITUTE))
    listing = client.get("/admin/snippets/curriculum/institute/").content.decode()
    assert "Landscape Learning Institute" in listing and "Sahel Restoration Centre" not in listing
    own, other = institute(FIRST_INSTITUTE), institute(SECOND_INSTITUTE)
    assert client.get(f"/admin/snippets/curriculum/institute/edit/{own.pk}/").status_code == 200
    branding = {
        "name": own.name,
        "slug": "renamed-by-a-moderator",
        "website": own.website,
        "contact_email": own.contact_email,
        "logo": own.logo_id,
        "brand_colour": "#1f4e79",
        "signatory_name": own.signatory_name,
        "signatory_title": own.signatory_title,
        "signature": own.signature_id,
    }
    saved = client.post(f"/admin/snippets/curriculum/institute/edit/{own.pk}/", branding)
    assert saved.status_code == 302
    own.refresh_from_db()
    assert own.brand_colour == "#1f4e79" and own.slug == FIRST_INSTITUTE, "the slug is for administrators"
    for language in LANGUAGES:
        for version in Institute.objects.filter(translation_key=other.translation_key, locale__language_code=language):
            assert refused(client.get(f"/admin/snippets/curriculum/institute/edit/{version.pk}/"))
            assert refused(client.get(f"/admin/snippets/curriculum/institute/history/{version.pk}/"))
    assert refused(client.get(f"/admin/localize/submit/snippet/curriculum/institute/{other.pk}/"))
    assert refused(client.get("/admin/snippets/curriculum/ilmelement/"))


def test_an_editor_cannot_change_any_institute_or_move_a_section_to_another(editor_a):
    assert refused(editor_a.get(f"/admin/snippets/curriculum/institute/edit/{institute(FIRST_INSTITUTE).pk}/"))
    section = InstituteSectionPage.objects.get(institute__slug=FIRST_INSTITUTE, locale__language_code="en")
    form = editor_a.get(f"/admin/pages/{section.pk}/edit/").content.decode()
    assert 'name="institute"' not in form, "only site administrators choose a section's institute"


# -- reports, certificates, translations -----------------------------------------------------------------------------


def test_reports_show_the_users_institute_only(editor_a):
    home = editor_a.get("/admin/").content.decode()
    assert "Integrated landscape management: the five elements" in home
    assert "Farmer-led restoration in a landscape partnership" not in home
    assert editor_a.get(f"/admin/institute-reports/{institute(FIRST_INSTITUTE).pk}/").status_code == 200
    assert refused(editor_a.get(f"/admin/institute-reports/{institute(SECOND_INSTITUTE).pk}/"))


def test_a_moderator_sees_and_revokes_only_their_institutes_certificates(client, institute_member, learner):
    own = certificate_issue(learner=learner, course=course_of_institute(FIRST_INSTITUTE))
    other = certificate_issue(learner=learner, course=course_of_institute(SECOND_INSTITUTE))
    client.force_login(institute_member("moderators", SECOND_INSTITUTE))
    listing = client.get("/admin/issued_certificates/").content.decode()
    assert other.code in listing and own.code not in listing
    assert refused(client.get(f"/admin/issued_certificates/edit/{own.pk}/"))
    tampered = {"revoke": "on", "revocation_reason": "x"}
    assert refused(client.post(f"/admin/issued_certificates/edit/{own.pk}/", tampered))
    assert Certificate.objects.get(pk=own.pk).revoked_at is None
    client.post(
        f"/admin/issued_certificates/edit/{other.pk}/", {"revoke": "on", "revocation_reason": "Issued by mistake."}
    )
    assert Certificate.objects.get(pk=other.pk).revoked_at is not None


def test_another_institutes_course_translations_are_out_of_reach(editor_a):
    other = course_of_institute(SECOND_INSTITUTE)
    assert "Farmer-led" not in editor_a.get("/admin/course-translations/").content.decode()
    assert refused(editor_a.get(f"/admin/course-translations/{other.pk}/"))
    assert refused(editor_a.post(f"/admin/course-translations/{other.pk}/pt/po/"))
    own = course_of_institute(FIRST_INSTITUTE)
    assert editor_a.get(f"/admin/course-translations/{own.pk}/pt/po/").status_code == 405, "export is a POST"
    assert refused(editor_a.get(f"/admin/localize/submit/page/{other.pk}/"))
    assert editor_a.get("/admin/localize/reports/translations/")["Location"] == "/admin/course-translations/"


# -- translation with PO files ----------------------------------------------------------------------------------------


def test_a_course_goes_out_as_one_po_file_and_comes_back_translated(client, institute_member):
    course = course_of_institute(SECOND_INSTITUTE)
    client.force_login(institute_member("editors", SECOND_INSTITUTE))
    page = client.get(f"/admin/course-translations/{course.pk}/").content.decode()
    assert "Translated in the editor" in page, "the French pages were written in the page editor"

    exported = client.post(f"/admin/course-translations/{course.pk}/pt/po/")
    assert exported["Content-Disposition"] == 'attachment; filename="farmer-led-restoration.pt.po"'
    po = polib.pofile(exported.content.decode())
    assert po.metadata["Language"] == "pt" and len(po) > 50
    lesson_title = next(entry for entry in po if entry.msgid == "Sharing costs and benefits")
    lesson_title.msgstr = "Partilhar custos e benefícios"
    for entry in po:
        if entry.msgctxt.endswith(":title") and not entry.msgstr:
            entry.msgstr = f"PT {entry.msgid}"

    to_french = io.BytesIO(str(po).encode())
    to_french.name = "farmer-led-restoration.pt.po"
    wrong = client.post(f"/admin/course-translations/{course.pk}/fr/po/import/", {"po_file": to_french}, follow=True)
    assert "This PO file is for the language “pt”, not “fr”." in wrong.content.decode()

    upload = io.BytesIO(str(po).encode())
    upload.name = "farmer-led-restoration.pt.po"
    response = client.post(f"/admin/course-translations/{course.pk}/pt/po/import/", {"po_file": upload}, follow=True)
    assert "translated strings imported" in response.content.decode()
    assert "5 of 5" not in response.content.decode()

    source_lesson = LessonPage.objects.get(title="Sharing costs and benefits", locale__language_code="en")
    portuguese = LessonPage.objects.get(translation_key=source_lesson.translation_key, locale__language_code="pt")
    assert portuguese.title == "Sharing costs and benefits", "imported strings wait for a moderator"
    assert refused(client.post(f"/admin/course-translations/{course.pk}/pt/publish/"))

    client.force_login(institute_member("moderators", SECOND_INSTITUTE))
    client.post(f"/admin/course-translations/{course.pk}/pt/publish/")
    portuguese = LessonPage.objects.get(pk=portuguese.pk)
    assert portuguese.title == "Partilhar custos e benefícios" and portuguese.live and portuguese.alias_of_id is None
    assert client.get(portuguese.url).status_code == 200


def test_a_changed_source_shows_the_translation_out_of_date_until_synced(client, institute_member):
    course = course_of_institute(SECOND_INSTITUTE)
    client.force_login(institute_member("moderators", SECOND_INSTITUTE))
    client.post(f"/admin/course-translations/{course.pk}/pt/po/")  # starts the Portuguese translation
    assert "Up to date" in client.get(f"/admin/course-translations/{course.pk}/").content.decode()

    lesson = LessonPage.objects.get(title="Tracking progress simply", locale__language_code="en")
    lesson.title = "Tracking progress, simply"
    lesson.save_revision().publish()
    page = client.get(f"/admin/course-translations/{course.pk}/").content.decode()
    assert "1 page changed since" in page and "Source changed since" in page

    client.post(f"/admin/course-translations/{course.pk}/update/")
    page = client.get(f"/admin/course-translations/{course.pk}/").content.decode()
    assert "changed since" not in page
    po = polib.pofile(client.post(f"/admin/course-translations/{course.pk}/pt/po/").content.decode())
    assert "Tracking progress, simply" in [entry.msgid for entry in po]


def test_a_po_file_from_another_course_is_refused_with_a_message(client, institute_member):
    own = course_of_institute(FIRST_INSTITUTE)
    client.force_login(institute_member("editors", FIRST_INSTITUTE))
    foreign = polib.POFile()
    foreign.metadata = {"Language": "pt", "X-Course-Key": "00000000-0000-0000-0000-000000000000"}
    upload = io.BytesIO(str(foreign).encode())
    upload.name = "other.po"
    response = client.post(f"/admin/course-translations/{own.pk}/pt/po/import/", {"po_file": upload}, follow=True)
    assert "exported from another course" in response.content.decode()
    not_po = io.BytesIO(b"\xff\xfe binary")
    not_po.name = "photo.jpg"
    response = client.post(f"/admin/course-translations/{own.pk}/pt/po/import/", {"po_file": not_po}, follow=True)
    assert "Choose a .po file" in response.content.decode()


def test_page_choosers_offer_another_institutes_published_pages_but_not_its_drafts(editor_a):
    other_course = course_of_institute(SECOND_INSTITUTE)
    draft = LessonPage(title="Draft lesson on grazing plans", slug="grazing-draft", body=[], live=False)
    LessonPage.objects.descendant_of(other_course).first().get_parent().add_child(instance=draft)
    own_draft = LessonPage(title="Draft lesson on boundaries", slug="boundaries-draft", body=[], live=False)
    LessonPage.objects.descendant_of(course_of_institute(FIRST_INSTITUTE)).first().get_parent().add_child(
        instance=own_draft
    )
    results = editor_a.get("/admin/choose-page/search/?q=draft+lesson").content.decode()
    assert "Draft lesson on boundaries" in results and "grazing plans" not in results
    linkable = editor_a.get("/admin/choose-page/search/?q=farmer").content.decode()
    assert "Farmer-led restoration in a landscape partnership" in linkable, "published pages can be linked to"


def test_a_moderator_starts_a_translation_in_the_admin_and_an_editor_works_on_its_strings(client, institute_member):
    """Starting one turns live aliases into pages: moderators only. Editors then translate strings, unpublished."""
    from wagtail.models import Locale

    course = course_of_institute(FIRST_INSTITUTE)
    portuguese = Locale.objects.get(language_code="pt")
    submit = {"locales": [portuguese.pk], "include_subtree": "on"}
    editor = institute_member("editors", FIRST_INSTITUTE)
    client.force_login(editor)
    assert refused(client.post(f"/admin/localize/submit/page/{course.pk}/", submit))
    assert CoursePage.objects.get(translation_key=course.translation_key, locale=portuguese).alias_of_id

    client.force_login(institute_member("moderators", FIRST_INSTITUTE))
    assert client.post(f"/admin/localize/submit/page/{course.pk}/", submit).status_code == 302
    translated = CoursePage.objects.get(translation_key=course.translation_key, locale=portuguese)
    assert translated.alias_of_id is None and translated.title == course.title, "English text until translated"
    assert LessonPage.objects.descendant_of(translated).count() == LessonPage.objects.descendant_of(course).count()

    client.force_login(editor)
    assert client.get(f"/admin/pages/{translated.pk}/edit/").status_code == 200, "the translation editor"
    assert "% translated" in client.get(f"/admin/course-translations/{course.pk}/").content.decode()


def test_another_institutes_snippet_translation_is_out_of_reach(client, institute_member):
    from wagtail.models import Locale
    from wagtail_localize.models import Translation, TranslationSource

    other = institute(SECOND_INSTITUTE)
    portuguese = Locale.objects.get(language_code="pt")
    other.copy_for_translation(portuguese).save()
    source, _created = TranslationSource.get_or_create_from_instance(other)
    translation = Translation.objects.create(source=source, target_locale=portuguese)
    client.force_login(institute_member("moderators", FIRST_INSTITUTE))
    assert refused(client.get(f"/admin/localize/translate/{translation.pk}/pofile/download/"))
    assert refused(client.post(f"/admin/localize/translate/{translation.pk}/disable/"))
    assert Translation.objects.get(pk=translation.pk).enabled
    client.force_login(institute_member("moderators", SECOND_INSTITUTE))
    assert client.get(f"/admin/localize/translate/{translation.pk}/pofile/download/").status_code == 200
