"""An application for judicial confirmation of a mediation agreement (司法确认申请), as the court keeps it: who
applied and on what agreement, which court is competent and why (L11), its periods (L12), the ruling (L13) and
the objection window it opens (L14). Periods are computed by `sutiao.kernel.confirmation`, never stored: only the
facts they run from are (received, accepted, extension approved)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sutiao.accounts.models import Institution
from sutiao.accounts.pii import EncryptedJSON, EncryptedText
from sutiao.docking.models import Peer
from sutiao.documents.models import StoredFile
from sutiao.kernel.confirmation import (
    CourtLevel,
    NonAcceptanceGround,
    RejectionGround,
    RulingOutcome,
    VenueGround,
)
from sutiao.kernel.enums import DisputeType, PartyKind, PartyRole
from sutiao.kernel.ids import new_id
from sutiao.kernel.workflow import ConfirmationState

_USER = settings.AUTH_USER_MODEL


class CourtArea(models.Model):
    """Which places a court serves for judicial confirmation: the competence data the court platform keeps as
    configuration (L11). A court serves the divisions whose GB/T 2260 code starts with `prefix`; `dispute_types`
    empty means every dispute, else only those (a province's designated court for securities misrepresentation,
    虚假陈述规定 Art. 3, serves the whole province for that type). The court's level is its institution kind."""

    court = models.ForeignKey(Institution, verbose_name=_("法院"), on_delete=models.CASCADE, related_name="areas")
    prefix = models.CharField(_("行政区划代码（前缀）"), max_length=12)
    dispute_types = models.JSONField(_("限于纠纷类型"), default=list, blank=True)
    note = models.CharField(_("依据/说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("司法确认管辖区域")
        ordering = ["court", "prefix"]
        constraints = [models.UniqueConstraint(fields=["court", "prefix"], name="court_area_unique")]

    def __str__(self) -> str:
        return f"{self.court} {self.prefix}"


class Channel(models.TextChoices):
    COUNTER = "counter", _("当事人到院/书面申请（由立案工作人员登记）")
    ONLINE = "online", _("在线申请")


class ConfirmationApplication(models.Model):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    court = models.ForeignKey(
        Institution, verbose_name=_("法院"), on_delete=models.PROTECT, related_name="confirmation_applications"
    )
    # 案号, given when the court accepts: (2026)京0105民特12号 (a special-procedure case, 民特).
    number = models.CharField(_("案号"), max_length=80, blank=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=ConfirmationState.choices(), default=ConfirmationState.RECEIVED
    )
    channel = models.CharField(_("申请方式"), max_length=16, choices=Channel.choices)
    # The court's own case this mediation came from, when the court delegated it (L11: back to that court).
    case = models.ForeignKey(
        "court.Case",
        verbose_name=_("委派案件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="confirmation_applications",
    )
    dispute_type = models.CharField(_("纠纷类型"), max_length=32, choices=DisputeType.choices())
    organisation_name = models.CharField(_("主持调解的调解组织"), max_length=200)
    organisation_seat = models.CharField(_("调解组织所在地（行政区划代码）"), max_length=12, blank=True)
    subject_matter = models.CharField(_("标的物所在地（行政区划代码）"), max_length=12, blank=True)
    issuer_seat = models.CharField(_("发行人住所地（行政区划代码）"), max_length=12, blank=True)
    agreement = models.ForeignKey(StoredFile, verbose_name=_("调解协议"), on_delete=models.PROTECT, related_name="+")
    agreement_effective_on = models.DateField(_("调解协议生效日期"))
    amount = models.DecimalField(_("协议金额（元）"), max_digits=16, decimal_places=2, null=True, blank=True)
    received_at = models.DateTimeField(_("收到申请时间"))
    # Filing staff for an application brought to the court; none for one the parties made online.
    received_by = models.ForeignKey(
        _USER, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # An online application: the platform it came from and its id there (the docking case of the court's answers).
    peer = models.ForeignKey(
        Peer, verbose_name=_("来源平台"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    request_id = models.UUIDField(_("在线申请标识"), null=True, blank=True, unique=True)
    # Why this court may hear it (L11), fixed when it was received.
    venue_ground = models.CharField(_("管辖依据"), max_length=24, choices=VenueGround.choices())
    venue_level = models.CharField(_("法院层级"), max_length=16, choices=CourtLevel.choices(), blank=True)
    venue_citation = models.CharField(_("管辖依据条文"), max_length=200)
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    judge = models.ForeignKey(
        _USER, verbose_name=_("审查法官"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The president's approval of 10 more days (L12; 2011 provisions Art. 5): who approved, when, why.
    extension_approved_by = models.CharField(_("批准延长的院长"), max_length=100, blank=True)
    extension_approved_on = models.DateField(_("批准延长日期"), null=True, blank=True)
    extension_reason = models.CharField(_("延长理由"), max_length=1000, blank=True)
    not_accepted_ground = models.CharField(
        _("不予受理情形"), max_length=24, choices=NonAcceptanceGround.choices(), blank=True
    )
    outcome = models.CharField(_("裁定结果"), max_length=16, choices=RulingOutcome.choices(), blank=True)
    rejection_ground = models.CharField(_("驳回情形"), max_length=24, choices=RejectionGround.choices(), blank=True)
    reasons = models.TextField(_("理由"), blank=True)
    decided_at = models.DateTimeField(_("裁定/结案时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        _USER, verbose_name=_("作出人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The ruling as the court's sealed PDF (confirmation.ruling), made when the judge rules.
    ruling = models.ForeignKey(
        StoredFile, verbose_name=_("裁定书"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # What the list finds it by (sutiao.listing): the number, the parties, the organisation.
    search_text = models.TextField(blank=True, default="", editable=False)
    search_grams = models.TextField(blank=True, default="", editable=False)

    class Meta:
        verbose_name = verbose_name_plural = _("司法确认申请")
        ordering = ["-received_at", "-id"]
        # Behind the list's order and state filter (selectors), and a judge's own list.
        indexes = [
            models.Index(fields=["court", "received_at", "id"], name="court_confirm_received"),
            models.Index(fields=["court", "state", "received_at", "id"], name="court_confirm_state"),
            models.Index(fields=["judge", "state", "received_at", "id"], name="court_confirm_judge"),
        ]

    def __str__(self) -> str:
        return self.number or str(self.pk)

    @property
    def extended(self) -> bool:
        return bool(self.extension_approved_on)


class ConfirmationParty(models.Model):
    """A party who applied (both must: 共同申请, 民事诉讼法 Art. 205). Identity number and phone are encrypted at
    rest and shown masked, as the court's other parties are."""

    application = models.ForeignKey(ConfirmationApplication, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("调解协议中的地位"), max_length=16, choices=PartyRole.choices())
    kind = models.CharField(_("类型"), max_length=24, choices=PartyKind.choices())
    name = models.CharField(_("姓名/名称"), max_length=200)
    id_number = EncryptedText(_("证件号码/统一社会信用代码"), max_length=40)
    id_digest = models.CharField(max_length=64, db_index=True, editable=False)
    phone = EncryptedText(_("联系电话"), max_length=40, blank=True)
    domicile = models.CharField(_("住所地（行政区划代码）"), max_length=12)

    class Meta:
        verbose_name = verbose_name_plural = _("司法确认申请人")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class ConfirmationStep(models.Model):
    """The application's story, as its page tells it: each act, who did it and when."""

    application = models.ForeignKey(ConfirmationApplication, on_delete=models.CASCADE, related_name="steps")
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    actor = models.CharField(_("操作人"), max_length=200)
    text = models.CharField(_("事项"), max_length=1000)

    class Meta:
        ordering = ["at", "id"]


class MaterialRequest(models.Model):
    """The judge asks the parties to explain or supply more within a time limit (解释 Art. 356 ¶2); a party who
    does not, without good reason, may be treated as having withdrawn (Art. 357 ¶2)."""

    application = models.ForeignKey(ConfirmationApplication, on_delete=models.CASCADE, related_name="material_requests")
    what = models.CharField(_("需补充的陈述或材料"), max_length=1000)
    due_on = models.DateField(_("补充期限"))
    requested_at = models.DateTimeField(_("要求时间"), auto_now_add=True)
    requested_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(_("补充时间"), null=True, blank=True)
    answer = models.CharField(_("补充情况"), max_length=1000, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]


class IncomingApplication(models.Model):
    """An online application as the docking brought it (CONFIRMATION_APPLIED), waiting for its agreement: the PDF is
    fetched by its hash outside the inbox's transaction (a fetch may take long, and the inbox holds the case's
    cursor), by a background job that retries while the other platform is unreachable, checks the hash and the
    signatures, and registers the application (`application`) or refuses it (`refused_reason`), telling the
    parties' platform either way. The payload carries the parties' identity numbers: encrypted as a whole."""

    id = models.UUIDField(primary_key=True, editable=False)  # the application's id on the parties' platform
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="+")
    court = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    payload = EncryptedJSON(_("申请内容"))
    received_at = models.DateTimeField(_("收到时间"))
    attempts = models.PositiveIntegerField(_("取件次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次取件时间"))
    last_error = models.CharField(_("最近一次取件失败原因"), max_length=1000, blank=True)
    done_at = models.DateTimeField(_("处理完毕时间"), null=True, blank=True)
    application = models.OneToOneField(
        ConfirmationApplication, null=True, blank=True, on_delete=models.PROTECT, related_name="incoming"
    )
    refused_reason = models.CharField(_("拒收理由"), max_length=2000, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("在线司法确认申请（待取件）")
        # The fetch job's scan: the ones not done, by when they are due.
        indexes = [
            models.Index(
                fields=["next_attempt_at"], name="court_incoming_due", condition=models.Q(done_at__isnull=True)
            )
        ]
