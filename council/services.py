"""Every write of the council app: the council's answer on a proposal (from the form or a
CSV file) or on a nota's amendment, the municipality's list of answer statuses, and the
participation report of a summit or a nota.
Each checks its rule (council.record_answer, council.make_report), validates, writes in one
transaction and keeps the history."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from deliberation.drafts.models import Amendment, Draft
from deliberation.drafts.selectors import amendment_numbers
from deliberation.models import Proposal, Summit
from samenspel.models import User
from voting.models import Poll

from . import answer_file, notices, report, rules
from .answer_file import MilestoneSpec
from .models import (
    MILESTONE_MAX_LENGTH,
    MILESTONES_MAX,
    REASONS_MAX_LENGTH,
    REFERENCE_MAX_LENGTH,
    Answer,
    AnswerChange,
    AnswerStatus,
    Milestone,
    Report,
)

# A reference that looks like an address must be a whole https link (pages link only those).
LINK_LIKE = re.compile(r"(?i)(www\.|(https?|javascript|data|vbscript|file|ftp|mailto):)")
# The fields an answer's history names, in the order pages show them.
TRACKED = ("status", "reasons", "decision_date", "decision_reference", "milestones")
TRACKED_LABELS = {
    "status": gettext_lazy("status"),
    "reasons": gettext_lazy("toelichting"),
    "decision_date": gettext_lazy("besluitdatum"),
    "decision_reference": gettext_lazy("raadsbesluit"),
    "milestones": gettext_lazy("mijlpalen"),
}


class AnswerForbidden(PermissionDenied):
    """The person may read answers but not record them; ``str(error)`` says so in Dutch."""


def forbidden_message() -> str:
    return _(
        "Alleen de griffie kan de antwoorden van de raad vastleggen. U kunt ze lezen in de "
        "leeskamer voor de raad. Moet u antwoorden vastleggen? Vraag een beheerder om het "
        "recht 'Antwoorden van de raad vastleggen'."
    )


def _require(by: User | AnonymousUser) -> None:
    if not rules.can_record_answers(by):
        raise AnswerForbidden(forbidden_message())


@dataclass(frozen=True)
class AnswerInput:
    """An answer as typed in the form or a row of a file, before it is checked."""

    status_key: str
    reasons: str = ""
    decision_date: date | None = None
    decision_reference: str = ""
    milestones: Sequence[MilestoneSpec] = ()


def _statuses() -> dict[str, AnswerStatus]:
    """Every status by its key and by its label (folded), as a file may name either."""
    found: dict[str, AnswerStatus] = {}
    for status in AnswerStatus.objects.all():
        found[status.key.casefold()] = status
        found.setdefault(status.label.casefold(), status)
    return found


def answer_problems(given: AnswerInput, statuses: dict[str, AnswerStatus]) -> dict[str, list[str]]:
    """What is wrong with an answer, per field (empty when it can be stored)."""
    problems: dict[str, list[str]] = {}
    key = given.status_key.strip().casefold()
    if not key:
        problems["status"] = [_("Kies een status.")]
    elif key not in statuses:
        known = ", ".join(sorted({status.key for status in statuses.values()}))
        problems["status"] = [
            _("De status '%(status)s' bestaat niet. Bekende statussen: %(known)s.")
            % {"status": given.status_key.strip(), "known": known}
        ]
    if len(given.reasons) > REASONS_MAX_LENGTH:
        problems["reasons"] = [_("De toelichting is langer dan 5.000 tekens.")]
    reference = given.decision_reference.strip()
    if "\n" in reference or len(reference) > REFERENCE_MAX_LENGTH:
        problems["decision_reference"] = [
            _("Het raadsbesluit is één regel van hoogstens 200 tekens.")
        ]
    elif "://" in reference or LINK_LIKE.match(reference):
        try:
            URLValidator(schemes=["https"])(reference)
        except ValidationError:
            problems["decision_reference"] = [
                _(
                    "Een link naar het raadsbesluit begint met https:// en is een volledig "
                    "webadres; of schrijf alleen het kenmerk, zoals 'RB 2026-014'."
                )
            ]
    if len(given.milestones) > MILESTONES_MAX:
        problems["milestones"] = [_("Hoogstens 20 mijlpalen per antwoord.")]
    elif any(len(m.description) > MILESTONE_MAX_LENGTH for m in given.milestones):
        problems["milestones"] = [_("Een mijlpaal is hoogstens 300 tekens lang.")]
    elif any(not 0 <= m.progress <= 100 for m in given.milestones):
        problems["milestones"] = [_("De voortgang van een mijlpaal is een getal van 0 tot 100.")]
    return problems


def answer_summary(answer: Answer | None) -> dict[str, str]:
    """An answer's tracked fields as plain text: what the history compares and records."""
    if answer is None:
        return dict.fromkeys(TRACKED, "")
    return {
        "status": answer.status.key,
        "reasons": answer.reasons,
        "decision_date": answer.decision_date.isoformat() if answer.decision_date else "",
        "decision_reference": answer.decision_reference,
        "milestones": answer_file.format_milestones(
            [
                MilestoneSpec(date=m.date, progress=m.progress, description=m.description)
                for m in answer.milestones.all()
            ]
        ),
    }


