"""The online session's room (issue 12): the page a participant enters through (its script talks WebRTC with the
other browsers and signals through sutiao.media), a fresh ticket for a reconnect, and the session's recordings
(handed in by the mediator's browser, read by whoever sees the session)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sutiao.documents.downloads import download_response
from sutiao.kernel.calendar import cn_datetime
from sutiao.kernel.errors import DomainError
from sutiao.listing import next_url, page
from sutiao.translation import refusal, refused

from ..actions import rooms as actions
from ..mediation import room as backend
from ..mediation import selectors


def _text() -> dict:
    """The sentences the room's script shows, in the page's language."""
    return {
        "connecting": _("正在连接调解室…"),
        "waiting": _("您在等候室：调解员核实身份后将准许您进入"),
        "inRoom": _("您已进入调解室"),
        "caucus": _("背对背：您与调解员单独交谈，其他当事人听不到也看不到"),
        "mediatorAlone": _("背对背：您不在任何一方的房间中，请选择进入一方的房间"),
        "reconnecting": _("与调解室的连接中断，正在重新连接…"),
        "offlineRetry": _("网络不可用，稍后自动重试"),
        "insecure": _("此页面无法使用摄像头和麦克风（需通过 HTTPS 访问）；您仍可收看收听并文字发言"),
        "denied": _(
            "您拒绝了使用摄像头和麦克风：请在浏览器地址栏的权限设置中允许，然后刷新页面；您仍可收看收听并文字发言"
        ),
        "noCamera": _("未找到可用的摄像头，仅以音频参加"),
        "noDevice": _("未找到可用的摄像头和麦克风；您仍可收看收听并文字发言"),
        "clickForSound": _("浏览器阻止了自动播放：请点击页面任意位置开启声音"),
        "mutedByHost": _("调解员已将您静音；需要发言时请再次打开麦克风"),
        "poorNetwork": _("网络较差，已切换为仅音频"),
        "shareFailed": _("未能共享屏幕"),
        "recordingStored": _("录音录像已存档（SHA-256：%s）"),
        "recordingElsewhere": _("录音录像正在另一页面进行：请在该页面停止，或停止后在此重新开始"),
        "waitingMark": _("（等候中）"),
        "privateMark": _("【背对背】"),
        "online": _("在线"),
        "offline": _("不在线"),
        "unverified": _("身份未核实"),
        "admit": _("准许进入"),
        "mute": _("静音"),
        "remove": _("移出"),
        "removeReason": _("移出理由"),
        "caucusWith": _("进入%s的背对背房间"),
        "merge": _("恢复共同调解"),
        "recordSaved": _("笔录已保存，待各方当事人确认"),
        "recordRefused": _("笔录未能保存：请在调解工作台查看原因"),
    }


def _workspace_url(m) -> str:
    return reverse("application-mediation" if m.direct else "mediation-workspace", args=[m.pk])


@login_required
def room(request, mediation_id, session_id):
    d, m, viewer = selectors.workspace_for(request.user, mediation_id)
    session = selectors.session_of(m, session_id, viewer)
    try:
        seat = actions.enter_room(request.user, session)
    except (DomainError, PermissionDenied) as e:
        reason = refused(e)
        return render(
            request,
            "investor/room_closed.html",
            {"m": m, "session": session, "reason": reason, "back": _workspace_url(m)},
            status=403 if isinstance(e, PermissionDenied) else 409,
        )
    base = reverse("mediation-room", args=[m.pk, session.pk])
    return _room_page(request, m, session, seat, base + "ticket/", base + "recordings/", _workspace_url(m))


def _record(m, seat) -> dict:
    """The mediator drafts the record during the session (在线调解规则 Art. 22: 同步形成电子笔录): the latest
    version to go on from, and where the workspace saves it."""
    if not seat.is_mediator:
        return {}
    latest = m.records.first()
    act = "application-mediation-act" if m.direct else "mediation-act"
    return {"record_text": latest.text if latest else "", "record_url": reverse(act, args=[m.pk, "record"])}


def _room_page(request, m, session, seat, ticket_url: str, recording_url: str, back: str):
    config = {
        # The page's language travels with the socket, so that the signalling server's refusals speak it too.
        "signalling": f"{settings.SUTIAO_MEDIA_URL.rstrip('/')}/rooms/{session.pk}/?lang={get_language()}",
        "ticket": backend.issue_ticket(seat),
        "ticketUrl": ticket_url,
        "recordingUrl": recording_url,
        "iceServers": settings.SUTIAO_ICE_SERVERS,
        "back": back,
    }
    context = {"m": m, "session": session, "seat": seat, "config": config, "text": _text(), "back": back}
    context |= _record(m, seat)
    return render(request, "investor/room.html", context)


def _guest_seat(token: str):
    """The guest's seat while its room may be entered, or the reason why not (an expired or unknown link, a
    room not open yet or closed, removed by the mediator)."""
    try:
        seat = actions.guest_by_token(token)
    except DomainError as e:
        return None, refusal(e)
    session = seat.session
    reason = actions.closed_reason(session)
    if not reason and seat.removed_at:
        reason = _("您已被调解员移出本次调解")
    if not reason and timezone.now() < actions.opens_at(session):
        reason = _("调解室将于%(at)s开放，请届时进入") % {"at": cn_datetime(actions.opens_at(session))}
    return seat, reason


def guest_room(request, token):
    """A guest (a judge, an interpreter) enters by the link sent to their mobile: no account on this platform."""
    seat, reason = _guest_seat(token)
    if reason:
        context = {"m": seat.session.mediation if seat else None, "session": seat.session if seat else None}
        return render(request, "investor/room_closed.html", {**context, "reason": reason, "back": ""}, status=410)
    ticket_url = reverse("mediation-guest-ticket", args=[token])
    return _room_page(request, seat.session.mediation, seat.session, seat, ticket_url, "", "/")


@require_POST
def guest_ticket(request, token):
    seat, reason = _guest_seat(token)
    if reason:
        return JsonResponse({"reason": reason}, status=409)
    return JsonResponse({"ticket": backend.issue_ticket(seat)})


@login_required
@require_POST
def invite_guest(request, mediation_id, session_id):
    """The mediator invites a judge or an interpreter to the online session (a link by SMS)."""
    d, m, viewer = selectors.workspace_for(request.user, mediation_id)
    session = selectors.session_of(m, session_id, viewer)
    post = request.POST
    try:
        seat = actions.invite_guest(
            request.user, session, post.get("name", ""), post.get("role", ""), post.get("mobile", "")
        )
    except (DomainError, PermissionDenied) as e:
        messages.error(request, refused(e))
    else:
        messages.success(request, _("已邀请%(name)s，进入链接已以短信发送") % {"name": seat.label})
    return redirect(_workspace_url(m))


@login_required
@require_POST
def check_guest(request, mediation_id, session_id, seat_id):
    """L8 for a guest: the mediator records the identity check and the sham-mediation warning."""
    d, m, viewer = selectors.workspace_for(request.user, mediation_id)
    session = selectors.session_of(m, session_id, viewer)
    seat = session.seats.filter(pk=seat_id).first()
    if seat is None:
        raise Http404(_("调解室中没有这位参加人员"))
    post = request.POST
    try:
        actions.check_guest_identity(
            request.user, seat, post.get("method", ""), post.get("passed") == "on", post.get("warned") == "on"
        )
    except (DomainError, PermissionDenied) as e:
        messages.error(request, refused(e))
    else:
        messages.success(request, _("已记录核实情况"))
    return redirect(_workspace_url(m))


@login_required
@require_POST
def ticket(request, mediation_id, session_id):
    """A fresh ticket for the page's script to reconnect with (the one in the page expires)."""
    d, m, viewer = selectors.workspace_for(request.user, mediation_id)
    session = selectors.session_of(m, session_id, viewer)
    try:
        seat = actions.enter_room(request.user, session)
    except (DomainError, PermissionDenied) as e:
        return JsonResponse({"reason": refused(e)}, status=409)
    return JsonResponse({"ticket": backend.issue_ticket(seat)})


