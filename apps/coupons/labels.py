"""The audit actions apps.coupons writes, as a person reads them (see apps.audit.labels)."""

from django.utils.translation import pgettext_lazy

from apps.audit.labels import register_action_labels


def register() -> None:
    register_action_labels({
        "coupon.created": pgettext_lazy("audit action", "Coupon created"),
        "coupon.updated": pgettext_lazy("audit action", "Coupon updated"),
        "coupon.deleted": pgettext_lazy("audit action", "Coupon deleted"),
        "coupon.claimed": pgettext_lazy("audit action", "Coupon claimed"),
    })
