"""What one institute's staff read in Wagtail's own admin views (reports, logs, the explorer, choosers, bulk actions,
the admin API) holds nothing of another institute: no titles of its drafts, images or documents, no names of its
learners, no emails of its staff. What they may use and delete of their own collection; what visitors see of a
password-protected course."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db.models import Q
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import GroupCollectionPermission, Page, PageViewRestriction
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from curriculum.models import Institute, InstituteSectionPage, LessonPage
from tests.helpers import FIRST_INSTITUTE, SECOND_INSTITUTE
from tests.institute_scene import SLUGS, Scene, other

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(db):
    return Scene.make()


def refused(response) -> bool:
    """Wagtail's admin answers a permission error with a redirect to its home page and a message; ours with 403."""
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/admin/")


def body(response) -> str:
    if not hasattr(response, "read_text"):  # a streamed export can be read once
        content = b"".join(response.streaming_content) if response.streaming else response.content
        response.read_text = content.decode()
    return response.read_text


def not_found(client, url) -> bool:
    # Followed: a 404 outside the language prefix may first redirect into it.
    return client.get(url, follow=True).status_code == 404


def logged_in(client, user):
    client.force_login(user)
    return client


def assert_nothing_of_the_other(scene, slug, response):
    leaked = scene.leaked(slug, body(response))
    assert not leaked, f"{response.request['PATH_INFO']} shows {leaked}"


# -- reports and logs ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_site_history_lists_only_the_moderators_institute(client, scene, slug):
    """The audit: another institute's certificates, learners' names and staff emails were in the site history."""
    own = scene[slug]
    logged_in(client, own.moderator)
    for url in ("/admin/reports/site-history/", "/admin/reports/site-history/results/"):
        response = client.get(url)
        assert response.status_code == 200
        assert_nothing_of_the_other(scene, slug, response)
        page = body(response)
        assert own.certificate.code in page and own.learner.display_name in page, "their own certificates' history"
        assert own.draft.title in page, "their own pages' history"
    export = client.get("/admin/reports/site-history/?export=csv")
    assert_nothing_of_the_other(scene, slug, export)
    assert own.certificate.code in body(export)


def test_site_history_of_an_editor_leaves_other_institutes_staff_out_of_its_filters(client, scene):
    own = scene[FIRST_INSTITUTE]
    response = logged_in(client, own.editor).get("/admin/reports/site-history/")
    assert_nothing_of_the_other(scene, FIRST_INSTITUTE, response)
    assert own.editor.email in body(response), "the user filter offers the people of their own entries"


REPORTS = [
    "/admin/reports/locked/",
    "/admin/reports/workflow/",
    "/admin/reports/workflow_tasks/",
    "/admin/reports/aging-pages/",
]


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("role", ["moderator", "editor"])
def test_every_report_leaves_other_institutes_out(client, scene, slug, role):
    own = scene[slug]
    logged_in(client, getattr(own, role))
    for report in REPORTS:
        for url in (report, report + "results/", report + "?export=csv"):
            response = client.get(url)
            if role == "editor" and report == "/admin/reports/locked/":
                assert refused(response), "Wagtail's locked pages report is for those who may unlock"
                continue
            assert response.status_code == 200, url
            assert_nothing_of_the_other(scene, slug, response)
            page = body(response)
            for name in (scene[other(slug)].institute.workflow.name, scene[other(slug)].institute.name + ": moderator"):
                assert name not in page, f"{url} names another institute's workflow"
    if role == "moderator":
        assert own.locked.title in body(client.get("/admin/reports/locked/"))
        assert own.in_review.title in body(client.get("/admin/reports/workflow/"))
        assert own.in_review.title in body(client.get("/admin/reports/workflow_tasks/"))


def test_the_page_types_report_is_for_administrators(client, scene, admin_user):
    for role in ("moderator", "editor"):
        logged_in(client, getattr(scene[FIRST_INSTITUTE], role))
        assert refused(client.get("/admin/reports/page-types-usage/"))
        assert refused(client.get("/admin/reports/page-types-usage/results/"))
        assert "/admin/reports/page-types-usage/" not in body(client.get("/admin/"))
    logged_in(client, admin_user)
    assert client.get("/admin/reports/page-types-usage/").status_code == 200


