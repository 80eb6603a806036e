"""The one implementation of API keys, for both kinds the platform hands out: platform
keys (apps.market, public schema) and workspace keys (apps.apikeys, tenant schemas).

A key is `<lead><prefix><sep><secret>`: the prefix finds the row (indexed, unique), only a
SHA-256 is stored (apps.core.secrets), the comparison is constant-time, `last_used_at`
is written at most once per LAST_USED_RESOLUTION, and revocation happens once."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .secrets import secret_hash, secret_matches

LAST_USED_RESOLUTION = timedelta(minutes=1)  # at most one write per key per minute


@dataclass(frozen=True)
class KeyFormat:
    lead: str  # constant text before the prefix ("pk_" for platform keys)
    sep: str  # between prefix and secret
    prefix_bytes: int
    hash_whole_key: bool  # what the stored hash covers: the whole key, or the secret alone

    def mint(self) -> tuple[str, str, str]:
        """(prefix, the key to show once, the hash to store)."""
        prefix, secret = secrets.token_hex(self.prefix_bytes), secrets.token_urlsafe(32)
        raw = f"{self.lead}{prefix}{self.sep}{secret}"
        return prefix, raw, secret_hash(raw if self.hash_whole_key else secret)

    def parse(self, raw: str) -> tuple[str, str] | None:
        """(prefix, what the stored hash covers), or None when `raw` is not of this format."""
        raw = (raw or "").strip()
        if not raw.startswith(self.lead):
            return None
        prefix, sep, secret = raw[len(self.lead):].partition(self.sep)
        if not (prefix and sep and secret):
            return None
        return prefix, raw if self.hash_whole_key else secret


def key_find(queryset, key_format: KeyFormat, raw: str):
    """The row whose hash matches `raw`, or None. Says nothing about revocation or expiry."""
    parsed = key_format.parse(raw)
    row = queryset.filter(prefix=parsed[0]).first() if parsed else None
    if row is None or not secret_matches(row.key_hash, parsed[1]):
        return None
    return row


def key_touch(key, *, now=None) -> None:
    """Record use, at most once per LAST_USED_RESOLUTION (a hot key must not write on
    every request)."""
    now = now or timezone.now()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        type(key).objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now


def key_revoke(key, *, on_revoked, **fields):
    """Revoke once, under a row lock; `on_revoked(key)` (the audit event) runs in the same
    transaction only when this call revoked it. Returns the fresh row."""
    with transaction.atomic():
        key = type(key).objects.select_for_update().get(pk=key.pk)
        if key.revoked_at is None:
            key.revoked_at = timezone.now()
            for name, value in fields.items():
                setattr(key, name, value)
            key.save(update_fields=["revoked_at", *fields])
            on_revoked(key)
    return key
