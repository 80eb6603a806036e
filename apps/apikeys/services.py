"""API keys: created with a secret shown once, stored as a SHA-256 hash (the secret is
random, 256 bits, so a fast hash is safe), checked in constant time, revocable."""

from __future__ import annotations

import re

from django.contrib.postgres.aggregates import ArrayAgg
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.db.models import Q, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.audit.services import audit_record
from apps.authz import catalogue
from apps.core.apikeys import LAST_USED_RESOLUTION, KeyFormat, key_revoke
from apps.core.cache import bump, pending_scopes, scope, versioned_get_or_build
from apps.core.secrets import secret_matches
from apps.rbac.tenancy import current_tenant

from .errors import ApiKeyExpired, ApiKeyRejected, ApiKeyRevoked, ApiKeyScopeTooWide, ExpiryInPast
from .models import ApiKey

KEY_FORMAT = KeyFormat(lead="", sep=".", prefix_bytes=4, hash_whole_key=False)
# What authenticating needs of a key, in the model's order (Model.from_db): the key comes
# as if loaded with `.only(*KEY_FIELDS)`; reading another field loads it from the database.
KEY_FIELDS = tuple(field.attname for field in ApiKey._meta.concrete_fields if field.attname in {
    "id", "name", "prefix", "key_hash", "expires_at", "revoked_at", "created_by_id", "created_at"})
# An entry is dropped as soon as a key of the workspace is created or revoked (the
# `apikeys:<schema>` scope, keys_changed); the timeout only bounds memory. Unknown prefixes
# are remembered briefly, so that junk keys can't hammer the database.
KEY_CACHE_SECONDS = 3600
_UNKNOWN_PREFIX_SECONDS = 30
_PREFIX = re.compile(r"[0-9A-Za-z_-]{1,12}")  # ApiKey.prefix: anything else finds no key


def keys_changed() -> None:
    """A key of this workspace was created, revoked or changed: what authentication cached
    about its keys is rebuilt once the transaction commits. apps.apikeys.signals covers
    saves that bypass the services."""
    name = scope("apikeys", connection.schema_name)
    if name not in pending_scopes():  # once per transaction is enough
        bump(name)


def tenant_wide_perms(access) -> set[str]:
    """The Django permission names `access` holds in every branch: all a key may get (a key
    acts workspace-wide, so branch- or own-scoped permissions cannot be handed to it)."""
    return {name for name, grant in access.grants.items() if grant.everywhere}


def expiry_check(expires_at) -> None:
    """A key's expiry, when it has one, lies in the future (the API and the admin form)."""
    if expires_at is not None and expires_at <= timezone.now():
        raise ExpiryInPast(details={"expires_at": [ExpiryInPast.message]})


def api_key_create(*, name: str, perms: list[str], expires_at=None, actor, actor_access=None,
                   actor_perms: set[str] | None = None) -> tuple[ApiKey, str]:
    """Returns the key and its full secret (shown once). `perms` are resource:action
    names, all of which the creator must hold workspace-wide: `actor_access` (the
    creator's Access), or `actor_perms` (Django names held workspace-wide, for system
    callers)."""
    names = [catalogue.django_perm(key) for key in perms]
    held = tenant_wide_perms(actor_access) if actor_access is not None else set(actor_perms or ())
    too_wide = sorted(key for key, django_name in zip(perms, names, strict=True) if django_name not in held)
    if too_wide:
        scoped = sorted(key for key in too_wide if actor_access is not None and actor_access.has(
            catalogue.django_perm(key)))
        if scoped:
            raise ApiKeyScopeTooWide(_("A key works in every branch: it can only have permissions you hold "
                                       "workspace-wide, not only in some branches or for your own records."),
                                     details={"perms": too_wide, "scoped": scoped})
        raise ApiKeyScopeTooWide(details={"perms": too_wide})
    expiry_check(expires_at)
    prefix, raw, key_hash = KEY_FORMAT.mint()
    with transaction.atomic():
        api_key = ApiKey(name=name, prefix=prefix, key_hash=key_hash, expires_at=expires_at,
                         created_by=actor if getattr(actor, "pk", None) else None)
        api_key.full_clean()
        api_key.save()
        api_key.permissions.set([catalogue.permission_id(key) for key in perms])
        keys_changed()
        audit_record(action="apikey.created", actor=actor, target=api_key, tenant=current_tenant(),
                     metadata={"perms": sorted(perms), "expires_at": expires_at.isoformat() if expires_at else None})
    return api_key, raw


def api_key_revoke(*, api_key: ApiKey, actor) -> ApiKey:
    """Takes effect on the key's next request (its cached entry is dropped on commit)."""
    def revoked(key):
        keys_changed()
        audit_record(action="apikey.revoked", actor=actor, target=key, tenant=current_tenant())

    return key_revoke(api_key, on_revoked=revoked)


def _key_row(prefix: str) -> dict | None:
    permission = Concat("permissions__content_type__app_label", Value("."), "permissions__codename")
    return (ApiKey.objects.filter(prefix=prefix)
            .annotate(permission_names=ArrayAgg(permission, filter=Q(permissions__isnull=False), default=Value([])))
            .values(*KEY_FIELDS, "permission_names").first())


def _key_entry(prefix: str) -> dict | None:
    """The key with this prefix as plain values (its fields and "app.codename" permission
    names), or None; cached under the workspace's `apikeys` scope."""
    schema = connection.schema_name
    return versioned_get_or_build(f"apikeys:key:{schema}:{prefix}", [scope("apikeys", schema)],
                                  lambda: _key_row(prefix),
                                  lambda row: KEY_CACHE_SECONDS if row else _UNKNOWN_PREFIX_SECONDS)


def api_key_authenticate(*, raw: str) -> ApiKey:
    """The key `raw` names, if its secret matches (constant-time, on every request) and it
    is neither revoked nor expired (checked on every request against the cached values).
    A steady-state call costs one Redis round trip and no query; `last_used_at` is written
    at most once per LAST_USED_RESOLUTION per key."""
    parsed = KEY_FORMAT.parse(raw)
    entry = _key_entry(parsed[0]) if parsed and _PREFIX.fullmatch(parsed[0]) else None
    if entry is None or not secret_matches(entry["key_hash"], parsed[1]):
        raise ApiKeyRejected()
    now = timezone.now()
    if entry["revoked_at"] is not None:
        raise ApiKeyRevoked()
    if entry["expires_at"] is not None and entry["expires_at"] <= now:
        raise ApiKeyExpired()
    api_key = ApiKey.from_db(DEFAULT_DB_ALIAS, list(KEY_FIELDS), [entry[name] for name in KEY_FIELDS])
    api_key.permission_names = frozenset(entry["permission_names"])
    _touch(api_key, now=now)
    return api_key


def _touch(api_key: ApiKey, *, now) -> None:
    """Record use at most once per LAST_USED_RESOLUTION (a minute) per key, whichever
    process serves it: a write claims the next minute in Redis first."""
    if cache.add(last_use_claim(api_key.prefix), 1, int(LAST_USED_RESOLUTION.total_seconds())):
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)


def last_use_claim(prefix: str) -> str:
    """The cache key that holds back `last_used_at` writes of the key with `prefix`."""
    return f"apikeys:used:{connection.schema_name}:{prefix}"
