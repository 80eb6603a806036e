"""A batch's life after it is made: HQ confirms it (its commission tax invoice is
recorded then), records the payout, or holds it while the tenant's settlement is
disputed. Every move is checked against one table, locked, and audited; only HQ_MASTER
and HQ_ADMIN hold the permissions (apps.accounts.hq)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import override
from django_tenants.utils import schema_context

from apps.audit.services import audit_record
from apps.core.changes import model_update
from apps.core.errors import ReasonRequired
from apps.core.states import StateMachine
from apps.workspace.services import workspace_settings_get

from ..errors import IllegalBatchMove, PayoutReferenceRequired, SettlementForbidden, TenantOnHold
from ..models import SettlementAccount, SettlementBatch, TaxInvoice

S = SettlementBatch.Status
BATCH_MACHINE = StateMachine(
    {S.DRAFT: [S.CONFIRMED, S.HELD], S.CONFIRMED: [S.PAID_OUT, S.HELD], S.HELD: [S.DRAFT, S.CONFIRMED]},
    label=lambda status: S(status).label, illegal=IllegalBatchMove, message=IllegalBatchMove.message)


def _require(actor, permission: str) -> None:
    if actor is None or not actor.has_perm(f"settlement.{permission}"):
        raise SettlementForbidden()


def _locked(batch: SettlementBatch) -> SettlementBatch:
    return SettlementBatch.objects.select_for_update().select_related("tenant").get(pk=batch.pk)


def _refuse_while_on_hold(batch: SettlementBatch) -> None:
    account = SettlementAccount.objects.filter(tenant_id=batch.tenant_id, on_hold=True).first()
    if account is not None:
        raise TenantOnHold(details={"tenant": batch.tenant.slug, "reason": account.hold_reason})


def _audit(action: str, batch: SettlementBatch, actor, move, **metadata) -> None:
    audit_record(action=action, actor=actor, tenant=batch.tenant, target=batch, changes=move.changes,
                 metadata={"period": [str(batch.period_start), str(batch.period_end)], "payout": batch.payout,
                           **metadata})


def _tax_invoice(batch: SettlementBatch, today) -> TaxInvoice | None:
    """The commission's tax invoice, once per batch (a batch released from a hold keeps
    the one it had); none when the batch took no commission."""
    existing = TaxInvoice.objects.filter(batch=batch).first()
    if existing is not None or (batch.commission == 0 and batch.vat == 0):
        return existing
    with schema_context(batch.tenant.schema_name):
        workspace = workspace_settings_get()
    issuer = settings.BILLING_ISSUER
    with override(batch.tenant.locale):
        item = _t("Platform commission %(start)s – %(end)s") % {  # the period's first and last days
            "start": batch.period_start.isoformat(), "end": (batch.period_end - dt.timedelta(days=1)).isoformat()}
    return TaxInvoice.objects.create(
        batch=batch, tenant=batch.tenant, number=f"ST-{today:%Y%m}-{batch.pk:07d}", issue_date=today,
        supplier_name=issuer["name"], supplier_business_number=issuer["registration_number"],
        supplier_representative=issuer.get("representative", ""), supplier_address=issuer["address"],
        supplier_email=issuer["email"],
        recipient_name=workspace.legal_name or workspace.display_name or batch.tenant.name,
        recipient_business_number=workspace.business_number, recipient_address=workspace.address[:300],
        recipient_email=workspace.contact_email or batch.tenant.owner_email,
        item=item[:200], supply_amount=batch.commission, vat=batch.vat, total=batch.commission + batch.vat,
        currency=batch.currency)


def batch_confirm(*, batch: SettlementBatch, actor) -> SettlementBatch:
    """Draft -> confirmed: HQ agrees with the numbers; the commission's tax invoice is recorded."""
    _require(actor, "confirm_settlementbatch")
    with transaction.atomic():
        batch = _locked(batch)
        BATCH_MACHINE.check(batch.status, S.CONFIRMED)
        _refuse_while_on_hold(batch)
        now = timezone.now()
        move = BATCH_MACHINE.move(batch, S.CONFIRMED, actor=actor,
                                  fields={"confirmed_at": now, "confirmed_by": actor, "hold_reason": ""})
        invoice = _tax_invoice(batch, timezone.localdate(now))
        _audit("settlement.batch_confirmed", batch, actor, move, tax_invoice=invoice.number if invoice else None)
    return batch


