"""Tenant writes: creation and provisioning.

`tenant_create` records the tenant (status `provisioning`) and its domain and queues
`provision_tenant`; the task calls `tenant_provision`, which creates and migrates the
schema, sets up the owner role, the owner's account and membership, and marks the
tenant `active`. On any failure the half-made schema is dropped and the tenant is
`failed` with the error; `tenant_retry_provisioning` starts over cleanly.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone as django_timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import schema_context, schema_exists

from apps.accounts.services import membership_ensure, user_get_or_create
from apps.audit.services import audit_record
from apps.core.changes import model_update

from .errors import IllegalTransition, PrimaryDomain, ProvisioningFailed, PublicTenantProtected, TenantError
from .invites import owner_invite_send
from .models import Domain, Tenant, TenantStatusChange, _verification_token
from .permissions import require_perm
from .routing import is_platform_host, routing_forget
from .schema_template import schema_create
from .states import refuse_public, transition

logger = logging.getLogger(__name__)

SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,38}[a-z0-9]$")
RESERVED_SLUGS = frozenset({
    "admin", "api", "app", "apps", "assets", "auth", "billing", "blog", "cdn", "dashboard", "dev", "docs",
    "ftp", "help", "hq", "id", "imap", "mail", "media", "ops", "platform", "pop", "portal", "public",
    "root", "smtp", "socket", "staging", "static", "status", "support", "system", "test", "www",
})


def schema_name_for(slug: str) -> str:
    return slug.replace("-", "_")


def domain_for(slug: str) -> str:
    return f"{slug}.{settings.BASE_DOMAIN}"


def validate_slug(slug: str) -> None:
    """Raise ValidationError (field `slug`) unless `slug` can become a new subdomain."""
    if not SLUG_PATTERN.match(slug or ""):
        raise ValidationError({"slug": _(
            "Use 3-40 lowercase letters, digits and hyphens, starting with a letter and "
            "not ending with a hyphen.")}, code="invalid")
    if slug in RESERVED_SLUGS or slug.startswith("pg") or "--" in slug:
        raise ValidationError({"slug": _("This address is reserved. Please choose another one.")}, code="reserved")
    if (Tenant.objects.filter(slug=slug).exists()
            or Tenant.objects.filter(schema_name=schema_name_for(slug)).exists()
            or Domain.objects.filter(domain=domain_for(slug)).exists()):
        raise ValidationError({"slug": _("This address is already taken.")}, code="taken")
    if schema_exists(schema_name_for(slug)):
        raise ValidationError({"slug": _("This address is already taken.")}, code="taken")


def demo_period() -> timedelta:
    return timedelta(days=settings.TENANT_DEMO_DAYS)


def _check_kind(*, kind: str, business_type: str) -> None:
    """`internal` and the platform business type belong to the public tenant alone."""
    if kind == Tenant.Kind.INTERNAL:
        raise ValidationError({"kind": _("Only the platform's own tenant is internal.")}, code="invalid_choice")
    if business_type == Tenant.BusinessType.PLATFORM:
        raise ValidationError({"business_type": _("Choose the kind of business.")}, code="invalid_choice")


def slug_from_text(text: str) -> str:
    """A free subdomain derived from an outside id or name: the service market's `univ_8`
    becomes `univ-8` (`univ-8-2` when that is taken, `t-8` for an id that starts with
    a digit). The outside id itself is kept as is (`Tenant.market_tenant_id`)."""
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if not base[:1].isalpha() or base.startswith("pg"):
        base = f"t-{base}".rstrip("-")
    if len(base) < 3:
        base = f"{base}-t"
    for n in range(1, 100):
        suffix = f"-{n}" if n > 1 else ""
        candidate = base[:40 - len(suffix)].rstrip("-") + suffix
        try:
            validate_slug(candidate)
        except ValidationError:
            continue
        return candidate
    raise ValidationError({"slug": _("No free address could be derived from “%(text)s”.") % {"text": text}},
                          code="taken")


def tenant_create(*, slug: str, name: str, business_type: str, owner_email: str, owner_name: str = "",
                  provision: bool = True, actor=None, plan=None,
                  contact_phone: str = "", kind: str = Tenant.Kind.CUSTOMER, demo_expires_at=None,
                  locale: str = "ko", timezone: str = "Asia/Seoul", market_application_id: str = "",
                  market_tenant_id: str = "", reason: str = "") -> Tenant:
    """Record a tenant and its primary domain; queue provisioning after commit.

    Without `provision` the tenant waits in `requested` for the approval chain. (Demo
    seeding and test fixtures provision without a worker through
    `apps.core.tasks_inline.tasks_in_process`.) A demo without an expiry date gets
    TENANT_DEMO_DAYS from now."""
    slug = (slug or "").strip().lower()
    validate_slug(slug)
    kind = kind or Tenant.Kind.CUSTOMER
    _check_kind(kind=kind, business_type=business_type)
    if kind == Tenant.Kind.DEMO:
        demo_expires_at = demo_expires_at or django_timezone.now() + demo_period()
    else:
        demo_expires_at = None
    tenant = Tenant(
        slug=slug, schema_name=schema_name_for(slug), name=(name or "").strip(), business_type=business_type,
        kind=kind, demo_expires_at=demo_expires_at, locale=locale, timezone=timezone,
        owner_email=(owner_email or "").strip().lower(), owner_name=(owner_name or "").strip(),
        contact_phone=(contact_phone or "").strip(), plan=plan,
        market_application_id=(market_application_id or "").strip(),
        market_tenant_id=(market_tenant_id or "").strip(),
        status=Tenant.Status.PROVISIONING if provision else Tenant.Status.REQUESTED,
    )
    tenant.full_clean(exclude=["owner"], validate_unique=True)
    actor = actor if getattr(actor, "is_authenticated", False) else None
    try:
        with transaction.atomic():
            tenant.save()
            Domain.objects.create(domain=domain_for(slug), tenant=tenant, is_primary=True,
                                  status=Domain.Status.VERIFIED)
            routing_forget(hosts=[domain_for(slug)])  # may be cached as unknown
            TenantStatusChange.objects.create(tenant=tenant, to_status=tenant.status, actor=actor, reason=reason)
            audit_record(action="tenant.created", actor=actor, target=tenant, tenant=tenant,
                         changes={"status": [None, tenant.status]},
                         metadata={"business_type": business_type, "kind": kind, "owner_email": tenant.owner_email,
                                   "plan": plan.code if plan else None,
                                   **({"demo_expires_at": demo_expires_at.isoformat()} if demo_expires_at else {}),
                                   **({"reason": reason} if reason else {}),
                                   **({"market_application_id": tenant.market_application_id}
                                      if tenant.market_application_id else {}),
                                   **({"market_tenant_id": tenant.market_tenant_id}
                                      if tenant.market_tenant_id else {})})
            if provision:
                _queue_provisioning(tenant)
    except IntegrityError as exc:  # lost a race for the same slug
        raise ValidationError({"slug": _("This address is already taken.")}, code="taken") from exc
    return tenant


def _queue_provisioning(tenant: Tenant) -> None:
    from .tasks import provision_tenant

    transaction.on_commit(lambda: provision_tenant.delay(tenant.pk), robust=True)


def provisioning_steps():
    """What fills a new schema, in order: settings.PROVISIONING_STEPS, each a callable
    `step(*, tenant, owner)` run inside the tenant's schema and the provisioning
    transaction (roles, industry template, subscription ...)."""
    return [import_string(path) for path in settings.PROVISIONING_STEPS]


PROVISIONING_LOCK = 0x7E4A47  # pg_advisory_lock(PROVISIONING_LOCK, tenant id): one attempt at a time


def tenant_provision(*, tenant_id: int) -> Tenant:
    """Create, migrate and populate the tenant's schema. Idempotent for active tenants.

    One attempt per tenant runs at a time (a PostgreSQL advisory lock, which the server
    releases if the attempt's process dies). So a schema found here for a tenant still in
    provisioning was left by an attempt that died midway (its worker killed, the machine
    lost): it is dropped and made again. Everything else an attempt writes commits in one
    transaction with the tenant's activation, so there is nothing else to undo."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [PROVISIONING_LOCK, tenant_id])
    try:
        return _provision(tenant_id=tenant_id)
    finally:
        try:
            connection.set_schema_to_public()
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [PROVISIONING_LOCK, tenant_id])
        except DatabaseError:  # the connection is gone, and its lock with it
            logger.warning("tenant %s: provisioning lock not released (connection lost)", tenant_id)


