"""An application for judicial confirmation the parties make together online (民事诉讼法 Art. 205: 双方当事人共同
申请; L11): each party (or its agent) joins it; when every party has, it goes to the court through the docking with
the agreement's PDF named by its hash. The court's decisions come back (CONFIRMATION_DECIDED) and its sealed ruling
is fetched, verified and kept. Loaded with the investor app's models (investor/models.py)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sutiao.docking.models import Peer
from sutiao.kernel.confirmation import RulingOutcome, VenueGround
from sutiao.kernel.ids import new_id
from sutiao.kernel.workflow import REQUEST_LIVE, RequestState

_USER = settings.AUTH_USER_MODEL


class ConfirmationRequest(models.Model):
    """`id` is also the docking case of the application's messages both ways. The court is fixed when the first
    party joins: the delegating court for a delegated case, the one the parties chose among the competent ones for
    a mediation the organisation ran on its own (L11)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    mediation = models.ForeignKey("investor.Mediation", on_delete=models.CASCADE, related_name="confirmations")
    agreement = models.ForeignKey("investor.Agreement", on_delete=models.PROTECT, related_name="confirmations")
    version = models.ForeignKey(
        "investor.AgreementVersion", verbose_name=_("调解协议版本"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(_("状态"), max_length=16, choices=RequestState.choices(), default=RequestState.JOINING)
    peer = models.ForeignKey(Peer, verbose_name=_("法院平台"), on_delete=models.PROTECT, related_name="+")
    court_id = models.UUIDField(_("法院标识"))
    court_name = models.CharField(_("法院"), max_length=200)
    venue_ground = models.CharField(_("管辖依据"), max_length=24, choices=VenueGround.choices())
    venue_citation = models.CharField(_("管辖依据条文"), max_length=200)
    organisation_seat = models.CharField(_("调解组织所在地（行政区划代码）"), max_length=6, blank=True)
    subject_matter = models.CharField(_("标的物所在地（行政区划代码）"), max_length=6, blank=True)
    issuer_seat = models.CharField(_("发行人住所地（行政区划代码）"), max_length=6, blank=True)
    started_at = models.DateTimeField(_("发起时间"))
    started_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(_("提交法院时间"), null=True, blank=True)
    # What the court said, step by step (the latest of each).
    number = models.CharField(_("案号"), max_length=80, blank=True)
    court_note = models.TextField(_("法院告知"), blank=True)
    ground = models.CharField(_("情形"), max_length=200, blank=True)
    reasons = models.TextField(_("理由"), blank=True)
    outcome = models.CharField(_("裁定结果"), max_length=16, choices=RulingOutcome.choices(), blank=True)
    decided_at = models.DateTimeField(_("裁定/决定时间"), null=True, blank=True)
    material_request = models.CharField(_("法院要求补充"), max_length=1000, blank=True)
    material_due = models.DateField(_("补充期限"), null=True, blank=True)
    # The sealed ruling: named by its hash in the court's message, fetched by the ruling job, its seal verified.
    ruling_sha256 = models.CharField(_("裁定书 SHA-256"), max_length=64, blank=True)
    ruling_size = models.PositiveBigIntegerField(null=True, blank=True)
    ruling = models.ForeignKey(
        "documents.StoredFile",
        verbose_name=_("裁定书"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # L14: the objection window runs from the day the ruling reached the parties (here: their platform).
    ruling_received_at = models.DateTimeField(_("收到裁定书时间"), null=True, blank=True)
    ruling_verification = models.CharField(_("裁定书签章验证"), max_length=500, blank=True)
    ruling_verified = models.BooleanField(_("裁定书签章有效"), default=False)
    ruling_attempts = models.PositiveIntegerField(default=0)
    ruling_next_attempt_at = models.DateTimeField(null=True, blank=True)
    ruling_error = models.CharField(_("取裁定书失败原因"), max_length=1000, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("司法确认申请")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement"], condition=Q(state__in=list(REQUEST_LIVE)), name="confirmation_request_one_live"
            )
        ]
        indexes = [
            models.Index(fields=["mediation", "-started_at"], name="confirmation_request_mediation"),
            # The ruling job's scan: rulings named and not yet fetched.
            models.Index(
                fields=["ruling_next_attempt_at"],
                name="confirmation_ruling_due",
                condition=Q(ruling_next_attempt_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"{self.court_name} · {self.started_at:%Y-%m-%d}"


class ConfirmationJoin(models.Model):
    """A party joined the joint application, itself or through its agent; `domicile` is its GB/T 2260 division code
    (L11: where a party lives may make a court competent)."""

    request = models.ForeignKey(ConfirmationRequest, on_delete=models.CASCADE, related_name="joins")
    party = models.ForeignKey("investor.MediationParty", verbose_name=_("当事人"), on_delete=models.PROTECT)
    domicile = models.CharField(_("住所地（行政区划代码）"), max_length=6)
    joined_at = models.DateTimeField(_("加入时间"))
    by = models.ForeignKey(_USER, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+")
    via = models.CharField(_("方式"), max_length=40)

    class Meta:
        ordering = ["joined_at", "id"]
        constraints = [models.UniqueConstraint(fields=["request", "party"], name="confirmation_join_once")]
