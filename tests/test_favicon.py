"""A favicon on every host and page: /favicon.ico redirects to the static file, and the
site, admin and error pages link it."""

import re

from django.contrib.staticfiles import finders

from tests.plugin import client_for


def test_favicon_files_exist():
    for name in ("favicon.svg", "favicon.ico"):
        assert finders.find(name), name
    assert open(finders.find("favicon.ico"), "rb").read(4) == b"\x00\x00\x01\x00"  # an icon resource
    assert "<svg" in open(finders.find("favicon.svg")).read()


def test_favicon_ico_redirects_on_both_hosts(db):
    for slug in (None, "alpha"):
        response = client_for(slug).get("/favicon.ico")
        assert response.status_code == 302 and response["Location"] == "/static/favicon.ico", slug


def test_pages_link_the_favicon(db):
    """The platform's icon on platform pages; the tenant admin carries the workspace's own
    (its logo, or its initial on its colour: apps.site.theme), nothing of the platform's."""
    platform_icon = re.compile(r'<link rel="icon" href="/static/favicon.svg" type="image/svg\+xml"\s*>')
    for slug, path in [(None, "/"), (None, "/admin/login/"), ("alpha", "/no-such-page/")]:
        response = client_for(slug).get(path, HTTP_ACCEPT="text/html")
        assert platform_icon.search(response.content.decode()), path
    tenant_login = client_for("alpha").get("/admin/login/", HTTP_ACCEPT="text/html").content.decode()
    assert re.search(r'<link rel="icon" href="data:image/svg\+xml,[^"]+"', tenant_login)
    assert not platform_icon.search(tenant_login)
