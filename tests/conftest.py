"""Fixtures shared by the single-platform suites (tests/court, tests/investor): this platform's own
signing key, a peer platform with its key, and a signed POST to the docking endpoint as the peer sends it."""

import json
import os
from dataclasses import dataclass

import pytest

os.environ.setdefault("SUTIAO_DEV", "1")


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing():
    """Passwords hashed with argon2 at the least cost (cheap_hashing.py) in the suites that run Django in-process;
    the live platforms of tests/e2e keep the real cost."""
    if not os.environ.get("DJANGO_SETTINGS_MODULE"):
        yield
        return
    from django.conf import settings
    from django.contrib.auth.hashers import get_hashers, get_hashers_by_algorithm

    real = settings.PASSWORD_HASHERS
    settings.PASSWORD_HASHERS = [
        "cheap_hashing.CheapArgon2PasswordHasher" if h.endswith(".Argon2PasswordHasher") else h for h in real
    ]
    get_hashers.cache_clear()
    get_hashers_by_algorithm.cache_clear()
    yield
    settings.PASSWORD_HASHERS = real


@dataclass
class FakePeer:
    """The other platform, as seen from this one: its Peer row and the private key it signs with."""

    peer: object
    key: tuple  # (key id, Ed25519PrivateKey)


@pytest.fixture
def own_key(settings, tmp_path):
    from sutiao.docking.keys import generate_private_key_pem

    path = tmp_path / "own.pem"
    path.write_bytes(generate_private_key_pem())
    settings.SUTIAO_SIGNING_KEY_FILE = str(path)
    settings.SUTIAO_KEY_ID = f"{settings.PLATFORM_ID}-test"
    return path


@pytest.fixture
def make_peer(db):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from sutiao.docking.models import Peer, PeerKey

    def make(name: str, key_id: str | None = None) -> FakePeer:
        private = Ed25519PrivateKey.generate()
        peer, _ = Peer.objects.get_or_create(
            name=name, defaults={"display_name": name, "base_url": f"http://{name}.invalid"}
        )
        key_id = key_id or f"{name}-key-{PeerKey.objects.count() + 1}"
        pem = (
            private.public_key()
            .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            .decode()
        )
        PeerKey.objects.create(peer=peer, key_id=key_id, public_key_pem=pem)
        return FakePeer(peer, (key_id, private))

    return make


def signed_request(body: bytes, key, now=None, path="/docking/v1/messages"):
    """A request signed exactly as the relay signs it; returns the headers to send."""
    import requests

    from sutiao.docking.signing import sign

    request = requests.Request(
        "POST", f"http://testserver{path}", data=body, headers={"Content-Type": "application/json"}
    ).prepare()
    sign(request, body, key=key, now=now)
    return {k: request.headers[k] for k in ("Content-Digest", "Signature-Input", "Signature")}


@pytest.fixture
def post_message(client):
    """POST an envelope (dict) or raw bytes, signed by `key`; `headers` lets a test reuse or forge them."""

    def post(envelope, key, now=None, headers=None, body_after_signing=None):
        body = envelope if isinstance(envelope, bytes) else json.dumps(envelope, ensure_ascii=False).encode()
        headers = headers or signed_request(body, key, now)
        sent = body_after_signing if body_after_signing is not None else body
        response = client.post("/docking/v1/messages", data=sent, content_type="application/json", headers=headers)
        response.sent_headers = headers
        return response

    return post


def envelope(message_type: str, case, seq: int, payload: dict, sender: str, recipient: str, message_id=None):
    import datetime as dt

    from sutiao.kernel.ids import new_id

    return {
        "id": str(message_id or new_id()),
        "type": message_type,
        "version": 1,
        "sender": sender,
        "recipient": recipient,
        "case": str(case),
        "seq": seq,
        "occurred_at": dt.datetime.now(dt.UTC).isoformat(),
        "causation": None,
        "payload": payload,
    }


@pytest.fixture
def make_envelope():
    return envelope


@pytest.fixture
def sign_headers():
    """signed_request as a fixture: (body, key) -> the signature headers the relay would send."""
    return signed_request


@pytest.fixture
def operator_client(client, db):
    """A platform operator signed in with both factors (password and TOTP device), as the admin asks."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from sutiao.accounts.models import User

    operator = User.objects.create_user("op", password="x-long-password", is_staff=True, is_superuser=True)
    device = TOTPDevice.objects.create(user=operator, name="test")
    client.force_login(operator)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    client.operator, client.device = operator, device
    return client


@pytest.fixture(autouse=True)
def staff_sign_in_with_both_factors(monkeypatch):
    """A test signing a staff member in (Client.force_login) means a full sign-in: password and the second
    factor (sutiao.accounts.two_factor), as if the code had been typed; a party or agent, password and SMS
    code. The second factor's own flows are tested in tests/court/test_two_factor.py and
    tests/court/test_party_sign_in.py, with plain logins."""
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from sutiao.accounts.two_factor import PARTY_FACTORS_KEY, PARTY_ROLES, STAFF_ROLES

        if user.role in PARTY_ROLES:
            session = self.session
            session[PARTY_FACTORS_KEY] = {"user": user.pk, "factors": ["password", "sms"]}
            session.save()
        elif user.role in STAFF_ROLES:
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            device = device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def language_reset_after_each_test():
    """A request in English leaves English active in the test's thread (LocaleMiddleware activates, nothing
    deactivates between requests of one thread); the next test would read English messages where it expects
    the platform's Chinese. Each request re-activates its own language, so only tests need this."""
    yield
    from django.conf import settings
    from django.utils import translation

    if settings.configured:  # not in the live tests (tests/e2e), whose platforms run in their own processes
        translation.deactivate()
