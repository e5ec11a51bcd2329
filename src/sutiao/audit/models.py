"""The audit log: append-only, hash-chained records of who did what to which object, before → after.

Each record's hash covers the previous record's hash and a canonical serialisation of the record
(`sutiao.audit.chain.canonical`), so editing, deleting or inserting a record in the database breaks the
chain at that point (`sutiao court|investor audit verify`). One `AuditHead` row holds the chain's tip; an
append locks it, so concurrent transactions extend the chain one after another."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from sutiao.accounts.models import Role

SYSTEM_ROLE = "system"  # the role of an actor that is not a user: this platform's own jobs, or the peer platform


class AuditRecord(models.Model):
    seq = models.PositiveBigIntegerField(_("序号"), unique=True)
    at = models.DateTimeField(_("时间"))
    actor = models.CharField(_("操作人"), max_length=200)
    actor_id = models.CharField(_("操作人标识"), max_length=64, blank=True)
    role = models.CharField(_("角色"), max_length=64, blank=True)
    action = models.CharField(_("操作"), max_length=100)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.CharField(_("对象标识"), max_length=64, blank=True)
    case = models.CharField(_("案件"), max_length=64, blank=True)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    request_id = models.CharField(_("请求标识"), max_length=64, blank=True)
    prev_hash = models.CharField(_("前一记录哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64, unique=True)

    class Meta:
        verbose_name = verbose_name_plural = _("审计记录")
        ordering = ["seq"]
        # One index behind each way the log is read: a case's trail (newest first), an object's history, and
        # the operators' searches and filters in the admin (exact actor, request id, action prefix, day, role).
        indexes = [
            models.Index(fields=["case", "seq"], name="audit_case"),
            models.Index(fields=["object_id", "object_type"], name="audit_object"),
            models.Index(fields=["actor"], name="audit_actor"),
            # varchar_pattern_ops (PostgreSQL; ignored elsewhere): the admin searches actions by prefix (LIKE 'x%').
            models.Index(fields=["action"], name="audit_action", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["request_id"], name="audit_request"),
            models.Index(fields=["at"], name="audit_at"),
            models.Index(fields=["role"], name="audit_role"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.actor} {self.action}"

    @property
    def role_label(self) -> str:
        """The actor's role as users read it; a platform acting on its own (e.g. a peer's message) is the system."""
        if self.role in Role.values:
            return Role(self.role).label
        return _("系统") if self.role == SYSTEM_ROLE else self.role

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for each field the record names, in a stable order."""
        before, after = self.before or {}, self.after or {}
        return [(key, before.get(key), after.get(key)) for key in sorted(before.keys() | after.keys())]


class AuditHead(models.Model):
    """The chain's tip (one row, id 1): the last record's sequence number and hash. Verification compares the
    last record with it, so deleting the newest records is noticed too."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)


class PeerHead(models.Model):
    """A chain head the peer platform sent us (AUDIT_HEAD, daily): its witness of the peer's log. The peer's
    `audit verify --peer` reads these back and checks that its own history at each `seq` still has `hash`,
    so a rewrite of anything the peer had already attested shows, even when every later hash was recomputed."""

    peer = models.ForeignKey("docking.Peer", verbose_name=_("对接平台"), on_delete=models.PROTECT)
    seq = models.PositiveBigIntegerField(_("序号"))
    hash = models.CharField(_("哈希"), max_length=64)
    at = models.DateTimeField(_("链头时间"))
    received_at = models.DateTimeField(_("收到时间"))

    class Meta:
        verbose_name = verbose_name_plural = _("对方平台链头")
        indexes = [models.Index(fields=["peer", "id"], name="audit_peer_head")]  # the peer reads them in order

    def __str__(self) -> str:
        return f"{self.peer_id} #{self.seq}"
