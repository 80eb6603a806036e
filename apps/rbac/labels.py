"""The audit actions apps.rbac writes, as a person reads them (see apps.audit.labels)."""

from django.utils.translation import pgettext_lazy

from apps.audit.labels import register_action_labels


def register() -> None:
    register_action_labels({
        "rbac.role_created": pgettext_lazy("audit action", "Role created"),
        "rbac.role_updated": pgettext_lazy("audit action", "Role updated"),
        "rbac.role_deleted": pgettext_lazy("audit action", "Role deleted"),
        "rbac.role_assigned": pgettext_lazy("audit action", "Role assigned"),
        "rbac.role_unassigned": pgettext_lazy("audit action", "Role unassigned"),
        "rbac.object_granted": pgettext_lazy("audit action", "Access to one record granted"),
    })
