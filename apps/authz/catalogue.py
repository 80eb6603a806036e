"""Permission names: `resource:action` on top of Django permissions, so that the admin
(`user.has_perm("crm.view_customer")`) and the API (`customer:view`) ask the same thing.

`crm.view_customer` <-> `customer:view`; custom permissions read the same way
(`crm.import_customer` -> `customer:import`, `rbac.access_admin` -> `admin:access`).
"""

from __future__ import annotations

from functools import lru_cache

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission

from .errors import UnknownPermission

# Model names that read better under another resource name.
RESOURCE_ALIASES = {"staffprofile": "staff", "workspacesettings": "settings", "apikey": "apikey"}
# Detail tables whose rights come with their parent's (role:change covers grants ...).
HIDDEN_MODELS = {"rolepermission", "roleassignment", "guardiancontact"}
# Actions that do not exist: one settings row per workspace; staff join by invitation
# and are deactivated, never deleted.
HIDDEN_CODENAMES = {"add_workspacesettings", "delete_workspacesettings", "add_staffprofile", "delete_staffprofile"}


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
    """(key -> (permission id, "app.codename"), "app.codename" -> key). Permission rows
    are created by migrations and never change while the process runs."""
    by_key, by_django = {}, {}
    for perm in tenant_permissions():
        key = key_for(perm.codename, perm.content_type.model)
        django_name = f"{perm.content_type.app_label}.{perm.codename}"
        by_key[key] = (perm.pk, django_name)
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