@pytest.mark.parametrize("slug", SLUGS)
def test_object_histories_open_for_the_institutes_own_objects_only(client, scene, slug):
    own, theirs = scene[slug], scene[other(slug)]
    logged_in(client, own.moderator)
    for url_of in (
        lambda things: f"/admin/pages/{things.draft.pk}/history/",
        lambda things: f"/admin/snippets/curriculum/institute/history/{things.institute.pk}/",
        lambda things: f"/admin/issued_certificates/history/{things.certificate.pk}/",
    ):
        assert client.get(url_of(own)).status_code == 200
        assert refused(client.get(url_of(theirs)))


@pytest.mark.parametrize("slug", SLUGS)
def test_the_admin_home_counts_and_names_only_the_users_institute(client, scene, slug):
    own = scene[slug]
    response = logged_in(client, own.moderator).get("/admin/")
    assert_nothing_of_the_other(scene, slug, response)
    sections = InstituteSectionPage.objects.filter(institute__translation_key=own.institute.translation_key)
    theirs = Page.objects.filter(Q.create([("path__startswith", section.path) for section in sections], connector=Q.OR))
    assert f"{theirs.count()} Pages" in body(response), "the pages they work on, not the whole site's"


# -- the admin API -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_the_admin_api_lists_only_the_users_images_and_documents(client, scene, slug):
    own, theirs = scene[slug], scene[other(slug)]
    logged_in(client, own.editor)
    for kind, own_item, their_item in (
        ("images", own.image, theirs.image),
        ("documents", own.document, theirs.document),
    ):
        listing = client.get(f"/admin/api/main/{kind}/")
        assert listing.status_code == 200
        assert own_item.title in body(listing)
        assert_nothing_of_the_other(scene, slug, listing)
        assert client.get(f"/admin/api/main/{kind}/{own_item.pk}/").status_code == 200
        assert not_found(client, f"/admin/api/main/{kind}/{their_item.pk}/")
        assert not_found(client, f"/admin/api/main/{kind}/find/?id={their_item.pk}")


# -- pages: explorer, move, workflow views, choosers, bulk actions ----------------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_another_institutes_pages_are_refused_by_id_without_their_titles(client, scene, slug):
    own, theirs = scene[slug], scene[other(slug)]
    logged_in(client, own.editor)
    task = theirs.institute.workflow.tasks.first()
    task_state = theirs.in_review.current_workflow_task_state
    for url in (
        f"/admin/pages/{theirs.draft.pk}/",
        f"/admin/pages/{theirs.draft.pk}/results/",
        f"/admin/pages/{own.draft.pk}/move/{theirs.draft.pk}/confirm/",
        f"/admin/pages/{theirs.draft.pk}/move/{own.draft.pk}/confirm/",
        f"/admin/pages/workflow/confirm_cancellation/{theirs.in_review.pk}/",
        f"/admin/pages/workflow/action/{theirs.draft.pk}/approve/{task_state.pk}/",
        f"/admin/pages/workflow/collect_action_data/{theirs.draft.pk}/approve/{task_state.pk}/",
        f"/admin/pages/workflow/preview/{theirs.draft.pk}/{task.pk}/",
    ):
        response = client.get(url)
        assert refused(response), url
        assert_nothing_of_the_other(scene, slug, client.get(url, follow=True))
    assert own.draft.title in body(client.get(f"/admin/pages/{own.draft.get_parent().pk}/"))


@pytest.mark.parametrize("slug", SLUGS)
def test_page_listings_filter_only_by_the_institutes_own_people(client, scene, slug):
    own = scene[slug]
    logged_in(client, own.editor)
    for url in ("/admin/pages/", f"/admin/pages/{own.course.pk}/", "/admin/pages/usage/curriculum/lessonpage/"):
        response = client.get(url)
        assert response.status_code == 200
        assert_nothing_of_the_other(scene, slug, response)
    assert own.editor.email in body(client.get(f"/admin/pages/{own.course.pk}/")), "'Edited by' offers their own"


