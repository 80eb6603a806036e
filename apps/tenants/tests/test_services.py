import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django_tenants.utils import schema_context, schema_exists

from apps.accounts.models import Membership, User
from apps.core.errors import PlatformError
from apps.rbac.models import Role, RoleAssignment
from apps.tenants.models import Tenant
from apps.tenants.services import tenant_create, tenant_retry_provisioning, validate_slug
from tests.plugin import create_provisioned


@pytest.mark.parametrize("slug", ["a", "ab", "-abc", "abc-", "1abc", "ab_c", "Abc", "a" * 41, "ab--cd", ""])
def test_invalid_slugs_are_refused(db, slug):
    with pytest.raises(ValidationError) as exc:
        validate_slug(slug)
    assert "slug" in exc.value.message_dict


@pytest.mark.parametrize("slug", ["www", "admin", "api", "public", "pg-data"])
def test_reserved_slugs_are_refused(db, slug):
    with pytest.raises(ValidationError, match="reserved"):
        validate_slug(slug)


def test_taken_slug_is_refused(db):
    with pytest.raises(ValidationError, match="already taken"):
        validate_slug("alpha")


def test_create_and_provision_in_process(db):
    tenant = create_provisioned(slug="gamma-one", name="Gamma", business_type="retail",
                           owner_email="Owner@Gamma.test")
    assert tenant.status == Tenant.Status.ACTIVE
    assert tenant.schema_name == "gamma_one"
    assert tenant.get_primary_domain().domain == "gamma-one.localhost"
    assert schema_exists("gamma_one")
    owner = User.objects.get(email="owner@gamma.test")
    assert tenant.owner == owner
    assert not owner.has_usable_password()  # the owner sets it through the invite
    assert Membership.objects.get(user=owner, tenant=tenant).status == Membership.Status.ACTIVE
    with schema_context("gamma_one"):
        owner_role = Role.objects.get(key=Role.OWNER)
        assert RoleAssignment.objects.filter(user=owner, role=owner_role).exists()
        assert owner_role.permissions.filter(codename="access_admin").exists()
        assert not owner_role.permissions.filter(content_type__app_label="sessions").exists()
    assert connection.schema_name == "public"


def test_create_validates_fields(db):
    with pytest.raises(ValidationError) as exc:
        tenant_create(slug="delta", name="", business_type="casino", owner_email="not-an-email")
    assert {"name", "business_type", "owner_email"} <= set(exc.value.message_dict)
    assert not Tenant.objects.filter(slug="delta").exists()


def test_existing_owner_account_is_reused(db, owner_beta):
    tenant = create_provisioned(slug="beta-two", name="Beta Two", business_type="food",
                           owner_email="OWNER@beta.test")
    assert tenant.owner == owner_beta
    assert owner_beta.memberships.count() == 2


def test_retry_is_only_for_failed_tenants(tenant_alpha):
    with pytest.raises(PlatformError) as exc:
        tenant_retry_provisioning(tenant=tenant_alpha)
    assert exc.value.code == "invalid_status"
