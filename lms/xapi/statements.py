"""xAPI 1.0.3 statements of learning events, written to the outbox in the caller's transaction.

The services that record an event call one of the `record_*` functions inside the transaction that records it;
each does nothing unless LRS_URL is set. What a statement says:
- actor: the learner as an account of this site (homePage: the site's address, name: their LearnerActor's random id),
  never their email address or name;
- verb: from ADL's vocabulary (registered, completed, passed, failed, attended);
- object: an activity whose id is the site's address and the content's translation_key, the same in every language,
  so that the LRS counts a course taken in French and in English as one; its name is in the language of the page
  the learner used, and moreInfo is that page's address;
- context: a registration (one per learner and course), the platform, the language, the course as parent.
"""

import uuid
from contextlib import nullcontext
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext, override
from wagtail.models import Page

from lms.records import create_or_read_back
from lms.xapi.models import LearnerActor, OutboxStatement
from lms.xapi.tasks import send_soon

ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
ADL_ACTIVITIES = "http://adlnet.gov/expapi/activities/"
ACTIVITY_TYPES = {"course": "course", "lesson": "lesson", "quiz": "assessment", "session": "meeting"}


def records_enabled() -> bool:
    return bool(settings.LRS_URL)


def event_transaction():
    """The transaction in which a service records an event and its statement together; without an LRS there is no
    statement to write, and no transaction (nor savepoint) is opened for it."""
    return transaction.atomic() if records_enabled() else nullcontext()


def activity_id(kind: str, key) -> str:
    return f"{settings.PUBLIC_BASE_URL}/xapi/activities/{kind}/{key}"


def _activity(kind: str, key, *, name: str | None = None, language: str | None = None, url: str | None = None):
    activity = {"objectType": "Activity", "id": activity_id(kind, key)}
    definition = {"type": ADL_ACTIVITIES + ACTIVITY_TYPES[kind]}
    if name:
        definition["name"] = {language: name}
    if url:
        definition["moreInfo"] = url
    activity["definition"] = definition
    return activity


def _page_activity(kind: str, page: Page) -> dict:
    return _activity(kind, page.translation_key, name=page.title, language=page.locale.language_code, url=page.full_url)


def _actor(learner) -> tuple[dict, uuid.UUID]:
    actor, _created = create_or_read_back(LearnerActor, unique={"learner": learner})
    account = {"homePage": settings.PUBLIC_BASE_URL + "/", "name": str(actor.name)}
    return {"objectType": "Agent", "account": account}, actor.name


def _record(
    *,
    learner,
    verb: str,
    activity: dict,
    course_key,
    language: str,
    parents: list[dict] = (),
    grouping: list[dict] = (),
    result: dict | None = None,
    timestamp: datetime | None = None,
) -> OutboxStatement:
    actor, actor_name = _actor(learner)
    row = OutboxStatement(learner=learner, verb=verb)
    context = {
        # One registration per learner and course, the same whenever it is computed.
        "registration": str(uuid.uuid5(actor_name, str(course_key))),
        "platform": settings.WAGTAIL_SITE_NAME,
        "language": language,
    }
    context_activities = {"parent": list(parents), "grouping": list(grouping)}
    if any(context_activities.values()):
        context["contextActivities"] = {key: value for key, value in context_activities.items() if value}
    row.statement = {
        "id": str(row.statement_id),
        "actor": actor,
        "verb": {"id": ADL_VERBS + verb, "display": {"en-US": verb}},
        "object": activity,
        "context": context,
        "timestamp": (timestamp or timezone.now()).isoformat(),
        **({"result": result} if result else {}),
    }
    row.save()
    send_after_commit()
    return row


def record_registered(*, learner, course: Page) -> OutboxStatement | None:
    """A learner enrolled in a course."""
    if not records_enabled():
        return None
    return _record(
        learner=learner,
        verb="registered",
        activity=_page_activity("course", course),
        course_key=course.translation_key,
        language=course.locale.language_code,
    )


def record_completed(*, learner, page: Page, course_key) -> OutboxStatement | None:
    """A learner completed a lesson (`page` a lesson) or a whole course (`page` the course)."""
    if not records_enabled():
        return None
    is_course = page.translation_key == course_key
    return _record(
        learner=learner,
        verb="completed",
        activity=_page_activity("course" if is_course else "lesson", page),
        course_key=course_key,
        language=page.locale.language_code,
        parents=[] if is_course else [_activity("course", course_key)],
        result={"completion": True},
    )


def record_graded(*, attempt, quiz: Page) -> OutboxStatement | None:
    """A quiz attempt graded (online or from a paper sheet): passed or failed, with its score in percent."""
    if not records_enabled():
        return None
    score = Decimal(attempt.score)
    return _record(
        learner=attempt.learner,
        verb="passed" if attempt.passed else "failed",
        activity=_page_activity("quiz", quiz),
        course_key=attempt.course_key,
        language=attempt.language,
        parents=[_activity("course", attempt.course_key)],
        result={
            "score": {"scaled": float(score / 100), "raw": float(score), "min": 0, "max": 100},
            "success": bool(attempt.passed),
            "completion": True,
        },
        timestamp=attempt.submitted_at,
    )


def record_attended(*, participant, session) -> OutboxStatement | None:
    """A workshop participant attended a session (present or late): the session is a meeting of the workshop,
    named in the workshop's language."""
    if not records_enabled():
        return None
    workshop = session.workshop
    with override(workshop.language):
        name = gettext("%(workshop)s, session %(number)s") % {"workshop": workshop.title, "number": session.number}
    workshop_activity = {"objectType": "Activity", "id": activity_id("workshop", workshop.code)}
    return _record(
        learner=participant.learner,
        verb="attended",
        activity=_activity("session", f"{workshop.code}/{session.number}", name=name, language=workshop.language),
        course_key=workshop.course_key,
        language=workshop.language,
        parents=[workshop_activity],
        grouping=[_activity("course", workshop.course_key)],
    )


def outbox_move(*, source, target) -> None:
    """A held account's statements not yet sent, kept for the account its records move into (it is deleted next).
    They keep the actor they were written with: the LRS may have stored one already, and a resend must be the
    same statement."""
    OutboxStatement.objects.filter(learner=source).exclude(status=OutboxStatement.Status.SENT).update(learner=target)


def send_after_commit() -> None:
    """Ask the learning_records queue to send the outbox once this transaction commits: once per transaction,
    however many statements it wrote (Django keeps the transaction's on-commit callbacks in run_on_commit, as its
    own captureOnCommitCallbacks reads them). Robust: a queue that cannot be reached loses nothing (the outbox row
    is committed, and the next send takes it) and never fails the learner's page."""
    if connection.in_atomic_block and any(callback is send_soon for _ids, callback, *_ in connection.run_on_commit):
        return
    transaction.on_commit(send_soon, robust=True)