@pytest.mark.parametrize("slug", SLUGS)
def test_page_chooser_does_not_open_or_return_another_institutes_drafts(client, scene, slug):
    own, theirs = scene[slug], scene[other(slug)]
    logged_in(client, own.editor)
    assert not_found(client, f"/admin/choose-page/{theirs.draft.pk}/")
    module = theirs.draft.get_parent()
    assert client.get(f"/admin/choose-page/{module.pk}/").status_code == 200, "published pages can be linked to"
    chosen = client.get(f"/admin/choose-page/chosen-multiple/?id={theirs.draft.pk}&id={own.draft.pk}")
    assert own.draft.title in body(chosen)
    assert_nothing_of_the_other(scene, slug, chosen)


@pytest.mark.parametrize("slug", SLUGS)
def test_bulk_action_confirmations_name_nothing_of_another_institute(client, scene, slug):
    own, theirs = scene[slug], scene[other(slug)]
    logged_in(client, own.moderator)
    for url in (
        f"/admin/bulk/wagtailcore/page/delete/?id={theirs.draft.pk}",
        f"/admin/bulk/wagtailcore/page/publish/?id={theirs.draft.pk}&id={own.draft.pk}",
        f"/admin/bulk/wagtailcore/page/move/?id=all&childOf={theirs.draft.get_parent().pk}",
        f"/admin/bulk/wagtailimages/image/delete/?id={theirs.image.pk}",
        f"/admin/bulk/wagtailimages/image/add_tags/?id={theirs.image.pk}",
        f"/admin/bulk/wagtaildocs/document/delete/?id={theirs.document.pk}",
        f"/admin/bulk/wagtaildocs/document/add_to_collection/?id={theirs.document.pk}",
    ):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert_nothing_of_the_other(scene, slug, response)
    mixed = client.get(f"/admin/bulk/wagtailcore/page/publish/?id={theirs.draft.pk}&id={own.draft.pk}")
    assert own.draft.title in body(mixed)
    tampered = client.post(f"/admin/bulk/wagtailimages/image/delete/?id={theirs.image.pk}")
    assert tampered.status_code in (200, 302, 404)
    assert get_image_model().objects.filter(pk=theirs.image.pk).exists()


def test_the_workflow_task_chooser_is_for_those_who_edit_workflows(client, scene, admin_user):
    for role in ("moderator", "editor"):
        logged_in(client, getattr(scene[FIRST_INSTITUTE], role))
        for url in (
            "/admin/workflows/task_chooser/",
            "/admin/workflows/task_chooser/results/",
            "/admin/workflows/task_chooser/create/",
            f"/admin/workflows/task_chooser/{scene[SECOND_INSTITUTE].institute.workflow.tasks.first().pk}/",
        ):
            assert refused(client.get(url)), url
    logged_in(client, admin_user)
    tasks = body(client.get("/admin/workflows/task_chooser/"))
    assert all(f"{scene[slug].institute.name}: moderator approval" in tasks for slug in SLUGS)


# -- using images and documents ------------------------------------------------------------------------------------


def institute_form(institute: Institute, **changes) -> dict:
    data = {
        "name": institute.name,
        "website": institute.website,
        "contact_email": institute.contact_email,
        "logo": institute.logo_id or "",
        "brand_colour": institute.brand_colour,
        "signatory_name": institute.signatory_name,
        "signatory_title": institute.signatory_title,
        "signature": institute.signature_id or "",
    }
    return {**data, **changes}


