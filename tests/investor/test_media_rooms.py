"""Audio/video rooms (issue 12): the room's actions — entering, L8 before admission, removal, the caucus split,
recording only with every consent (在线调解规则 Art. 22) — and the signalling server against bad input, driven
through Channels' WebSocket communicator against the real consumer and the real database."""

import asyncio
import datetime as dt
import hashlib
import json

import pytest
from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.utils import timezone

from sutiao.accounts.models import Role, User
from sutiao.accounts.pii import id_number_digest
from sutiao.audit.models import AuditRecord
from sutiao.investor.actions import delegations as delegation_actions
from sutiao.investor.actions import mediation as mediation_actions
from sutiao.investor.actions import rooms as actions
from sutiao.investor.mediation import room as backend
from sutiao.investor.mediation.models import (
    Mediation,
    NotifyChannel,
    RoomEventKind,
    SessionMode,
)
from sutiao.kernel.errors import DomainError
from sutiao.media import rooms
from sutiao.media.asgi import application
from sutiao.media.consumers import MAX_FRAME
from sutiao.notifications.models import Notification

APPLICANT_ID, RESPONDENT_ID = "110105198001010011", "110105198202020022"
# A WebM header (EBML magic, DocType "webm"), as MediaRecorder starts its files.
WEBM = bytes.fromhex("1a45dfa39f4286810142f7810142f2810442f381084282847765626d42878104428581021853806701ffffffffffffff")


@pytest.fixture
def room(receive, org_a, admin_a, mediator_a):
    """An online session starting in ten minutes (its room is open), both parties invited, their accounts linked."""
    delegation = receive(
        org_a,
        parties=[
            {"role": "applicant", "kind": "natural_person", "name": "李四", "id_number": APPLICANT_ID},
            {"role": "respondent", "kind": "legal_person", "name": "某某药业股份有限公司", "id_number": RESPONDENT_ID},
        ],
    )
    delegation_actions.accept_delegation(admin_a, delegation)
    delegation_actions.assign_mediator(admin_a, delegation, mediator_a)
    party_a = User.objects.create_user("li_si", password="x-long-password", role=Role.PARTY, full_name="李四")
    party_b = User.objects.create_user("drug_co", password="x-long-password", role=Role.PARTY, full_name="某某药业")
    mediation_actions.link_party_account(party_a, id_number_digest(APPLICANT_ID))
    mediation_actions.link_party_account(party_b, id_number_digest(RESPONDENT_ID))
    mediation = Mediation.objects.get(pk=delegation.pk)
    row_a, row_b = mediation.parties.order_by("id")
    session = mediation_actions.schedule_session(
        mediator_a,
        mediation,
        timezone.now() + dt.timedelta(minutes=10),
        SessionMode.ONLINE,
        "",
        [row_a, row_b],
        NotifyChannel.SMS,
    )
    return session, party_a, party_b, row_a, row_b


def _verify(mediator, session, *rows):
    for p in session.participants.filter(party__in=rows):
        mediation_actions.check_identity(mediator, p, "证件照在线比对", True, True)


def test_L8_a_party_waits_until_the_mediator_checked_their_identity(room, mediator_a):
    session, party_a, _, row_a, _ = room
    host = actions.enter_room(mediator_a, session)
    seat = actions.enter_room(party_a, session)
    assert host.admitted_at and not seat.admitted_at  # the mediator hosts; the party is in the waiting room
    with pytest.raises(DomainError, match="第十七条"):
        actions.admit_to_room(mediator_a, seat)
    _verify(mediator_a, session, row_a)
    with pytest.raises(PermissionDenied):
        actions.admit_to_room(party_a, seat)  # only the case mediator admits
    actions.admit_to_room(mediator_a, seat)
    seat.refresh_from_db()
    assert seat.admitted_at
    assert session.room_events.filter(kind=RoomEventKind.ADMITTED, seat=seat).exists()
    assert AuditRecord.objects.filter(action="mediation.room_admit").count() == 1


