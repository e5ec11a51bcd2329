"""A fault-injecting HTTP proxy on loopback, between the two platforms: it drops requests, drops
responses (the request was processed, the answer is lost), duplicates requests (the copy is a replay), and
delays requests or responses (which reorders what was sent close together). It counts what it did."""

import http.client
import random
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"}


class FaultProxy:
    def __init__(
        self,
        upstream_port: int,
        seed: int,
        drop_request=0.06,
        drop_response=0.06,
        duplicate=0.06,
        delay=0.1,
        max_delay=1.5,
    ):
        self.upstream_port = upstream_port
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.odds = {
            "drop_request": drop_request,
            "drop_response": drop_response,
            "duplicate": duplicate,
            "delay": delay,
        }
        self.max_delay = max_delay
        self.faults: Counter = Counter()
        self.enabled = True
        # Every kind of fault happens at least once, whatever the dice say in a short run.
        self.forced = list(self.odds)
        self.rng.shuffle(self.forced)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _relay(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                fault = proxy._choose()
                if fault == "drop_request":
                    self.close_connection = True
                    return
                delay_answer = fault == "delay" and proxy.rng.random() < 0.5
                if fault == "delay" and not delay_answer:
                    time.sleep(proxy.rng.uniform(0.05, proxy.max_delay))  # the request arrives late
                status, headers, answer = proxy._forward(self.command, self.path, self.headers, body)
                if delay_answer:
                    time.sleep(proxy.rng.uniform(0.05, proxy.max_delay))  # the answer arrives late
                if fault == "duplicate":
                    proxy._forward(self.command, self.path, self.headers, body)
                if status is None or fault == "drop_response":
                    self.close_connection = True
                    return
                self.send_response(status)
                for name, value in headers:
                    if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            do_GET = do_POST = _relay

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                pass  # a client that gave up (its timeout) is part of the weather here

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def _choose(self) -> str | None:
        with self.lock:
            if not self.enabled:
                return None
            if self.forced:
                fault = self.forced.pop()
                self.faults[fault] += 1
                return fault
            roll = self.rng.random()
            for fault, odds in self.odds.items():
                if roll < odds:
                    self.faults[fault] += 1
                    return fault
                roll -= odds
        return None

    def _forward(self, method, path, headers, body):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.upstream_port, timeout=90)
            conn.request(
                method, path, body=body, headers={k: v for k, v in headers.items() if k.lower() not in HOP_BY_HOP}
            )
            response = conn.getresponse()
            answer = response.read()
            conn.close()
            return response.status, response.getheaders(), answer
        except OSError:
            return None, [], b""  # the platform behind is down (killed): the caller sees the connection close
