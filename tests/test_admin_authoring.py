"""An editor in the Wagtail admin: the page tree per language, and every page type and snippet editable."""

import pytest
from wagtail.models import Page

from curriculum.i18n import shipped_language_codes
from curriculum.models import (
    CourseIndexPage,
    CoursePage,
    HomePage,
    ILMElement,
    Institute,
    InstituteSectionPage,
    LessonPage,
    ModulePage,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_admin_requires_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_page_explorer_shows_each_languages_tree(editor_client):
    for language, title in (("en", "Courses"), ("fr", "Formations"), ("es", "Cursos")):
        catalogue = CourseIndexPage.objects.get(locale__language_code=language)
        response = editor_client.get(f"/admin/pages/{catalogue.get_parent().pk}/")
        assert response.status_code == 200
        assert title in response.content.decode()
    french_section = InstituteSectionPage.objects.get(locale__language_code="fr", slug="landscape-learning-institute")
    page = editor_client.get(f"/admin/pages/{french_section.pk}/").content.decode()
    assert "Gestion intégrée des paysages : les cinq éléments" in page


@pytest.mark.parametrize("model", [HomePage, CourseIndexPage, CoursePage, ModulePage, LessonPage])
def test_every_page_type_opens_in_the_editor_in_every_language(editor_client, model):
    for page in model.objects.filter(alias_of__isnull=True).order_by("path")[:4]:
        response = editor_client.get(f"/admin/pages/{page.pk}/edit/")
        assert response.status_code == 200, (model, page.locale.language_code)


@pytest.mark.parametrize(
    ("parent_model", "child"),
    [(InstituteSectionPage, "coursepage"), (CoursePage, "modulepage"), (ModulePage, "lessonpage")],
)
def test_editor_can_start_a_course_a_module_and_a_lesson(editor_client, parent_model, child):
    parent = parent_model.objects.filter(locale__language_code="en").first()
    response = editor_client.get(f"/admin/pages/add/curriculum/{child}/{parent.pk}/")
    assert response.status_code == 200


def test_admin_refuses_a_lesson_directly_under_a_course(editor_client, demo_course):
    response = editor_client.get(f"/admin/pages/add/curriculum/lessonpage/{demo_course.pk}/", follow=True)
    assert response.redirect_chain, "the add form is not shown"
    messages = [str(message) for message in response.context["messages"]]
    assert any("do not have permission" in message for message in messages), messages


def test_module_editor_offers_the_five_elements_once(editor_client):
    module = ModulePage.objects.filter(locale__language_code="en").first()
    page = editor_client.get(f"/admin/pages/{module.pk}/edit/").content.decode()
    assert page.count('name="elements"') == 5


@pytest.mark.parametrize("model", [ILMElement, Institute])
def test_snippets_are_listed_and_editable(editor_client, model):
    listing = editor_client.get(f"/admin/snippets/curriculum/{model._meta.model_name}/")
    assert listing.status_code == 200
    item = model.objects.filter(locale__language_code="fr").first()
    response = editor_client.get(f"/admin/snippets/curriculum/{model._meta.model_name}/edit/{item.pk}/")
    assert response.status_code == 200


def test_pages_in_every_locale_share_one_site_root():
    homes = HomePage.objects.all()
    assert {home.locale.language_code for home in homes} == set(shipped_language_codes())
    assert {home.depth for home in homes} == {2}
    assert not Page.objects.filter(depth=2, content_type__model="page").exists(), "Wagtail's welcome page is gone"


def test_admin_home_shows_each_institutes_courses_with_learner_figures(editor_client, demo_course, learner):
    from lms.progress import services as progress
    from tests.helpers import lesson_in

    progress.item_complete(learner=learner, item=lesson_in("en", 1, 1))
    page = editor_client.get("/admin/").content.decode()
    assert "Courses and learners" in page and "Landscape Learning Institute" in page
    row = page.split(demo_course.title, 1)[1].split("</tr>")[0]
    assert [cell.strip() for cell in row.split("<td>")[1:3]] == ["1</td>", "0</td>"]


def test_an_institute_that_owns_courses_cannot_be_deleted(editor_client):
    institute = Institute.objects.get(locale__language_code="en", slug="landscape-learning-institute")
    url = f"/admin/snippets/curriculum/institute/delete/{institute.pk}/"
    explained = editor_client.get(url).content.decode()
    assert "prevent it from being deleted" in explained
    editor_client.post(url)
    assert Institute.objects.filter(pk=institute.pk).exists()
