"""Staff on the dashboard: "Invite your team" ticks once an invitation goes out through
the service (or someone beyond the owner works here), and the staff meter counts the
active staff against the plan."""

from django_tenants.utils import schema_context

from apps.billing.tests.factories import active_subscription, plan_with_price
from apps.rbac.models import Role
from apps.staff.services import invitation_create, invitation_revoke, staff_count
from tests.dashboard import dashboard, meter, step_done
from tests.workspace import make_staff


def test_the_step_ticks_when_staff_are_invited(tenant_alpha, owner_alpha):
    assert step_done(dashboard(), "staff.invite") is False
    with schema_context("alpha"):
        invitation, _url = invitation_create(email="dash-teacher@example.com", roles=[Role.objects.get(key="teacher")],
                                             actor=owner_alpha)
    assert step_done(dashboard(), "staff.invite") is True
    with schema_context("alpha"):
        invitation_revoke(invitation=invitation, actor=owner_alpha)
    assert step_done(dashboard(), "staff.invite") is False  # taken back: nobody was invited after all


def test_the_step_ticks_when_someone_beyond_the_owner_works_here(tenant_alpha):
    make_staff("alpha", "dash-manager@alpha.test", ["manager"])
    assert step_done(dashboard(), "staff.invite") is True


def test_the_meter_counts_active_staff_against_the_plan(tenant_alpha):
    active_subscription(tenant_alpha, plan_with_price("dash-staff", max_staff_users=5))
    make_staff("alpha", "dash-clerk@alpha.test", ["clerk"])
    with schema_context("alpha"):
        expected = staff_count()
    assert expected == 2
    assert meter(dashboard(), "staff_users") == {"used": expected, "limit": 5}
