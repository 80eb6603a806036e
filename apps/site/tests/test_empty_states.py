"""An admin list with no rows says what the page is for and offers the first action
(templates/unfold/helpers/empty_results.html): the ModelAdmin's `empty_help`, else a
sentence from the model's name; "Add <name>" only for someone who may add. A list with
rows, or one emptied by a search or filters, shows none of it."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from apps.branches.admin import BranchAdmin
from apps.core.admin_sites import ops_admin, tenant_admin
from tests.admin_pages import tenant_admin_client

BRANCHES = "/admin/branches/branch/"


@pytest.fixture
def owner_client(db):
    return tenant_admin_client("owner@alpha.test")


def empty_state(html: str) -> str | None:
    """The empty state's markup (inside the change list's form), or None."""
    start = html.find('id="empty-state"')
    return None if start < 0 else html[start:html.index("</form>", start)]


def test_an_empty_list_says_what_it_is_for_and_offers_the_first_action(owner_client):
    html = owner_client.get(BRANCHES).content.decode()
    state = empty_state(html)
    assert state is not None and "No branches yet" in state
    assert "Branches are your locations. Customers and staff belong to one." in state
    assert re.search(r'href="/admin/branches/branch/add/"[^>]*id="empty-add"', state)
    assert "Add branch" in state and ">store<" in state  # the page's icon in the sidebar
    assert "0 branches" not in html  # no count under it


def test_a_list_with_rows_shows_no_empty_state(owner_client):
    from apps.branches.models import Branch

    with schema_context("alpha"):
        Branch.objects.create(name="Empty-state Gangnam")
    connection.set_schema_to_public()
    html = owner_client.get(BRANCHES).content.decode()
    assert 'id="empty-state"' not in html and "Empty-state Gangnam" in html
    # emptied by a search: say so, offer to reset, no "what it is for" and no add button
    searched = owner_client.get(BRANCHES + "?q=nothing-like-this").content.decode()
    state = empty_state(searched)
    assert state is not None and "No results found" in state and "Reset filters" in state
    assert "Branches are your locations" not in state and 'id="empty-add"' not in state


def test_without_empty_help_a_sentence_from_the_model_name(owner_client, monkeypatch):
    monkeypatch.setattr(BranchAdmin, "empty_help", "")
    state = empty_state(owner_client.get(BRANCHES).content.decode())
    assert "Branches you add appear here." in state and 'id="empty-add"' in state
    monkeypatch.setattr(BranchAdmin, "has_add_permission", lambda self, request: False)
    state = empty_state(owner_client.get(BRANCHES).content.decode())
    assert "Branches appear here once there are any." in state and 'id="empty-add"' not in state


def test_a_read_only_list_explains_without_an_add_button(db):
    """The ops portal's inbound events: received, never added by hand."""
    from tests.plugin import hq_client

    response = hq_client().get("/admin/inbound/inboundevent/")
    if list(response.context["cl"].result_list):
        pytest.skip("there are inbound events")
    state = empty_state(response.content.decode())
    assert "No inbound events yet" in state
    assert "Webhooks the platform received" in state and 'id="empty-add"' not in state


def test_empty_state_in_korean(owner_client):
    state = empty_state(owner_client.get(BRANCHES, HTTP_ACCEPT_LANGUAGE="ko").content.decode())
    assert "등록된 지점 없음" in state and "지점은 사업장의 각 위치입니다." in state and "지점 추가" in state
    searched = empty_state(owner_client.get(BRANCHES + "?q=zzz", HTTP_ACCEPT_LANGUAGE="ko").content.decode())
    assert "결과가 없습니다" in searched and "필터 초기화" in searched


FIRST_MET = {
    tenant_admin: ["crm.customer", "crm.tag", "staff.staffprofile", "staff.invitation", "rbac.role",
                   "branches.branch", "billing.invoice", "billing.addonrequest", "apikeys.apikey"],
    ops_admin: ["tenants.tenant", "tenants.domain", "billing.plan", "billing.promocode", "flags.flag",
                "inbound.inboundevent", "audit.auditevent"],
}


def test_the_lists_people_meet_first_say_what_they_are_for():
    for site, labels in FIRST_MET.items():
        registered = {model._meta.label_lower: model_admin for model, model_admin in site._registry.items()}
        for label in labels:
            assert label in registered, f"{site.name}: {label} is not registered"
            assert str(getattr(registered[label], "empty_help", "")).strip(), f"{site.name} {label}: no empty_help"