def test_the_room_opens_shortly_before_the_session_and_only_to_those_invited(room, mediator_a, mediator_b):
    session, party_a, _, row_a, row_b = room
    session.starts_at = timezone.now() + dt.timedelta(hours=3)
    session.save()
    with pytest.raises(DomainError, match="开放"):
        actions.enter_room(party_a, session)
    session.starts_at = timezone.now() + dt.timedelta(minutes=5)
    session.save()
    with pytest.raises(PermissionDenied, match="未被邀请"):
        actions.enter_room(mediator_b, session)  # another organisation's mediator
    session.participants.filter(party=row_a).delete()  # 李四 is not invited to this one
    with pytest.raises(PermissionDenied, match="未被邀请"):
        actions.enter_room(party_a, session)


def test_a_removed_participant_cannot_come_back(room, mediator_a):
    session, party_a, _, row_a, _ = room
    _verify(mediator_a, session, row_a)
    seat = actions.enter_room(party_a, session)
    actions.admit_to_room(mediator_a, seat)
    with pytest.raises(DomainError, match="理由"):
        actions.remove_from_room(mediator_a, seat, " ")
    actions.remove_from_room(mediator_a, seat, "扰乱调解秩序")
    with pytest.raises(DomainError, match="移出"):
        actions.enter_room(party_a, session)
    view = backend.InvestorRooms().view(str(seat.pk))
    assert view.gone_code == rooms.NOT_INVITED


def test_the_caucus_split_puts_each_party_in_its_own_room(room, mediator_a):
    session, party_a, party_b, row_a, row_b = room
    _verify(mediator_a, session, row_a, row_b)
    host = actions.enter_room(mediator_a, session)
    a, b = actions.enter_room(party_a, session), actions.enter_room(party_b, session)
    for seat in (a, b):
        actions.admit_to_room(mediator_a, seat)
    for seat, connection in ((host, "c-host"), (a, "c-a"), (b, "c-b")):
        actions.room_presence(seat, True, connection)
    rooms_ = backend.InvestorRooms()
    assert rooms_.view(str(a.pk)).peers == {str(host.pk), str(b.pk)}
    actions.split_room(mediator_a, session, row_a.pk)
    assert rooms_.view(str(a.pk)).peers == {str(host.pk)}
    assert rooms_.view(str(b.pk)).peers == set()  # 某某药业 neither sees nor hears the private room
    assert rooms_.view(str(host.pk)).peers == {str(a.pk)}
    # The chat follows the room: in the private room it is a caucus message, read by the mediator and 李四 only.
    line, readers = rooms_.chat(str(a.pk), "我方最低可接受五万元")
    assert line["private"] and readers == {str(a.pk), str(host.pk)}
    actions.merge_room(mediator_a, session)
    assert rooms_.view(str(b.pk)).peers == {str(host.pk), str(a.pk)}
    kinds = list(session.room_events.values_list("kind", flat=True))
    assert RoomEventKind.SPLIT in kinds and RoomEventKind.MERGED in kinds