def _summary_of(given: AnswerInput, status: AnswerStatus) -> dict[str, str]:
    return {
        "status": status.key,
        "reasons": given.reasons.strip(),
        "decision_date": given.decision_date.isoformat() if given.decision_date else "",
        "decision_reference": given.decision_reference.strip(),
        "milestones": answer_file.format_milestones(sorted(given.milestones, key=lambda m: m.date)),
    }


def _not_answerable(summit: Summit) -> str | None:
    if summit.status == Summit.Status.DRAFT:
        return _("Deze burgertop is nog in voorbereiding: er is nog niets te beantwoorden.")
    return None


def _store(
    *,
    proposal: Proposal | None = None,
    amendment: Amendment | None = None,
    by: User,
    given: AnswerInput,
    status: AnswerStatus,
    existing: Answer | None,
    now: datetime,
    source: str,
) -> tuple[Answer, dict[str, list[str]]]:
    """Write one checked answer; returns it and what changed (nothing written if nothing)."""
    before, after = answer_summary(existing), _summary_of(given, status)
    changes = {name: [before[name], after[name]] for name in TRACKED if before[name] != after[name]}
    if not changes:
        assert existing is not None
        return existing, {}
    answer = existing or Answer(proposal=proposal, amendment=amendment, created_at=now)
    answer.status = status
    answer.reasons = after["reasons"]
    answer.decision_date = given.decision_date
    answer.decision_reference = after["decision_reference"]
    answer.updated_at = now
    if existing is None:
        answer.save(force_insert=True)
    else:
        answer.save(
            update_fields=["status", "reasons", "decision_date", "decision_reference", "updated_at"]
        )
    if "milestones" in changes:
        Milestone.objects.filter(answer=answer).delete()
        Milestone.objects.bulk_create(
            Milestone(answer=answer, date=m.date, progress=m.progress, description=m.description)
            for m in given.milestones
        )
    change = AnswerChange.objects.create(
        answer=answer, changed_at=now, changed_by=by, source=source, changes=changes
    )
    # Residents who contributed are told once the change is stored; a failure there is
    # logged and never undoes the answer.
    notices.tell_after_commit(change.pk)
    return answer, changes


def answer_record(
    *,
    proposal: Proposal,
    by: User | AnonymousUser,
    given: AnswerInput,
    now: datetime | None = None,
) -> Answer:
    """Record or change the council's answer on ``proposal``; ValidationError per field."""
    _require(by)
    refusal = _not_answerable(proposal.summit)
    if refusal:
        raise ValidationError(refusal)
    return _record(by=by, given=given, now=now, proposal=proposal)


def amendment_answer_record(
    *,
    amendment: Amendment,
    by: User | AnonymousUser,
    given: AnswerInput,
    now: datetime | None = None,
) -> Answer:
    """Record or change the council's answer on a nota's ``amendment``; ValidationError per
    field. The same checks and history as an answer on a summit's proposal."""
    _require(by)
    return _record(by=by, given=given, now=now, amendment=amendment)


