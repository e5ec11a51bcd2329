"""One notification to one recipient on one channel, with what became of it; and the electronic service of a
document (电子送达), which is a notification with legal proof."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from sutiao.accounts.pii import Ciphertext, EncryptedText
from sutiao.documents.models import StoredFile
from sutiao.kernel.ids import new_id
from sutiao.kernel.service import OtherMeans, ServiceChannel, ServiceConsentMethod


class Channel(models.TextChoices):
    IN_APP = "in_app", _("站内消息")
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")


class State(models.TextChoices):
    PENDING = "pending", _("待发送")
    DELIVERED = "delivered", _("已发送")
    # A send that failed is tried again (next_attempt_at) until MAX_ATTEMPTS; it stays listed as failed meanwhile.
    FAILED = "failed", _("发送失败")
    READ = "read", _("已读")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # Email address or mobile number for the email and SMS channels, encrypted (sutiao.accounts.pii): a mobile
    # number is personal information; only its masked form is shown.
    address_encrypted = Ciphertext(blank=True)
    address_masked = models.CharField(_("发送地址"), max_length=254, blank=True)
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    kind = models.CharField(_("类别"), max_length=40)
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    link = models.CharField(_("链接"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    last_error = models.CharField(_("失败原因"), max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The inbox and its unread count.
            models.Index(fields=["recipient", "channel", "read_at"], name="notification_inbox"),
            # The delivery scan.
            models.Index(fields=["state", "next_attempt_at"], name="notification_due"),
        ]

    def __str__(self) -> str:
        return self.subject


# --- electronic service of documents (电子送达; LEGAL-RULES L16, kernel.service) ---


class ServiceConsent(models.Model):
    """A party's consent to electronic service, with the channels and addresses it names (《人民法院在线诉讼规则》
    Art. 29–30), how it was given and who recorded it. The party is named by the keyed digest of their identity
    number (sutiao.accounts.pii), as their cases and account name them, so one consent serves every platform
    record of that party. The latest consent of a party counts; earlier ones stay as the record."""

    id_digest = models.CharField(max_length=64, editable=False)
    party_name = models.CharField(_("受送达人"), max_length=200)
    channels = models.JSONField(_("接收方式"), default=list)
    # The addresses for SMS and email, personal information: encrypted at rest, shown masked.
    mobile = EncryptedText(_("接收短信的手机号"), max_length=40, blank=True)
    email = EncryptedText(_("接收邮件的电子邮箱"), max_length=254, blank=True)
    method = models.CharField(_("确认方式"), max_length=16, choices=ServiceConsentMethod.choices())
    note = models.CharField(_("备注（如确认书编号）"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = _("电子送达确认")
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["id_digest", "-recorded_at"], name="service_consent_party")]

    def __str__(self) -> str:
        return self.party_name

    def channel_labels(self) -> str:
        return "、".join(ServiceChannel(c).label for c in self.channels)


class Service(models.Model):
    """One document served on one party, and its proof (L16): when it was sent, on which channels, the content's
    SHA-256, when it reached the party's system (the earliest channel: `reached_at`) and when they opened it
    (`read_at`, the read receipt). A party without consent is not served electronically: the record says so
    (需以其他方式送达) until staff record the service by other means. `subject` is the platform's object the
    document belongs to (a case, an application), named generically so both platforms use this one record."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.CharField(max_length=64)
    subject = GenericForeignKey("subject_type", "subject_id")
    title = models.CharField(_("文书"), max_length=200)
    # Who serves it, as the notice names them (the court): kept for a document served later, on consent.
    sender = models.CharField(_("送达机关"), max_length=200, blank=True)
    document = models.ForeignKey(StoredFile, verbose_name=_("文件"), on_delete=models.PROTECT, related_name="+")
    sha256 = models.CharField(_("内容校验值（SHA-256）"), max_length=64)
    id_digest = models.CharField(max_length=64, editable=False)
    party_name = models.CharField(_("受送达人"), max_length=200)
    consent = models.ForeignKey(
        ServiceConsent, verbose_name=_("电子送达确认"), null=True, blank=True, on_delete=models.PROTECT
    )
    channels = models.JSONField(_("送达渠道"), default=list)
    # Served on at least one channel (False: 需以其他方式送达 until other means are recorded).
    electronic = models.BooleanField(_("电子送达"), default=False)
    # None: served by the platform itself, not by a member of staff (the investor platform passing on the court's
    # sealed ruling when it arrives through the docking).
    served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("送达人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    served_at = models.DateTimeField(_("发送时间"))
    reached_at = models.DateTimeField(_("送达时间（到达受送达人系统）"), null=True, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("阅读人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    notices = models.ManyToManyField(Notification, related_name="services", blank=True)
    other_means = models.CharField(_("其他送达方式"), max_length=16, choices=OtherMeans.choices(), blank=True)
    other_served_on = models.DateField(_("送达日期"), null=True, blank=True)
    other_note = models.CharField(_("送达情况（如邮件号码）"), max_length=500, blank=True)
    other_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = _("送达记录")
        ordering = ["-served_at", "-id"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "served_at"], name="service_subject"),
            models.Index(fields=["id_digest", "-served_at"], name="service_party"),
        ]

    def __str__(self) -> str:
        return f"{self.title} → {self.party_name}"

    @property
    def needs_other_means(self) -> bool:
        """No consent to electronic service, and no other service recorded yet: «需以其他方式送达»."""
        return not self.electronic and not self.other_means

    def channel_labels(self) -> str:
        return "、".join(ServiceChannel(c).label for c in self.channels)
