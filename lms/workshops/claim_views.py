"""Claiming a workshop record with its code (anyone), and the claim codes of a workshop (its staff only).

The claim takes two steps: the code (counted against the client's rate limit, like certificate lookups), then
an email address and password for a new account, or, when logged in, one click to add it to the account they have.
Between the two, the session remembers which participant and code were checked; the code is checked again when the
claim is made, so a code reset or used meanwhile no longer works.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.accounts.forms import SignUpForm, too_many_attempts_message
from lms.accounts.models import EMAIL_TAKEN
from lms.accounts.ratelimit import RateLimit
from lms.workshops import claims
from lms.workshops.certification import claim_url
from lms.workshops.models import Participant
from lms.workshops.selectors import workshop_of

CLAIM_LOOKUPS = RateLimit("workshop-claim", limit=10, window=15 * 60)
PENDING = "workshop_claim"  # session: the participant and code checked at the first step
CLAIMED = "workshop_claimed"  # session: the participant this browser has just claimed (a second submit)
TEMPLATE = "lms/workshops/claim.html"


def _code_form(request, *, error: str = "", typed: str = "", status: int = 200):
    return render(request, TEMPLATE, {"error": error, "code": typed[:30]}, status=status)


def _pending(request) -> Participant | None:
    """The participant whose code this browser checked, if that code still works."""
    data = request.session.get(PENDING)
    if not isinstance(data, dict):
        return None
    participant = claims.participant_for_code(str(data.get("code", "")))
    if participant is None or participant.pk != data.get("participant"):
        request.session.pop(PENDING, None)
        return None
    return participant


def _step_two(request, participant: Participant, form=None, status: int = 200):
    if form is None and not request.user.is_authenticated:
        form = SignUpForm(
            initial={"display_name": participant.name, "preferred_language": participant.workshop.language}
        )
    return render(
        request,
        TEMPLATE,
        {"participant": participant, "workshop": participant.workshop, "form": form, "claim_url": request.path},
        status=status,
    )


def _done(request, participant: Participant):
    request.session.pop(PENDING, None)
    request.session[CLAIMED] = participant.pk
    messages.success(
        request,
        _("Your record of the workshop “%(workshop)s” is in your account: find it in My learning.")
        % {"workshop": participant.workshop.title},
    )
    return redirect("progress:dashboard")


def claim(request):
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action == "forget":
        request.session.pop(PENDING, None)
        return redirect("workshops:claim")
    if action == "code":
        return _check_code(request)
    participant = _pending(request)
    if action in ("create", "attach") and participant is None:
        if request.session.get(CLAIMED) and request.user.is_authenticated:
            messages.info(request, _("Your workshop record is already in your account."))
            return redirect("progress:dashboard")
        return _code_form(
            request,
            error=_(
                "This claim code no longer works: it has been used, or the facilitator gave you a new one. "
                "Type the code you were given last."
            ),
            status=409,
        )
    if participant is None:
        return _code_form(request)
    if action == "attach":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        try:
            claims.claim_into_account(participant_pk=participant.pk, code=participant.claim_code, learner=request.user)
        except claims.CodeNotValid:
            return _code_form(request, error=_("This claim code no longer works."), status=409)
        return _done(request, participant)
    if action == "create" and not request.user.is_authenticated:
        return _create_account(request, participant)
    return _step_two(request, participant)


def _check_code(request):
    typed = request.POST.get("code", "")
    if not typed.strip():
        return _code_form(request, error=_("Type the claim code printed on your certificate."), status=400)
    wait = CLAIM_LOOKUPS.reserve(request)
    if wait:
        return _code_form(request, error=too_many_attempts_message(wait), typed=typed, status=429)
    participant = claims.participant_for_code(typed)
    if participant is None:
        return _code_form(
            request,
            error=_("No record has the claim code “%(code)s”, or it has been used. Check each character and try again.")
            % {"code": typed[:30]},
            typed=typed,
            status=404,
        )
    request.session[PENDING] = {"participant": participant.pk, "code": participant.claim_code}
    request.session.pop(CLAIMED, None)
    return redirect("workshops:claim")


def _create_account(request, participant: Participant):
    form = SignUpForm(request.POST)
    if not form.is_valid():
        return _step_two(request, participant, form=form, status=400)
    is_active = not settings.ACCOUNTS_REQUIRE_EMAIL_CONFIRMATION
    try:
        account = claims.claim_as_new_account(
            participant_pk=participant.pk,
            code=participant.claim_code,
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            display_name=form.cleaned_data["display_name"],
            preferred_language=form.cleaned_data["preferred_language"],
            is_active=is_active,
        )
    except claims.CodeNotValid:
        return _code_form(request, error=_("This claim code no longer works."), status=409)
    except IntegrityError:  # another account took the address between the form's check and the save
        form.add_error("email", EMAIL_TAKEN)
        return _step_two(request, participant, form=form, status=400)
    if not is_active:
        from lms.accounts.views import _send_confirmation  # the sign-up's own confirmation mail

        request.session.pop(PENDING, None)
        _send_confirmation(request, account)
        return render(
            request,
            "lms/accounts/confirm_sent.html",
            {"email": account.email, "heading": _("Confirm your email address")},
        )
    login(request, account, backend="lms.accounts.backends.EmailOrUsernameBackend")
    return _done(request, participant)


@login_required
def claim_codes(request, workshop_id):
    """The codes of the workshop's participants who have no account yet, for the facilitator to hand out."""
    workshop = workshop_of(request.user, workshop_id)
    participants = workshop.participants.filter(has_own_account=False, claimed_at__isnull=True).order_by("name", "pk")
    return render(
        request,
        "lms/workshops/claim_codes.html",
        {"workshop": workshop, "participants": participants, "claim_address": claim_url(translation.get_language())},
    )


@login_required
@require_POST
def claim_code_reset(request, workshop_id, participant_id):
    workshop = workshop_of(request.user, workshop_id)
    participant = get_object_or_404(workshop.participants, pk=participant_id)
    if participant.has_own_account or participant.claimed_at is not None:
        raise Http404(_("This participant has an account: there is no code to reset."))
    code = claims.claim_code_reset(participant=participant)
    messages.success(
        request,
        _("New claim code for %(name)s: %(code)s. The old code no longer works.")
        % {"name": participant.name, "code": code},
    )
    return redirect("workshops:claim_codes", workshop_id=workshop.pk)
