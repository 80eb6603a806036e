"""Who a notification about an event is for. An event type names its audiences
(apps.events.catalogue `audience`); each template is written for one of them. This
registry turns an audience and an event into recipients:

- `audience_resolver_register(name, fn)`: `fn(event) -> list[Recipient]`, the audience
  itself. Built in: "customer" (the crm Customer `data["customer"]["id"]`: their e-mail,
  phone and, through their platform account, language and in-app inbox), "owner" (the
  tenant's owner; the workspace's notification e-mail / phone when set), "staff" (every
  active staff member of the workspace).
- `audience_expander_register(name, fn)`: `fn(event, recipients) -> list[Recipient]`,
  more people who receive what the audience receives; a business module adds its own
  without touching this app. Built in: a customer's guardian contacts (crm
  GuardianContact: a student's parents) receive what concerns the customer, by e-mail
  and text in the workspace's language; a contact whose e-mail is the verified address
  of a customer account here is that account (its language, its channel choices, its
  in-app inbox); whether marketing reaches them is the customer's recorded consent.

Recipients are de-duplicated by `key`; `customer` (when set) is whose marketing consent
counts; `user` (when set) is whose channel preferences count and who gets in-app
notifications; `language` empty means the workspace's language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import connection

from apps.consumers.selectors import consumers_by_verified_email
from apps.crm import selectors as crm_selectors
from apps.staff.models import StaffProfile
from apps.workspace.services import workspace_settings_get

if TYPE_CHECKING:
    from apps.crm.models import Customer


@dataclass
class Recipient:
    key: str  # unique per person: "user:12", "customer:7", "guardian:3"
    audience: str
    name: str = ""
    email: str = ""
    phone: str = ""  # E.164
    language: str = ""
    user: object | None = None
    customer: Customer | None = None
    extra: dict = field(default_factory=dict)


_resolvers: dict[str, Callable] = {}
_expanders: dict[str, list[Callable]] = {}


def audience_resolver_register(name: str, resolver: Callable) -> None:
    _resolvers[name] = resolver


def audience_expander_register(name: str, expander: Callable) -> None:
    expanders = _expanders.setdefault(name, [])
    if expander not in expanders:
        expanders.append(expander)


def audience_names() -> list[str]:
    return sorted(_resolvers)


def recipients_for(audience: str, event) -> list[Recipient]:
    resolver = _resolvers.get(audience)
    if resolver is None:
        return []
    found = list(resolver(event))
    for expander in _expanders.get(audience, []):
        found += list(expander(event, list(found)))
    unique: dict[str, Recipient] = {}
    for recipient in found:
        unique.setdefault(recipient.key, recipient)
    return list(unique.values())


# --- The built-in audiences -------------------------------------------------------------------


def _customer(event) -> list[Recipient]:
    reference = (event.data or {}).get("customer") or {}
    customer_id = reference.get("id") if isinstance(reference, dict) else None
    if not customer_id:
        return []
    customer = crm_selectors.customers_live().filter(pk=customer_id).first()
    if customer is None:
        return []
    user = None
    if customer.user_id:
        from apps.accounts.models import User

        user = User.objects.filter(pk=customer.user_id, is_active=True).first()
    return [Recipient(key=f"customer:{customer.pk}", audience="customer", name=customer.name,
                      email=customer.email or (user.email if user else ""),
                      phone=str(customer.phone) if customer.phone else "",
                      language=user.language if user else "", user=user, customer=customer)]


def _tenant():
    from apps.rbac.tenancy import current_tenant

    return current_tenant()


def _owner(event) -> list[Recipient]:
    tenant = _tenant()
    owner = tenant.owner if tenant is not None else None
    if owner is None:
        return []
    workspace = workspace_settings_get()
    profile = StaffProfile.objects.filter(user_id=owner.pk).first()
    return [Recipient(key=f"user:{owner.pk}", audience="owner", name=owner.get_full_name(),
                      email=workspace.notification_email or owner.email,
                      phone=workspace.notification_phone or (profile.phone if profile else ""),
                      language=owner.language, user=owner)]


def _staff(event) -> list[Recipient]:
    from apps.accounts.models import Membership, User

    members = Membership.objects.filter(tenant__schema_name=connection.schema_name, kind=Membership.Kind.STAFF,
                                        status=Membership.Status.ACTIVE).values("user_id")
    profiles = {profile.user_id: profile for profile in StaffProfile.objects.filter(is_active=True)}
    users = User.objects.filter(pk__in=list(profiles), is_active=True).filter(pk__in=members)
    return [Recipient(key=f"user:{user.pk}", audience="staff", name=profiles[user.pk].display_name or user.email,
                      email=profiles[user.pk].email or user.email, phone=profiles[user.pk].phone,
                      language=user.language, user=user)
            for user in users]


def _guardians(event, recipients: list[Recipient]) -> list[Recipient]:
    customers = {recipient.customer.pk: recipient.customer for recipient in recipients
                 if recipient.customer is not None}
    if not customers:
        return []
    guardians = list(crm_selectors.guardians_of(customer_ids=list(customers)))
    accounts = consumers_by_verified_email(emails=[guardian.email for guardian in guardians])
    found = []
    for guardian in guardians:
        user = accounts.get((guardian.email or "").lower())
        found.append(Recipient(key=f"user:{user.pk}" if user else f"guardian:{guardian.pk}", audience="customer",
                               name=guardian.name, email=guardian.email,
                               phone=str(guardian.phone) if guardian.phone else "",
                               language=user.language if user else "", user=user,
                               customer=customers[guardian.customer_id]))
    return found


audience_resolver_register("customer", _customer)
audience_expander_register("customer", _guardians)
audience_resolver_register("owner", _owner)
audience_resolver_register("staff", _staff)
