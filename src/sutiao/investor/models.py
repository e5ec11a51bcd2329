"""The investor platform's data: the registry of mediation organisations and mediators (notice §4(3)),
their pushes to courts' invited rosters (§4(4)), and delegations received from courts, as the
organisation works them."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sutiao.accounts.models import Institution
from sutiao.accounts.pii import Ciphertext, EncryptedJSON, EncryptedText
from sutiao.docking.models import Peer
from sutiao.kernel.calendar import china_today
from sutiao.kernel.enums import DelegationKind, DisputeType, MediationOutcome
from sutiao.kernel.ids import new_id
from sutiao.kernel.workflow import (
    INVESTOR,
    INVESTOR_PROPOSAL_LIVE,
    INVESTOR_PROPOSAL_OPEN,
    ImportState,
    InvestorEvent,
    InvestorProposalState,
    InvestorState,
)
from sutiao.regions import region_field, region_set


class OrgKind(models.TextChoices):
    INDUSTRY = "industry", _("证券期货行业调解组织")
    COMMERCIAL = "commercial", _("商事调解组织")
    PEOPLE = "people", _("人民调解委员会")
    OTHER = "other", _("其他调解组织")


class RegistryStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    SUSPENDED = "suspended", _("暂停")
    WITHDRAWN = "withdrawn", _("已退出/离任")


class MediationOrg(models.Model):
    """The registry record of a mediation organisation (调解组织信息, notice §4(3)). Its name and the
    regional office or affiliated unit that supervises it are the Institution's `name` and `parent`."""

    institution = models.OneToOneField(
        Institution, primary_key=True, on_delete=models.PROTECT, related_name="registry", verbose_name=_("机构")
    )
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    kind = models.CharField(_("组织类型"), max_length=16, choices=OrgKind.choices)
    address = models.CharField(_("住所"), max_length=300, blank=True)
    scope = models.JSONField(_("服务地域"), default=list, help_text=_("省级行政区名称，或“全国”"))
    dispute_types = models.JSONField(_("受理纠纷类型"), default=list)
    capacity = models.PositiveIntegerField(_("可同时办理案件数"))
    contact_name = models.CharField(_("联系人"), max_length=100, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    contact_email = models.EmailField(_("电子邮箱"), blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=RegistryStatus.choices, default=RegistryStatus.ACTIVE)
    status_reason = models.CharField(_("状态说明"), max_length=500, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = _("调解组织信息")
        ordering = ["institution__name"]

    def __str__(self) -> str:
        return self.institution.name


class Qualification(models.TextChoices):
    LAWYER = "lawyer", _("律师")
    SECURITIES = "securities", _("证券从业人员")
    FUTURES = "futures", _("期货从业人员")
    FUND = "fund", _("基金从业人员")
    RETIRED_JUDGE = "retired_judge", _("退休法官")
    ARBITRATOR = "arbitrator", _("仲裁员")
    ACCOUNTANT = "accountant", _("注册会计师")
    SCHOLAR = "scholar", _("专家学者")
    OTHER = "other", _("其他")


class Mediator(models.Model):
    """The registry record of a mediator. The identity number is kept encrypted (Fernet, key from the
    environment), with a keyed digest to find duplicates, and shown masked only."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    organisation = models.ForeignKey(
        Institution, verbose_name=_("所属调解组织"), on_delete=models.PROTECT, related_name="registered_mediators"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mediator_record",
    )
    name = models.CharField(_("姓名"), max_length=100)
    id_number_encrypted = Ciphertext(editable=False)
    id_number_digest = models.CharField(max_length=64, unique=True, editable=False)
    id_number_masked = models.CharField(_("公民身份号码"), max_length=18)
    # Encrypted at rest (issue 14 §9); shown in clear only to the organisation's own administrator
    # (permissions.sees_mediator_phones), masked everywhere else, its history included.
    phone = EncryptedText(_("手机号"), max_length=20, blank=True)
    specialties = models.JSONField(_("擅长纠纷类型"), default=list)
    qualifications = models.JSONField(_("资质"), default=list)
    training_hours = models.DecimalField(_("培训学时"), max_digits=7, decimal_places=1, default=0)
    status = models.CharField(_("状态"), max_length=16, choices=RegistryStatus.choices, default=RegistryStatus.ACTIVE)
    status_reason = models.CharField(_("状态说明"), max_length=500, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = _("调解员信息")
        ordering = ["organisation__name", "name"]
        # An organisation's mediators by name, paged (training.selectors.organisation_training).
        indexes = [models.Index(fields=["organisation", "name", "id"], name="mediator_org_name")]

    def __str__(self) -> str:
        return self.name


class SubjectKind(models.TextChoices):
    ORGANISATION = "organisation", _("调解组织")
    MEDIATOR = "mediator", _("调解员")


class ImportKind(models.TextChoices):
    """What an Excel import holds: registry records, or mediators' training records (issue 13 §6)."""

    ORGANISATION = "organisation", _("调解组织")
    MEDIATOR = "mediator", _("调解员")
    TRAINING = "training", _("培训记录")


class RegistryChange(models.Model):
    """One version of a registry record: who changed what, when (old and new value of each field)."""

    subject_kind = models.CharField(_("对象"), max_length=16, choices=SubjectKind.choices)
    subject_id = models.UUIDField(_("对象标识"))
    version = models.PositiveIntegerField(_("版本"))
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    actor = models.CharField(_("操作人"), max_length=200)
    summary = models.CharField(_("事项"), max_length=200)
    changes = models.JSONField(_("变更内容"), default=dict)

    class Meta:
        verbose_name = verbose_name_plural = _("信息变更记录")
        ordering = ["subject_id", "version"]
        constraints = [
            models.UniqueConstraint(fields=["subject_kind", "subject_id", "version"], name="registry_change_version")
        ]


class UpdateCampaign(models.Model):
    """The Bureau's periodic information update (定期汇总并更新, notice §4(3)): every active organisation
    confirms or refreshes its data by `due`; those that have not by then are flagged."""

    title = models.CharField(_("名称"), max_length=200)
    due = models.DateField(_("截止日期"))
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发起人"), on_delete=models.PROTECT)
    started_at = models.DateTimeField(_("发起时间"), auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = _("信息更新工作")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return self.title


class CampaignConfirmation(models.Model):
    campaign = models.ForeignKey(UpdateCampaign, on_delete=models.CASCADE, related_name="confirmations")
    organisation = models.ForeignKey(Institution, verbose_name=_("调解组织"), on_delete=models.CASCADE)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("确认人"), on_delete=models.PROTECT)
    confirmed_at = models.DateTimeField(_("确认时间"), auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "organisation"], name="campaign_confirmed_once")]


