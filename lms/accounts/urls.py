from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy
from django.utils.translation import gettext_lazy as _

from lms.accounts import views

app_name = "accounts"


def account_page(view, template: str, heading, **options):
    """One of Django's account views, in our account page frame under `heading`."""
    return view.as_view(template_name=f"lms/accounts/{template}.html", extra_context={"heading": heading}, **options)


urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("confirm/<str:token>/", views.confirm_email, name="confirm_email"),
    path("email/confirm/<str:token>/", views.confirm_email_change, name="confirm_email_change"),
    path("login/", views.LearnerLoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("profile/", views.profile, name="profile"),
    path("delete/", views.delete_account, name="delete"),
    path(
        "password/",
        account_page(
            views.LearnerPasswordChangeView,
            "password_change",
            _("Change your password"),
            success_url=reverse_lazy("accounts:password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "password/done/",
        account_page(auth_views.PasswordChangeDoneView, "password_change_done", _("Password changed")),
        name="password_change_done",
    ),
    path("password/reset/", views.LearnerPasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        account_page(auth_views.PasswordResetDoneView, "password_reset_done", _("Check your email")),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        account_page(
            auth_views.PasswordResetConfirmView,
            "password_reset_confirm",
            _("Choose a new password"),
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        account_page(auth_views.PasswordResetCompleteView, "password_reset_complete", _("Password saved")),
        name="password_reset_complete",
    ),
]
