from django.urls import path

from lms.credentials import views

app_name = "credentials"

# Outside the language prefix: a DID resolves to one address (did:web), and a credential's id and its status list's
# address are written into it once.
urlpatterns = [
    path(".well-known/did.json", views.site_did_document, name="site_did"),
    path("credentials/status/<int:number>", views.site_status_list, name="site_status_list"),
    path("institutes/<slug:slug>/did.json", views.institute_did_document, name="institute_did"),
    path("institutes/<slug:slug>/credentials/status/<int:number>", views.status_list, name="status_list"),
    path("verify/<str:token>/credential/<str:language>.json", views.public_credential, name="public"),
]

learner_urlpatterns = [
    path("<str:token>/credential/", views.learner_credential, name="learner"),
]
