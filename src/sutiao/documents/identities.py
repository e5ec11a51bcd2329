"""Actions on signing identities (sutiao.documents.models.SigningIdentity): issuing one to a person or an
institution's seal, and revoking it. Like `actions.accept_upload`, the calling platform checks its own permission
(who may get a certificate for whom is the platform's rule) and these do the rest, each with its audit record."""

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sutiao.accounts.pii import encrypt
from sutiao.audit.log import record
from sutiao.kernel.errors import DomainError

from .ca import KEY_SIZE, CertificateAuthorityError, RevocationReason, Subject, authority, subject_serial
from .models import SignatureAudit, SigningIdentity


def issue_identity(actor, *, subject: Subject, user=None, institution=None, case=None) -> SigningIdentity:
    """A new key for `user` (a person) or `institution` (its e-seal) and the CA's certificate for it, as
    `subject` names them. An identity of the same kind the holder still has is revoked as superseded in the same
    transaction, so a holder signs with one certificate of a kind at a time. The key pair is made here: the CA
    is sent the public key only."""
    if (user is None) == (institution is None):
        raise ValueError("a signing identity is held by a user or by an institution")
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    ca = authority()
    try:
        # Outside the transaction: a licensed CA answers over the network, and no row waits on it.
        certificate = ca.issue(subject, key.public_key())
    except CertificateAuthorityError as e:
        raise DomainError(_("证书签发失败：%(reason)s") % {"reason": e.message}) from e
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    now = timezone.now()
    with transaction.atomic():
        previous = list(
            SigningIdentity.objects.of_holder(user=user, institution=institution)
            .unrevoked()
            .filter(kind=subject.kind)
            .select_for_update()
        )
        identity = SigningIdentity.objects.create(
            user=user,
            institution=institution,
            kind=subject.kind,
            name=subject.name,
            subject_serial=subject_serial(subject.identifier),
            serial=str(certificate.serial_number),
            certificate_pem=certificate.public_bytes(serialization.Encoding.PEM).decode(),
            private_key_encrypted=encrypt(pem.decode()),
            issued_at=now,
            not_after=certificate.not_valid_after_utc,
        )
        for old in previous:
            _revoke(actor, old, RevocationReason.SUPERSEDED, now, case=case)
        record(
            actor,
            SignatureAudit.IDENTITY_ISSUED,
            identity,
            case=case,
            after={
                "kind": subject.kind.value,
                "name": subject.name,
                "serial": identity.serial,
                "subject_serial": identity.subject_serial,
                "not_after": identity.not_after.isoformat(),
                "superseded": [old.serial for old in previous],
            },
        )
    return identity


def revoke_identity(actor, identity: SigningIdentity, *, reason: RevocationReason, case=None) -> SigningIdentity:
    """Revoke `identity` from now on: it signs nothing more, the CA lists it on its CRL, and what it signed
    before stays valid (verification reports the revocation and its time)."""
    reason = RevocationReason(reason)
    with transaction.atomic():
        identity = SigningIdentity.objects.select_for_update().get(pk=identity.pk)
        if identity.revoked:
            raise DomainError(_("该签名证书已于此前吊销"))
        _revoke(actor, identity, reason, timezone.now(), case=case)
    return identity


def _revoke(actor, identity: SigningIdentity, reason: RevocationReason, at, *, case=None) -> None:
    from cryptography import x509

    try:
        authority().revoke(x509.load_pem_x509_certificate(identity.certificate_pem.encode()), reason, at)
    except CertificateAuthorityError as e:
        raise DomainError(_("证书吊销失败：%(reason)s") % {"reason": e.message}) from e
    identity.revoked_at, identity.revocation_reason = at, reason
    identity.save(update_fields=["revoked_at", "revocation_reason"])
    record(
        actor,
        SignatureAudit.IDENTITY_REVOKED,
        identity,
        case=case,
        before={"revoked_at": None},
        after={"revoked_at": at.isoformat(), "reason": reason.value, "serial": identity.serial},
    )
