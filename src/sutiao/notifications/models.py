"""One notification to one recipient on one channel, with what became of it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sutiao.accounts.pii import Ciphertext


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
