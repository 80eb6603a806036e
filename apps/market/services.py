"""Service-market integration: platform API keys and tenant creation by the market.
Its webhooks are handled in apps/market/inbound.py (through apps.inbound)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts import hub
from apps.audit.services import audit_record
from apps.core.apikeys import KeyFormat, key_find, key_revoke, key_touch
from apps.tenants.models import Tenant
from apps.tenants.permissions import require_perm
from apps.tenants.services import slug_from_text, tenant_create

from .errors import ApplicationExists, InvalidApiKey, MarketTenantExists
from .models import PlatformApiKey

KEY_FORMAT = KeyFormat(lead="pk_", sep="_", prefix_bytes=6, hash_whole_key=True)
SOURCE = "service-market"


def apikey_issue(*, name: str, actor, scopes=(PlatformApiKey.Scope.TENANTS_CREATE,)) -> tuple[PlatformApiKey, str]:
    """A new key with `scopes` (PlatformApiKey.Scope: at least one); returns (key row, the
    key itself — shown once, never stored)."""
    require_perm(actor, "market.add_platformapikey", action="apikey.issued")
    scopes = sorted({str(scope) for scope in scopes or ()})
    if not scopes:
        raise ValidationError({"scopes": _("Choose what the key may do.")}, code="required")
    prefix, raw, key_hash = KEY_FORMAT.mint()
    key = PlatformApiKey(name=(name or "").strip(), prefix=prefix, key_hash=key_hash, created_by=actor, scopes=scopes)
    key.full_clean(exclude=["created_by", "revoked_by"])
    with transaction.atomic():
        key.save()
        audit_record(action="apikey.issued", actor=actor, target=key, metadata={"prefix": prefix, "scopes": scopes})
    return key, raw


def apikey_revoke(*, key: PlatformApiKey, actor) -> PlatformApiKey:
    require_perm(actor, "market.revoke_platformapikey", action="apikey.revoked")
    return key_revoke(key, revoked_by=actor, on_revoked=lambda revoked: audit_record(
        action="apikey.revoked", actor=actor, target=revoked,
        changes={"revoked_at": [None, revoked.revoked_at.isoformat()]}))


def apikey_authenticate(*, raw: str) -> PlatformApiKey:
    """The active key for `raw`, or InvalidApiKey. Constant-time hash comparison."""
    key = key_find(PlatformApiKey.objects.all(), KEY_FORMAT, raw)
    if key is None or not key.is_active:
        raise InvalidApiKey()
    key_touch(key)
    return key


def platform_token_introspect(*, raw: str) -> dict:
    """RFC 7662 about `raw` for a platform client (a key with the token:introspect scope):
    any workspace's token, judged as that workspace's own services would have it judged
    (apps.accounts.hub.introspect); a token of no live workspace is {"active": false}."""
    token = hub.decoded_token(raw)  # once: read here for its workspace, then judged by introspect()
    slug = token.get("tenant") if token is not None else None
    tenant = Tenant.objects.exclude(status=Tenant.Status.PURGED).filter(slug=slug).first() if slug else None
    if tenant is None:
        return dict(hub.INACTIVE)
    return hub.introspect(token=token, tenant=tenant)


# The market's application kinds (seeds/003 §4.1.1) and the tenant kinds they become.
APPLICATION_KINDS = {"demo": Tenant.Kind.DEMO, "service": Tenant.Kind.CUSTOMER}


def market_tenant_create(*, tenant_id: str, tenant_name: str, admin_email: str, admin_name: str = "",
                         application_id: str, application_kind: str, business_type: str = "service",
                         plan=None, demo_expires_at=None, api_key: PlatformApiKey) -> Tenant:
    """The market approved an application: create and provision its tenant (zero-touch).

    The market's tenant id (e.g. `univ_8`) stays the key it knows the tenant by; the
    subdomain is derived from it (`univ-8`, with a suffix if taken). A demo ends at the
    market's `demo_expires_at`, or TENANT_DEMO_DAYS from now."""
    application_id = str(application_id).strip()
    market_tenant_id = str(tenant_id).strip()
    live = Tenant.objects.exclude(status=Tenant.Status.PURGED)
    existing = live.filter(market_application_id=application_id).first()
    if existing is not None:
        raise ApplicationExists(details={"tenant_id": existing.market_tenant_id or existing.slug,
                                         "status": existing.status})
    existing = live.filter(market_tenant_id=market_tenant_id).first()
    if existing is not None:
        raise MarketTenantExists(details={"tenant_id": market_tenant_id, "slug": existing.slug,
                                          "status": existing.status})
    kind = APPLICATION_KINDS.get(application_kind)
    if kind is None:
        raise ValidationError({"application_kind": _("Choose demo or service.")}, code="invalid_choice")
    if demo_expires_at is not None:
        if kind != Tenant.Kind.DEMO:
            raise ValidationError({"demo_expires_at": _("Only a demo has an end date.")}, code="invalid")
        if demo_expires_at <= timezone.now():
            raise ValidationError({"demo_expires_at": _("The end of the demo must be in the future.")},
                                  code="invalid")
    try:
        slug = slug_from_text(market_tenant_id)
    except ValidationError as exc:
        raise ValidationError({"tenant_id": exc.message_dict["slug"]}) from exc
    return tenant_create(slug=slug, name=tenant_name, business_type=business_type, owner_email=admin_email,
                         owner_name=admin_name, plan=plan, kind=kind, demo_expires_at=demo_expires_at,
                         market_application_id=application_id, market_tenant_id=market_tenant_id, provision=True,
                         reason=f"service market application {application_id} (API key {api_key.prefix})")
