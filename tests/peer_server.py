"""A stand-in peer on loopback for the sender's side of the docking: a real HTTP server whose answers a test
chooses — what an attacker on the path would send back (a forged refusal), or what a genuine peer signs."""

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests


@dataclass
class Received:
    method: str
    path: str
    headers: dict
    body: bytes


@dataclass
class PeerServer:
    """`answer(received) -> (status, headers, body)` decides each answer; `received` lists every request."""

    answer: object = None
    received: list = field(default_factory=list)
    url: str = ""

    def start(self):
        server_state = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _serve(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                got = Received(self.command, self.path, dict(self.headers.items()), body)
                server_state.received.append(got)
                status, headers, payload = server_state.answer(got)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _serve

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class SignableAnswer:
    """An answer as http-message-signatures signs it: its status, its headers, and the request it answers."""

    def __init__(self, status: int, headers: dict, received: Received | None):
        self.status_code, self.headers = status, requests.structures.CaseInsensitiveDict(headers)
        self.request = None
        if received is not None:
            self.request = requests.Request(
                received.method, "http://peer" + received.path, headers=received.headers
            ).prepare()
