"""The court platform's data: disputes registered by filing staff, their parties, claims and consents,
and each delegation (委派/委托) of the dispute to a mediation organisation on a peer platform."""

import datetime as dt

from django.conf import settings
from django.db import connections, models
from django.db.models import ExpressionWrapper, Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from sutiao.accounts.models import Institution
from sutiao.accounts.pii import EncryptedJSON, EncryptedText, id_number_digest
from sutiao.docking.models import Peer
from sutiao.kernel.enums import (
    CaseStage,
    ConsentMethod,
    DelegationKind,
    DisputeType,
    MediationOutcome,
    PartyKind,
    PartyRole,
)
from sutiao.kernel.ids import new_id
from sutiao.kernel.workflow import (
    COURT_CLOSED_STATES,
    DELEGATION_ANSWERABLE,
    DELEGATION_OPEN,
    CourtProposalState,
    CourtState,
    DelegationState,
    MediationDocumentState,
    court_state_label,
)
from sutiao.regions import region_field, region_set


class Organisation(models.Model):
    """A mediation organisation as the registry on its platform describes it (kept current by
    ROSTER_PROPOSED and ROSTER_CHANGED); `id` is the organisation's id there. A court delegates to it only
    while it is on that court's invited roster (`RosterEntry`)."""

    id = models.UUIDField(primary_key=True, editable=False)
    peer = models.ForeignKey(Peer, verbose_name=_("所在平台"), on_delete=models.PROTECT)
    name = models.CharField(_("名称"), max_length=200)
    active = models.BooleanField(_("正常运行"), default=True)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    kind = models.CharField(_("组织类型"), max_length=200, blank=True)
    supervisor = models.CharField(_("指导单位"), max_length=200, blank=True)
    address = models.CharField(_("住所"), max_length=300, blank=True)
    scope = models.JSONField(_("服务地域"), default=list)
    dispute_types = models.JSONField(_("受理纠纷类型"), default=list)
    capacity = models.PositiveIntegerField(_("可同时办理案件数"), default=0)
    contact_name = models.CharField(_("联系人"), max_length=100, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    registry_version = models.PositiveIntegerField(_("登记信息版本"), default=0)
    updated_at = models.DateTimeField(_("信息更新时间"), null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("调解组织")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Mediator(models.Model):
    """A mediator as the registry describes it; the identity number is only ever seen masked here."""

    id = models.UUIDField(primary_key=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("所属调解组织"), on_delete=models.PROTECT, related_name="mediators"
    )
    name = models.CharField(_("姓名"), max_length=100)
    id_number_masked = models.CharField(_("公民身份号码"), max_length=18, blank=True)
    specialties = models.JSONField(_("擅长纠纷类型"), default=list)
    qualifications = models.JSONField(_("资质"), default=list)
    training_hours = models.DecimalField(_("培训学时"), max_digits=7, decimal_places=1, default=0)
    # The training of the last twelve months against the roster's requirement, as the investor platform counted it
    # when it last sent the mediator's card with that figure (docking MediatorTraining; issue 13 §6): what the
    # court's confirmation shows, in place of `training_hours`. Empty until a card carries it (older messages).
    training_recent_hours = models.DecimalField(
        _("近12个月培训学时"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    training_required = models.DecimalField(_("名册要求的学时"), max_digits=7, decimal_places=1, null=True, blank=True)
    training_start = models.DateField(_("培训学时统计自"), null=True, blank=True)
    training_end = models.DateField(_("培训学时统计至"), null=True, blank=True)
    training_met = models.BooleanField(_("达到培训要求"), null=True, blank=True)
    active = models.BooleanField(_("在册"), default=True)
    registry_version = models.PositiveIntegerField(_("登记信息版本"), default=0)
    updated_at = models.DateTimeField(_("信息更新时间"), null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("调解员")
        ordering = ["organisation__name", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def training_shortfall(self):
        """The hours still missing to meet the roster's requirement, by the docked figure (None without one)."""
        if self.training_recent_hours is None or self.training_required is None:
            return None
        return max(self.training_required - self.training_recent_hours, 0)


class SubjectKind(models.TextChoices):
    ORGANISATION = "organisation", _("调解组织")
    MEDIATOR = "mediator", _("调解员")


class RosterProposal(models.Model):
    """An organisation or mediator pushed to this court (or, with no court, to every court: the jointly
    recognised list, decided by the Supreme People's Court) for confirmation (notice §4(4))."""

    id = models.UUIDField(primary_key=True, editable=False)
    court = models.ForeignKey(
        Institution, verbose_name=_("法院"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_kind = models.CharField(_("对象"), max_length=16, choices=SubjectKind.choices)
    organisation = models.ForeignKey(Organisation, verbose_name=_("调解组织"), on_delete=models.PROTECT)
    mediator = models.ForeignKey(Mediator, verbose_name=_("调解员"), null=True, blank=True, on_delete=models.PROTECT)
    proposed_by = models.CharField(_("推送单位"), max_length=200)
    proposed_at = models.DateTimeField(_("推送时间"))
    note = models.CharField(_("推送说明"), max_length=2000, blank=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=CourtProposalState.choices(), default=CourtProposalState.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("确认人"), null=True, blank=True, on_delete=models.PROTECT
    )
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    reason = models.CharField(_("理由"), max_length=2000, blank=True)
    # Not pushed but a request to take over a higher court's entry, which only the organisation's or mediator's
    # consent turns into an entry of this court's roster (《人民法院在线调解规则》Art. 27 ¶2; LEGAL-RULES L23):
    # who asked, and the period asked for, wait here for the answer.
    adopted_from = models.ForeignKey(
        "RosterEntry",
        verbose_name=_("沿用的上级法院名册条目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adoptions",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("请求人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    valid_from = models.DateField(_("请求的有效期自"), null=True, blank=True)
    valid_until = models.DateField(_("请求的有效期至"), null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("待确认的特邀推送")
        ordering = ["-proposed_at"]

    def __str__(self) -> str:
        return str(self.mediator or self.organisation)


# How long before an entry's end the roster page flags it: the Bureau needs time to push again, the court to
# decide.
ENDING_SOON_DAYS = 30


class RosterEntryQuerySet(models.QuerySet):
    """The roster's predicates, each once (LEGAL-RULES L2). Compose: `for_court(id).in_force(on)`."""

    def for_court(self, court_id):
        """A court's roster: its own confirmations and the jointly recognised ones (no court: every court's)."""
        return self.filter(Q(court_id=court_id) | Q(court__isnull=True))

    def in_force(self, on: dt.date):
        """Entries in force on `on`: not removed, and valid_from ≤ on ≤ valid_until. Only these may be
        delegated to, chosen by the parties, published or taken over by a lower court."""
        return self.filter(removed_at__isnull=True, valid_from__lte=on, valid_until__gte=on)

    def not_ended(self, on: dt.date):
        """Entries not removed whose period has not ended on `on`: in force, or confirmed to start later. The
        roster page lists these (lest staff think a confirmation with a later start was lost), and a new
        confirmation of the same subject renews (replaces) such an entry rather than standing beside it."""
        return self.filter(removed_at__isnull=True, valid_until__gte=on)

    def with_timing(self, on: dt.date):
        """Each entry marked `not_yet` (confirmed to start after `on`) and `ending_soon` (its period ends within
        ENDING_SOON_DAYS of `on`), so the roster page shows them and the court can ask for a new push in time."""
        return self.annotate(
            not_yet=ExpressionWrapper(Q(valid_from__gt=on), output_field=models.BooleanField()),
            ending_soon=ExpressionWrapper(
                Q(valid_until__lte=on + dt.timedelta(days=ENDING_SOON_DAYS)), output_field=models.BooleanField()
            ),
        )

    def standing(self):
        """Not removed, whatever the dates: what a removal or a registry change can still take off."""
        return self.filter(removed_at__isnull=True)

    def of_active_subjects(self):
        """Entries whose organisation (and mediator) the registry still lists as active."""
        return self.filter(Q(mediator__isnull=True) | Q(mediator__active=True), organisation__active=True)

    def organisations(self):
        return self.filter(subject_kind=SubjectKind.ORGANISATION)

    def mediators(self):
        return self.filter(subject_kind=SubjectKind.MEDIATOR)


class RosterEntry(models.Model):
    """A court's confirmed specially invited (特邀) organisation or mediator, with its validity period. All
    entries that come through this docking form the court's securities and futures roster
    (《人民法院在线调解规则》Art. 28; LEGAL-RULES L2). No court: on every court's roster (jointly recognised)."""

    court = models.ForeignKey(
        Institution, verbose_name=_("法院"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_kind = models.CharField(_("对象"), max_length=16, choices=SubjectKind.choices)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("调解组织"), on_delete=models.PROTECT, related_name="roster_entries"
    )
    mediator = models.ForeignKey(
        Mediator,
        verbose_name=_("调解员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="roster_entries",
    )
    proposal = models.OneToOneField(RosterProposal, on_delete=models.PROTECT, related_name="entry")
    valid_from = models.DateField(_("有效期自"))
    valid_until = models.DateField(_("有效期至"))
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("确认人"), on_delete=models.PROTECT)
    confirmed_at = models.DateTimeField(_("确认时间"))
    removed_at = models.DateTimeField(_("移出时间"), null=True, blank=True)
    removed_reason = models.CharField(_("移出原因"), max_length=500, blank=True)

    objects = RosterEntryQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = _("特邀调解名册")
        ordering = ["organisation__name", "mediator__name"]
        indexes = [models.Index(fields=["court", "removed_at"], name="roster_entry_court")]

    def __str__(self) -> str:
        return str(self.mediator or self.organisation)

    def status_on(self, on: dt.date) -> str:
        """valid, not_yet, expired or removed on `on`: the one entry's reading of `RosterEntryQuerySet.in_force`
        (for a certificate or an API row already loaded)."""
        if self.removed_at is not None:
            return "removed"
        if self.valid_until < on:
            return "expired"
        return "not_yet" if self.valid_from > on else "valid"


class RosterEvent(models.Model):
    """What happened to the court's roster, as the roster page tells it (pushes, decisions, removals)."""

    court = models.ForeignKey(
        Institution, verbose_name=_("法院"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    actor = models.CharField(_("操作人"), max_length=200)
    text = models.CharField(_("事项"), max_length=500)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["court", "at", "id"], name="roster_event_court_at")]


class CaseNumberCounter(models.Model):
    court = models.ForeignKey(Institution, on_delete=models.CASCADE)
    year = models.PositiveIntegerField()
    kind = models.CharField(max_length=16)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["court", "year", "kind"], name="case_number_counter_unique")]


class ChoiceBy(models.TextChoices):
    """Who chooses the organisation (《人民法院在线调解规则》Art. 10; LEGAL-RULES L3)."""

    PARTIES = "parties", _("当事人共同选择")
    COURT = "court", _("当事人同意由人民法院指定")


# In litigation the applicant and respondent are the plaintiff and defendant (原告/被告).
_LITIGATION_ROLES = {PartyRole.APPLICANT: "原告", PartyRole.RESPONDENT: "被告"}


class Case(models.Model):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    court = models.ForeignKey(Institution, verbose_name=_("法院"), on_delete=models.PROTECT, related_name="cases")
    number = models.CharField(_("案号"), max_length=80, unique=True)
    # The region of the case for the oversight figures: the province of the court, read from the number (kernel.
    # regions), as the investor platform reads it from the same number. Kept here, where the number is, and not on
    # each delegation: a number is set once at registration (a wrong one is voided and registered again), and the
    # fact rows join the case already for its number and court.
    region = region_field()
    stage = models.CharField(_("阶段"), max_length=16, choices=CaseStage.choices())
    # A filed case the court hears under simple procedure: entrusted, it is mediated within 7 days, not 15 (L6).
    simple_procedure = models.BooleanField(_("适用简易程序"), default=False)
    dispute_type = models.CharField(_("纠纷类型"), max_length=32, choices=DisputeType.choices())
    facts = models.TextField(_("事实与理由"), blank=True)
    amount = models.DecimalField(_("标的额（元）"), max_digits=16, decimal_places=2)
    state = models.CharField(_("状态"), max_length=20, choices=CourtState.choices(), default=CourtState.APPLIED)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT)
    registered_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    consent_asked_at = models.DateTimeField(_("征求意见时间"), null=True, blank=True)
    consented_at = models.DateTimeField(_("各方同意调解时间"), null=True, blank=True)
    chosen_by = models.CharField(_("选定方式"), max_length=16, choices=ChoiceBy.choices, blank=True)
    chosen_organisation = models.ForeignKey(
        "Organisation",
        verbose_name=_("选定的调解组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    chosen_mediator = models.ForeignKey(
        "Mediator", verbose_name=_("选定的调解员"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    chosen_at = models.DateTimeField(_("选定时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结案/转出时间"), null=True, blank=True)
    # The judge who hears a case in litigation (承办法官): the one who issues its 调解书 (L15).
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办法官"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # What the case is found by (court.search.index_cases, sutiao.listing.search).
    search_text = models.TextField(blank=True, default="", editable=False)
    search_grams = models.TextField(blank=True, default="", editable=False)

    class Meta:
        verbose_name = verbose_name_plural = _("案件")
        ordering = ["-registered_at"]
        # Behind the lists' order and filters (selectors.CASE_ORDER, selectors.filter_cases).
        indexes = [
            models.Index(fields=["court", "state", "registered_at", "id"], name="court_case_state"),
            models.Index(fields=["court", "registered_at", "id"], name="court_case_registered"),
            models.Index(fields=["court", "dispute_type", "registered_at"], name="court_case_dispute"),
            models.Index(fields=["court", "stage", "registered_at"], name="court_case_stage"),
            # Behind the figures' region filter and grouping (court.reports).
            models.Index(fields=["region"], name="court_case_region"),
        ]
        constraints = [models.CheckConstraint(condition=region_set(), name="court_case_region_set")]

    def __str__(self) -> str:
        return self.number

    @property
    def state_label(self) -> str:
        """The state, naming 委派 or 委托 by the case's stage."""
        return court_state_label(self.state, self.stage)

    @property
    def court_appoints(self) -> bool:
        """The parties agreed that the court appoints the organisation (同意由人民法院指定, Art. 10 ¶2)."""
        return self.chosen_by == ChoiceBy.COURT

    @property
    def closed(self) -> bool:
        return self.state in COURT_CLOSED_STATES

    def role_label(self, role: PartyRole) -> str:
        """A party's role as this case names it: in litigation 原告/被告, before filing 申请人/被申请人."""
        if self.stage == CaseStage.IN_LITIGATION and role in _LITIGATION_ROLES:
            return _LITIGATION_ROLES[PartyRole(role)]
        return PartyRole(role).label

    @property
    def delegation_kind(self) -> DelegationKind:
        # Before filing the court delegates (委派); in litigation it entrusts (委托).
        return DelegationKind.DELEGATION if self.stage == CaseStage.PRE_FILING else DelegationKind.ENTRUSTMENT

    @property
    def current_delegation(self):
        return self.delegations.order_by("-sent_at").first()


def party_digest(id_number: str) -> str:
    """The keyed digest of a party's identity number or credit code, the same digest a party account keeps
    (sutiao.accounts.pii); none for a party registered without a number."""
    return id_number_digest(id_number) if id_number.strip() else ""


class Party(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("诉讼地位"), max_length=16, choices=PartyRole.choices())
    kind = models.CharField(_("类型"), max_length=24, choices=PartyKind.choices())
    name = models.CharField(_("姓名/名称"), max_length=200)
    # Identity number, phone and address are encrypted at rest and shown masked (sutiao.accounts.pii,
    # docs/personal-data.md); the retention job erases them once the case has been closed long enough.
    id_number = EncryptedText(_("证件号码/统一社会信用代码"), max_length=40, blank=True)
    # The keyed digest of id_number (sutiao.accounts.pii): how a party's account finds their cases (issue 10).
    id_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone = EncryptedText(_("联系电话"), max_length=40, blank=True)
    address = EncryptedText(_("地址"), max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("当事人")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["case", "name"], name="party_name_unique_in_case")]

    def __str__(self) -> str:
        return self.name


class Claim(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="claims")
    text = models.TextField(_("请求事项"))
    amount = models.DecimalField(_("金额（元）"), max_digits=16, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("请求事项")
        ordering = ["id"]


class Consent(models.Model):
    """A party's answer when asked whether they agree to mediation: who, how, when (LEGAL-RULES L1).
    The latest answer of a party counts; earlier ones stay as the record."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    party = models.ForeignKey(Party, verbose_name=_("当事人"), on_delete=models.CASCADE, related_name="consents")
    consented = models.BooleanField(_("同意调解"))
    method = models.CharField(_("确认方式"), max_length=16, choices=ConsentMethod.choices())
    answered_at = models.DateTimeField(_("表示意见时间"))
    note = models.CharField(_("备注（如录音编号、笔录页码）"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    # Answered online by the party themself (method PARTY_ONLINE): the request it answered; recorded_by is the
    # party's own account, or their agent's (then ActOnBehalf tells the party).
    request = models.ForeignKey(
        "ConsentRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="answers"
    )

    class Meta:
        verbose_name = verbose_name_plural = _("调解意见")
        ordering = ["recorded_at", "id"]


class ConsentRequest(models.Model):
    """The court asking one party, online, whether they agree to mediation (LEGAL-RULES L1): a link with a
    single-use token (only its SHA-256 kept) sent by SMS and to the party's inbox. Spent when the party answers."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consent_requests")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="consent_requests")
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("发送时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("有效期至"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("在线征求调解意见")
        ordering = ["-created_at"]


class PartyChoice(models.Model):
    """A party's own online choice of organisation within the L3 period (《人民法院在线调解规则》Art. 10 ¶2): when
    every party's latest choice names the same organisation, that is the parties' joint choice."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="party_choices")
    party = models.ForeignKey(Party, verbose_name=_("当事人"), on_delete=models.CASCADE, related_name="choices")
    organisation = models.ForeignKey(Organisation, verbose_name=_("调解组织"), on_delete=models.PROTECT)
    chosen_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.PROTECT)
    chosen_at = models.DateTimeField(_("选择时间"), auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = _("当事人在线选择")
        ordering = ["chosen_at", "id"]


class DelegationQuerySet(models.QuerySet):
    def _in_states(self, states):
        """Delegations in `states`, written so that the partial index on them serves the query. SQLite plans a
        statement before its parameters are bound, so it uses a partial index only when the query states the
        index's condition with the same literal values: with `state IN (?, ?)` it scanned every case of the court
        and sorted (the work queue at 1,000,000 cases on SQLite: 2.5 s, bench/lists.py). The states are the
        kernel's constants, never user input."""
        if connections[self.db].vendor != "sqlite":
            return self.filter(state__in=states)
        column = f'"{self.model._meta.db_table}"."state"'
        literal = f"= '{states[0]}'" if len(states) == 1 else f"IN ({', '.join(repr(str(s)) for s in states)})"
        return self.filter(RawSQL(f"{column} {literal}", (), output_field=models.BooleanField()))  # noqa: S611

    def answerable(self):
        """Waiting for the organisation's answer (LEGAL-RULES L4)."""
        return self._in_states(DELEGATION_ANSWERABLE)

    def mediating(self):
        """Accepted: the organisation is mediating (the work queue's last section)."""
        return self._in_states((DelegationState.ACCEPTED,))

    def open(self):
        """Not over: waiting for an answer or accepted and mediating; what counts as an organisation's load."""
        return self.filter(state__in=DELEGATION_OPEN)


class Delegation(models.Model):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="delegations")
    organisation = models.ForeignKey(Organisation, verbose_name=_("调解组织"), on_delete=models.PROTECT)
    kind = models.CharField(_("方式"), max_length=16, choices=DelegationKind.choices())
    state = models.CharField(_("状态"), max_length=16, choices=DelegationState.choices(), default=DelegationState.SENT)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("委派人"), on_delete=models.PROTECT)
    sent_at = models.DateTimeField(_("委派时间"))
    received_at = models.DateTimeField(_("调解平台收到时间"), null=True, blank=True)
    answer_due = models.DateField(_("答复期限"), null=True, blank=True)
    answer_due_provisional = models.BooleanField(_("期限为暂定"), default=False)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = models.CharField(_("答复人"), max_length=200, blank=True)
    decline_reason = models.TextField(_("不予接受的理由"), blank=True)
    mediator_name = models.CharField(_("调解员"), max_length=200, blank=True)
    mediator_assigned_at = models.DateTimeField(_("指派时间"), null=True, blank=True)
    # The organisation did not assign the mediator the parties chose, and why (《人民法院在线调解规则》Art. 10).
    choice_declined_reason = models.TextField(_("未指派当事人所选调解员的理由"), blank=True)
    outcome = models.CharField(_("调解结果"), max_length=16, choices=MediationOutcome.choices(), blank=True)
    terms = models.TextField(_("调解协议内容"), blank=True)
    outcome_reason = models.TextField(_("调解不成/撤回原因"), blank=True)
    concluded_at = models.DateTimeField(_("调解结束时间"), null=True, blank=True)
    recall_reason = models.TextField(_("撤回理由"), blank=True)
    # What the court follows of the mediation (MEDIATION_PERIOD, MEDIATION_RESULT; issue 10 item 6): the period's
    # last day (empty while an appraisal stops it), the ground it ended on (L7) and the failure record (L17).
    mediation_due = models.DateField(_("调解期限届满日"), null=True, blank=True)
    termination_ground = models.CharField(_("终结事由"), max_length=24, blank=True)
    failure_record = models.JSONField(_("调解不成记录"), default=dict, blank=True)
    # The agreement in force (AGREEMENT_STATUS effective, L10): the version the parties signed, named by its PDF's
    # SHA-256 (fetched from the organisation's platform by that hash), and its terms as the message gave them —
    # what a 调解书 is made from (L15).
    agreement_sha256 = models.CharField(_("调解协议 SHA-256"), max_length=64, blank=True)
    agreement_version = models.PositiveIntegerField(_("调解协议版本"), null=True, blank=True)
    agreement_terms = models.JSONField(_("调解协议条款"), default=list, blank=True)
    agreement_effective_at = models.DateTimeField(_("调解协议生效时间"), null=True, blank=True)

    objects = DelegationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = _("委派/委托")
        ordering = ["-sent_at"]
        indexes = [
            models.Index(fields=["state", "answer_due"], name="court_delegation_due"),
            models.Index(fields=["organisation", "case"], name="court_delegation_org_case"),
            # The work queue's two delegation sections, oldest sent first (court.selectors.work_queue): read in
            # index order, not sorted from every row in the state (at 1,000,000 cases that sort was most of the
            # work queue's 460 ms, bench/lists.py).
            models.Index(
                fields=["sent_at", "id"],
                condition=models.Q(state__in=DELEGATION_ANSWERABLE),
                name="court_delegation_answer",
            ),
            models.Index(
                fields=["sent_at", "id"],
                condition=models.Q(state=DelegationState.ACCEPTED),
                name="court_delegation_mediating",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} → {self.organisation}"


class CaseEvent(models.Model):
    """The case's story, as the case page tells it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    actor = models.CharField(_("操作人"), max_length=200)
    text = models.CharField(_("事项"), max_length=500)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.text}"


class RevisionKind(models.TextChoices):
    CORRECTED = "corrected", _("更正登记信息")
    VOIDED = "voided", _("作废")


class CaseRevision(models.Model):
    """One correction of a case's registration data, or its voiding (issue 15): who, when, why, and each field
    before → after. `changes` is a list of {"what", "field", "before", "after"} (`field` names a party's
    personal field, so the page masks it as it masks the party); it holds identity numbers, phones and
    addresses, so it is encrypted at rest like the parties (sutiao.accounts.pii) and erased with them."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="revisions")
    kind = models.CharField(_("类型"), max_length=16, choices=RevisionKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    reason = models.CharField(_("理由"), max_length=2000)
    changes = EncryptedJSON(_("变更内容"), default=list)
    # The delegation the correction was sent to (CASE_CORRECTED), if one was with an organisation.
    sent_to = models.ForeignKey(
        Delegation, verbose_name=_("已通知的委派/委托"), null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = verbose_name_plural = _("案件更正记录")
        ordering = ["at", "id"]


class MediationDocument(models.Model):
    """The 调解书 of an entrusted case (issue 11 §5; 《民事诉讼法》Art. 100; LEGAL-RULES L15): made by the case's judge
    from the agreement in force (fetched from the organisation's platform by its hash), sealed with the court's
    e-seal and served on each party; in force once every party signed for receipt, never if one refused. The fee
    shown is half the case fee (L18), fixed when it was issued."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="mediation_document")
    delegation = models.ForeignKey(Delegation, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        _("状态"), max_length=16, choices=MediationDocumentState.choices(), default=MediationDocumentState.ISSUED
    )
    agreement = models.ForeignKey(
        "documents.StoredFile", verbose_name=_("调解协议"), on_delete=models.PROTECT, related_name="+"
    )
    document = models.ForeignKey(
        "documents.StoredFile", verbose_name=_("调解书"), on_delete=models.PROTECT, related_name="+"
    )
    terms = models.TextField(_("调解结果"))
    case_fee = models.DecimalField(_("案件受理费（元）"), max_digits=16, decimal_places=2)
    fee_due = models.DecimalField(_("减半收取（元）"), max_digits=16, decimal_places=2)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审判员"), on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("制作时间"))
    effective_at = models.DateTimeField(_("生效时间"), null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("调解书")

    def __str__(self) -> str:
        return f"{self.case.number} 民事调解书"


class DocumentReceipt(models.Model):
    """A party's answer to the 调解书 served on them: signed for receipt online (签收), or refused; by the party,
    or by whoever acts for them within the «sign» scope (then ActOnBehalf tells the party)."""

    document = models.ForeignKey(MediationDocument, on_delete=models.CASCADE, related_name="receipts")
    party = models.ForeignKey(Party, verbose_name=_("当事人"), on_delete=models.PROTECT, related_name="+")
    signed = models.BooleanField(_("签收"))
    reason = models.CharField(_("拒绝签收的理由"), max_length=1000, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = _("调解书签收")
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["document", "party"], name="document_receipt_once")]


# Judicial confirmation keeps its models with its pages; importing them here registers them with the court app.
from .confirmation import models as _confirmation_models  # noqa: E402, F401
