"""The rules of curriculum.permissions, role by role: each kind of user, asked about their own institute's objects
and about the other institute's.

tests/test_role_matrix.py checks what each route answers; this checks the rules the routes ask, so that a rule a new
app needs (workshops) is right before any view uses it.
"""

from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from curriculum import permissions
from curriculum.models import CoursePage, Institute, ModulePage
from tests.helpers import FIRST_INSTITUTE, SECOND_INSTITUTE, make_institute_member

ROLES = ("anonymous", "learner", "facilitator", "editor", "moderator", "admin")


@dataclass
class Side:
    """One institute's things, in the source language."""

    institute: Institute
    course: CoursePage
    module: ModulePage


def side(slug: str) -> Side:
    course = CoursePage.objects.get(institute__slug=slug, locale__language_code="en")
    return Side(
        institute=Institute.objects.get(slug=slug, locale__language_code="en"),
        course=course,
        module=ModulePage.objects.child_of(course).first(),
    )


def _in(institutes, institute) -> bool:
    return institutes.filter(pk=institute.pk).exists()


# What each rule answers for each role, asked about the first institute's object ("own": the staff below are its
# staff) then about the second's ("other"): "+" yes, "-" no. Rules about no institute answer the same for both.
RULES = {
    "institutes_of": lambda user, s: _in(permissions.institutes_of(user), s.institute),
    "is_staff_of": lambda user, s: permissions.is_staff_of(user, s.institute),
    "is_staff_of, admin roles": lambda user, s: permissions.is_staff_of(user, s.institute, permissions.ADMIN_ROLES),
    "can_explore_page": lambda user, s: permissions.can_explore_page(user, s.course.pk),
    "explorable_pages": lambda user, s: _in(permissions.explorable_pages(user), s.course),
    "can_edit_page": lambda user, s: permissions.can_edit_page(user, s.course),
    "can_publish_page": lambda user, s: permissions.can_publish_page(user, s.course),
    "can_change (institute)": lambda user, s: permissions.can_change(user, s.institute),
    "can_change (page)": lambda user, s: permissions.can_change(user, s.module),
    "can_start_page_translation": lambda user, s: permissions.can_start_page_translation(user, s.course),
    "can_update_translations": lambda user, s: permissions.can_update_translations(user, s.course, publish=False),
    "can_update_translations, publishing": lambda user, s: permissions.can_update_translations(
        user, s.course, publish=True
    ),
    "can_update_translations (institute)": lambda user, s: permissions.can_update_translations(
        user, s.institute, publish=False
    ),
    "can_edit_workflows": lambda user, s: permissions.can_edit_workflows(user),
    "can_see_page_types_report": lambda user, s: permissions.can_see_page_types_report(user),
    "can_see_course_translations": lambda user, s: permissions.can_see_course_translations(user),
    "institute_keys_translated_by": lambda user, s: (
        s.institute.translation_key in permissions.institute_keys_translated_by(user)
    ),
    "institutes_reported_to": lambda user, s: _in(permissions.institutes_reported_to(user), s.institute),
    "can_see_institute_report": lambda user, s: permissions.can_see_institute_report(user, s.institute),
    "sees_every_institute_in_programme_report": lambda user, s: permissions.sees_every_institute_in_programme_report(
        user
    ),
    "institutes_in_programme_report": lambda user, s: _in(
        permissions.institutes_in_programme_report(user), s.institute
    ),
    "can_see_programme_report": lambda user, s: permissions.can_see_programme_report(user),
    "can_print_facilitator_edition (course)": lambda user, s: permissions.can_print_facilitator_edition(user, s.course),
    "can_print_facilitator_edition (module)": lambda user, s: permissions.can_print_facilitator_edition(user, s.module),
    "institutes_running_workshops": lambda user, s: _in(permissions.institutes_running_workshops(user), s.institute),
    "can_run_workshops": lambda user, s: permissions.can_run_workshops(user, s.institute),
}

