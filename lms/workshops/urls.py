from django.urls import path

from lms.workshops import claim_views, document_views

app_name = "workshops"

urlpatterns = []

# --- w-print: the workshop's paper, certificates and claims ------------------------------------------------------
urlpatterns += [
    path("<int:pk>/sheets.pdf", document_views.sheets, name="sheets"),
    path("sheet/<str:code>/", document_views.sheet_open, name="sheet"),
    path("<int:pk>/certificates/", document_views.certify, name="certify"),
    path("<int:pk>/certificates/pack/", document_views.pack_progress, name="certificates_pack"),
    path("<int:pk>/certificates/pack.pdf", document_views.pack_download, name="certificates_pack_pdf"),
    path("claim/", claim_views.claim, name="claim"),
    path("<int:pk>/claim-codes/", claim_views.claim_codes, name="claim_codes"),
    path(
        "<int:pk>/participants/<int:participant_pk>/claim-code/",
        claim_views.claim_code_reset,
        name="claim_code_reset",
    ),
]
# --- end of w-print ------------------------------------------------------------------------------------------------