def batch_pay_out(*, batch: SettlementBatch, actor, reference: str) -> SettlementBatch:
    """Confirmed -> paid out, with the transfer's reference."""
    _require(actor, "payout_settlementbatch")
    reference = (reference or "").strip()[:100]
    if not reference:
        raise PayoutReferenceRequired()
    with transaction.atomic():
        batch = _locked(batch)
        BATCH_MACHINE.check(batch.status, S.PAID_OUT)
        _refuse_while_on_hold(batch)
        move = BATCH_MACHINE.move(batch, S.PAID_OUT, actor=actor, fields={
            "paid_out_at": timezone.now(), "paid_out_by": actor, "payout_reference": reference})
        _audit("settlement.batch_paid_out", batch, actor, move, reference=reference)
    return batch


def batch_hold(*, batch: SettlementBatch, actor, reason: str) -> SettlementBatch:
    """Draft or confirmed -> held (a dispute): nothing is paid until it is released."""
    _require(actor, "hold_settlementbatch")
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired()
    with transaction.atomic():
        batch = _locked(batch)
        move = BATCH_MACHINE.move(batch, S.HELD, actor=actor, reason=reason, fields={"hold_reason": reason})
        _audit("settlement.batch_held", batch, actor, move, reason=reason)
    return batch


def batch_release(*, batch: SettlementBatch, actor) -> SettlementBatch:
    """Held -> back where it was: confirmed if it had been (its tax invoice exists), else draft."""
    _require(actor, "hold_settlementbatch")
    with transaction.atomic():
        batch = _locked(batch)
        _refuse_while_on_hold(batch)
        target = S.CONFIRMED if batch.confirmed_at is not None else S.DRAFT
        move = BATCH_MACHINE.move(batch, target, actor=actor, fields={"hold_reason": ""})
        _audit("settlement.batch_released", batch, actor, move)
    return batch


def terms_update(*, tenant, actor, cycle: str | None = None, on_hold: bool | None = None,
                 hold_reason: str = "") -> SettlementAccount:
    """A tenant's contract cycle and its hold. Holding the tenant holds its open batches
    (and the ones made while it lasts); releasing it releases them."""
    _require(actor, "hold_settlementbatch")
    hold_reason = (hold_reason or "").strip()
    if on_hold and not hold_reason:
        raise ReasonRequired()
    with transaction.atomic():
        account, _created = SettlementAccount.objects.select_for_update().get_or_create(tenant=tenant)
        data = {}
        if cycle is not None:
            data["cycle"] = cycle
        if on_hold is not None:
            data.update(on_hold=on_hold, hold_reason=hold_reason if on_hold else "")
        changes = model_update(account, data=data, fields=list(data))
        if not changes:
            return account
        if "on_hold" in changes:
            for batch in SettlementBatch.objects.select_for_update().filter(
                    tenant=tenant, status__in=[S.DRAFT, S.CONFIRMED] if on_hold else [S.HELD]):
                target = S.HELD if on_hold else (S.CONFIRMED if batch.confirmed_at else S.DRAFT)
                move = BATCH_MACHINE.move(batch, target, actor=actor, reason=hold_reason,
                                          fields={"hold_reason": hold_reason if on_hold else ""})
                _audit("settlement.batch_held" if on_hold else "settlement.batch_released", batch, actor, move,
                       reason=hold_reason, by_terms=True)
        audit_record(action="settlement.terms_changed", actor=actor, tenant=tenant, target=account,
                     changes=changes, metadata={"reason": hold_reason} if hold_reason else None)
    return account
