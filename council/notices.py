"""Telling residents that the council's answer on "their" proposal or amendment changed.

Who contributed to a summit's proposal: the authors of the ideas in its trail (hidden or
withdrawn ideas stay out, ideas merged into them count), the people seated at its table, and
whoever cast a ballot in a poll of that summit that had it as an option. To a nota's
amendment: the resident who proposed it, its supporters and whoever voted in a poll on it.
Staff (administrators, facilitators, theme team, editors, council members, Django staff)
are never told. A notice names the proposal or amendment and what changed, never another
resident.

``notices_create`` runs after an answer change is committed (``council.services``); the
daily ``send_council_notices`` command sends ``notice_digests_send``: one e-mail per person
with everything not yet mailed, and nothing to whoever was mailed in the last 24 hours."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Case, Max, Q, Value, When
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from deliberation.drafts.models import Support
from deliberation.drafts.selectors import amendment_numbers
from deliberation.models import Idea, Participant, Proposal
from samenspel.models import Role, RoleGrant, User
from voting import contexts
from voting.models import Eligibility, Option

from .models import Answer, AnswerChange, AnswerStatus, Notice, NoticeSetting

logger = logging.getLogger(__name__)

# Whoever holds one of these roles (anywhere) works for the municipality or the council.
STAFF_ROLES = (
    str(Role.ADMINISTRATOR),
    str(Role.FACILITATOR),
    str(Role.THEME_TEAM),
    str(Role.EDITOR),
    str(Role.COUNCIL_MEMBER),
)
MAIL_INTERVAL = timedelta(hours=24)
STOP_SALT = "council.notices.stop"
HOME_ITEMS = 5


# --- who contributed -------------------------------------------------------------------

LEFT_OUT_IDEAS = (str(Idea.Status.HIDDEN), str(Idea.Status.WITHDRAWN))


def _staff() -> Q:
    return (
        Q(is_staff=True)
        | Q(is_superuser=True)
        | Q(pk__in=RoleGrant.objects.filter(role__in=STAFF_ROLES).values("user"))
    )


def _voters(found: dict[int, set[int]], wanted: dict[tuple[str, str, str], list[int]]) -> None:
    """Add who cast a ballot in a poll with one of the ``wanted`` options, keyed by (kind of
    the poll's scope, its slug, the option's reference), to those answers."""
    polls: dict[int, list[int]] = defaultdict(list)
    options = Option.objects.filter(reference__in={key[2] for key in wanted}).values_list(
        "poll_id", "reference", "poll__context"
    )
    for poll_id, reference, context in options:
        where = contexts.parse(context)
        polls[poll_id].extend(wanted.get((where.kind, where.slug, reference), []))
    marks = Eligibility.objects.filter(
        poll_id__in=[poll for poll, answers in polls.items() if answers], has_voted=True
    ).values_list("poll_id", "participant_id")
    for poll_id, person in marks:
        for answer_id in polls[poll_id]:
            found[answer_id].add(person)


def contributors(answers: Sequence[Answer]) -> dict[int, set[int]]:
    """Per answer (its id), the residents to tell about a change of it: no staff, nobody
    inactive. A handful of queries whatever the number of answers (a file of a thousand)."""
    found: dict[int, set[int]] = defaultdict(set)
    voted_on: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    by_proposal: dict[int, list[int]] = defaultdict(list)
    by_table: dict[int, list[int]] = defaultdict(list)
    by_amendment: dict[int, list[int]] = defaultdict(list)
    for answer in answers:
        if answer.proposal is not None:
            proposal = answer.proposal
            by_proposal[proposal.pk].append(answer.pk)
            by_table[proposal.table_id].append(answer.pk)
            key = (contexts.SUMMIT, proposal.summit.slug, f"proposal:{proposal.number}")
            voted_on[key].append(answer.pk)
        elif answer.amendment is not None:
            amendment = answer.amendment
            by_amendment[amendment.pk].append(answer.pk)
            found[answer.pk].add(amendment.author_id)
            key = (contexts.DRAFT, amendment.draft.slug, f"amendment:{amendment.pk}")
            voted_on[key].append(answer.pk)
    # The ideas in a proposal's trail, and the ideas merged into them.
    linked = Proposal.ideas.through.objects.filter(proposal_id__in=list(by_proposal))
    proposals_of_idea: dict[int, list[int]] = defaultdict(list)
    for proposal_id, idea_id, author, status in linked.values_list(
        "proposal_id", "idea_id", "idea__author_id", "idea__status"
    ):
        proposals_of_idea[idea_id].append(proposal_id)
        if status not in LEFT_OUT_IDEAS:
            for answer_id in by_proposal[proposal_id]:
                found[answer_id].add(author)
    merged = (
        Idea.objects.filter(merged_into_id__in=list(proposals_of_idea))
        .exclude(status__in=LEFT_OUT_IDEAS)
        .values_list("merged_into_id", "author_id")
    )
    for into, author in merged:
        for proposal_id in proposals_of_idea[into]:
            for answer_id in by_proposal[proposal_id]:
                found[answer_id].add(author)
    seated = Participant.objects.filter(table_id__in=list(by_table)).values_list(
        "table_id", "user_id"
    )
    for table_id, person in seated:
        for answer_id in by_table[table_id]:
            found[answer_id].add(person)
    supports = Support.objects.filter(amendment_id__in=list(by_amendment)).values_list(
        "amendment_id", "user_id"
    )
    for amendment_id, person in supports:
        for answer_id in by_amendment[amendment_id]:
            found[answer_id].add(person)
    _voters(found, voted_on)
    everyone = set().union(*found.values()) if found else set()
    left_out = set(
        User.objects.filter(pk__in=everyone)
        .filter(Q(is_active=False) | _staff())
        .values_list("pk", flat=True)
    )
    return {answer_id: people - left_out for answer_id, people in found.items()}


# --- writing notices ---------------------------------------------------------------------


class _AfterCommit:
    """The changes of one transaction whose notices are written once it commits."""

    def __init__(self) -> None:
        self.change_ids: list[int] = []
        self.done = False

    def __call__(self) -> None:
        self.done = True
        notices_create(change_ids=self.change_ids)


def tell_after_commit(change_id: int) -> None:
    """Have the contributors told of the change once the transaction commits; every change
    of one transaction (a file of answers) is handled in one go. Robust: a failure is logged
    and never undoes the answers."""
    # The transaction's pending callbacks (Django's list; a rollback empties it).
    for _savepoints, callback, _robust in transaction.get_connection().run_on_commit:
        if isinstance(callback, _AfterCommit) and not callback.done:
            callback.change_ids.append(change_id)
            return
    waiting = _AfterCommit()
    waiting.change_ids.append(change_id)
    transaction.on_commit(waiting, robust=True)


def notices_create(*, change_ids: Sequence[int]) -> int:
    """Write a notice of each change for every contributor; run after the changes are
    committed. Running it again for the same changes writes nothing more (a unique
    constraint). Returns how many notices it tried to write."""
    changes = list(
        AnswerChange.objects.filter(pk__in=list(change_ids)).select_related(
            "answer__proposal__summit", "answer__amendment__draft", "answer__status"
        )
    )
    if not changes:
        return 0
    labels = dict(AnswerStatus.objects.values_list("key", "label"))
    told = contributors(list({change.answer_id: change.answer for change in changes}.values()))
    made = []
    for change in changes:
        answer = change.answer
        before_key, after_key = change.changes.get("status", [answer.status.key] * 2)
        made += [
            Notice(
                person_id=person,
                answer=answer,
                change=change,
                status_before=labels.get(before_key, "") if before_key else "",
                status_after=labels.get(after_key, answer.status.label),
                changed=list(change.changes),
                created_at=change.changed_at,
            )
            for person in sorted(told.get(answer.pk, ()))
        ]
    Notice.objects.bulk_create(made, ignore_conflicts=True, batch_size=1000)
    return len(made)


def notices_mark_read(*, person: User, now: datetime, notice_id: int | None = None) -> int:
    """Mark one of ``person``'s notices read, or all of them; returns how many changed.
    Someone else's notice is left alone."""
    unread = Notice.objects.filter(person=person, read_at__isnull=True)
    if notice_id is not None:
        unread = unread.filter(pk=notice_id)
    return unread.update(read_at=now)


