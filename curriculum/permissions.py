"""Who may do what: every rule of the site about institute staff, in one place (as terraso-backend's
permission_rules.py).

Each rule is a small function named for the question it answers (`can_edit_page(user, page)`,
`can_run_workshops(user, institute)`) or for the set it gives (`institutes_running_workshops(user)`). Views, hooks,
Wagtail permission policies and lms/ ask these rules and never look at groups themselves, so that a new rule (or a
changed one) is written once and tested once, in tests/test_permissions.py.

An institute's staff hold roles through its three groups (see curriculum.institutes for how they are made):
- editors write and submit pages for review; moderators also publish, approve and change the institute itself;
- facilitators have no admin access: they print the facilitator edition of the institute's workbooks and run its
  workshops;
- site administrators (superusers) may do everything, in every institute.
What a role may do on pages, images and documents is in Wagtail's permission tables (granted by
curriculum.institutes); the rules here read them through Wagtail (`permissions_for_user`, the permission policies).
"""

from django.conf import settings
from django.db.models import Q, QuerySet
from wagtail.models import Locale, Page, Workflow
from wagtail.permissions import policy_registry

from curriculum.models import CoursePage, Institute, ModulePage
from curriculum.selectors.tree import course_of

ROLES = ("editors", "moderators", "facilitators")  # every role of an institute's staff: its three groups
ADMIN_ROLES = ("editors", "moderators")  # the roles that work in the admin
WORKSHOP_ROLES = ROLES  # facilitators run workshops, and so may those who write and review the course

# -- membership -------------------------------------------------------------------------------------------------------


def _group_ids(user) -> frozenset[int]:
    """The user's groups, read once per request (the header's "Workshops" link and a course page's facilitator
    edition both ask): the user object is the request's."""
    if not hasattr(user, "_group_ids"):
        user._group_ids = frozenset(user.groups.values_list("pk", flat=True))
    return user._group_ids


def institutes_of(user, roles=ROLES) -> QuerySet:
    """The institutes (default-language rows) where the user holds one of these roles; all of them for a site
    administrator, none for a visitor."""
    if not user.is_authenticated or not (user.is_superuser or _group_ids(user)):
        return Institute.objects.none()
    institutes = Institute.objects.filter(locale=Locale.get_default())
    if user.is_superuser:
        return institutes
    groups = list(_group_ids(user))
    member = Q()
    for role in roles:
        member |= Q(**{f"{role}__in": groups})
    return institutes.filter(member)


def institute_keys_of(user, roles=ROLES) -> set:
    """The translation keys of `institutes_of(user, roles)`: what records owned by an institute are matched on."""
    return set(institutes_of(user, roles).values_list("translation_key", flat=True))


def is_staff_of(user, institute: Institute, roles=ROLES) -> bool:
    """Does the user hold one of these roles in this institute (any translation of it: they share their groups)?
    Site administrators do, everywhere."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return any(getattr(institute, f"{role}_id") in _group_ids(user) for role in roles)


# -- pages and other objects in the admin -----------------------------------------------------------------------------


def explorable_pages(user) -> QuerySet:
    """The pages Wagtail lets the user explore: those they have a permission on, and the way down to them."""
    return policy_registry.get_by_type(Page).explorable_instances(user)


def can_explore_page(user, page_id: int) -> bool:
    """May the user open this page in the admin at all (its title, its place in the tree)?"""
    return user.is_superuser or explorable_pages(user).filter(pk=page_id).exists()


def can_edit_page(user, page: Page) -> bool:
    return page.permissions_for_user(user).can_edit()


def can_publish_page(user, page: Page) -> bool:
    return page.permissions_for_user(user).can_publish()


def can_change(user, instance) -> bool:
    """May the user change this page or snippet (an institute, ...)? Pages by their page permissions, other models by
    their registered permission policy (curriculum.admin_scope.InstituteScopedPolicy for institutes)."""
    if isinstance(instance, Page):
        return can_edit_page(user, instance)
    return policy_registry.get_by_type(type(instance)).user_has_permission_for_instance(user, "change", instance)


def can_start_page_translation(user, page: Page) -> bool:
    """Starting a translation turns the language's aliases into pages with whatever strings translation memory holds,
    and they are live (wagtail-localize writes the live row): so only those who may publish the page start one.
    Editors translate through the course's PO file and the translation editor; a moderator publishes."""
    return can_edit_page(user, page) and can_publish_page(user, page)


