from django import template
from django.urls import reverse

from lms.credentials import documents

register = template.Library()


@register.simple_tag
def linkedin_url(certificate, language):
    return documents.linkedin_url(certificate, certificate.pdf_language(language))


@register.simple_tag
def public_credential_url(certificate, language):
    """The credential a verification page verifies, in the reader's language if the course exists in it."""
    return reverse("credentials:public", args=[certificate.token, certificate.pdf_language(language)])
