"""Signed reads from a peer (its catch-up feed, its reconciliation summaries)."""

import json

import requests

from .models import Peer, insecure_url
from .refusals import Refused
from .signing import FEED_COMPONENTS, sign, verify_response

_session = requests.Session()  # keep-alive to each peer


def signed_get(peer: Peer, path: str, params: dict, timeout: float = 120) -> dict:
    """GET `path` on the peer, signed as this platform; verify the peer's signed answer and return its JSON."""
    response, _verified = signed_get_response(peer, path, params, timeout)
    return json.loads(response.content)


def signed_get_response(peer: Peer, path: str, params: dict, timeout: float = 120):
    """GET `path` on the peer, signed as this platform; the peer's answer, verified, and what verified it (for a
    caller that keeps the signed answer: `response.request` is the request it answers)."""
    request = requests.Request(
        "GET", peer.base_url.rstrip("/") + path, params=params, headers={"Content-Type": "application/json"}
    ).prepare()
    insecure = insecure_url(peer.base_url)
    if insecure:
        raise Refused("insecure_peer", insecure, status=502)
    sign(request, b"", components=FEED_COMPONENTS)
    response = _session.send(request, timeout=(5, timeout))
    if response.status_code != 200:
        raise Refused("peer_unavailable", f"对方平台 {path} 返回 HTTP {response.status_code}", status=502)
    verified = verify_response(peer, response, request)
    response.request = request
    return response, verified
