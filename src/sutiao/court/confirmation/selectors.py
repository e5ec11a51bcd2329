"""Reading the court's applications for judicial confirmation: its own only, paged, searchable, each with the
periods that run on it (computed, never stored: L11, L12, L14) and what it costs (L18)."""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext

from sutiao.kernel.calendar import Deadline, china_date
from sutiao.kernel.confirmation import (
    CONFIRMATION_FEE_CITATION,
    OBJECTION_PERIOD,
    OUTSIDER_OBJECTION_CITATION,
    RULING_CITATION,
    ReviewDeadlines,
    RulingOutcome,
    acceptance_deadline,
    application_deadline,
    confirmation_fee,
    review_deadlines,
    what_follows,
)
from sutiao.kernel.workflow import ConfirmationState
from sutiao.listing import Page, page, search
from sutiao.workdays.selectors import calendar

from ..permissions import ensure_may_read_confirmation
from .models import ConfirmationApplication, ConfirmationParty, MaterialRequest

# Newest first, the id making the key unique (indexes court_confirm_received / _state / _judge).
ORDER = ("-received_at", "-id")


def applications_for(user):
    ensure_may_read_confirmation(user)
    return ConfirmationApplication.objects.filter(court_id=user.institution_id)


def application_for(user, application_id) -> ConfirmationApplication:
    """An application of the user's own court; any other is answered as if it did not exist."""
    application = (
        applications_for(user)
        .select_related("court", "judge", "agreement", "case", "received_by", "decided_by")
        .prefetch_related("parties", "steps", Prefetch("material_requests", MaterialRequest.objects.order_by("id")))
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        raise Http404(gettext("没有这个司法确认申请"))
    return application


def application_list(user, *, q: str = "", state: str = "", mine: bool = False, cursor=None, size=25) -> Page:
    qs = applications_for(user).select_related("judge").prefetch_related("parties")
    if state:
        qs = qs.filter(state=state)
    if mine:
        qs = qs.filter(judge=user)
    if q:
        qs = search(qs, q)
    return page(qs, ORDER, cursor, size)


@dataclass(frozen=True)
class Periods:
    """What the page shows under an application: each period with its rule (the rule's citation is on it)."""

    application: Deadline  # L11: by when the parties had to apply
    acceptance: Deadline | None  # L12: decide whether to accept (while received)
    review: ReviewDeadlines | None  # L12: the ruling (once accepted)


def periods(application: ConfirmationApplication, cal=None) -> Periods:
    cal = cal or calendar()
    received_on = china_date(application.received_at)
    return Periods(
        application=application_deadline(cal, application.agreement_effective_on),
        acceptance=acceptance_deadline(cal, received_on) if application.state == ConfirmationState.RECEIVED else None,
        review=review_deadlines(cal, application.accepted_on, application.extended)
        if application.accepted_on
        else None,
    )


@dataclass(frozen=True)
class RulingNotes:
    """What the ruling means and opens (L13, L14), and its cost (L18), as the page says it."""

    follows: tuple[str, ...]
    citation: str
    objection: str
    fee: str


def ruling_notes(application: ConfirmationApplication) -> RulingNotes | None:
    if not application.outcome:
        return None
    return RulingNotes(
        follows=tuple(gettext(line) for line in what_follows(RulingOutcome(application.outcome))),
        citation=RULING_CITATION,
        objection=gettext(
            "当事人有异议的，应当自收到裁定之日起%(days)s日内提出；利害关系人有异议的，自知道或者应当知道其民事权益"
            "受到侵害之日起六个月内提出（%(citation)s）。"
        )
        % {"days": OBJECTION_PERIOD.length, "citation": OUTSIDER_OBJECTION_CITATION},
        fee=gettext("不收取费用：%(fee)s 元（%(citation)s）")
        % {"fee": confirmation_fee(), "citation": CONFIRMATION_FEE_CITATION},
    )


def party_applications(user):
    """The applications in which the user is (or acts for) an applicant: found by the applicants' identity digests,
    as a party's cases are (accounts.parties.digests_for). Newest first."""
    from sutiao.accounts.parties import digests_for

    digests = digests_for(user)
    if not digests:
        return ConfirmationApplication.objects.none()
    mine = ConfirmationParty.objects.filter(id_digest__in=digests).values("application_id")
    return ConfirmationApplication.objects.filter(pk__in=mine).select_related("court").order_by(*ORDER)


def party_application(user, application_id) -> ConfirmationApplication:
    """One of the user's own applications; any other is answered as if it did not exist."""
    application = (
        party_applications(user)
        .select_related("agreement")
        .prefetch_related("parties", "steps", "material_requests")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        raise Http404(gettext("没有这个司法确认申请"))
    return application


def ruling_verification(application: ConfirmationApplication):
    """The sealed ruling checked as a reader of the PDF would check it (documents.signing.verify, offline): its
    seal, its timestamp, and that nothing changed after sealing. None before the ruling; a stored file whose bytes
    no longer match their hash is reported as altered."""
    from sutiao.documents.signing import DocumentVerification, verify
    from sutiao.documents.storage import TamperedFile, open_verified

    if application.ruling_id is None:
        return None
    try:
        with open_verified(application.ruling) as pdf:
            return verify(pdf.read())
    except TamperedFile:
        return DocumentVerification((), True)
