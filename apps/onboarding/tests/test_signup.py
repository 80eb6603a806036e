"""Zero-touch sign-up on the public host."""

import pytest
from django.core import mail

from apps.billing.models import Plan
from apps.onboarding.models import ApprovalStep
from apps.tenants.models import Tenant
from tests.plugin import client_for

URL = "/api/v1/platform/signup/"


@pytest.fixture
def plans(db):
    return (Plan.objects.create(code="self-start", name="Self start", self_signup=True),
            Plan.objects.create(code="enterprise", name="Enterprise", self_signup=False))


def body(**overrides):
    return {"business_type": "academy", "company_name": "Sunny Academy", "subdomain": "sunny",
            "owner_email": "Kim@Sunny.test", "owner_name": "Kim", "plan": "self-start", **overrides}


def test_self_signup_plan_provisions_without_approval(plans, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client_for(None).post(URL, body(), content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    tenant = Tenant.objects.get(slug="sunny")
    assert data["status"] == "provisioning"
    assert len([cb for cb in callbacks if "_queue_provisioning" in cb.__qualname__]) == 1  # a worker provisions it
    assert data["tenant_url"] == "http://sunny.localhost/"
    assert data["status_url"].endswith(f"/api/v1/platform/tenants/status/{tenant.public_id}/")
    assert tenant.plan.code == "self-start" and not tenant.approval_steps.exists()
    assert tenant.owner_email == "kim@sunny.test"


def test_plan_without_self_signup_waits_for_approval(plans):
    response = client_for(None).post(URL, body(plan="enterprise"), content_type="application/json")
    assert response.status_code == 201
    assert response.json()["status"] == "requested"
    tenant = Tenant.objects.get(slug="sunny")
    assert [s.stage for s in tenant.approval_steps.all()] == ApprovalStep.ORDER
    assert tenant.checklist.count() == 5


@pytest.mark.parametrize("field,value,fragment", [
    ("subdomain", "Sunny Side", "lowercase"),
    ("subdomain", "admin", "reserved"),
    ("subdomain", "alpha", "already taken"),
    ("owner_email", "not-an-email", "valid email"),
    ("plan", "gold", "not exist"),
    ("business_type", "platform", "valid choice"),
])
def test_invalid_signups_get_clear_errors(plans, field, value, fragment):
    mail.outbox.clear()
    response = client_for(None).post(URL, body(**{field: value}), content_type="application/json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert any(fragment in message for message in error["details"][field]), error
    assert not Tenant.objects.filter(slug="sunny").exists() and not mail.outbox


def test_status_of_unknown_id_is_404(db):
    response = client_for(None).get("/api/v1/platform/tenants/status/6f1c1f0e-0000-4000-8000-000000000000/")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