def _provision(*, tenant_id: int) -> Tenant:
    tenant = Tenant.objects.get(pk=tenant_id)
    if tenant.status == Tenant.Status.ACTIVE:
        return tenant
    if tenant.status != Tenant.Status.PROVISIONING:
        raise IllegalTransition(_("Only a tenant in provisioning can be provisioned (this one is %(status)s).")
                                % {"status": tenant.get_status_display()})
    started = django_timezone.now()
    if schema_exists(tenant.schema_name):
        logger.warning("tenant %s: dropping the schema of an interrupted provisioning attempt", tenant.slug)
        _drop_schema(tenant.schema_name)
    try:
        schema_create(tenant.schema_name)
        with transaction.atomic():
            owner, _created = user_get_or_create(email=tenant.owner_email, full_name=tenant.owner_name)
            membership_ensure(user=owner, tenant=tenant)
            with schema_context(tenant.schema_name):
                for step in provisioning_steps():
                    step(tenant=tenant, owner=owner)
            transition(tenant, Tenant.Status.ACTIVE, action="tenant.provisioned",
                       fields={"owner": owner, "activated_at": django_timezone.now(), "provisioning_error": ""},
                       metadata={"seconds": round((django_timezone.now() - started).total_seconds(), 3)})
            if not owner.has_usable_password():  # a new owner: invite them to set a password
                transaction.on_commit(lambda: owner_invite_send(user=owner, tenant=tenant))
    except Exception as exc:
        logger.exception("provisioning of tenant %s failed", tenant.slug)
        connection.set_schema_to_public()
        _drop_schema(tenant.schema_name)
        error = f"{type(exc).__name__}: {exc}"[:2000]
        with transaction.atomic():
            tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
            transition(tenant, Tenant.Status.FAILED, action="tenant.provisioning_failed", reason=error[:500],
                       fields={"provisioning_error": error}, metadata={"error": error})
        raise ProvisioningFailed(_("Provisioning of %(name)s failed: %(error)s")
                                 % {"name": tenant.name, "error": exc}) from exc
    logger.info("tenant %s provisioned in %.2fs", tenant.slug, (django_timezone.now() - started).total_seconds())
    return tenant


