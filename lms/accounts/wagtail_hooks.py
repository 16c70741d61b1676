"""Wagtail's account page ("Account" in the admin) checks the old password of its password panel itself, as often as
it is posted: a stolen admin session could guess its way to the password. WAGTAIL_PASSWORD_MANAGEMENT_ENABLED=False
(settings) takes Wagtail's panel away, and this one, the same panel with our form, takes its place."""

from functools import partial

from wagtail import hooks
from wagtail.admin.views.account import ChangePasswordPanel

from lms.accounts.forms import AdminPasswordChangeForm


class LimitedChangePasswordPanel(ChangePasswordPanel):
    def is_active(self):
        # Wagtail's own test includes the setting that switches its panel off.
        return self.user.has_usable_password()

    @property
    def form_class(self):
        return partial(AdminPasswordChangeForm, request=self.request)

    def get_form(self):
        # Wagtail's account view makes its panels again to show a refused form, and each new form would check the
        # old password again (two attempts counted for one): the request keeps the form it checked.
        forms = self.request.__dict__.setdefault("_account_panel_forms", {})
        if self.name not in forms:
            forms[self.name] = super().get_form()
        return forms[self.name]


@hooks.register("register_account_settings_panel")
def limited_change_password_panel(request, user, profile):
    return LimitedChangePasswordPanel(request, user, profile)
