from django.core.cache import cache
from django.db import connection

from apps.audit.models import AuditEvent
from apps.billing.models import Subscription
from apps.billing.tests.factories import plan_with_price
from apps.flags.cache import VERSION_KEY
from apps.flags.evaluation import flag_enabled
from apps.flags.models import Flag
from apps.industry.models import IndustryTemplate, TemplateApplication
from apps.industry.selectors import template_current
from apps.industry.services import template_publish
from apps.tenants.models import Tenant
from apps.tenants.services import tenant_create
from tests.plugin import create_provisioned


def test_every_business_type_has_a_seeded_template(db):
    assert {t.business_type for t in IndustryTemplate.objects.filter(version=1)} == {"academy", "food", "retail",
                                                                                      "service"}
    food = template_current(business_type="food")
    assert any(item["name_ko"] == "김치찌개" for item in food.sample_catalog)
    assert {n["language"] for n in food.notification_templates} == {"en", "ko"}


def test_provisioning_applies_the_current_template(db, hq_user, django_capture_on_commit_callbacks):
    plan = plan_with_price("starter", "15000", trial_days=14)
    Flag.objects.create(key="kiosk", description="Kiosk ordering")
    current = template_current(business_type="food")
    current.default_plan = plan
    current.default_flags = {"kiosk": True}
    v2 = template_publish(template=current, actor=hq_user)
    assert v2.version == 2 and AuditEvent.objects.filter(action="industry_template.published").exists()

    tenant = create_provisioned(slug="gamma-food", name="Gamma", business_type="food", owner_email="o@gamma.test")
    connection.set_schema_to_public()
    tenant = Tenant.objects.select_related("plan").get(pk=tenant.pk)
    assert tenant.status == Tenant.Status.ACTIVE, tenant.provisioning_error
    application = TemplateApplication.objects.get(tenant=tenant)
    assert application.template == v2 and application.result["flags"] == {"kiosk": True}
    # zero-touch sign-up without a chosen plan gets the industry's default: on its subscription,
    # which owns the plan (the tenant's own row keeps what it asked for: nothing)
    subscription = Subscription.objects.get(tenant=tenant)
    assert subscription.plan == plan and tenant.plan is None
    assert subscription.status == Subscription.Status.TRIALING and subscription.trial_ends_on
    cache.delete(VERSION_KEY)
    assert flag_enabled("kiosk", tenant=tenant) is True

    # a later edit is a new version: the tenant keeps what it got
    v2.default_flags = {"kiosk": False}
    v3 = template_publish(template=v2, actor=hq_user)
    assert v3.version == 3
    assert TemplateApplication.objects.get(tenant=tenant).template_id == v2.pk
    assert IndustryTemplate.objects.get(pk=v2.pk).default_flags == {"kiosk": True}


def test_tenant_with_a_chosen_plan_keeps_it_and_pays_first(db):
    chosen = plan_with_price("pro", "50000")  # no trial: awaits the first payment
    created = tenant_create(slug="delta-x", name="Delta", business_type="academy", owner_email="o@delta.test",
                            provision=False)
    Tenant.objects.filter(pk=created.pk).update(plan=chosen, status=Tenant.Status.PROVISIONING)
    from apps.tenants.services import tenant_provision

    tenant = tenant_provision(tenant_id=created.pk)
    connection.set_schema_to_public()
    subscription = Subscription.objects.get(tenant=tenant)
    assert subscription.plan == chosen and subscription.status == Subscription.Status.INCOMPLETE
    invoice = subscription.invoices.get()
    assert invoice.status == "open" and invoice.total == 55000