def _drop_schema(schema_name: str) -> None:
    if schema_name == settings.PUBLIC_SCHEMA_NAME:
        raise TenantError("refusing to drop the public schema")
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema_name}" CASCADE')


def tenant_start_provisioning(*, tenant: Tenant, actor=None) -> Tenant:
    """Provision a tenant that was requested (or approved) without provisioning."""
    require_perm(actor, "tenants.provision_tenant", action="tenant.provisioning_started", tenant=tenant)
    refuse_public(tenant)
    with transaction.atomic():
        tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
        if tenant.status not in (Tenant.Status.REQUESTED, Tenant.Status.APPROVED):
            raise IllegalTransition(_("Only a requested or approved tenant can start provisioning."))
        transition(tenant, Tenant.Status.PROVISIONING, actor=actor, action="tenant.provisioning_started")
        _queue_provisioning(tenant)
    return tenant


def tenant_retry_provisioning(*, tenant: Tenant, actor=None) -> Tenant:
    """Start provisioning again for a failed tenant."""
    require_perm(actor, "tenants.provision_tenant", action="tenant.provisioning_retried", tenant=tenant)
    refuse_public(tenant)
    with transaction.atomic():
        tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
        if tenant.status != Tenant.Status.FAILED:
            raise IllegalTransition(_("Only a tenant whose provisioning failed can be retried."))
        transition(tenant, Tenant.Status.PROVISIONING, actor=actor, action="tenant.provisioning_retried",
                   fields={"provisioning_error": ""})
        _queue_provisioning(tenant)
    return tenant


# Not the plan: the subscription owns it (apps.billing.subscriptions.tenant_change_plan).
EDITABLE_DETAILS = ("name", "kind", "demo_expires_at", "owner_name", "contact_phone", "locale", "timezone")


def tenant_update_details(*, tenant: Tenant, actor, fields) -> Tenant:
    """Save edited details (not status: that moves only through the lifecycle services).
    A tenant that becomes a demo without an expiry date gets TENANT_DEMO_DAYS; a new
    expiry date means a new expiry notice; a customer has no expiry date."""
    require_perm(actor, "tenants.change_tenant", action="tenant.updated", tenant=tenant)
    refuse_public(tenant)
    fields = [name for name in fields if name in EDITABLE_DETAILS]
    if not fields:
        return tenant
    if "kind" in fields:
        _check_kind(kind=tenant.kind, business_type=tenant.business_type)
    if tenant.kind == Tenant.Kind.DEMO and tenant.demo_expires_at is None:
        tenant.demo_expires_at = django_timezone.now() + demo_period()
    elif tenant.kind != Tenant.Kind.DEMO:
        tenant.demo_expires_at = None
    tenant.full_clean(exclude=["owner"], validate_unique=False)
    with transaction.atomic():
        stored = Tenant.objects.select_for_update().get(pk=tenant.pk)
        if stored.demo_expires_at != tenant.demo_expires_at:
            fields = [*fields, "demo_expires_at", "demo_expiry_notified_at"]
            tenant.demo_expiry_notified_at = None
        changes = model_update(stored, data={name: getattr(tenant, name) for name in fields}, fields=fields,
                               clean=False)  # validated above
        routing_forget(tenant_ids=[stored.pk])
        audit_record(action="tenant.updated", actor=actor, target=stored, tenant=stored, changes=changes)
    return stored


