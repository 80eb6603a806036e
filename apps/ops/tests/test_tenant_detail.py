"""A tenant's page in the ops portal, as tabs: each tab renders for every HQ role that may
see tenants (and only the tabs the role may see), shows this tenant's rows and never
another's, and its usage numbers are the real counts the limits are enforced on."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.utils import timezone
from django_redis import get_redis_connection
from django_tenants.utils import schema_context

from apps.accounts.hq import HQ_ADMIN, HQ_MASTER, SECURITY_OFFICER, SUPPORT
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.billing.invoicing import invoice_issue_for_period
from apps.billing.models import AddOn, SubscriptionAddOn
from apps.billing.tests.factories import active_subscription, plan_with_price
from apps.ops.selectors import AUDIT_ROWS
from apps.ratelimit.limiter import month_key
from tests.admin_pages import portal_user
from tests.plugin import hq_client
from tests.workspace import make_branch, make_staff

ALL_TABS = ["general", "billing", "usage", "domains", "audit", "backups", "status_changes"]


def detail_url(tenant) -> str:
    return f"/admin/tenants/tenant/{tenant.pk}/change/"


def client_of(group):
    return hq_client() if group == HQ_ADMIN else portal_user(group)[0]


def tab_ids(response) -> list[str]:
    """The tabs the page offers (unfold's tab bar), in order."""
    return [item["inline"] for tab in response.context["tab_list"] for item in tab["items"]]


def sections(html: str) -> set[str]:
    return set(re.findall(r'id="([a-z_]+)-group"', html))


@pytest.fixture
def billed(tenant_alpha, tenant_beta):
    """Both tenants on a plan, each with invoices of its own and an audit trail of its own."""
    plan = plan_with_price("detail-basic", "30000", max_staff_users=5, max_branches=3, api_requests_per_month=1000)
    today = timezone.localdate()
    subscriptions = {"alpha": active_subscription(tenant_alpha, plan, start=today - dt.timedelta(days=3)),
                     "beta": active_subscription(tenant_beta, plan, start=today - dt.timedelta(days=5))}
    invoices = {slug: invoice_issue_for_period(subscription=sub, issue_date=today)
                for slug, sub in subscriptions.items()}
    for tenant in (tenant_alpha, tenant_beta):
        audit_record(action="branch.created", tenant=tenant, actor_email=f"secret-{tenant.slug}@audit.test")
    return {"plan": plan, "subscriptions": subscriptions, "invoices": invoices}


# --- Tabs per role -----------------------------------------------------------------------


@pytest.mark.parametrize("group,tabs", [
    (HQ_MASTER, ALL_TABS), (HQ_ADMIN, ALL_TABS), (SECURITY_OFFICER, ALL_TABS),
    (SUPPORT, ["general", "billing", "usage", "domains", "backups", "status_changes"]),
])
def test_each_tab_renders_for_the_roles_that_see_tenants(billed, tenant_alpha, group, tabs):
    response = client_of(group).get(detail_url(tenant_alpha))
    assert response.status_code == 200
    html = response.content.decode()
    assert tab_ids(response) == tabs
    # each tab's section is on the page ("domains" and "status_changes" are the inlines' groups)
    assert sections(html) >= set(tabs) and not sections(html) & (set(ALL_TABS) - set(tabs))
    assert 'id="tenant-overview"' in html and 'id="primary-host"' in html and "alpha.localhost" in html
    assert 'id="tenant-plan"' in html and "Detail-Basic (detail-basic)" in html and "₩30,000" in html
    assert billed["invoices"]["alpha"].number in html
    assert 'data-meter="staff_users"' in html and 'data-meter="branches"' in html
    assert ('id="tenant-audit"' in html) is ("audit" in tabs)


def test_support_sees_what_it_may_and_not_more(billed, tenant_alpha):
    client, _user = portal_user(SUPPORT)
    html = client.get(detail_url(tenant_alpha)).content.decode()
    # no audit: neither the tab nor a link into the audit log
    assert "secret-alpha@audit.test" not in html and "/admin/audit/auditevent/" not in html
    assert client.get(f"/admin/audit/auditevent/?tenant_slug={tenant_alpha.slug}").status_code == 403
    # billing is read: no "Change plan", no lifecycle buttons beyond the owner invite
    assert re.findall(r'data-action="([^"]+)"', html) == ["resend-invite"]
    assert f"/admin/billing/invoice/{billed['invoices']['alpha'].pk}/change/" in html
    assert client.get(f"/admin/billing/invoice/{billed['invoices']['alpha'].pk}/change/").status_code == 200
    # and the details are shown, not editable
    assert 'name="name"' not in html and 'name="_save"' not in html


# --- Isolation ---------------------------------------------------------------------------


@pytest.mark.parametrize("slug,other", [("alpha", "beta"), ("beta", "alpha")])
def test_a_tenant_page_shows_its_own_invoices_and_audit_only(billed, tenant_alpha, tenant_beta, slug, other):
    tenants = {"alpha": tenant_alpha, "beta": tenant_beta}
    response = hq_client().get(detail_url(tenants[slug]))
    html = response.content.decode()
    assert billed["invoices"][slug].number in html
    assert billed["invoices"][other].number not in html
    assert f"secret-{slug}@audit.test" in html and f"secret-{other}@audit.test" not in html
    assert {event.tenant_id for event in response.context["audit"]["events"]} == {tenants[slug].pk}
    assert {invoice.tenant_id for invoice in response.context["billing"]["invoices"]} == {tenants[slug].pk}
    assert response.context["billing"]["subscription"].tenant_id == tenants[slug].pk
    # the links to the full lists are narrowed to this tenant
    assert f"/admin/billing/invoice/?tenant__id__exact={tenants[slug].pk}" in html
    assert f"/admin/audit/auditevent/?tenant_slug={slug}" in html


def test_the_audit_tab_is_newest_first_and_limited(tenant_alpha):
    for number in range(AUDIT_ROWS + 5):
        audit_record(action="branch.updated", tenant=tenant_alpha, actor_email=f"row{number}@audit.test")
    response = hq_client().get(detail_url(tenant_alpha))
    audit = response.context["audit"]
    assert len(audit["events"]) == AUDIT_ROWS and audit["count"] >= AUDIT_ROWS + 5
    assert [e.pk for e in audit["events"]] == sorted((e.pk for e in audit["events"]), reverse=True)
    assert audit["events"][0].actor_email == f"row{AUDIT_ROWS + 4}@audit.test"
    html = response.content.decode()
    assert f"The last {AUDIT_ROWS} of {audit['count']} events." in html
    assert ">branch.updated<" not in html  # the action as a label, not its code


# --- Usage -------------------------------------------------------------------------------


def test_usage_numbers_are_the_real_counts(billed, tenant_alpha):
    from apps.branches.models import Branch
    from apps.staff.services import staff_count

    make_branch("alpha", "Gangnam")
    make_branch("alpha", "Jamsil")
    closed = make_branch("alpha", "Closed")
    with schema_context("alpha"):
        Branch.objects.filter(pk=closed.pk).update(is_active=False)
    make_staff("alpha", "teacher1@alpha.test", [])
    make_staff("alpha", "teacher2@alpha.test", [])
    get_redis_connection("default").set(month_key(tenant_alpha.pk), 321)
    addon = AddOn.objects.create(code="detail-branches", name="More branches", price=2000, limit_key="branches",
                                 limit_increase=2)
    SubscriptionAddOn.objects.create(subscription=billed["subscriptions"]["alpha"], addon=addon, quantity=1)
    from apps.billing.limits import limits_invalidate

    limits_invalidate(tenant_ids=[tenant_alpha.pk])
    with schema_context("alpha"):
        branches, staff = Branch.objects.filter(is_active=True).count(), staff_count()
    connection.set_schema_to_public()

    response = hq_client().get(detail_url(tenant_alpha))
    meters = {meter["key"]: meter for meter in response.context["usage"]["meters"]}
    assert (meters["branches"]["used"], meters["branches"]["limit"]) == (branches, 3 + 2) == (2, 5)
    assert (meters["staff_users"]["used"], meters["staff_users"]["limit"]) == (staff, 5)
    assert staff >= 3  # the owner and the two teachers
    assert (meters["api_requests"]["used"], meters["api_requests"]["limit"]) == (321, 1000)
    assert meters["storage"]["used"] > 0
    html = response.content.decode()
    assert "321 of 1,000" in html and "2 of 5" in html


def test_usage_of_a_tenant_without_a_schema_says_so(db):
    from apps.tenants.services import tenant_create

    waiting = tenant_create(slug="detail-wait", name="Waiting", business_type="academy",
                            owner_email="o@detail-wait.test", provision=False)
    response = hq_client().get(detail_url(waiting))
    assert response.status_code == 200 and response.context["usage"]["meters"] is None
    html = response.content.decode()
    assert "Nothing to count" in html and 'id="no-subscription"' in html and 'id="no-invoices"' in html


def test_the_pages_read_in_korean(billed, tenant_alpha):
    client = hq_client()
    client.cookies["django_language"] = "ko"
    html = client.get(detail_url(tenant_alpha), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    for korean in ("개요", "구독 및 청구서", "사용량", "감사", "상태 이력", "스키마 이름"):
        assert korean in html, korean
    for english in ("Subscription and invoices", "Schema name", "Is primary", "Plan limits"):
        assert english not in html, english


# --- Lists: one test per new filter --------------------------------------------------------


def result_pks(response) -> set:
    return {obj.pk for obj in response.context["cl"].result_list}


def test_tenant_list_filters_by_plan_and_created_range(billed, tenant_alpha, tenant_beta):
    from apps.tenants.models import Tenant

    other = plan_with_price("detail-other", "50000")
    Tenant.objects.filter(pk=tenant_beta.pk).update(created_at=timezone.now() - dt.timedelta(days=40))
    billed["subscriptions"]["beta"].plan = other
    billed["subscriptions"]["beta"].save()
    client = hq_client()
    by_plan = client.get(f"/admin/tenants/tenant/?subscription_plan={billed['plan'].pk}")
    assert result_pks(by_plan) == {tenant_alpha.pk}
    waiting = client.get("/admin/tenants/tenant/?subscription_plan=none")
    assert not result_pks(waiting) & {tenant_alpha.pk, tenant_beta.pk}
    since = (timezone.localdate() - dt.timedelta(days=7)).isoformat()
    recent = client.get(f"/admin/tenants/tenant/?created_at__date__gte={since}")
    assert tenant_alpha.pk in result_pks(recent) and tenant_beta.pk not in result_pks(recent)
    assert "By creation date" in recent.content.decode()


def test_invoice_list_filters_by_due_date_and_tenant(billed, tenant_alpha):
    from apps.billing.models import Invoice

    alpha, beta = billed["invoices"]["alpha"], billed["invoices"]["beta"]
    Invoice.objects.filter(pk=beta.pk).update(due_date=timezone.localdate() + dt.timedelta(days=60))
    client = hq_client()
    upto = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    response = client.get(f"/admin/billing/invoice/?due_date__lte={upto}")
    assert alpha.pk in result_pks(response) and beta.pk not in result_pks(response)
    response = client.get(f"/admin/billing/invoice/?tenant__id__exact={tenant_alpha.pk}")
    assert result_pks(response) == {alpha.pk}
    assert "Alpha Academy (alpha)" in response.content.decode()  # the filter says what the list is narrowed to


def test_subscription_list_filters_by_renewal_date(billed):
    from apps.billing.models import Subscription

    alpha, beta = billed["subscriptions"]["alpha"], billed["subscriptions"]["beta"]
    Subscription.objects.filter(pk=beta.pk).update(current_period_end=timezone.localdate() + dt.timedelta(days=90))
    upto = (timezone.localdate() + dt.timedelta(days=60)).isoformat()
    response = hq_client().get(f"/admin/billing/subscription/?current_period_end__lte={upto}")
    assert alpha.pk in result_pks(response) and beta.pk not in result_pks(response)


def test_membership_list_filters_by_tenant_and_created(tenant_alpha, tenant_beta):
    from apps.accounts.models import Membership

    client = hq_client()
    response = client.get(f"/admin/accounts/membership/?tenant__id__exact={tenant_alpha.pk}")
    assert result_pks(response) == set(Membership.objects.filter(tenant=tenant_alpha).values_list("pk", flat=True))
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    assert not result_pks(client.get(f"/admin/accounts/membership/?created_at__date__gte={tomorrow}"))


def test_inbound_list_filters_by_received_date(db):
    from apps.inbound.models import InboundEvent

    old = InboundEvent.objects.create(source="market", event_id="detail-old", event_type="test.old", payload={})
    new = InboundEvent.objects.create(source="market", event_id="detail-new", event_type="test.new", payload={})
    InboundEvent.objects.filter(pk=old.pk).update(received_at=timezone.now() - dt.timedelta(days=30))
    since = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    response = hq_client().get(f"/admin/inbound/inboundevent/?received_at__date__gte={since}")
    assert new.pk in result_pks(response) and old.pk not in result_pks(response)


def test_domain_list_filters_by_primary_and_reads_in_korean(tenant_alpha):
    from apps.tenants.models import Domain

    extra = Domain.objects.create(tenant=tenant_alpha, domain="alpha-detail.localhost", is_primary=False)
    client = hq_client()
    response = client.get("/admin/tenants/domain/?is_primary__exact=0")
    assert extra.pk in result_pks(response)
    assert not result_pks(response) & set(Domain.objects.filter(is_primary=True).values_list("pk", flat=True))
    client.cookies["django_language"] = "ko"
    html = client.get("/admin/tenants/domain/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "Is primary" not in html and "Primary domain" not in html


def test_audit_log_link_of_a_tenant_narrows_the_log(billed, tenant_alpha):
    response = hq_client().get(f"/admin/audit/auditevent/?tenant_slug={tenant_alpha.slug}")
    assert {AuditEvent.objects.get(pk=pk).tenant_slug for pk in result_pks(response)} == {"alpha"}


def test_addon_request_list_filters_by_tenant(billed, tenant_alpha, tenant_beta, owner_alpha, owner_beta):
    from apps.billing.addons import addon_request_create

    addon = AddOn.objects.create(code="detail-more", name="More", price=1000, limit_key="branches", limit_increase=1)
    mine = addon_request_create(tenant=tenant_alpha, addon=addon, quantity=1, note="", user=owner_alpha)
    addon_request_create(tenant=tenant_beta, addon=addon, quantity=1, note="", user=owner_beta)
    client = hq_client()
    page = client.get(detail_url(tenant_alpha)).content.decode()
    link = f"/admin/billing/addonrequest/?tenant__id__exact={tenant_alpha.pk}&amp;status__exact=pending"
    assert link in page
    response = client.get(link.replace("&amp;", "&"))
    assert result_pks(response) == {mine.pk}