def test_art22_recording_needs_every_participants_consent(room, mediator_a):
    session, party_a, party_b, row_a, row_b = room
    _verify(mediator_a, session, row_a, row_b)
    host = actions.enter_room(mediator_a, session)
    a = actions.enter_room(party_a, session)
    actions.admit_to_room(mediator_a, a)
    actions.room_presence(host, True, "c-host")
    actions.room_presence(a, True, "c-a")
    with pytest.raises(DomainError, match="尚未同意"):
        actions.start_recording(mediator_a, session)
    with pytest.raises(PermissionDenied):
        actions.consent_to_recording(mediator_a, a)  # nobody consents for another
    actions.consent_to_recording(party_a, a)
    with pytest.raises(DomainError, match="调解员 张调解"):
        actions.start_recording(mediator_a, session)  # the mediator is a participant too
    actions.consent_to_recording(mediator_a, host)
    recording = actions.start_recording(mediator_a, session)
    assert [c["label"] for c in recording.consents] == ["调解员 张调解", "李四"]
    # Whoever comes in while it records must consent first; and a caucus is never recorded.
    b = actions.enter_room(party_b, session)
    with pytest.raises(DomainError, match="同意录制后才能进入"):
        actions.admit_to_room(mediator_a, b)
    with pytest.raises(DomainError, match="不能分开背对背"):
        actions.split_room(mediator_a, session, row_a.pk)
    actions.stop_recording(mediator_a, session)
    # The browser hands it in part by part: in order, a part sent twice kept once, a gap refused.
    with pytest.raises(DomainError, match="没有收到"):
        actions.store_recording(mediator_a, recording)
    with pytest.raises(PermissionDenied):
        actions.append_recording_part(party_a, recording, 0, WEBM[:20])
    actions.append_recording_part(mediator_a, recording, 0, WEBM[:20])
    actions.append_recording_part(mediator_a, recording, 0, WEBM[:20])  # a retry
    with pytest.raises(DomainError, match="不连续"):
        actions.append_recording_part(mediator_a, recording, 2, WEBM[20:])
    actions.append_recording_part(mediator_a, recording, 1, WEBM[20:])
    stored = actions.store_recording(mediator_a, recording)
    assert stored.file.kind == "recording" and stored.file.size == len(WEBM)
    assert stored.file.sha256 == hashlib.sha256(WEBM).hexdigest()
    with pytest.raises(DomainError, match="已存档"):
        actions.store_recording(mediator_a, recording)
    # Art. 22 ¶1: it stands in for the electronic record only once every party agreed explicitly.
    actions.agree_recording_replaces_record(party_a, recording, row_a)
    assert not actions.replaces_record(recording)
    with pytest.raises(PermissionDenied):
        actions.agree_recording_replaces_record(party_a, recording, row_b)
    actions.agree_recording_replaces_record(party_b, recording, row_b)
    assert actions.replaces_record(recording)


# --- the signalling server ---


class Socket(ApplicationCommunicator):
    """A WebSocket client of the ASGI application, in process (what channels.testing's communicator does; that
    package imports daphne, which we do not run)."""

    def __init__(self, path, query=b""):
        scope = {"type": "websocket", "path": path, "query_string": query, "headers": [], "subprotocols": []}
        super().__init__(application, scope)

    async def send_to(self, text_data):
        await self.send_input({"type": "websocket.receive", "text": text_data})

    async def disconnect(self):
        await self.send_input({"type": "websocket.disconnect", "code": 1000})
        await self.wait(1)


async def _connect(room_id, query=b""):
    ws = Socket(f"/media/rooms/{room_id}/", query)
    await ws.send_input({"type": "websocket.connect"})
    assert (await ws.receive_output(5))["type"] == "websocket.accept"
    return ws


async def _hello(ws, ticket):
    await ws.send_to(text_data=json.dumps({"type": "hello", "ticket": ticket}))


async def _until(ws, kind, timeout=5):
    """The next message of `kind` (skipping others), or None when the connection closed first."""
    while True:
        output = await ws.receive_output(timeout)
        if output["type"] == "websocket.close":
            return {"type": "closed", "code": output.get("code")}
        message = json.loads(output["text"])
        if message["type"] == kind:
            return message


@pytest.mark.django_db(transaction=True)
def test_signalling_refuses_an_unknown_room_a_forged_or_expired_ticket(room, mediator_a):
    session, party_a, *_ = room
    seat = actions.enter_room(party_a, session)
    ticket = backend.issue_ticket(seat)

    async def run():
        ws = await _connect("0190c2e0-0000-7000-8000-000000000000")
        await _hello(ws, ticket)
        refused = await _until(ws, "refused")
        assert refused["code"] == rooms.NO_ROOM and "没有这个调解室" in refused["reason"]
        ws = await _connect(session.pk)
        await _hello(ws, ticket[:-2] + "xx")
        assert (await _until(ws, "refused"))["code"] == rooms.BAD_TICKET
        with override_settings(SUTIAO_MEDIA_TICKET_SECONDS=-1):
            ws = await _connect(session.pk)
            await _hello(ws, ticket)
            refused = await _until(ws, "refused")
        assert refused["code"] == rooms.BAD_TICKET and "过期" in refused["reason"]
        ws = await _connect(session.pk)
        await ws.send_to(text_data=json.dumps({"type": "signal", "to": "x", "data": {"sdp": {}}}))
        assert (await _until(ws, "refused"))["code"] == rooms.BAD_TICKET  # nothing before the ticket
        # The page names its language in the socket's URL, and the refusals speak it (the backend's too).
        ws = await _connect(session.pk, b"lang=en")
        await _hello(ws, ticket[:-2] + "xx")
        assert (await _until(ws, "refused"))["reason"] == "The entry ticket is not valid"
        ws = await _connect("0190c2e0-0000-7000-8000-000000000000", b"lang=en")
        await ws.send_to(text_data="not json")
        assert (await _until(ws, "error"))["reason"] == "Malformed message"
        await _hello(ws, ticket)
        assert (await _until(ws, "refused"))["reason"] == "No such room"
        ws = await _connect(session.pk, b"lang=xx")  # not a language of the platform: Chinese
        await _hello(ws, ticket[:-2] + "xx")
        assert (await _until(ws, "refused"))["reason"] == "入场凭证无效"

    async_to_sync(run)()