def can_update_translations(user, instance, *, publish: bool) -> bool:
    """May the user read the source's strings again into its translations (and, with `publish`, publish them)?"""
    if isinstance(instance, Page):
        return can_edit_page(user, instance) and (not publish or can_publish_page(user, instance))
    return can_change(user, instance)


def can_edit_workflows(user) -> bool:
    """The workflow editor (and its task chooser, which lists every institute's tasks) is for those who may add or
    change workflows: site administrators."""
    return policy_registry.get_by_type(Workflow).user_has_any_permission(user, ["add", "change"])


def can_see_page_types_report(user) -> bool:
    """How many pages of each type the site has, and the last edited of each, is the site's structure: for its
    administrators (an institute's staff would see the titles of other institutes' drafts)."""
    return user.is_superuser


# -- course translations ----------------------------------------------------------------------------------------------


def institute_keys_translated_by(user) -> set:
    """The institutes whose courses the user translates in Reports > Course translations: their editors and
    moderators (administrators: every institute)."""
    return institute_keys_of(user, ADMIN_ROLES)


def can_see_course_translations(user) -> bool:
    return bool(institute_keys_translated_by(user))


# -- reports ----------------------------------------------------------------------------------------------------------


def institutes_reported_to(user) -> QuerySet:
    """The institutes whose courses and learners' figures the user sees: their editors and moderators."""
    return institutes_of(user, ADMIN_ROLES)


def can_see_institute_report(user, institute: Institute) -> bool:
    return is_staff_of(user, institute, ADMIN_ROLES)


def sees_every_institute_in_programme_report(user) -> bool:
    """Site administrators and programme managers (settings.PROGRAMME_REPORT_PERMISSION, the "Programme managers"
    group) read the programme report across every institute."""
    return user.is_authenticated and user.is_active and user.has_perm(settings.PROGRAMME_REPORT_PERMISSION)


def institutes_in_programme_report(user) -> QuerySet:
    """The institutes whose figures the programme report shows the user: every one for site administrators and
    programme managers, their own for an institute's editors and moderators, none for anyone else (facilitators and
    learners have no admin access)."""
    if sees_every_institute_in_programme_report(user):
        return Institute.objects.filter(locale=Locale.get_default())
    return institutes_reported_to(user)


def can_see_programme_report(user) -> bool:
    return sees_every_institute_in_programme_report(user) or institutes_reported_to(user).exists()


# -- workbooks and workshops ------------------------------------------------------------------------------------------


def can_print_facilitator_edition(user, page: CoursePage | ModulePage) -> bool:
    """The facilitator edition of a course's (or module's) workbook, with notes and answer keys, is for the staff of
    the institute that owns the course: its facilitators, editors and moderators, and site administrators."""
    course = page if isinstance(page, CoursePage) else course_of(page)
    return course.institute is not None and is_staff_of(user, course.institute, WORKSHOP_ROLES)


def institutes_running_workshops(user) -> QuerySet:
    """The institutes in whose name the user runs workshops: where they are a facilitator, an editor or a moderator
    (every institute for site administrators)."""
    return institutes_of(user, WORKSHOP_ROLES)


def can_run_workshops(user, institute: Institute) -> bool:
    """May the user run workshops of this institute's courses (plan sessions, list participants, record answers)?"""
    return is_staff_of(user, institute, WORKSHOP_ROLES)
