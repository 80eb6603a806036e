"""Permission names: `resource:action` on top of Django permissions, so that the admin
(`user.has_perm("crm.view_customer")`) and the API (`customer:view`) ask the same thing.

`crm.view_customer` <-> `customer:view`; custom permissions read the same way
(`crm.import_customer` -> `customer:import`, `rbac.access_admin` -> `admin:access`).

People never read the codes: `label_of("customer:view")` is "Customers · View" /
"고객 · 보기" (the model's plural name, then the action), `permission_label(perm)` the
same for any `Permission` row (HQ groups, role templates). An action without a label of
its own reads as the permission's translated name ("Can approve tenants"); lists show keys
in `display_order` (by resource, then view, add, change, delete).
"""

from __future__ import annotations

from functools import lru_cache

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from .errors import UnknownPermission

# Model names that read better under another resource name.
RESOURCE_ALIASES = {"staffprofile": "staff", "workspacesettings": "settings", "apikey": "apikey",
                    "studentprofile": "student", "tuitioninvoice": "tuition",
                    "branchordering": "ordering", "menuperiod": "menuhours"}
# Detail tables whose rights come with their parent's (role:change covers grants ...).
HIDDEN_MODELS = {"rolepermission", "roleassignment", "guardiancontact",
                 # catalog options and images come with item:*, lines and moves with order:*,
                 # refunds with order:refund, claims and uses with coupon:*
                 "optiongroup", "option", "itemimage", "orderline", "ordertransition", "ordernumber", "refund",
                 "couponclaim", "couponredemption",
                 # a course's academy details come with item:*, an enrolment's moves with enrolment:*
                 "coursedetails", "enrolmenttransition",
                 # a pass's plan comes with item:*, its uses with attendance:*
                 "passplan", "passuse"}
# Actions that do not exist: one settings row per workspace; staff join by invitation
# and are deactivated, never deleted.
HIDDEN_CODENAMES = {"add_workspacesettings", "delete_workspacesettings", "add_staffprofile", "delete_staffprofile",
                    # payments come from the provider: staff read them and refund through order:refund
                    "add_payment", "change_payment", "delete_payment",
                    # the academy's one settings row; invoices are issued by beat and voided, never deleted
                    "add_academysettings", "delete_academysettings", "add_tuitioninvoice", "delete_tuitioninvoice",
                    "delete_pass",
                    # data exports come with workspace:export (apps.workspace.export)
                    "add_dataexport", "change_dataexport", "delete_dataexport", "view_dataexport"}
# What a person reads for a resource that is not a model's name, and for the actions.
RESOURCE_LABELS = {"admin": _("Admin site"), "workspace": _("Workspace")}
ACTION_LABELS = {
    "view": pgettext_lazy("permission action", "View"),
    "add": pgettext_lazy("permission action", "Add"),
    "change": pgettext_lazy("permission action", "Change"),
    "delete": pgettext_lazy("permission action", "Delete"),
    "import": pgettext_lazy("permission action", "Import"),
    "export": pgettext_lazy("permission action", "Export"),
    "access": pgettext_lazy("permission action", "Use"),
    "approve": pgettext_lazy("permission action", "Approve"),
    "revoke": pgettext_lazy("permission action", "Revoke"),
    "retry": pgettext_lazy("permission action", "Retry"),
    "refund": pgettext_lazy("permission action", "Refund"),
    "deliver": pgettext_lazy("permission action", "Deliver"),
}
SEPARATOR = " · "


def key_for(codename: str, model: str) -> str:
    resource = RESOURCE_ALIASES.get(model, model)
    if codename.endswith(f"_{model}"):
        return f"{resource}:{codename[: -len(model) - 1]}"
    action, _sep, rest = codename.partition("_")
    return f"{rest}:{action}"


def tenant_app_labels() -> list[str]:
    return [config.label for config in apps.get_app_configs()
            if config.name in settings.TENANT_APPS and config.name.startswith("apps.")]


