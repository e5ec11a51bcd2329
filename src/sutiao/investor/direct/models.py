"""A direct application, its own attachments and its timeline. Loaded with the investor app's models
(investor/models.py). The applicant's identity number is never copied here: the application names the party
account, whose profile keeps it encrypted (sutiao.accounts.pii); the respondent is a firm, named by its unified
social credit code (public by law, GB 32100) and that code's keyed digest, by which its account is found."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sutiao.kernel.direct import RespondentSector
from sutiao.kernel.enums import DisputeType, MediationOutcome
from sutiao.kernel.ids import new_id
from sutiao.kernel.workflow import APPLICATION_OPEN, ApplicationState

_USER = settings.AUTH_USER_MODEL


class DirectApplication(models.Model):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    number = models.CharField(_("申请编号"), max_length=32, unique=True)
    organisation = models.ForeignKey(
        "accounts.Institution", verbose_name=_("调解组织"), on_delete=models.PROTECT, related_name="applications"
    )
    applicant = models.ForeignKey(_USER, verbose_name=_("申请人账号"), on_delete=models.PROTECT, related_name="+")
    applicant_name = models.CharField(_("申请人"), max_length=200)
    applicant_digest = models.CharField(max_length=64, db_index=True, editable=False)
    applicant_ordinary = models.BooleanField(_("申请人为普通投资者"), default=True)
    dispute_type = models.CharField(_("纠纷类型"), max_length=32, choices=DisputeType.choices())
    facts = models.TextField(_("事实与理由"))
    claims = models.TextField(_("请求事项"))
    amount = models.DecimalField(_("标的额（元）"), max_digits=16, decimal_places=2)
    respondent_name = models.CharField(_("被申请人"), max_length=200)
    respondent_code = models.CharField(_("被申请人统一社会信用代码"), max_length=18)
    respondent_digest = models.CharField(max_length=64, db_index=True, editable=False)
    respondent_sector = models.CharField(_("被申请人类型"), max_length=24, choices=RespondentSector.choices())
    state = models.CharField(
        _("状态"), max_length=24, choices=ApplicationState.choices(), default=ApplicationState.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("提交时间"))
    review_due = models.DateField(_("审查期限"))
    review_due_provisional = models.BooleanField(_("期限为暂定"), default=False)
    # When the scan found the review deadline passed with no decision, and told everyone concerned (once).
    review_overdue_at = models.DateTimeField(_("审查逾期提示时间"), null=True, blank=True)
    answered_at = models.DateTimeField(_("审查时间"), null=True, blank=True)
    answered_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decline_reason = models.TextField(_("不予受理的理由"), blank=True)
    mediator = models.ForeignKey(
        _USER,
        verbose_name=_("调解员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="direct_mediations",
    )
    mediator_assigned_at = models.DateTimeField(_("指派时间"), null=True, blank=True)
    respondent_answered_at = models.DateTimeField(_("被申请人答复时间"), null=True, blank=True)
    respondent_answered_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # L19: a securities or futures firm's refusal of an ordinary investor's request is recorded, and mediation
    # goes ahead regardless.
    refusal_attempted = models.BooleanField(_("被申请人曾表示拒绝（依法不得拒绝）"), default=False)
    respondent_reason = models.TextField(_("被申请人拒绝的理由"), blank=True)
    outcome = models.CharField(_("调解结果"), max_length=16, choices=MediationOutcome.choices(), blank=True)
    terms = models.TextField(_("调解协议内容"), blank=True)
    outcome_reason = models.TextField(_("调解不成/撤回原因"), blank=True)
    concluded_at = models.DateTimeField(_("调解结束时间"), null=True, blank=True)
    court_guidance = models.TextField(_("向法院起诉的指引"), blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("直接申请调解")
        indexes = [
            # An organisation's applications, and a party's own (the lists' orders, newest first).
            models.Index(fields=["organisation", "-submitted_at", "id"], name="application_org"),
            models.Index(fields=["applicant", "-submitted_at", "id"], name="application_applicant"),
            models.Index(fields=["respondent_digest", "-submitted_at", "id"], name="application_respondent"),
            # The overdue-review scan: applications still waiting for review, by deadline.
            models.Index(
                fields=["review_due"],
                name="application_review_waiting",
                condition=models.Q(state="submitted", review_overdue_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} · {self.applicant_name} ⟷ {self.respondent_name}"

    @property
    def is_open(self) -> bool:
        return self.state in APPLICATION_OPEN


class ApplicationEvidence(models.Model):
    """A file the applicant attached (sutiao.documents); read by the applicant, the organisation, the mediator and
    the respondent once the application is accepted."""

    application = models.ForeignKey(DirectApplication, on_delete=models.CASCADE, related_name="evidence")
    file = models.OneToOneField("documents.StoredFile", on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(_("提交时间"))

    class Meta:
        ordering = ["added_at", "id"]


class ApplicationEvent(models.Model):
    """A line of the application's timeline, as the applicant, the organisation and the respondent read it."""

    application = models.ForeignKey(DirectApplication, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    actor = models.CharField(_("操作人"), max_length=200)
    text = models.CharField(_("事项"), max_length=500)

    class Meta:
        ordering = ["at", "id"]
