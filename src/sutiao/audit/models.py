"""The audit log: append-only, hash-chained records of who did what to which object, before → after.

Each record's hash covers the previous record's hash and a canonical serialisation of the record
(`sutiao.audit.chain.canonical`), so editing, deleting or inserting a record in the database breaks the
chain at that point (`sutiao court|investor audit verify`). One `AuditHead` row holds the chain's tip; an
append locks it, so concurrent transactions extend the chain one after another."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditRecord(models.Model):
    seq = models.PositiveBigIntegerField(_("序号"), unique=True)
    at = models.DateTimeField(_("时间"))
    actor = models.CharField(_("操作人"), max_length=200)
    actor_id = models.CharField(_("操作人标识"), max_length=64, blank=True)
    role = models.CharField(_("角色"), max_length=64, blank=True)
    action = models.CharField(_("操作"), max_length=100)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.CharField(_("对象标识"), max_length=64, blank=True)
    case = models.CharField(_("案件"), max_length=64, blank=True, db_index=True)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    request_id = models.CharField(_("请求标识"), max_length=64, blank=True)
    prev_hash = models.CharField(_("前一记录哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64, unique=True)

    class Meta:
        verbose_name = verbose_name_plural = _("审计记录")
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.actor} {self.action}"


class AuditHead(models.Model):
    """The chain's tip (one row, id 1): the last record's sequence number and hash."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)
