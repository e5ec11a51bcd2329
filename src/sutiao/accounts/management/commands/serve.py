import logging

from django.conf import settings
from django.core.management.base import BaseCommand
from django.core.wsgi import get_wsgi_application

log = logging.getLogger("sutiao.serve")


class Command(BaseCommand):
    help = "以 waitress 运行本平台的 Web 服务"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, required=True)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, host, port, threads, **options):
        from waitress import serve

        log.info("%s listening on http://%s:%s", settings.PLATFORM_NAME, host, port)
        serve(
            get_wsgi_application(),
            host=host,
            port=port,
            threads=threads,
            ident="sutiao",
            max_request_body_size=settings.SUTIAO_MAX_BODY_BYTES * 2,
            clear_untrusted_proxy_headers=True,
        )
