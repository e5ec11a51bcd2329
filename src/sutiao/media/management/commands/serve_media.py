import logging

from django.conf import settings
from django.core.management.base import BaseCommand

from sutiao.media.consumers import MAX_FRAME

log = logging.getLogger("sutiao.serve")


class Command(BaseCommand):
    help = "以 uvicorn 运行音视频调解室的信令服务（WebSocket）"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, required=True)

    def handle(self, *args, host, port, **options):
        import uvicorn

        log.info("%s media signalling on ws://%s:%s/media/rooms/", settings.PLATFORM_NAME, host, port)
        uvicorn.run(
            "sutiao.media.asgi:application",
            host=host,
            port=port,
            ws="websockets",
            ws_max_size=MAX_FRAME,
            lifespan="off",
            log_level="warning",
            server_header=False,
            proxy_headers=False,
        )
