"""The court platform's facts for the reports (`sutiao.reports.facts`): each delegation (委派) or entrustment
(委托) a court sent, grouped by court, organisation, mediator (by name: the court knows the mediator only as the
organisation reports them), the organisation's supervising body (as the registry names it), dispute type and
region (the province of the court, from the case number: `sutiao.regions`, as the investor platform has it).
Court staff see their own court's figures; the Supreme People's Court's staff see every court's.

Besides the delegation's own facts, the court holds the ground the mediation ended on (as the result message
reported it), the applications for judicial confirmation on the case and their rulings, and the 调解书 it
issued: each one correlated subquery on the delegation row, so a figure stays one query."""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Case, ExpressionWrapper, F, Q, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sutiao.accounts.models import Institution, InstitutionKind, User
from sutiao.kernel.confirmation import RulingOutcome
from sutiao.kernel.enums import DisputeType
from sutiao.kernel.workflow import DelegationState
from sutiao.regions import region_choices, region_names
from sutiao.reports.facts import COMMON, Dimension, names_by_id, register

from . import permissions
from .confirmation.models import ConfirmationApplication
from .models import Delegation, MediationDocument, Organisation


def _facts():
    return Delegation.objects.annotate(
        # A delegation the mediation platform has not acknowledged yet counts from when it was sent.
        r_received=Coalesce(F("received_at"), F("sent_at")),
        r_answered=F("answered_at"),
        r_due=F("answer_due"),
        r_declined=ExpressionWrapper(Q(state=DelegationState.DECLINED), output_field=models.BooleanField()),
        r_recalled=ExpressionWrapper(Q(state=DelegationState.RECALLED), output_field=models.BooleanField()),
        r_outcome=F("outcome"),
        r_concluded=F("concluded_at"),
        d_case_number=F("case__number"),
        d_court=F("case__court_id"),
        d_court_name=F("case__court__name"),
        d_organisation=F("organisation_id"),
        d_organisation_name=F("organisation__name"),
        d_mediator=NullIf(F("mediator_name"), Value("")),
        d_mediator_name=NullIf(F("mediator_name"), Value("")),
        d_office=NullIf(F("organisation__supervisor"), Value("")),
        d_office_name=NullIf(F("organisation__supervisor"), Value("")),
        d_dispute_type=F("case__dispute_type"),
        d_dispute_type_name=Case(
            *[When(case__dispute_type=t.value, then=Value(t.label)) for t in DisputeType],
            default=F("case__dispute_type"),
            output_field=models.CharField(),
        ),
        d_region=F("case__region"),
        d_region_name=region_names("case__region"),
        r_ground=F("termination_ground"),
        # Applications are the case's (an application names the court's case it came from, if any). Each is one
        # set of ids the database hashes once (`IN` an uncorrelated subquery), not a probe per row and figure:
        # PostgreSQL probed an EXISTS for every row of an aggregate, 6 of its 9 s at 1,000,000 cases.
        r_confirmation_applied=_among(F("case_id"), ConfirmationApplication.objects.values("case_id")),
        r_confirmation_valid=_among(
            F("case_id"), ConfirmationApplication.objects.filter(outcome=RulingOutcome.VALID).values("case_id")
        ),
        r_document_issued=_among(F("pk"), MediationDocument.objects.values("delegation_id")),
    )


def _among(column, ids):
    """Whether `column` is one of `ids` (a one-column QuerySet, its nulls left out: true or false, never null)."""
    name = ids.query.values_select[0]
    return ExpressionWrapper(
        Q(**{f"{column.name}__in": ids.filter(**{f"{name}__isnull": False})}), output_field=models.BooleanField()
    )


def _sees_every_court(user: User) -> bool:
    return user.institution.kind == InstitutionKind.SUPREME_COURT


class CourtFacts:
    platform = "court"
    columns = COMMON | {"r_ground", "r_confirmation_applied", "r_confirmation_valid", "r_document_issued"}
    dimensions = (
        Dimension("court", _("法院")),
        Dimension("organisation", _("调解组织")),
        Dimension("mediator", _("调解员")),
        Dimension("office", _("指导单位")),
        Dimension("dispute_type", _("纠纷类型")),
        Dimension("region", _("地区")),
    )

    def facts(self, user: User):
        try:
            permissions.ensure_may_read(user)
        except PermissionDenied:
            raise PermissionDenied(gettext("仅法院工作人员可查看统计")) from None
        qs = _facts()
        return qs if _sees_every_court(user) else qs.filter(case__court_id=user.institution_id)

    def public_facts(self):
        return _facts()

    def sees_everything(self, user: User) -> bool:
        try:
            permissions.ensure_may_read(user)
        except PermissionDenied:
            return False
        return _sees_every_court(user)

    def overseers(self, dimension: str, keys) -> dict[str, list]:
        # The organisations and mediators are the investor platform's: the court platform has nobody above them
        # to tell. Its flags stay on the evaluation page, for the court's own decisions on its roster.
        return {}

    def reaches(self, user: User, dimension: str, key: str) -> bool:
        if dimension == "court":
            return _sees_every_court(user) or str(user.institution_id) == key
        # Organisations, mediators, offices, dispute types and regions narrow the court's own delegations.
        return True

    def choices(self, user: User, dimension: str):
        # The viewer's distinct keys of the dimension, read from the delegation and its case alone, then named from
        # the small tables: no join to the names and no CASE for each of a million rows (make bench-reports).
        self.facts(user)  # who may read at all
        rows = Delegation.objects.order_by()
        if not _sees_every_court(user):
            rows = rows.filter(case__court_id=user.institution_id)
        if dimension == "region":
            return region_choices(rows.values_list("case__region", flat=True).distinct())
        if dimension == "court":
            courts = list(rows.values_list("case__court_id", flat=True).distinct())
            named = dict(Institution.objects.filter(pk__in=courts).values_list("pk", "name"))
        elif dimension == "dispute_type":
            labels = dict(DisputeType.choices())
            named = {k: labels.get(k, k) for k in rows.values_list("case__dispute_type", flat=True).distinct()}
        elif dimension == "mediator":  # the court knows a mediator by the name the organisation reported
            named = {n: n for n in rows.exclude(mediator_name="").values_list("mediator_name", flat=True).distinct()}
        else:
            # The ids as a list: a DISTINCT nested in an IN subquery was planned much slower (investor.reports).
            orgs = Organisation.objects.filter(pk__in=list(rows.values_list("organisation_id", flat=True).distinct()))
            if dimension == "office":
                named = {n: n for n in orgs.exclude(supervisor="").values_list("supervisor", flat=True).distinct()}
            else:
                named = dict(orgs.values_list("pk", "name"))
        return sorted(((str(k), n) for k, n in named.items()), key=lambda kn: kn[1])

    def case_link(self, user: User, row) -> str:
        return reverse("case-detail", args=[row.case_id]) if row.d_court == user.institution_id else ""

    def names(self, dimension: str, keys) -> dict[str, str]:
        return names_by_id({"court": Institution, "organisation": Organisation}, dimension, keys)


register(CourtFacts())
