"""API keys on the dashboard: "Connect your other tools" ticks once the workspace has a
key; it is a step only for those who may create keys."""

from django_tenants.utils import schema_context

from apps.apikeys.services import api_key_create
from tests.dashboard import dashboard, step_done
from tests.workspace import make_staff


def test_the_step_ticks_when_a_key_is_created(tenant_alpha, owner_alpha):
    assert step_done(dashboard(), "apikeys.first") is False
    with schema_context("alpha"):
        api_key_create(name="website", perms=["customer:view"], actor=owner_alpha,
                       actor_perms={"crm.view_customer"})
    assert step_done(dashboard(), "apikeys.first") is True


def test_only_for_those_who_may_create_keys(tenant_alpha):
    make_staff("alpha", "dash-keys-manager@alpha.test", ["manager"])  # API keys are the owner's
    page = dashboard("dash-keys-manager@alpha.test")
    assert step_done(page, "apikeys.first") is None
    # a manager's one step is inviting (no keys, branches or brand), done by their own joining
    assert 'id="card-setup"' not in page.content.decode()
    assert step_done(dashboard(), "apikeys.first") is False  # the owner's