@pytest.mark.parametrize("slug", SLUGS)
def test_an_institute_refuses_another_institutes_logo_and_signature(client, scene, slug, admin_user):
    own, theirs = scene[slug], scene[other(slug)]
    url = f"/admin/snippets/curriculum/institute/edit/{own.institute.pk}/"
    before = Institute.objects.get(pk=own.institute.pk)
    for user in (own.moderator, admin_user):
        logged_in(client, user)
        for field in ("logo", "signature"):
            response = client.post(url, institute_form(before, **{field: theirs.image.pk}))
            assert response.status_code == 200, "the form comes back with the error"
            assert "This image belongs to another institute" in body(response)
            saved = Institute.objects.get(pk=own.institute.pk)
            assert (saved.logo_id, saved.signature_id) == (before.logo_id, before.signature_id)
    logged_in(client, own.moderator)
    response = client.post(url, institute_form(before, signature=own.image.pk))
    assert response.status_code == 302
    assert Institute.objects.get(pk=own.institute.pk).signature_id == own.image.pk


def lesson_form(lesson: LessonPage, blocks) -> dict:
    return nested_form_data(
        {
            "title": lesson.title,
            "slug": lesson.slug,
            "summary": lesson.summary,
            "estimated_minutes": lesson.estimated_minutes,
            "body": streamfield(blocks),
            "comments": inline_formset([]),
        }
    )


def image_block(image):
    return ("image", {"image": image.pk, "alt_text": "A field", "caption": "", "credit": ""})


def document_block(document):
    return ("document", {"document": document.pk, "title": "", "description": ""})


@pytest.mark.parametrize("slug", SLUGS)
def test_lesson_blocks_refuse_another_institutes_images_and_documents(client, scene, slug):
    own, theirs = scene[slug], scene[other(slug)]
    logged_in(client, own.editor)
    url = f"/admin/pages/{own.draft.pk}/edit/"
    for blocks, message in (
        ([image_block(theirs.image)], "This image belongs to another institute"),
        ([document_block(theirs.document)], "This document belongs to another institute"),
    ):
        response = client.post(url, lesson_form(own.draft, blocks))
        assert response.status_code == 200
        assert message in body(response)
        assert not LessonPage.objects.get(pk=own.draft.pk).get_latest_revision_as_object().body
    chooser = client.get(f"/admin/images/chooser/chosen/{theirs.image.pk}/")
    assert chooser.status_code in (403, 404) or refused(chooser), "the chooser refuses it too"
    chooser = client.get(f"/admin/documents/chooser/chosen/{theirs.document.pk}/")
    assert chooser.status_code in (403, 404) or refused(chooser)

    response = client.post(url, lesson_form(own.draft, [image_block(own.image), document_block(own.document)]))
    assert response.status_code == 302, body(response)[:3000]
    saved = LessonPage.objects.get(pk=own.draft.pk).get_latest_revision_as_object()
    assert [block.block_type for block in saved.body] == ["image", "document"]


def test_a_course_cover_image_from_another_institute_is_refused(client, scene):
    own, theirs = scene[FIRST_INSTITUTE], scene[SECOND_INSTITUTE]
    course = own.course
    logged_in(client, own.moderator)
    form = nested_form_data(
        {
            "title": course.title,
            "slug": course.slug,
            "summary": course.summary,
            "cover_image": theirs.image.pk,
            "level": course.level,
            "estimated_hours": course.estimated_hours,
            "learning_outcomes": inline_formset(
                [{"id": outcome.pk, "text": outcome.text} for outcome in course.learning_outcomes.all()],
                initial=course.learning_outcomes.count(),
            ),
            "comments": inline_formset([]),
        }
    )
    response = client.post(f"/admin/pages/{course.pk}/edit/", form)
    assert response.status_code == 200
    assert "This image belongs to another institute" in body(response)


def test_an_image_the_user_may_not_choose_is_refused_unless_already_used(client, scene, admin_user):
    """An image outside every institute's collection (the root's): an editor may not pick it by id, but keeps it
    where an administrator put it."""
    own = scene[FIRST_INSTITUTE]
    shared = get_image_model().objects.create(title="Root collection photo", file=get_test_image_file())
    url = f"/admin/pages/{own.draft.pk}/edit/"
    logged_in(client, own.editor)
    response = client.post(url, lesson_form(own.draft, [image_block(shared)]))
    assert "You may not use this image" in body(response)
    logged_in(client, admin_user)
    assert client.post(url, lesson_form(own.draft, [image_block(shared)])).status_code == 302
    logged_in(client, own.editor)
    assert client.post(url, lesson_form(own.draft, [image_block(shared)])).status_code == 302


