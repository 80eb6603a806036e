"""The ops portal through HTTP: MFA before any page, the dashboard, tenant detail and
support actions per HQ role, onboarding pages, and the audit log viewer."""

import csv
import io
import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group

from apps.accounts.hq import HQ_ADMIN, HQ_MASTER, SECURITY_OFFICER, SUPPORT
from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.onboarding.services import onboarding_open
from apps.tenants.models import Tenant
from apps.tenants.services import tenant_create
from tests.plugin import HQ_EMAIL, PASSWORD, client_for, hq_client, hq_login, totp_code

SECRET = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"


def staff_client(group, email=None):
    email = email or f"{group.lower()}@platform.test"
    user = User.objects.create_user(email, PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    TOTP.activate(user, SECRET)
    return hq_client(email=email, secret=SECRET), user


# --- MFA -------------------------------------------------------------------------------------


def test_password_alone_does_not_open_the_portal(db):
    client = client_for(None)
    response = client.post("/admin/login/?next=/admin/tenants/tenant/", {"username": HQ_EMAIL, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith("/admin/mfa/")
    for path in ("/admin/", "/admin/tenants/tenant/", "/admin/audit/auditevent/", "/admin/onboarding/"):
        page = client.get(path)
        assert page.status_code == 302 and "/admin/login/" in page["Location"]
    # the login page sends a half-logged-in person on to the code
    assert client.get("/admin/login/")["Location"].startswith("/admin/mfa/")


def test_wrong_codes_are_refused_recorded_and_end_the_session_after_five(db):
    client = client_for(None)
    client.post("/admin/login/", {"username": HQ_EMAIL, "password": PASSWORD})
    for attempt in range(4):
        response = client.post("/admin/mfa/", {"code": "000000"})
        assert response.status_code == 200 and "not valid" in response.content.decode()
    response = client.post("/admin/mfa/", {"code": "000000"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert AuditEvent.objects.filter(action="auth.mfa_failed", category="security").count() == 5
    # logged out: a right code no longer helps
    assert client.post("/admin/mfa/", {"code": totp_code()}).status_code == 302
    assert client.get("/admin/").status_code == 302


def test_right_code_opens_the_portal_and_is_recorded(db):
    client = client_for(None)
    response = hq_login(client)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.mfa_succeeded", actor__email=HQ_EMAIL).exists()


def test_staff_without_an_authenticator_enrol_first(db):
    user = User.objects.create_user("new@platform.test", PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=SUPPORT))
    client = client_for(None)
    client.post("/admin/login/", {"username": user.email, "password": PASSWORD})
    response = client.get("/admin/mfa/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/mfa/setup/")
    page = client.get(response["Location"])
    assert page.status_code == 200 and b"<svg" in page.content
    secret = page.context["secret"]
    assert client.post("/admin/mfa/setup/", {"code": "123456"}).status_code == 200
    assert client.get("/admin/").status_code == 302
    response = client.post("/admin/mfa/setup/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    assert user.authenticator_set.filter(type="totp").exists()
    assert AuditEvent.objects.filter(action="auth.mfa_enrolled", actor=user).exists()


def test_tenant_owner_gets_no_mfa_page(db):
    client = client_for(None)
    client.post("/admin/login/", {"username": "owner@alpha.test", "password": PASSWORD})
    response = client.get("/admin/mfa/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


# --- Dashboard -------------------------------------------------------------------------------


def test_dashboard_shows_charts_and_problems(db):
    failed = tenant_create(slug="dash-fail", name="Dash Fail", business_type="food", owner_email="o@dash.test",
                           provision=False)
    Tenant.objects.filter(pk=failed.pk).update(status="failed", provisioning_error="RuntimeError: boom")
    page = hq_client().get("/admin/")
    assert page.status_code == 200
    html = page.content.decode()
    for card in ("card-status", "card-signups", "card-funnel", "card-provisioning-failures", "card-webhooks",
                 "card-audit"):
        assert f'id="{card}"' in html
    assert html.count("<svg") >= 3 and "dash-fail" in html and "RuntimeError: boom" in html
    assert 'data-key="active"' in html


def test_dashboard_hides_the_audit_card_from_support(db):
    client, _user = staff_client(SUPPORT)
    html = client.get("/admin/").content.decode()
    assert 'id="card-status"' in html and 'id="card-audit"' not in html
    assert client.get("/admin/audit/auditevent/").status_code == 403


# --- Tenant detail and support actions -------------------------------------------------------


def test_tenant_detail_shows_usage_history_and_actions(tenant_alpha):
    html = hq_client().get(f"/admin/tenants/tenant/{tenant_alpha.pk}/change/").content.decode()
    assert 'id="tenant-overview"' in html and "alpha.localhost" in html
    assert 'id="usage-members"' in html and "Schema size" in html
    assert 'data-action="suspend"' in html and 'data-action="resend-invite"' in html
    assert 'data-action="delete"' not in html  # HQ_ADMIN may not delete
    assert "status history" in html.lower()


def test_suspend_and_reactivate_through_the_portal(tenant_alpha):
    client = hq_client()
    url = f"/admin/tenants/tenant/{tenant_alpha.pk}/lifecycle/suspend/"
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Suspend" in confirm.content.decode()
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200  # the reason is required
    tenant_alpha.refresh_from_db()
    assert tenant_alpha.status == "active"
    response = client.post(url, {"reason": "chargeback investigation"})
    assert response.status_code == 302
    tenant_alpha.refresh_from_db()
    assert tenant_alpha.status == "suspended" and tenant_alpha.suspended_reason == "chargeback investigation"
    assert client_for("alpha").get("/api/v1/me/").status_code == 403
    page = client.get(response["Location"]).content.decode()
    assert 'data-action="reactivate"' in page and "chargeback investigation" in page
    assert client.post(f"/admin/tenants/tenant/{tenant_alpha.pk}/lifecycle/reactivate/", {}).status_code == 302
    tenant_alpha.refresh_from_db()
    assert tenant_alpha.status == "active"
    event = AuditEvent.objects.filter(action="tenant.reactivated").first()
    assert event.actor.email == HQ_EMAIL and event.ip == "127.0.0.1" and event.request_id


@pytest.mark.parametrize("group,action,allowed", [
    (SUPPORT, "suspend", False), (SUPPORT, "resend-invite", True), (SECURITY_OFFICER, "suspend", True),
    (HQ_ADMIN, "delete", False), (HQ_MASTER, "delete", True),
])
def test_actions_per_role_in_the_ui(tenant_alpha, group, action, allowed):
    client, user = staff_client(group)
    url = f"/admin/tenants/tenant/{tenant_alpha.pk}/lifecycle/{action}/"
    detail = client.get(f"/admin/tenants/tenant/{tenant_alpha.pk}/change/").content.decode()
    assert (f'data-action="{action}"' in detail) is allowed
    response = client.post(url, {"reason": "test"})
    if allowed:
        assert response.status_code == 302
    else:
        assert response.status_code == 403
        assert AuditEvent.objects.filter(action="auth.permission_denied", actor=user).exists()


def test_illegal_action_shows_a_message_and_changes_nothing(tenant_alpha):
    client = hq_client()
    response = client.post(f"/admin/tenants/tenant/{tenant_alpha.pk}/lifecycle/reactivate/", {}, follow=True)
    assert "Only a suspended tenant can be reactivated." in response.content.decode()
    tenant_alpha.refresh_from_db()
    assert tenant_alpha.status == "active"


# --- Onboarding pages ------------------------------------------------------------------------


def test_onboarding_through_the_pages(db, django_capture_on_commit_callbacks):
    from apps.billing.models import Plan
    from apps.onboarding.services import step_approve

    plan = Plan.objects.create(code="page-plan", name="Page plan")
    tenant = tenant_create(slug="page-onb", name="Page Onboard", business_type="academy",
                           owner_email="o@page-onb.test", provision=False)
    onboarding_open(tenant=tenant)
    client = hq_client()
    board = client.get("/admin/onboarding/").content.decode()
    assert 'data-column="sales"' in board and "Page Onboard" in board
    url = f"/admin/tenants/tenant/{tenant.pk}/onboarding/"
    page = client.get(url).content.decode()
    # "plan" ticks itself (no button), "data-import" waits for activation (no button yet)
    assert page.count('class="check-toggle"') == 3 and 'id="checklist-after-activation"' in page
    assert "ticks itself" in page
    for item in tenant.checklist.filter(key__in=["contract", "payment", "role-template"]):
        client.post(url, {"op": "check", "item": item.pk, "done": "1"})
    refused = client.post(url, {"op": "check", "item": tenant.checklist.get(key="data-import").pk, "done": "1"},
                          follow=True)
    assert "after activation" in refused.content.decode()
    Tenant.objects.filter(pk=tenant.pk).update(plan=plan)
    assert client.post(url, {"op": "approve", "step": tenant.approval_steps.get(stage="sales").pk,
                             "comment": "sales ok"}).status_code == 302
    # four-eyes: the same person may not approve the next stage
    response = client.post(url, {"op": "approve", "step": tenant.approval_steps.get(stage="security").pk},
                           follow=True)
    assert "Four-eyes rule" in response.content.decode()
    for stage in ("security", "technical"):
        _client, user = staff_client(HQ_ADMIN, email=f"{stage}@platform.test")
        step_approve(step=tenant.approval_steps.get(stage=stage), actor=user, comment=f"{stage} ok")
    activator, _user = staff_client(HQ_ADMIN, email="activation@platform.test")
    page = activator.get(url).content.decode()
    assert "Approve and activate" in page and "security ok" in page and "(4/4)" in page
    with django_capture_on_commit_callbacks(execute=False):
        response = activator.post(url, {"op": "approve", "step": tenant.approval_steps.get(stage="activation").pk},
                                  follow=True)
    assert "Page Onboard is being provisioned" in response.content.decode()
    tenant.refresh_from_db()
    assert tenant.status == "provisioning"


def test_onboarding_errors_are_shown(db):
    tenant = tenant_create(slug="page-err", name="Err", business_type="academy", owner_email="o@page-err.test",
                           provision=False)
    onboarding_open(tenant=tenant)
    client = hq_client()
    url = f"/admin/tenants/tenant/{tenant.pk}/onboarding/"
    response = client.post(url, {"op": "reject", "step": tenant.approval_steps.get(stage="sales").pk,
                                 "comment": ""}, follow=True)
    assert "Say why the step is rejected." in response.content.decode()


def test_add_tenant_through_the_approval_chain(db):
    client = hq_client()
    response = client.post("/admin/tenants/tenant/add/", {
        "slug": "chain-co", "name": "Chain Co", "business_type": "food", "kind": "customer",
        "owner_email": "o@chain.test", "locale": "ko", "timezone": "Asia/Seoul", "through_approval": "on"})
    tenant = Tenant.objects.get(slug="chain-co")
    assert response.status_code == 302 and response["Location"].endswith(f"/{tenant.pk}/onboarding/")
    assert tenant.status == "requested" and tenant.approval_steps.count() == 4


# --- Audit log viewer ------------------------------------------------------------------------


def test_audit_log_filters_search_and_is_read_only(tenant_alpha):
    client = hq_client()
    page = client.get("/admin/audit/auditevent/?tenant_slug=alpha&q=tenant.provisioned")
    assert page.status_code == 200 and "tenant.provisioned" in page.content.decode()
    event = AuditEvent.objects.filter(tenant_slug="alpha").first()
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    assert client.post(f"/admin/audit/auditevent/{event.pk}/delete/").status_code == 403
    change = client.post(f"/admin/audit/auditevent/{event.pk}/change/", {"action": "forged"})
    assert change.status_code in (200, 403)
    event.refresh_from_db()
    assert event.action != "forged"
    ranged = client.get("/admin/audit/auditevent/?created_at__date__gte=2000-01-01&created_at__date__lte=2000-01-02")
    assert ranged.status_code == 200 and ranged.context["cl"].result_count == 0
    assert page.context["cl"].result_count >= 1
    assert client.get("/admin/audit/auditevent/?created_at__date__gte=not-a-date").status_code in (200, 302)


def test_audit_csv_export_follows_the_filters(tenant_alpha):
    client = hq_client()
    response = client.get("/admin/audit/auditevent/export.csv?tenant_slug=alpha")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["created_at", "category", "action"]
    tenant_column = rows[0].index("tenant_slug")
    assert len(rows) > 1 and {row[tenant_column] for row in rows[1:]} == {"alpha"}
    assert AuditEvent.objects.filter(action="audit.exported", actor__email=HQ_EMAIL).exists()


def test_audit_export_refused_to_support(db):
    client, _user = staff_client(SUPPORT)
    assert client.get("/admin/audit/auditevent/export.csv").status_code == 403


def test_tamper_check_fails_after_a_manual_edit(db):
    from django.core.management import CommandError, call_command
    from django.db import connection

    out = io.StringIO()
    call_command("verify_audit_log", stdout=out)
    event = AuditEvent.objects.order_by("-id").first()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'tenant.nothing' WHERE id = %s", [event.pk])
    with pytest.raises(CommandError, match="TAMPERED"):
        call_command("verify_audit_log", stdout=io.StringIO(), stderr=io.StringIO())


def test_domain_changes_go_through_the_service_and_are_audited(tenant_alpha):
    client = hq_client()
    response = client.post("/admin/tenants/domain/add/", {"domain": "Alpha-Extra.localhost",
                                                          "tenant": tenant_alpha.pk, "is_primary": ""})
    assert response.status_code == 302
    domain = tenant_alpha.domains.get(domain="alpha-extra.localhost")
    event = AuditEvent.objects.filter(action="tenant.domain_saved", tenant_slug="alpha").first()
    assert event.changes["domain"] == [None, "alpha-extra.localhost"] and event.actor.email == HQ_EMAIL
    assert client_for("alpha-extra").get("/").status_code == 200  # routed to alpha at once
    client.post(f"/admin/tenants/domain/{domain.pk}/delete/", {"post": "yes"})
    assert not tenant_alpha.domains.filter(domain="alpha-extra.localhost").exists()
    assert AuditEvent.objects.filter(action="tenant.domain_deleted", tenant_slug="alpha").exists()


def test_mfa_page_shows_nothing_of_the_portal(db):
    client = client_for(None)
    client.post("/admin/login/", {"username": HQ_EMAIL, "password": PASSWORD})
    html = client.get("/admin/mfa/").content.decode()
    assert 'name="code"' in html
    for leak in ("app-tenants", "/admin/tenants/", "/admin/audit/", "nav-sidebar"):
        assert leak not in html, leak


def test_dashboard_query_count_does_not_grow_with_tenants(db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = hq_client()

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/admin/").status_code == 200
        return len(queries)

    before = count()
    for n in range(5):
        tenant = tenant_create(slug=f"dash-q{n}", name=f"Q{n}", business_type="food", owner_email=f"q{n}@dash.test",
                               provision=False)
        onboarding_open(tenant=tenant)
    assert count() == before


def test_confirmation_pages_explain_each_action_from_the_registry(tenant_alpha):
    from apps.tenants.lifecycle import retention_period

    client, _ = staff_client(HQ_MASTER)
    base = f"/admin/tenants/tenant/{tenant_alpha.pk}/lifecycle"
    delete = client.get(f"{base}/delete/").content.decode()
    assert f"It can be restored for {retention_period().days} days" in delete and 'class="button danger"' in delete
    invite = client.get(f"{base}/resend-invite/").content.decode()
    assert f"goes to {tenant_alpha.owner_email}" in invite and ">Send the invite</button>" in invite
    plan = client.get(f"{base}/change-plan/").content.decode()
    assert 'id="plan-current"' in plan and ">Change plan</button>" in plan
    page = client.get(f"/admin/tenants/tenant/{tenant_alpha.pk}/change/").content.decode()
    assert [key for key in re.findall(r'data-action="([^"]+)"', page)] == ["suspend", "delete", "resend-invite",
                                                                          "change-plan"]
    assert client.get(f"{base}/no-such-action/").status_code == 403
