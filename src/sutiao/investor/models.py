"""The investor platform's data: delegations received from courts, as the organisation works them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sutiao.accounts.models import Institution
from sutiao.docking.models import Peer
from sutiao.kernel.enums import DelegationKind, DisputeType, MediationOutcome
from sutiao.kernel.workflow import InvestorState


class Delegation(models.Model):
    """A delegation (委派) or entrustment (委托) received from a court; `id` is the court's delegation id,
    `case` the platform-neutral case reference."""

    id = models.UUIDField(primary_key=True, editable=False)
    case = models.UUIDField(_("案件标识"), db_index=True)
    peer = models.ForeignKey(Peer, verbose_name=_("来源平台"), on_delete=models.PROTECT)
    organisation = models.ForeignKey(
        Institution, verbose_name=_("调解组织"), on_delete=models.PROTECT, related_name="delegations"
    )
    kind = models.CharField(_("方式"), max_length=16, choices=DelegationKind.choices())
    court_id = models.UUIDField(_("法院标识"))
    court_name = models.CharField(_("委派法院"), max_length=200)
    court_case_number = models.CharField(_("法院案号"), max_length=80)
    dispute_type = models.CharField(_("纠纷类型"), max_length=32, choices=DisputeType.choices())
    facts = models.TextField(_("事实与理由"), blank=True)
    amount = models.DecimalField(_("标的额（元）"), max_digits=16, decimal_places=2)
    claims = models.JSONField(_("请求事项"))
    parties = models.JSONField(_("当事人"))
    consent = models.JSONField(_("调解意见"))
    delegated_at = models.DateTimeField(_("委派时间"))
    received_at = models.DateTimeField(_("收到时间"))
    answer_due = models.DateField(_("答复期限"))
    answer_due_provisional = models.BooleanField(_("期限为暂定"), default=False)
    state = models.CharField(_("状态"), max_length=16, choices=InvestorState.choices(), default=InvestorState.RECEIVED)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decline_reason = models.TextField(_("拒绝理由"), blank=True)
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("调解员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mediations",
    )
    mediator_assigned_at = models.DateTimeField(_("指派时间"), null=True, blank=True)
    outcome = models.CharField(_("调解结果"), max_length=16, choices=MediationOutcome.choices(), blank=True)
    terms = models.TextField(_("调解协议内容"), blank=True)
    outcome_reason = models.TextField(_("调解不成/撤回原因"), blank=True)
    concluded_at = models.DateTimeField(_("调解结束时间"), null=True, blank=True)
    recall_reason = models.TextField(_("法院撤回理由"), blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("收到的委派/委托")
        ordering = ["answer_due", "received_at"]
        indexes = [models.Index(fields=["organisation", "state"], name="investor_delegation_org_state")]

    def __str__(self) -> str:
        return f"{self.court_case_number} · {self.organisation}"


class DelegationEvent(models.Model):
    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    actor = models.CharField(_("操作人"), max_length=200)
    text = models.CharField(_("事项"), max_length=500)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.text}"
