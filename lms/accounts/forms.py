from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from lms.accounts.ratelimit import LOGIN_FAILURES, PASSWORD_RESET_REQUESTS

User = get_user_model()


def too_many_attempts_message(seconds: int) -> str:
    minutes = max(1, round(seconds / 60))
    return ngettext(
        "Too many attempts. For your security, please wait %(minutes)d minute and try again.",
        "Too many attempts. For your security, please wait %(minutes)d minutes and try again.",
        minutes,
    ) % {"minutes": minutes}


def require_email_and_name(form):
    """Learners are reached by email and named on certificates: both are required, under our own labels."""
    form.fields["email"].required = True
    form.fields["email"].label = _("Email address")
    form.fields["display_name"].required = True
    form.fields["preferred_language"].label = _("Language for the site and your certificates")


class SignUpForm(forms.ModelForm):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = User
        fields = ["email", "display_name", "preferred_language"]
        widgets = {
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "display_name": forms.TextInput(attrs={"autocomplete": "name"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        require_email_and_name(self)

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"]).strip()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this email address already exists. Log in instead."))
        return email

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords are not the same."))
        elif password1:
            candidate = User(email=cleaned.get("email", ""), display_name=cleaned.get("display_name", ""))
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned

    def save(self, commit=True):
        user = super().save(commit=False)
        user.username = user.email.lower()
        user.set_password(self.cleaned_data["password1"])
        if commit:
            user.save()
        return user


class LoginForm(AuthenticationForm):
    """Email and password, refused for a while after repeated failures from one address or on one account."""

    username = forms.CharField(
        label=_("Email address"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def clean(self):
        account = self.data.get("username", "")
        wait = LOGIN_FAILURES.seconds_blocked(self.request, account)
        if wait:
            raise forms.ValidationError(too_many_attempts_message(wait), code="rate_limited")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            LOGIN_FAILURES.record_attempt(self.request, account)
            raise
        LOGIN_FAILURES.reset(self.request, account)
        return cleaned

    def get_invalid_login_error(self):
        return forms.ValidationError(
            _("This email address and password do not match an account. Check both and try again."),
            code="invalid_login",
        )


class RateLimitedPasswordResetForm(PasswordResetForm):
    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        email = cleaned.get("email", "")
        wait = PASSWORD_RESET_REQUESTS.seconds_blocked(self.request, email)
        if wait:
            raise forms.ValidationError(too_many_attempts_message(wait), code="rate_limited")
        PASSWORD_RESET_REQUESTS.record_attempt(self.request, email)
        return cleaned

    def save(self, **kwargs):
        # The link in the email uses the site's own address, never the Host header the request brought.
        site = urlsplit(settings.PUBLIC_BASE_URL)
        return super().save(**{**kwargs, "domain_override": site.netloc, "use_https": site.scheme == "https"})


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "email", "preferred_language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        require_email_and_name(self)

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"]).strip()
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another account already uses this email address."))
        return email


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        if not self.user.check_password(self.cleaned_data["password"]):
            raise forms.ValidationError(_("This is not your password."))
        return self.cleaned_data["password"]
