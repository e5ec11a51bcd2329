"""The address a request came from, as login throttling (django-axes), SMS-code limits and logs need it.

Behind a reverse proxy every request arrives from the proxy: throttling by that address would let anyone
lock every user out. X-Forwarded-For is believed only when the direct peer is one of SUTIAO_TRUSTED_PROXIES
(addresses or networks), and then read from the right, skipping trusted proxies: the first address a trusted
proxy did not add itself is the client's. A client's own X-Forwarded-For (to spoof an address) lies to the
left of that and is ignored."""

import ipaddress
from functools import cache

from django.conf import settings


@cache
def _trusted(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _is_trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _trusted(tuple(settings.SUTIAO_TRUSTED_PROXIES)))


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    if not remote or not _is_trusted(remote):
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    for address in reversed(forwarded):
        if not _is_trusted(address):
            try:
                return str(ipaddress.ip_address(address))
            except ValueError:
                return remote  # a garbled header: the proxy's own address, never a made-up one
    return forwarded[0] if forwarded else remote
