"""Branches in the tenant admin: created and edited through the branch services (audited,
the plan's branch limit enforced), within the user's branch scope."""

from django.db import connection
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from apps.billing.models import Plan
from apps.billing.tests.factories import active_subscription
from apps.branches.models import Branch
from tests.admin_pages import change_form_data, tenant_admin_client
from tests.workspace import make_branch, make_staff

ADD_URL = "/admin/branches/branch/add/"


def change_url(branch) -> str:
    return f"/admin/branches/branch/{branch.pk}/change/"


def active_branches() -> int:
    with schema_context("alpha"):
        count = Branch.objects.filter(is_active=True).count()
    connection.set_schema_to_public()
    return count


def allow_branches(tenant, count: int) -> None:
    active_subscription(tenant, Plan.objects.create(code=f"branches-{count}", name="Small", max_branches=count))


def test_owner_adds_a_branch_through_the_service(owner_alpha):
    client = tenant_admin_client("owner@alpha.test")
    data = change_form_data(client.get(ADD_URL), name="Gangnam", address="1 Teheran-ro", timezone="Asia/Seoul")
    response = client.post(ADD_URL, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    with schema_context("alpha"):
        branch = Branch.objects.get(name="Gangnam")
    assert branch.address == "1 Teheran-ro" and branch.is_active
    event = AuditEvent.objects.get(action="branch.created", target_id=str(branch.pk))
    assert event.tenant_slug == "alpha" and event.actor_id == owner_alpha.pk
    assert event.changes["name"] == [None, "Gangnam"]


def test_a_new_branch_beyond_the_plan_limit_is_refused(tenant_alpha):
    allow_branches(tenant_alpha, active_branches())
    client = tenant_admin_client("owner@alpha.test")
    response = client.post(ADD_URL, change_form_data(client.get(ADD_URL), name="One too many"))
    assert response.status_code == 403
    assert "Your plan allows" in response.content.decode()
    with schema_context("alpha"):
        assert not Branch.objects.filter(name="One too many").exists()
    assert not AuditEvent.objects.filter(action="branch.created", tenant_slug="alpha").exists()


def test_owner_edits_a_branch_through_the_service(owner_alpha):
    branch = make_branch("alpha", "Jongno")
    client = tenant_admin_client("owner@alpha.test")
    url = change_url(branch)
    response = client.post(url, change_form_data(client.get(url), name="Jongno 2", address="2 Jong-ro"))
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    with schema_context("alpha"):
        branch.refresh_from_db()
    assert (branch.name, branch.address) == ("Jongno 2", "2 Jong-ro")
    event = AuditEvent.objects.get(action="branch.updated", target_id=str(branch.pk))
    assert event.changes == {"address": ["", "2 Jong-ro"], "name": ["Jongno", "Jongno 2"]}


def test_reactivating_a_branch_beyond_the_plan_limit_is_refused(tenant_alpha):
    branch = make_branch("alpha", "Closed")
    with schema_context("alpha"):
        Branch.objects.filter(pk=branch.pk).update(is_active=False)
    connection.set_schema_to_public()
    allow_branches(tenant_alpha, active_branches())
    client = tenant_admin_client("owner@alpha.test")
    url = change_url(branch)
    response = client.post(url, change_form_data(client.get(url), is_active="on"))
    assert response.status_code == 403 and "Your plan allows" in response.content.decode()
    with schema_context("alpha"):
        assert Branch.objects.get(pk=branch.pk).is_active is False


def test_a_branch_manager_edits_only_their_own_branch_and_adds_none(db):
    own, other = make_branch("alpha", "Own"), make_branch("alpha", "Other")
    with schema_context("alpha"):
        own_branch = Branch.objects.get(pk=own.pk)
    connection.set_schema_to_public()
    make_staff("alpha", "manager@alpha.test", ["manager"], branches=[own_branch])
    client = tenant_admin_client("manager@alpha.test")
    assert client.get(ADD_URL).status_code == 403
    listing = client.get("/admin/branches/branch/").context["cl"].result_list
    assert [branch.name for branch in listing] == ["Own"]
    assert client.get(change_url(other)).status_code == 302  # out of scope: "doesn't exist", back to the list
    assert client.post(change_url(other), {"name": "Taken over", "timezone": "Asia/Seoul"}).status_code == 302
    with schema_context("alpha"):
        assert Branch.objects.get(pk=other.pk).name == "Other"