def _record(
    *,
    by: User | AnonymousUser,
    given: AnswerInput,
    now: datetime | None,
    proposal: Proposal | None = None,
    amendment: Amendment | None = None,
) -> Answer:
    """Check ``given`` and store it as the answer on the proposal or the amendment (one of
    them), locking the answer there is; ValidationError per field."""
    assert isinstance(by, User)
    now = now or timezone.now()
    statuses = _statuses()
    problems = answer_problems(given, statuses)
    if problems:
        raise ValidationError(problems)
    status = statuses[given.status_key.strip().casefold()]
    target = {"proposal": proposal} if proposal is not None else {"amendment": amendment}
    try:
        with transaction.atomic():
            existing = (
                Answer.objects.select_for_update().select_related("status").filter(**target).first()
            )
            answer, _changes = _store(
                proposal=proposal,
                amendment=amendment,
                by=by,
                given=given,
                status=status,
                existing=existing,
                now=now,
                source=str(AnswerChange.Source.FORM),
            )
    except IntegrityError:
        raise ValidationError(
            _("Iemand anders legde net een antwoord vast. Laad de pagina opnieuw.")
        ) from None
    return answer


# --- a CSV file of answers --------------------------------------------------------------


@dataclass
class ImportRow:
    line: int
    summit: str
    number: str
    title: str = ""
    status: str = ""
    outcome: str = ""  # new, changed, same, skipped (filled when the row has no errors)
    changed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    proposal: Proposal | None = None
    given: AnswerInput | None = None

    @property
    def changed_labels(self) -> list[str]:
        return [str(TRACKED_LABELS[name]) for name in self.changed]


@dataclass
class ImportCheck:
    rows: list[ImportRow]
    encoding: str
    delimiter: str

    @property
    def errors(self) -> list[ImportRow]:
        return [row for row in self.rows if row.errors]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def to_store(self) -> list[ImportRow]:
        return [row for row in self.rows if row.outcome in {"new", "changed"}]


def _row_input(cells: dict[str, str], row: ImportRow) -> AnswerInput:
    try:
        decided = answer_file.parse_date(cells.get("besluitdatum", ""))
    except ValueError as error:
        row.errors.append(str(error))
        decided = None
    try:
        milestones = answer_file.parse_milestones(cells.get("mijlpalen", ""))
    except ValueError as error:
        row.errors.append(str(error))
        milestones = []
    return AnswerInput(
        status_key=cells.get("status", ""),
        reasons=cells.get("toelichting", ""),
        decision_date=decided,
        decision_reference=cells.get("raadsbesluit", ""),
        milestones=milestones,
    )


# --- the list of statuses ---------------------------------------------------------------


def _status_problems(
    *, key: str, label: str, progress: Any, status: AnswerStatus | None
) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    others = AnswerStatus.objects.exclude(pk=status.pk if status else None)
    if status is None:
        if not key or slugify(key).replace("-", "_") != key or len(key) > 40:
            problems["key"] = [
                _(
                    "De sleutel is één woord van kleine letters, cijfers en liggende streepjes "
                    "(zoals 'aangenomen_met_wijziging'), hoogstens 40 tekens."
                )
            ]
        elif others.filter(key=key).exists():
            problems["key"] = [_("Er is al een status met deze sleutel.")]
    if not label.strip() or len(label) > 80:
        problems["label"] = [_("Geef de status een naam van hoogstens 80 tekens.")]
    elif others.filter(label__iexact=label.strip()).exists():
        problems["label"] = [_("Er is al een status met deze naam.")]
    if not isinstance(progress, int) or not 0 <= progress <= 100:
        problems["progress"] = [_("De voortgang is een getal van 0 tot 100.")]
    return problems


