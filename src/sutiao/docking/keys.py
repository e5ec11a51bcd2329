"""Ed25519 key pairs for docking (no Django here: `sutiao up` makes keys before any settings load)."""

import hashlib

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


def generate_private_key_pem() -> bytes:
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def public_pem_of(private_pem: bytes) -> str:
    key = serialization.load_pem_private_key(private_pem, password=None)
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def key_id_for(platform_id: str, private_pem: bytes) -> str:
    """Named after the key itself, so a new key pair gets a new id and the old one can be revoked."""
    return f"{platform_id}-{hashlib.sha256(public_pem_of(private_pem).encode()).hexdigest()[:16]}"
