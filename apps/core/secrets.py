"""Opaque secrets we hand out once (API keys, invitation tokens) and keep only hashed.

The secrets are long random strings, so a fast unsalted SHA-256 is the right hash:
lookups stay indexable and nothing is left to brute-force."""

import hashlib
import hmac


def secret_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def secret_matches(stored_hash: str, raw: str) -> bool:
    """Constant-time comparison of a stored hash with a presented secret."""
    return hmac.compare_digest(stored_hash, secret_hash(raw))
