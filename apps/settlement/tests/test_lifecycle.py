import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django_tenants.utils import schema_context

from apps.accounts.hq import HQ_ADMIN, HQ_MASTER, SECURITY_OFFICER, SUPPORT
from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.core.errors import ReasonRequired
from apps.settlement.errors import IllegalBatchMove, PayoutReferenceRequired, SettlementForbidden, TenantOnHold
from apps.settlement.models import SettlementBatch, TaxInvoice
from apps.settlement.services.batches import batch_make
from apps.settlement.services.lifecycle import batch_confirm, batch_hold, batch_pay_out, batch_release, terms_update
from apps.workspace.services import workspace_settings_get

from .helpers import at, pay

pytestmark = pytest.mark.django_db
S = SettlementBatch.Status


def _hq(group: str) -> User:
    user = User.objects.create_user(f"{group.lower()}@settle.test", "x-Password-1", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return User.objects.get(pk=user.pk)  # fresh permission cache


@pytest.fixture
def november(tenant_alpha):
    pay("alpha", 120000, at("2026-11-05"), rate="5")
    with schema_context("alpha"):
        workspace = workspace_settings_get()
        workspace.legal_name, workspace.business_number = "(주)알파아카데미", "120-86-00001"
        workspace.save()
    return batch_make(tenant=tenant_alpha, period_start=dt.date(2026, 11, 1), period_end=dt.date(2026, 12, 1),
                      cycle="monthly").batch


@pytest.mark.parametrize("group", [HQ_MASTER, HQ_ADMIN])
def test_hq_confirms_records_the_tax_invoice_then_pays_out(november, group, settings):
    settings.BILLING_ISSUER = {**settings.BILLING_ISSUER, "name": "플랫폼(주)", "registration_number": "220-81-99999"}
    actor = _hq(group)
    batch = batch_confirm(batch=november, actor=actor)
    assert batch.status == S.CONFIRMED and batch.confirmed_by == actor
    invoice = TaxInvoice.objects.get(batch=batch)
    assert (invoice.supply_amount, invoice.vat, invoice.total) == (6000, 600, 6600)
    assert invoice.recipient_business_number == "120-86-00001" and invoice.recipient_name == "(주)알파아카데미"
    assert invoice.supplier_business_number == "220-81-99999" and invoice.supplier_name == "플랫폼(주)"
    assert "2026-11-01" in invoice.item and "2026-11-30" in invoice.item

    with pytest.raises(PayoutReferenceRequired):
        batch_pay_out(batch=batch, actor=actor, reference="  ")
    batch = batch_pay_out(batch=batch, actor=actor, reference="KB-20261203-0001")
    assert batch.status == S.PAID_OUT and batch.payout_reference == "KB-20261203-0001"
    actions = list(AuditEvent.objects.filter(action__startswith="settlement.batch_", actor=actor)
                   .values_list("action", flat=True))
    assert sorted(actions) == ["settlement.batch_confirmed", "settlement.batch_paid_out"]
    with pytest.raises(IllegalBatchMove):
        batch_hold(batch=batch, actor=actor, reason="too late")


@pytest.mark.parametrize("group", [SUPPORT, SECURITY_OFFICER])
def test_other_hq_roles_may_not_move_batches(november, group):
    actor = _hq(group)
    for call in (lambda: batch_confirm(batch=november, actor=actor),
                 lambda: batch_hold(batch=november, actor=actor, reason="x"),
                 lambda: batch_pay_out(batch=november, actor=actor, reference="x")):
        with pytest.raises(SettlementForbidden):
            call()
    november.refresh_from_db()
    assert november.status == S.DRAFT and not TaxInvoice.objects.exists()


def test_a_draft_cannot_be_paid_out_before_it_is_confirmed(november):
    with pytest.raises(IllegalBatchMove) as refused:
        batch_pay_out(batch=november, actor=_hq(HQ_ADMIN), reference="x")
    assert refused.value.status == 409 and refused.value.details["status"] == "draft"


def test_hold_needs_a_reason_and_release_returns_where_it_was(november):
    actor = _hq(HQ_ADMIN)
    with pytest.raises(ReasonRequired):
        batch_hold(batch=november, actor=actor, reason="")
    batch_confirm(batch=november, actor=actor)
    held = batch_hold(batch=november, actor=actor, reason="chargeback on order 7")
    assert held.status == S.HELD and held.hold_reason == "chargeback on order 7"
    with pytest.raises(IllegalBatchMove):
        batch_pay_out(batch=held, actor=actor, reference="x")
    released = batch_release(batch=held, actor=actor)
    assert released.status == S.CONFIRMED and TaxInvoice.objects.filter(batch=released).count() == 1


def test_a_tenant_on_hold_holds_its_open_batches_and_refuses_confirmation(november, tenant_alpha):
    actor = _hq(HQ_MASTER)
    with pytest.raises(ReasonRequired):
        terms_update(tenant=tenant_alpha, actor=actor, on_hold=True)
    terms_update(tenant=tenant_alpha, actor=actor, on_hold=True, hold_reason="dispute with the bank")
    november.refresh_from_db()
    assert november.status == S.HELD
    with pytest.raises(TenantOnHold):
        batch_release(batch=november, actor=actor)
    terms_update(tenant=tenant_alpha, actor=actor, on_hold=False)
    november.refresh_from_db()
    assert november.status == S.DRAFT
    assert AuditEvent.objects.filter(action="settlement.terms_changed", tenant=tenant_alpha).count() == 2
    assert AuditEvent.objects.filter(action="settlement.batch_held", tenant=tenant_alpha).count() == 1


def test_a_batch_without_commission_has_no_tax_invoice(tenant_alpha):
    pay("alpha", 5000, at("2026-11-05"), rate="0")
    batch = batch_make(tenant=tenant_alpha, period_start=dt.date(2026, 11, 1), period_end=dt.date(2026, 12, 1),
                       cycle="monthly").batch
    batch_confirm(batch=batch, actor=_hq(HQ_ADMIN))
    assert not TaxInvoice.objects.filter(batch=batch).exists()
