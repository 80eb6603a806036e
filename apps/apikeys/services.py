"""API keys: created with a secret shown once, stored as a SHA-256 hash (the secret is
random, 256 bits, so a fast hash is safe), checked in constant time, revocable."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.audit.services import audit_record
from apps.authz import catalogue
from apps.core.apikeys import KeyFormat, key_find, key_revoke, key_touch
from apps.rbac.tenancy import current_tenant

from .errors import ApiKeyExpired, ApiKeyRejected, ApiKeyRevoked, ApiKeyScopeTooWide, ExpiryInPast
from .models import ApiKey

KEY_FORMAT = KeyFormat(lead="", sep=".", prefix_bytes=4, hash_whole_key=False)


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
        audit_record(action="apikey.created", actor=actor, target=api_key, tenant=current_tenant(),
                     metadata={"perms": sorted(perms), "expires_at": expires_at.isoformat() if expires_at else None})
    return api_key, raw


def api_key_revoke(*, api_key: ApiKey, actor) -> ApiKey:
    return key_revoke(api_key, on_revoked=lambda revoked: audit_record(
        action="apikey.revoked", actor=actor, target=revoked, tenant=current_tenant()))


def api_key_authenticate(*, raw: str) -> ApiKey:
    api_key = key_find(ApiKey.objects.prefetch_related("permissions__content_type"), KEY_FORMAT, raw)
    if api_key is None:
        raise ApiKeyRejected()
    now = timezone.now()
    if api_key.revoked_at is not None:
        raise ApiKeyRevoked()
    if api_key.expires_at is not None and api_key.expires_at <= now:
        raise ApiKeyExpired()
    key_touch(api_key, now=now)
    api_key.permission_names = {f"{p.content_type.app_label}.{p.codename}" for p in api_key.permissions.all()}
    return api_key