def tenant_permissions():
    """Every permission on the platform's own tenant models (not Django internals such
    as sessions or the admin log, nor hidden detail tables)."""
    return (Permission.objects.filter(content_type__app_label__in=tenant_app_labels())
            .exclude(content_type__model__in=HIDDEN_MODELS).exclude(codename__in=HIDDEN_CODENAMES)
            .select_related("content_type"))


@lru_cache(maxsize=1)
def _catalogue() -> tuple[dict, dict]:
    """(key -> (permission id, "app.codename", (app label, model, permission name)),
    "app.codename" -> key). Permission rows are created by migrations and never change
    while the process runs."""
    by_key, by_django = {}, {}
    for perm in tenant_permissions():
        key = key_for(perm.codename, perm.content_type.model)
        django_name = f"{perm.content_type.app_label}.{perm.codename}"
        by_key[key] = (perm.pk, django_name, (perm.content_type.app_label, perm.content_type.model, perm.name))
        by_django[django_name] = key
    return by_key, by_django


def all_keys() -> list[str]:
    return sorted(_catalogue()[0])


def django_perm(key: str) -> str:
    try:
        return _catalogue()[0][key][1]
    except KeyError:
        raise UnknownPermission(details={"perm": key}) from None


def permission_id(key: str) -> int:
    try:
        return _catalogue()[0][key][0]
    except KeyError:
        raise UnknownPermission(details={"perm": key}) from None


def key_of(django_name: str) -> str | None:
    return _catalogue()[1].get(django_name)


# --- What a person reads ----------------------------------------------------------------


def _model_plural(app_label: str, model: str) -> str | None:
    try:
        return capfirst(apps.get_model(app_label, model)._meta.verbose_name_plural)
    except LookupError:
        return None


def _label(resource: str | None, action: str, name: str) -> str:
    if action in ACTION_LABELS and resource:
        return f"{resource}{SEPARATOR}{ACTION_LABELS[action]}"
    return capfirst(gettext(name))  # a custom permission's own (translated) name


def resource_label(key: str) -> str:
    """The resource half of `key`'s label ("Customers")."""
    resource, _sep, _action = key.partition(":")
    if resource in RESOURCE_LABELS:
        return str(RESOURCE_LABELS[resource])
    entry = _catalogue()[0].get(key)
    plural = _model_plural(*entry[2][:2]) if entry else None
    return plural or resource


def action_label(key: str) -> str:
    """The action half of `key`'s label ("View"); a custom action reads as its permission's name."""
    _resource, _sep, action = key.partition(":")
    if action in ACTION_LABELS:
        return str(ACTION_LABELS[action])
    entry = _catalogue()[0].get(key)
    return capfirst(gettext(entry[2][2])) if entry else action


def display_order(keys) -> list[str]:
    """Keys as people scan them: by resource, then view, add, change, delete, then the rest."""
    actions = list(ACTION_LABELS)

    def order(key):
        resource, _sep, action = key.partition(":")
        return resource, actions.index(action) if action in actions else len(actions), action

    return sorted(keys, key=order)


def label_of(key: str) -> str:
    """"Customers · View" / "고객 · 보기" for `customer:view` (in the active language); an
    unknown key reads as itself."""
    entry = _catalogue()[0].get(key)
    if entry is None:
        return key
    _resource, _sep, action = key.partition(":")
    return _label(resource_label(key), action, entry[2][2])


def permission_label(perm: Permission) -> str:
    """The label of any permission row (a platform one too: HQ groups, role templates)."""
    key = key_of(f"{perm.content_type.app_label}.{perm.codename}")
    if key is not None:
        return label_of(key)
    model = perm.content_type.model
    action = perm.codename[: -len(model) - 1] if perm.codename.endswith(f"_{model}") else ""
    return _label(_model_plural(perm.content_type.app_label, model), action, perm.name)
