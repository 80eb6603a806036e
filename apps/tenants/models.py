import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin
from django_tenants.postgresql_backend.base import _check_schema_name

from .validators import validate_locale, validate_timezone


class Tenant(TenantMixin):
    """A business on the platform: one PostgreSQL schema, reached on its subdomain."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        PROVISIONING = "provisioning", _("Provisioning")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        DELETED = "deleted", _("Deleted")
        PURGED = "purged", _("Purged")
        FAILED = "failed", _("Provisioning failed")

    class BusinessType(models.TextChoices):
        PLATFORM = "platform", _("Platform (HQ)")
        ACADEMY = "academy", _("Academy")
        FOOD = "food", _("Food service")
        RETAIL = "retail", _("Retail")
        SERVICE = "service", _("Services")

    class Kind(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        DEMO = "demo", _("Demo")  # expires at demo_expires_at (suspended by beat)
        INTERNAL = "internal", _("Internal")  # the platform's own (HQ) tenant

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    # django-tenants' field as it declares it, with a name people read
    schema_name = models.CharField(_("schema name"), max_length=63, unique=True, db_index=True,
                                   validators=[_check_schema_name])
    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    name = models.CharField(_("company name"), max_length=200)
    business_type = models.CharField(_("business type"), max_length=20, choices=BusinessType.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CUSTOMER, db_index=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED,
                              db_index=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="owned_tenants")
    # The plan asked for at sign-up, or set by HQ while the tenant waits for approval
    # (apps.tenants.plans). Billing reads it once, when it starts the subscription; from
    # then on the subscription owns the tenant's plan and this stays as it was asked.
    plan = models.ForeignKey("billing.Plan", verbose_name=_("requested plan"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+",
                             help_text=_("The plan the subscription starts on. Afterwards the subscription's "
                                         "plan is the one in force."))
    owner_email = models.EmailField(_("owner email"))
    owner_name = models.CharField(_("owner name"), max_length=150, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    locale = models.CharField(_("locale"), max_length=10, default="ko", validators=[validate_locale])
    timezone = models.CharField(_("time zone"), max_length=64, default="Asia/Seoul", validators=[validate_timezone])
    provisioning_error = models.TextField(_("provisioning error"), blank=True)
    # Service-market integration (seeds/003 §4.1.1): the market's application and its own
    # tenant id (e.g. `univ_8`, not a valid subdomain: the slug is derived from it). The
    # application's kind (demo/service) is `kind` (demo/customer).
    market_application_id = models.CharField(_("service-market application id"), max_length=100, blank=True,
                                             db_index=True)
    market_tenant_id = models.CharField(_("service-market tenant id"), max_length=50, blank=True)
    demo_expires_at = models.DateTimeField(_("demo expires at"), null=True, blank=True)
    demo_expiry_notified_at = models.DateTimeField(_("demo expiry notice sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    suspended_at = models.DateTimeField(_("suspended at"), null=True, blank=True)
    suspended_reason = models.TextField(_("suspension reason"), blank=True)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    deleted_reason = models.TextField(_("deletion reason"), blank=True)
    purged_at = models.DateTimeField(_("purged at"), null=True, blank=True)
    # The latest authenticated request or login by anyone (staff, consumer, API key), copied
    # from Redis by a periodic flush (apps.tenants.activity); the portal adds what is newer.
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True, editable=False)

    # Schemas are created by the provisioning task, never as a side effect of save().
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        verbose_name = _("tenant")
        verbose_name_plural = _("tenants")
        ordering = ["slug"]
        constraints = [
            # One live tenant per market application and per market tenant id (a purged
            # tenant's row stays for the audit trail and no longer counts).
            models.UniqueConstraint(
                fields=["market_application_id"], name="tenants_market_application_unique",
                condition=~Q(market_application_id="") & ~Q(status="purged"),
                violation_error_message=_("A tenant already exists for this service-market application.")),
            models.UniqueConstraint(
                fields=["market_tenant_id"], name="tenants_market_tenant_id_unique",
                condition=~Q(market_tenant_id="") & ~Q(status="purged"),
                violation_error_message=_("A tenant already exists for this service-market tenant id.")),
        ]
        permissions = [
            ("approve_tenant", _("Can approve tenants")),
            ("suspend_tenant", _("Can suspend and reactivate tenants")),
            ("remove_tenant", _("Can soft-delete and restore tenants")),
            ("provision_tenant", _("Can start and retry provisioning")),
            ("support_tenant", _("Can resend owner invites")),
        ]

    def __str__(self):
        return f"{self.name} ({self.slug})"

    @property
    def is_public(self) -> bool:
        return self.schema_name == settings.PUBLIC_SCHEMA_NAME


def _verification_token() -> str:
    return secrets.token_urlsafe(24)


class DomainStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for DNS")
    VERIFIED = "verified", _("Verified")
    FAILING = "failing", _("Failing")
    DISABLED = "disabled", _("Disabled")


# Statuses in which a domain routes to its tenant (a failing one during its grace period,
# after which the check moves it to disabled).
ROUTING_DOMAIN_STATUSES = (DomainStatus.VERIFIED, DomainStatus.FAILING)


class Domain(DomainMixin):
    Status = DomainStatus

    # django-tenants' fields as it declares them, with names people read
    domain = models.CharField(_("domain"), max_length=253, unique=True, db_index=True)
    tenant = models.ForeignKey(settings.TENANT_MODEL, verbose_name=_("tenant"), db_index=True,
                               related_name="domains", on_delete=models.CASCADE)
    is_primary = models.BooleanField(_("primary domain"), default=True, db_index=True)
    # A custom domain routes only once its owner has proved control of it in DNS (a TXT
    # record with `verification_token`, apps.tenants.domains); the platform's own
    # subdomains are verified from the start. A verified domain whose record disappears
    # turns `failing` (still routing) and `disabled` after DOMAIN_FAILING_GRACE_HOURS.
    status = models.CharField(_("verification"), max_length=10, choices=DomainStatus.choices,
                              default=DomainStatus.PENDING, db_index=True)
    verification_token = models.CharField(_("verification token"), max_length=64, default=_verification_token,
                                          editable=False)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True, editable=False)
    checked_at = models.DateTimeField(_("last checked"), null=True, blank=True, editable=False)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
        ordering = ["domain"]


class TenantStatusChange(models.Model):
    """One lifecycle transition: who moved the tenant from which status to which, when, why."""

    tenant = models.ForeignKey(Tenant, verbose_name=_("tenant"), on_delete=models.CASCADE,
                               related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=20, choices=Tenant.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Tenant.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status history")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.tenant.slug}: {self.from_status or '-'} -> {self.to_status}"
