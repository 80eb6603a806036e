"""A provisioned workspace for the request benchmarks: its plan without rate limits, its
owner with a known password, some customers; the owner's access token."""

from __future__ import annotations


def workspace_with_customers(*, slug: str, name: str, customers: int, password: str) -> str:
    from django.db import connection
    from django.test import Client

    from apps.accounts.models import User
    from apps.billing.catalog import plan_save
    from apps.billing.models import Subscription
    from tests.plugin import create_provisioned

    tenant = create_provisioned(slug=slug, name=name, business_type="academy", owner_email=f"owner@{slug}.test")
    connection.set_schema_to_public()
    subscription = Subscription.objects.filter(tenant=tenant).select_related("plan").first()
    if subscription is not None:  # none when the database has no default plan: no limits then
        plan = subscription.plan
        plan.api_requests_per_minute = plan.api_requests_per_month = None
        plan_save(plan=plan, actor=None)
    owner = User.objects.get(email=f"owner@{slug}.test")
    owner.set_password(password)
    owner.save()
    client = Client(HTTP_HOST=f"{slug}.localhost")
    response = client.post("/api/v1/auth/token/", {"email": owner.email, "password": password},
                           content_type="application/json")
    assert response.status_code == 200, response.content
    access = response.json()["access"]
    for n in range(customers):
        created = client.post("/api/v1/customers/", {"name": f"Customer {n}", "email": f"c{n}@{slug}.test"},
                              content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {access}")
        assert created.status_code == 201, created.content
    connection.set_schema_to_public()
    return access
