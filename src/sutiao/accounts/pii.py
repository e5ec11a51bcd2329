"""Personal data at rest, on either platform: identity numbers, phones, addresses and the docking's stored
messages are encrypted (Fernet, keys from the environment, 个人信息保护法 Art. 28, 51), identity numbers found
again by a keyed digest, everything shown masked (`sutiao.kernel.identifiers.mask`) unless the viewer's role
needs the clear value, which is then a sensitive read the action audits (`court.actions.personal_data`).

SUTIAO_FIELD_KEY holds one key or several separated by commas, newest first: values are written with the
newest and read with any, so a key is rotated by putting a new one in front and running `rotate_field_keys`,
after which the old one may go. The digest has its own key (SUTIAO_DIGEST_KEY, by default the oldest field
key): a digest is a lookup key every row agrees on, so it never rotates (docs/personal-data.md)."""

import base64
import functools
import hashlib
import hmac
import json
import unicodedata

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import migrations, models


@functools.cache
def _keys(setting: str) -> list[Fernet]:
    return [Fernet(k.strip().encode()) for k in setting.split(",") if k.strip()]


def _fernet() -> MultiFernet:
    return MultiFernet(_keys(settings.SUTIAO_FIELD_KEY))


def _digest_key() -> bytes:
    key = settings.SUTIAO_DIGEST_KEY or settings.SUTIAO_FIELD_KEY.split(",")[-1].strip()
    return hashlib.sha256(b"sutiao-id-digest:" + key.encode()).digest()


def id_number_digest(number: str) -> str:
    """A keyed digest, so the same person is found twice without the number being readable. The number is taken
    as the identifiers' validators normalise it (NFKC folds full-width digits typed with a Chinese input method;
    spaces dropped; upper case for the check character X and credit codes), so a court's party, the docking's
    copy and a party's own account give the same digest."""
    normalised = "".join(unicodedata.normalize("NFKC", number).split()).upper()
    return hmac.new(_digest_key(), normalised.encode(), hashlib.sha256).hexdigest()


def decrypt(encrypted: str) -> str:
    """The whole value. Only for an action that needs it (and audits it), never for a page as it is."""
    return _fernet().decrypt(base64.urlsafe_b64decode(encrypted.encode())).decode()


def encrypt(number: str) -> str:
    return base64.urlsafe_b64encode(_fernet().encrypt(number.encode())).decode()


def rotated(encrypted: str) -> str | None:
    """`encrypted` written again with the newest key, or None when it already is (so rotation is idempotent)."""
    token = base64.urlsafe_b64decode(encrypted.encode())
    try:
        _keys(settings.SUTIAO_FIELD_KEY)[0].decrypt(token)
        return None
    except InvalidToken:
        return base64.urlsafe_b64encode(_fernet().rotate(token)).decode()


class Ciphertext(models.TextField):
    """A column holding `encrypt()`'s output, written and read by the code that needs the value (a mediator's
    number, a party account's mobile). Every Ciphertext column is what `rotate_field_keys` re-encrypts."""


class EncryptedText(Ciphertext):
    """A text kept encrypted in the database and read back in clear by the model: for values the code reads
    as it reads any field (a party's phone). "" stays "" so a blank field can still be told from a filled one;
    such a field cannot be searched by value (identity numbers are found by their digest)."""

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else value


class EncryptedJSON(Ciphertext):
    """JSON kept encrypted as a whole (the docking's stored messages, the investor side's copy of the parties):
    what is in it need not be known field by field, so a new kind of content cannot slip out in clear."""

    def from_db_value(self, value, expression, connection):
        return json.loads(decrypt(value)) if value else value

    def get_prep_value(self, value):
        return encrypt(json.dumps(value, ensure_ascii=False, separators=(",", ":")))

    def to_python(self, value):
        return json.loads(value) if isinstance(value, str) else value

    def value_to_string(self, obj):
        return json.dumps(self.value_from_object(obj), ensure_ascii=False)


def encrypting(app_label: str, model_name: str, *fields: str) -> migrations.RunPython:
    """A migration step that encrypts `fields` of every row in place while they are still plain text columns
    (the step before the one that makes them Encrypted*), and decrypts them when the migration is reversed."""

    def run(apps, schema_editor, transform):
        model = apps.get_model(app_label, model_name)
        batch = []
        for row in model.objects.only("pk", *fields).iterator(chunk_size=500):
            for field in fields:
                if getattr(row, field):
                    setattr(row, field, transform(getattr(row, field)))
            batch.append(row)
            if len(batch) == 500:
                model.objects.bulk_update(batch, fields)
                batch = []
        model.objects.bulk_update(batch, fields)

    return migrations.RunPython(lambda apps, s: run(apps, s, encrypt), lambda apps, s: run(apps, s, decrypt))
