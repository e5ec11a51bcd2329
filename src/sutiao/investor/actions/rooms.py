"""The online session's room (issue 12): entering it, the mediator's controls (admit, remove, split into private
rooms and bring everyone back, mute), recording with every participant's consent, and the attendance facts the
signalling server reports. One function per action, one transaction each: permission, the change, the room's
event (the attendance fact shown on the case) and the audit record. The court hears that the session was held
and who attended when the mediator records it (`mediation.record_session_held`, a MEDIATION_SESSION message),
never the media."""

import datetime as dt
import re
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from sutiao.accounts.models import User
from sutiao.accounts.pii import encrypt
from sutiao.audit.log import record
from sutiao.documents.actions import accept_upload
from sutiao.documents.models import FileKind
from sutiao.kernel.calendar import cn_datetime
from sutiao.kernel.errors import DomainError
from sutiao.kernel.identifiers import mask_phone
from sutiao.kernel.mediation import identity_cleared
from sutiao.notifications.service import Contact, notify

from .. import permissions
from ..mediation.models import (
    GuestRole,
    Recording,
    RecordingAgreement,
    RoomEvent,
    RoomEventKind,
    RoomSeat,
    Session,
    SessionParticipant,
)
from .mediation import _as_party, _open, _timeline, post_message

ROOM = ("mediation__delegation", "mediation__application", "room_with")
# Seats without a party (the mediator, guests) first, then the parties', alike on every database (PostgreSQL sorts
# NULL last, SQLite first).
SEAT_ORDER = (F("party_id").asc(nulls_first=True), "id")


def _locked_session(session: Session) -> Session:
    return Session.objects.select_for_update(of=("self",)).select_related(*ROOM).get(pk=session.pk)


def _locked_seat(seat: RoomSeat) -> RoomSeat:
    seat = RoomSeat.objects.select_for_update(of=("self",)).select_related("party", "user").get(pk=seat.pk)
    seat.session = _locked_session(seat.session)
    return seat


def opens_at(session: Session) -> dt.datetime:
    """The room opens (as a waiting room) this long before the session's time."""
    return session.starts_at - dt.timedelta(minutes=settings.SUTIAO_ROOM_OPENS_MINUTES)


def closed_reason(session: Session) -> str:
    """Why the room is closed for good, or "" while it may be used."""
    if session.held_at:
        return gettext("本次调解已结束")
    if not session.mediation.is_open:
        return gettext("调解已结束，调解室已关闭")
    return ""


def recording_now(session: Session) -> Recording | None:
    return session.recordings.filter(ended_at__isnull=True).first()


def _event(session: Session, kind: RoomEventKind, seat: RoomSeat | None = None, label: str = "") -> RoomEvent:
    return RoomEvent.objects.create(
        session=session, seat=seat, kind=kind, label=label or (seat.label if seat else ""), at=timezone.now()
    )


def _audit(actor, action: str, obj, session: Session, **after) -> int:
    return record(actor, action, obj, case=session.mediation.case_ref, after=after)


def ensure_room_host(actor: User, session: Session) -> None:
    """The room's controls are the case mediator's, while the room is open."""
    permissions.ensure_case_mediator(actor, session.mediation.source)
    _open(session.mediation)
    reason = closed_reason(session)
    if reason:
        raise DomainError(reason)


@transaction.atomic
def enter_room(user: User, session: Session) -> RoomSeat:
    """`user` takes their seat in the session's room (the waiting room until the mediator admits them): the
    case mediator, or a party invited to the session — or whoever acts for one (an agent, a firm's staff).
    Refused before the room opens, after the session ended, and to anyone removed from it."""
    session = _locked_session(session)
    mediation = session.mediation
    if not session.online:
        raise DomainError(gettext("本次调解不是在线音视频调解"))
    reason = closed_reason(session)
    if reason:
        raise DomainError(reason)
    now = timezone.now()
    if now < opens_at(session):
        raise DomainError(gettext("调解室将于%(at)s开放，请届时进入") % {"at": cn_datetime(opens_at(session))})
    party = None
    if permissions.is_case_mediator(user, mediation.source):
        label = gettext("调解员 %(name)s") % {"name": user.display_name}
    else:
        invited = {p.party_id for p in session.participants.all()}
        rows = [p for p in mediation.parties.all() if p.pk in invited]
        own = [p for p in rows if p.user_id == user.pk]
        represented = permissions.represented_rows(user, rows)
        party = (own or [p for p in rows if p.pk in represented] or [None])[0]
        if party is None:
            raise PermissionDenied(gettext("您未被邀请参加本次调解"))
        label = _as_party(user, party, "messages")[1] if not own else party.name
    seat, created = RoomSeat.objects.get_or_create(
        session=session, user=user, defaults={"label": label, "party": party, "admitted_at": now if not party else None}
    )
    if seat.removed_at:
        raise DomainError(gettext("您已被调解员移出本次调解"))
    if created:
        _audit(user, "mediation.room_enter", seat, session, label=label)
    return seat


