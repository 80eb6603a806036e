"""Writing and verifying the audit log. Call `audit_record` inside the transaction of the
change it describes: the event commits or rolls back with it.

Every tenant, and the platform itself, has its own hash chain (`AuditChain`). An event
joins the chain of the tenant it is about (`tenant=`), else of the tenant whose schema
is in use, else the platform's; the HQ tenant (public schema) is the platform. Appending
locks the chain's head row until the caller's transaction ends: appends to one chain
queue up (each needs the one before it), appends in different tenants never wait for
each other. A transaction that appends to two chains takes both locks, in the order it
appends: two such transactions taking the same two crosswise would deadlock (PostgreSQL
aborts one), so a service appends to its tenant's chain and the platform's in that order.

Request facts (IP, user agent, request id) come from the request being served
(apps.core.middleware) unless given.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from apps.core.logging import request_context

from .checkpoints import chain_checkpoints, checkpoint_problems
from .models import GENESIS, AuditChain, AuditEvent

HASHED_FIELDS = ("created_at", "category", "action", "actor_id", "actor_email", "tenant_id", "tenant_slug",
                 "target_type", "target_id", "target_repr", "changes", "metadata", "ip", "user_agent",
                 "request_id", "chain_id", "seq", "prev_hash")


def event_content(event: AuditEvent) -> dict:
    """What an event's hash covers, as plain values (also what an archive line keeps)."""
    content = {}
    for name in HASHED_FIELDS:
        value = getattr(event, name)
        content[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return content


def content_hash(content: dict) -> str:
    payload = json.dumps({name: content.get(name) for name in HASHED_FIELDS}, sort_keys=True, default=str,
                         separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def event_hash(event: AuditEvent) -> str:
    return content_hash(event_content(event))


def audit_record(*, action: str, actor=None, target=None, tenant=None, changes: dict | None = None,
                 metadata: dict | None = None, category: str = AuditEvent.Category.OPERATION,
                 actor_email: str = "", ip: str | None = None, user_agent: str | None = None) -> AuditEvent:
    """Append one event to its chain (in the caller's transaction)."""
    context = request_context.get()
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    event = AuditEvent(
        created_at=timezone.now(), category=category, action=action,
        actor=actor, actor_email=actor.email if actor else actor_email,
        tenant=tenant if tenant is not None and tenant.pk else None,
        tenant_slug=getattr(tenant, "slug", "") or "",
        target_type=f"{target._meta.app_label}.{target._meta.model_name}" if target is not None else "",
        target_id=str(target.pk) if target is not None and target.pk is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        changes=changes or {}, metadata=metadata or {},
        ip=ip if ip is not None else context.get("ip"),
        user_agent=(user_agent if user_agent is not None else context.get("user_agent", ""))[:1000],
        request_id=context.get("request_id", ""),
    )
    owner_id, owner_slug = _chain_owner(tenant)
    with transaction.atomic():
        chain = _locked_chain(owner_id, owner_slug)
        event.chain = chain
        event.seq = chain.length + 1
        event.prev_hash = chain.head_hash
        event.hash = event_hash(event)
        event.save()
        AuditChain.objects.filter(pk=chain.pk).update(length=event.seq, head_hash=event.hash)
    return event


def _chain_owner(tenant) -> tuple[int | None, str]:
    """(tenant id, slug) of the chain an event joins; (None, "") for the platform's."""
    for candidate in (tenant, getattr(connection, "tenant", None)):
        if candidate is None:
            continue
        if getattr(candidate, "schema_name", None) == settings.PUBLIC_SCHEMA_NAME:
            return None, ""
        if getattr(candidate, "pk", None) is not None:
            return candidate.pk, candidate.slug
    # A schema set by name only (schema_context, a command): its tenant, if it has one.
    schema = getattr(connection, "schema_name", settings.PUBLIC_SCHEMA_NAME)
    if schema == settings.PUBLIC_SCHEMA_NAME:
        return None, ""
    Tenant = AuditChain._meta.get_field("tenant").related_model
    return Tenant.objects.filter(schema_name=schema).values_list("pk", "slug").first() or (None, "")


def _locked_chain(tenant_id: int | None, tenant_slug: str) -> AuditChain:
    """The chain's head row, locked until the transaction ends (made on first use)."""
    heads = AuditChain.objects.select_for_update()
    chain = heads.filter(tenant_id=tenant_id).first()
    if chain is None:
        # Two first writers: the second waits for the first's row, then takes its lock.
        AuditChain.objects.bulk_create([AuditChain(tenant_id=tenant_id, tenant_slug=tenant_slug)],
                                       ignore_conflicts=True)
        chain = heads.get(tenant_id=tenant_id)
    return chain


# --- Verification ---------------------------------------------------------------------


@dataclass
class ChainReport:
    """One chain walked: how many events, and what is wrong, first broken link first."""

    label: str
    events: int = 0
    archived: int = 0  # events archived and pruned before the rows walked (checkpoints)
    problems: list[str] = field(default_factory=list)


class UnknownChain(LookupError):
    pass


def audit_chains(*, tenant_slug: str | None = None, platform: bool = False):
    """The chains to verify: every one (the platform's first), only the platform's, or
    only the one of the tenant with this slug (now or when its chain began)."""
    chains = AuditChain.objects.order_by(F("tenant_id").asc(nulls_first=True), "pk")
    if platform:
        return chains.filter(tenant__isnull=True)
    if tenant_slug is not None:
        return chains.filter(Q(tenant__slug=tenant_slug) | Q(tenant_slug=tenant_slug), tenant_id__isnull=False)
    return chains


def audit_verify_chains(*, tenant_slug: str | None = None, platform: bool = False) -> list[ChainReport]:
    """Walk every chain (or one), each in one snapshot. An event must match its hash (not
    edited) and follow the one before it in its chain (number and hash: nothing removed
    in between; ids rising), and the last one must be the chain's head (nothing removed
    at the end). Rows whose chain head is gone are walked and reported too."""
    chains = list(audit_chains(tenant_slug=tenant_slug, platform=platform))
    if tenant_slug is not None and not chains:
        raise UnknownChain(tenant_slug)
    reports = [_verify_chain(chain.pk) for chain in chains]
    if tenant_slug is None and not platform:
        stray = AuditEvent.objects.exclude(chain_id__in=AuditChain.objects.values("pk"))
        reports += [_verify_chain(chain_id) for chain_id in
                    sorted(set(stray.values_list("chain_id", flat=True).distinct()))]
    return reports


def audit_verify(*, tenant_slug: str | None = None, platform: bool = False) -> tuple[int, list[str]]:
    """Walk the chains. Returns (events checked, problems found)."""
    reports = audit_verify_chains(tenant_slug=tenant_slug, platform=platform)
    return sum(r.events for r in reports), [problem for r in reports for problem in r.problems]


def _verify_chain(chain_id: int) -> ChainReport:
    outermost = connection.get_autocommit() and not connection.in_atomic_block
    with transaction.atomic():
        if outermost:  # the head and the rows as of one moment, whatever is appended meanwhile
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        chain = AuditChain.objects.filter(pk=chain_id).first()
        return _walk(chain_id, chain)


def _walk(chain_id: int, chain: AuditChain | None) -> ChainReport:
    """The rows from the chain's last checkpoint on (archived segments: apps.audit.checkpoints)."""
    report = ChainReport(label=chain.label if chain else f"chain {chain_id} (its head is missing)")
    checkpoints = chain_checkpoints(chain_id)
    report.problems += checkpoint_problems(report.label, checkpoints)
    report.archived = sum(checkpoint.count for checkpoint in checkpoints)
    start_seq, start_hash = (checkpoints[-1].to_seq, checkpoints[-1].last_hash) if checkpoints else (0, GENESIS)
    prefix = f"{report.label}: event"
    previous = None
    for event in AuditEvent.objects.filter(chain_id=chain_id).order_by("seq").iterator(chunk_size=2000):
        report.events += 1
        if event_hash(event) != event.hash:
            report.problems.append(f"{prefix} {event.pk}: content does not match its hash (edited)")
        expected_seq, expected_prev = (previous.seq + 1, previous.hash) if previous else (start_seq + 1, start_hash)
        if event.seq != expected_seq:
            report.problems.append(f"{prefix} {event.pk}: chain broken (it is number {event.seq}, expected "
                                   f"{expected_seq}: a row before it was removed or altered)")
        elif event.prev_hash != expected_prev:
            report.problems.append(f"{prefix} {event.pk}: chain broken (a row before it was removed or altered)")
        if previous is not None and event.pk <= previous.pk:
            report.problems.append(f"{prefix} {event.pk}: out of order (ids were changed)")
        previous = event
    if chain is None:
        report.problems.append(f"{report.label}: {report.events} event(s) in a chain whose head was removed")
        return report
    last_seq, last_hash = (previous.seq, previous.hash) if previous else (start_seq, start_hash)
    where = f"{prefix} {previous.pk}" if previous else f"{report.label}: no events"
    if chain.length > last_seq:
        report.problems.append(f"{where}: chain broken at its end (the head counts {chain.length} events, the "
                               f"last row is number {last_seq}: the events after it were removed)")
    elif chain.length < last_seq:
        report.problems.append(f"{where}: chain broken at its end (the head counts {chain.length} events, the "
                               f"last row is number {last_seq}: rows were added without the head)")
    elif chain.head_hash != last_hash:
        report.problems.append(f"{where}: chain broken at its end (the last event is not the one the head "
                               "recorded: it was replaced)")
    return report
