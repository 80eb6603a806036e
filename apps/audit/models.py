"""Append-only audit log in the public schema. Each tenant, and the platform itself, has
its own hash chain: an event links to the one before it in its chain, so that any edit
or deletion of a past row is detectable (`manage.py verify_audit_log`), and appends in
different tenants never wait for each other."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .labels import action_label, target_label

GENESIS = "0" * 64  # the "previous hash" of every chain's first event


class AuditChain(models.Model):
    """The head of one chain: the platform's (no tenant) or one tenant's. Appending locks
    this row until the writer's transaction ends, so appends to one chain queue up and
    appends to different chains do not; its length and last hash let verification notice
    a removed last event, which no link after it could show."""

    tenant = models.ForeignKey("tenants.Tenant", verbose_name=_("tenant"), null=True, blank=True,
                               on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    tenant_slug = models.CharField(_("tenant slug"), max_length=40, blank=True)  # outlives the tenant
    length = models.PositiveBigIntegerField(_("events"), default=0)
    head_hash = models.CharField(_("last hash"), max_length=64, default=GENESIS)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("audit chain")
        verbose_name_plural = _("audit chains")
        constraints = [models.UniqueConstraint(fields=["tenant"], nulls_distinct=False,
                                               name="audit_one_chain_per_tenant")]

    def __str__(self):
        return self.tenant_slug or str(_("Platform"))

    @property
    def label(self) -> str:
        """How reports name the chain (not translated: read by operators in logs)."""
        return f"tenant {self.tenant_slug or self.tenant_id}" if self.tenant_id else "platform"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("audit events are append-only")

    def delete(self):
        raise PermissionError("audit events are append-only")


class AuditEvent(models.Model):
    class Category(models.TextChoices):
        OPERATION = "operation", _("Operation")
        SECURITY = "security", _("Security")

    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices,
                                default=Category.OPERATION, db_index=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    # Snapshots rather than constraints: the log must outlive what it talks about.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True,
                              on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    actor_email = models.CharField(_("actor email"), max_length=254, blank=True)
    tenant = models.ForeignKey("tenants.Tenant", verbose_name=_("tenant"), null=True, blank=True,
                               on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    tenant_slug = models.CharField(_("tenant slug"), max_length=40, blank=True, db_index=True)
    target_type = models.CharField(_("target type"), max_length=100, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_repr = models.CharField(_("target"), max_length=255, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True,
                               help_text=_('{"field": [before, after]}'))
    metadata = models.JSONField(_("details"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.TextField(_("user agent"), blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    # No database constraint: a row pointing at a chain that is gone must be loadable so
    # that verification can report it.
    chain = models.ForeignKey(AuditChain, verbose_name=_("chain"), on_delete=models.DO_NOTHING,
                              db_constraint=False, related_name="+")
    seq = models.PositiveBigIntegerField(_("number in chain"))
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-id"]
        indexes = [models.Index(fields=["tenant_slug", "created_at"]), models.Index(fields=["actor", "created_at"]),
                   # the list filtered by a typed e-mail, newest first, without reading every event
                   models.Index(fields=["actor_email", "id"], name="audit_event_actor_email_idx")]
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="audit_one_event_per_chain_seq")]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {action_label(self.action)} {target_label(self.target_repr)}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit events are append-only")


class AuditCheckpoint(models.Model):
    """A segment of one chain that was archived to a file and deleted from the table
    (apps.audit.retention). Verification starts each chain after its last checkpoint, from
    the hash recorded here; the row is signed (HMAC, AUDIT_CHECKPOINT_KEY), names the file's
    SHA-256 and the signature of the checkpoint before it, so that editing or removing a
    checkpoint, or altering the archive file, is detected like a broken link."""

    chain = models.ForeignKey(AuditChain, verbose_name=_("chain"), on_delete=models.DO_NOTHING,
                              db_constraint=False, related_name="+")
    from_seq = models.PositiveBigIntegerField(_("first number"))
    to_seq = models.PositiveBigIntegerField(_("last number"))
    count = models.PositiveBigIntegerField(_("events"))
    first_prev_hash = models.CharField(_("hash before the segment"), max_length=64)
    last_hash = models.CharField(_("last hash"), max_length=64)
    from_time = models.DateTimeField(_("first event at"))
    to_time = models.DateTimeField(_("last event at"))
    archive_path = models.CharField(_("archive file"), max_length=500, help_text=_("Relative to ARCHIVE_ROOT."))
    archive_sha256 = models.CharField(_("archive file SHA-256"), max_length=64)
    previous_signature = models.CharField(_("previous checkpoint's signature"), max_length=64, blank=True)
    signature = models.CharField(_("signature"), max_length=64)
    created_at = models.DateTimeField(_("archived at"), default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit checkpoint")
        verbose_name_plural = _("audit checkpoints")
        ordering = ["chain_id", "to_seq"]
        constraints = [models.UniqueConstraint(fields=["chain", "to_seq"], name="audit_one_checkpoint_per_end")]

    def __str__(self):
        return f"{self.chain_id}: {self.from_seq}-{self.to_seq}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("audit checkpoints are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit checkpoints are append-only")
