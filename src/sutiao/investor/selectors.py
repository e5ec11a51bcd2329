"""Reads for the investor platform's pages and API: an organisation's staff see their organisation's
delegations; a mediator sees the cases assigned to them."""

from django.http import Http404

from sutiao.accounts.models import Role, User
from sutiao.kernel.workflow import InvestorState

from .models import Delegation

OPEN = [InvestorState.RECEIVED, InvestorState.ACCEPTED, InvestorState.MEDIATING]


def delegations_for(user):
    qs = Delegation.objects.select_related("organisation", "mediator")
    if user.role == Role.ORG_ADMIN and user.institution_id:
        return qs.filter(organisation_id=user.institution_id)
    if user.role == Role.MEDIATOR:
        return qs.filter(mediator_id=user.pk)
    return qs.none()


def delegation_for(user, delegation_id) -> Delegation:
    delegation = delegations_for(user).prefetch_related("events").filter(pk=delegation_id).first()
    if delegation is None:
        raise Http404("没有这个委派案件")
    return delegation


def work_queue(user):
    return delegations_for(user).filter(state__in=OPEN).order_by("answer_due", "received_at")


def finished(user):
    return delegations_for(user).exclude(state__in=OPEN).order_by("-received_at")[:50]


def mediators_of(organisation_id):
    """The organisation's mediators who can be assigned: an account, and an active registry record."""
    return User.objects.filter(
        role=Role.MEDIATOR,
        institution_id=organisation_id,
        is_active=True,
        mediator_record__organisation_id=organisation_id,
        mediator_record__status="active",
    ).order_by("full_name", "username")
