"""Peers and their keys, the transactional outbox, the inbox, and the nonces of accepted signatures."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from sutiao.accounts.pii import EncryptedJSON


def insecure_url(url: str) -> str:
    """Why docking at `url` is refused here, or "": outside development (SUTIAO_DEV=1), only over https, so the
    parties' data never cross the network in clear and no one on the path reads or rewrites an exchange."""
    if settings.DEV or url.lower().startswith("https://"):
        return ""
    return f"对接地址须使用 https：{url}（仅开发环境 SUTIAO_DEV=1 允许 http）"


class Peer(models.Model):
    """A platform we dock with. The SPC docks with many “总对总” partners, so peers are data."""

    name = models.CharField("平台标识", max_length=64, unique=True, help_text="如 investor-platform")
    display_name = models.CharField("平台名称", max_length=200)
    base_url = models.URLField("对接地址")
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "对接平台"

    def __str__(self) -> str:
        return self.display_name

    def clean(self):
        problem = insecure_url(self.base_url)
        if problem:
            raise ValidationError({"base_url": problem})

    @property
    def batches_url(self) -> str:
        return self.base_url.rstrip("/") + "/docking/v1/batches"


class PeerKey(models.Model):
    """A peer's public Ed25519 key. Several may be valid at once while a peer rotates keys."""

    peer = models.ForeignKey(Peer, verbose_name="对接平台", on_delete=models.CASCADE, related_name="keys")
    key_id = models.CharField("密钥标识", max_length=128, unique=True)
    public_key_pem = models.TextField("公钥（PEM）")
    created_at = models.DateTimeField("登记时间", default=timezone.now)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "对接平台公钥"

    def __str__(self) -> str:
        return self.key_id


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    DELIVERED = "delivered", "已送达"
    PARKED = "parked", "已搁置（需人工处理）"


class OutboxMessage(models.Model):
    """Written in the same transaction as the state change that causes it; the relay delivers it."""

    id = models.UUIDField("消息标识", primary_key=True)
    peer = models.ForeignKey(Peer, verbose_name="接收平台", on_delete=models.PROTECT, related_name="outbox")
    type = models.CharField("消息类型", max_length=40)
    version = models.PositiveSmallIntegerField("版本", default=1)
    case = models.UUIDField("案件标识", db_index=True)
    seq = models.PositiveIntegerField("案件内序号")
    occurred_at = models.DateTimeField("发生时间")
    causation = models.UUIDField("起因消息", null=True, blank=True)
    # Encrypted as a whole at rest (sutiao.accounts.pii): a delegation carries the parties' identity numbers
    # and phones; the signed message on the wire and its digest are made from the clear content.
    payload = EncryptedJSON("内容")
    digest = models.CharField(
        "内容摘要", max_length=64, help_text="SHA-256 of the canonical message, as the receiver computes it"
    )
    status = models.CharField("状态", max_length=16, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试", default=timezone.now)
    last_error = models.TextField("最近错误", blank=True)
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)
    batch = models.ForeignKey(
        "DeliveryBatch",
        verbose_name="送达回执",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="messages",
    )

    class Meta:
        verbose_name = verbose_name_plural = "发件箱"
        constraints = [models.UniqueConstraint(fields=["peer", "case", "seq"], name="outbox_case_seq_unique")]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["peer", "occurred_at", "id"], name="outbox_feed"),
        ]

    def __str__(self) -> str:
        return f"{self.type} #{self.seq} → {self.peer_id}"


class DeliveryBatch(models.Model):
    """The receiver's signed answer to one delivery, kept byte for byte: with the peer's public key anyone can
    check later that the peer acknowledged each message in it (its receipt is in `body`)."""

    peer = models.ForeignKey(Peer, verbose_name="接收平台", on_delete=models.PROTECT)
    received_at = models.DateTimeField("收到回执时间", default=timezone.now)
    body = models.TextField("回执原文")
    content_digest = models.CharField("Content-Digest", max_length=200)
    signature_input = models.TextField("Signature-Input")
    signature = models.TextField("Signature")

    class Meta:
        verbose_name = verbose_name_plural = "签名送达回执"

    def __str__(self) -> str:
        return f"{self.peer} {self.received_at:%Y-%m-%d %H:%M:%S}"

    def receipt_for(self, message_id) -> dict | None:
        import json

        return next((r for r in json.loads(self.body)["results"] if r.get("message_id") == str(message_id)), None)


