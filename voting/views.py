"""Voting pages: the ballot of each method (a plain form, enhanced by voting/ballot.js),
paper entry by a table host, opening and closing, results and the published files."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samenspel.models import User

from . import forms, methods, result_page, rules, selectors, services
from .models import CastVia, Eligibility, Option, Poll


def euro(amount: int | None) -> str:
    """Dutch notation for whole euros: 150.000, -7.000."""
    return f"{amount or 0:,}".replace(",", ".")


YES_NO_CHOICES = [(key, gettext_lazy(label)) for key, label in selectors.YES_NO_LABELS.items()]


def poll_list(request: HttpRequest) -> HttpResponse:
    """Open polls for the visitor, polls they manage, and everyone's results; ``?bij=`` keeps
    those of one context (a summit's vote step links to ``/stemmen/?bij=summit:<slug>``)."""
    signed_in = request.user.is_authenticated
    scope = request.GET.get("bij", "").strip()[:200]
    services.polls_due()
    if signed_in:
        services.poll_electorate_join(user=request.user)  # type: ignore[arg-type]
    managed = [
        poll
        for poll in selectors.within(Poll.objects.exclude(status=Poll.Status.CLOSED), scope)
        if signed_in and rules.can_manage_poll(request.user, poll)
    ]
    return render(
        request,
        "voting/poll_list.html",
        {
            "open_polls": selectors.open_polls_for(request.user, scope) if signed_in else [],
            "managed": managed,
            "closed": selectors.within(selectors.closed_polls(), scope)[:20],
            "scope": scope,
            "elsewhere": [
                {"poll": poll, "reason": not_eligible_reason(request.user, poll)}
                for poll in selectors.open_polls_elsewhere(request.user)
            ]
            if signed_in and not scope
            else [],
        },
    )


def not_eligible_reason(user: Any, poll: Poll) -> str:
    """Why this person may not vote in this open poll, in words they can act on."""
    if poll.electorate == Poll.Electorate.NEIGHBOURHOOD and poll.neighbourhood_id:
        place = poll.neighbourhood.name  # type: ignore[union-attr]
        home = getattr(user, "neighbourhood", None)
        if home is None:
            return _(
                "Deze peiling is alleen voor inwoners van %(place)s. Wij weten niet in welke "
                "wijk u woont; neem contact op met de gemeente als u daar woont."
            ) % {"place": place}
        return _(
            "Deze peiling is alleen voor inwoners van %(place)s. Volgens onze gegevens woont "
            "u in %(home)s, dus u kunt hier niet stemmen."
        ) % {"place": place, "home": home.name}
    if poll.electorate == Poll.Electorate.ALL:
        return _(
            "Deze peiling is voor inwoners van Diemen. U staat bij ons niet als inwoner "
            "ingeschreven, dus u kunt hier niet stemmen."
        )
    return _("U staat niet op de lijst van deelnemers aan deze stemming.")


def _ballot_context(
    request: HttpRequest, poll: Poll, state: forms.BallotState, error: str = ""
) -> dict[str, Any]:
    options = selectors.poll_options(poll)
    by_key = {option.key: option for option in options}
    eligibility = Eligibility.objects.filter(poll=poll, participant=request.user.pk).first()
    chosen_cost = sum(by_key[key].cost or 0 for key in state.picked if key in by_key)
    kind = poll.voting_method
    rows = [
        {
            "option": option,
            "picked": option.key in state.picked,
            "value": state.numbers.get(option.key, ""),
            "cost": euro(option.cost),
        }
        for option in options
    ]
    ranked_rows = [{"option": by_key[key]} for key in state.ranking if key in by_key]
    unranked_rows = [{"option": o} for o in options if o.key not in state.ranking]
    return {
        "poll": poll,
        "rows": rows,
        "ranked_rows": ranked_rows,
        "unranked_rows": unranked_rows,
        "error": error,
        "eligibility": eligibility,
        "can_cast": rules.can_cast_ballot(request.user, poll)
        and (eligibility is None or eligibility.cast_via != CastVia.PAPER),
        "can_manage": rules.can_manage_poll(request.user, poll),
        "can_paper": rules.can_enter_paper_ballot(request.user, poll),
        "tracker": selectors.own_tracker(poll, request.user.pk),
        "turnout": selectors.turnout(poll),
        "is_ranked": kind.shape is methods.RANKING,
        "is_budget": kind.needs_budget,
        "is_choice": kind.shape is methods.CHOICE,
        "is_yes_no": kind.shape is methods.YES_NO,
        "is_graded": kind.shape is methods.GRADES,
        "is_dot": kind.shape is methods.POINTS,
        "grades": [(g, gettext_lazy(label)) for g, label in enumerate(kind.grade_labels)]
        if kind.grade_labels
        else [(g, str(g)) for g in range(methods.MAX_GRADE + 1)],
        "yes_no_choices": YES_NO_CHOICES,
        "money_left": euro((poll.budget or 0) - chosen_cost),
        "budget": euro(poll.budget),
        "revision": eligibility.revision if eligibility else 0,
    }


@login_required
def poll_ballot(request: HttpRequest, pk: int) -> HttpResponse:
    """GET shows the ballot; POST casts it, or moves an option when a ranking button was
    pressed without JavaScript."""
    if request.method == "POST" and not request.POST.get("move"):
        return _ballot_post(request, pk)
    services.polls_due()
    services.poll_electorate_join(user=request.user)  # type: ignore[arg-type]
    poll = get_object_or_404(Poll, pk=pk)
    if not rules.can_view_poll(request.user, poll):
        if poll.status == Poll.Status.OPEN:
            return render(
                request,
                "voting/not_eligible.html",
                {"poll": poll, "reason": not_eligible_reason(request.user, poll)},
                status=403,
            )
        raise PermissionDenied
    if poll.status == Poll.Status.CLOSED and request.method != "POST":
        return redirect("poll_results", pk=poll.pk)
    options = selectors.poll_options(poll)
    if request.method != "POST":
        state = forms.initial_state(options)
        context = _ballot_context(request, poll, state)
        context["cast"] = _shown_cast(request, poll, options, context["eligibility"])
        response = render(request, "voting/ballot.html", context)
        if CAST_COOKIE in request.COOKIES:
            # Shown once: gone from the browser, and the page is not kept in its cache.
            response.delete_cookie(CAST_COOKIE, path=request.path, samesite="Lax")
            add_never_cache_headers(response)
        return response
    state = forms.state_from_post(options, request.POST)
    forms.move(state, request.POST["move"], options)
    return render(request, "voting/ballot.html", _ballot_context(request, poll, state))


def _ballot_post(request: HttpRequest, pk: int) -> HttpResponse:
    """Cast a ballot. A thousand voters may press at once, so an accepted cast reads the
    poll and its options once and leaves every check to the service (eligible, open, the
    revision), then redirects; only a refused one pays for the permission check and the
    page with its message."""
    found = selectors.poll_with_options(pk)
    if found is None:
        raise Http404
    poll, options = found
    try:
        choice = forms.choice_from_post(poll, options, request.POST)
        receipt = services.ballot_cast(
            poll=poll,
            participant=request.user,  # type: ignore[arg-type]
            choice=choice,
            expected_revision=forms.revision_from_post(request.POST),
            options=options,
        )
    except services.VotingError as error:
        if not rules.can_view_poll(request.user, poll):
            raise PermissionDenied from error
        state = forms.state_from_post(options, request.POST)
        context = _ballot_context(request, poll, state, error=str(error))
        return render(request, "voting/ballot.html", context, status=400)
    if receipt.replaced:
        messages.success(request, _("Uw nieuwe stem vervangt uw eerdere stem."))
    else:
        messages.success(request, _("Uw stem is opgeslagen."))
    response = redirect("poll_ballot", pk=poll.pk)
    _remember_cast(response, request, poll, receipt)
    return response


# The choice just cast travels to the confirmation in a short-lived signed cookie of the
# voter's own browser, which the page deletes as it shows it: the server stores nothing
# that joins the voter to what they voted (docs/voting.md, "The confirmation").
CAST_COOKIE = "samenspel_stem"
CAST_COOKIE_SECONDS = 120


def _remember_cast(
    response: HttpResponse, request: HttpRequest, poll: Poll, receipt: services.Receipt
) -> None:
    value = signing.dumps(
        {"poll": poll.pk, "voter": request.user.pk, "revision": receipt.revision,
         "content": receipt.content},
        salt=CAST_COOKIE,
        compress=True,
    )
    response.set_cookie(
        CAST_COOKIE,
        value,
        max_age=CAST_COOKIE_SECONDS,
        path=reverse("poll_ballot", args=[poll.pk]),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _shown_cast(
    request: HttpRequest, poll: Poll, options: list[Option], eligibility: Eligibility | None
) -> dict[str, Any] | None:
    """The choice this voter has just cast, read from the cookie if it is theirs, for this
    poll and their latest ballot; else None."""
    value = request.COOKIES.get(CAST_COOKIE)
    if not value or eligibility is None:
        return None
    try:
        cast = signing.loads(value, salt=CAST_COOKIE, max_age=CAST_COOKIE_SECONDS)
    except signing.BadSignature:
        return None
    if (cast.get("poll"), cast.get("voter"), cast.get("revision")) != (
        poll.pk, request.user.pk, eligibility.revision
    ):
        return None
    return selectors.cast_choice(poll, options, cast.get("content"))


@login_required
def poll_paper(request: HttpRequest, pk: int) -> HttpResponse:
    """A table host enters a paper ballot for a participant at their table who has not
    voted (a manager: for anyone eligible), picked from a list they can search by name."""
    poll = get_object_or_404(Poll, pk=pk)
    if not rules.can_enter_paper_ballot(request.user, poll):
        raise PermissionDenied
    options = selectors.poll_options(poll)
    search = (request.POST.get("zoek") or request.GET.get("zoek") or "").strip()[:100]
    waiting, waiting_total = selectors.paper_ballot_waiting(poll, request.user, search)
    state = forms.initial_state(options)
    error = ""
    status = 200
    if request.method == "POST":
        state = forms.state_from_post(options, request.POST)
        if request.POST.get("move"):
            forms.move(state, request.POST["move"], options)
        else:
            participant = User.objects.filter(pk=request.POST.get("participant") or 0).first()
            try:
                if participant is None:
                    raise services.VotingError(_("Kies voor wie deze papieren stem is."))
                choice = forms.choice_from_post(poll, options, request.POST)
                services.paper_ballot_cast(
                    poll=poll,
                    participant=participant,
                    choice=choice,
                    by=request.user,  # type: ignore[arg-type]
                )
            except services.VotingError as refused:
                error, status = str(refused), 400
            else:
                messages.success(
                    request,
                    _("De papieren stem van %(name)s is ingevoerd.")
                    % {"name": participant.public_name},
                )
                return redirect("poll_paper", pk=poll.pk)
    context = _ballot_context(request, poll, state, error=error)
    context.update(
        {
            "waiting": waiting,
            "waiting_more": waiting_total - len(waiting),
            "search": search,
            "chosen": request.POST.get("participant", ""),
            "paper": True,
            "can_cast": True,
            "tracker": None,
        }
    )
    return render(request, "voting/paper.html", context, status=status)


@login_required
@require_POST
def poll_manage(request: HttpRequest, pk: int) -> HttpResponse:
    poll = get_object_or_404(Poll, pk=pk)
    action = request.POST.get("action")
    try:
        if action == "open":
            services.poll_open(poll=poll, by=request.user)  # type: ignore[arg-type]
            messages.success(request, _("De stemming is geopend."))
        elif action == "close":
            services.poll_close(poll=poll, by=request.user)  # type: ignore[arg-type]
            messages.success(request, _("De stemming is gesloten en geteld."))
            return redirect("poll_results", pk=poll.pk)
    except services.VotingForbidden as error:
        raise PermissionDenied(str(error)) from error
    except services.VotingError as error:
        messages.error(request, str(error))
    return redirect("poll_ballot", pk=poll.pk)


@require_GET
def poll_results(request: HttpRequest, pk: int) -> HttpResponse:
    poll = get_object_or_404(Poll, pk=pk)
    if poll.status != Poll.Status.CLOSED:
        if not rules.can_view_poll(request.user, poll):
            raise PermissionDenied
        return render(
            request,
            "voting/not_yet.html",
            {"poll": poll, "turnout": selectors.turnout(poll)},
        )
    result = poll.result
    return render(
        request,
        "voting/results.html",
        {
            "poll": poll,
            "result": result,
            "page": result_page.context(poll, result),
            "is_yes_no": poll.voting_method.shape is methods.YES_NO,
            "is_budget": poll.voting_method.needs_budget,
            "report_url": result_page.REPORT_PAGE(poll),
            "tracker": selectors.own_tracker(poll, request.user.pk)
            if request.user.is_authenticated
            else None,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def poll_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """Look up a receipt (bewijscode) of a closed poll: counted (with the ballot as the
    published tracker list has it), replaced by a later ballot, or not found. The code is
    posted, not put in the address, so it stays out of access logs and browser history."""
    poll = get_object_or_404(Poll, pk=pk)
    if not rules.can_view_poll(request.user, poll):
        raise PermissionDenied
    found = None
    if request.method == "POST":
        found = selectors.receipt_lookup(poll, request.POST.get("code", "")[:40])
    options = selectors.poll_options(poll)
    return render(
        request,
        "voting/receipt.html",
        {
            "poll": poll,
            "found": found,
            "cast": selectors.cast_choice(poll, options, found.content)
            if found and found.status == "counted"
            else None,
            "is_budget": poll.voting_method.needs_budget,
        },
    )


def _published(pk: int) -> Poll:
    poll = get_object_or_404(Poll, pk=pk, status=Poll.Status.CLOSED)
    return poll


@require_GET
def poll_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The shuffled, anonymised ballots in PrefLib, Pabulib or tracker-list form."""
    result = _published(pk).result
    response = HttpResponse(result.file_text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{result.file_name}"'
    return response


@require_GET
def poll_tracker_file(request: HttpRequest, pk: int) -> HttpResponse:
    result = _published(pk).result
    response = HttpResponse(result.tracker_file_text, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{result.tracker_file_name}"'
    return response