@pytest.mark.django_db(transaction=True)
def test_signalling_survives_malformed_oversized_and_flooding_sockets(room, mediator_a):
    session, party_a, *_ = room
    host = actions.enter_room(mediator_a, session)
    seat = actions.enter_room(party_a, session)

    async def run():
        calm = await _connect(session.pk)
        await _hello(calm, backend.issue_ticket(host))
        assert (await _until(calm, "state"))["me"]["mediator"]
        bad = await _connect(session.pk)
        await _hello(bad, backend.issue_ticket(seat))
        await _until(bad, "state")
        await bad.send_to(text_data="{not json")
        assert "格式不正确" in (await _until(bad, "error"))["reason"]
        await bad.send_to(text_data=json.dumps({"type": "chat", "text": "x" * (MAX_FRAME + 1)}))
        assert "格式不正确" in (await _until(bad, "error"))["reason"]
        await bad.send_to(text_data=json.dumps({"type": ["signal"]}))  # a type that is not a name
        assert "格式不正确" in (await _until(bad, "error"))["reason"]
        for _ in range(4):
            await bad.send_to(text_data="[]")
        assert (await _until(bad, "refused"))["code"] == rooms.MALFORMED
        # A flood: the first messages past the bucket are refused with a warning, then the socket is closed;
        # meanwhile the calm socket is answered.
        flood = await _connect(session.pk)
        await _hello(flood, backend.issue_ticket(seat))
        await _until(flood, "state")
        for _ in range(500):
            await flood.send_to(text_data=json.dumps({"type": "ping"}))
        await calm.send_to(text_data=json.dumps({"type": "ping"}))
        assert (await _until(calm, "pong"))["type"] == "pong"
        assert "频繁" in (await _until(flood, "error"))["reason"]
        assert (await _until(flood, "refused"))["code"] == rooms.FLOOD
        await calm.disconnect()

    with override_settings(SUTIAO_MEDIA_RATE=1, SUTIAO_MEDIA_BURST=20, SUTIAO_MEDIA_FLOOD_LIMIT=50):
        async_to_sync(run)()


