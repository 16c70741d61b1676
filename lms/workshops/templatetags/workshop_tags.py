from django import template
from django.utils import translation

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