# --- reading them ----------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeView:
    """A notice as a page or an e-mail says it, in the current language."""

    notice: Notice
    subject: str  # "Voorstel 3: Meer bomen" (Burgertop ...) or "Amendement 2 op de Sportnota"
    place: str  # the summit ('' for an amendment: its subject names the nota)
    summary: str  # what changed, in words
    url: str  # the public answer page, at the item

    @property
    def unread(self) -> bool:
        return self.notice.read_at is None


def _summary(notice: Notice) -> str:
    if "status" in notice.changed and not notice.status_before:
        return _("De raad heeft geantwoord: %(status)s.") % {"status": notice.status_after}
    if "status" in notice.changed:
        return _("De status is veranderd van '%(before)s' in '%(after)s'.") % {
            "before": notice.status_before,
            "after": notice.status_after,
        }
    parts = {
        "reasons": _("de toelichting"),
        "decision_date": _("de datum van het besluit"),
        "decision_reference": _("het raadsbesluit"),
        "milestones": _("de voortgang (mijlpalen)"),
    }
    named = [parts[name] for name in notice.changed if name in parts]
    what = ", ".join(named) if named else _("het antwoord")
    return _("De raad heeft %(what)s bijgewerkt. De status blijft: %(status)s.") % {
        "what": what,
        "status": notice.status_after,
    }


