"""Every page of both admin sites renders in the theme (django-unfold): each registered
model's list, add and change pages and history, and the sites' own pages (dashboard,
onboarding board, lifecycle confirmations, flag and role matrices, customer import, the
password change), as the person with the widest access there. None shows stock Django
admin or django-tenants' colour-coding of shared/tenant apps."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse as django_reverse

from apps.core.admin_sites import ops_admin, tenant_admin
from tests.admin_pages import tenant_admin_client
from tests.plugin import PASSWORD, hq_client

SUPER_EMAIL = "theme-super@platform.test"
SUPER_SECRET = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"
# django-tenants' admin templates (index.html, app_list.html with TENANT_COLOR_ADMIN_APPS)
TENANT_COLOUR_MARKS = ("tenant-app", "public-disabled", "#008000", "Not available for this type of schema")
# stock Django admin's look
STOCK_MARKS = ('href="/static/admin/css/base.css"', 'id="header"', "Django administration")


def assert_themed(response, path: str):
    assert response.status_code == 200, f"{path}: {response.status_code}"
    html = response.content.decode()
    assert "unfold/css/styles.css" in html, f"{path}: not unfold's layout"
    assert "site/admin.css" in html, f"{path}: without the sites' own styles"
    for mark in TENANT_COLOUR_MARKS + STOCK_MARKS:
        assert mark not in html, f"{path}: shows {mark!r}"
    return html


URLCONFS = {"ops_admin": "platform_.urls_public", "tenant_admin": "platform_.urls_tenant"}


def _pages(site, client, objects_for) -> list[str]:
    """Each registered model's pages for this client: list, add (if allowed), and the first
    listed object's change page and history."""
    paths = []

    def reverse(name, args=None):
        return django_reverse(name, args=args, urlconf=URLCONFS[site.name])

    for model in site._registry:
        opts = model._meta
        changelist = reverse(f"{site.name}:{opts.app_label}_{opts.model_name}_changelist")
        response = client.get(changelist)
        if response.status_code == 403:  # a business module's page in another kind of workspace (a kitchen's here)
            continue
        if response.status_code == 302:  # a single-row model opens its form
            paths.append(response["Location"])
            continue
        paths.append(changelist)
        if response.context and response.context.get("has_add_permission"):
            paths.append(reverse(f"{site.name}:{opts.app_label}_{opts.model_name}_add"))
        rows = list(response.context["cl"].result_list[:1]) if response.context and "cl" in response.context else []
        rows = rows or objects_for(model)
        for row in rows[:1]:
            paths.append(reverse(f"{site.name}:{opts.app_label}_{opts.model_name}_change", args=[row.pk]))
            paths.append(reverse(f"{site.name}:{opts.app_label}_{opts.model_name}_history", args=[row.pk]))
    return paths


@pytest.fixture
def ops_superuser(db):
    from allauth.mfa.totp.internal.auth import TOTP

    from apps.accounts.models import User

    user = User.objects.create_superuser(SUPER_EMAIL, PASSWORD)
    TOTP.activate(user, SUPER_SECRET)
    return hq_client(email=SUPER_EMAIL, secret=SUPER_SECRET)


def test_every_ops_portal_page_is_themed(ops_superuser, tenant_alpha):
    from apps.onboarding.services import onboarding_open
    from apps.ops.actions import TENANT_ACTIONS
    from apps.tenants.services import tenant_create

    client = ops_superuser
    waiting = tenant_create(slug="theme-wait", name="Theme Waiting", business_type="academy",
                            owner_email="owner@theme-wait.test", provision=False)
    onboarding_open(tenant=waiting)
    batch = _settled_batch(tenant_alpha)
    paths = _pages(ops_admin, client, lambda model: [])
    paths += ["/admin/", "/admin/onboarding/", "/admin/flags/flag/matrix/", "/admin/flags/flag/stale/",
              "/admin/password_change/", f"/admin/tenants/tenant/{waiting.pk}/onboarding/"]
    paths += ["/admin/settlement/settlementrun/start/", f"/admin/settlement/settlementbatch/{batch.pk}/payout/",
              f"/admin/settlement/settlementbatch/{batch.pk}/hold/",
              f"/admin/settlement/settlementline/?batch__id__exact={batch.pk}"]
    paths += [f"/admin/tenants/tenant/{tenant_alpha.pk}/lifecycle/{action.key}/" for action in TENANT_ACTIONS
              if action.key in {"suspend", "delete", "change-plan", "resend-invite"}]
    for path in paths:
        html = assert_themed(client.get(path), path)
        assert 'id="nav-sidebar"' in html, f"{path}: no sidebar"
        assert "Platform ops portal" in html
    assert len(paths) > 50


def _settled_batch(tenant):
    """A confirmed settlement batch of `tenant` with a line, its tax invoice and a run:
    every settlement page of the portal has a row to open."""
    import datetime as dt

    from django.utils import timezone

    from apps.accounts.models import User
    from apps.settlement.models import RunItem, SettlementRun
    from apps.settlement.services.batches import batch_make
    from apps.settlement.services.lifecycle import batch_confirm
    from apps.settlement.tests.helpers import at, pay

    pay(tenant.slug, 23000, at("2026-11-03"))
    batch = batch_make(tenant=tenant, period_start=dt.date(2026, 11, 1), period_end=dt.date(2026, 12, 1),
                       cycle="monthly").batch
    batch_confirm(batch=batch, actor=User.objects.get(email=SUPER_EMAIL))
    run = SettlementRun.objects.create(as_of=timezone.now(), total=1, failed=1, status=SettlementRun.Status.FAILED)
    RunItem.objects.create(run=run, tenant=tenant, status=RunItem.Status.FAILED, attempts=1, error="boom")
    return batch


def test_every_tenant_admin_page_is_themed(tenant_alpha, owner_alpha):
    from tests.workspace import make_branch, make_customer

    connection.set_tenant(tenant_alpha)
    branch = make_branch("alpha", "Theme North")
    make_customer("alpha", "Theme Customer", branch=branch)
    connection.set_schema_to_public()
    client = tenant_admin_client("owner@alpha.test")
    paths = _pages(tenant_admin, client, lambda model: [])
    paths += ["/admin/", "/admin/rbac/role/matrix/", "/admin/crm/customer/import/", "/admin/password_change/"]
    for path in paths:
        html = assert_themed(client.get(path), path)
        assert 'id="nav-sidebar"' in html, f"{path}: no sidebar"
        assert "Alpha Academy" in html and 'id="workspace-brand"' in html
        assert "Platform ops portal" not in html
    assert len(paths) > 15


@pytest.mark.parametrize("slug", [None, "alpha"], ids=["ops", "tenant"])
def test_login_pages_are_themed(db, slug):
    from tests.plugin import client_for

    path = "/admin/login/"
    html = assert_themed(client_for(slug).get(path), path)
    assert 'id="forgot-password"' in html and 'type="submit"' in html
    assert ("Alpha Academy" in html) == (slug == "alpha")
