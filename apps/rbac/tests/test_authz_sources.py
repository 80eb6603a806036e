"""The seams between apps.authz and the apps above it: rbac answers apps.authz.sources,
an API key is recognised by its shape (apps.authz.access.KeyCredential), not its class."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django_tenants.utils import schema_context

from apps.authz import sources
from apps.authz.access import key_access
from apps.rbac import selectors
from tests.workspace import api_key_client


def test_rbac_registers_the_role_source(owner_alpha):
    with schema_context("alpha"):
        access = sources.access_for(user=owner_alpha)
        assert access.roles == selectors.access_for(user=owner_alpha).roles == ["owner"]
        assert sources.role_keys(user=owner_alpha) == frozenset({"owner"})
        assert access.has("rbac.access_admin")


def test_asking_with_no_source_registered_is_a_wiring_error(monkeypatch, owner_alpha):
    monkeypatch.setattr(sources, "_source", None)
    with pytest.raises(ImproperlyConfigured), schema_context("alpha"):
        sources.access_for(user=owner_alpha)
    with pytest.raises(ImproperlyConfigured), schema_context("alpha"):
        sources.role_keys(user=owner_alpha)


def test_a_key_credential_grants_its_permissions_workspace_wide():
    class Key:
        permission_names = {"crm.view_customer"}

    access = key_access(Key())
    assert access.has("crm.view_customer") and access.branch_ids("crm.view_customer") is None
    assert not access.has("crm.add_customer")
    assert key_access({"active_role": "teacher"}) is None and key_access(None) is None


def test_check_permission_answers_for_an_api_key(db):
    client, _key = api_key_client("alpha", ["customer:view"])
    body = client.get("/api/v1/auth/check-permission/?perm=customer:view").json()
    assert body == {"perm": "customer:view", "allowed": True, "scope": "tenant", "branches": None,
                    "active_role": None}
    assert client.get("/api/v1/auth/check-permission/?perm=customer:add").json()["allowed"] is False


def test_an_access_read_from_its_snapshot_is_the_access_it_was_made_of():
    """rbac caches Access.to_plain() and serves Access.from_plain(): the grants read back
    (one at a time, as a request does, or all) are the ones written, and changing the
    Access read back never changes the snapshot the cache shares between requests."""
    from apps.authz.access import Access, Grant

    made = Access(roles=["teacher"], active_role="teacher", role_names={"teacher": "Teacher"},
                  grants={"crm.view_customer": Grant(branch_ids={2, 1}), "crm.add_customer": Grant(everywhere=True),
                          "academy.view_session": Grant(own=True)})
    plain = made.to_plain()
    read = Access.from_plain(plain)
    assert read.branch_ids("crm.view_customer") == {1, 2} and read.grant("academy.view_session").own
    assert read.has("crm.add_customer") and not read.has("crm.delete_customer")
    assert read.grant("crm.delete_customer") is None and read.branch_ids("crm.delete_customer") == set()
    assert read == made and list(read.grants) == list(made.grants) and len(read.grants) == 3
    assert {name: grant.scope for name, grant in read.grants.items()} == {
        "crm.view_customer": "branch", "crm.add_customer": "tenant", "academy.view_session": "own"}

    before = made.to_plain()
    read.grant("crm.view_customer").branch_ids.add(3)
    read.grants.setdefault("crm.change_customer", Grant(everywhere=True))
    del read.grants["crm.add_customer"]
    assert plain == before  # the shared snapshot is as it was
    assert Access.from_plain(plain) == made
    assert set(read.grants) == {"crm.view_customer", "academy.view_session", "crm.change_customer"}
    assert read.branch_ids("crm.view_customer") == {1, 2, 3} and read.to_plain()["grants"]["crm.change_customer"] == [
        True, [], False]
