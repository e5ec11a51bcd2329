"""Real-name verification of a party, behind an interface (docs/parties.md). settings.SUTIAO_IDENTITY_VERIFIER
names a class with `verify(claimed, registered)`; a deployment plugs in its provider (an eID service, a face
comparison against the public security database) there. It raises DomainError, in Chinese, when the person is
not who they claim to be, and returns the name of the method used (kept as the profile's `verifier`)."""

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string
from django.utils.translation import gettext

from sutiao.kernel.enums import PartyKind
from sutiao.kernel.errors import DomainError
from sutiao.kernel.identifiers import validate_resident_id, validate_uscc
from sutiao.translation import refusal

from .pii import id_number_digest


@dataclass(frozen=True)
class Claimed:
    """Who the person at the keyboard says they are."""

    kind: str
    name: str
    id_number: str


@dataclass(frozen=True)
class Registered:
    """The party as the case names them (registered by the court or the organisation): name and the keyed
    digest of their identity number or credit code."""

    name: str
    id_digest: str


class IdentityVerifier:
    def verify(self, claimed: Claimed, registered: Registered | None) -> str:
        raise NotImplementedError


def normalised_id(kind: str, id_number: str) -> str:
    """The identity number (GB 11643 check digit) or credit code (GB 32100) as stored, or a refusal saying what
    is wrong with it."""
    try:
        if kind == PartyKind.NATURAL_PERSON:
            return validate_resident_id(id_number)
        return validate_uscc(id_number)
    except DomainError as e:
        raise DomainError(refusal(e), field="id_number") from e


class DevelopmentVerifier(IdentityVerifier):
    """Development and tests: the number must be well formed (GB 11643 check digit, or GB 32100 for a credit
    code), and name and number must be those the case registered. It proves nothing about who is typing."""

    label = "开发环境核验（证件号码校验位与案件登记信息比对）"

    def verify(self, claimed: Claimed, registered: Registered | None) -> str:
        number = normalised_id(claimed.kind, claimed.id_number)
        if registered is not None and (
            claimed.name.strip() != registered.name.strip() or id_number_digest(number) != registered.id_digest
        ):
            raise DomainError(gettext("姓名/名称与证件号码与案件登记的当事人信息不一致，未通过实名核验"))
        return self.label


@cache
def _verifier_class(path: str):
    if not path:
        raise ImproperlyConfigured("SUTIAO_IDENTITY_VERIFIER must name a real-name verification backend")
    return import_string(path)


def verifier() -> IdentityVerifier:
    return _verifier_class(settings.SUTIAO_IDENTITY_VERIFIER)()
