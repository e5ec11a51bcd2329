"""Electronic service of court documents (电子送达; LEGAL-RULES L16), as law shapes it: only to a party who
consented, on the channels (electronic addresses) they consented to; service takes effect when the document
reaches the recipient's system, and where it was sent on several channels the earliest arrival counts; the proof
is kept. A party who did not consent is served by other means (post, in person: 《民事诉讼法》Art. 88, 91)."""

import datetime as dt
from collections.abc import Iterable

from .enums import LabelledEnum
from .errors import DomainError

SERVICE_CITATION = "《中华人民共和国民事诉讼法》第九十条；《人民法院在线诉讼规则》第二十九条至第三十二条"
# 《民事诉讼法》Art. 90 ¶2 and 在线诉讼规则 Art. 31: served on the day the information reaches the recipient's system.
EFFECT_CITATION = "《中华人民共和国民事诉讼法》第九十条第二款；《人民法院在线诉讼规则》第三十一条"


class ServiceChannel(LabelledEnum):
    """The electronic addresses a party may consent to (在线诉讼规则 Art. 29: 诉讼平台专用账号, 电子邮箱 …). The values
    are the notification channels' (sutiao.notifications.models.Channel)."""

    INBOX = "in_app", "诉讼平台账号（站内信）"
    SMS = "sms", "手机短信"
    EMAIL = "email", "电子邮箱"


class ServiceConsentMethod(LabelledEnum):
    """How the consent was given (在线诉讼规则 Art. 30: 诉讼平台在线确认、线下发送电子送达确认书 …)."""

    PARTY_ONLINE = "party_online", "当事人本人（或其代理人）在线确认"
    WRITTEN = "written", "书面电子送达确认书（工作人员登记）"


class OtherMeans(LabelledEnum):
    """Service by other means, for a party who did not consent to electronic service."""

    IN_PERSON = "in_person", "直接送达（当事人签收）"
    POST = "post", "邮寄送达"


def consented_channels(channels: Iterable[str]) -> tuple[ServiceChannel, ...]:
    """L16: the channels of a consent, each a known one; a consent names at least one (Art. 29)."""
    chosen = tuple(dict.fromkeys(ServiceChannel(c) for c in channels))
    if not chosen:
        raise DomainError("同意电子送达须至少选择一种接收方式（《人民法院在线诉讼规则》第二十九条）")
    return chosen


def may_serve_electronically(channels: Iterable[str]) -> bool:
    """L16 (《民事诉讼法》Art. 90 ¶1: 经受送达人同意): only with consent, i.e. on a consented channel."""
    return bool(tuple(channels))


def served_at(arrivals: Iterable[dt.datetime | None]) -> dt.datetime | None:
    """L16: service takes effect when the document reaches the recipient's system (Art. 90 ¶2; 在线诉讼规则
    Art. 31); sent on several channels, the earliest arrival counts. None while nothing has arrived."""
    arrived = [a for a in arrivals if a is not None]
    return min(arrived) if arrived else None
