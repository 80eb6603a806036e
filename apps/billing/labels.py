"""The audit actions apps.billing writes, as a person reads them (see apps.audit.labels)."""

from django.utils.translation import pgettext_lazy

from apps.audit.labels import register_action_labels


def register() -> None:
    register_action_labels({
        "addon.requested": pgettext_lazy("audit action", "Add-on requested"),
        "addon.request_approved": pgettext_lazy("audit action", "Add-on request approved"),
        "addon.request_rejected": pgettext_lazy("audit action", "Add-on request rejected"),
        "addon.saved": pgettext_lazy("audit action", "Add-on saved"),
        "invoice.issued": pgettext_lazy("audit action", "Invoice issued"),
        "invoice.voided": pgettext_lazy("audit action", "Invoice voided"),
        "payment.checkout_started": pgettext_lazy("audit action", "Checkout started"),
        "payment.succeeded": pgettext_lazy("audit action", "Payment succeeded"),
        "payment.failed": pgettext_lazy("audit action", "Payment failed"),
        "plan.created": pgettext_lazy("audit action", "Plan created"),
        "plan.changed": pgettext_lazy("audit action", "Plan changed"),
        "plan.price_changed": pgettext_lazy("audit action", "Plan price changed"),
        "promo.created": pgettext_lazy("audit action", "Promo code created"),
        "promo.changed": pgettext_lazy("audit action", "Promo code changed"),
        "subscription.started": pgettext_lazy("audit action", "Subscription started"),
        "subscription.plan_changed": pgettext_lazy("audit action", "Subscription plan changed"),
        "subscription.promo_applied": pgettext_lazy("audit action", "Promo code applied"),
        "subscription.payment_retried": pgettext_lazy("audit action", "Payment retried"),
        "usage.threshold_reached": pgettext_lazy("audit action", "Usage alert sent"),
    })
