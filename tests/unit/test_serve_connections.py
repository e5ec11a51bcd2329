"""The web server keeps serving when many people are signed in at once: waitress's default stopped accepting
new connections at 100 (98 clients, its own sockets counted), and every signed-in browser holds keep-alive
connections, so the 99th party waited two minutes for someone else's to time out (bench/parties.py)."""

import socket
import threading
from unittest import mock

import waitress
from django.core.management import call_command

CLIENTS = 150


def _hello(environ, start_response):
    start_response("200 OK", [("Content-Length", "2"), ("Content-Type", "text/plain")])
    return [b"ok"]


def _serve_options() -> dict:
    with mock.patch.object(waitress, "serve") as serve:
        call_command("serve", port=1)
    return {k: v for k, v in serve.call_args.kwargs.items() if k not in ("host", "port")}


def test_the_serve_command_accepts_150_keep_alive_clients_at_once():
    server = waitress.create_server(_hello, host="127.0.0.1", port=0, **_serve_options())
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    clients, served = [], 0
    try:
        for _ in range(CLIENTS):
            client = socket.create_connection(("127.0.0.1", server.effective_port), timeout=5)
            client.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            served += client.recv(64).startswith(b"HTTP/1.1 200")
            clients.append(client)  # kept open, as a signed-in browser keeps its connection
    except TimeoutError:
        pass
    finally:
        for client in clients:
            client.close()
        server.close()
    assert served == CLIENTS
