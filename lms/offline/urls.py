from django.urls import path

from lms.offline import views

app_name = "offline"

urlpatterns = [
    path("", views.offline_page, name="page"),
    path("courses/<uuid:course_key>/manifest.json", views.manifest, name="manifest"),
    path("courses/<uuid:course_key>/version.json", views.version, name="version"),
    path("sync/", views.sync, name="sync"),
]
