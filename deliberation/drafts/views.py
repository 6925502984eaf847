"""Pages of co-writing: list, read view with comments and amendments, editor, versions, diff."""

from __future__ import annotations

import base64
import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from csp.constants import NONCE, SELF
from csp.decorators import csp_update
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from voting import amendments as voting_amendments
from voting import contexts

from . import rules, selectors, services
from .diff import word_diff
from .forms import (
    AmendmentForm,
    AmendmentVoteForm,
    CommentForm,
    PublishForm,
    RejectForm,
    ReplyForm,
    preview_key,
)
from .markdown import render_markdown
from .models import Amendment, Comment, Draft, Version
from .passages import VersionText

# The read page shows this many of the newest comment threads, and all of them on request
# (``?reacties=alle``): a nota with a thousand comments is a page of a megabyte otherwise.
THREADS_SHOWN = 50
ALL_THREADS = "alle"

PRESENCE_COLOURS = ["#0b6e4f", "#8a2be2", "#b5400f", "#1f5faa", "#a1005a", "#5b6300"]


def _style_hash(style: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(style.encode()).digest()).decode() + "'"


# The editor page's additions to the Content-Security-Policy: CodeMirror writes its styles
# into a <style> element (it carries the page's nonce), and y-codemirror.next colours each
# writer's cursor and selection in a style attribute; only those of the colours above are
# allowed, by hash (the selection is the colour with alpha 33, editor.js ``lighten``).
EDITOR_POLICY = {
    "style-src-elem": [SELF, NONCE],
    "style-src-attr": [
        "'unsafe-hashes'",
        *(
            _style_hash(style)
            for colour in PRESENCE_COLOURS
            for style in (
                f"background-color: {colour}; border-color: {colour}",
                f"background-color: {colour}33",
            )
        ),
    ],
}

@dataclass(frozen=True)
class VoteLink:
    """Where an amendment's vote is: the ballot while the poll is open, the result after."""

    url: str
    is_open: bool


def _vote_link(draft: Draft, batch: uuid.UUID) -> VoteLink | None:
    """Where the vote on a batch is, or None while there is no open or closed poll for it."""
    poll = voting_amendments.poll_of(contexts.draft_amendments(draft.slug, batch))
    if poll is None or poll.status not in ("open", "closed"):
        return None
    is_open = poll.status == "open"
    name = "poll_ballot" if is_open else "poll_results"
    return VoteLink(url=reverse(name, args=[poll.pk]), is_open=is_open)


def _vote_links(draft: Draft, amendments: list[Amendment]) -> dict[uuid.UUID, VoteLink]:
    """A link per batch that is put to a vote; one lookup per batch (a draft has few)."""
    links = {}
    for batch in {item.vote_batch for item in amendments if item.vote_batch}:
        link = _vote_link(draft, batch)
        if link is not None:
            links[batch] = link
    return links


class _ShownPassages:
    """Passages of comments and amendments as the page shows them (without markdown); each
    version's text is mapped once per request."""

    def __init__(self, *known: Version) -> None:
        """``known``: versions whose text is at hand (the amendments' versions come without)."""
        self._texts: dict[int, VersionText] = {}
        self._known = {version.pk: version for version in known}

    def text_of(self, version: Version) -> VersionText:
        if version.pk not in self._texts:
            source = self._known.get(version.pk, version).text
            self._texts[version.pk] = VersionText(source)
        return self._texts[version.pk]

    def of(self, item: Comment | Amendment) -> str:
        return self.text_of(item.version).shown_text(item.start, item.start + len(item.passage))


def _name_authors(draft: Draft, threads: list[Comment], amendments: list[Amendment]) -> None:
    """Give each comment, reply and amendment the name the page shows for its writer:
    'Inwoner 1', 'Inwoner 2' for residents when the nota hides their names."""
    labels = selectors.author_labels(draft)
    for comment in threads:
        comment.author_shown = labels.get(comment.author_id, comment.author.public_name)  # type: ignore[attr-defined]
        resolver = comment.resolved_by
        if resolver is not None:
            shown = labels.get(resolver.pk, resolver.public_name)
            comment.resolved_shown = shown  # type: ignore[attr-defined]
        for reply in comment.reply_list:  # type: ignore[attr-defined]
            reply.author_shown = labels.get(reply.author_id, reply.author.public_name)  # type: ignore[attr-defined]
    for item in amendments:
        item.author_shown = labels.get(item.author_id, item.author.public_name)  # type: ignore[attr-defined]


