from django.urls import path

from lms.certificates import views

app_name = "certificates"

# Outside the language prefix: the address printed in a QR code must work whatever the reader's language.
urlpatterns = [
    path("", views.verify_code, name="verify_code"),
    path("<str:token>/", views.verify, name="verify"),
]

download_urlpatterns = [
    path("<str:token>/pdf/", views.download, name="download"),
]
