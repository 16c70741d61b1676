from django.urls import path, register_converter

from lms.workshops import views


class SheetFormat:
    """The two file formats of lists and exports; any other suffix is not found."""

    regex = "csv|xlsx"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(SheetFormat, "sheet")

app_name = "workshops"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("participants-template.<sheet:fmt>", views.import_template, name="import_template"),
    path("<int:workshop_id>/", views.detail, name="detail"),
    path("<int:workshop_id>/edit/", views.edit, name="edit"),
    path("<int:workshop_id>/export.<sheet:fmt>", views.export, name="export"),
    path("<int:workshop_id>/participants/", views.participants, name="participants"),
    path("<int:workshop_id>/participants/add/", views.participant_add, name="participant_add"),
    path("<int:workshop_id>/participants/import/", views.participants_import, name="import"),
    path(
        "<int:workshop_id>/participants/<int:participant_id>/remove/",
        views.participant_remove,
        name="participant_remove",
    ),
    path("<int:workshop_id>/attendance/", views.attendance, name="attendance"),
    path("<int:workshop_id>/attendance/walk-in/", views.walk_in, name="walk_in"),
    path("<int:workshop_id>/results/", views.results, name="results"),
]
