"""The ops portal's "Add tenant" form and tenant detail: choices rather than free text,
one slug message, and messages that name the company."""

import re

import pytest
from django.contrib.messages import get_messages

from apps.audit.models import AuditEvent
from apps.tenants.models import Tenant
from tests.plugin import hq_client

ADD_URL = "/admin/tenants/tenant/add/"


def add_form(**overrides):
    return {"slug": "seoul-yoga", "name": "Seoul Yoga", "business_type": "service", "kind": "customer",
            "owner_email": "o@seoul-yoga.test", "locale": "ko", "timezone": "Asia/Seoul", "through_approval": "on",
            **overrides}


def options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no <select> for {name}"
    return re.findall(r'<option value="([^"]*)"', select.group(1))


def test_add_form_offers_choices_and_no_platform_business_type(db):
    html = hq_client().get(ADD_URL).content.decode()
    assert "platform" not in options(html, "business_type")
    assert set(options(html, "business_type")) >= {"academy", "food", "retail", "service"}
    assert options(html, "locale") == ["en", "ko"]
    zones = options(html, "timezone")
    assert "Asia/Seoul" in zones and "Europe/Berlin" in zones and len(zones) > 300
    assert options(html, "kind") == ["customer", "demo"]  # internal is the HQ tenant only
    assert 'name="locale" type="text"' not in html


@pytest.mark.parametrize("field,value", [("business_type", "platform"), ("locale", "xx"),
                                         ("timezone", "Mars/Olympus"), ("kind", "internal")])
def test_add_form_refuses_values_outside_the_choices(db, field, value):
    response = hq_client().post(ADD_URL, add_form(**{field: value}))
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not Tenant.objects.filter(slug="seoul-yoga").exists()


@pytest.mark.parametrize("slug", ["univ_8", "my shop", "Ab", "a" * 41, "-abc", "abc-"])
def test_one_slug_message_of_our_own_rule(db, slug):
    response = hq_client().post(ADD_URL, add_form(slug=slug))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["slug"]
    assert errors == ["Use 3-40 lowercase letters, digits and hyphens, starting with a letter and not ending "
                      "with a hyphen."], errors
    assert "underscores" not in response.content.decode()


def test_add_tenant_names_the_company_and_keeps_locale_and_time_zone(db):
    client = hq_client()
    response = client.post(ADD_URL, add_form(locale="en", timezone="Europe/Berlin"))
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    tenant = Tenant.objects.get(slug="seoul-yoga")
    assert (tenant.locale, tenant.timezone, tenant.status) == ("en", "Europe/Berlin", "requested")
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts == ["Seoul Yoga waits for approval."]
    response = hq_client().post(ADD_URL, add_form(slug="busan-yoga", name="Busan Yoga", through_approval=""))
    tenant = Tenant.objects.get(slug="busan-yoga")
    assert response.status_code == 302 and response["Location"].endswith(f"/{tenant.pk}/change/")
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Provisioning of Busan Yoga has started."]


def test_add_a_demo_tenant_gets_an_end_date(db, settings):
    settings.TENANT_DEMO_DAYS = 7
    hq_client().post(ADD_URL, add_form(kind="demo"))
    tenant = Tenant.objects.get(slug="seoul-yoga")
    assert tenant.kind == "demo" and tenant.demo_expires_at is not None
    assert (tenant.demo_expires_at - tenant.created_at).days == 6  # 7 days less a few milliseconds


def test_detail_form_edits_locale_and_time_zone_as_choices(tenant_alpha):
    client = hq_client()
    url = f"/admin/tenants/tenant/{tenant_alpha.pk}/change/"
    html = client.get(url).content.decode()
    assert "Asia/Seoul" in options(html, "timezone") and options(html, "locale") == ["en", "ko"]
    page = client.get(url)
    form = page.context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data.update({"plan": "", "timezone": "Mars/Olympus", "domains-TOTAL_FORMS": "0", "domains-INITIAL_FORMS": "0",
                 "status_changes-TOTAL_FORMS": "0", "status_changes-INITIAL_FORMS": "0"})
    data = {key: value for key, value in data.items() if value is not None}
    response = client.post(url, data)
    assert response.status_code == 200 and "timezone" in response.context["adminform"].form.errors
    data["timezone"] = "Europe/Berlin"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    tenant_alpha.refresh_from_db()
    assert tenant_alpha.timezone == "Europe/Berlin"
    assert AuditEvent.objects.filter(action="tenant.updated", tenant_slug="alpha",
                                     changes__timezone=["Asia/Seoul", "Europe/Berlin"]).exists()


def test_lifecycle_messages_name_the_company(tenant_alpha):
    client = hq_client()
    response = client.post(f"/admin/tenants/tenant/{tenant_alpha.pk}/lifecycle/suspend/", {"reason": "unpaid"})
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Suspend tenant: done for Alpha Academy."]
