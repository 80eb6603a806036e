"""Add-on requests: the owner asks, HQ decides; approval adds the add-on to the
tenant's subscription (its limits and flags follow at once)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from apps.audit.services import audit_record

from .errors import AddonRequestDecided, AddonRequestPending, AddonUnavailable, AddonWithoutSubscription
from .invalidation import subscriptions_changed
from .models import AddOn, AddOnRequest, Subscription, SubscriptionAddOn


def addon_request_create(*, tenant, addon: AddOn, quantity: int, note: str, user) -> AddOnRequest:
    if not addon.is_active:
        raise AddonUnavailable()
    if AddOnRequest.objects.filter(tenant=tenant, addon=addon, status=AddOnRequest.Status.PENDING).exists():
        raise AddonRequestPending()
    request = AddOnRequest(tenant=tenant, addon=addon, quantity=quantity, note=note, requested_by=user)
    request.full_clean()
    with transaction.atomic():
        request.save()
        audit_record(action="addon.requested", actor=user, target=request, tenant=tenant,
                     metadata={"addon": addon.code, "quantity": quantity})
    return request


def addon_request_decide(*, addon_request: AddOnRequest, approve: bool, actor, note: str = "") -> AddOnRequest:
    """HQ decision. Approval adds the add-on (quantity) to the tenant's subscription."""
    with transaction.atomic():
        addon_request = AddOnRequest.objects.select_for_update().select_related("tenant", "addon").get(
            pk=addon_request.pk)
        if addon_request.status != AddOnRequest.Status.PENDING:
            raise AddonRequestDecided()
        if approve:
            subscription = Subscription.objects.filter(tenant=addon_request.tenant).first()
            if subscription is None:
                raise AddonWithoutSubscription()
            item, created = SubscriptionAddOn.objects.get_or_create(
                subscription=subscription, addon=addon_request.addon, defaults={"quantity": addon_request.quantity})
            if not created:
                item.quantity += addon_request.quantity
                item.save(update_fields=["quantity"])
            subscriptions_changed(tenant_ids=[addon_request.tenant_id], flags=bool(addon_request.addon.feature_flag))
        addon_request.status = AddOnRequest.Status.APPROVED if approve else AddOnRequest.Status.REJECTED
        addon_request.decided_by = actor
        addon_request.decided_at = timezone.now()
        addon_request.decision_note = note
        addon_request.save()
        audit_record(action=f"addon.request_{addon_request.status}", actor=actor, target=addon_request,
                     tenant=addon_request.tenant,
                     changes={"status": [AddOnRequest.Status.PENDING, addon_request.status]},
                     metadata={"addon": addon_request.addon.code, "quantity": addon_request.quantity, "note": note})
    return addon_request