# A confirmation may be renewed by pushing again from this long before it runs out (the court's roster page
# flags entries 30 days ahead; the Bureau needs time to push and the court to decide).
RENEWAL_WINDOW = dt.timedelta(days=90)


class RosterProposalQuerySet(models.QuerySet):
    """The predicates on pushes and memberships, each written once; selectors, actions and inbound effects
    compose from them."""

    def of_organisations(self):
        return self.filter(subject_kind=SubjectKind.ORGANISATION)

    def for_court(self, court_id):
        """Pushes to that court, and to every court (`court_id` empty: the list the SPC and the CSRC recognise
        jointly, which holds at every court)."""
        return self.filter(Q(court_id=court_id) | Q(court_id__isnull=True))

    def live(self):
        """Awaiting the court's decision or confirmed: what the court must hear of when the subject changes."""
        return self.filter(state__in=INVESTOR_PROPOSAL_LIVE)

    def in_force(self, on: dt.date):
        """On the court's roster on that day: confirmed, and `on` within its validity period (both ends
        counted). The one meaning of "on a court's roster" on this platform."""
        return self.filter(state=InvestorProposalState.CONFIRMED, valid_from__lte=on, valid_until__gte=on)

    def blocking_a_push(self, on: dt.date):
        """Pushes that make another push of the subject pointless on that day. Not `in_force`: a push the
        court has yet to decide blocks (as does a court's request to take the subject over, awaiting consent),
        and so does a confirmation whose period has not started yet (it was decided; pushing again would ask
        the same question), while a confirmation within RENEWAL_WINDOW of its end does not (pushing again
        renews it)."""
        return self.live().filter(Q(state__in=INVESTOR_PROPOSAL_OPEN) | Q(valid_until__gt=on + RENEWAL_WINDOW))