EXPECTED = {
    #                                          anonymous learner facilitator editor moderator admin
    "institutes_of":                            ("--", "--", "+-", "+-", "+-", "++"),
    "is_staff_of":                              ("--", "--", "+-", "+-", "+-", "++"),
    "is_staff_of, admin roles":                 ("--", "--", "--", "+-", "+-", "++"),
    "can_explore_page":                         ("--", "--", "--", "+-", "+-", "++"),
    "explorable_pages":                         ("--", "--", "--", "+-", "+-", "++"),
    "can_edit_page":                            ("--", "--", "--", "+-", "+-", "++"),
    "can_publish_page":                         ("--", "--", "--", "--", "+-", "++"),
    "can_change (institute)":                   ("--", "--", "--", "--", "+-", "++"),
    "can_change (page)":                        ("--", "--", "--", "+-", "+-", "++"),
    "can_start_page_translation":               ("--", "--", "--", "--", "+-", "++"),
    "can_update_translations":                  ("--", "--", "--", "+-", "+-", "++"),
    "can_update_translations, publishing":      ("--", "--", "--", "--", "+-", "++"),
    "can_update_translations (institute)":      ("--", "--", "--", "--", "+-", "++"),
    "can_edit_workflows":                       ("--", "--", "--", "--", "--", "++"),
    "can_see_page_types_report":                ("--", "--", "--", "--", "--", "++"),
    "can_see_course_translations":              ("--", "--", "--", "++", "++", "++"),
    "institute_keys_translated_by":             ("--", "--", "--", "+-", "+-", "++"),
    "institutes_reported_to":                   ("--", "--", "--", "+-", "+-", "++"),
    "can_see_institute_report":                 ("--", "--", "--", "+-", "+-", "++"),
    "sees_every_institute_in_programme_report": ("--", "--", "--", "--", "--", "++"),
    "institutes_in_programme_report":           ("--", "--", "--", "+-", "+-", "++"),
    "can_see_programme_report":                 ("--", "--", "--", "++", "++", "++"),
    "can_print_facilitator_edition (course)":   ("--", "--", "+-", "+-", "+-", "++"),
    "can_print_facilitator_edition (module)":   ("--", "--", "+-", "+-", "+-", "++"),
    "institutes_running_workshops":             ("--", "--", "+-", "+-", "+-", "++"),
    "can_run_workshops":                        ("--", "--", "+-", "+-", "+-", "++"),
}  # fmt: skip


@pytest.fixture
def users(db):
    """One user of each kind; the staff are the first institute's."""
    User = get_user_model()
    return {
        "anonymous": AnonymousUser(),
        "learner": User.objects.create_user("learner@example.org", "learner@example.org", "pw-learner-2045"),
        "facilitator": make_institute_member("facilitators", FIRST_INSTITUTE),
        "editor": make_institute_member("editors", FIRST_INSTITUTE),
        "moderator": make_institute_member("moderators", FIRST_INSTITUTE),
        "admin": User.objects.create_superuser("root@example.org", "root@example.org", "pw-root-2045"),
    }


@pytest.fixture
def sides(db):
    return side(FIRST_INSTITUTE), side(SECOND_INSTITUTE)


def test_every_rule_has_its_row():
    assert set(RULES) == set(EXPECTED)
    public = {name for name in dir(permissions) if name[:1].islower() and callable(getattr(permissions, name))}
    rules = {name for name in public if getattr(permissions, name).__module__ == permissions.__name__}
    asked = {name.split(" ")[0].rstrip(",") for name in RULES} | {"institute_keys_of"}  # keys: as institutes_of
    assert rules <= asked, f"rules without a row in the table: {sorted(rules - asked)}"


@pytest.mark.parametrize("rule", RULES)
def test_rule_by_role(rule, users, sides):
    own, other = sides
    answers = {
        role: "".join("+" if RULES[rule](users[role], things) else "-" for things in (own, other)) for role in ROLES
    }
    assert answers == dict(zip(ROLES, EXPECTED[rule], strict=True))


def test_institute_keys_of_are_the_keys_of_institutes_of(users, sides):
    own, other = sides
    assert permissions.institute_keys_of(users["facilitator"]) == {own.institute.translation_key}
    assert permissions.institute_keys_of(users["facilitator"], permissions.ADMIN_ROLES) == set()
    assert permissions.institute_keys_of(users["admin"]) >= {
        own.institute.translation_key,
        other.institute.translation_key,
    }


def test_a_translation_of_the_institute_has_the_same_staff(users, sides):
    """The French row of an institute shares its groups: its staff are the same people."""
    own, _other = sides
    french = Institute.objects.get(translation_key=own.institute.translation_key, locale__language_code="fr")
    for role in ROLES:
        assert permissions.is_staff_of(users[role], french) == permissions.is_staff_of(users[role], own.institute)
        assert permissions.can_run_workshops(users[role], french) == permissions.can_run_workshops(
            users[role], own.institute
        )


def test_staff_of_both_institutes_run_workshops_for_both(sides):
    own, other = sides
    facilitator = make_institute_member("facilitators", FIRST_INSTITUTE)
    facilitator.groups.add(other.institute.moderators)
    assert set(permissions.institutes_running_workshops(facilitator)) == {own.institute, other.institute}
    assert set(permissions.institutes_reported_to(facilitator)) == {other.institute}  # a moderator there only


def test_an_institute_without_groups_has_no_staff_but_administrators(users):
    lonely = Institute.objects.create(name="Lonely institute", slug="lonely-institute")
    assert [role for role in ROLES if permissions.can_run_workshops(users[role], lonely)] == ["admin"]
