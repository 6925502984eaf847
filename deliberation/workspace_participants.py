"""The participants page of a summit's workspace: who is invited, checked in and seated; add
one person, import a file of invitees, make letters with login codes, the hall screen's
address. Thin: the services in ``deliberation/services/invitees.py`` check and write."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from samenspel import rules as core_rules
from samenspel.forms import show_refusal
from samenspel.models import InvitationCode
from voting import selectors as voting_selectors

from . import letters
from .invitee_file import FIELDS
from .models import Participant, Summit
from .participant_forms import (
    ColumnMappingForm,
    InviteeForm,
    InviteeUploadForm,
    LettersForm,
    ParticipantsVoteForm,
    encode_content,
)
from .services import invitees

PREVIEW_VALID_ROWS = 100  # rows without a remark the preview shows; all others are shown


def _summit_for(request: HttpRequest, slug: str) -> Summit:
    summit = get_object_or_404(Summit, slug=slug)
    if not core_rules.can_manage_participants(request.user, summit.scope):
        raise PermissionDenied
    return summit


def _closed(summit: Summit) -> bool:
    return summit.status not in {Summit.Status.DRAFT, Summit.Status.OPEN}


def _hall_url(request: HttpRequest, summit: Summit) -> str:
    return request.build_absolute_uri(
        reverse("summit_hall", args=[summit.slug, summit.hall_token])
    )


def _page(
    request: HttpRequest,
    summit: Summit,
    *,
    add_form: InviteeForm | None = None,
    upload_form: InviteeUploadForm | None = None,
    letters_form: LettersForm | None = None,
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    participants = list(
        Participant.objects.filter(summit=summit)
        .select_related("user", "user__neighbourhood", "table")
        .order_by("user__last_name", "user__first_name", "user__display_name", "pk")
    )
    user_ids = [p.user_id for p in participants]
    codes = InvitationCode.objects.filter(user__in=user_ids)
    used = set(codes.filter(used_at__isnull=False).values_list("user_id", flat=True))
    working = set(
        codes.filter(used_at__isnull=True)
        .exclude(expires_at__lte=now)
        .values_list("user_id", flat=True)
    )
    rows = []
    for participant in participants:
        user = participant.user
        if user.pk in used:
            code = _("Ingelogd")
        elif user.pk in working:
            code = _("Heeft een code")
        else:
            code = _("Nog geen code")
        rows.append({"participant": participant, "user": user, "code": code})
    waiting = invitees.invitees_without_code(summit, now)
    context: dict[str, Any] = {
        "summit": summit,
        "closed": _closed(summit),
        "rows": rows,
        "checked_in": sum(1 for p in participants if p.checked_in_at),
        "without_address": [user for user in waiting if not user.has_postal_address],
        "waiting": len(waiting),
        "hall_url": _hall_url(request, summit),
        "add_form": add_form or InviteeForm(),
        "upload_form": upload_form or InviteeUploadForm(),
        "letters_form": letters_form or LettersForm(),
        "letters_per_download": invitees.LETTERS_PER_DOWNLOAD,
        # Draft polls for a list of names this person may give voters: the participants
        # can be their voters (a vote after the day).
        "list_polls": voting_selectors.polls_for_a_list(request.user),
    }
    return render(
        request, "deliberation/workspace/participants.html", context, status=status
    )


@login_required
@require_GET
def participants(request: HttpRequest, slug: str) -> HttpResponse:
    return _page(request, _summit_for(request, slug))


@login_required
@require_POST
def participant_add(request: HttpRequest, slug: str) -> HttpResponse:
    summit = _summit_for(request, slug)
    form = InviteeForm(request.POST)
    if form.is_valid():
        try:
            participant = invitees.invitee_add(summit=summit, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is uitgenodigd.")
                % {"name": participant.user.get_full_name() or participant.user},
            )
            return redirect("summit_participants", slug=summit.slug)
    return _page(request, summit, add_form=form, status=400)


def _preview(
    request: HttpRequest, summit: Summit, check: invitees.ImportCheck, form: ColumnMappingForm
) -> HttpResponse:
    shown = []
    plain = 0
    for row in check.rows:
        if row.errors or row.skip_reason:
            shown.append(row)
        elif plain < PREVIEW_VALID_ROWS:
            shown.append(row)
            plain += 1
    return render(
        request,
        "deliberation/workspace/participants_import.html",
        {
            "summit": summit,
            "check": check,
            "form": form,
            "fields": FIELDS,
            "shown": shown,
            "hidden_rows": len(check.rows) - len(shown),
            "closed": _closed(summit),
        },
        status=400 if check.mapping_errors else 200,
    )


@login_required
@require_POST
def participants_import(request: HttpRequest, slug: str) -> HttpResponse:
    """An uploaded file: its preview. A mapped file: its preview again, or the import."""
    summit = _summit_for(request, slug)
    if "content" not in request.POST:
        upload = InviteeUploadForm(request.POST, request.FILES)
        if not upload.is_valid():
            return _page(request, summit, upload_form=upload, status=400)
        content = upload.cleaned_data["file"]
        try:
            check = invitees.invitees_check(summit=summit, content=content)
        except ValidationError as error:
            show_refusal(upload, error)
            return _page(request, summit, upload_form=upload, status=400)
        initial = {name: column for name, column in check.mapping.items()}
        form = ColumnMappingForm(
            initial={**initial, "content": encode_content(content)}, header=check.table.header
        )
        return _preview(request, summit, check, form)
    content_only = ColumnMappingForm(request.POST, header=[])
    content_only.is_valid()
    content = content_only.cleaned_data.get("content")
    if not isinstance(content, bytes):
        messages.error(request, _("Lees het bestand opnieuw in."))
        return redirect("summit_participants", slug=summit.slug)
    try:
        header = invitees.invitees_check(summit=summit, content=content).table.header
    except ValidationError:
        messages.error(request, _("Lees het bestand opnieuw in."))
        return redirect("summit_participants", slug=summit.slug)
    form = ColumnMappingForm(request.POST, header=header)
    form.is_valid()
    mapping = form.mapping()
    if request.POST.get("action") == "import" and form.is_valid():
        try:
            result = invitees.invitees_import(
                summit=summit, by=request.user, content=content, mapping=mapping
            )
        except ValidationError as error:
            if hasattr(error, "error_dict") and set(error.message_dict) <= set(FIELDS):
                show_refusal(form, error)
            else:
                form.add_error(None, error.messages)
        else:
            text = ngettext(
                "%(count)s persoon uitgenodigd.", "%(count)s mensen uitgenodigd.", len(result.added)
            ) % {"count": len(result.added)}
            if result.skipped:
                text += " " + ngettext(
                    "%(count)s was al uitgenodigd.", "%(count)s waren al uitgenodigd.", result.skipped
                ) % {"count": result.skipped}
            if result.refused:
                text += " " + ngettext(
                    "%(count)s rij met een fout is niet ingelezen.",
                    "%(count)s rijen met een fout zijn niet ingelezen.",
                    result.refused,
                ) % {"count": result.refused}
            messages.success(request, text)
            return redirect("summit_participants", slug=summit.slug)
    check = invitees.invitees_check(summit=summit, content=content, mapping=mapping)
    for field, message in check.mapping_errors.items():
        if not form.has_error(field):
            form.add_error(field, message)
    return _preview(request, summit, check, form)


@login_required
@require_POST
def participants_letters(request: HttpRequest, slug: str) -> HttpResponse:
    """Issue letter codes and send them as printable letters or a mail-merge file at once:
    only a hash of each code is kept, so this is the one moment the codes exist."""
    summit = _summit_for(request, slug)
    form = LettersForm(request.POST)
    if not form.is_valid():
        return _page(request, summit, letters_form=form, status=400)
    kind = form.cleaned_data["kind"]
    try:
        batch = invitees.invitee_letters_issue(
            summit=summit,
            by=request.user,
            now=timezone.now(),
            again=form.cleaned_data["again"],
            letters=kind in {"pdf", "zip"},
        )
    except ValidationError as error:
        show_refusal(form, error)
        return _page(request, summit, letters_form=form, status=400)
    login_url = request.build_absolute_uri(reverse("code_login"))
    name = slugify(summit.slug)
    if kind == "csv":
        response = HttpResponse(
            letters.letters_csv(batch, login_url), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="inlogcodes-{name}.csv"'
    elif kind == "zip":
        # Both from one issue: made one after the other, each would void the other's codes.
        response = HttpResponse(
            letters.letters_zip(batch, summit, login_url), content_type="application/zip"
        )
        response["Content-Disposition"] = f'attachment; filename="brieven-{name}.zip"'
    else:
        response = HttpResponse(
            letters.letters_pdf(batch, summit, login_url), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'attachment; filename="brieven-{name}.pdf"'
    response["Cache-Control"] = "no-store"  # the codes are in it
    return response


@login_required
@require_GET
def hall_qr(request: HttpRequest, slug: str) -> HttpResponse:
    """The hall screen's address as a QR code (SVG), to open it on the projector's laptop."""
    summit = _summit_for(request, slug)
    response = HttpResponse(
        letters.qr_svg(_hall_url(request, summit)), content_type="image/svg+xml"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def participants_vote(request: HttpRequest, slug: str) -> HttpResponse:
    """Everyone invited to the summit becomes the voters of a draft poll the person chose."""
    summit = _summit_for(request, slug)
    form = ParticipantsVoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Kies een peiling uit de lijst."))
        return redirect("summit_participants", slug=summit.slug)
    poll = form.cleaned_data["poll"]
    try:
        count = invitees.summit_participants_vote(summit=summit, by=request.user, poll=poll)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("summit_participants", slug=summit.slug)
    except PermissionError:
        raise PermissionDenied from None
    messages.success(
        request,
        _("De %(count)s deelnemers mogen stemmen in '%(poll)s'.")
        % {"count": count, "poll": poll.title},
    )
    return redirect("summit_participants", slug=summit.slug)