def status_save(
    *,
    by: User | AnonymousUser,
    label: str,
    progress: int,
    key: str = "",
    status: AnswerStatus | None = None,
) -> AnswerStatus:
    """Add a status (with its key, fixed from then on: files name it) or change the label
    and progress of ``status``."""
    _require(by)
    key = key.strip()
    with transaction.atomic():
        problems = _status_problems(key=key, label=label, progress=progress, status=status)
        if problems:
            raise ValidationError(problems)
        if status is None:
            last = AnswerStatus.objects.aggregate(last=Max("order"))["last"] or 0
            return AnswerStatus.objects.create(
                key=key, label=label.strip(), progress=progress, order=last + 1
            )
        status.label, status.progress = label.strip(), progress
        status.save(update_fields=["label", "progress"])
        return status


def status_move(*, by: User | AnonymousUser, status: AnswerStatus, up: bool) -> None:
    """Move a status one place up or down the list (the order of the form's choices)."""
    _require(by)
    with transaction.atomic():
        ordered = list(AnswerStatus.objects.select_for_update().order_by("order", "pk"))
        index = next(i for i, s in enumerate(ordered) if s.pk == status.pk)
        other = index - 1 if up else index + 1
        if 0 <= other < len(ordered):
            ordered[index], ordered[other] = ordered[other], ordered[index]
        for position, item in enumerate(ordered, start=1):
            if item.order != position:
                item.order = position
                item.save(update_fields=["order"])


def status_delete(*, by: User | AnonymousUser, status: AnswerStatus) -> None:
    """Delete a status no answer uses; refused with the count otherwise."""
    _require(by)
    with transaction.atomic():
        in_use = Answer.objects.filter(status=status).count()
        if in_use:
            raise ValidationError(
                _(
                    "De status '%(label)s' hoort bij %(count)s antwoord(en) en kan niet weg. "
                    "Geef die antwoorden eerst een andere status."
                )
                % {"label": status.label, "count": in_use}
            )
        status.delete()


class ReportForbidden(PermissionDenied):
    """The person may not make this summit's report; ``str(error)`` says so in words."""


def report_publish(*, summit: Summit, by: User | AnonymousUser, now: datetime) -> Report:
    """Make the participation report of a finished summit and keep it: from then on the
    reading room and the summit's public council page offer it. ReportRefused (a
    ValidationError) with the reason for a summit that is not finished."""
    if not rules.can_make_report(by, summit):
        raise ReportForbidden(
            _("Alleen de griffie en de gespreksleider van deze burgertop kunnen het verslag maken.")
        )
    # Built before the write, outside a transaction: making the PDFs takes seconds, and a
    # finished summit no longer changes (its answers may; the next making shows them).
    summit = Summit.objects.get(pk=summit.pk)  # as stored now, not as the caller last read it
    built = report.build(summit, generated_at=now)
    return _report_keep(built, summit=summit, by=by, now=now)


def nota_report_publish(*, draft: Draft, by: User | AnonymousUser, now: datetime) -> Report:
    """Make the participation report of a nota whose reaction period is over and keep it:
    from then on the reading room and the nota's council page offer it. ReportRefused (a
    ValidationError) with the reason while reactions or a vote on amendments are open."""
    if not rules.can_make_nota_report(by, draft):
        raise ReportForbidden(
            _("Alleen de griffie en de redacteuren van deze nota kunnen het verslag maken.")
        )
    draft = Draft.objects.get(pk=draft.pk)  # its reaction period as stored now
    built = report.build_nota(draft, generated_at=now, now=now)
    return _report_keep(built, draft=draft, by=by, now=now)


def poll_report_publish(*, poll: Poll, by: User | AnonymousUser, now: datetime) -> Report:
    """Make the participation report of a closed poll of the workspace and keep it: from
    then on its results page links it. ReportRefused (a ValidationError) with the reason for
    a poll still open, without ballots, or of a summit or nota."""
    if not rules.can_make_poll_report(by, poll):
        raise ReportForbidden(
            _("Alleen de griffie en wie deze peiling beheert kunnen het verslag maken.")
        )
    poll = Poll.objects.select_related("result", "neighbourhood").get(pk=poll.pk)
    built = report.build_poll(poll, generated_at=now)
    return _report_keep(built, poll=poll, by=by, now=now)


