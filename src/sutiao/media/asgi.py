"""The ASGI application of the signalling server (`sutiao investor serve_media`): WebSockets at
/media/rooms/<room>/; plain HTTP gets the platform itself, so a readiness check or a misdirected request is
answered as the web server would."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sutiao.settings.investor")

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.core.asgi import get_asgi_application  # noqa: E402
from django.urls import path  # noqa: E402

http = get_asgi_application()  # sets Django up before the consumer's imports

from .consumers import RoomConsumer  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": http,
        "websocket": URLRouter([path("media/rooms/<uuid:room>/", RoomConsumer.as_asgi())]),
    }
)