def _pk_url(name: str, slug: str) -> Callable[[int], str]:
    """``reverse(name, args=[slug, pk])`` for many pks at the price of one: the pattern is
    resolved once with a marker pk, which is then swapped for each pk (the pk comes last)."""
    marker = "2147483647"
    head, tail = reverse(name, args=[slug, int(marker)]).rsplit(marker, 1)
    return lambda pk: f"{head}{pk}{tail}"


def _give_form_urls(draft: Draft, threads: list[Comment], amendments: list[Amendment]) -> None:
    """The addresses of each comment's and amendment's forms, made here rather than with
    ``{% url %}`` in the template: resolving a pattern per form was a large part of the time
    of a page with a thousand comments."""
    reply, resolve = _pk_url("drafts:reply", draft.slug), _pk_url("drafts:resolve", draft.slug)
    mark_comment = _pk_url("drafts:comment_mark", draft.slug)
    for comment in threads:
        comment.reply_url = reply(comment.pk)  # type: ignore[attr-defined]
        comment.resolve_url = resolve(comment.pk)  # type: ignore[attr-defined]
        comment.mark_url = mark_comment(comment.pk)  # type: ignore[attr-defined]
    support = _pk_url("drafts:support", draft.slug)
    accept, reject = _pk_url("drafts:accept", draft.slug), _pk_url("drafts:reject", draft.slug)
    mark_amendment = _pk_url("drafts:amendment_mark", draft.slug)
    for item in amendments:
        item.mark_url = mark_amendment(item.pk)  # type: ignore[attr-defined]
        item.support_url = support(item.pk)  # type: ignore[attr-defined]
        item.accept_url = accept(item.pk)  # type: ignore[attr-defined]
        item.reject_url = reject(item.pk)  # type: ignore[attr-defined]


def _amendment_vote_form(
    draft: Draft, amendments: list[Amendment], passages: _ShownPassages, data: Any = None
) -> AmendmentVoteForm:
    return AmendmentVoteForm(
        data, amendments=[(item, passages.of(item)) for item in amendments], draft=draft
    )


def draft_list(request: HttpRequest) -> HttpResponse:
    return render(request, "drafts/list.html", {"drafts": selectors.drafts_for_list()})


def _detail_context(
    request: HttpRequest,
    draft: Draft,
    *,
    comment_form: CommentForm | None = None,
    amendment_form: AmendmentForm | None = None,
    vote_form: AmendmentVoteForm | None = None,
    reply: tuple[int, str] | None = None,
    stamp: str | None = None,
    all_threads: bool = False,
) -> dict[str, Any]:
    """What the read page shows: the latest version with the passages under discussion
    marked, the newest comment threads (all of them with ``all_threads``), the amendments
    and (for an editor) the vote form.

    The stamp is taken before anything is read: a comment stored in between is then shown
    now or at the page's next question, never stamped as shown while it is not."""
    if stamp is None:
        stamp = selectors.discussion_stamp(draft)
    version = selectors.latest_version(draft)
    amendments = selectors.amendments_of(draft)
    vote_links = _vote_links(draft, amendments)
    thread_count = selectors.comment_thread_count(version) if version else 0
    newest = None if all_threads else THREADS_SHOWN
    threads = selectors.comment_threads(version, newest=newest) if version else []
    passages = _ShownPassages(*([version] if version else []))
    can_decide = rules.can_decide(request.user, draft)
    refusal = rules.reaction_refusal(draft, timezone.now())

    # Passages still under discussion are highlighted in the text, each with an anchor that
    # its comment or amendment links to.
    open_amendments = {
        item.pk
        for item in amendments
        if version is not None
        and item.version_id == version.pk
        and item.status in (Amendment.Status.OPEN, Amendment.Status.IN_VOTE)
    }
    open_passages = selectors.open_comment_passages(version) if version else []
    marked = [(start, end, f"passage-reactie-{pk}") for pk, start, end in open_passages] + [
        (item.start, item.start + len(item.passage), f"passage-amendement-{item.pk}")
        for item in amendments
        if item.pk in open_amendments
    ]
    _name_authors(draft, threads, amendments)
    _give_form_urls(draft, threads, amendments)
    if can_decide and vote_form is None:
        vote_form = _amendment_vote_form(draft, amendments, passages)
    context: dict[str, Any] = {
        "draft": draft,
        "version": version,
        "html": passages.text_of(version).marked_html(marked) if version else "",
        "threads": [(comment, passages.of(comment)) for comment in threads],
        "thread_count": thread_count,
        "threads_shown": THREADS_SHOWN,
        "all_threads": all_threads and thread_count > THREADS_SHOWN,
        "all_threads_value": ALL_THREADS,
        "amendments": [
            (
                item,
                vote_links.get(item.vote_batch) if item.vote_batch else None,
                passages.of(item),
                item.pk in open_amendments,
            )
            for item in amendments
        ],
        "can_edit": rules.can_edit(request.user, draft),
        "can_decide": can_decide,
        # Outside the reaction period the forms go; the page says why (editors still answer).
        "can_react": rules.can_react(request.user, draft) and (refusal is None or can_decide),
        "reaction_refusal": refusal,
        "vote_form": vote_form if can_decide else None,
        "comment_form": comment_form or CommentForm(),
        "amendment_form": amendment_form or AmendmentForm(prefix="amendement"),
        "reply_form": ReplyForm(),
        # After a refused reply: which thread it was for and what was typed, to correct it.
        "reply_to": reply[0] if reply else None,
        "reply_text": reply[1] if reply else "",
        "reject_form": RejectForm(),
        "stamp": stamp,
        "poll_seconds": settings.DRAFT_DISCUSSION_POLL_SECONDS,
    }
    return context


