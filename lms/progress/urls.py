from django.urls import path

from lms.progress import views

app_name = "progress"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("courses/<uuid:course_key>/enrol/", views.enrol, name="enrol"),
    path("courses/<uuid:course_key>/leave/", views.leave, name="leave"),
    path("lessons/<uuid:lesson_key>/complete/", views.complete_lesson, name="complete_lesson"),
]
