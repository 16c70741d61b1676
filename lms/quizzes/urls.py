from django.urls import path

from lms.quizzes import views

app_name = "quizzes"

urlpatterns = [
    path("<uuid:quiz_key>/start/", views.start, name="start"),
    path("<uuid:quiz_key>/answers/", views.answer_before_login, name="answer_before_login"),
    path("<uuid:quiz_key>/resume/", views.resume, name="resume"),
    path("attempts/<int:pk>/", views.attempt_detail, name="attempt"),
    path("attempts/<int:pk>/save/", views.save, name="save"),
    path("attempts/<int:pk>/submit/", views.submit, name="submit"),
]
