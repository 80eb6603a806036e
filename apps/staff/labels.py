"""The audit actions apps.staff writes, as a person reads them (see apps.audit.labels)."""

from django.utils.translation import pgettext_lazy

from apps.audit.labels import register_action_labels


def register() -> None:
    register_action_labels({
        "staff.invited": pgettext_lazy("audit action", "Staff member invited"),
        "staff.invitation_resent": pgettext_lazy("audit action", "Invitation resent"),
        "staff.invitation_revoked": pgettext_lazy("audit action", "Invitation revoked"),
        "staff.invitation_accepted": pgettext_lazy("audit action", "Invitation accepted"),
        "staff.updated": pgettext_lazy("audit action", "Staff member updated"),
        "staff.deactivated": pgettext_lazy("audit action", "Staff member deactivated"),
        "staff.reactivated": pgettext_lazy("audit action", "Staff member reactivated"),
    })
