"""One hash chain per tenant (and one for the platform) instead of one for everything.

Existing events are assigned to the chain of their tenant (no tenant, or the HQ tenant
whose schema is public: the platform's) and re-linked in id order per chain, so that
`verify_audit_log` passes afterwards. Re-linking rewrites every hash, so first the old
single chain is checked, and the rewrite is itself recorded as the platform chain's
next event (`audit.chains_rebuilt`) with the old chain's last hash and anything that was
already wrong with it: a tampered log is not laundered silently.

The hash functions are frozen copies of apps.audit.services.event_hash as it was before
and after this migration."""

import hashlib
import json

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

GENESIS = "0" * 64
FIELDS_BEFORE = ("created_at", "category", "action", "actor_id", "actor_email", "tenant_id", "tenant_slug",
                 "target_type", "target_id", "target_repr", "changes", "metadata", "ip", "user_agent",
                 "request_id", "prev_hash")
FIELDS_AFTER = FIELDS_BEFORE + ("chain_id", "seq")
BATCH = 2000


def _hash(event, fields) -> str:
    content = {}
    for field in fields:
        value = getattr(event, field)
        content[field] = value.isoformat() if hasattr(value, "isoformat") else value
    payload = json.dumps(content, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def _in_id_order(AuditEvent):
    last = 0
    while batch := list(AuditEvent.objects.filter(id__gt=last).order_by("id")[:BATCH]):
        yield batch
        last = batch[-1].id


def split_into_chains(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChain = apps.get_model("audit", "AuditChain")
    Tenant = apps.get_model("tenants", "Tenant")
    if not AuditEvent.objects.exists():
        return

    problems, expected, count = [], GENESIS, 0
    for batch in _in_id_order(AuditEvent):
        for event in batch:
            count += 1
            if event.prev_hash != expected:
                problems.append(f"event {event.pk}: chain broken (a row before it was removed or altered)")
            if _hash(event, FIELDS_BEFORE) != event.hash:
                problems.append(f"event {event.pk}: content does not match its hash (edited)")
            expected = event.hash
    old_head = expected

    public = set(Tenant.objects.filter(schema_name=settings.PUBLIC_SCHEMA_NAME).values_list("pk", flat=True))
    slugs = dict(Tenant.objects.values_list("pk", "slug"))
    chains = {}

    def chain_for(tenant_id, tenant_slug):
        key = None if tenant_id is None or tenant_id in public else tenant_id
        if key not in chains:
            slug = slugs.get(key, tenant_slug) if key else ""
            chains[key] = AuditChain.objects.create(tenant_id=key, tenant_slug=slug)
        return chains[key]

    def link(event, chain):
        chain.length += 1
        event.chain_id, event.seq, event.prev_hash = chain.pk, chain.length, chain.head_hash
        event.hash = _hash(event, FIELDS_AFTER)
        chain.head_hash = event.hash

    for batch in _in_id_order(AuditEvent):
        for event in batch:
            link(event, chain_for(event.tenant_id, event.tenant_slug))
        AuditEvent.objects.bulk_update(batch, ["chain", "seq", "prev_hash", "hash"])

    platform = chain_for(None, "")
    record = AuditEvent(created_at=django.utils.timezone.now(), category="operation", action="audit.chains_rebuilt",
                        metadata={"events": count, "chains": len(chains), "old_head_hash": old_head,
                                  "old_chain_problems": problems[:100], "old_chain_problem_count": len(problems)})
    link(record, platform)
    record.save()
    for chain in chains.values():
        chain.save(update_fields=["length", "head_hash"])


def join_into_one_chain(apps, schema_editor):
    """Back to one chain over every event in id order (the hash of before this migration)."""
    AuditEvent = apps.get_model("audit", "AuditEvent")
    expected = GENESIS
    for batch in _in_id_order(AuditEvent):
        for event in batch:
            event.prev_hash = expected
            event.hash = expected = _hash(event, FIELDS_BEFORE)
        AuditEvent.objects.bulk_update(batch, ["prev_hash", "hash"])


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
        ("tenants", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditChain",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("tenant_slug", models.CharField(blank=True, max_length=40, verbose_name="tenant slug")),
                ("length", models.PositiveBigIntegerField(default=0, verbose_name="events")),
                ("head_hash", models.CharField(default=GENESIS, max_length=64, verbose_name="last hash")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created")),
                ("tenant", models.ForeignKey(blank=True, db_constraint=False, null=True,
                                             on_delete=django.db.models.deletion.DO_NOTHING, related_name="+",
                                             to="tenants.tenant", verbose_name="tenant")),
            ],
            options={
                "verbose_name": "audit chain",
                "verbose_name_plural": "audit chains",
                "constraints": [models.UniqueConstraint(fields=("tenant",), name="audit_one_chain_per_tenant",
                                                        nulls_distinct=False)],
            },
        ),
        migrations.AddField(
            model_name="auditevent",
            name="chain",
            field=models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING,
                                    related_name="+", to="audit.auditchain", verbose_name="chain"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(null=True, verbose_name="number in chain"),
        ),
        migrations.RunPython(split_into_chains, join_into_one_chain),
        migrations.AlterField(
            model_name="auditevent",
            name="chain",
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING,
                                    related_name="+", to="audit.auditchain", verbose_name="chain"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(verbose_name="number in chain"),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(fields=("chain", "seq"), name="audit_one_event_per_chain_seq"),
        ),
    ]