def notice_views(notices: list[Notice]) -> list[NoticeView]:
    """``notices`` (with answer__proposal__summit and answer__amendment__draft loaded) as
    pages and e-mails show them."""
    numbers = amendment_numbers(
        {n.answer.amendment.draft_id for n in notices if n.answer.amendment is not None}
    )
    views = []
    for notice in notices:
        proposal, amendment = notice.answer.proposal, notice.answer.amendment
        if proposal is not None:
            subject = _("Voorstel %(number)s: %(title)s") % {
                "number": proposal.number,
                "title": proposal.title,
            }
            place = proposal.summit.title
            url = (
                reverse("council_public_outcome", args=[proposal.summit.slug])
                + f"#voorstel-{proposal.number}"
            )
        else:
            assert amendment is not None
            number = numbers.get(amendment.pk, 0)
            subject = _("Amendement %(number)s op %(nota)s") % {
                "number": number,
                "nota": amendment.draft.title,
            }
            place = ""  # the subject names the nota already
            url = (
                reverse("council_public_nota", args=[amendment.draft.slug])
                + f"#amendement-{number}"
            )
        views.append(
            NoticeView(
                notice=notice, subject=subject, place=place, summary=_summary(notice), url=url
            )
        )
    return views


def notices_of(person: User, *, limit: int = 50) -> list[NoticeView]:
    """``person``'s newest notices, unread first."""
    found = list(
        Notice.objects.filter(person=person)
        .select_related("answer__proposal__summit", "answer__amendment__draft")
        .order_by(
            Case(When(read_at__isnull=True, then=Value(0)), default=Value(1)), "-created_at", "-pk"
        )[:limit]
    )
    return notice_views(found)


def home_sections(person: User) -> list[dict[str, object]]:
    """The home page's "Nieuws over uw voorstellen" for a resident who has notices."""
    if not person.is_authenticated:
        return []
    shown = notices_of(person, limit=HOME_ITEMS)
    if not shown:
        return []
    unread = Notice.objects.filter(person=person, read_at__isnull=True).count()
    items: list[dict[str, object]] = [
        {
            "url": view.url,
            "title": view.subject,
            "description": " ".join(
                part
                for part in (
                    f"{view.place}." if view.place else "",
                    view.summary,
                    _("Nieuw.") if view.unread else _("Gelezen."),
                )
                if part
            ),
        }
        for view in shown
    ]
    items.append(
        {
            "url": reverse("council_notices"),
            "title": _("Al uw berichten (%(count)s nieuw)") % {"count": unread},
            "description": _("Lees alle berichten en zet ze op gelezen."),
        }
    )
    return [
        {
            "title": _("Nieuws over uw voorstellen"),
            "lead": _(
                "De raad heeft geantwoord op voorstellen waar u aan meedeed, of het antwoord "
                "is veranderd. Klik op een voorstel om het antwoord te lezen."
            ),
            "items": items,
            "empty": "",
        }
    ]


# --- whether to e-mail --------------------------------------------------------------------


def notice_email_wanted(person: User) -> bool:
    """Whether ``person`` lets the daily e-mail mail them; yes unless they said no."""
    setting = NoticeSetting.objects.filter(user=person).first()
    return setting is None or setting.email


def notice_email_set(*, person: User, email: bool, now: datetime) -> None:
    """Record ``person``'s choice. Turning it off leaves their notices unmailed, so turning
    it on again later mails what they have not read in an e-mail yet."""
    NoticeSetting.objects.update_or_create(
        user=person, defaults={"email": email, "changed_at": now}
    )


def stop_token(person_id: int) -> str:
    """A signed token for the e-mail's stop link; it names the person and never expires
    (an old e-mail's link keeps working)."""
    return signing.dumps({"user": person_id}, salt=STOP_SALT)


def stop_token_person(token: str) -> User | None:
    """The active person a stop token names, or None for a bad, tampered or stale one."""
    try:
        data = signing.loads(token, salt=STOP_SALT)
    except signing.BadSignature:
        return None
    person_id = data.get("user") if isinstance(data, dict) else None
    if not isinstance(person_id, int):
        return None
    return User.objects.filter(pk=person_id, is_active=True).first()


