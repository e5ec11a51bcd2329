"""A file someone uploaded, as stored: the bytes live in the `documents` storage under a generated key (never
the uploader's file name), the row keeps what is needed to show, serve and verify them."""

from enum import StrEnum

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sutiao.accounts.pii import Ciphertext
from sutiao.kernel.ids import new_id

from .ca import RevocationReason, SubjectKind


class FileKind(models.TextChoices):
    EVIDENCE = "evidence", _("证据")
    POWER_OF_ATTORNEY = "power_of_attorney", _("授权委托书")
    DOCUMENT = "document", _("其他材料")
    REPORT = "report", _("统计报告")
    RECORDING = "recording", _("录音录像")


class DocumentAudit(StrEnum):
    """What this app's audit records say happened."""

    UPLOAD = "documents.upload"
    DOWNLOAD = "documents.download"
    DOWNLOAD_REFUSED_ALTERED = "documents.download_refused_altered"  # bytes missing or not what was accepted


class StoredFile(models.Model):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    storage_name = models.CharField(_("存储键"), max_length=255, unique=True, editable=False)
    original_name = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    kind = models.CharField(_("种类"), max_length=32, choices=FileKind.choices)
    label = models.CharField(_("说明"), max_length=200, blank=True)
    # None: made by the platform itself (a scheduled report), or received from the other platform through the
    # docking (a document fetched by its hash).
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("上传人"),
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = _("存档文件")
        ordering = ["-uploaded_at"]
        # A user's own uploads, newest first (what an uploader's list reads); a platform's lists of a case's
        # files go through its own model's foreign key to this one.
        indexes = [models.Index(fields=["uploaded_by", "-uploaded_at"], name="documents_uploader")]

    def __str__(self):
        return self.original_name


class SignatureAudit(StrEnum):
    """What the audit records of electronic signatures say happened."""

    IDENTITY_ISSUED = "documents.signing_identity_issued"
    IDENTITY_REVOKED = "documents.signing_identity_revoked"


class SigningIdentityQuerySet(models.QuerySet):
    def unrevoked(self):
        return self.filter(revoked_at__isnull=True)

    def of_holder(self, *, user=None, institution=None):
        if (user is None) == (institution is None):
            raise ValueError("a signing identity is held by a user or by an institution")
        return self.filter(user=user) if user is not None else self.filter(institution=institution)


class SigningIdentity(models.Model):
    """A key and the certificate the CA issued for it (sutiao.documents.ca): a person's (user) or an
    institution's e-seal (institution). The private key is kept encrypted with the platform's field key
    (sutiao.accounts.pii, rotated with `rotate_field_keys`) and read only to sign (sutiao.documents.signing).
    A revoked identity signs nothing more; what it signed before stays valid (its CRL says from when)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signing_identities",
        verbose_name=_("持有人"),
    )
    institution = models.ForeignKey(
        "accounts.Institution",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signing_identities",
        verbose_name=_("持有机构"),
    )
    kind = models.CharField(_("证书类型"), max_length=32, choices=SubjectKind.choices)
    name = models.CharField(_("证书主体名称"), max_length=200)
    subject_serial = models.CharField(_("主体标识（摘要）"), max_length=64, editable=False)
    serial = models.CharField(_("证书序列号"), max_length=60, unique=True, editable=False)
    certificate_pem = models.TextField(_("证书"), editable=False)
    private_key_encrypted = Ciphertext(editable=False)
    issued_at = models.DateTimeField(_("签发时间"), default=timezone.now)
    not_after = models.DateTimeField(_("有效期至"))
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revocation_reason = models.CharField(_("吊销原因"), max_length=32, choices=RevocationReason.choices, blank=True)

    objects = SigningIdentityQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = _("签名证书")
        ordering = ["-issued_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False, institution__isnull=True)
                | models.Q(user__isnull=True, institution__isnull=False),
                name="signing_identity_one_holder",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-issued_at"], name="signing_identity_user"),
            models.Index(fields=["institution", "-issued_at"], name="signing_identity_inst"),
        ]

    def __str__(self):
        return f"{self.name}（{self.get_kind_display()}）"

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


class RevokedCertificate(models.Model):
    """The platform CA's revocation list (sutiao.documents.ca.PlatformCA): one row per certificate it revoked,
    by serial number (decimal: serials are up to 159 bits)."""

    serial = models.CharField(_("证书序列号"), max_length=60, primary_key=True)
    revoked_at = models.DateTimeField(_("吊销时间"))
    reason = models.CharField(_("吊销原因"), max_length=32, choices=RevocationReason.choices)

    class Meta:
        verbose_name = verbose_name_plural = _("已吊销证书")
        ordering = ["serial"]

    def __str__(self):
        return self.serial
