"""The offline script's tag: the script, with the site's addresses and its interface strings in the page's language
as data attributes, so it needs no request of its own for them (nor Django's JavaScript catalogue)."""

import json

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


def _both_forms(translate) -> dict[str, str]:
    """A plural string's forms for 1 and for more, %(count)s left in: the script picks one (it never shows 0)."""
    return {"one": translate(1), "other": translate(2)}


def interface_strings() -> dict:
    return {
        "keep": _("Keep this course on my phone"),
        "size": _("It takes %(size)s on your phone."),
        "kilobytes": _("%(number)s KB"),
        "megabytes": _("%(number)s MB"),
        "saving": _("Saving for offline reading: %(done)s of %(total)s files…"),
        "saved": _("Kept on this phone (%(size)s): you can read this course without a connection."),
        "save-failed": _("Saving stopped (the connection was lost, or the phone is full). Nothing is kept: try again."),
        "kept": _("Kept on this phone"),
        "remove": _("Remove from this phone"),
        "removed": _("Removed from this phone."),
        "queued-lesson": _("No connection: this is kept on your phone and sent when you are back online."),
        "queued-quiz": _(
            "No connection: your answers are kept on your phone. They are sent and graded when you are back online."
        ),
        "queued-quiz-visitor": _(
            "No connection: your answers are kept on your phone. Once you are back online, log in or create an "
            "account to have them sent and graded."
        ),
        "waiting-quizzes": _both_forms(
            lambda count: ngettext("%(count)s quiz waiting to be sent", "%(count)s quizzes waiting to be sent", count)
        ),
        "waiting-lessons": _both_forms(
            lambda count: ngettext(
                "%(count)s lesson marked complete, waiting to be sent",
                "%(count)s lessons marked complete, waiting to be sent",
                count,
            )
        ),
        "sending": _("Sending what you did offline…"),
        "see-result": _("See the result"),
        "open-quiz": _("Open the quiz"),
        "log-in": _("Log in"),
        "sign-up": _("Create an account"),
        "log-in-to-send": _(
            "Log in or create an account to send your answers and see your result. They stay on this phone until you "
            "do."
        ),
        "discard": _("Discard"),
        "nothing-kept": _("No course is kept on this phone yet."),
        "updated": _("Updated to the latest version of the course on %(date)s."),
        "removed-on-logout": _(
            "The courses kept on this phone were removed from it, so that the next person cannot see your learning."
        ),
    }


@register.simple_tag(takes_context=True)
def offline_script(context):
    # Whose actions this page queues: a phone shared by two learners sends each one's only in their own session.
    user = getattr(context.get("request"), "user", None)
    learner = user.pk if user is not None and user.is_authenticated else ""
    return format_html(
        '<script src="{}" defer data-sync-url="{}" data-offline-url="{}" data-login-url="{}" data-signup-url="{}"'
        ' data-worker-url="/sw.js" data-learner="{}" data-static-url="{}" data-media-url="{}"'
        ' data-strings="{}"></script>',
        static("js/offline.js"),
        reverse("offline:sync"),
        reverse("offline:page"),
        reverse("accounts:login"),
        reverse("accounts:signup"),
        learner,
        settings.STATIC_URL,
        settings.MEDIA_URL,
        json.dumps(interface_strings(), ensure_ascii=False),
    )
