"""Opaque secrets we hand out once (API keys, invitation tokens) and keep only hashed;
what we must read back, encrypted (below).

The secrets are long random strings, so a fast unsalted SHA-256 is the right hash:
lookups stay indexable and nothing is left to brute-force."""

import base64
import hashlib
import hmac
from collections.abc import Sequence
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet


def secret_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def secret_matches(stored_hash: str, raw: str) -> bool:
    """Constant-time comparison of a stored hash with a presented secret."""
    return hmac.compare_digest(stored_hash, secret_hash(raw))


# --- Encryption at rest (Fernet, from `cryptography`) -----------------------------------
# For what we must read back (a failed task's arguments, re-sent by "Retry"). `keys` are
# Fernet keys, the first encrypts, all decrypt (add a new one first to rotate); without any,
# one key derived from SECRET_KEY and `purpose` (rotating SECRET_KEY then makes what was
# stored unreadable).


@lru_cache(maxsize=8)
def _fernet(keys: tuple[str, ...], secret_key: str, purpose: str) -> MultiFernet:
    if not keys:
        derived = hashlib.sha256(f"{purpose}:{secret_key}".encode()).digest()
        keys = (base64.urlsafe_b64encode(derived).decode(),)
    return MultiFernet([Fernet(key) for key in keys])


def encrypt_text(text: str, *, keys: Sequence[str] = (), purpose: str) -> str:
    from django.conf import settings

    return _fernet(tuple(keys), settings.SECRET_KEY, purpose).encrypt(text.encode()).decode()


def decrypt_text(token: str, *, keys: Sequence[str] = (), purpose: str) -> str:
    """Raises cryptography.fernet.InvalidToken when no key opens it."""
    from django.conf import settings

    return _fernet(tuple(keys), settings.SECRET_KEY, purpose).decrypt(token.encode()).decode()
