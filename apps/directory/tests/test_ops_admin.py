"""HQ reads the directory listings in the ops portal (read-only, with filters)."""

import pytest

from apps.directory.models import Listing
from apps.site.tests.test_admin_pages import ops_superuser  # noqa: F401 - the fixture


@pytest.fixture
def listing(tenant_beta):
    return Listing.objects.create(tenant=tenant_beta, slug="beta", name="Beta Bistro", business_type="food",
                                  is_listed=True, city="Seoul")


def test_listings_in_the_ops_portal(ops_superuser, listing):  # noqa: F811
    client = ops_superuser
    page = client.get("/admin/directory/listing/")
    assert page.status_code == 200 and "Beta Bistro" in page.content.decode()
    assert client.get("/admin/directory/listing/?is_listed__exact=1&business_type__exact=food").status_code == 200
    assert "Beta Bistro" not in client.get("/admin/directory/listing/?business_type__exact=academy").content.decode()
    assert client.get("/admin/directory/listing/add/").status_code == 403
    assert client.get(f"/admin/directory/listing/{listing.pk}/change/").status_code == 200
    assert client.post(f"/admin/directory/listing/{listing.pk}/change/", {"is_listed": ""}).status_code == 403
    assert client.get("/admin/directory/listing/", HTTP_ACCEPT_LANGUAGE="ko").status_code == 200
