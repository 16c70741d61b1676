from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy
from django.utils.translation import gettext_lazy as _

from lms.accounts import views

app_name = "accounts"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("confirm/<str:token>/", views.confirm_email, name="confirm_email"),
    path("login/", views.LearnerLoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("profile/", views.profile, name="profile"),
    path("delete/", views.delete_account, name="delete"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(
            template_name="lms/accounts/password_change.html",
            success_url=reverse_lazy("accounts:password_change_done"),
            extra_context={"heading": _("Change your password")},
        ),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="lms/accounts/password_change_done.html", extra_context={"heading": _("Password changed")}
        ),
        name="password_change_done",
    ),
    path("password/reset/", views.LearnerPasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="lms/accounts/password_reset_done.html", extra_context={"heading": _("Check your email")}
        ),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="lms/accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
            extra_context={"heading": _("Choose a new password")},
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="lms/accounts/password_reset_complete.html", extra_context={"heading": _("Password saved")}
        ),
        name="password_reset_complete",
    ),
]