@transaction.atomic
def room_presence(seat: RoomSeat, here: bool, connection: str) -> bool:
    """The signalling server reports that the seat's connection opened or closed (an attendance fact). A closed
    connection that no longer holds the seat (it was taken over by a newer one) changes nothing."""
    seat = _locked_seat(seat)
    now = timezone.now()
    if here:
        seat.connection, seat.here_since = connection, now
    elif seat.connection == connection:
        seat.connection, seat.here_since = "", None
    else:
        return False
    seat.save(update_fields=["connection", "here_since"])
    _event(seat.session, RoomEventKind.JOINED if here else RoomEventKind.LEFT, seat)
    _audit(seat.actor, "mediation.room_joined" if here else "mediation.room_left", seat, seat.session, label=seat.label)
    return True


@transaction.atomic
def admit_to_room(actor: User, seat: RoomSeat) -> RoomSeat:
    """The mediator lets a participant in from the waiting room: only once the party's identity was checked and
    they were told of the consequences of sham mediation (L8, 《人民法院在线调解规则》第十七条), and, while the
    session is being recorded, only someone who consented to the recording (Art. 22)."""
    seat = _locked_seat(seat)
    session = seat.session
    ensure_room_host(actor, session)
    if seat.removed_at:
        raise DomainError(gettext("%(name)s已被移出本次调解") % {"name": seat.label})
    if seat.admitted_at:
        return seat
    checked = seat if seat.is_guest else SessionParticipant.objects.filter(session=session, party=seat.party).first()
    if checked is None or not identity_cleared(checked.id_check_passed, checked.warned):
        raise DomainError(
            gettext("须先核实%(name)s的身份并告知虚假调解的法律后果（《人民法院在线调解规则》第十七条）")
            % {"name": seat.party.name if seat.party_id else seat.label}
        )
    if recording_now(session) and not seat.recording_consent_at:
        raise DomainError(gettext("正在录音录像：%(name)s同意录制后才能进入") % {"name": seat.label})
    seat.admitted_at = timezone.now()
    seat.save(update_fields=["admitted_at"])
    _event(session, RoomEventKind.ADMITTED, seat)
    _audit(actor, "mediation.room_admit", seat, session, label=seat.label)
    return seat


@transaction.atomic
def remove_from_room(actor: User, seat: RoomSeat, reason: str) -> RoomSeat:
    """The mediator removes a participant: their connection is closed, they cannot come back to this session."""
    seat = _locked_seat(seat)
    session = seat.session
    ensure_room_host(actor, session)
    if seat.is_mediator:
        raise DomainError(gettext("调解员不能移出自己"))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(gettext("请写明移出的理由"), field="reason")
    if seat.removed_at:
        return seat
    seat.removed_at, seat.removed_reason = timezone.now(), reason[:500]
    seat.save(update_fields=["removed_at", "removed_reason"])
    _event(session, RoomEventKind.REMOVED, seat)
    _audit(actor, "mediation.room_remove", seat, session, label=seat.label, reason=seat.removed_reason)
    _timeline(session.mediation, actor.display_name, gettext("将%(name)s移出在线调解") % {"name": seat.label})
    return seat


def _invited_party(session: Session, party_id):
    participant = SessionParticipant.objects.filter(session=session, party_id=party_id).select_related("party").first()
    if participant is None:
        raise DomainError(gettext("该当事人未被邀请参加本次调解"), field="party")
    return participant.party


