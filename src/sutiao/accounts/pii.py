"""Identity numbers (mediators', parties') at rest, on either platform: encrypted (Fernet, key from the
environment, 个人信息保护法 Art. 28, 51), found again by a keyed digest, shown masked. Showing one unmasked is a
sensitive read: the action that does it audits it (e.g. investor `actions.registry.reveal_id_number`)."""

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet
from django.conf import settings


def _fernet() -> Fernet:
    return Fernet(settings.SUTIAO_FIELD_KEY.encode())


def id_number_digest(number: str) -> str:
    """A keyed digest, so the same person is found twice without the number being readable."""
    key = hashlib.sha256(b"sutiao-id-digest:" + settings.SUTIAO_FIELD_KEY.encode()).digest()
    return hmac.new(key, number.encode(), hashlib.sha256).hexdigest()


def decrypt(encrypted: str) -> str:
    """The whole number. Only for an action that needs it (and audits it), never for a page as it is."""
    return _fernet().decrypt(base64.urlsafe_b64decode(encrypted.encode())).decode()


def encrypt(number: str) -> str:
    return base64.urlsafe_b64encode(_fernet().encrypt(number.encode())).decode()
