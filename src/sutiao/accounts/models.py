"""Institutions, users and their roles. Each platform keeps its own: courts on the court platform;
the Bureau, regional offices, affiliated units and mediation organisations on the investor platform."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from sutiao.kernel.enums import PartyKind
from sutiao.kernel.ids import new_id

from .pii import Ciphertext


class InstitutionKind(models.TextChoices):
    SUPREME_COURT = "supreme_court", _("最高人民法院")
    HIGH_COURT = "high_court", _("高级人民法院")
    INTERMEDIATE_COURT = "intermediate_court", _("中级人民法院")
    BASIC_COURT = "basic_court", _("基层人民法院")
    PROTECTION_BUREAU = "protection_bureau", _("中国证监会投资者保护局")
    REGIONAL_OFFICE = "regional_office", _("证监会派出机构")
    AFFILIATED_UNIT = "affiliated_unit", _("证监会会管单位")
    SERVICE_CENTER = "service_center", _("投资者服务中心")
    MEDIATION_ORG = "mediation_org", _("调解组织")


COURT_KINDS = {
    InstitutionKind.SUPREME_COURT,
    InstitutionKind.HIGH_COURT,
    InstitutionKind.INTERMEDIATE_COURT,
    InstitutionKind.BASIC_COURT,
}


class Institution(models.Model):
    """A court (with its place in the hierarchy SPC → high → intermediate → basic) or a body on the
    investor side. `id` is stable across platforms: the court platform refers to organisations by it."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    kind = models.CharField(_("类型"), max_length=32, choices=InstitutionKind.choices)
    name = models.CharField(_("名称"), max_length=200)
    short_code = models.CharField(
        _("代字"), max_length=32, blank=True, help_text=_("法院案号代字，如 京0105；调解组织可留空")
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("上级机构"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = verbose_name_plural = _("机构")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_court(self) -> bool:
        return self.kind in COURT_KINDS


class Role(models.TextChoices):
    FILING_STAFF = "filing_staff", _("立案工作人员")
    JUDGE = "judge", _("法官")
    COURT_ADMIN = "court_admin", _("法院管理员")
    ORG_ADMIN = "org_admin", _("调解组织管理员")
    MEDIATOR = "mediator", _("调解员")
    BUREAU_STAFF = "bureau_staff", _("投资者保护局工作人员")
    SUPERVISOR = "supervisor", _("派出机构/会管单位工作人员")
    OPERATOR = "operator", _("平台运维人员")
    # People a dispute concerns (issue 10): an investor, or the staff a firm authorises, signs in as a party;
    # a lawyer or other agent acts for a party within a power of attorney. Neither belongs to an institution.
    PARTY = "party", _("当事人")
    AGENT = "agent", _("代理人")


class User(AbstractUser):
    institution = models.ForeignKey(
        Institution, verbose_name=_("所属机构"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices, default=Role.OPERATOR)
    full_name = models.CharField(_("姓名"), max_length=100, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class ApiToken(models.Model):
    """A token for a case-management system calling the REST API on a user's behalf, within scopes
    (`<resource>:read` / `<resource>:write`, resource = the API path's first segment: `cases`, `roster` …) and
    until it expires. Only its SHA-256 is stored; the token itself is shown once, when it is issued. Issued,
    rotated and revoked by `sutiao.accounts.tokens` (the user, or their institution's administrator)."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=100)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("权限范围"), default=list)
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("有效期至"))
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoked_by = models.CharField(_("吊销人"), max_length=200, blank=True)
    replaced_by = models.OneToOneField(
        "self",
        verbose_name=_("轮换后的令牌"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaces",
    )

    class Meta:
        verbose_name = verbose_name_plural = _("API 令牌")
        indexes = [models.Index(fields=["user", "-created_at"], name="apitoken_user")]

    def __str__(self) -> str:
        return f"{self.user} · {self.name}"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str, scopes: list[str], expires_at) -> tuple["ApiToken", str]:
        """The row and the token (shown once). Actions call this; tests may, to set up a caller."""
        token = "st_" + secrets.token_urlsafe(32)
        row = cls.objects.create(
            user=user, name=name, digest=cls.digest_of(token), scopes=sorted(set(scopes)), expires_at=expires_at
        )
        return row, token

    def allows(self, resource: str, write: bool) -> bool:
        """Writing needs `<resource>:write`; reading is allowed by either scope of the resource."""
        wanted = {f"{resource}:write"} if write else {f"{resource}:read", f"{resource}:write"}
        return bool(wanted & set(self.scopes))

    def in_force(self, now) -> bool:
        return self.revoked_at is None and self.expires_at > now


# --- parties, firms' staff and agents (issue 10) ---


class PartyProfile(models.Model):
    """A party with an account on this platform: an investor (natural person) or a firm (legal person, e.g. a
    securities company), held by `user` (for a firm: its administrator, who authorises staff, `FirmStaff`). The
    identity number or unified social credit code and the mobile are kept encrypted with their keyed digests
    (sutiao.accounts.pii): cases name the party by the digest, SMS sign-in finds the account by the mobile's."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="party_profile")
    kind = models.CharField(_("类型"), max_length=24, choices=PartyKind.choices())
    name = models.CharField(_("姓名/名称"), max_length=200)
    id_number_encrypted = Ciphertext(editable=False)
    id_number_digest = models.CharField(max_length=64, unique=True, editable=False)
    id_number_masked = models.CharField(_("证件号码/统一社会信用代码"), max_length=18)
    mobile_encrypted = Ciphertext(editable=False)
    mobile_digest = models.CharField(max_length=64, unique=True, editable=False)
    mobile_masked = models.CharField(_("手机号"), max_length=11)
    verified_at = models.DateTimeField(_("实名核验时间"), null=True, blank=True)
    verifier = models.CharField(_("核验方式"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("注册时间"), auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = _("当事人账户")

    def __str__(self) -> str:
        return self.name

    @property
    def is_firm(self) -> bool:
        return self.kind != PartyKind.NATURAL_PERSON


class FirmStaff(models.Model):
    """A firm's employee the firm's administrator authorised to act for it (a User with role PARTY)."""

    firm = models.ForeignKey(PartyProfile, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(User, verbose_name=_("工作人员"), on_delete=models.CASCADE, related_name="firm_roles")
    authorised_by = models.ForeignKey(User, verbose_name=_("授权人"), on_delete=models.PROTECT, related_name="+")
    authorised_at = models.DateTimeField(_("授权时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("单位授权的工作人员")
        indexes = [models.Index(fields=["user", "revoked_at"], name="firm_staff_user")]


class AgentScope(models.TextChoices):
    """What a power of attorney lets an agent do for the party."""

    CONSENT = "consent", _("表示是否同意调解")
    MESSAGES = "messages", _("收发调解消息")
    DOCUMENTS = "documents", _("提交和查阅材料")
    SIGN = "sign", _("确认笔录、签署协议")


class PowerOfAttorney(models.Model):
    """An agent (lawyer, role AGENT) acting for a party within `scopes` until `valid_until`. The signed power
    of attorney is the uploaded `document` (sutiao.documents), read only by the party and the agent;
    `document_ref` keeps a reference number (and names an instrument on paper)."""

    party = models.ForeignKey(
        PartyProfile, verbose_name=_("委托人"), on_delete=models.CASCADE, related_name="powers_of_attorney"
    )
    agent = models.ForeignKey(User, verbose_name=_("代理人"), on_delete=models.PROTECT, related_name="powers")
    scopes = models.JSONField(_("代理权限"), default=list)
    valid_until = models.DateField(_("有效期至"))
    document_ref = models.CharField(_("授权委托书"), max_length=200, blank=True)
    document = models.OneToOneField(
        "documents.StoredFile",
        verbose_name=_("授权委托书文件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    granted_by = models.ForeignKey(User, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(_("授权时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("授权委托")
        indexes = [models.Index(fields=["agent", "revoked_at"], name="poa_agent")]

    def scope_labels(self) -> list[str]:
        return [AgentScope(s).label for s in self.scopes]


class ActOnBehalf(models.Model):
    """What someone did for a party (an agent, or a firm's staff): the party's own list of it. The audit record
    (`audit_seq`) holds the full detail."""

    party = models.ForeignKey(PartyProfile, on_delete=models.CASCADE, related_name="acts")
    actor = models.ForeignKey(User, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    action = models.CharField(max_length=64)
    summary = models.CharField(_("事项"), max_length=500)
    audit_seq = models.PositiveBigIntegerField(null=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["party", "at"], name="act_on_behalf_party")]


class SmsCode(models.Model):
    """A sign-in code sent to a mobile: only its keyed hash is kept; short-lived, a few tries, then spent.
    Rows also count the requests for throttling (per mobile and per address), even for unknown numbers."""

    mobile_digest = models.CharField(max_length=64)
    code_hash = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["mobile_digest", "created_at"], name="sms_code_mobile"),
            models.Index(fields=["ip_address", "created_at"], name="sms_code_ip"),
        ]
