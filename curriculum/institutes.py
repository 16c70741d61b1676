"""An institute's workspace: what lets several training institutes author on one site without touching each other's
work.

`institute_setup` makes (or completes) an institute's workspace:
- three groups: editors (write and submit for review), moderators (approve, publish) and facilitators (print the
  facilitator edition of the institute's workbooks; no admin access);
- a collection for its images and documents, which only its editors and moderators can see, use and change;
- a review workflow whose one task the moderators approve;
- a section of the catalogue in every language's tree. Page permissions and the workflow are attached to the section,
  so they cover the courses below it. Wagtail keeps a separate tree per language: a section that appears in another
  language later (a translation, an alias made by wagtail-localize's synchronisation) gets them as it is created, by
  the post_save receiver at the end of this module.

Each step looks before it makes, so running the setup again changes nothing. What each role may do outside pages
(admin access, translation, certificates, ...) is project configuration: settings.INSTITUTE_ROLE_PERMISSIONS. Who
holds which role, and what that allows, is asked of curriculum.permissions.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from curriculum.models import CourseIndexPage, Institute, InstituteSectionPage
from curriculum.permissions import ROLES

# Page permissions granted on the institute's section (and so on every page below it).
SECTION_PERMISSIONS = {
    "editors": ["add_page", "change_page"],
    "moderators": ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}

# Permissions on the institute's collection: images and documents of other collections stay out of reach. Editors
# upload and choose, and change what they uploaded (Wagtail's "add"); moderators change and delete any, the logo and
# signature included (curriculum.admin_scope.InstituteMediaPolicy makes "delete" a permission of its own).
MEDIA_MODELS = (("wagtailimages", "image"), ("wagtaildocs", "document"))
COLLECTION_PERMISSIONS = {
    "editors": ["add", "choose"],
    "moderators": ["add", "change", "choose", "delete"],
}
MEDIA_ACTIONS = ("add", "change", "choose", "delete")


@dataclass
class SetupReport:
    made: list[str] = field(default_factory=list)

    def add(self, what: str):
        self.made.append(what)


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _group(institute: Institute, role: str, report: SetupReport) -> Group:
    group = getattr(institute, role)
    if group is None:
        group, created = Group.objects.get_or_create(name=f"{institute.name} {role}")
        if created:
            report.add(f"group {group.name}")
        setattr(institute, role, group)
    for dotted in settings.INSTITUTE_ROLE_PERMISSIONS.get(role, []):
        app_label, codename = dotted.split(".")
        group.permissions.add(_permission(app_label, codename))
    return group


def _collection(institute: Institute, report: SetupReport) -> Collection:
    if institute.collection is None:
        root = Collection.get_first_root_node()
        collection = root.get_children().filter(name=institute.name).first()
        if collection is None:
            collection = root.add_child(name=institute.name)
            report.add(f"collection {collection.name}")
        institute.collection = collection
    for role, actions in COLLECTION_PERMISSIONS.items():
        _grant_exactly(getattr(institute, role), institute.collection, actions, report)
    return institute.collection


def _grant_exactly(group: Group, collection: Collection, actions: list[str], report: SetupReport) -> None:
    """The group's image and document permissions on the collection become `actions`: missing ones are added, others
    (granted by an earlier version of this setup) taken away."""
    wanted = {_permission(app_label, f"{action}_{model}") for app_label, model in MEDIA_MODELS for action in actions}
    media = Q()
    for app_label, model in MEDIA_MODELS:
        media |= Q(
            permission__content_type__app_label=app_label,
            permission__codename__in=[f"{action}_{model}" for action in MEDIA_ACTIONS],
        )
    granted = GroupCollectionPermission.objects.filter(media, group=group, collection=collection)
    removed, _by_model = granted.exclude(permission__in=wanted).delete()
    have = set(granted.values_list("permission_id", flat=True))
    missing = [permission for permission in wanted if permission.pk not in have]
    GroupCollectionPermission.objects.bulk_create(
        GroupCollectionPermission(group=group, collection=collection, permission=permission) for permission in missing
    )
    if removed or missing:
        report.add(f"permissions of {group.name} on the collection {collection.name}: {', '.join(actions)}")


def _workflow(institute: Institute, report: SetupReport) -> Workflow:
    if institute.workflow is None:
        workflow, created = Workflow.objects.get_or_create(name=f"{institute.name}: review")
        if created:
            task = GroupApprovalTask.objects.create(name=f"{institute.name}: moderator approval")
            task.groups.set([institute.moderators])
            WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
            report.add(f"workflow {workflow.name}")
        institute.workflow = workflow
    return institute.workflow


def section_secure(section: InstituteSectionPage) -> None:
    """Give the section's institute its permissions and review workflow on this one page (one language's tree)."""
    institute = section.institute
    page_type = ContentType.objects.get_for_model(Page)
    for role, codenames in SECTION_PERMISSIONS.items():
        group = getattr(institute, role)
        if group is None:
            continue
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(
                group=group,
                page=section,
                permission=Permission.objects.get(content_type=page_type, codename=codename),
            )
    if institute.workflow_id:
        WorkflowPage.objects.update_or_create(page=section, defaults={"workflow_id": institute.workflow_id})


def _sections(institute: Institute, report: SetupReport) -> list[InstituteSectionPage]:
    """The institute's section under the catalogue of every language that has one; the source language's first."""
    catalogues = {page.locale_id: page for page in CourseIndexPage.objects.order_by("path").select_related("locale")}
    source_catalogue = catalogues.get(Locale.get_default().pk)
    if source_catalogue is None:
        raise Institute.DoesNotExist("There is no course catalogue in the default language to put the section under.")
    section = InstituteSectionPage.objects.descendant_of(source_catalogue).filter(institute=institute).first()
    if section is None:
        section = InstituteSectionPage(title=institute.name, slug=institute.slug, institute=institute)
        source_catalogue.add_child(instance=section)
        section.save_revision().publish()
        report.add(f"section {section.url_path}")
    sections = [section]
    for locale_id, catalogue in catalogues.items():
        if locale_id == section.locale_id:
            continue
        existing = InstituteSectionPage.objects.filter(translation_key=section.translation_key, locale_id=locale_id)
        if not existing.exists():
            # Shown in the source language until translated, like every untranslated page (an alias).
            alias = section.copy_for_translation(catalogue.locale, alias=True)
            report.add(f"section {alias.url_path}")
        sections.append(InstituteSectionPage.objects.get(translation_key=section.translation_key, locale_id=locale_id))
    return sections


@transaction.atomic
def institute_setup(*, name: str, slug: str, **fields) -> tuple[Institute, SetupReport]:
    """Make the institute and its workspace, or complete what is missing. `fields` are other Institute fields
    (website, contact_email, brand_colour, signatory_name, ...), used only when the institute is new."""
    report = SetupReport()
    default_locale = Locale.get_default()
    institute = Institute.objects.filter(slug=slug, locale=default_locale).first()
    if institute is None:
        institute = Institute(name=name, slug=slug, locale=default_locale, **fields)
        institute.full_clean()
        institute.save()
        report.add(f"institute {institute.name}")
    return institute_workspace(institute, report), report


def institute_workspace(institute: Institute, report: SetupReport | None = None) -> Institute:
    """Complete the workspace of an existing institute (one made in the admin, say)."""
    report = report or SetupReport()
    for role in ROLES:
        _group(institute, role, report)
    _collection(institute, report)
    _workflow(institute, report)
    workspace = {name: getattr(institute, name) for name in (*ROLES, "collection", "workflow")}
    # Every translation of the institute shares the workspace.
    Institute.objects.filter(translation_key=institute.translation_key).update(**workspace)
    for section in _sections(institute, report):
        section_secure(section)
    return institute


@receiver(post_save, sender=InstituteSectionPage, dispatch_uid="institute-section-secure")
def _secure_new_section(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        section_secure(instance)
