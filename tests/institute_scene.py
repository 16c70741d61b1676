"""Two institutes with something of each in every place the admin shows: certificates with their learners' names,
staff who left their email in the logs, unpublished and locked pages, a page in review, images and documents.

Each institute's things carry its own marker (`Scene.markers(slug)`): a test logs in as one institute's staff and
checks that none of the other's markers is in a response. Reusable by any test that needs both institutes populated.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.log_actions import log
from wagtail.models import Page

from curriculum.models import CoursePage, Institute, LessonPage
from lms.certificates.models import Certificate
from lms.certificates.services import certificate_issue
from tests.helpers import FIRST_INSTITUTE, SECOND_INSTITUTE

SLUGS = (FIRST_INSTITUTE, SECOND_INSTITUTE)
TAGS = {FIRST_INSTITUTE: "Alder", SECOND_INSTITUTE: "Baobab"}  # unique words that name each institute's things


def other(slug: str) -> str:
    return SECOND_INSTITUTE if slug == FIRST_INSTITUTE else FIRST_INSTITUTE


@dataclass
class InstituteThings:
    institute: Institute
    course: CoursePage
    learner: object
    moderator: object
    editor: object
    certificate: Certificate
    draft: LessonPage
    locked: LessonPage
    in_review: LessonPage
    image: object
    document: object
    markers: list[str] = field(default_factory=list)


def _user(username: str, display_name: str, group=None):
    user = get_user_model().objects.create_user(username, username, "pw-scene-2045", display_name=display_name)
    if group is not None:
        user.groups.add(group)
    return user


def _lesson(course: CoursePage, title: str, *, live: bool, user=None) -> LessonPage:
    module = LessonPage.objects.descendant_of(course).first().get_parent()
    lesson = LessonPage(title=title, slug=title.lower().replace(" ", "-"), body=[], live=live)
    module.add_child(instance=lesson)
    lesson.save_revision(user=user, log_action=True)
    return lesson


def institute_things(slug: str) -> InstituteThings:
    tag = TAGS[slug]
    institute = Institute.objects.get(slug=slug, locale__language_code="en")
    course = CoursePage.objects.get(institute__slug=slug, locale__language_code="en")
    learner = _user(f"learner-{tag.lower()}@example.org", f"{tag} Learnername")
    moderator = _user(f"moderator-{tag.lower()}@staff.example.org", f"{tag} Moderatorname", institute.moderators)
    editor = _user(f"editor-{tag.lower()}@staff.example.org", f"{tag} Editorname", institute.editors)

    certificate = certificate_issue(learner=learner, course=course)
    # What the admin's edit view logs when a moderator revokes one: the certificate's label (with the learner's
    # name) and the moderator as the user.
    log(certificate, "wagtail.edit", user=moderator)
    log(institute, "wagtail.edit", user=moderator)

    draft = _lesson(course, f"{tag} unpublished draft", live=False, user=editor)
    locked = _lesson(course, f"{tag} locked lesson", live=True, user=editor)
    locked.locked, locked.locked_by, locked.locked_at = True, moderator, timezone.now()
    locked.save()
    in_review = _lesson(course, f"{tag} lesson in review", live=False, user=editor)
    institute.workflow.start(in_review, editor)

    image = get_image_model().objects.create(
        title=f"{tag} signature scan",
        file=get_test_image_file(filename=f"{tag.lower()}-signature.png"),
        collection=institute.collection,
        uploaded_by_user=moderator,
    )
    document = get_document_model()(
        title=f"{tag} partnership agreement", collection=institute.collection, uploaded_by_user=moderator
    )
    document.file.save(f"{tag.lower()}-agreement.txt", ContentFile(b"A partnership agreement."), save=False)
    document.save()
    log(image, "wagtail.create", user=moderator)
    log(document, "wagtail.create", user=moderator)

    markers = [
        f"{tag} Learnername",
        f"{tag} Moderatorname",
        f"{tag} Editorname",
        moderator.email,
        editor.email,
        learner.email,
        certificate.code,
        draft.title,
        locked.title,
        in_review.title,
        image.title,
        document.title,
        f"{tag.lower()}-signature",
        f"{tag.lower()}-agreement",
    ]
    return InstituteThings(
        institute=institute,
        course=course,
        learner=learner,
        moderator=moderator,
        editor=editor,
        certificate=certificate,
        draft=draft,
        locked=locked,
        in_review=in_review,
        image=image,
        document=document,
        markers=markers,
    )


class Scene(dict):
    """{slug: InstituteThings} for both demo institutes."""

    @classmethod
    def make(cls):
        return cls({slug: institute_things(slug) for slug in SLUGS})

    def leaked(self, slug: str, content: str) -> list[str]:
        """The markers of the institute other than `slug` found in `content`."""
        return [marker for marker in self[other(slug)].markers if marker in content]


def page_ids(scene: Scene, slug: str) -> dict[str, int]:
    things = scene[slug]
    return {
        "draft": things.draft.pk,
        "locked": things.locked.pk,
        "in_review": things.in_review.pk,
        "course": things.course.pk,
        "section": Page.objects.get(pk=things.course.pk).get_parent().pk,
    }
