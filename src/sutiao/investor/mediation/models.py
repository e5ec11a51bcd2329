"""What happens in a mediation, kept on the investor platform: its period (L6), the notice to the other party
(L5), sessions with each participant's identity check (L8), messages (to all, or a caucus 背对背 with one
party), the mediation record (调解笔录) and each party's confirmation, disclosure and recusal (L9), and how it
ended (L7) with the failure record (L17). Loaded with the investor app's models (investor/models.py)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sutiao.accounts.pii import EncryptedText
from sutiao.kernel.enums import PartyKind, PartyRole
from sutiao.kernel.ids import new_id
from sutiao.kernel.mediation import RecusalDecision, TerminationGround
from sutiao.kernel.workflow import MEDIATION_OPEN, MediationState

_USER = settings.AUTH_USER_MODEL


class Mediation(models.Model):
    """One per accepted delegation, made when the organisation accepts (the period runs from then), or per
    direct application the respondent agreed to. Its `id` is its source's id (delegation or application), so a
    case's pages keep one address; exactly one of `delegation` and `application` is set."""

    id = models.UUIDField(primary_key=True, editable=False)
    delegation = models.OneToOneField(
        "investor.Delegation", null=True, blank=True, on_delete=models.CASCADE, related_name="mediation"
    )
    application = models.OneToOneField(
        "investor.DirectApplication", null=True, blank=True, on_delete=models.CASCADE, related_name="mediation"
    )
    state = models.CharField(_("状态"), max_length=16, choices=MediationState.choices(), default=MediationState.ACTIVE)
    accepted_on = models.DateField(_("接受日期"))
    period_days = models.PositiveIntegerField(_("调解期限（日）"))
    extension_days = models.PositiveIntegerField(_("已延长（日）"), default=0)
    # The period's last day; empty while an appraisal stops the clock (在线调解规则 Art. 26).
    due = models.DateField(_("调解期限届满日"), null=True, blank=True)
    due_provisional = models.BooleanField(_("期限为暂定"), default=False)
    notify_due = models.DateField(_("通知对方当事人期限"))
    reminded = models.JSONField(_("已提醒（剩余日数）"), default=list)
    ground = models.CharField(_("终结事由"), max_length=24, choices=TerminationGround.choices(), blank=True)
    failure_record = models.JSONField(_("调解不成记录"), default=dict, blank=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    # The figures the reports read (investor.reports), kept by mediation.figures: recomputed from the sessions, the
    # extensions, the agreement in force's terms and the survey answers by every action that changes them.
    first_session_held_at = models.DateTimeField(_("首次调解举行时间"), null=True, editable=False)
    extensions_granted = models.PositiveIntegerField(_("延长次数"), default=0, editable=False)
    terms_agreed = models.PositiveIntegerField(_("生效协议的履行条款数"), default=0, editable=False)
    terms_open = models.PositiveIntegerField(_("未履行的条款数"), default=0, editable=False)
    terms_last_due = models.DateField(_("最后履行期限"), null=True, editable=False)
    amount_agreed = models.DecimalField(_("协议金额（元）"), max_digits=20, decimal_places=2, null=True, editable=False)
    amount_paid = models.DecimalField(_("已履行金额（元）"), max_digits=20, decimal_places=2, null=True, editable=False)
    survey_answers = models.PositiveIntegerField(_("满意度评价份数"), default=0, editable=False)
    survey_points = models.PositiveIntegerField(_("满意度评价总分"), null=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = _("调解")
        indexes = [models.Index(fields=["state", "due"], name="mediation_state_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(delegation__isnull=False, application__isnull=True)
                | Q(delegation__isnull=True, application__isnull=False),
                name="mediation_one_source",
            )
        ]

    @property
    def is_open(self) -> bool:
        return self.state in MEDIATION_OPEN

    @property
    def source(self):
        """What is mediated: the court's delegation, or the party's direct application. Both carry the
        organisation, the mediator, the dispute type and the outcome; only a delegation has a court to tell."""
        return self.delegation if self.delegation_id else self.application

    @property
    def direct(self) -> bool:
        return self.delegation_id is None

    @property
    def case_ref(self):
        """The case the audit trail files it under: the court's case id, or the application's own."""
        return self.delegation.case if self.delegation_id else self.application_id

    @property
    def number(self) -> str:
        return self.delegation.court_case_number if self.delegation_id else self.application.number


class MediationParty(models.Model):
    """A party of the case as the mediation knows it; `user` is set once a party account whose verified
    identity number has the same keyed digest is linked (accounts.pii.id_number_digest)."""

    mediation = models.ForeignKey(Mediation, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("诉讼地位"), max_length=16, choices=PartyRole.choices())
    kind = models.CharField(_("类型"), max_length=24, choices=PartyKind.choices())
    name = models.CharField(_("姓名/名称"), max_length=200)
    phone = EncryptedText(_("联系电话"), max_length=40, blank=True)
    id_number_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    user = models.ForeignKey(
        _USER, verbose_name=_("账号"), null=True, blank=True, on_delete=models.PROTECT, related_name="mediation_parties"
    )
    linked_at = models.DateTimeField(_("关联时间"), null=True, blank=True)

    class Meta:
        ordering = ["mediation", "id"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}"


class NotifyChannel(models.TextChoices):
    PHONE = "phone", _("电话")
    SMS = "sms", _("短信")
    EMAIL = "email", _("电子邮件")
    MAIL = "mail", _("邮寄")
    IN_PERSON = "in_person", _("当面")


class NotifyResult(models.TextChoices):
    REACHED = "reached", _("已联系上")
    AGREED = "agreed", _("已联系上，同意调解")
    REFUSED = "refused", _("已联系上，拒绝调解")
    UNREACHABLE = "unreachable", _("未能联系上")


class NotificationAttempt(models.Model):
    """L5: one attempt to tell the other party of the mediation (在线调解规则 Art. 15)."""

    mediation = models.ForeignKey(Mediation, on_delete=models.CASCADE, related_name="notifications")
    party = models.ForeignKey(MediationParty, verbose_name=_("当事人"), on_delete=models.PROTECT)
    channel = models.CharField(_("方式"), max_length=16, choices=NotifyChannel.choices)
    at = models.DateTimeField(_("时间"))
    result = models.CharField(_("结果"), max_length=16, choices=NotifyResult.choices)
    note = models.CharField(_("说明"), max_length=1000, blank=True)
    by = models.ForeignKey(_USER, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "id"]


class Appraisal(models.Model):
    """An appraisal (鉴定评估): its days are not counted in the period (在线调解规则 Art. 26; L6)."""

    mediation = models.ForeignKey(Mediation, on_delete=models.CASCADE, related_name="appraisals")
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=1000, blank=True)

    class Meta:
        ordering = ["started_on", "id"]


class PeriodExtension(models.Model):
    """A proposed extension; granted when every party consented (L6), each consent its own act."""

    mediation = models.ForeignKey(Mediation, on_delete=models.CASCADE, related_name="extensions")
    days = models.PositiveIntegerField(_("延长日数"))
    reason = models.CharField(_("理由"), max_length=1000)
    proposed_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(_("提出时间"))
    granted_at = models.DateTimeField(_("生效时间"), null=True, blank=True)
    refused_at = models.DateTimeField(_("被拒绝时间"), null=True, blank=True)

    class Meta:
        ordering = ["proposed_at", "id"]

    @property
    def open(self) -> bool:
        return self.granted_at is None and self.refused_at is None


class ExtensionConsent(models.Model):
    extension = models.ForeignKey(PeriodExtension, on_delete=models.CASCADE, related_name="consents")
    party = models.ForeignKey(MediationParty, on_delete=models.PROTECT)
    consented = models.BooleanField(_("同意"))
    at = models.DateTimeField(_("时间"))
    by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["extension", "party"], name="extension_consent_once")]


