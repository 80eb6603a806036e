"""Signing secrets: minted in the Standard Webhooks form (`whsec_` + base64 of 32 random
bytes), shown once, stored encrypted (Fernet, from `cryptography`) since we need them
back to sign. Keys: settings.WEBHOOKS_ENCRYPTION_KEYS (Fernet keys, the first encrypts,
all decrypt: add a new one first to rotate); without any, one key derived from
SECRET_KEY (rotating SECRET_KEY then makes the stored secrets unreadable)."""

from __future__ import annotations

import base64
import hashlib
import secrets as random
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings

PREFIX = "whsec_"


def secret_mint() -> str:
    return PREFIX + base64.b64encode(random.token_bytes(32)).decode()


def secret_hint(secret: str) -> str:
    return f"{PREFIX}…{secret[-4:]}"


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    if not keys:
        derived = hashlib.sha256(f"apps.webhooks.secrets:{secret_key}".encode()).digest()
        keys = (base64.urlsafe_b64encode(derived).decode(),)
    return MultiFernet([Fernet(key) for key in keys])


def _cipher() -> MultiFernet:
    return _fernet(tuple(getattr(settings, "WEBHOOKS_ENCRYPTION_KEYS", None) or ()), settings.SECRET_KEY)


def secret_encrypt(secret: str) -> str:
    return _cipher().encrypt(secret.encode()).decode()


def secret_decrypt(token: str) -> str:
    return _cipher().decrypt(token.encode()).decode()