@transaction.atomic
def split_room(actor: User, session: Session, party_id=None) -> Session:
    """背对背: each party (with whoever acts for them) in a private room; the mediator in `party_id`'s, or on
    their own. Called again with another party, the mediator moves to that party's room."""
    session = _locked_session(session)
    ensure_room_host(actor, session)
    if recording_now(session):
        # A recording is of the joint session, which every party may read: a caucus is never recorded.
        raise DomainError(gettext("录音录像期间不能分开背对背，请先停止录制"))
    party = _invited_party(session, party_id) if party_id else None
    kind = RoomEventKind.MOVED if session.room_split else RoomEventKind.SPLIT
    session.room_split, session.room_with = True, party
    session.save(update_fields=["room_split", "room_with"])
    _event(session, kind, label=party.name if party else "")
    _audit(actor, "mediation.room_split", session, session, mediator_with=party.name if party else None)
    return session


@transaction.atomic
def merge_room(actor: User, session: Session) -> Session:
    """Everyone back in one room."""
    session = _locked_session(session)
    ensure_room_host(actor, session)
    if not session.room_split:
        return session
    session.room_split, session.room_with = False, None
    session.save(update_fields=["room_split", "room_with"])
    _event(session, RoomEventKind.MERGED)
    _audit(actor, "mediation.room_merge", session, session)
    return session


@transaction.atomic
def consent_to_recording(actor: User, seat: RoomSeat) -> RoomSeat:
    """The participant, told that the session will be recorded and what for, consents: their own act."""
    seat = _locked_seat(seat)
    if seat.user_id != (actor.pk if actor else None):  # a guest (no account) consents through its own ticket
        raise PermissionDenied(gettext("仅本人可以表示是否同意录音录像"))
    reason = closed_reason(seat.session)
    if reason:
        raise DomainError(reason)
    if not seat.recording_consent_at:
        seat.recording_consent_at = timezone.now()
        seat.save(update_fields=["recording_consent_at"])
        _audit(seat.actor, "mediation.recording_consent", seat, seat.session, label=seat.label)
    return seat


@transaction.atomic
def start_recording(actor: User, session: Session) -> Recording:
    """Recording starts only when everyone in the room (admitted and connected) has consented after being told
    (在线调解规则 Art. 22); whoever joins later must consent first (`admit_to_room`)."""
    session = _locked_session(session)
    ensure_room_host(actor, session)
    if recording_now(session):
        raise DomainError(gettext("正在录音录像"))
    if session.room_split:
        raise DomainError(gettext("背对背期间不录音录像，请先恢复共同调解"))
    present = list(
        session.seats.filter(admitted_at__isnull=False, removed_at__isnull=True)
        .exclude(connection="")
        .order_by(*SEAT_ORDER)
    )
    missing = [s.label for s in present if not s.recording_consent_at]
    if missing:
        raise DomainError(
            gettext("每位参加人员同意后才能录音录像，尚未同意：%(names)s") % {"names": "、".join(missing)}
        )
    if not any(not s.is_mediator for s in present):
        raise DomainError(gettext("当事人进入调解室后才能录音录像"))
    recording = Recording.objects.create(
        session=session,
        started_at=timezone.now(),
        started_by=actor,
        consents=[{"seat": str(s.pk), "label": s.label, "at": s.recording_consent_at.isoformat()} for s in present],
    )
    _event(session, RoomEventKind.RECORDING_STARTED)
    _audit(actor, "mediation.recording_start", recording, session, consents=[s.label for s in present])
    _timeline(session.mediation, actor.display_name, gettext("开始录音录像（参加人员均已同意）"))
    return recording


@transaction.atomic
def stop_recording(actor: User, session: Session) -> Recording:
    session = _locked_session(session)
    permissions.ensure_case_mediator(actor, session.mediation.source)
    recording = recording_now(session)
    if recording is None:
        raise DomainError(gettext("没有正在进行的录音录像"))
    recording.ended_at = timezone.now()
    recording.save(update_fields=["ended_at"])
    _event(session, RoomEventKind.RECORDING_STOPPED)
    _audit(actor, "mediation.recording_stop", recording, session)
    return recording


def _parts_dir(recording: Recording) -> Path:
    return Path(settings.VAR_DIR) / "recording-parts" / str(recording.pk)


def _locked_recording(recording: Recording) -> Recording:
    return (
        Recording.objects.select_for_update(of=("self",))
        .select_related(*(f"session__{r}" for r in ROOM))
        .get(pk=recording.pk)
    )


