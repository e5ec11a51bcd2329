"""The ASGI application of the signalling server (`sutiao investor serve_media`): WebSockets at
/media/rooms/<room>/ and nothing else — a plain HTTP request gets a short 404 (the pages are the web server's)."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sutiao.settings.investor")
django.setup()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

from .consumers import RoomConsumer  # noqa: E402


async def not_here(scope, receive, send):
    body = "音视频调解室信令服务：仅接受 WebSocket 连接（/media/rooms/<调解室>/）\n".encode()
    await send(
        {
            "type": "http.response.start",
            "status": 404,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


application = ProtocolTypeRouter(
    {
        "http": not_here,
        "websocket": URLRouter([path("media/rooms/<uuid:room>/", RoomConsumer.as_asgi())]),
    }
)