def _detail(request: HttpRequest, draft: Draft, *, status: int = 200, **forms: Any) -> HttpResponse:
    """The read page; after a refused comment, amendment or vote, with what the person chose
    (``comment_form``, ``amendment_form``, ``vote_form``)."""
    return render(
        request, "drafts/detail.html", _detail_context(request, draft, **forms), status=status
    )


def _wants_all_threads(request: HttpRequest) -> bool:
    return request.GET.get("reacties") == ALL_THREADS


def draft_detail(request: HttpRequest, slug: str) -> HttpResponse:
    draft = get_object_or_404(Draft, slug=slug)
    return _detail(request, draft, all_threads=_wants_all_threads(request))


@require_GET
def draft_discussion(request: HttpRequest, slug: str) -> HttpResponse:
    """Asked every few seconds by the read page, with the stamp of the discussion it shows
    (``?stand=``) and the number of its version (``?versie=``): nothing (204) while the
    comments and amendments are unchanged; when they changed, the page's parts that show
    them (the text with its marked passages, the threads, the amendments, an editor's vote
    form), which the page puts in place part by part, leaving alone what the reader is busy
    with; a notice to reload when a newer version came out, as the text itself changed."""
    draft = get_object_or_404(Draft, slug=slug)
    stamp = selectors.discussion_stamp(draft)
    if request.GET.get("stand", "") == stamp:
        return HttpResponse(status=204)
    version = selectors.latest_version(draft)
    if request.GET.get("versie", "") != (str(version.number) if version else ""):
        return render(request, "drafts/_discussion_changed.html", {"draft": draft})
    context = _detail_context(request, draft, stamp=stamp, all_threads=_wants_all_threads(request))
    return render(request, "drafts/_discussion.html", context)


@login_required
@csp_update(EDITOR_POLICY)
def draft_editor(request: HttpRequest, slug: str) -> HttpResponse:
    draft = get_object_or_404(Draft, slug=slug)
    if not rules.can_read(request.user, draft):
        return HttpResponseForbidden()
    scheme = "wss" if request.is_secure() else "ws"
    context = {
        "draft": draft,
        "can_edit": rules.can_edit(request.user, draft),
        "ws_url": f"{scheme}://{request.get_host()}/ws/drafts",
        "user_colour": PRESENCE_COLOURS[request.user.pk % len(PRESENCE_COLOURS)],
        # Shown to the other writers beside this person's cursor.
        "user_name": selectors.name_shown(draft, request.user, selectors.author_labels(draft)),  # type: ignore[arg-type]
        "live_html": render_markdown(selectors.draft_live_text(draft)),
        "text_name": selectors.TEXT_NAME,
    }
    return render(request, "drafts/editor.html", context)


def draft_versions(request: HttpRequest, slug: str) -> HttpResponse:
    draft = get_object_or_404(Draft, slug=slug)
    versions = list(draft.versions.select_related("published_by").prefetch_related("contributors"))
    labels = selectors.author_labels(draft)
    for version in versions:
        version.contributors_shown = [  # type: ignore[attr-defined]
            labels.get(person.pk, person.public_name) for person in version.contributors.all()
        ]
    return render(
        request,
        "drafts/versions.html",
        {
            "draft": draft,
            "versions": versions,
            "can_decide": rules.can_decide(request.user, draft),
            "publish_form": PublishForm(),
        },
    )


