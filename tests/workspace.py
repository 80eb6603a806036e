"""Helpers for workspace tests (staff with roles and branches, branches, customers)."""

from __future__ import annotations

from django.db import connection
from django_tenants.utils import schema_context

from apps.accounts.models import Membership, User
from apps.accounts.services import membership_ensure
from tests.plugin import PASSWORD, client_for, obtain_tokens


def tenant(slug: str):
    from apps.tenants.models import Tenant

    return Tenant.objects.get(slug=slug)


def make_staff(slug: str, email: str, roles: list[str], branches=()) -> User:
    from apps.rbac.models import Role
    from apps.rbac.services import role_assign
    from apps.staff.services import staff_profile_ensure

    user = User.objects.filter(email=email).first() or User.objects.create_user(email, PASSWORD)
    membership_ensure(user=user, tenant=tenant(slug), kind=Membership.Kind.STAFF)
    with schema_context(slug):
        staff_profile_ensure(user=user)
        for key in roles:
            role_assign(user=user, role=Role.objects.get(key=key), branches=list(branches))
    return user


def make_branch(slug: str, name: str):
    from apps.branches.models import Branch

    with schema_context(slug):
        return Branch.objects.create(name=name)


def make_customer(slug: str, name: str, branch=None, **extra):
    from apps.crm.models import Customer

    with schema_context(slug):
        return Customer.objects.create(name=name, branch=branch, **extra)


def api(slug: str, email: str, **extra):
    """A client on `slug` with a bearer token for `email`."""
    tokens = obtain_tokens(slug, email)
    return client_for(slug, HTTP_AUTHORIZATION=f"Bearer {tokens['access']}", **extra)


def api_key_client(slug: str, perms: list[str], **create):
    from apps.apikeys.services import api_key_create
    from apps.authz import catalogue

    with schema_context(slug):
        key, secret = api_key_create(name="test key", perms=perms, actor=None,
                                     actor_perms={catalogue.django_perm(k) for k in perms}, **create)
    connection.set_schema_to_public()
    return client_for(slug, HTTP_AUTHORIZATION=f"Api-Key {secret}"), key


# --- Committed data for tests through real processes (web server, Celery worker) ----------


def in_schema(schema: str, function, *args, **kwargs):
    """`function(*args, **kwargs)` in `schema`, back to the public schema after."""
    with schema_context(schema):
        result = function(*args, **kwargs)
    connection.set_schema_to_public()
    return result


def staff_committed(tenant, email: str, name: str, role: str, branches=()) -> User:
    """A staff login of `tenant` holding one role template (kitchen, rider, teacher ...) at
    `branches`, made through the services on committed data."""
    from apps.rbac.models import Role
    from apps.rbac.services import role_assign
    from apps.staff.services import staff_profile_ensure

    user = User.objects.create_user(email, PASSWORD, full_name=name)
    membership_ensure(user=user, tenant=tenant, kind=Membership.Kind.STAFF)
    with schema_context(tenant.schema_name):
        staff_profile_ensure(user=user)
        role_assign(user=user, role=Role.objects.get(key=role), branches=list(branches))
    connection.set_schema_to_public()
    return user


def worker_idle(schema: str) -> bool:
    """Nothing left for the Celery worker in `schema`: every event dispatched, no message
    queued or being sent."""
    from apps.events.models import Event
    from apps.notifications.models import Delivery

    with schema_context(schema):
        idle = not (Event.objects.filter(dispatched_at__isnull=True).exists()
                    or Delivery.objects.filter(status__in=[Delivery.Status.QUEUED, Delivery.Status.SENDING]).exists())
    connection.set_schema_to_public()
    return idle


def let_the_worker_finish(schema: str, seconds: float = 30) -> None:
    """Wait for worker_idle before a test's committed data is removed."""
    from tests.plugin import wait_for

    try:
        wait_for(lambda: worker_idle(schema), f"the worker to finish with {schema}", seconds=seconds)
    except AssertionError:  # the cleanup may then race the worker; the test's own outcome stands
        pass