@pytest.mark.django_db(transaction=True)
def test_signalling_relays_only_between_admitted_seats_of_one_room_and_closes_on_removal(room, mediator_a):
    session, party_a, party_b, row_a, row_b = room
    _verify(mediator_a, session, row_a, row_b)
    host = actions.enter_room(mediator_a, session)
    a, b = actions.enter_room(party_a, session), actions.enter_room(party_b, session)

    async def run():
        sockets = {}
        for name, seat in (("host", host), ("a", a), ("b", b)):
            sockets[name] = await _connect(session.pk)
            await _hello(sockets[name], backend.issue_ticket(seat))
            await _until(sockets[name], "state")
        # 李四 waits: nothing relayed to or from a seat not admitted.
        await sockets["a"].send_to(
            text_data=json.dumps({"type": "signal", "to": str(host.pk), "data": {"sdp": {"type": "offer"}}})
        )
        assert "不在您所在的调解室" in (await _until(sockets["a"], "error"))["reason"]
        for seat in (a, b):
            await sockets["host"].send_to(
                text_data=json.dumps({"type": "control", "op": "admit", "seat": str(seat.pk)})
            )
        state = await _until(sockets["a"], "state")
        while set(state["peers"]) != {str(host.pk), str(b.pk)}:
            state = await _until(sockets["a"], "state")
        offer = {"sdp": {"type": "offer", "sdp": "v=0"}}
        await sockets["a"].send_to(text_data=json.dumps({"type": "signal", "to": str(b.pk), "data": offer}))
        relayed = await _until(sockets["b"], "signal")
        assert relayed["from"] == str(a.pk) and relayed["data"] == offer
        # The mediator mutes 李四: her browser is asked to (the media never passes the server).
        await sockets["host"].send_to(text_data=json.dumps({"type": "control", "op": "mute", "seat": str(a.pk)}))
        assert (await _until(sockets["a"], "mute"))["type"] == "mute"
        # A party may not run the mediator's controls.
        await sockets["a"].send_to(text_data=json.dumps({"type": "control", "op": "remove", "seat": str(b.pk)}))
        assert "仅本案调解员" in (await _until(sockets["a"], "error"))["reason"]
        # Removed: the connection is closed with the reason, and the others stop exchanging media with it.
        await sockets["host"].send_to(
            text_data=json.dumps({"type": "control", "op": "remove", "seat": str(b.pk), "reason": "扰乱秩序"})
        )
        refused = await _until(sockets["b"], "refused")
        assert refused["code"] == rooms.NOT_INVITED and "移出" in refused["reason"]
        state = await _until(sockets["a"], "state")
        while str(b.pk) in state["peers"]:
            state = await _until(sockets["a"], "state")
        for ws in sockets.values():
            await ws.disconnect()
        await asyncio.sleep(0)

    async_to_sync(run)()
    kinds = list(session.room_events.filter(seat=a).values_list("kind", flat=True))
    assert kinds[:2] == [RoomEventKind.JOINED, RoomEventKind.ADMITTED] and RoomEventKind.LEFT in kinds


# --- guests, and the pages ---


def test_L8_a_guest_enters_by_the_link_sent_to_their_mobile_after_their_identity_check(room, mediator_a, client):
    session, *_ = room
    with pytest.raises(DomainError, match="手机号码"):
        actions.invite_guest(mediator_a, session, "王法官", "judge", "12345")
    seat = actions.invite_guest(mediator_a, session, "王法官", "judge", "13912345678")
    assert seat.label == "法官 王法官" and "13912345678" not in seat.guest_mobile  # encrypted at rest
    sms = Notification.objects.get(channel="sms", address_masked="139****5678")
    assert sms.link.startswith("/rooms/guest/")
    token = sms.link.split("/")[-2]
    assert actions.guest_by_token(token) == seat
    page = client.get(f"/rooms/guest/{token}/")  # no account, no sign-in: the link is the key
    assert page.status_code == 200 and b"room-config" in page.content and b"chat-form" not in page.content
    refused = client.get(f"/rooms/guest/{token[:-3]}abc/")
    assert refused.status_code == 410 and "邀请链接无效" in refused.content.decode()
    with override_settings(SUTIAO_GUEST_LINK_DAYS=-1):
        assert "邀请链接已过期" in client.get(f"/rooms/guest/{token}/").content.decode()
    with pytest.raises(DomainError, match="第十七条"):
        actions.admit_to_room(mediator_a, seat)
    actions.check_guest_identity(mediator_a, seat, "视频比对工作证", True, True)
    actions.admit_to_room(mediator_a, seat)
    rooms_ = backend.InvestorRooms()
    with pytest.raises(rooms.Refused, match="仅本案调解员"):
        rooms_.act(str(seat.pk), "admit", {"seat": str(seat.pk)})
    with pytest.raises(rooms.Refused, match="语音"):
        rooms_.chat(str(seat.pk), "我是法官")
    rooms_.act(str(seat.pk), "consent", {})
    seat.refresh_from_db()
    assert seat.recording_consent_at
    assert AuditRecord.objects.filter(action="mediation.recording_consent", actor="法官 王法官").exists()