class SessionMode(models.TextChoices):
    ONLINE = "online", _("在线音视频")
    ON_SITE = "on_site", _("现场")
    PHONE = "phone", _("电话")


class Session(models.Model):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    mediation = models.ForeignKey(Mediation, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("时间"))
    mode = models.CharField(_("方式"), max_length=16, choices=SessionMode.choices)
    place = models.CharField(_("地点/会议链接"), max_length=300, blank=True)
    scheduled_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    held_at = models.DateTimeField(_("举行时间"), null=True, blank=True)
    summary = models.CharField(_("情况"), max_length=2000, blank=True)
    # The online session's room (issue 12): split into private rooms (背对背), the mediator in `room_with`'s.
    room_split = models.BooleanField(_("背对背"), default=False)
    room_with = models.ForeignKey(
        "MediationParty",
        verbose_name=_("调解员所在的背对背房间"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["starts_at", "id"]
        # The reports' first session held per mediation (investor.reports r_first_session): one index probe a case.
        indexes = [
            models.Index(
                fields=["mediation", "held_at"], name="mediation_session_held", condition=Q(held_at__isnull=False)
            )
        ]

    @property
    def online(self) -> bool:
        return self.mode == SessionMode.ONLINE


class SessionParticipant(models.Model):
    """A party invited to a session, the identity check before it (L8) and whether they attended."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="participants")
    party = models.ForeignKey(MediationParty, on_delete=models.PROTECT)
    invited_at = models.DateTimeField(_("邀请时间"))
    invitation_channel = models.CharField(_("邀请方式"), max_length=16, choices=NotifyChannel.choices)
    id_checked_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    id_checked_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    id_check_method = models.CharField(_("核实方式"), max_length=200, blank=True)
    id_check_passed = models.BooleanField(_("核实通过"), null=True)
    warned = models.BooleanField(_("已告知虚假调解法律后果并确认"), default=False)
    attended = models.BooleanField(_("出席"), null=True)

    class Meta:
        ordering = ["session", "party"]
        constraints = [models.UniqueConstraint(fields=["session", "party"], name="session_party_once")]


class GuestRole(models.TextChoices):
    JUDGE = "judge", _("法官")
    INTERPRETER = "interpreter", _("翻译人员")
    OTHER = "other", _("其他参与调解人员")


class RoomSeat(models.Model):
    """One person's place in an online session's room (issue 12): the mediator, a party, someone acting for a
    party (an agent, a firm's staff), or a guest the mediator invited (a judge, an interpreter), who has no
    account here (two institutions, two accounts) and enters by the link sent to their mobile. `party` is the
    side the seat belongs to: its identity check (L8) admits the seat, and its private room (背对背) is the seat's
    when the room is split; a guest is checked on its own seat and stays with the mediator. `connection` names
    the signalling connection holding the seat now (empty: not in the room)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="seats")
    user = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    label = models.CharField(_("称谓"), max_length=200)
    party = models.ForeignKey(MediationParty, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    guest_role = models.CharField(_("受邀身份"), max_length=16, choices=GuestRole.choices, blank=True)
    guest_mobile = models.CharField(_("受邀人手机号"), max_length=300, blank=True)  # encrypted (accounts.pii)
    invited_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    id_checked_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    id_check_method = models.CharField(_("核实方式"), max_length=200, blank=True)
    id_check_passed = models.BooleanField(_("核实通过"), null=True)
    warned = models.BooleanField(_("已告知虚假调解法律后果并确认"), default=False)
    admitted_at = models.DateTimeField(_("准入时间"), null=True, blank=True)
    removed_at = models.DateTimeField(_("移出时间"), null=True, blank=True)
    removed_reason = models.CharField(_("移出理由"), max_length=500, blank=True)
    connection = models.CharField(max_length=200, blank=True, editable=False)
    here_since = models.DateTimeField(_("在线时间"), null=True, blank=True)
    recording_consent_at = models.DateTimeField(_("同意录音录像时间"), null=True, blank=True)

    class Meta:
        ordering = ["session", "party", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"], condition=models.Q(user__isnull=False), name="room_seat_once"
            )
        ]

    @property
    def is_guest(self) -> bool:
        return bool(self.guest_role)

    @property
    def is_mediator(self) -> bool:
        return self.party_id is None and not self.guest_role

    @property
    def actor(self):
        """Who the audit trail names for what the seat does: its user, or a guest by its label."""
        return self.user if self.user_id else self.label


class RoomEventKind(models.TextChoices):
    INVITED = "invited", _("邀请参加")
    JOINED = "joined", _("进入调解室")
    LEFT = "left", _("离开调解室")
    ADMITTED = "admitted", _("准入")
    REMOVED = "removed", _("被移出")
    SPLIT = "split", _("分开背对背")
    MERGED = "merged", _("恢复共同调解")
    MOVED = "moved", _("调解员进入背对背房间")
    RECORDING_STARTED = "recording_started", _("开始录音录像")
    RECORDING_STOPPED = "recording_stopped", _("停止录音录像")


class RoomEvent(models.Model):
    """An attendance fact of an online session: who came into the room and left, when; who was admitted or
    removed; how the room was split and recorded. Shown on the case and kept in the audit log."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="room_events")
    seat = models.ForeignKey(RoomSeat, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("事项"), max_length=24, choices=RoomEventKind.choices)
    label = models.CharField(_("人员"), max_length=200, blank=True)
    at = models.DateTimeField(_("时间"))

    class Meta:
        ordering = ["session", "at", "id"]
        indexes = [models.Index(fields=["session", "at"], name="room_event_session")]


class Recording(models.Model):
    """A recording of an online session, made only with every participant's consent (在线调解规则 Art. 22, told
    before it starts). The consents are copied here when it starts; the file (with its SHA-256) is stored when
    the mediator's browser hands it in. It replaces the written record only if every party agreed explicitly
    (RecordingAgreement); the undisputed facts are confirmed in writing either way."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="recordings")
    started_at = models.DateTimeField(_("开始时间"))
    started_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    consents = models.JSONField(_("录制同意"), default=list)  # [{"seat", "label", "at"}] of everyone in the room
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    # The browser hands the recording in as it is made, part by part (a long session is larger than an upload,
    # and a closed tab loses no more than the last part); the parts become one case document at the end.
    parts = models.PositiveIntegerField(_("已收到分段"), default=0)
    received_bytes = models.PositiveBigIntegerField(_("已收到字节"), default=0)
    file = models.OneToOneField(
        "documents.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["session", "started_at"]


class RecordingAgreement(models.Model):
    """Art. 22 ¶1: a party's explicit agreement that the recording stands in for the electronic record."""

    recording = models.ForeignKey(Recording, on_delete=models.CASCADE, related_name="agreements")
    party = models.ForeignKey(MediationParty, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("同意时间"))
    by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["recording", "party"], name="recording_agreed_once")]