class CaseSequence(models.Model):
    """The last sequence number allocated per (peer, case): messages of one case are numbered 1, 2, …"""

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE)
    case = models.UUIDField()
    last_seq = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["peer", "case"], name="case_sequence_unique")]


class InboxStatus(models.TextChoices):
    APPLIED = "applied", "已处理"
    WAITING = "waiting", "等待前序消息"
    REJECTED = "rejected", "业务拒绝"


class InboxMessage(models.Model):
    id = models.UUIDField("消息标识", primary_key=True)
    peer = models.ForeignKey(Peer, verbose_name="发送平台", on_delete=models.PROTECT, related_name="inbox")
    type = models.CharField("消息类型", max_length=40)
    version = models.PositiveSmallIntegerField("版本")
    case = models.UUIDField("案件标识")
    seq = models.PositiveIntegerField("案件内序号")
    occurred_at = models.DateTimeField("发生时间")
    causation = models.UUIDField("起因消息", null=True, blank=True)
    # Encrypted as a whole at rest (sutiao.accounts.pii): a delegation carries the parties' identity numbers
    # and phones; the signed message on the wire and its digest are made from the clear content.
    payload = EncryptedJSON("内容")
    digest = models.CharField("内容摘要", max_length=200)
    status = models.CharField("状态", max_length=16, choices=InboxStatus.choices)
    received_at = models.DateTimeField("接收时间", default=timezone.now)
    applied_at = models.DateTimeField("处理时间", null=True, blank=True)
    error = models.TextField("错误", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "收件箱"
        constraints = [models.UniqueConstraint(fields=["peer", "case", "seq"], name="inbox_case_seq_unique")]

    def __str__(self) -> str:
        return f"{self.type} #{self.seq} ← {self.peer_id}"


class CaseCursor(models.Model):
    """The last sequence number applied per (peer, case): the next one to apply is `applied_seq + 1`."""

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE)
    case = models.UUIDField()
    applied_seq = models.PositiveIntegerField(default=0)
    waiting = models.PositiveIntegerField(default=0, help_text="messages of this case stored, waiting their turn")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["peer", "case"], name="case_cursor_unique")]


class SeenNonce(models.Model):
    """Nonces of accepted signatures, kept past the signatures' lifetime, so a captured request cannot be
    played again (RFC 9421 §7.2.2 leaves replay detection to the application)."""

    nonce = models.CharField(max_length=128, primary_key=True)
    peer = models.ForeignKey(Peer, on_delete=models.CASCADE)
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)


class FeedCursor(models.Model):
    """How far this platform has read a peer's catch-up feed."""

    peer = models.OneToOneField(Peer, on_delete=models.CASCADE, primary_key=True)
    cursor = models.CharField(max_length=200, blank=True)
    pulled_at = models.DateTimeField(null=True, blank=True)


class ReconciliationRun(models.Model):
    """One comparison of this platform with a peer, case by case (DESIGN.md §4 Recovery)."""

    peer = models.ForeignKey(Peer, verbose_name="对接平台", on_delete=models.CASCADE, related_name="reconciliations")
    started_at = models.DateTimeField("开始时间", default=timezone.now)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    cases_compared = models.PositiveIntegerField("比对案件数", default=0)
    in_flight = models.PositiveIntegerField("在途消息数", default=0)
    differences = models.JSONField("差异", default=list)
    error = models.TextField("错误", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "对账记录"
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.peer} {self.started_at:%Y-%m-%d %H:%M} 差异 {len(self.differences)}"