# --- the daily e-mail --------------------------------------------------------------------


@dataclass
class DigestRun:
    """What one run of the daily e-mail did, in numbers."""

    sent: int = 0  # e-mails
    notices: int = 0  # notices they carried
    held_back: int = 0  # people mailed in the last 24 hours
    without_address: int = 0  # people with notices but no e-mail address
    turned_off: int = 0  # people who turned the e-mail off
    failed: int = 0  # e-mails the mail server refused (tried again next run)
    failed_people: list[int] = field(default_factory=list)


def _site_url() -> str:
    return str(getattr(settings, "SITE_URL", "")).rstrip("/")


def digest_text(views: list[NoticeView], *, site_url: str, stop_url: str = "") -> tuple[str, str]:
    """The e-mail's subject and plain-text body: each notice with its link, and how to stop
    these e-mails (``stop_url``: the one-click link); no names."""
    subject = _("Nieuws over uw voorstellen op Samenspel")
    lines = [
        _("Hallo,"),
        "",
        _("Er is nieuws van de gemeenteraad over voorstellen waar u aan meedeed."),
        "",
    ]
    for view in views:
        lines += [
            f"{view.subject} ({view.place})" if view.place else view.subject,
            view.summary,
            _("Lees het antwoord: %(url)s") % {"url": site_url + view.url},
            "",
        ]
    lines += [
        _("Al uw berichten staan ook op Samenspel: %(url)s")
        % {"url": site_url + reverse("council_notices")},
        "",
        _(
            "U krijgt dit bericht omdat u meedeed aan een burgertop of een nota van de "
            "gemeente Diemen. U krijgt hoogstens één e-mail per dag."
        ),
        "",
        _("Wilt u deze e-mails niet meer? Zet ze uit op %(url)s")
        % {"url": site_url + reverse("council_notices") + "#email"},
    ]
    if stop_url:
        lines.append(_("Of stop ze meteen, zonder in te loggen: %(url)s") % {"url": stop_url})
    return subject, "\n".join(lines) + "\n"


def notice_digests_send(*, now: datetime, site_url: str | None = None) -> DigestRun:
    """Send every person their notices not yet mailed, in one e-mail, unless they were
    mailed in the last 24 hours. A notice is marked mailed in the transaction that sends
    it, so a second run (or one running at the same time) sends it no more; a refused
    e-mail leaves it for the next run. Whoever turned the e-mail off is skipped and their
    notices stay unmailed (they read them in the platform)."""
    site_url = (site_url if site_url is not None else _site_url()).rstrip("/")
    run = DigestRun()
    pending = list(
        Notice.objects.filter(emailed_at__isnull=True)
        .select_related("person", "answer__proposal__summit", "answer__amendment__draft")
        .order_by("person_id", "created_at", "pk")
    )
    by_person: dict[int, list[Notice]] = {}
    for notice in pending:
        by_person.setdefault(notice.person_id, []).append(notice)
    recently = set(
        Notice.objects.filter(person_id__in=list(by_person))
        .values("person_id")
        .annotate(last=Max("emailed_at"))
        .filter(last__gt=now - MAIL_INTERVAL)
        .values_list("person_id", flat=True)
    )
    stopped = set(
        NoticeSetting.objects.filter(user_id__in=list(by_person), email=False).values_list(
            "user_id", flat=True
        )
    )
    with translation.override(settings.LANGUAGE_CODE):
        for person_id, notices in by_person.items():
            person = notices[0].person
            if not person.email:
                run.without_address += 1
                continue
            if person_id in stopped:
                run.turned_off += 1
                continue
            if person_id in recently:
                run.held_back += 1
                continue
            stop_url = site_url + reverse("council_notices_stop", args=[stop_token(person_id)])
            subject, body = digest_text(notice_views(notices), site_url=site_url, stop_url=stop_url)
            ids = [notice.pk for notice in notices]
            try:
                with transaction.atomic():
                    claimed = Notice.objects.filter(pk__in=ids, emailed_at__isnull=True).update(
                        emailed_at=now
                    )
                    if claimed != len(ids):
                        raise _Taken
                    send_mail(subject, body, None, [person.email], fail_silently=False)
            except _Taken:
                continue  # another run is sending these
            except Exception:  # the mail server refused: the notices stay for the next run
                logger.exception("council notice e-mail to person %s failed", person_id)
                run.failed += 1
                run.failed_people.append(person_id)
                continue
            run.sent += 1
            run.notices += len(ids)
    return run


class _Taken(Exception):
    """Another run marked these notices mailed first."""