def _report_keep(
    built: report.Built,
    *,
    summit: Summit | None = None,
    draft: Draft | None = None,
    poll: Poll | None = None,
    by: User | AnonymousUser,
    now: datetime,
) -> Report:
    return Report.objects.create(
        summit=summit,
        draft=draft,
        poll=poll,
        generated_at=now,
        generated_by=by if isinstance(by, User) else None,
        archive=built.archive,
        sha256=hashlib.sha256(built.archive).hexdigest(),
    )


# --- a CSV file with answers on proposals and on nota amendments ------------------------


@dataclass
class FileRow(ImportRow):
    """A row of an answers file that may be about a nota's amendment as well."""

    kind: str = answer_file.KIND_PROPOSAL
    nota: str = ""
    amendment: Amendment | None = None


def _file_targets(
    table: answer_file.AnswerFile,
) -> tuple[dict[tuple[str, int], Proposal], dict[tuple[str, int], Amendment]]:
    """The proposals and amendments the file's rows may name, by (slug, number)."""
    slugs = {cells.get("burgertop", "") for _line, cells in table.rows}
    proposals = {
        (p.summit.slug, p.number): p
        for p in Proposal.objects.filter(summit__slug__in=slugs)
        .exclude(summit__status=Summit.Status.DRAFT)
        .select_related("summit")
    }
    notas = {cells.get("nota", "") for _line, cells in table.rows}
    # Only notas with a published version: those whose council page exists.
    found = list(
        Amendment.objects.filter(draft__slug__in=notas, draft__versions__isnull=False)
        .distinct()
        .select_related("draft")
    )
    numbers = amendment_numbers({amendment.draft_id for amendment in found})
    amendments = {(a.draft.slug, numbers[a.pk]): a for a in found}
    return proposals, amendments


def _file_row_target(
    row: FileRow,
    proposals: dict[tuple[str, int], Proposal],
    amendments: dict[tuple[str, int], Amendment],
    seen: dict[tuple[str, str, int], int],
) -> tuple[str, str, int] | None:
    """Find what the row is about, or say on the row why not."""
    if row.kind == answer_file.KIND_AMENDMENT:
        if not row.nota:
            row.errors.append(_("De nota ontbreekt."))
        if not row.number.isdigit():
            row.errors.append(
                _("Het amendementnummer '%(number)s' is geen getal.") % {"number": row.number}
            )
        if row.errors:
            return None
        key = (row.kind, row.nota, int(row.number))
        row.amendment = amendments.get(key[1:])
        if row.amendment is None:
            row.errors.append(
                _("Amendement %(number)s van de nota '%(nota)s' bestaat niet.")
                % {"number": row.number, "nota": row.nota}
            )
            return None
        if not rules.amendment_answerable(row.amendment):
            row.errors.append(
                _(
                    "Over amendement %(number)s van de nota '%(nota)s' heeft de redactie nog "
                    "niet besloten, en de nota is nog niet aan de raad aangeboden."
                )
                % {"number": row.number, "nota": row.nota}
            )
            return None
        if key in seen:
            row.errors.append(_("Dit amendement staat al in regel %(line)s.") % {"line": seen[key]})
            return None
        from .selectors import amendment_title  # selectors reads this module

        row.title = amendment_title(row.amendment)
        return key
    if row.kind != answer_file.KIND_PROPOSAL:
        row.errors.append(
            _("De soort '%(kind)s' bestaat niet; schrijf voorstel of amendement.")
            % {"kind": row.kind}
        )
        return None
    if not row.summit:
        row.errors.append(_("De burgertop ontbreekt."))
    if not row.number.isdigit():
        row.errors.append(
            _("Het voorstelnummer '%(number)s' is geen getal.") % {"number": row.number}
        )
    if row.errors:
        return None
    key = (row.kind, row.summit, int(row.number))
    row.proposal = proposals.get(key[1:])
    if row.proposal is None:
        row.errors.append(
            _("Voorstel %(number)s van de burgertop '%(summit)s' bestaat niet.")
            % {"number": row.number, "summit": row.summit}
        )
        return None
    if key in seen:
        row.errors.append(_("Dit voorstel staat al in regel %(line)s.") % {"line": seen[key]})
        return None
    row.title = row.proposal.title
    return key


