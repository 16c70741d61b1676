from django.urls import path, register_converter

from lms.workshops import claim_views, document_views, views


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
        "<int:workshop_id>/participants/<int:participant_id>/edit/",
        views.participant_edit,
        name="participant_edit",
    ),
    path(
        "<int:workshop_id>/participants/<int:participant_id>/remove/",
        views.participant_remove,
        name="participant_remove",
    ),
    path("<int:workshop_id>/attendance/", views.attendance, name="attendance"),
    path("<int:workshop_id>/attendance/walk-in/", views.walk_in, name="walk_in"),
    path("<int:workshop_id>/results/", views.results, name="results"),
    # The workshop's paper, its certificates, and claiming a record held for a participant.
    path("<int:workshop_id>/sheets.pdf", document_views.sheets, name="sheets"),
    path("<int:workshop_id>/sheets/", document_views.sheets_progress, name="sheets_pack"),
    path("sheet/<str:code>/", document_views.sheet_open, name="sheet"),
    path("<int:workshop_id>/certificates/", document_views.certify, name="certify"),
    path("<int:workshop_id>/certificates/pack/", document_views.pack_progress, name="certificates_pack"),
    path("<int:workshop_id>/certificates/pack.pdf", document_views.pack_download, name="certificates_pack_pdf"),
    path("claim/", claim_views.claim, name="claim"),
    path("<int:workshop_id>/claim-codes/", claim_views.claim_codes, name="claim_codes"),
    path(
        "<int:workshop_id>/participants/<int:participant_id>/claim-code/",
        claim_views.claim_code_reset,
        name="claim_code_reset",
    ),
]
