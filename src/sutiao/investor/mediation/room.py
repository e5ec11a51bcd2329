"""The investor platform hosts the audio/video rooms (DESIGN.md §3, media/): this is its `RoomBackend`. A room is
an online session (`Session`, mode ONLINE); a seat is one person's place in it (`RoomSeat`). The signalling
server asks here who may enter with a ticket, what each seat sees and exchanges media with, and runs the
controls through the actions in `actions/rooms.py`."""

import uuid

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from sutiao.kernel.errors import DomainError
from sutiao.kernel.mediation import identity_cleared
from sutiao.media import rooms
from sutiao.translation import refused

from ..actions import rooms as actions
from .models import RoomSeat, Session, SessionParticipant

SALT = "sutiao.media.room"


def issue_ticket(seat: RoomSeat) -> str:
    """What the room page hands its script to enter the room with: the seat, signed, valid for
    SUTIAO_MEDIA_TICKET_SECONDS (the page itself checked every permission; reloading it issues a new one)."""
    return signing.dumps(str(seat.pk), salt=SALT)


def group(seat: RoomSeat, session: Session) -> str:
    """The room within the room where the seat is: everyone together ("all"), or, split (背对背), each party's
    private room ("p<party>"), which the mediator joins one at a time (alone: "m")."""
    if not session.room_split:
        return "all"
    if seat.party_id:
        return f"p{seat.party_id}"
    # The mediator, and the guests with the mediator (a judge observing, an interpreter).
    return f"p{session.room_with_id}" if session.room_with_id else "m"


def _seat(seat_id: str) -> RoomSeat:
    return RoomSeat.objects.select_related(
        "user", "party", "session__room_with", "session__mediation__delegation", "session__mediation__application"
    ).get(pk=seat_id)


class InvestorRooms:
    def enter(self, room: str, ticket: str) -> str:
        session = Session.objects.filter(pk=room).first()
        if session is None or not session.online:
            raise rooms.Refused(rooms.NO_ROOM, _("没有这个调解室"))
        try:
            seat_id = signing.loads(ticket, salt=SALT, max_age=settings.SUTIAO_MEDIA_TICKET_SECONDS)
        except signing.SignatureExpired:
            raise rooms.Refused(rooms.BAD_TICKET, _("入场凭证已过期，请刷新页面重新进入")) from None
        except signing.BadSignature:
            raise rooms.Refused(rooms.BAD_TICKET, _("入场凭证无效")) from None
        seat = RoomSeat.objects.filter(pk=seat_id, session=session).first()
        if seat is None:
            raise rooms.Refused(rooms.BAD_TICKET, _("入场凭证与调解室不符"))
        view = self.view(str(seat.pk))
        if view.gone:
            raise rooms.Refused(view.gone_code, view.gone)
        return str(seat.pk)

    def view(self, seat_id: str) -> rooms.View:
        seat = _seat(seat_id)
        session = seat.session
        closed = actions.closed_reason(session)
        if closed:
            return rooms.View(seat_id, str(session.pk), {}, gone=closed, gone_code=rooms.NOT_OPEN)
        if seat.removed_at or (seat.user_id and not seat.user.is_active):
            return rooms.View(
                seat_id, str(session.pk), {}, gone=_("您已被调解员移出本次调解"), gone_code=rooms.NOT_INVITED
            )
        seats = list(session.seats.select_related("party").order_by(*actions.SEAT_ORDER))
        mine = group(seat, session)
        here = [s for s in seats if s.admitted_at and not s.removed_at and s.connection]
        peers = frozenset(str(s.pk) for s in here if s.pk != seat.pk and group(s, session) == mine)
        if not seat.admitted_at:
            peers = frozenset()
        recording = actions.recording_now(session)
        state = {
            "me": {
                "seat": str(seat.pk),
                "label": seat.label,
                "mediator": seat.is_mediator,
                "admitted": bool(seat.admitted_at),
                "consented": bool(seat.recording_consent_at),
                "group": mine,
            },
            "room": {
                "split": session.room_split,
                "with": session.room_with.name if session.room_with else "",
                "recording": str(recording.pk) if recording else "",
            },
        }
        if seat.is_mediator:
            verified = {
                p.party_id
                for p in SessionParticipant.objects.filter(session=session)
                if identity_cleared(p.id_check_passed, p.warned)
            }
            state["seats"] = [
                {
                    "seat": str(s.pk),
                    "label": s.label,
                    "mediator": s.is_mediator,
                    "here": bool(s.connection),
                    "admitted": bool(s.admitted_at),
                    "removed": bool(s.removed_at),
                    "verified": s.is_mediator
                    or (identity_cleared(s.id_check_passed, s.warned) if s.is_guest else s.party_id in verified),
                    "consented": bool(s.recording_consent_at),
                    "group": group(s, session),
                }
                for s in seats
            ]
            state["parties"] = [
                {"id": p.party_id, "name": p.party.name}
                for p in session.participants.select_related("party").order_by("party_id")
            ]
        else:
            state["seats"] = [
                {"seat": str(s.pk), "label": s.label, "mediator": s.is_mediator, "here": True}
                for s in here
                if str(s.pk) in peers or s.pk == seat.pk
            ]
        return rooms.View(seat_id, str(session.pk), state, peers)

    def presence(self, seat_id: str, here: bool, connection: str) -> None:
        actions.room_presence(RoomSeat(pk=seat_id), here, connection)

    def act(self, seat_id: str, op: str, args: dict) -> dict | None:
        seat = _seat(seat_id)
        actor, session = seat.user, seat.session
        try:
            if seat.is_guest and op != "consent":
                raise PermissionDenied(_("仅本案调解员可进行此操作"))
            if op == "consent":
                actions.consent_to_recording(actor, seat)
                return None
            target = _target(session, args) if op in ("admit", "remove", "mute") else None
            if op == "admit":
                actions.admit_to_room(actor, target)
            elif op == "remove":
                actions.remove_from_room(actor, target, str(args.get("reason") or ""))
            elif op == "mute":
                # Muting is a request to the participant's browser (the media never passes the server): only
                # the mediator may send it, and it is not a fact of the case.
                actions.ensure_room_host(actor, session)
                return {"seat": str(target.pk), "event": {"event": "mute"}}
            elif op == "split":
                actions.split_room(actor, session, args.get("party") or None)
            elif op == "merge":
                actions.merge_room(actor, session)
            elif op == "record_start":
                actions.start_recording(actor, session)
            elif op == "record_stop":
                actions.stop_recording(actor, session)
            else:
                raise rooms.Refused(0, _("不支持的操作"))
        except (DomainError, PermissionDenied) as e:
            raise rooms.Refused(0, refused(e)) from None
        return None

    def chat(self, seat_id: str, text: str):
        seat = _seat(seat_id)
        try:
            message = actions.room_chat(seat.user, seat, text)
        except (DomainError, PermissionDenied) as e:
            raise rooms.Refused(0, refused(e)) from None
        view = self.view(seat_id)
        line = {
            "author": message.author_label,
            "text": message.text,
            "at": message.at.isoformat(),
            "private": message.caucus_with_id is not None,
        }
        return line, view.peers | {seat_id}


def _target(session: Session, args: dict) -> RoomSeat:
    seat = RoomSeat.objects.filter(session=session, pk=_uuid(args.get("seat"))).select_related("party").first()
    if seat is None:
        raise DomainError(_("调解室中没有这位参加人员"))
    return seat


def _uuid(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


rooms.register(InvestorRooms())
