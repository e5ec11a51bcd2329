import logging

from django.conf import settings
from django.core.management.base import BaseCommand
from django.core.wsgi import get_wsgi_application

log = logging.getLogger("sutiao.serve")

# Waitress accepts no new connection once 100 are open (its default, counting its own listening socket and
# trigger: 98 clients), and keeps an idle keep-alive connection for 120 s. Every signed-in party's browser holds
# one or more keep-alive connections, so the 99th party to arrive waited in the accept queue until someone went
# quiet for two minutes (bench/parties.py: 98 of 200 parties got in). Connections are cheap (the 8 threads
# still bound the work done at once); poll() instead of select(), whose descriptors stop at 1,024.
CONNECTION_LIMIT = 1000


class Command(BaseCommand):
    help = "以 waitress 运行本平台的 Web 服务"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, required=True)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--connection-limit", type=int, default=CONNECTION_LIMIT)

    def handle(self, *args, host, port, threads, connection_limit, **options):
        from waitress import serve

        log.info("%s listening on http://%s:%s", settings.PLATFORM_NAME, host, port)
        serve(
            get_wsgi_application(),
            host=host,
            port=port,
            threads=threads,
            connection_limit=connection_limit,
            asyncore_use_poll=True,
            ident="sutiao",
            # A little above the largest body anything here accepts (an upload; a docking message is capped lower
            # by its own view, with a reason): larger ones are cut off before Django reads them.
            max_request_body_size=max(settings.SUTIAO_UPLOAD_MAX_BYTES, settings.SUTIAO_MAX_BODY_BYTES) + 2**20,
            clear_untrusted_proxy_headers=True,
        )