# -- deleting images and documents ---------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_only_moderators_delete_the_institutes_images_and_documents(client, scene, slug):
    own = scene[slug]
    editor_upload = get_image_model().objects.create(
        title="An editor's upload",
        file=get_test_image_file(),
        collection=own.institute.collection,
        uploaded_by_user=own.editor,
    )
    logged_in(client, own.editor)
    for url in (
        f"/admin/images/{own.image.pk}/delete/",
        f"/admin/images/{editor_upload.pk}/delete/",
        f"/admin/documents/delete/{own.document.pk}/",
    ):
        assert refused(client.get(url)), url
        assert refused(client.post(url)), url
    uploader = client.post(
        f"/admin/images/multiple/{editor_upload.pk}/delete/", headers={"x-requested-with": "XMLHttpRequest"}
    )
    assert uploader.status_code == 403, "nor from the upload page"
    assert get_image_model().objects.filter(pk__in=[own.image.pk, editor_upload.pk]).count() == 2
    assert get_document_model().objects.filter(pk=own.document.pk).exists()
    assert client.get(f"/admin/images/{editor_upload.pk}/").status_code == 200, "editors change their own uploads"
    assert client.get(f"/admin/images/{own.image.pk}/").status_code != 200, "and only those"
    assert client.get("/admin/images/chooser/").status_code == 200

    logged_in(client, own.moderator)
    assert client.post(f"/admin/images/{own.image.pk}/delete/").status_code == 302
    assert client.post(f"/admin/documents/delete/{own.document.pk}/").status_code == 302
    assert not get_image_model().objects.filter(pk=own.image.pk).exists()
    assert not get_document_model().objects.filter(pk=own.document.pk).exists()


def test_create_institute_again_brings_an_old_workspaces_collection_permissions_up_to_date():
    institute = Institute.objects.get(slug=FIRST_INSTITUTE, locale__language_code="en")
    for codename in ("change_image", "delete_image", "change_document", "delete_document"):
        GroupCollectionPermission.objects.get_or_create(
            group=institute.editors,
            collection=institute.collection,
            permission=Permission.objects.get(codename=codename),
        )

    def granted(group):
        return set(
            GroupCollectionPermission.objects.filter(group=group, collection=institute.collection).values_list(
                "permission__codename", flat=True
            )
        )

    out = io.StringIO()
    call_command("create_institute", institute.name, "--slug", FIRST_INSTITUTE, stdout=out)
    assert "permissions of" in out.getvalue()
    assert granted(institute.editors) == {"add_image", "choose_image", "add_document", "choose_document"}
    assert granted(institute.moderators) == {
        f"{action}_{model}" for action in ("add", "change", "choose", "delete") for model in ("image", "document")
    }
    again = io.StringIO()
    call_command("create_institute", institute.name, "--slug", FIRST_INSTITUTE, stdout=again)
    assert "nothing changed" in again.getvalue()


# -- a password-protected course in public listings ------------------------------------------------------------------


def test_a_password_protected_course_stays_out_of_listings_and_search_until_the_password_is_given(client, scene):
    course = scene[SECOND_INSTITUTE].course
    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.PASSWORD, password="sahel-2045"
    )
    section = course.get_parent()
    catalogue = section.get_parent()
    search = catalogue.url + "?q=restoration"
    for url in (section.url, catalogue.url, search):
        page = body(client.get(url))
        assert course.title not in page and course.summary[:60] not in page, url
    lesson = LessonPage.objects.live().descendant_of(course).first()
    assert lesson.title not in body(client.get(catalogue.url + "?q=" + lesson.title.split()[0]))

    unlock = reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, course.pk])
    client.post(unlock, {"password": "sahel-2045", "return_url": course.url})
    assert course.title in body(client.get(section.url)), "a visitor who gave the password sees it listed"