def version_diff(request: HttpRequest, slug: str, old: int, new: int) -> HttpResponse:
    draft = get_object_or_404(Draft, slug=slug)
    versions = {v.number: v for v in draft.versions.filter(number__in=[old, new])}
    if old not in versions or new not in versions:
        raise Http404
    diff = selectors.version_diff(versions[old], versions[new])
    return render(request, "drafts/diff.html", {"draft": draft, "diff": diff})


def _act(request: HttpRequest, draft: Draft, action: Callable[[], object], done: str) -> bool:
    """Run one service call and turn a refusal into a message on the page; True if done."""
    try:
        action()
    except (services.DraftError, PermissionError) as error:
        messages.error(request, str(error))
        return False
    messages.success(request, done)
    return True


def _back(draft: Draft, anchor: str = "") -> HttpResponse:
    return redirect(reverse("drafts:detail", args=[draft.slug]) + anchor)


def _folded(comment: Comment) -> bool:
    """Whether the read page leaves the comment's thread out until all are asked for."""
    return selectors.comment_threads_newer(comment) >= THREADS_SHOWN


def _back_to_thread(draft: Draft, comment: Comment) -> HttpResponse:
    """Back to the thread on the read page, with all threads when it is an older one."""
    query = f"?reacties={ALL_THREADS}" if _folded(comment) else ""
    return _back(draft, f"{query}#reactie-{comment.pk}")


@login_required
@require_POST
def comment_create(request: HttpRequest, slug: str) -> HttpResponse:
    draft = get_object_or_404(Draft, slug=slug)
    version = selectors.latest_version(draft)
    form = CommentForm(request.POST)
    if not form.is_valid():
        # A comment that is too long is refused with the limit, at the top and at the field.
        if form.has_error("body", "max_length"):
            messages.error(request, " ".join(form.errors["body"]))
        else:
            messages.error(request, _("Vul de passage en uw reactie in."))
        return _detail(request, draft, comment_form=form, status=400)

    def add() -> None:
        passage, start = "", 0
        if version is not None:
            passage, start = services.passage_find(
                version=version, quoted=form.cleaned_data["passage"], near=form.cleaned_data["at"]
            )
        services.comment_add(
            version=version,
            by=request.user,
            body=form.cleaned_data["body"],
            passage=passage,
            start=start,
            now=timezone.now(),
        )

    done = _act(request, draft, add, _("Uw reactie is geplaatst."))
    if not done:  # keep what the person typed, to correct it
        return _detail(request, draft, comment_form=form, status=400)
    return _back(draft, "#reacties")


@login_required
@require_POST
def comment_reply(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment, pk=pk, version__draft__slug=slug)
    form = ReplyForm(request.POST)
    draft = comment.version.draft
    if form.has_error("body", "max_length"):
        messages.error(request, " ".join(form.errors["body"]))
        reply = (comment.pk, request.POST.get("body", ""))
        return _detail(request, draft, reply=reply, all_threads=_folded(comment), status=400)
    if form.is_valid():
        _act(
            request,
            draft,
            lambda: services.comment_add(
                version=comment.version,
                by=request.user,
                body=form.cleaned_data["body"],
                parent=comment,
                now=timezone.now(),
            ),
            _("Uw antwoord is geplaatst."),
        )
    return _back_to_thread(draft, comment)


@login_required
@require_POST
def comment_resolve(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment, pk=pk, version__draft__slug=slug)
    draft = comment.version.draft
    _act(
        request,
        draft,
        lambda: services.comment_resolve(comment=comment, by=request.user, now=timezone.now()),
        _("De reactie is afgerond."),
    )
    return _back_to_thread(draft, comment)


def _marked(request: HttpRequest) -> bool:
    """The report mark a toggle form asks for: ``markeren=1`` marks, anything else unmarks."""
    return request.POST.get("markeren") == "1"


@login_required
@require_POST
def comment_mark(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment, pk=pk, version__draft__slug=slug)
    draft = comment.version.draft
    marked = _marked(request)
    _act(
        request,
        draft,
        lambda: services.comment_mark_for_report(comment=comment, by=request.user, marked=marked),
        _("De reactie staat in het participatieverslag bij de minderheidsstandpunten.")
        if marked
        else _("De reactie staat niet meer bij de minderheidsstandpunten van het verslag."),
    )
    if request.POST.get("terug") == MARKS_PAGE:
        return redirect(reverse("drafts:report_marks", args=[draft.slug]) + f"#reactie-{pk}")
    return _back_to_thread(draft, comment)


