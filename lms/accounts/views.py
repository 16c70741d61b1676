"""Sign up, log in and out, confirm an email address, reset or change a password, edit or delete the account."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.mail import send_mail
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from curriculum.i18n import url_in_language
from lms.accounts import services
from lms.accounts.forms import (
    EMAIL_OF_ANOTHER_ACCOUNT,
    DeleteAccountForm,
    LimitedPasswordChangeForm,
    LoginForm,
    ProfileForm,
    RateLimitedPasswordResetForm,
    SignUpForm,
)
from lms.accounts.models import EMAIL_TAKEN, User
from lms.middleware import remember_language
from lms.security import is_path_of_this_site

CONFIRMATION_SALT = "lms.accounts.confirm-email"
CONFIRMATION_MAX_AGE = 3 * 24 * 60 * 60


def _redirect_in_language(request, url: str, language: str) -> HttpResponseRedirect:
    """Go to `url` in the learner's language, and remember that language for pages without a prefix."""
    return remember_language(request, redirect(url_in_language(request, url, language)), language)


def _safe_next(request, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if (
        candidate
        and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure())
        and (is_path_of_this_site(candidate) or "://" in candidate)
    ):
        return candidate
    return default


def _send_confirmation(request, user: User) -> None:
    token = signing.dumps({"user": user.pk, "email": user.email}, salt=CONFIRMATION_SALT)
    with translation.override(user.preferred_language):
        link = settings.PUBLIC_BASE_URL + reverse("accounts:confirm_email", args=[token])
        body = render_to_string("lms/accounts/email/confirm_email.txt", {"user": user, "link": link})
        send_mail(_("Confirm your email address"), body, None, [user.email])


def _send_email_change_link(user: User, email: str) -> None:
    token = services.email_change_token(user=user, email=email)
    with translation.override(user.preferred_language):
        link = settings.PUBLIC_BASE_URL + reverse("accounts:confirm_email_change", args=[token])
        body = render_to_string("lms/accounts/email/confirm_email_change.txt", {"user": user, "link": link})
        send_mail(_("Confirm your new email address"), body, None, [email])


def _tell_the_old_address(user: User, old_email: str) -> None:
    """The address is the login: whoever had it hears that it changed (someone holding their session, or their
    password, could otherwise take the account without their knowing)."""
    with translation.override(user.preferred_language):
        body = render_to_string("lms/accounts/email/email_changed.txt", {"user": user})
        send_mail(_("Your login address was changed"), body, None, [old_email])


def signup(request):
    if request.user.is_authenticated:
        return redirect("progress:dashboard")
    form = SignUpForm(request.POST or None, initial={"preferred_language": translation.get_language()})
    if request.method == "POST" and form.is_valid() and _save_new_account(form):
        user = form.instance
        if not user.is_active:
            _send_confirmation(request, user)
            return render(
                request,
                "lms/accounts/confirm_sent.html",
                {"email": user.email, "heading": _("Confirm your email address")},
            )
        login(request, user, backend="lms.accounts.backends.EmailOrUsernameBackend")
        with translation.override(user.preferred_language):
            messages.success(request, _("Welcome, %(name)s. Your account is ready.") % {"name": user.display_name})
        return _redirect_in_language(
            request, _safe_next(request, reverse("progress:dashboard")), user.preferred_language
        )
    return render(
        request,
        "lms/accounts/signup.html",
        {"form": form, "next": _safe_next(request, ""), "heading": _("Create your account")},
    )


def _save_new_account(form: SignUpForm) -> bool:
    """Save the account the valid form describes; False (and a message on the form) when a simultaneous sign-up
    took its address first."""
    user = form.save(commit=False)
    user.is_active = not settings.ACCOUNTS_REQUIRE_EMAIL_CONFIRMATION
    try:
        services.account_create(user=user)
    except services.EmailTaken:
        form.add_error("email", EMAIL_TAKEN)
        return False
    return True


