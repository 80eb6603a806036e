"""Who may enter which admin site: HQ staff, owner of alpha, owner of beta, anonymous,
on the ops portal (public host) and on alpha's tenant admin."""

import pytest

from tests.plugin import HQ_EMAIL, PASSWORD, client_for, hq_login

PEOPLE = {"hq": HQ_EMAIL, "owner_alpha": "owner@alpha.test", "owner_beta": "owner@beta.test", "anonymous": None}
SITES = {"ops": None, "alpha_admin": "alpha"}
ALLOWED = {("hq", "ops"), ("owner_alpha", "alpha_admin")}


def login(slug, email):
    client = client_for(slug)
    if slug is None and email == HQ_EMAIL:  # HQ staff: password, then TOTP
        return client, hq_login(client)
    if email:
        response = client.post("/admin/login/?next=/admin/", {"username": email, "password": PASSWORD})
        return client, response
    return client, None


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("site", SITES)
def test_admin_access_matrix(db, person, site):
    client, login_response = login(SITES[site], PEOPLE[person])
    index = client.get("/admin/")
    if (person, site) in ALLOWED:
        assert login_response.status_code == 302
        assert index.status_code == 200
    else:
        assert index.status_code == 302 and "/admin/login/" in index["Location"]
        if login_response is not None:
            assert login_response.status_code == 200
            assert "cannot use this admin site" in login_response.content.decode()


def test_ops_portal_shows_tenants_domains_users_memberships(db):
    client, _ = login(None, HQ_EMAIL)
    page = client.get("/admin/").content.decode()
    for name in ("Tenants", "Domains", "Users", "Memberships"):
        assert name in page
    tenants = client.get("/admin/tenants/tenant/").content.decode()
    assert "alpha" in tenants and "beta" in tenants
    assert client.get("/admin/accounts/membership/").status_code == 200
    assert client.get("/admin/tenants/domain/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200


def test_tenant_admin_shows_roles_with_tenant_name(db):
    client, _ = login("alpha", "owner@alpha.test")
    page = client.get("/admin/").content.decode()
    assert "Alpha Academy" in page and "Roles" in page
    assert client.get("/admin/rbac/role/").status_code == 200
    assert "Tenants" not in page


def test_a_session_is_bound_to_its_host(db):
    alpha, _ = login("alpha", "owner@alpha.test")
    assert alpha.get("/admin/").status_code == 200
    for slug in ("beta", None):
        stolen = client_for(slug)
        stolen.cookies = alpha.cookies  # replay alpha's session cookie elsewhere
        response = stolen.get("/admin/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_hq_session_does_not_open_a_tenant_admin(db):
    ops, _ = login(None, HQ_EMAIL)
    stolen = client_for("alpha")
    stolen.cookies = ops.cookies
    assert stolen.get("/admin/").status_code == 302
    forced, response = login("alpha", HQ_EMAIL)
    assert "cannot use this admin site" in response.content.decode()


def test_ops_admin_creates_a_tenant_through_the_service(db, django_capture_on_commit_callbacks):
    from apps.tenants.models import Tenant

    client, _ = login(None, HQ_EMAIL)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post("/admin/tenants/tenant/add/", {
            "slug": "omega", "name": "Omega Foods", "business_type": "food",
            "owner_email": "boss@omega.test", "owner_name": "Boss", "contact_phone": "",
        })
    assert response.status_code == 302, response.content.decode()[:2000]
    tenant = Tenant.objects.get(slug="omega")
    assert tenant.status == Tenant.Status.PROVISIONING
    assert tenant.get_primary_domain().domain == "omega.localhost"
    queued = [cb for cb in callbacks if "_queue_provisioning" in cb.__qualname__]
    assert len(queued) == 1  # provisioning is queued once, after commit


def test_ops_admin_refuses_a_bad_slug_with_a_message(db):
    client, _ = login(None, HQ_EMAIL)
    response = client.post("/admin/tenants/tenant/add/", {
        "slug": "www", "name": "X", "business_type": "food", "owner_email": "x@x.test"})
    assert response.status_code == 200
    assert "reserved" in response.content.decode()
