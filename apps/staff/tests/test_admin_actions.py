"""Staff in the tenant admin: a member's details edited through staff_update, members
deactivated and reactivated with the list's actions (the owner protected, the plan's
staff limit enforced), invitations withdrawn; each audited, refused without permission."""

from django.db import connection
from django_tenants.utils import schema_context

from apps.accounts.models import Membership
from apps.audit.models import AuditEvent
from apps.billing.models import Plan
from apps.billing.tests.factories import active_subscription
from apps.rbac.models import Role
from apps.staff.models import Invitation, StaffProfile
from apps.staff.services import invitation_create, staff_deactivate
from tests.admin_pages import change_form_data, offered_actions, run_action, tenant_admin_client, texts
from tests.plugin import PASSWORD, client_for
from tests.workspace import make_staff

STAFF = "/admin/staff/staffprofile/"
INVITATIONS = "/admin/staff/invitation/"


def profile(email: str) -> StaffProfile:
    with schema_context("alpha"):
        found = StaffProfile.objects.get(email=email)
    connection.set_schema_to_public()
    return found


def membership_status(user, tenant) -> str:
    return Membership.objects.get(user=user, tenant=tenant, kind=Membership.Kind.STAFF).status


def cannot_log_in(email: str) -> bool:
    response = client_for("alpha").post("/admin/login/?next=/admin/", {"username": email, "password": PASSWORD})
    return response.status_code == 200 and "/admin/login/" in response.wsgi_request.path


def test_owner_edits_a_members_details(owner_alpha):
    make_staff("alpha", "clerk@alpha.test", ["clerk"])
    member = profile("clerk@alpha.test")
    client = tenant_admin_client("owner@alpha.test")
    url = f"{STAFF}{member.pk}/change/"
    response = client.post(url, change_form_data(client.get(url), display_name="Front desk Kim", phone="010-1111-2222"))
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    member = profile("clerk@alpha.test")
    assert (member.display_name, member.phone) == ("Front desk Kim", "010-1111-2222")
    event = AuditEvent.objects.get(action="staff.updated", target_id=str(member.pk))
    assert event.changes["display_name"] == ["", "Front desk Kim"] and event.actor_id == owner_alpha.pk


def test_owner_deactivates_staff_but_not_themselves(tenant_alpha, owner_alpha):
    clerk = make_staff("alpha", "clerk@alpha.test", ["clerk"])
    member, owner = profile("clerk@alpha.test"), profile("owner@alpha.test")
    client = tenant_admin_client("owner@alpha.test")
    assert {"deactivate", "reactivate"} <= set(offered_actions(client.get(STAFF)))
    response = run_action(client, STAFF, "deactivate", [member.pk, owner.pk])
    assert response.status_code == 200
    assert sorted(texts(response)) == ["1 staff members deactivated.",
                                       f"{owner}: The workspace owner cannot be deactivated."]
    assert profile("clerk@alpha.test").is_active is False and profile("owner@alpha.test").is_active is True
    assert membership_status(clerk, tenant_alpha) == Membership.Status.SUSPENDED
    assert membership_status(owner_alpha, tenant_alpha) == Membership.Status.ACTIVE
    event = AuditEvent.objects.get(action="staff.deactivated")
    assert (event.target_id, event.actor_id, event.tenant_slug) == (str(member.pk), owner_alpha.pk, "alpha")
    # the deactivated member no longer gets into the admin
    assert cannot_log_in("clerk@alpha.test")


def test_owner_reactivates_staff_within_the_plan_limit(tenant_alpha, owner_alpha):
    leaver = make_staff("alpha", "leaver@alpha.test", ["clerk"])
    with schema_context("alpha"):
        staff_deactivate(profile=StaffProfile.objects.get(email="leaver@alpha.test"), actor=None)
    connection.set_schema_to_public()
    member = profile("leaver@alpha.test")
    make_staff("alpha", "newcomer@alpha.test", ["clerk"])  # owner + newcomer: every seat of a 2-seat plan
    active_subscription(tenant_alpha, Plan.objects.create(code="two-seats", name="Two", max_staff_users=2))
    client = tenant_admin_client("owner@alpha.test")

    refused = run_action(client, STAFF, "reactivate", [member.pk])
    assert len(texts(refused)) == 1 and texts(refused)[0].startswith(f"{member}: Your plan allows 2")
    assert profile("leaver@alpha.test").is_active is False
    assert membership_status(leaver, tenant_alpha) == Membership.Status.SUSPENDED

    run_action(client, STAFF, "deactivate", [profile("newcomer@alpha.test").pk])  # a seat frees up
    response = run_action(client, STAFF, "reactivate", [member.pk])
    assert texts(response) == ["1 staff members reactivated."]
    assert profile("leaver@alpha.test").is_active is True
    assert membership_status(leaver, tenant_alpha) == Membership.Status.ACTIVE
    assert AuditEvent.objects.get(action="staff.reactivated").target_id == str(member.pk)


def test_staff_without_the_change_permission_cannot_deactivate(db):
    make_staff("alpha", "clerk@alpha.test", ["clerk"])  # staff:view only
    make_staff("alpha", "other@alpha.test", ["clerk"])
    other = profile("other@alpha.test")
    client = tenant_admin_client("clerk@alpha.test")
    page = client.get(STAFF)
    assert page.status_code == 200 and "deactivate" not in offered_actions(page)
    run_action(client, STAFF, "deactivate", [other.pk])
    assert profile("other@alpha.test").is_active is True
    assert not AuditEvent.objects.filter(action="staff.deactivated").exists()


def invitation(email: str) -> Invitation:
    with schema_context("alpha"):
        created, _url = invitation_create(email=email, roles=[Role.objects.get(key="clerk")], actor=None)
    connection.set_schema_to_public()
    return created


def test_owner_withdraws_a_pending_invitation(owner_alpha):
    pending = invitation("new@alpha.test")
    client = tenant_admin_client("owner@alpha.test")
    assert "revoke" in offered_actions(client.get(INVITATIONS))
    response = run_action(client, INVITATIONS, "revoke", [pending.pk])
    assert response.status_code == 200 and texts(response) == []
    with schema_context("alpha"):
        assert Invitation.objects.get(pk=pending.pk).status == Invitation.Status.REVOKED
    event = AuditEvent.objects.get(action="staff.invitation_revoked", target_id=str(pending.pk))
    assert event.actor_id == owner_alpha.pk and event.tenant_slug == "alpha"

    again = run_action(client, INVITATIONS, "revoke", [pending.pk])
    assert texts(again) == ["new@alpha.test: Only pending invitations can be withdrawn."]
    assert AuditEvent.objects.filter(action="staff.invitation_revoked").count() == 1


def test_staff_without_the_invitation_permission_cannot_withdraw(db):
    pending = invitation("new@alpha.test")
    make_staff("alpha", "clerk@alpha.test", ["clerk"])  # no invitation permissions
    client = tenant_admin_client("clerk@alpha.test")
    assert client.get(INVITATIONS).status_code == 403
    assert run_action(client, INVITATIONS, "revoke", [pending.pk], follow=False).status_code == 403
    with schema_context("alpha"):
        assert Invitation.objects.get(pk=pending.pk).status == Invitation.Status.PENDING
    assert not AuditEvent.objects.filter(action="staff.invitation_revoked").exists()