def confirm_email(request, token):
    try:
        data = signing.loads(token, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_MAX_AGE)
        user = User.objects.get(pk=data["user"], email=data["email"])
    except (signing.BadSignature, User.DoesNotExist, KeyError, TypeError):
        return render(
            request, "lms/accounts/confirm_invalid.html", {"heading": _("This link does not work")}, status=400
        )
    if user.is_active:
        # Used before: the link confirms an address once and is not a way to log in.
        messages.info(request, _("Your email address is already confirmed. Log in to continue."))
        return redirect("accounts:login")
    user.is_active = True
    user.save(update_fields=["is_active"])
    login(request, user, backend="lms.accounts.backends.EmailOrUsernameBackend")
    with translation.override(user.preferred_language):
        messages.success(request, _("Your email address is confirmed. Welcome!"))
    return _redirect_in_language(request, reverse("progress:dashboard"), user.preferred_language)


class LearnerLoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "lms/accounts/login.html"
    extra_context = {"heading": gettext_lazy("Log in")}
    redirect_authenticated_user = True

    def get_redirect_url(self):
        """Django's `next`, unless its host is empty, as Django allows (lms.security.is_path_of_this_site)."""
        url = super().get_redirect_url()
        return url if is_path_of_this_site(url) or "://" in url else ""

    def form_valid(self, form):
        super().form_valid(form)
        return _redirect_in_language(self.request, self.get_success_url(), self.request.user.preferred_language)


class LearnerPasswordChangeView(auth_views.PasswordChangeView):
    form_class = LimitedPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


class LearnerPasswordResetView(auth_views.PasswordResetView):
    form_class = RateLimitedPasswordResetForm
    template_name = "lms/accounts/password_reset.html"
    email_template_name = "lms/accounts/email/password_reset.txt"
    subject_template_name = "lms/accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    extra_context = {"heading": gettext_lazy("Reset your password")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        user, new_email = request.user, form.new_email
        if new_email:
            user.email = form.stored_email  # the address changes below, or once the new one is confirmed
        user.save()  # the name and language, whatever becomes of the address
        if new_email and not settings.ACCOUNTS_REQUIRE_EMAIL_CONFIRMATION:
            try:
                services.account_email_change(user=user, email=new_email)
            except services.EmailTaken:
                form.add_error("email", EMAIL_OF_ANOTHER_ACCOUNT)
            else:
                _tell_the_old_address(user, form.stored_email)
        if form.errors:
            return render(request, "lms/accounts/profile.html", {"form": form, "heading": _("Your profile")})
        with translation.override(user.preferred_language):
            if new_email and settings.ACCOUNTS_REQUIRE_EMAIL_CONFIRMATION:
                _send_email_change_link(user, new_email)
                messages.info(
                    request,
                    _("Your profile is saved. We sent a link to %(email)s: your address changes when you open it.")
                    % {"email": new_email},
                )
            else:
                messages.success(request, _("Your profile is saved."))
        return _redirect_in_language(request, reverse("accounts:profile"), user.preferred_language)
    return render(request, "lms/accounts/profile.html", {"form": form, "heading": _("Your profile")})


def confirm_email_change(request, token):
    """The link mailed to a new address: opening it proves the address works and makes it the account's."""
    try:
        user, replaced = services.email_change_confirm(token=token)
    except signing.BadSignature:
        message = _("This link is wrong, has expired or was replaced by a newer one. Change your address again.")
        return render(
            request,
            "lms/accounts/confirm_invalid.html",
            {"heading": _("This link does not work"), "message": message},
            status=400,
        )
    except services.EmailTaken:
        return render(
            request,
            "lms/accounts/confirm_invalid.html",
            {"heading": _("This link does not work"), "message": EMAIL_OF_ANOTHER_ACCOUNT},
            status=409,
        )
    if replaced:
        _tell_the_old_address(user, replaced)
        messages.success(request, _("Your email address is now %(email)s.") % {"email": user.email})
    else:
        messages.info(request, _("Your email address is already %(email)s.") % {"email": user.email})
    if request.user.is_authenticated and request.user.pk == user.pk:
        return redirect("accounts:profile")
    return redirect("accounts:login")


@login_required
def delete_account(request):
    form = DeleteAccountForm(request.POST or None, user=request.user, request=request)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        user.delete()  # enrolments, progress and every other learning record go with it (on_delete=CASCADE)
        messages.success(request, _("Your account and everything recorded about your learning are deleted."))
        return redirect(f"/{translation.get_language()}/")
    return render(request, "lms/accounts/delete.html", {"form": form, "heading": _("Delete your account")})


@require_POST
def logout_view(request):
    logout(request)
    messages.success(request, _("You are logged out."))
    return redirect(f"/{translation.get_language()}/")
