"""What a demo tenant's schema holds, through the workspace services. Every function runs
inside `tenant_context(tenant)` and creates only what its natural key does not find."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings

from apps.accounts.models import Membership, User
from apps.apikeys.models import ApiKey
from apps.apikeys.services import api_key_create
from apps.branches.models import Branch
from apps.branches.services import branch_create
from apps.crm.models import Customer, Tag
from apps.crm.services import customer_create
from apps.rbac.models import Role
from apps.rbac.selectors import access_for
from apps.rbac.tenancy import current_tenant
from apps.roletemplates.services import templates_apply, templates_ensure_defaults
from apps.staff.models import Invitation
from apps.staff.services import invitation_accept, invitation_create, invitation_resend
from apps.workspace.models import WorkspaceSettings
from apps.workspace.services import FIELDS as SETTINGS_FIELDS
from apps.workspace.services import workspace_settings_get, workspace_settings_update

from .platform import demo_login


def branches_ensure(specs: list[dict], *, actor) -> dict[str, Branch]:
    """specs: Branch fields, `name` first; returns the branches by name."""
    for spec in specs:
        if not Branch.objects.filter(name=spec["name"]).exists():
            branch_create(actor=actor, **spec)
    return {branch.name: branch for branch in Branch.objects.all()}


def tags_ensure(specs: list[tuple[str, str]]) -> dict[str, Tag]:
    """(name, colour). Tags have no service (the tenant admin saves them as plain rows,
    unaudited): validated and saved the same way here."""
    for name, color in specs:
        if not Tag.objects.filter(name=name).exists():
            tag = Tag(name=name, color=color)
            tag.full_clean()
            tag.save()
    return {tag.name: tag for tag in Tag.objects.all()}


def _accept_token(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]  # the link mailed: .../invite/<token>/


def staff_ensure(specs: list[tuple], *, owner, branches: dict[str, Branch]) -> dict[str, User]:
    """specs: (email, name, role key, branch names). The owner invites each member with one
    role limited to those branches; the member accepts, choosing the demo password.
    Returns every login (the owner's too) by email."""
    tenant = current_tenant()
    # a workspace provisioned by an earlier release gets the roles added since (the rider)
    templates_ensure_defaults(business_type=tenant.business_type)
    templates_apply(business_type=tenant.business_type)
    for email, name, role_key, branch_names in specs:
        # any status: a member deactivated in the admin since stays so
        if not Membership.objects.filter(tenant=tenant, user__email__iexact=email, kind=Membership.Kind.STAFF).exists():
            pending = Invitation.objects.filter(email__iexact=email, status=Invitation.Status.PENDING).first()
            if pending is not None:  # an earlier run stopped before accepting: a fresh link
                _invitation, url = invitation_resend(invitation=pending, actor=owner)
            else:
                _invitation, url = invitation_create(
                    email=email, full_name=name, roles=[Role.objects.get(key=role_key)],
                    branches=[branches[b] for b in branch_names], actor=owner,
                    actor_access=access_for(user=owner))
            invitation_accept(token=_accept_token(url), password=settings.DEMO_PASSWORD, full_name=name)
        demo_login(User.objects.get(email__iexact=email))
    return {user.email: user for user in User.objects.filter(
        email__in=[owner.email, *(spec[0] for spec in specs)])}


def customers_ensure(specs: list[dict], *, users: dict[str, User], branches: dict[str, Branch],
                     tags: dict[str, Tag]) -> None:
    """specs: Customer fields plus `by` (the login that registers them, within the branches
    its roles reach), `branch` and `tags` by name, `guardians` (name, relation, phone)."""
    for spec in specs:
        if Customer.objects.filter(name=spec["name"]).exists():  # deleted in the admin since: stays so
            continue
        actor = users[spec["by"]]
        data = {key: value for key, value in spec.items() if key not in ("by", "branch", "tags", "guardians")}
        if data.get("birth_date"):
            data["birth_date"] = dt.date.fromisoformat(data["birth_date"])
        customer_create(
            actor=actor, allowed_branch_ids=access_for(user=actor).branch_ids("crm.add_customer"),
            branch=branches[spec["branch"]], tags=[tags[name] for name in spec.get("tags", [])],
            guardians=[dict(zip(("name", "relation", "phone"), g, strict=True)) for g in spec.get("guardians", [])],
            **data)


def settings_ensure(values: dict, *, actor) -> None:
    """Profile, brand and locale, while the brand colours are still the defaults (once set,
    here or in the admin, later runs leave the settings alone)."""
    row = workspace_settings_get()
    brand = ("primary_color", "accent_color")
    if all(getattr(row, name) == WorkspaceSettings._meta.get_field(name).get_default() for name in brand):
        workspace_settings_update(actor=actor, **{k: v for k, v in values.items() if k in SETTINGS_FIELDS})


def api_key_ensure(name: str, perms: list[str], *, actor, write: Callable[[str], None]) -> None:
    """A key for the workspace's integrations; its secret is shown once, when created."""
    if ApiKey.objects.filter(name=name).exists():  # revoked in the admin since: stays so
        return
    _key, secret = api_key_create(name=name, perms=perms, actor=actor, actor_access=access_for(user=actor))
    write(f"  API key “{name}” of {current_tenant().slug} (shown once): {secret}")
