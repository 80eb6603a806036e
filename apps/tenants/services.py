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

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import schema_context, schema_exists

from apps.accounts.services import membership_ensure, user_get_or_create
from apps.audit.services import audit_record
from apps.core.errors import PlatformError

from .models import Domain, Tenant

logger = logging.getLogger(__name__)

SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,38}[a-z0-9]$")
RESERVED_SLUGS = frozenset({
    "admin", "api", "app", "apps", "assets", "auth", "billing", "blog", "cdn", "dashboard", "dev", "docs",
    "ftp", "help", "hq", "id", "imap", "mail", "media", "ops", "platform", "pop", "portal", "public",
    "root", "smtp", "socket", "staging", "static", "status", "support", "system", "test", "www",
})


class TenantError(PlatformError):
    code = "tenant_error"


class ProvisioningFailed(TenantError):
    code = "provisioning_failed"
    status = 500


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


def tenant_create(*, slug: str, name: str, business_type: str, owner_email: str, owner_name: str = "",
                  provision: bool = True, in_process: bool = False, actor=None) -> Tenant:
    """Record a tenant and its primary domain; queue provisioning after commit.

    `in_process` provisions right here instead of through a worker (demo seeding and
    test fixtures, where no worker runs yet)."""
    slug = (slug or "").strip().lower()
    validate_slug(slug)
    tenant = Tenant(
        slug=slug, schema_name=schema_name_for(slug), name=(name or "").strip(), business_type=business_type,
        owner_email=(owner_email or "").strip().lower(), owner_name=(owner_name or "").strip(),
        status=Tenant.Status.PROVISIONING if provision else Tenant.Status.REQUESTED,
    )
    tenant.full_clean(exclude=["owner"], validate_unique=True)
    try:
        with transaction.atomic():
            tenant.save()
            Domain.objects.create(domain=domain_for(slug), tenant=tenant, is_primary=True)
            audit_record(action="tenant.created", actor=actor, target=tenant, tenant=tenant,
                         changes={"status": [None, tenant.status]},
                         metadata={"business_type": business_type, "owner_email": tenant.owner_email})
            if provision and not in_process:
                _queue_provisioning(tenant)
    except IntegrityError as exc:  # lost a race for the same slug
        raise ValidationError({"slug": _("This address is already taken.")}, code="taken") from exc
    if provision and in_process:
        tenant = tenant_provision(tenant_id=tenant.pk)
    return tenant


def _queue_provisioning(tenant: Tenant) -> None:
    from .tasks import provision_tenant

    transaction.on_commit(lambda: provision_tenant.delay(tenant.pk))


def provisioning_steps():
    """What fills a new schema, in order: settings.PROVISIONING_STEPS, each a callable
    `step(*, tenant, owner)` run inside the tenant's schema and the provisioning
    transaction (roles, industry template, subscription ...)."""
    return [import_string(path) for path in settings.PROVISIONING_STEPS]


def tenant_provision(*, tenant_id: int) -> Tenant:
    """Create, migrate and populate the tenant's schema. Idempotent for active tenants."""
    tenant = Tenant.objects.get(pk=tenant_id)
    if tenant.status == Tenant.Status.ACTIVE:
        return tenant
    if tenant.status != Tenant.Status.PROVISIONING:
        raise TenantError(_("Only a tenant in provisioning can be provisioned (this one is %(status)s).")
                          % {"status": tenant.get_status_display()}, code="invalid_status", status=409)
    started = timezone.now()
    try:
        tenant.create_schema(check_if_exists=False, verbosity=0)
        with transaction.atomic():
            owner, _created = user_get_or_create(email=tenant.owner_email, full_name=tenant.owner_name)
            membership_ensure(user=owner, tenant=tenant)
            with schema_context(tenant.schema_name):
                for step in provisioning_steps():
                    step(tenant=tenant, owner=owner)
            tenant.owner = owner
            tenant.status = Tenant.Status.ACTIVE
            tenant.activated_at = timezone.now()
            tenant.provisioning_error = ""
            tenant.save(update_fields=["owner", "status", "activated_at", "provisioning_error"])
            audit_record(action="tenant.provisioned", target=tenant, tenant=tenant,
                         changes={"status": [Tenant.Status.PROVISIONING, Tenant.Status.ACTIVE]},
                         metadata={"seconds": round((timezone.now() - started).total_seconds(), 3)})
    except Exception as exc:
        logger.exception("provisioning of tenant %s failed", tenant.slug)
        connection.set_schema_to_public()
        _drop_schema(tenant.schema_name)
        error = f"{type(exc).__name__}: {exc}"[:2000]
        with transaction.atomic():
            Tenant.objects.filter(pk=tenant.pk).update(status=Tenant.Status.FAILED, provisioning_error=error)
            audit_record(action="tenant.provisioning_failed", target=tenant, tenant=tenant,
                         changes={"status": [Tenant.Status.PROVISIONING, Tenant.Status.FAILED]},
                         metadata={"error": error})
        raise ProvisioningFailed(_("Provisioning of %(slug)s failed: %(error)s")
                                 % {"slug": tenant.slug, "error": exc}) from exc
    logger.info("tenant %s provisioned in %.2fs", tenant.slug, (timezone.now() - started).total_seconds())
    return tenant


def _drop_schema(schema_name: str) -> None:
    if schema_name == settings.PUBLIC_SCHEMA_NAME:
        raise TenantError("refusing to drop the public schema")
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema_name}" CASCADE')


def tenant_start_provisioning(*, tenant: Tenant, actor=None) -> Tenant:
    """Provision a tenant that was requested (or approved) without provisioning."""
    with transaction.atomic():
        tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
        if tenant.status not in (Tenant.Status.REQUESTED, Tenant.Status.APPROVED):
            raise TenantError(_("Only a requested or approved tenant can start provisioning."),
                              code="invalid_status", status=409)
        before = tenant.status
        tenant.status = Tenant.Status.PROVISIONING
        tenant.save(update_fields=["status"])
        audit_record(action="tenant.provisioning_started", actor=actor, target=tenant, tenant=tenant,
                     changes={"status": [before, tenant.status]})
        _queue_provisioning(tenant)
    return tenant


def tenant_retry_provisioning(*, tenant: Tenant, actor=None) -> Tenant:
    """Start provisioning again for a failed tenant."""
    with transaction.atomic():
        tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
        if tenant.status != Tenant.Status.FAILED:
            raise TenantError(_("Only a tenant whose provisioning failed can be retried."),
                              code="invalid_status", status=409)
        tenant.status = Tenant.Status.PROVISIONING
        tenant.provisioning_error = ""
        tenant.save(update_fields=["status", "provisioning_error"])
        audit_record(action="tenant.provisioning_retried", actor=actor, target=tenant, tenant=tenant,
                     changes={"status": [Tenant.Status.FAILED, Tenant.Status.PROVISIONING]})
        _queue_provisioning(tenant)
    return tenant


def public_tenant_ensure() -> Tenant:
    """The public (platform) tenant and its domain BASE_DOMAIN. Idempotent."""
    tenant, _created = Tenant.objects.get_or_create(
        schema_name=settings.PUBLIC_SCHEMA_NAME,
        defaults={"slug": "public", "name": "Platform HQ", "business_type": Tenant.BusinessType.PLATFORM,
                  "status": Tenant.Status.ACTIVE, "owner_email": "hq@localhost", "activated_at": timezone.now()},
    )
    Domain.objects.get_or_create(domain=settings.BASE_DOMAIN, defaults={"tenant": tenant, "is_primary": True})
    return tenant
