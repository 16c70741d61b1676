from django.urls import path

from lms.workbooks import views

app_name = "workbooks"

urlpatterns = [path("<uuid:page_key>/", views.download, name="download")]
