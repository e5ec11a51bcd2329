"""Who sees a direct application, written once: the applicant; the organisation applied to (its administrators,
and the mediator it named); the respondent — whoever acts for the firm named by the credit code (its account,
its staff, an agent within the consent scope) — once the organisation took the application on. Anyone else
gets 404, as if it did not exist."""

from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404

from sutiao.accounts import parties
from sutiao.accounts.models import AgentScope, Role
from sutiao.kernel.workflow import ApplicationState
from sutiao.listing import page

from .. import permissions
from .models import DirectApplication

ORDER = ("-submitted_at", "-id")
# Before the organisation took it on, the application is between the applicant and the organisation.
_NOT_YET_THE_RESPONDENTS = (ApplicationState.SUBMITTED, ApplicationState.DECLINED)


@dataclass(frozen=True)
class Viewer:
    applicant: bool
    admin: bool
    mediator: bool
    respondent: bool


def _respondent_digests(user) -> set[str]:
    if not user.is_authenticated or user.role not in (Role.PARTY, Role.AGENT):
        return set()
    return parties.digests_for(user, AgentScope.CONSENT)


def viewer_of(user, application: DirectApplication) -> Viewer:
    return Viewer(
        applicant=user.is_authenticated and application.applicant_id == user.pk,
        admin=permissions.administers(user, application.organisation_id),
        mediator=permissions.is_case_mediator(user, application),
        respondent=application.state not in _NOT_YET_THE_RESPONDENTS
        and application.respondent_digest in _respondent_digests(user),
    )


def may_see(user, application: DirectApplication) -> bool:
    v = viewer_of(user, application)
    return v.applicant or v.admin or v.mediator or v.respondent


def application_for(user, application_id) -> tuple[DirectApplication, Viewer]:
    application = (
        DirectApplication.objects.select_related("organisation", "mediator", "applicant")
        .filter(pk=application_id)
        .first()
    )
    if application is None or not user.is_authenticated:
        raise Http404("没有这个调解申请")
    if not may_see(user, application):
        raise Http404("没有这个调解申请")
    return application, viewer_of(user, application)


def applications_for(user):
    """The applications a user may list: an organisation's administrator those made to it, a mediator those
    they mediate, a party those they made and those against a firm they act for (once taken on)."""
    qs = DirectApplication.objects.select_related("organisation")
    if not user.is_authenticated:
        return qs.none()
    if user.role == Role.ORG_ADMIN and user.institution_id:
        return qs.filter(organisation_id=user.institution_id)
    if user.role == Role.MEDIATOR:
        return qs.filter(mediator=user)
    digests = _respondent_digests(user)
    return qs.filter(Q(applicant=user) | Q(respondent_digest__in=digests) & ~Q(state__in=_NOT_YET_THE_RESPONDENTS))


def applications_page(user, cursor=None, size=None):
    return page(applications_for(user), ORDER, cursor, size)
