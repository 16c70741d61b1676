"""Institute staff see the certificates issued for their institute's courses in the admin and revoke one, with a
reason; another institute's certificates are out of their reach. Nobody adds or edits one: certificates are issued by
completing a course."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from curriculum.admin_scope import InstituteScopedPolicy, ScopedModelViewSet
from lms.certificates import services
from lms.certificates.models import Certificate


class RevocationForm(forms.ModelForm):
    revoke = forms.BooleanField(label=_("Revoke this certificate"), required=False)

    class Meta:
        model = Certificate
        fields = ["revocation_reason"]

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["revoke"].initial = self.instance.is_revoked

    def clean(self):
        cleaned = super().clean()
        if self.instance.holder_deleted and not cleaned.get("revoke"):
            self.add_error("revoke", _("The holder deleted their account: this certificate stays revoked."))
        elif (
            cleaned.get("revoke")
            and not cleaned.get("revocation_reason", "").strip()
            and not self.instance.holder_deleted
        ):
            self.add_error(
                "revocation_reason", _("Say why the certificate is revoked: the verification page shows it.")
            )
        return cleaned

    def save(self, commit=True):
        if self.cleaned_data.get("revoke"):
            return services.certificate_revoke(certificate=self.instance, reason=self.cleaned_data["revocation_reason"])
        self.instance.revoked_at = None
        self.instance.save(update_fields=["revoked_at", "revocation_reason"])
        return self.instance


class CertificatePolicy(InstituteScopedPolicy):
    def user_has_permission(self, user, action):
        return action != "add" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class CertificateViewSet(ScopedModelViewSet):
    model = Certificate
    icon = "doc-full-inverse"
    menu_label = _("Certificates")
    menu_order = 320
    add_to_admin_menu = True
    list_display = ["code", "learner_name", "completed_on", "revoked_at"]
    search_fields = ["code", "learner_name"]
    form_fields = ["revocation_reason"]
    copy_view_enabled = False
    inspect_view_enabled = True

    def get_form_class(self, for_update=False):
        return RevocationForm


register_permission_policy(Certificate, CertificatePolicy(Certificate, institute_key_field="institute_key"))
certificate_viewset = CertificateViewSet("issued_certificates")


@hooks.register("register_admin_viewset")
def register_certificate_viewset():
    return certificate_viewset
