"""The programme report: figures against hand counts, the same cells on screen and in both exports, the same number
of queries for ten or ten thousand enrolments, and who sees which institutes."""

import csv
import io
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from wagtail.users.models import UserProfile

from curriculum.i18n import country_name
from curriculum.models import Landscape
from lms.progress.programme import DIMENSIONS, MEASURES, programme_table, report_scope
from lms.workshops.models import Workshop
from tests.helpers import FIRST_INSTITUTE, SECOND_INSTITUTE, make_institute_member
from tests.programme_scene import bulk_records, hand_counted_scene

REPORT = "/admin/programme/"


@pytest.fixture
def scene(db):
    return hand_counted_scene()


@pytest.fixture
def programme_manager(db):
    user = get_user_model().objects.create_user("pm@example.org", "pm@example.org", "pw-programme-2045")
    user.groups.add(Group.objects.get(name=settings.PROGRAMME_MANAGERS_GROUP))
    return user


def figures(scene, dimension, institutes=("five", "farmer"), **filters):
    scope = report_scope([scene.institutes[name].translation_key for name in institutes], **filters)
    table = programme_table(scope, dimension, "en")
    return {row.label: row.figures for row in table.rows}, table.total.figures


def _row(learners, active_30, active_90, enrolments, completions, certificates, workshops, participants):
    return dict(
        zip(
            MEASURES,
            (learners, active_30, active_90, enrolments, completions, certificates, workshops, participants),
            strict=True,
        )
    )


# -- hand counts (tests/programme_scene.py's table) -------------------------------------------------------------------


def test_totals_match_the_hand_count(scene):
    _rows, total = figures(scene, "landscape")
    assert total == _row(7, 1, 2, 8, 4, 3, 1, 3)  # the revoked certificate is not counted


def test_figures_by_landscape_and_country(scene):
    rows, _total = figures(scene, "landscape")
    assert rows == {
        "Mau Forest Complex": _row(2, 1, 1, 2, 2, 2, 1, 3),
        "Mantaro River Basin": _row(2, 0, 1, 2, 1, 0, 0, 0),
        "South Sumatra Peatlands": _row(2, 0, 0, 3, 0, 0, 0, 0),
        "No landscape given": _row(1, 0, 0, 1, 1, 1, 0, 0),
    }
    countries, _total = figures(scene, "country")
    assert set(countries) == {"Kenya", "Peru", "Indonesia", "No landscape given"}
    assert countries["Indonesia"] == rows["South Sumatra Peatlands"]


def test_figures_by_element_count_a_learner_once_per_element(scene):
    rows, _total = figures(scene, "element")
    only_five, both = _row(5, 1, 2, 5, 3, 2, 1, 3), _row(7, 1, 2, 8, 4, 3, 1, 3)
    assert [rows[label] for label in rows] == [only_five, only_five, both, both, only_five]


def test_figures_by_institute_course_and_month(scene):
    by_institute, _total = figures(scene, "institute")
    assert by_institute == {
        "Landscape Learning Institute": _row(5, 1, 2, 5, 3, 2, 1, 3),
        "Sahel Restoration Centre": _row(3, 0, 0, 3, 1, 1, 0, 0),
    }
    by_course, _total = figures(scene, "course")
    assert by_course[scene.courses["farmer"].title] == by_institute["Sahel Restoration Centre"]
    by_month, _total = figures(scene, "month")
    none = None
    assert by_month == {
        "January 2026": _row(5, none, none, 5, 0, 0, 0, 0),
        "February 2026": _row(0, none, none, 0, 3, 2, 1, 3),
        "March 2026": _row(3, none, none, 3, 1, 1, 0, 0),
    }


def test_figures_by_gender_group_and_language(scene):
    by_gender, _total = figures(scene, "gender")
    assert by_gender == {  # workshops have no gender; their participants do, as the facilitator recorded it
        "Man": _row(2, 0, 0, 3, 1, 1, None, 1),
        "Woman": _row(4, 1, 2, 4, 2, 1, None, 2),
        "Not given": _row(1, 0, 0, 1, 1, 1, None, 0),
    }
    by_group, _total = figures(scene, "stakeholder_group")
    assert by_group["Farmer or producer"] == _row(3, 1, 1, 3, 2, 2, None, 2)
    assert by_group["Community"] == _row(1, 0, 0, 1, 1, 0, None, 1)
    by_language, _total = figures(scene, "language")
    assert by_language["Español"] == _row(2, 0, 1, 2, 1, 0, 0, 0)
    assert by_language["Kiswahili"] == _row(1, 1, 1, 1, 1, 1, 1, 3)  # the workshop was held in Swahili


