"""The agreement's data: the agreement, its versions (each with its rendered PDF and that PDF's SHA-256), each
version's terms with their performance, and what the parties said about performance. Loaded with the investor
app's models (investor/models.py)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sutiao.kernel.agreement import TermKind
from sutiao.kernel.ids import new_id
from sutiao.kernel.workflow import AGREEMENT_LIVE, AgreementState

_USER = settings.AUTH_USER_MODEL


class SigningMethod(models.TextChoices):
    ONLINE = "online", _("在线电子签署")
    # Signed on paper during an online mediation, scanned and uploaded (issue 11 §2).
    PAPER = "paper", _("纸质签署（扫描件）")
    # Reached in a mediation the organisation held offline, signed on paper and uploaded (issue 11 §7;
    # 法办〔2021〕313号 四（五）“经调解组织线下调解成功的案件”).
    OFFLINE = "offline", _("线下调解达成（扫描件）")


class Agreement(models.Model):
    """One agreement of a mediation. At most one is live (draft, signing or in force) at a time; a void one leaves
    room for a new draft. `current` is the version being drafted, frozen for signing, or in force."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    mediation = models.ForeignKey("investor.Mediation", on_delete=models.CASCADE, related_name="agreements")
    state = models.CharField(_("状态"), max_length=16, choices=AgreementState.choices(), default=AgreementState.DRAFT)
    current = models.ForeignKey(
        "AgreementVersion", verbose_name=_("当前版本"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("起草时间"))
    submitted_at = models.DateTimeField(_("提交签署时间"), null=True, blank=True)
    # The signing flow (sutiao.documents.signing, wired by investor/actions/agreements.signature_recorded) records
    # who signed; the mediator may withdraw the agreement for changes only while nobody has.
    signed_party_ids = models.JSONField(_("已签署的当事人"), default=list)
    first_signed_at = models.DateTimeField(_("首个签署时间"), null=True, blank=True)
    effective_at = models.DateTimeField(_("生效时间"), null=True, blank=True)
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    void_reason = models.CharField(_("作废原因"), max_length=500, blank=True)
    # Signed online (each signature a SignatureRecord on the frozen version's PDF), or on paper: the scan the
    # mediator or the organisation uploaded, which each party then confirms online (在线调解规则 Art. 19 ¶1
    # “在线制作或者上传调解协议”; 法办〔2021〕313号 四（五）).
    method = models.CharField(_("签署方式"), max_length=16, choices=SigningMethod.choices, default=SigningMethod.ONLINE)
    paper_scan = models.ForeignKey(
        "documents.StoredFile",
        verbose_name=_("纸质协议扫描件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # A new agreement drafted after the court rejected the application for confirmation of the one in force (L13)
    # starts from that agreement's last version, copied: which one, so the draft page can name the court's grounds
    # for the rejection and the history where the text came from. Empty for an agreement drafted from the template.
    redrafted_from = models.ForeignKey(
        "AgreementVersion",
        verbose_name=_("以原调解协议版本为基础"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = _("调解协议")
        # The mediation's agreements, newest first (the agreement page).
        indexes = [models.Index(fields=["mediation", "-created_at"], name="agreement_mediation")]
        constraints = [
            models.UniqueConstraint(
                fields=["mediation"], condition=Q(state__in=list(AGREEMENT_LIVE)), name="agreement_one_live"
            )
        ]

    @property
    def editable(self) -> bool:
        return self.state == AgreementState.DRAFT


class FrozenVersion(Exception):
    """A version frozen for signing is never changed: its PDF is what the parties sign."""


class AgreementVersion(models.Model):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本"))
    clauses = models.TextField(_("协议条款"))
    note = models.CharField(_("修改说明"), max_length=500, blank=True)
    created_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("制作时间"))
    # The version rendered (sutiao.documents.pdf): the same text gives the same bytes, so the hash is the text's.
    pdf = models.OneToOneField("documents.StoredFile", on_delete=models.PROTECT, related_name="+")
    sha256 = models.CharField(_("PDF SHA-256"), max_length=64)
    frozen_at = models.DateTimeField(_("定稿时间"), null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("调解协议版本")
        ordering = ["agreement", "-number"]
        constraints = [models.UniqueConstraint(fields=["agreement", "number"], name="agreement_version_number")]

    def save(self, *args, **kwargs):
        # Beside the actions' own refusal: nothing may rewrite a version once it was frozen for signing.
        if not self._state.adding and AgreementVersion.objects.filter(pk=self.pk, frozen_at__isnull=False).exists():
            raise FrozenVersion(f"agreement version {self.pk} is frozen")
        super().save(*args, **kwargs)


class AgreementTerm(models.Model):
    """One obligation of a version. Performance is recorded on the terms of the version in force."""

    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="terms")
    position = models.PositiveIntegerField(_("序号"))
    obligor = models.ForeignKey(
        "investor.MediationParty", verbose_name=_("义务人"), on_delete=models.PROTECT, related_name="+"
    )
    obligee = models.ForeignKey(
        "investor.MediationParty", verbose_name=_("权利人"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("履行方式"), max_length=16, choices=TermKind.choices())
    description = models.CharField(_("履行内容"), max_length=500, blank=True)
    amount = models.DecimalField(_("金额（元）"), max_digits=16, decimal_places=2, null=True, blank=True)
    due = models.DateField(_("履行期限"))
    # Performance (kernel.agreement.term_status): the obligor's report, cleared when the obligee disputes it; the
    # obligee's confirmation, or the report left undisputed (kernel.agreement.UNDISPUTED_DAYS).
    reported_at = models.DateTimeField(_("义务人报告履行时间"), null=True, blank=True)
    performed_at = models.DateTimeField(_("履行确认时间"), null=True, blank=True)
    performed_undisputed = models.BooleanField(_("报告履行后权利人未提出异议"), default=False)
    reminded_at = models.DateTimeField(_("到期提醒时间"), null=True, blank=True)
    overdue_noted_at = models.DateTimeField(_("逾期提示时间"), null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("履行条款")
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "position"], name="agreement_term_position")]
        # The performance scan (remind_performance): unperformed terms by due date.
        indexes = [models.Index(fields=["due"], name="agreement_term_open", condition=Q(performed_at__isnull=True))]


class PerformanceStep(models.TextChoices):
    REPORTED = "reported", _("义务人报告已履行")
    CONFIRMED = "confirmed", _("权利人确认已收到/已履行")
    DISPUTED = "disputed", _("权利人对履行有异议")


class PerformanceConfirmation(models.Model):
    """What a party (or its agent) said about a term's performance, kept in order."""

    term = models.ForeignKey(AgreementTerm, on_delete=models.CASCADE, related_name="confirmations")
    party = models.ForeignKey("investor.MediationParty", verbose_name=_("当事人"), on_delete=models.PROTECT)
    step = models.CharField(_("内容"), max_length=16, choices=PerformanceStep.choices)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    at = models.DateTimeField(_("时间"))
    by = models.ForeignKey(_USER, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = _("履行确认")
        ordering = ["term", "at", "id"]


class SignatureKind(models.TextChoices):
    MEDIATOR = "mediator", _("调解员签署")
    PARTY = "party", _("当事人签署")
    SEAL = "seal", _("调解组织电子印章")
    # A party's online confirmation of an agreement signed on paper (the scan is the document).
    PAPER = "paper", _("当事人确认纸质协议")


class SignatureRecord(models.Model):
    """One signature on a frozen version, in order: who signed (`signer`: the party's own account, its agent, the
    mediator; none for the organisation's seal), for which party, as agent or not, when (the RFC 3161 timestamp's
    time), the PDF's SHA-256 before and after (each signed revision is its own StoredFile, `file`, the previous
    one's bytes with one incremental update) and the certificate's serial. A confirmation of a paper agreement
    has no certificate: its `file` is the scan and both hashes are the scan's."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="signatures")
    version = models.ForeignKey(AgreementVersion, on_delete=models.PROTECT, related_name="signatures")
    kind = models.CharField(_("签署类型"), max_length=16, choices=SignatureKind.choices)
    party = models.ForeignKey(
        "investor.MediationParty",
        verbose_name=_("当事人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signer = models.ForeignKey(
        _USER, verbose_name=_("签署人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signer_name = models.CharField(_("签署人姓名/名称"), max_length=200)
    as_agent = models.BooleanField(_("代理签署"), default=False)
    at = models.DateTimeField(_("签署时间"))
    field = models.CharField(_("签名域"), max_length=64, blank=True)
    file = models.ForeignKey("documents.StoredFile", on_delete=models.PROTECT, related_name="+")
    sha256_before = models.CharField(_("签署前SHA-256"), max_length=64)
    sha256_after = models.CharField(_("签署后SHA-256"), max_length=64)
    certificate_serial = models.CharField(_("证书序列号"), max_length=64, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("签署记录")
        ordering = ["version", "at", "id"]
        constraints = [
            # Each party signs (or confirms) a version once; the mediator and the seal once each.
            models.UniqueConstraint(
                fields=["version", "party"], condition=Q(party__isnull=False), name="signature_once_per_party"
            ),
            models.UniqueConstraint(
                fields=["version", "kind"], condition=Q(party__isnull=True), name="signature_once_per_kind"
            ),
        ]
