"""The signalling server: one WebSocket per seat. It relays WebRTC offers, answers and ICE candidates between
seats the backend says exchange media (never across a caucus), relays chat and the mediator's controls, and
keeps nothing of its own: every decision is the backend's, every fact is written by it.

Hostile input is cheap to refuse: a frame larger than MAX_FRAME is closed by the ASGI server before it reaches
this code (uvicorn's ws_max_size) and again here; each connection has a token bucket, checked before a frame is
parsed; malformed frames are answered and, past a few, end the connection. One socket cannot slow the others
beyond its own share of the event loop."""

import asyncio
import json
import logging
import time
from urllib.parse import parse_qs

from channels.db import DatabaseSyncToAsync
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from . import rooms

MAX_FRAME = 64 * 1024  # an SDP offer with several tracks is ~10 KiB
MAX_CHAT = 2000
HELLO_SECONDS = 10
MAX_MALFORMED = 5
SIGNAL_KINDS = {"sdp", "candidate"}
REFRESH_DELAY = 0.02  # seconds a seat waits for more changes before reading its view

log = logging.getLogger("sutiao.media")


class Bucket:
    """A token bucket: `rate` messages a second on average, `burst` at once (ICE gathering sends a few dozen
    candidates in a burst). `dropped` counts refusals since the bucket last had tokens to spare."""

    def __init__(self, rate: float, burst: int):
        self.rate, self.burst, self.tokens, self.at, self.dropped = rate, burst, float(burst), time.monotonic(), 0

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        self.dropped += 1
        return False


def in_thread(fn):
    """The backend's call in a worker thread with its own database connection (closed after, as Channels does).
    Not the one shared thread Channels uses by default: one seat's refresh must not queue behind every other's."""
    return DatabaseSyncToAsync(fn, thread_sensitive=False)


def _group(kind: str, key: str) -> str:
    return f"media.{kind}.{key}"


def _language(scope) -> str:
    """The room page's language, which it names in the socket's URL (`?lang=en`): the refusals and errors this
    server sends are shown to the user as they are. A language the platform does not speak: its default."""
    asked = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("lang", [""])[0]
    try:
        return translation.get_supported_language_variant(asked)
    except LookupError:
        return settings.LANGUAGE_CODE


class RoomConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        # Every handler of this connection runs in its task's context, and the backend's calls in a copy of it
        # (asgiref's SyncToAsync): activated once here, the language holds for the socket's whole life.
        translation.activate(_language(self.scope))
        self.room = str(self.scope["url_route"]["kwargs"]["room"])
        self.seat, self.peers, self.malformed, self.closing = "", frozenset(), 0, False
        self.refreshing = self.stale = False
        self.bucket = Bucket(settings.SUTIAO_MEDIA_RATE, settings.SUTIAO_MEDIA_BURST)
        await self.accept()
        self.hello_timer = asyncio.get_running_loop().call_later(
            HELLO_SECONDS, lambda: asyncio.ensure_future(self.refuse(rooms.BAD_TICKET, _("未出示入场凭证")))
        )

    async def disconnect(self, code):
        self.hello_timer.cancel()
        if not self.seat:
            return
        await self.channel_layer.group_discard(_group("room", self.room), self.channel_name)
        await self.channel_layer.group_discard(_group("seat", self.seat), self.channel_name)
        await in_thread(rooms.backend().presence)(self.seat, False, self.channel_name)
        await self.channel_layer.group_send(_group("room", self.room), {"type": "room.changed"})

    # --- from the client ---

    async def receive(self, text_data=None, bytes_data=None):
        if self.closing:
            return
        if not self.bucket.take():
            if self.bucket.dropped > settings.SUTIAO_MEDIA_FLOOD_LIMIT:
                await self.refuse(rooms.FLOOD, _("消息过于频繁，连接已断开"))
            elif self.bucket.dropped == 1:
                await self.tell({"type": "error", "reason": _("消息过于频繁，请稍候")})
            return
        self.bucket.dropped = 0
        if text_data is None or len(text_data) > MAX_FRAME:
            return await self.bad(_("消息格式不正确"))
        try:
            message = json.loads(text_data)
            kind = message["type"]
        except (ValueError, TypeError, KeyError):
            return await self.bad(_("消息格式不正确"))
        if not isinstance(kind, str):
            return await self.bad(_("消息格式不正确"))
        if not self.seat:
            if kind != "hello" or not isinstance(message.get("ticket"), str):
                return await self.refuse(rooms.BAD_TICKET, _("未出示入场凭证"))
            return await self.hello(message["ticket"])
        handler = {"signal": self.signal, "control": self.control, "chat": self.chat, "ping": self.ping}.get(kind)
        if handler is None:
            return await self.bad(_("消息格式不正确"))
        await handler(message)

    async def hello(self, ticket: str):
        self.hello_timer.cancel()
        backend = rooms.backend()
        try:
            seat = await in_thread(backend.enter)(self.room, ticket)
        except rooms.Refused as e:
            return await self.refuse(e.code, e.message)
        self.seat = seat
        await self.channel_layer.group_add(_group("room", self.room), self.channel_name)
        await self.channel_layer.group_add(_group("seat", seat), self.channel_name)
        # One connection per seat: a reload or a second device takes the seat over.
        await self.channel_layer.group_send(_group("seat", seat), {"type": "seat.replaced", "by": self.channel_name})
        await in_thread(backend.presence)(seat, True, self.channel_name)
        await self.channel_layer.group_send(_group("room", self.room), {"type": "room.changed"})

    async def signal(self, message):
        to, data = message.get("to"), message.get("data")
        if not isinstance(to, str) or not isinstance(data, dict) or not data.keys() & SIGNAL_KINDS:
            return await self.bad(_("消息格式不正确"))
        if to not in self.peers:
            await self.refresh()
            if to not in self.peers:
                return await self.tell({"type": "error", "reason": _("对方不在您所在的调解室")})
        await self.channel_layer.group_send(
            _group("seat", to), {"type": "seat.signal", "from": self.seat, "data": data}
        )

    async def control(self, message):
        op = message.get("op")
        if not isinstance(op, str):
            return await self.bad(_("消息格式不正确"))
        try:
            told = await in_thread(rooms.backend().act)(self.seat, op, message)
        except rooms.Refused as e:
            return await self.tell({"type": "error", "reason": e.message})
        if told:
            await self.channel_layer.group_send(_group("seat", told["seat"]), {"type": "seat.event", **told["event"]})
        await self.channel_layer.group_send(_group("room", self.room), {"type": "room.changed"})

    async def chat(self, message):
        text = message.get("text")
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_CHAT:
            return await self.tell(
                {"type": "error", "reason": _("消息内容不能为空，且不超过%(n)s字") % {"n": MAX_CHAT}}
            )
        try:
            line, readers = await in_thread(rooms.backend().chat)(self.seat, text.strip())
        except rooms.Refused as e:
            return await self.tell({"type": "error", "reason": e.message})
        for seat in readers:
            await self.channel_layer.group_send(_group("seat", seat), {"type": "seat.chat", "line": line})

    async def ping(self, message):
        await self.tell({"type": "pong"})

    # --- from the channel layer ---

    async def room_changed(self, event):
        # A burst of changes (everyone joining at once) costs one view per seat, not one per change: the view is
        # read in a task of its own, shortly after the first change, and once more if others came meanwhile. The
        # connection meanwhile goes on relaying (a consumer handles its messages one at a time).
        self.stale = True
        if not self.refreshing:
            self.refreshing = True
            asyncio.ensure_future(self._refresh_while_stale())

    async def _refresh_while_stale(self):
        try:
            await asyncio.sleep(REFRESH_DELAY)
            while self.stale and not self.closing:
                self.stale = False
                await self.refresh()
        except Exception:
            log.exception("refreshing seat %s", self.seat)
        finally:
            self.refreshing = False

    async def seat_signal(self, event):
        if event["from"] not in self.peers:
            await self.refresh()  # the state saying so may not have reached this connection yet
        if event["from"] in self.peers:
            await self.tell({"type": "signal", "from": event["from"], "data": event["data"]})

    async def seat_event(self, event):
        await self.tell({k: v for k, v in event.items() if k != "type"} | {"type": event["event"]})

    async def seat_chat(self, event):
        await self.tell({"type": "chat", **event["line"]})

    async def seat_replaced(self, event):
        if event["by"] != self.channel_name:
            await self.channel_layer.group_discard(_group("room", self.room), self.channel_name)
            await self.channel_layer.group_discard(_group("seat", self.seat), self.channel_name)
            self.seat = ""  # the new connection holds the seat: leaving must not mark it absent
            await self.refuse(rooms.REPLACED, _("您已在其他页面或设备进入本调解室"))

    # --- helpers ---

    async def refresh(self):
        if not self.seat or self.closing:
            return
        view = await in_thread(rooms.backend().view)(self.seat)
        if view.gone:
            return await self.refuse(view.gone_code, view.gone)
        self.peers = view.peers
        await self.tell({"type": "state", **view.state, "peers": sorted(view.peers)})

    async def tell(self, message: dict):
        if not self.closing:
            await self.send(text_data=json.dumps(message, ensure_ascii=False, default=str))

    async def bad(self, reason: str):
        self.malformed += 1
        if self.malformed > MAX_MALFORMED:
            return await self.refuse(rooms.MALFORMED, _("收到过多格式不正确的消息，连接已断开"))
        await self.tell({"type": "error", "reason": reason})

    async def refuse(self, code: int, reason: str):
        """Tell the client why, then close with the code (the browser shows the reason)."""
        if self.closing:
            return
        await self.tell({"type": "refused", "code": code, "reason": str(reason)})
        self.closing = True
        await self.close(code)