@login_required
@require_POST
def recording_part(request, mediation_id, session_id, recording_id, number):
    """One part of a recording, as the mediator's browser makes it (the body is the bytes)."""
    d, m, viewer = selectors.workspace_for(request.user, mediation_id)
    recording = selectors.recording_of(selectors.session_of(m, session_id, viewer), recording_id)
    if int(request.headers.get("Content-Length") or 0) > settings.SUTIAO_RECORDING_PART_BYTES:
        return JsonResponse({"reason": _("录音录像分段为空或过大")}, status=413)
    try:
        recording = actions.append_recording_part(request.user, recording, number, request.body)
    except (DomainError, PermissionDenied) as e:
        return JsonResponse({"reason": refused(e)}, status=400)
    return JsonResponse({"parts": recording.parts})


@login_required
@require_POST
def recording_upload(request, mediation_id, session_id, recording_id):
    """The recording is complete: its parts become one case document (the consents were taken when it started)."""
    d, m, viewer = selectors.workspace_for(request.user, mediation_id)
    session = selectors.session_of(m, session_id, viewer)
    recording = selectors.recording_of(session, recording_id)
    try:
        recording = actions.store_recording(request.user, recording)
    except (DomainError, PermissionDenied) as e:
        return JsonResponse({"reason": refused(e)}, status=400)
    return JsonResponse({"sha256": recording.file.sha256, "size": recording.file.size})


@login_required
def attendance(request, mediation_id, session_id):
    """Every attendance fact of an online session, paged and searchable by person: whoever sees the session."""
    d, m, viewer = selectors.workspace_for(request.user, mediation_id)
    session = selectors.session_of(m, session_id, viewer)
    search = request.GET.get("q", "")[:100]
    try:
        result = page(selectors.attendance_of(session, search), ("at", "id"), request.GET.get("cursor"))
    except DomainError as e:
        messages.error(request, refusal(e))
        result = page(selectors.attendance_of(session, search), ("at", "id"))
    context = {"m": m, "session": session, "rows": result.items, "next_url": next_url(request, result), "q": search}
    return render(request, "investor/attendance.html", context | {"back": _workspace_url(m)})


@login_required
def recording_file(request, mediation_id, session_id, recording_id):
    d, m, viewer = selectors.workspace_for(request.user, mediation_id)
    session = selectors.session_of(m, session_id, viewer)
    recording = selectors.recording_of(session, recording_id)
    if recording.file is None:
        raise Http404(_("录音录像尚未存档"))
    return download_response(request, recording.file, permitted=lambda user, stored: True, case=m.case_ref)


@login_required
@require_POST
def recording_agree(request, mediation_id, session_id, recording_id):
    """A party (or whoever acts for them) agrees that the recording stands in for the electronic record."""
    d, m, viewer = selectors.workspace_for(request.user, mediation_id)
    session = selectors.session_of(m, session_id, viewer)
    recording = selectors.recording_of(session, recording_id)
    party = next((p for p in viewer.parties if str(p.pk) == request.POST.get("party")), None)
    try:
        if party is None:
            raise PermissionDenied(_("仅该当事人本人或其授权代理人可进行此操作"))
        actions.agree_recording_replaces_record(request.user, recording, party)
    except (DomainError, PermissionDenied) as e:
        messages.error(request, refused(e))
    else:
        messages.success(request, _("已表示同意以录音录像代替电子笔录"))
    return redirect(_workspace_url(m))
