from django import template
from django.utils import translation

from curriculum.i18n import date_range
from lms.workshops import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def runs_workshops(context) -> bool:
    request = context.get("request")
    return bool(request) and selectors.may_run_workshops(request.user)


@register.inclusion_tag("lms/workshops/my_workshops.html", takes_context=True)
def my_workshops(context):
    """A learner's own workshops on "My learning": their attendance and paper results, nothing of anyone else."""
    request = context["request"]
    attended = selectors.workshops_attended(request.user, translation.get_language())
    return {"my_workshops": attended, "request": request}


@register.filter
def participant_details(participant, grid):
    """The participant's cells of the follow-up grid, as the exports have them."""
    return grid.details(participant)


@register.simple_tag
def workshop_dates(workshop) -> str:
    """Its days in the page's language, as its printed sheets and certificates write them ("du 1er au 3 décembre")."""
    return date_range(workshop.starts_on, workshop.ends_on, translation.get_language())