def domain_check(*, domain: Domain, tenant: Tenant, hostname: str) -> None:
    """Raise ValidationError unless `hostname` may be saved for `tenant`: the platform's
    own tenant and address are read-only (routing the ops portal depends on them)."""
    stored_tenant_id = (Domain.objects.filter(pk=domain.pk).values_list("tenant_id", flat=True).first()
                        if domain.pk else None)
    public = Tenant.objects.filter(schema_name=settings.PUBLIC_SCHEMA_NAME).values_list("pk", flat=True).first()
    if public is not None and public in (tenant.pk, stored_tenant_id):
        raise ValidationError({"domain": str(PublicTenantProtected.domain_message)}, code="public_tenant")
    if hostname.strip().lower() == settings.BASE_DOMAIN.lower():
        raise ValidationError({"domain": _("This is the platform's own address.")}, code="reserved")


def domain_save(*, domain: Domain, actor) -> Domain:
    """Add or change a tenant's domain. A subdomain of the platform routes at once; a
    custom domain (a new one, or a new name) waits for its DNS proof (apps.tenants.domains)."""
    require_perm(actor, f"tenants.{'change' if domain.pk else 'add'}_domain", action="tenant.domain_saved",
                 tenant=domain.tenant)
    domain.domain = (domain.domain or "").strip().lower()
    domain_check(domain=domain, tenant=domain.tenant, hostname=domain.domain)
    domain.full_clean()
    with transaction.atomic():
        before = (Domain.objects.filter(pk=domain.pk).values("domain", "is_primary", "tenant_id").first()
                  if domain.pk else {})
        custom_unproven = False
        if is_platform_host(domain.domain):
            domain.status = Domain.Status.VERIFIED
        elif (before or {}).get("domain") != domain.domain:  # a new name needs its own proof
            domain.status, domain.verified_at, domain.failing_since = Domain.Status.PENDING, None, None
            domain.verification_token = _verification_token()
            custom_unproven = True
        domain.save()
        if custom_unproven:
            from .tasks import verify_domain

            transaction.on_commit(lambda: verify_domain.delay(domain.pk), robust=True)
        routing_forget(tenant_ids=[domain.tenant_id, (before or {}).get("tenant_id")], hosts=[domain.domain])
        after = {"domain": domain.domain, "is_primary": domain.is_primary}
        audit_record(action="tenant.domain_saved", actor=actor, target=domain, tenant=domain.tenant,
                     changes={key: [(before or {}).get(key), value] for key, value in after.items()
                              if (before or {}).get(key) != value})
    return domain


def domain_delete(*, domain: Domain, actor) -> None:
    require_perm(actor, "tenants.delete_domain", action="tenant.domain_deleted", tenant=domain.tenant)
    if domain.tenant.is_public:
        raise PublicTenantProtected(PublicTenantProtected.domain_message)
    if domain.is_primary:
        raise PrimaryDomain()
    with transaction.atomic():
        audit_record(action="tenant.domain_deleted", actor=actor, target=domain, tenant=domain.tenant,
                     changes={"domain": [domain.domain, None]})
        routing_forget(tenant_ids=[domain.tenant_id], hosts=[domain.domain])
        domain.delete()


def public_tenant_ensure() -> Tenant:
    """The public (platform) tenant and its domain BASE_DOMAIN. Idempotent."""
    tenant, _created = Tenant.objects.get_or_create(
        schema_name=settings.PUBLIC_SCHEMA_NAME,
        defaults={"slug": "public", "name": "Platform HQ", "business_type": Tenant.BusinessType.PLATFORM,
                  "kind": Tenant.Kind.INTERNAL, "status": Tenant.Status.ACTIVE, "owner_email": "hq@localhost",
                  "activated_at": django_timezone.now()},
    )
    Domain.objects.get_or_create(domain=settings.BASE_DOMAIN, defaults={"tenant": tenant, "is_primary": True,
                                                                      "status": Domain.Status.VERIFIED})
    return tenant