def test_filters_narrow_every_figure(scene):
    _rows, february = figures(scene, "landscape", start=_date(2026, 2, 1), end=_date(2026, 2, 28))
    assert february == _row(0, 0, 0, 0, 3, 2, 1, 3)  # counted back from the period's end: no one active then
    _rows, mantaro = figures(scene, "landscape", landscape_key=scene.landscapes["mantaro"].translation_key)
    assert mantaro == _row(2, 0, 1, 2, 1, 0, 0, 0)
    _rows, farmer = figures(scene, "landscape", course_key=scene.courses["farmer"].translation_key)
    assert farmer == _row(3, 0, 0, 3, 1, 1, 0, 0)
    _rows, sahel = figures(scene, "landscape", institutes=("farmer",))
    assert sahel == farmer


def _date(*parts):
    import datetime

    return datetime.date(*parts)


# -- the screen and the exports ---------------------------------------------------------------------------------------


class TableCells(HTMLParser):
    """The cells of the report's table, as text."""

    def __init__(self):
        super().__init__()
        self.rows, self.inside, self.cell = [], False, None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and "programme-table" in dict(attrs).get("class", ""):
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("th", "td"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        elif self.inside and tag in ("th", "td") and self.cell is not None:
            self.rows[-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def screen_cells(response) -> list[list[str]]:
    parser = TableCells()
    parser.feed(response.content.decode())
    return parser.rows


def csv_cells(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_cells(response) -> list[list[str]]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [["" if value is None else str(value) for value in row] for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("dimension", list(DIMENSIONS))
def test_the_exports_hold_the_screens_cells(scene, admin_client, dimension):
    screen = screen_cells(admin_client.get(REPORT, {"by": dimension}))
    assert len(screen) > 2, "a header, rows and the total"
    assert csv_cells(admin_client.get(reverse("programme_export", args=["csv"]), {"by": dimension})) == screen
    assert xlsx_cells(admin_client.get(reverse("programme_export", args=["xlsx"]), {"by": dimension})) == screen


def test_small_counts_are_shown_as_fewer_than_five(scene, admin_client):
    screen = screen_cells(admin_client.get(REPORT, {"by": "landscape"}))
    header, *rows = screen
    mantaro = next(row for row in rows if row[0] == "Mantaro River Basin")
    assert mantaro[header.index("Learners")] == "<5"
    assert mantaro[header.index("Certificates")] == "0"  # no one: nobody to recognise
    total = rows[-1]
    assert total[header.index("Learners")] == "7"
    assert total[header.index("Enrolments")] == "8"
    assert total[header.index("Workshops")] == "1"  # a count of workshops names nobody


def test_a_cell_that_looks_like_a_formula_is_exported_as_text(scene, admin_client):
    Landscape.objects.filter(pk=scene.landscapes["mantaro"].pk).update(name='=HYPERLINK("http://evil","x")')
    rows = csv_cells(admin_client.get(reverse("programme_export", args=["csv"]), {"by": "landscape"}))
    assert '\'=HYPERLINK("http://evil","x")' in [row[0] for row in rows]
    sheet = load_workbook(
        io.BytesIO(admin_client.get(reverse("programme_export", args=["xlsx"]), {"by": "landscape"}).content)
    ).active
    cell = next(row[0] for row in sheet.iter_rows() if str(row[0].value).startswith("=HYPERLINK"))
    assert cell.data_type == "s"


def test_the_chart_is_drawn_beside_the_table_with_patterns_and_labels(scene, admin_client):
    page = admin_client.get(REPORT, {"by": "landscape"}).content.decode()
    assert 'role="img"' in page and "<desc" in page and "The table beside the chart gives the same figures" in page
    assert "url(#pattern-hatched)" in page and "url(#pattern-dotted)" in page
    assert "stroke-dasharray" in page  # the "<5" bars


def test_the_report_speaks_the_admins_language(scene, admin_client, admin_user):
    profile = UserProfile.get_for_user(admin_user)
    profile.preferred_language = "fr"
    profile.save()
    page = admin_client.get(REPORT, {"by": "country"}).content.decode()
    assert country_name("PE", "fr") == "Pérou" and "Pérou" in page
    assert "Complexe forestier de la Mau" in admin_client.get(REPORT).content.decode()


@pytest.mark.parametrize(
    "query, message",
    [
        ({"by": "shoe-size"}, "Select a valid choice"),
        ({"start": "2026-13-01"}, "Enter a valid date"),
        ({"start": "2026-03-01", "end": "2026-02-01"}, "The end of the period comes before its start."),
        ({"landscape": "not-a-landscape"}, "Select a valid choice"),
    ],
)
def test_a_bad_filter_gets_a_message_and_no_figures(scene, admin_client, query, message):
    response = admin_client.get(REPORT, query)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not screen_cells(response)
    export = admin_client.get(reverse("programme_export", args=["csv"]), query)
    assert export.status_code == 400 and message in export.content.decode()


# -- who sees what ----------------------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    for url in (REPORT, reverse("programme_export", args=["csv"])):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_learners_and_facilitators_are_refused(scene, client):
    facilitator = make_institute_member("facilitators", FIRST_INSTITUTE)
    for user in (scene.learners["L1"], facilitator):
        client.force_login(user)
        for url in (REPORT, reverse("programme_export", args=["csv"])):
            response = client.get(url)
            assert response.status_code in (302, 403)
            assert "Mau Forest Complex" not in response.content.decode()


def test_institute_staff_see_only_their_institute(scene, client):
    editor = make_institute_member("editors", SECOND_INSTITUTE)
    client.force_login(editor)
    screen = screen_cells(client.get(REPORT, {"by": "institute"}))
    assert [row[0] for row in screen[1:]] == ["Sahel Restoration Centre", "Total"]
    assert screen[-1][1:4] == ["<5", "0", "0"]  # three learners of the Sahel course, none of the other institute's
    other = str(scene.institutes["five"].translation_key)
    tampered = client.get(REPORT, {"institute": other, "by": "institute"})
    assert tampered.status_code == 400 and "Select a valid choice" in tampered.content.decode()
    assert "Landscape Learning Institute" not in "".join(cell for row in screen_cells(tampered) for cell in row)
    export = client.get(reverse("programme_export", args=["csv"]), {"by": "course"})
    assert [row[0] for row in csv_cells(export)[1:]] == [scene.courses["farmer"].title, "Total"]
    moderator = make_institute_member("moderators", FIRST_INSTITUTE)
    client.force_login(moderator)
    assert [row[0] for row in screen_cells(client.get(REPORT, {"by": "institute"}))[1:]] == [
        "Landscape Learning Institute",
        "Total",
    ]


def test_programme_managers_and_administrators_see_every_institute(scene, client, programme_manager, admin_user):
    for user in (programme_manager, admin_user):
        client.force_login(user)
        screen = screen_cells(client.get(REPORT, {"by": "institute"}))
        assert [row[0] for row in screen[1:]] == ["Landscape Learning Institute", "Sahel Restoration Centre", "Total"]
        assert screen[-1][1] == "7"
        assert b'"/admin/programme/"' in client.get("/admin/").content  # the menu item (in the sidebar's data)


def test_programme_managers_read_and_change_nothing(programme_manager):
    group = Group.objects.get(name=settings.PROGRAMME_MANAGERS_GROUP)
    assert sorted(group.permissions.values_list("content_type__app_label", "codename")) == [
        ("progress", "view_programme_report"),
        ("wagtailadmin", "access_admin"),
    ]
    assert not any(
        codename.startswith(("add_", "change_", "delete_")) for codename in programme_manager.get_all_permissions()
    )


# -- queries ----------------------------------------------------------------------------------------------------------


def _query_counts(client) -> dict:
    counts = {}
    for dimension in DIMENSIONS:
        for url in (REPORT, reverse("programme_export", args=["csv"]), reverse("programme_export", args=["xlsx"])):
            client.get(url, {"by": dimension})  # caches (the user's groups, course structures) warm
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url, {"by": dimension}).status_code == 200
            counts[url, dimension] = len(queries)
    return counts


def test_every_page_and_export_costs_the_same_queries_for_ten_or_ten_thousand_enrolments(db, admin_client):
    bulk_records(10)
    few = _query_counts(admin_client)
    bulk_records(9990, start=10)
    many = _query_counts(admin_client)
    assert many == few
    assert max(few.values()) <= 35, few  # twelve aggregate queries, the form's choices, the session and the admin


# -- landscapes -------------------------------------------------------------------------------------------------------


def test_a_landscape_links_to_its_terraso_page_and_names_its_country(db):
    from curriculum.demo.loader import demo_landscape

    mantaro = demo_landscape("mantaro")
    assert mantaro.terraso_url == "https://app.terraso.org/landscapes/cuenca-rio-mantaro"
    with translation.override("fr"):
        assert mantaro.country_name == "Pérou"
    assert Landscape.objects.filter(translation_key=mantaro.translation_key, locale__language_code="es").get().name == (
        "Cuenca del Río Mantaro"
    )


def test_a_learner_gives_their_landscape_group_and_gender_in_their_profile(learner_client, learner):
    from curriculum.demo.loader import demo_landscape

    page = learner_client.get("/fr/accounts/profile/").content.decode()
    assert "Bassin du fleuve Mantaro (Pérou)" in page  # named in the learner's language
    assert page.count('<option value="" selected>Non indiqué</option>') == 3  # landscape, group, gender: optional
    mantaro = demo_landscape("mantaro")
    response = learner_client.post(
        "/en/accounts/profile/",
        {
            "display_name": "Ana",
            "email": learner.email,
            "preferred_language": "en",
            "landscape": mantaro.pk,
            "stakeholder_group": "ngo",
            "gender": "",
        },
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert (learner.landscape, learner.stakeholder_group, learner.gender) == (mantaro, "ngo", "")


def test_a_workshop_is_held_in_a_landscape_shown_with_its_terraso_link(client, demo_course):
    from curriculum.demo.loader import demo_landscape

    mau = demo_landscape("mau-forest")
    client.force_login(make_institute_member("facilitators", FIRST_INSTITUTE))
    form = client.get("/fr/workshops/new/").content.decode()
    assert "Complexe forestier de la Mau (Kenya)" in form
    response = client.post(
        "/fr/workshops/new/",
        {
            "course": str(demo_course.translation_key),
            "title": "Narok",
            "language": "sw",
            "place": "Narok, Kenya",
            "landscape": mau.pk,
            "starts_on": "2030-03-02",
            "ends_on": "2030-03-04",
            "sessions_required": "0",
        },
    )
    assert response.status_code == 302
    workshop = Workshop.objects.get(title="Narok")
    assert workshop.landscape == mau
    page = client.get(f"/fr/workshops/{workshop.pk}/").content.decode()
    assert (
        '<a href="https://app.terraso.org/landscapes/mau-forest-complex" rel="noopener">'
        "Complexe forestier de la Mau</a>" in page
    )


def test_the_demo_has_people_and_a_workshop_in_its_landscapes(db, client, settings):
    from io import StringIO

    from django.core.management import call_command

    settings.DEBUG = True
    call_command("demo_accounts", stdout=StringIO())
    call_command("demo_workshop", stdout=StringIO())
    User = get_user_model()
    assert User.objects.get(email="learner.mantaro@example.org").landscape.name == "Mantaro River Basin"
    assert Workshop.objects.get(title__contains="cinq éléments").landscape.name == "Inner Niger Delta"
    manager = User.objects.get(email="programme@example.org")
    assert list(manager.groups.values_list("name", flat=True)) == [settings.PROGRAMME_MANAGERS_GROUP]
    client.force_login(manager)
    rows = {row[0]: row for row in screen_cells(client.get(REPORT, {"by": "landscape"}))[1:]}
    assert {"Mau Forest Complex", "Mantaro River Basin", "South Sumatra Peatlands", "Inner Niger Delta"} <= set(rows)
    assert rows["Inner Niger Delta"][-1] == "8"  # the Ségou workshop's participants
