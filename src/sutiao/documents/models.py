"""A file someone uploaded, as stored: the bytes live in the `documents` storage under a generated key (never
the uploader's file name), the row keeps what is needed to show, serve and verify them."""

from enum import StrEnum

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sutiao.kernel.ids import new_id


class FileKind(models.TextChoices):
    EVIDENCE = "evidence", _("证据")
    POWER_OF_ATTORNEY = "power_of_attorney", _("授权委托书")
    DOCUMENT = "document", _("其他材料")


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
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("上传人")
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
