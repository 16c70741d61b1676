from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, PasswordResetForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm
from wagtail.admin.forms.auth import PasswordChangeForm as WagtailPasswordChangeForm
from wagtail.admin.forms.auth import PasswordResetForm as WagtailPasswordResetForm

from curriculum.selectors.landscapes import default_landscapes, landscape_names
from lms.accounts import backends
from lms.accounts.models import EMAIL_TAKEN, Gender, StakeholderGroup
from lms.accounts.ratelimit import PASSWORD_RESET_REQUESTS
from lms.pdf.fonts import validate_printable_name

User = get_user_model()

EMAIL_OF_ANOTHER_ACCOUNT = _("Another account already uses this email address.")
NOT_GIVEN = _("Not given")  # an optional profile answer left out


def too_many_attempts_message(seconds: int) -> str:
    minutes = max(1, round(seconds / 60))
    return ngettext(
        "Too many attempts. For your security, please wait %(minutes)d minute and try again.",
        "Too many attempts. For your security, please wait %(minutes)d minutes and try again.",
        minutes,
    ) % {"minutes": minutes}


def require_email_and_name(form):
    """Learners are reached by email and named on certificates: both are required, under our own labels, and the name
    only with characters a certificate can print."""
    form.fields["email"].required = True
    form.fields["email"].label = _("Email address")
    form.fields["display_name"].required = True
    form.fields["display_name"].validators.append(validate_printable_name)
    form.fields["preferred_language"].label = _("Language for the site and your certificates")


def normalised_email(form) -> str:
    return User.objects.normalize_email(form.cleaned_data["email"]).strip()


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
        email = normalised_email(self)
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(EMAIL_TAKEN)
        return email

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        # Every problem at once: a learner who fixes one should not discover the next on the following try.
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords are not the same."))
        if password1:
            candidate = User(email=cleaned.get("email", ""), display_name=cleaned.get("display_name", ""))
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned

    def save(self, commit=True):
        user = super().save(commit=False)  # the username follows from the address (User.save)
        user.set_password(self.cleaned_data["password1"])
        if commit:
            user.save()
        return user


class LoginLimitMessage:
    """For a login form: when the backend refused because of too many attempts, say so and how long to wait,
    instead of "wrong password" (no password was checked)."""

    def get_invalid_login_error(self):
        wait = getattr(self.request, "login_wait_seconds", 0)
        if wait:
            return forms.ValidationError(too_many_attempts_message(wait), code="rate_limited")
        return super().get_invalid_login_error()


class LoginForm(LoginLimitMessage, AuthenticationForm):
    """Email and password. The limit on attempts is the backend's (lms.accounts.backends)."""

    username = forms.CharField(
        label=_("Email address"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("This email address and password do not match an account. Check both and try again."),
    }


class AdminLoginForm(LoginLimitMessage, WagtailLoginForm):
    """Wagtail's admin login (WAGTAILADMIN_USER_LOGIN_FORM), with the same limit and message as ours."""


class RateLimitedPasswordResetForm(PasswordResetForm):
    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        wait = PASSWORD_RESET_REQUESTS.reserve(self.request, cleaned.get("email", ""))
        if wait:
            raise forms.ValidationError(too_many_attempts_message(wait), code="rate_limited")
        return cleaned

    def save(self, **kwargs):
        # The link in the email uses the site's own address, never the Host header the request brought.
        site = urlsplit(settings.PUBLIC_BASE_URL)
        return super().save(**{**kwargs, "domain_override": site.netloc, "use_https": site.scheme == "https"})


class AdminPasswordResetForm(WagtailPasswordResetForm):
    """Wagtail's admin password reset (WAGTAILADMIN_USER_PASSWORD_RESET_FORM): only for people who may use the
    admin (learners reset theirs on the site), and counted with the site's reset requests.

    Wagtail's view hands the request to save() only, so a request over the limit sends nothing and shows the page
    every request shows ("emailed to you if an account exists"), which tells an attacker nothing either way.
    """

    def get_users(self, email):
        return (user for user in super().get_users(email) if user.has_perm("wagtailadmin.access_admin"))

    def save(self, *, request=None, **kwargs):
        if PASSWORD_RESET_REQUESTS.reserve(request, self.cleaned_data["email"]):
            return
        super().save(request=request, **kwargs)


def clean_current_password(form, field: str = "password"):
    """The signed-in user's password, checked under the login limit (a stolen session is no way to guess it)."""
    password = form.cleaned_data.get(field, "")
    try:
        matches = backends.check_password(form.request, form.user, password)
    except backends.TooManyAttempts as refusal:
        raise forms.ValidationError(too_many_attempts_message(refusal.seconds), code="rate_limited") from None
    if not matches:
        raise forms.ValidationError(_("This is not your password."), code="wrong_password")
    return password


class LandscapeChoiceField(forms.ModelChoiceField):
    """A landscape (the default-language row records point at), named in the visitor's language."""

    def __init__(self, **kwargs):
        kwargs.setdefault("empty_label", NOT_GIVEN)
        kwargs["queryset"] = default_landscapes()
        super().__init__(**kwargs)
        self._names = None

    def label_from_instance(self, landscape):
        if self._names is None:  # once per form, whatever the number of landscapes
            self._names = landscape_names(translation.get_language())
        return f"{self._names.get(landscape.translation_key, landscape.name)} ({landscape.country_name})"


class ProfileForm(forms.ModelForm):
    """Name, email and language. The email address is the login: changing it takes the current password."""

    password = forms.CharField(
        label=_("Your password"),
        required=False,
        strip=False,
        help_text=_("Needed only to change your email address."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    class Meta:
        model = User
        fields = ["display_name", "email", "preferred_language", "landscape", "stakeholder_group", "gender"]
        field_classes = {"landscape": LandscapeChoiceField}
        help_texts = {
            "landscape": _("Optional, like the two below: they let your institute count who it trains, never by name.")
        }

    def __init__(self, *args, request, **kwargs):
        self.request = request
        super().__init__(*args, instance=request.user, **kwargs)
        self.user = request.user
        self.stored_email = self.user.email
        require_email_and_name(self)
        for name, choices in (("stakeholder_group", StakeholderGroup.choices), ("gender", Gender.choices)):
            self.fields[name].choices = [("", NOT_GIVEN), *choices]

    def clean_email(self):
        email = normalised_email(self)
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(EMAIL_OF_ANOTHER_ACCOUNT)
        return email

    @property
    def new_email(self) -> str | None:
        """The address asked for, when it is not the account's (in any case)."""
        email = self.cleaned_data.get("email", "")
        return email if email and email.lower() != self.stored_email.lower() else None

    def clean(self):
        cleaned = super().clean()
        if self.new_email:
            if not cleaned.get("password"):
                self.add_error("password", _("Type your password to change your email address."))
            else:
                try:
                    clean_current_password(self)
                except forms.ValidationError as error:
                    self.add_error("password", error)
        return cleaned


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args, user, request=None, **kwargs):
        self.user = user
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_password(self):
        return clean_current_password(self)


class LimitedPasswordChangeForm(PasswordChangeForm):
    """Django's password change, the old password checked under the login limit."""

    def __init__(self, user, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        return clean_current_password(self, "old_password")


class AdminPasswordChangeForm(WagtailPasswordChangeForm):
    """The password panel of Wagtail's account page, the old password checked under the login limit
    (lms.accounts.wagtail_hooks puts it in place of Wagtail's)."""

    def __init__(self, user, *args, request, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        return clean_current_password(self, "old_password")
