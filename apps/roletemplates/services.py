"""Role templates: the defaults HQ starts from, and copying templates into a tenant."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import translation

from apps.audit.services import audit_record
from apps.authz import catalogue
from apps.rbac.models import Role, RolePermission

from .defaults import DEFAULTS, DEFAULTS_FOR_OTHER_TYPES
from .models import RoleTemplate, RoleTemplatePermission


def _permission_ids() -> dict[str, int]:
    return {catalogue.key_for(p.codename, p.content_type.model): p.pk for p in catalogue.tenant_permissions()}


@transaction.atomic
def templates_ensure_defaults(*, business_type: str) -> list[RoleTemplate]:
    """Install the default templates for `business_type` that HQ does not have yet (a
    role a later release brings, such as the restaurant's rider); the templates HQ has,
    edited or not, are left as they are."""
    existing = list(RoleTemplate.objects.filter(business_type=business_type))
    keys = {template.key for template in existing}
    ids = _permission_ids()
    created = []
    for position, (key, name, description, grants, locked) in enumerate(
            DEFAULTS.get(business_type, DEFAULTS_FOR_OTHER_TYPES)):
        if key in keys:
            continue
        with translation.override("en"):  # HQ's catalogue is English; workspaces get it translated
            template = RoleTemplate.objects.create(business_type=business_type, key=key, name=str(name),
                                                   description=str(description), position=position)
        entries = {perm: RoleTemplatePermission(template=template, permission_id=ids[perm], scope=scope)
                   for perm, scope in grants.items() if perm in ids}
        for perm in locked:
            if perm in ids:
                entry = entries.setdefault(perm, RoleTemplatePermission(
                    template=template, permission_id=ids[perm], granted=False))
                entry.locked = True
        RoleTemplatePermission.objects.bulk_create(entries.values())
        created.append(template)
    return existing + created


def templates_apply(*, business_type: str) -> list[Role]:
    """Copy the templates into the current tenant schema's roles (new roles only: a
    workspace's own edits are kept). Runs inside the tenant's schema. Names stay as HQ
    wrote them; shipped names are shown translated (Role.__str__)."""
    templates = (RoleTemplate.objects.filter(business_type=business_type)
                 .prefetch_related("entries__permission__content_type"))
    roles = []
    for template in templates:
        if Role.objects.filter(key=template.key).exists():
            continue
        entries = list(template.entries.all())
        role = Role.objects.create(
            key=template.key, name=template.name, description=template.description,
            is_active=template.enabled_by_default, template_key=template.key,
            locked=sorted(catalogue.key_for(e.permission.codename, e.permission.content_type.model)
                          for e in entries if e.locked))
        RolePermission.objects.bulk_create(RolePermission(role=role, permission_id=e.permission_id, scope=e.scope)
                                           for e in entries if e.granted)
        roles.append(role)
    return roles


def template_permission_choices():
    return Permission.objects.filter(pk__in=_permission_ids().values()).select_related("content_type")


def template_changed(*, template: RoleTemplate, actor, action: str, changes: dict | None = None) -> None:
    """Record an HQ edit of a role template (called by the ops admin in its transaction)."""
    audit_record(action=f"roletemplate.{action}", actor=actor, target=template, changes=changes,
                 metadata={"business_type": template.business_type, "key": template.key})


def template_delete(*, template: RoleTemplate, actor) -> None:
    """HQ deletes a role template (tenants provisioned earlier keep their roles)."""
    with transaction.atomic():
        template_changed(template=template, actor=actor, action="deleted")
        template.delete()