def test_the_room_page_names_why_it_cannot_be_entered(room, mediator_a, mediator_b, client):
    session, party_a, _, row_a, _ = room
    url = f"/mediations/{session.mediation_id}/sessions/{session.pk}/room/"
    client.force_login(mediator_b)
    assert client.get(url).status_code == 404  # another organisation's mediator: no such case
    session.starts_at = timezone.now() + dt.timedelta(hours=3)
    session.save()
    client.force_login(party_a)
    page = client.get(url)
    assert page.status_code == 409 and "开放" in page.content.decode()
    session.starts_at = timezone.now() + dt.timedelta(minutes=5)
    session.save()
    page = client.get(url)
    assert page.status_code == 200 and b"media/room.js" in page.content
    session.participants.filter(party=row_a).delete()
    page = client.get(url)
    assert page.status_code in (403, 404)


def test_a_recording_that_is_not_one_is_refused_and_nothing_is_kept(room, mediator_a):
    session, party_a, _, row_a, _ = room
    _verify(mediator_a, session, row_a)
    host, a = actions.enter_room(mediator_a, session), actions.enter_room(party_a, session)
    actions.admit_to_room(mediator_a, a)
    for seat, connection in ((host, "c-host"), (a, "c-a")):
        actions.room_presence(seat, True, connection)
        actions.consent_to_recording(seat.user, seat)
    recording = actions.start_recording(mediator_a, session)
    actions.append_recording_part(mediator_a, recording, 0, b"MZ" + b"\0" * 64)  # an executable, not a WebM
    with pytest.raises(DomainError, match="可执行程序"):
        actions.store_recording(mediator_a, recording)
    recording.refresh_from_db()
    assert recording.file is None
    with override_settings(SUTIAO_RECORDING_MAX_BYTES=100), pytest.raises(DomainError, match="上限"):
        actions.append_recording_part(mediator_a, recording, 1, b"\0" * 64)


def test_a_long_attendance_is_shown_latest_first_on_the_workspace_and_paged_and_searched_on_its_own_page(
    room, mediator_a, client
):
    """A flaky connection leaves a join and a leave each time it drops: the workspace shows the session's latest
    attendance facts with the count, the attendance page every one of them, 25 a page, searchable by person; a
    party of the case reads it, nobody outside it does."""
    session, party_a, party_b, *_ = room
    seat_a, seat_b = actions.enter_room(party_a, session), actions.enter_room(party_b, session)
    for n in range(20):  # 李四's connection drops twenty times; 某某药业's once
        actions.room_presence(seat_a, True, f"conn-a{n}")
        actions.room_presence(seat_a, False, f"conn-a{n}")
    actions.room_presence(seat_b, True, "conn-b")
    actions.room_presence(seat_b, False, "conn-b")
    total = session.room_events.count()
    assert total == 42

    client.force_login(party_a)
    workspace = client.get(f"/delegations/{session.mediation_id}/mediation/").content.decode()
    block = workspace[workspace.index('data-testid="attendance"') :]
    block = block[: block.index("</details>")]
    assert f"（{total}）" in block and block.count("<li>") == 10 and 'data-testid="attendance-all"' in block
    url = f"/mediations/{session.mediation_id}/sessions/{session.pk}/attendance/"
    first = client.get(url).content.decode()
    assert first.count('data-testid="attendance-row"') == 25 and 'data-testid="next-page"' in first
    cursor = first.split('data-testid="next-page"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    second = client.get(cursor).content.decode()
    assert second.count('data-testid="attendance-row"') == total - 25 and 'data-testid="next-page"' not in second
    found = client.get(url, {"q": "某某药业"}).content.decode()
    assert found.count('data-testid="attendance-row"') == 2  # joined, left
    assert client.get(url, {"cursor": "forged"}).status_code == 200  # a forged cursor: the first page, said so

    outsider = User.objects.create_user("someone", password="x-long-password", role=Role.PARTY, full_name="王五")
    client.force_login(outsider)
    assert client.get(url).status_code == 404