class Message(models.Model):
    """A message in the mediation: to every party (`caucus_with` empty), or a caucus (背对背) between the
    mediator and one party, which the other parties and the court never see."""

    mediation = models.ForeignKey(Mediation, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    author_label = models.CharField(_("发送人"), max_length=200)
    caucus_with = models.ForeignKey(
        MediationParty, verbose_name=_("背对背对象"), null=True, blank=True, on_delete=models.PROTECT
    )
    text = models.TextField(_("内容"))
    at = models.DateTimeField(_("时间"))

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["mediation", "caucus_with", "at"], name="mediation_message_read")]


class MediationRecord(models.Model):
    """The mediation record (调解笔录) as the mediator wrote it; a new version replaces the confirmations of
    the one before (each party confirms what it read, 在线调解规则 Art. 22)."""

    mediation = models.ForeignKey(Mediation, on_delete=models.CASCADE, related_name="records")
    version = models.PositiveIntegerField(_("版本"))
    text = models.TextField(_("笔录内容"))
    written_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(_("制作时间"))

    class Meta:
        ordering = ["mediation", "-version"]
        constraints = [models.UniqueConstraint(fields=["mediation", "version"], name="mediation_record_version")]


class RecordConfirmation(models.Model):
    record = models.ForeignKey(MediationRecord, on_delete=models.CASCADE, related_name="confirmations")
    party = models.ForeignKey(MediationParty, on_delete=models.PROTECT)
    at = models.DateTimeField(_("确认时间"))
    by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["record", "party"], name="record_confirmed_once")]