@transaction.atomic
def append_recording_part(actor: User, recording: Recording, number: int, data: bytes) -> Recording:
    """One part of a recording as the mediator's browser makes it (numbered from 0, in order). A part sent again
    (a retry after a lost answer) is kept once; a gap is refused, so what is stored is what was recorded."""
    recording = _locked_recording(recording)
    permissions.ensure_case_mediator(actor, recording.session.mediation.source)
    if recording.file_id:
        raise DomainError(gettext("该录音录像已存档"))
    if number < recording.parts:
        return recording
    if number != recording.parts:
        raise DomainError(gettext("录音录像分段不连续（应为第%(n)s段）") % {"n": recording.parts + 1})
    if not data or len(data) > settings.SUTIAO_RECORDING_PART_BYTES:
        raise DomainError(gettext("录音录像分段为空或过大"))
    if recording.received_bytes + len(data) > settings.SUTIAO_RECORDING_MAX_BYTES:
        raise DomainError(
            gettext("录音录像超过 %(limit)s MB 的上限") % {"limit": f"{settings.SUTIAO_RECORDING_MAX_BYTES / 2**20:g}"}
        )
    folder = _parts_dir(recording)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{number:06d}").write_bytes(data)  # written again whole on a retry: nothing appended twice
    recording.parts, recording.received_bytes = number + 1, recording.received_bytes + len(data)
    recording.save(update_fields=["parts", "received_bytes"])
    return recording


@transaction.atomic
def store_recording(actor: User, recording: Recording) -> Recording:
    """The recording's parts become one case document with its SHA-256, once. There is no other way for a
    recording into the case, so none exists without the consents copied when it started."""
    recording = _locked_recording(recording)
    session = recording.session
    permissions.ensure_case_mediator(actor, session.mediation.source)
    if recording.file_id:
        raise DomainError(gettext("该录音录像已存档"))
    if not recording.parts:
        raise DomainError(gettext("没有收到录音录像内容"))
    folder = _parts_dir(recording)
    with tempfile.SpooledTemporaryFile(max_size=8 * 2**20) as whole:
        for number in range(recording.parts):
            whole.write((folder / f"{number:06d}").read_bytes())
        whole.seek(0)
        stored = accept_upload(
            File(whole, name="录音录像.webm"),
            uploaded_by=actor,
            kind=FileKind.RECORDING,
            label=gettext("在线调解录音录像"),
            case=session.mediation.case_ref,
            max_bytes=settings.SUTIAO_RECORDING_MAX_BYTES,
        )
    recording.file = stored
    recording.ended_at = recording.ended_at or timezone.now()
    recording.save(update_fields=["file", "ended_at"])
    _audit(actor, "mediation.recording_store", recording, session, file=str(stored.pk), sha256=stored.sha256)
    _timeline(
        session.mediation,
        actor.display_name,
        gettext("录音录像已存档（SHA-256：%(sha)s）") % {"sha": stored.sha256[:16]},
    )
    transaction.on_commit(lambda: shutil.rmtree(folder, ignore_errors=True))
    return recording


@transaction.atomic
def agree_recording_replaces_record(actor: User, recording: Recording, party) -> RecordingAgreement:
    """Art. 22 ¶1: a party's explicit agreement that the recording stands in for the electronic record; it does so
    once every party of the mediation agreed (the undisputed facts are still confirmed in writing)."""
    recording = Recording.objects.select_related(*(f"session__{r}" for r in ROOM)).get(pk=recording.pk)
    mediation = recording.session.mediation
    if party.mediation_id != mediation.pk:
        raise PermissionDenied(gettext("仅本案当事人可以表示同意"))
    acting, label = _as_party(actor, party, "messages")
    if not recording.file_id:
        raise DomainError(gettext("录音录像尚未存档"))
    agreement, created = RecordingAgreement.objects.get_or_create(
        recording=recording, party=party, defaults={"at": timezone.now(), "by": actor}
    )
    if created:
        _audit(actor, "mediation.recording_replaces_record", recording, recording.session, party=party.name, by=label)
        _timeline(mediation, label, gettext("同意以录音录像代替电子笔录"))
    return agreement


def replaces_record(recording: Recording) -> bool:
    """Whether every party of the mediation agreed (Art. 22 ¶1)."""
    parties = set(recording.session.mediation.parties.values_list("pk", flat=True))
    return bool(parties) and parties <= {a.party_id for a in recording.agreements.all()}


