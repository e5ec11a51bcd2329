"""The parties' satisfaction survey (issue 13 §1; 法办〔2021〕313号 五: the quality of mediation as the parties saw
it): once the mediation has ended, each party — or its agent, within the «messages» scope of its power of
attorney — may answer once: three scores from 1 to 5 (the fairness of the process, the mediator's conduct, the
convenience of mediating online) and an optional comment. The answer is audited; the reports read only the mean
and the number of answers (reports.metrics `satisfaction`). Nothing goes to the court: the survey is the
organisation's and its overseers' measure, not a fact of the case."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from sutiao.accounts import parties as party_accounts
from sutiao.accounts.models import User
from sutiao.audit.log import record
from sutiao.kernel.errors import DomainError

from .. import permissions
from ..mediation import figures
from ..mediation.models import Mediation, MediationParty, SatisfactionSurvey, SurveyScore
from ..mediation.selectors import SURVEY_SCOPE

SCORES = ("fairness", "conduct", "convenience")


@transaction.atomic
def answer_survey(
    actor: User,
    mediation: Mediation,
    party: MediationParty,
    *,
    fairness: int,
    conduct: int,
    convenience: int,
    comment: str = "",
) -> SatisfactionSurvey:
    """The party (or its agent) answers the survey: only after the mediation ended, only once per party."""
    mediation = Mediation.objects.select_for_update().get(pk=mediation.pk)
    if party.mediation_id != mediation.pk:
        raise PermissionDenied(gettext("仅该当事人本人或其授权代理人可进行此操作"))
    acting = permissions.acting_as(actor, party, SURVEY_SCOPE)
    if mediation.is_open or mediation.ended_at is None:
        raise DomainError(gettext("调解结束后方可评价"))
    scores = {"fairness": fairness, "conduct": conduct, "convenience": convenience}
    for name, value in scores.items():
        if value not in SurveyScore.values:
            raise DomainError(gettext("请选择 1 至 5 分"), field=name)
    if SatisfactionSurvey.objects.filter(mediation=mediation, party=party).exists():
        raise DomainError(gettext("该当事人已评价，每位当事人只能评价一次"))
    try:
        with transaction.atomic():
            survey = SatisfactionSurvey.objects.create(
                mediation=mediation, party=party, comment=comment.strip()[:1000], at=timezone.now(), by=actor, **scores
            )
    except IntegrityError:
        # Two answers for the same party at once: the constraint keeps one.
        raise DomainError(gettext("该当事人已评价，每位当事人只能评价一次")) from None
    figures.refresh(mediation.pk)
    seq = record(
        actor,
        "mediation.survey_answered",
        survey,
        case=mediation.case_ref,
        after={"party": party.name, **scores, "comment": bool(survey.comment)},
    )
    if acting is not None:
        party_accounts.record_act(
            acting, actor, "mediation.survey_answered", f"{mediation.number}：{gettext('满意度评价')}", seq
        )
    return survey