class Disclosure(models.Model):
    """L9: what the mediator disclosed (在线调解规则 Art. 13)."""

    mediation = models.ForeignKey(Mediation, on_delete=models.CASCADE, related_name="disclosures")
    mediator = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("披露内容"))
    at = models.DateTimeField(_("时间"))

    class Meta:
        ordering = ["at", "id"]


class RecusalKind(models.TextChoices):
    RECUSAL = "recusal", _("申请回避")
    CHANGE = "change", _("申请更换调解员")


class RecusalRequest(models.Model):
    """L9: a party asks for recusal or a change; the organisation's administrator decides."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    mediation = models.ForeignKey(Mediation, on_delete=models.CASCADE, related_name="recusals")
    party = models.ForeignKey(MediationParty, on_delete=models.PROTECT)
    kind = models.CharField(_("类型"), max_length=16, choices=RecusalKind.choices)
    reason = models.CharField(_("理由"), max_length=2000)
    mediator = models.ForeignKey(_USER, verbose_name=_("被申请的调解员"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("申请时间"))
    by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(_("决定"), max_length=16, choices=RecusalDecision.choices(), blank=True)
    decision_reason = models.CharField(_("决定理由"), max_length=2000, blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decided_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    new_mediator = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "id"]


class EvidenceAudience(models.TextChoices):
    """To whom a piece of evidence is addressed. The court never receives evidence through the docking."""

    ALL = "all", _("各方当事人")
    MEDIATOR = "mediator", _("仅调解员")
    PARTY = "party", _("调解员与一方当事人（背对背）")


class Evidence(models.Model):
    """Evidence or another document in the mediation, uploaded by the mediator or for a party (by the party or
    an agent acting for them), stored by sutiao.documents and addressed like a message: to every party, to the
    mediator only (the uploading party still sees their own), or — like a caucus — to the mediator and one
    party. The organisation's administrator sees only what is addressed to every party."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    mediation = models.ForeignKey(Mediation, on_delete=models.CASCADE, related_name="evidence")
    file = models.OneToOneField("documents.StoredFile", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("证据名称"), max_length=200)
    uploaded_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    on_behalf_of = models.ForeignKey(
        MediationParty, verbose_name=_("提交方"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    audience = models.CharField(_("送达范围"), max_length=16, choices=EvidenceAudience.choices)
    addressed_to = models.ForeignKey(
        MediationParty, verbose_name=_("送达当事人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("提交时间"))

    class Meta:
        verbose_name = verbose_name_plural = _("证据材料")
        indexes = [models.Index(fields=["mediation", "-at", "-id"], name="mediation_evidence_list")]


class SurveyScore(models.IntegerChoices):
    """1 (very dissatisfied) to 5 (very satisfied)."""

    VERY_BAD = 1, _("很不满意")
    BAD = 2, _("不满意")
    NEUTRAL = 3, _("一般")
    GOOD = 4, _("满意")
    VERY_GOOD = 5, _("很满意")


class SatisfactionSurvey(models.Model):
    """A party's answer to the satisfaction survey after the mediation ended (issue 13 §1; 法办〔2021〕313号 五:
    the quality of the mediation as the parties saw it): three scores and an optional comment, once per party,
    by the party or its agent. Read in the reports as a mean and a count (investor.reports), never one by one
    by the mediator."""

    mediation = models.ForeignKey(Mediation, on_delete=models.CASCADE, related_name="surveys")
    party = models.ForeignKey(MediationParty, verbose_name=_("当事人"), on_delete=models.PROTECT, related_name="+")
    fairness = models.PositiveSmallIntegerField(_("调解过程公平公正"), choices=SurveyScore.choices)
    conduct = models.PositiveSmallIntegerField(_("调解员的工作态度与专业水平"), choices=SurveyScore.choices)
    convenience = models.PositiveSmallIntegerField(_("在线调解的便利程度"), choices=SurveyScore.choices)
    comment = models.CharField(_("意见和建议"), max_length=1000, blank=True)
    at = models.DateTimeField(_("提交时间"))
    by = models.ForeignKey(_USER, verbose_name=_("提交人"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = _("满意度评价")
        constraints = [
            models.UniqueConstraint(fields=["mediation", "party"], name="survey_once_per_party"),
            *(
                models.CheckConstraint(condition=Q(**{f"{f}__gte": 1, f"{f}__lte": 5}), name=f"survey_{f}_1_to_5")
                for f in ("fairness", "conduct", "convenience")
            ),
        ]

    @property
    def points(self) -> int:
        return self.fairness + self.conduct + self.convenience