class RosterProposal(models.Model):
    """A push of an organisation or mediator to a court's invited roster (notice §4(4)) and what became
    of it. A confirmed one is the organisation's membership of that court's roster: delegations from
    that court are taken only while it holds. `court_id` empty: every court (the jointly recognised list)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    peer = models.ForeignKey(Peer, verbose_name=_("法院平台"), on_delete=models.PROTECT)
    subject_kind = models.CharField(_("对象"), max_length=16, choices=SubjectKind.choices)
    organisation = models.ForeignKey(
        Institution, verbose_name=_("调解组织"), on_delete=models.PROTECT, related_name="roster_proposals"
    )
    mediator = models.ForeignKey(
        Mediator, verbose_name=_("调解员"), null=True, blank=True, on_delete=models.PROTECT, related_name="proposals"
    )
    court_id = models.UUIDField(_("法院标识"), null=True, blank=True)
    court_name = models.CharField(_("法院"), max_length=200)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("推送人"), on_delete=models.PROTECT)
    proposed_at = models.DateTimeField(_("推送时间"))
    note = models.CharField(_("推送说明"), max_length=2000, blank=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=InvestorProposalState.choices(), default=InvestorProposalState.PENDING
    )
    decided_at = models.DateTimeField(_("确认/拒绝时间"), null=True, blank=True)
    decided_by = models.CharField(_("确认人"), max_length=200, blank=True)
    reason = models.CharField(_("理由"), max_length=2000, blank=True)
    valid_from = models.DateField(_("有效期自"), null=True, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    ended_at = models.DateTimeField(_("移出时间"), null=True, blank=True)
    ended_reason = models.CharField(_("移出原因"), max_length=500, blank=True)
    # A lower court's request to take the subject over from a higher court's roster (ROSTER_ADOPTION_REQUESTED):
    # awaiting the subject's consent, then a membership of that court's own (在线调解规则 Art. 27 ¶2; L23).
    adopted_from = models.ForeignKey(
        "self",
        verbose_name=_("沿用的上级法院名册"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adoptions",
    )

    objects = RosterProposalQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = _("特邀名册推送")
        ordering = ["-proposed_at"]
        indexes = [models.Index(fields=["organisation", "state"], name="roster_proposal_org_state")]

    def __str__(self) -> str:
        return f"{self.mediator or self.organisation} → {self.court_name}"

    @property
    def renewable(self) -> bool:
        """Confirmed and within RENEWAL_WINDOW of its end, or past it: pushing again renews it."""
        return (
            self.state == InvestorProposalState.CONFIRMED
            and self.valid_until is not None
            and self.valid_until <= china_today() + RENEWAL_WINDOW
        )


class CourtDirectory(models.Model):
    """The courts the investor platform can push to: read from the court platform (`/docking/v1/courts`),
    learned from their delegations, or entered by an operator. `id` is the court's id on the court platform."""

    id = models.UUIDField(primary_key=True, editable=False)
    peer = models.ForeignKey(Peer, verbose_name=_("法院平台"), on_delete=models.PROTECT)
    name = models.CharField(_("法院"), max_length=200)
    kind = models.CharField(_("法院层级"), max_length=32, blank=True)
    parent_id = models.UUIDField(_("上级法院标识"), null=True, blank=True)
    active = models.BooleanField(_("可推送"), default=True)
    # The places the court serves for judicial confirmation, as the court platform configures them (L11):
    # [{"prefix": "110105", "dispute_types": []}, ...], from which the parties choose a competent court.
    areas = models.JSONField(_("司法确认管辖区域"), default=list, blank=True)
    synced_at = models.DateTimeField(_("名录同步时间"), null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("法院名录")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ImportJob(models.Model):
    """An Excel file of registry records, imported whole or not at all by the platform's worker; the page
    shows its progress and, when it fails, every bad row with its column and reason."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    subject_kind = models.CharField(_("导入内容"), max_length=16, choices=ImportKind.choices)
    organisation = models.ForeignKey(
        Institution, verbose_name=_("调解组织"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT)
    file_name = models.CharField(_("文件名"), max_length=255)
    content = models.BinaryField()
    state = models.CharField(_("状态"), max_length=16, choices=ImportState.choices(), default=ImportState.QUEUED)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    done_rows = models.PositiveIntegerField(_("已检查行数"), default=0)
    imported = models.PositiveIntegerField(_("已导入条数"), default=0)
    errors = models.JSONField(_("错误"), default=list)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("导入任务")
        ordering = ["-created_at"]


class DelegationQuerySet(models.QuerySet):
    def open(self):
        """Still the organisation's work: awaiting an answer, a mediator or a result."""
        return self.filter(state__in=OPEN_STATES)


OPEN_STATES = (InvestorState.RECEIVED, InvestorState.ACCEPTED, InvestorState.MEDIATING)


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
    # The region of the case for the oversight figures: the province of the delegating court, read from its case
    # number (kernel.regions) as the court platform reads it, so that both platforms' figures by region agree.
    region = region_field()
    dispute_type = models.CharField(_("纠纷类型"), max_length=32, choices=DisputeType.choices())
    facts = models.TextField(_("事实与理由"), blank=True)
    amount = models.DecimalField(_("标的额（元）"), max_digits=16, decimal_places=2)
    claims = models.JSONField(_("请求事项"))
    # The court's parties as the docking brought them, identity numbers and phones included: encrypted as a
    # whole (sutiao.accounts.pii), erased by the retention job (parties_erased_at) once the case is long closed.
    parties = EncryptedJSON(_("当事人"))
    parties_erased_at = models.DateTimeField(_("当事人个人信息删除时间"), null=True, blank=True, editable=False)
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
    decline_reason = models.TextField(_("不予接受的理由"), blank=True)
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
    # The mediator the parties jointly chose (《人民法院在线调解规则》Art. 10; LEGAL-RULES L3): it binds the
    # organisation, which assigns that mediator or declines the choice with a reason the court and the parties see.
    chosen_mediator = models.ForeignKey(
        Mediator,
        verbose_name=_("当事人选定的调解员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    choice_declined_reason = models.TextField(_("不予指派选定调解员的理由"), blank=True)
    simple_procedure = models.BooleanField(_("适用简易程序"), default=False)
    # What the delegation is found by (investor.search.index_delegations, sutiao.listing.search).
    search_text = models.TextField(blank=True, default="", editable=False)
    search_grams = models.TextField(blank=True, default="", editable=False)

    objects = DelegationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = _("收到的委派/委托")
        ordering = ["answer_due", "received_at"]
        # Behind the lists' orders (selectors.QUEUE_ORDER, FINISHED_ORDER) for an organisation and a mediator.
        indexes = [
            models.Index(fields=["organisation", "state"], name="investor_delegation_org_state"),
            models.Index(
                fields=["organisation", "answer_due", "received_at", "id"], name="investor_delegation_org_due"
            ),
            models.Index(fields=["organisation", "received_at", "id"], name="investor_delegation_org_recv"),
            models.Index(fields=["mediator", "answer_due", "received_at", "id"], name="investor_delegation_med_due"),
            models.Index(fields=["mediator", "received_at", "id"], name="investor_delegation_med_recv"),
            # Behind the filters (selectors.filter_delegations) within an organisation.
            models.Index(fields=["organisation", "court_id", "received_at"], name="investor_delegation_org_court"),
            models.Index(fields=["organisation", "dispute_type", "received_at"], name="investor_delegation_org_type"),
            # Behind the figures' region filter (investor.reports), with the dashboard's dates.
            models.Index(fields=["region", "received_at"], name="investor_delegation_region"),
        ]
        constraints = [models.CheckConstraint(condition=region_set(), name="investor_delegation_region_set")]

    def __str__(self) -> str:
        return f"{self.court_case_number} · {self.organisation}"

    @property
    def awaiting_answer(self) -> bool:
        """The organisation has yet to accept or not accept: the state machine still allows an answer."""
        return InvestorEvent.ACCEPT in INVESTOR.allowed_events(self.state)


class DelegationEvent(models.Model):
    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    actor = models.CharField(_("操作人"), max_length=200)
    text = models.CharField(_("事项"), max_length=500)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.text}"


class DelegationCorrection(models.Model):
    """The court corrected the case's registration data after delegating it (CASE_CORRECTED, issue 15): who at
    the court, when, why, and each field before → after. The changes hold the parties' personal values, so they
    are encrypted like `Delegation.parties` and erased with them; the page masks them as it masks the parties."""

    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="corrections")
    revision_id = models.PositiveIntegerField(_("法院更正记录编号"))
    corrected_by = models.CharField(_("更正人"), max_length=200)
    corrected_at = models.DateTimeField(_("更正时间"))
    received_at = models.DateTimeField(_("收到时间"), auto_now_add=True)
    reason = models.TextField(_("更正理由"))
    changes = EncryptedJSON(_("变更内容"), default=list)

    class Meta:
        verbose_name = verbose_name_plural = _("法院更正记录")
        ordering = ["corrected_at", "id"]
        constraints = [models.UniqueConstraint(fields=["delegation", "revision_id"], name="delegation_correction_once")]


class ResultCorrection(models.Model):
    """A result recorded by mistake, corrected by the mediator within the window (issue 15 §4): who, when, why,
    each field before → after; sent to the court (RESULT_CORRECTED). `refused` is the court's answer when it had
    already acted on the result."""

    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="result_corrections")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("更正人"), on_delete=models.PROTECT)
    at = models.DateTimeField(_("更正时间"), auto_now_add=True)
    reason = models.TextField(_("更正理由"))
    changes = models.JSONField(_("变更内容"), default=list)
    refused = models.TextField(_("法院未采纳的原因"), blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("调解结果更正记录")
        ordering = ["at", "id"]


# The mediation's models live with its workspace; importing them here registers them with the investor app.
from .agreements import models as _agreement_models  # noqa: E402, F401
from .confirmation import models as _confirmation_models  # noqa: E402, F401
from .direct import models as _direct_models  # noqa: E402, F401
from .mediation import models as _mediation_models  # noqa: E402, F401
from .training import models as _training_models  # noqa: E402, F401
from .typical import models as _typical_models  # noqa: E402, F401