class SharedDocument(models.Model):
    """A stored file this platform sent a peer (a message named its SHA-256): that peer, and no other, may fetch
    exactly these bytes over a signed read (issue 11 §4; documents do not travel inside JSON messages)."""

    peer = models.ForeignKey(Peer, verbose_name="对接平台", on_delete=models.CASCADE, related_name="shared_documents")
    stored_file = models.ForeignKey(
        "documents.StoredFile", verbose_name="文件", on_delete=models.PROTECT, related_name="+"
    )
    # The hash the peer asks by, copied from the file (which never changes): one indexed lookup per read.
    sha256 = models.CharField("SHA-256", max_length=64)
    shared_at = models.DateTimeField("共享时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "已共享给对接平台的文件"
        constraints = [models.UniqueConstraint(fields=["peer", "stored_file"], name="docking_shared_once")]
        indexes = [models.Index(fields=["peer", "sha256"], name="docking_shared_by_hash")]

    def __str__(self) -> str:
        return f"{self.peer} {self.sha256[:12]}"


class StatisticsCopyQuerySet(models.QuerySet):
    def for_period(self, peer: "Peer", start, end) -> "StatisticsCopyQuerySet":
        """The copies of the peer's answers for that period, newest first."""
        return self.filter(peer=peer, start=start, end=end).order_by("-fetched_at", "-id")

    def superseded(self) -> "StatisticsCopyQuerySet":
        """The copies with a newer copy of the same peer and period. The newest of each (peer, period) is never
        among them: it proves what the peer last said of that period (StatisticsCopy.last_confirmed_at)."""
        newer = StatisticsCopy.objects.filter(
            Q(fetched_at__gt=OuterRef("fetched_at")) | Q(fetched_at=OuterRef("fetched_at"), pk__gt=OuterRef("pk")),
            peer=OuterRef("peer"),
            start=OuterRef("start"),
            end=OuterRef("end"),
        )
        return self.filter(Exists(newer))


class StatisticsCopy(models.Model):
    """The peer's signed statistics answer this platform compared its own figures against (issue 13 §5), kept as it
    arrived: the exact bytes, the headers that sign them (Signature, Signature-Input, Content-Digest) and the
    request they answer (the answer's signature covers the request's), so a reconciliation shown at the joint
    meeting can be checked again later, by anyone holding the peer's public key.

    One copy per change of the figures: an answer with the same figures as the newest copy of its peer and period
    (docking.statistics.fetch) is not kept again — the copy already proves them — and only moves that copy's
    `last_confirmed_at`. Superseded copies go after SUTIAO_STATISTICS_COPY_DAYS (reports.actions)."""

    peer = models.ForeignKey(Peer, verbose_name="对接平台", on_delete=models.PROTECT, related_name="statistics_copies")
    start = models.DateField("期间自")
    end = models.DateField("期间至")
    fetched_at = models.DateTimeField("取得时间", default=timezone.now)
    # The last time the peer answered with these figures (this copy's own arrival, or a later signed answer that
    # verified and said the same apart from its `as_of`): until then this copy was the peer's current word.
    last_confirmed_at = models.DateTimeField("最近一次核对", default=timezone.now)
    key_id = models.CharField("签名密钥标识", max_length=200)
    sha256 = models.CharField("SHA-256", max_length=64)
    body = models.BinaryField("报文")
    status = models.PositiveSmallIntegerField("状态码", default=200)
    headers = models.JSONField("签名相关响应头", default=dict)
    request = models.JSONField("所应答的请求", default=dict)  # {"method", "url", "headers": {Signature…}}

    objects = StatisticsCopyQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "对方平台统计报文副本"
        ordering = ["-fetched_at", "-id"]
        indexes = [
            models.Index(fields=["peer", "start", "end", "fetched_at"], name="docking_statistics_copy"),
            # The retention job walks the copies by age (reports.actions.prune_statistics_copies).
            models.Index(fields=["last_confirmed_at", "id"], name="docking_statistics_copy_age"),
        ]

    def __str__(self) -> str:
        return f"{self.peer} {self.start}—{self.end} {self.fetched_at:%Y-%m-%d %H:%M}"
