"""Admin pages show times in the workspace's time zone (found by QA: an order taken at 18:59
in Seoul showed as 9:59 a.m.); the API keeps answering in UTC."""

import datetime as dt

from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.crm.models import Customer
from tests.admin_pages import tenant_admin_client
from tests.workspace import api, make_customer


def test_the_tenant_admin_shows_seoul_time_and_the_api_utc(db):
    customer = make_customer("alpha", "Seoul Evening")
    moment = dt.datetime(2026, 3, 2, 9, 59, tzinfo=dt.UTC)  # 18:59 in Seoul
    with schema_context("alpha"):
        Customer.objects.filter(pk=customer.pk).update(created_at=moment)
    connection.set_schema_to_public()
    page = tenant_admin_client("owner@alpha.test").get("/admin/crm/customer/", {"q": "Seoul Evening"})
    html = page.content.decode()
    assert page.status_code == 200 and "Seoul Evening" in html
    assert "6:59 p.m." in html and "9:59 a.m." not in html
    row = api("alpha", "owner@alpha.test").get(f"/api/v1/customers/{customer.pk}/").json()
    assert row["created_at"] == "2026-03-02T09:59:00Z"
    assert timezone.get_current_timezone_name() == "UTC"  # nothing left activated after the request