def answer_file_check(*, data: bytes) -> ImportCheck:
    """Every row of an answers file, about a summit's proposal or a nota's amendment, with
    its errors and what storing it would change; ValidationError when the file as a whole
    cannot be read. Writes nothing. Files without the ``soort`` column are proposals'."""
    try:
        table = answer_file.read(data)
    except answer_file.UnreadableFile as error:
        raise ValidationError(str(error)) from None
    proposals, amendments = _file_targets(table)
    answers = Answer.objects.select_related("status").prefetch_related("milestones")
    by_proposal = {a.proposal_id: a for a in answers.filter(proposal__in=list(proposals.values()))}
    by_amendment = {
        a.amendment_id: a for a in answers.filter(amendment__in=list(amendments.values()))
    }
    statuses = _statuses()
    seen: dict[tuple[str, str, int], int] = {}
    rows: list[ImportRow] = []
    for line, cells in table.rows:
        kind = answer_file.row_kind(cells)
        row = FileRow(
            line=line,
            kind=kind,
            summit=cells.get("burgertop", ""),
            nota=cells.get("nota", ""),
            number=cells.get(
                "amendement" if kind == answer_file.KIND_AMENDMENT else "voorstel", ""
            ),
            title=cells.get("titel", ""),
            status=cells.get("status", ""),
        )
        rows.append(row)
        key = _file_row_target(row, proposals, amendments, seen)
        if key is None:
            continue
        seen[key] = line
        if not any(cells.get(n, "") for n in answer_file.ANSWER_COLUMNS):
            row.outcome = "skipped"  # the export lists what has no answer yet too
            continue
        given = _row_input(cells, row)
        for messages in answer_problems(given, statuses).values():
            row.errors.extend(messages)
        if row.errors:
            continue
        row.given = given
        status = statuses[given.status_key.strip().casefold()]
        row.status = status.label
        existing = (
            by_amendment.get(row.amendment.pk)
            if row.amendment is not None
            else by_proposal.get(row.proposal.pk if row.proposal else 0)
        )
        before, after = answer_summary(existing), _summary_of(given, status)
        row.changed = [name for name in TRACKED if before[name] != after[name]]
        row.outcome = "same" if not row.changed else "changed" if existing else "new"
    return ImportCheck(rows=rows, encoding=table.encoding, delimiter=table.delimiter)


def answer_file_import(
    *, by: User | AnonymousUser, data: bytes, now: datetime | None = None
) -> ImportCheck:
    """Store every answer of the file, on proposals and amendments alike, or none: when any
    row has an error, ValidationError names each one and nothing changes."""
    _require(by)
    assert isinstance(by, User)
    now = now or timezone.now()
    try:
        with transaction.atomic():
            # Checked again inside the transaction, against the answers as they are now.
            check = answer_file_check(data=data)
            if not check.ok:
                raise ValidationError(
                    [
                        _("Regel %(line)s: %(errors)s")
                        % {"line": row.line, "errors": " ".join(row.errors)}
                        for row in check.errors
                    ]
                )
            statuses = _statuses()
            rows = [row for row in check.to_store if isinstance(row, FileRow)]
            locked = Answer.objects.select_for_update().select_related("status")
            by_proposal = {
                a.proposal_id: a
                for a in locked.filter(proposal__in=[r.proposal for r in rows if r.proposal])
            }
            by_amendment = {
                a.amendment_id: a
                for a in locked.filter(amendment__in=[r.amendment for r in rows if r.amendment])
            }
            for row in rows:
                assert row.given is not None
                _store(
                    proposal=row.proposal,
                    amendment=row.amendment,
                    by=by,
                    given=row.given,
                    status=statuses[row.given.status_key.strip().casefold()],
                    existing=(
                        by_amendment.get(row.amendment.pk)
                        if row.amendment is not None
                        else by_proposal.get(row.proposal.pk if row.proposal else 0)
                    ),
                    now=now,
                    source=str(AnswerChange.Source.FILE),
                )
    except IntegrityError:
        raise ValidationError(
            _("Iemand anders legde net een antwoord vast. Laad de pagina opnieuw.")
        ) from None
    return check