@login_required
@require_POST
def amendment_mark(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    amendment = get_object_or_404(Amendment, pk=pk, draft__slug=slug)
    marked = _marked(request)
    _act(
        request,
        amendment.draft,
        lambda: services.amendment_mark_for_report(
            amendment=amendment, by=request.user, marked=marked
        ),
        _("Het amendement staat in het participatieverslag bij de minderheidsstandpunten.")
        if marked
        else _("Het amendement staat niet meer bij de minderheidsstandpunten van het verslag."),
    )
    if request.POST.get("terug") == MARKS_PAGE:
        return redirect(
            reverse("drafts:report_marks", args=[amendment.draft.slug]) + f"#amendement-{pk}"
        )
    return _back(amendment.draft, f"#amendement-{amendment.pk}")


MARKS_PAGE = "verslag"  # a toggle on the marks page sends ``terug=verslag`` to come back there


@login_required
@require_GET
def report_marks(request: HttpRequest, slug: str) -> HttpResponse:
    """The editors' page "Voor het verslag": every resident's comment on any version and
    every turned-down amendment, each with its toggle (the read page shows only the newest
    version's comments)."""
    draft = get_object_or_404(Draft, slug=slug)
    if not rules.can_decide(request.user, draft):
        raise PermissionDenied
    comments, rejected = selectors.report_mark_items(draft)
    mark_comment = _pk_url("drafts:comment_mark", draft.slug)
    mark_amendment = _pk_url("drafts:amendment_mark", draft.slug)
    for comment in comments:
        comment.mark_url = mark_comment(comment.pk)  # type: ignore[attr-defined]
    for _number, amendment in rejected:
        amendment.mark_url = mark_amendment(amendment.pk)  # type: ignore[attr-defined]
    marked_count = sum(1 for c in comments if c.for_report) + sum(
        1 for _n, a in rejected if a.for_report
    )
    context = {
        "draft": draft,
        "comments": comments,
        "rejected": rejected,
        "marked_count": marked_count,
        "can_decide": True,
        "back_to": MARKS_PAGE,
    }
    return render(request, "drafts/report_marks.html", context)


@login_required
@require_POST
def amendment_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Propose a change in two steps: the first post shows the change as a word diff
    (``stap=bekijken``, the form's only button on the read page); the amendment is sent
    from that preview (``stap=versturen``) when its text is the one whose change was shown.
    A new text left empty on the read page starts from the chosen passage."""
    draft = get_object_or_404(Draft, slug=slug)
    version = selectors.latest_version(draft)
    form = AmendmentForm(request.POST, prefix="amendement")
    if version is None or not form.is_valid():
        messages.error(request, _("Vul de passage, de nieuwe tekst en uw toelichting in."))
        return _detail(request, draft, amendment_form=form, status=400)
    try:
        passage, start = services.passage_find(
            version=version,
            quoted=form.cleaned_data["passage"],
            near=form.cleaned_data["at"],
            whole=True,
        )
    except services.DraftError as error:
        messages.error(request, str(error))
        return _detail(request, draft, amendment_form=form, status=400)
    replacement = form.cleaned_data["replacement"].strip()
    seen = form.cleaned_data["seen"]
    key = preview_key(passage, start, replacement)
    if request.POST.get("stap") != "versturen" or seen != key:
        notice = ""
        if not seen and not replacement:
            replacement, key = passage, preview_key(passage, start, passage)
            notice = _(
                "U schreef nog geen nieuwe tekst. Hieronder staat de gekozen tekst: verander "
                "wat anders moet, of maak het vak leeg om de tekst te schrappen."
            )
        elif request.POST.get("stap") == "versturen":
            notice = _("U veranderde de tekst nog. Bekijk de wijziging en verstuur dan.")
        return _amendment_preview(
            request, draft, version, form, passage, start, replacement, key, notice
        )

    def propose() -> None:
        services.amendment_propose(
            version=version,
            by=request.user,
            passage=passage,
            start=start,
            replacement=replacement,
            rationale=form.cleaned_data["rationale"],
            now=timezone.now(),
        )

    done = _act(request, draft, propose, _("Uw amendement is ingediend."))
    if not done:
        return _detail(request, draft, amendment_form=form, status=400)
    return _back(draft, "#amendementen")


def _amendment_preview(
    request: HttpRequest,
    draft: Draft,
    version: Version,
    form: AmendmentForm,
    passage: str,
    start: int,
    replacement: str,
    key: str,
    notice: str,
) -> HttpResponse:
    """The change as it would be made: the chosen text with what goes struck through and
    what comes underlined, and the form to change it again or send it."""
    data = form.cleaned_data
    again = AmendmentForm(
        prefix="amendement",
        initial={
            "passage": data["passage"],
            "at": data["at"],
            "replacement": replacement,
            "rationale": data["rationale"],
            "seen": key,
        },
    )
    segments = word_diff(passage, replacement)
    context = {
        "draft": draft,
        "version": version,
        "form": again,
        "shown": VersionText(version.text).shown_text(start, start + len(passage)),
        "segments": segments,
        "changed": passage != replacement,
        "notice": notice,
    }
    return render(request, "drafts/amendment_preview.html", context)


def _amendment(slug: str, pk: int) -> Amendment:
    return get_object_or_404(Amendment.objects.select_related("draft"), pk=pk, draft__slug=slug)


@login_required
@require_POST
def amendment_support(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    amendment = _amendment(slug, pk)
    _act(
        request,
        amendment.draft,
        lambda: services.amendment_support(
            amendment=amendment, by=request.user, now=timezone.now()
        ),
        _("U steunt dit amendement."),
    )
    return _back(amendment.draft, f"#amendement-{pk}")


@login_required
@require_POST
def amendment_accept(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    amendment = _amendment(slug, pk)
    _act(
        request,
        amendment.draft,
        lambda: services.amendment_accept(amendment=amendment, by=request.user, now=timezone.now()),
        _("Het amendement is overgenomen in de werktekst."),
    )
    return _back(amendment.draft, f"#amendement-{pk}")


@login_required
@require_POST
def amendment_reject(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    amendment = _amendment(slug, pk)
    form = RejectForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    _act(
        request,
        amendment.draft,
        lambda: services.amendment_reject(
            amendment=amendment, by=request.user, reason=reason, now=timezone.now()
        ),
        _("Het amendement is afgewezen."),
    )
    return _back(amendment.draft, f"#amendement-{pk}")


@login_required
@require_POST
def amendments_vote(request: HttpRequest, slug: str) -> HttpResponse:
    """Put the chosen open amendments of a draft to one vote, then go to its ballot."""
    draft = get_object_or_404(Draft, slug=slug)
    if not rules.can_decide(request.user, draft):
        messages.error(
            request, _("Alleen redacteuren mogen amendementen aan een stemming voorleggen.")
        )
        return _detail(request, draft, status=403)
    form = _amendment_vote_form(
        draft, selectors.amendments_of(draft), _ShownPassages(), request.POST
    )
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _detail(request, draft, vote_form=form, status=400)
    chosen: list[Amendment] = form.cleaned_data["amendments"]
    try:
        batch = services.amendments_put_to_vote(
            amendments=chosen,
            by=request.user,
            now=timezone.now(),
            electorate=form.chosen_electorate(),
        )
    except PermissionError as error:
        messages.error(request, str(error))
        return _detail(request, draft, status=403)
    except services.DraftError as error:  # decided or put to a vote since the form was checked
        messages.error(request, str(error))
        return _detail(request, draft, status=400)
    link = _vote_link(draft, batch)
    count = len(chosen)
    if link is None:  # the poll is gone again (deleted in the admin): back to the nota
        messages.success(
            request,
            ngettext(
                "Het amendement staat nu in stemming.",
                "De %(count)d amendementen staan nu in stemming.",
                count,
            )
            % {"count": count},
        )
        return _back(draft, "#amendementen")
    messages.success(
        request,
        ngettext(
            "De stemming over het amendement is geopend.",
            "De stemming over %(count)d amendementen is geopend.",
            count,
        )
        % {"count": count},
    )
    return redirect(link.url)


@login_required
@require_POST
def version_publish(request: HttpRequest, slug: str) -> HttpResponse:
    draft = get_object_or_404(Draft, slug=slug)
    form = PublishForm(request.POST)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    _act(
        request,
        draft,
        lambda: services.version_publish(
            draft=draft,
            by=request.user,
            now=timezone.now(),
            note=data.get("note", ""),
            final=bool(data.get("final")),
        ),
        _("De werktekst is gepubliceerd als nieuwe versie."),
    )
    return redirect("drafts:versions", slug=draft.slug)


def version_text(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version = get_object_or_404(Version, draft__slug=slug, number=number)
    return render(
        request,
        "drafts/version.html",
        {"draft": version.draft, "version": version, "html": render_markdown(version.text)},
    )
