"""Identity numbers (mediators', parties') at rest, on either platform: encrypted (Fernet, key from the
environment, 个人信息保护法 Art. 28, 51), found again by a keyed digest, shown masked. Showing one unmasked is a
sensitive read: the action that does it audits it (e.g. investor `actions.registry.reveal_id_number`)."""

import base64
import hashlib
import hmac
import unicodedata

from cryptography.fernet import Fernet
from django.conf import settings


def _fernet() -> Fernet:
    return Fernet(settings.SUTIAO_FIELD_KEY.encode())


def id_number_digest(number: str) -> str:
    """A keyed digest, so the same person is found twice without the number being readable. The number is taken
    as the identifiers' validators normalise it (NFKC folds full-width digits typed with a Chinese input method;
    spaces dropped; upper case for the check character X and credit codes), so a court's party, the docking's
    copy and a party's own account give the same digest."""
    key = hashlib.sha256(b"sutiao-id-digest:" + settings.SUTIAO_FIELD_KEY.encode()).digest()
    normalised = "".join(unicodedata.normalize("NFKC", number).split()).upper()
    return hmac.new(key, normalised.encode(), hashlib.sha256).hexdigest()


def decrypt(encrypted: str) -> str:
    """The whole number. Only for an action that needs it (and audits it), never for a page as it is."""
    return _fernet().decrypt(base64.urlsafe_b64decode(encrypted.encode())).decode()


def encrypt(number: str) -> str:
    return base64.urlsafe_b64encode(_fernet().encrypt(number.encode())).decode()