def room_chat(actor: User, seat: RoomSeat, text: str):
    """A chat line in the room is a mediation message (it stays in the case): to everyone while the room is
    together; in a private room, a caucus between the mediator and that party."""
    session = seat.session
    if not seat.admitted_at:
        raise DomainError(gettext("调解员准许进入后才能发言"))
    if seat.is_guest:
        # The chat is the case's mediation messages, written by the mediator and the parties only.
        raise DomainError(gettext("受邀参加人员请以语音发言"))
    caucus = None
    if session.room_split:
        caucus = seat.party if not seat.is_mediator else session.room_with
        if caucus is None:
            raise DomainError(gettext("请先进入一方的背对背房间"))
    return post_message(actor, session.mediation, text, caucus_with=caucus)


# --- guests: a judge, an interpreter (no account on this platform: two institutions, two accounts) ---

GUEST_SALT = "sutiao.media.guest"
MOBILE = re.compile(r"^1\d{10}$")


def guest_token(seat: RoomSeat) -> str:
    return signing.dumps(str(seat.pk), salt=GUEST_SALT)


def guest_by_token(token: str) -> RoomSeat:
    """The guest seat an invitation link names; refused once the session is over or the link is not ours."""
    try:
        seat_id = signing.loads(token, salt=GUEST_SALT, max_age=settings.SUTIAO_GUEST_LINK_DAYS * 86400)
    except signing.SignatureExpired:
        raise DomainError(gettext("邀请链接已过期")) from None
    except signing.BadSignature:
        raise DomainError(gettext("邀请链接无效")) from None
    seat = RoomSeat.objects.select_related(*(f"session__{r}" for r in ROOM)).filter(pk=seat_id).first()
    if seat is None or not seat.is_guest:
        raise DomainError(gettext("邀请链接无效"))
    return seat


@transaction.atomic
def invite_guest(actor: User, session: Session, name: str, role: str, mobile: str) -> RoomSeat:
    """The mediator invites someone without an account here — a judge of the delegating court, an interpreter —
    to the online session: a seat of their own and a link by SMS. They wait to be admitted like everyone, after
    their identity was checked and they were warned (L8, 《人民法院在线调解规则》第十七条 covers 其他参与调解人员)."""
    session = _locked_session(session)
    ensure_room_host(actor, session)
    if not session.online:
        raise DomainError(gettext("本次调解不是在线音视频调解"))
    name, mobile = (name or "").strip(), (mobile or "").strip()
    if not name or len(name) > 100:
        raise DomainError(gettext("请填写受邀人员姓名（100字以内）"), field="name")
    if role not in GuestRole.values:
        raise DomainError(gettext("请选择受邀身份"), field="role")
    if not MOBILE.match(mobile):
        raise DomainError(gettext("请填写11位手机号码"), field="mobile")
    label = f"{GuestRole(role).label} {name}"
    seat = RoomSeat.objects.create(
        session=session, label=label, guest_role=role, guest_mobile=encrypt(mobile), invited_by=actor
    )
    _event(session, RoomEventKind.INVITED, seat)
    _audit(actor, "mediation.room_invite", seat, session, label=label, mobile=mask_phone(mobile))
    link = reverse("mediation-guest-room", args=[guest_token(seat)])
    notify(
        Contact(name=name, mobile=mobile),
        "mediation_notice",
        {
            "subject": gettext("在线调解邀请"),
            "text": gettext("邀请您于%(at)s参加在线调解，请凭链接进入") % {"at": cn_datetime(session.starts_at)},
            "number": session.mediation.number,
        },
        channels=("sms",),
        link=link,
    )
    return seat


@transaction.atomic
def check_guest_identity(actor: User, seat: RoomSeat, method: str, passed: bool, warned: bool) -> RoomSeat:
    """L8 for a guest: the mediator checks their identity and tells them the consequences of sham mediation."""
    seat = _locked_seat(seat)
    ensure_room_host(actor, seat.session)
    if not seat.is_guest:
        raise DomainError(gettext("当事人的身份请在调解安排中核实"))
    if not (method or "").strip():
        raise DomainError(gettext("请写明核实身份的方式"), field="method")
    seat.id_checked_at, seat.id_check_method = timezone.now(), method.strip()[:200]
    seat.id_check_passed, seat.warned = passed, warned
    seat.save(update_fields=["id_checked_at", "id_check_method", "id_check_passed", "warned"])
    _audit(actor, "mediation.room_guest_identity", seat, seat.session, label=seat.label, passed=passed, warned=warned)
    return seat
