"""The service worker, a course's manifest, the offline page, and the endpoint that receives what was done offline.

Nothing here is needed without JavaScript: the course page's button and the offline queue are added by
static/js/offline.js, which registers the service worker only when a learner keeps a course.
"""

import json
import uuid

from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from curriculum.models import CoursePage
from curriculum.selectors.languages import live_page
from lms.offline import services
from lms.offline.manifest import course_manifest

SERVICE_WORKER = "js/sw.js"


@require_GET
def service_worker(request):
    """static/js/sw.js from the site's root, so its scope covers every language. Browsers check a registered worker
    for updates at most once a day whatever it says; no-cache makes each of those checks reach this server."""
    with open(finders.find(SERVICE_WORKER), "rb") as script:
        response = HttpResponse(script.read(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


def _visible_course_or_404(request, course_key: uuid.UUID) -> CoursePage:
    course = live_page(CoursePage, course_key, translation.get_language())
    if course is None:
        raise Http404(_("This course does not exist or is not published."))
    # A course behind a password or a group: kept only by someone who may open it (its pages would be login forms).
    if any(not restriction.accept_request(request) for restriction in course.get_view_restrictions()):
        raise Http404(_("This course does not exist or is not published."))
    return course


@require_GET
@never_cache
def manifest(request, course_key):
    course = _visible_course_or_404(request, course_key)
    return JsonResponse(course_manifest(course, request).as_json())


@require_GET
@never_cache
def version(request, course_key):
    """The kept copy's question on every page opened online: a few bytes, the manifest only when it changed."""
    course = _visible_course_or_404(request, course_key)
    return JsonResponse({"version": course_manifest(course, request).version})


def offline_page(request):
    """What a phone shows for a page it has not kept; the list of what it has is filled in by offline.js."""
    return render(request, "lms/offline/offline.html")


@require_http_methods(["GET", "POST"])
@never_cache
def sync(request):
    """GET: before sending, the phone asks whether it is still logged in, and for a fresh CSRF token (the one in a
    page kept for days may be stale). POST: one action as JSON, answered with its result."""
    if not request.user.is_authenticated:
        message = _("You are not logged in any more. Log in again to send what is waiting: it stays on this phone.")
        return JsonResponse({"status": "login", "message": message}, status=401)
    if request.method == "GET":
        return JsonResponse({"status": "ready", "csrf": get_token(request), "learner": str(request.user.pk)})
    try:
        action = json.loads(request.body)
        kind = action["kind"]
        if kind not in services.KINDS:
            raise ValueError(kind)
        key, target_key = uuid.UUID(str(action["id"])), uuid.UUID(str(action["key"]))
        revision = int(action["revision"]) if action.get("revision") not in (None, "") else None
        answers = {
            str(question): [str(value) for value in values][:50]
            for question, values in dict(action.get("answers") or {}).items()
            if isinstance(values, list)
        }
    except (ValueError, KeyError, TypeError, AttributeError):
        return JsonResponse(
            {"status": "invalid", "message": _("This could not be read. Nothing was changed.")}, status=400
        )
    result = services.offline_action_apply(
        learner=request.user,
        key=key,
        kind=kind,
        target_key=target_key,
        language=translation.get_language(),
        revision=revision,
        answers=answers,
    )
    return JsonResponse(result.as_json(), status=200 if result.status == services.DONE else 409)
