"""A favicon on every host and page: /favicon.ico redirects to the static file, and the
site, admin and error pages link it."""

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
    pages = [(None, "/"), (None, "/admin/login/"), ("alpha", "/admin/login/"), ("alpha", "/no-such-page/")]
    for slug, path in pages:
        response = client_for(slug).get(path, HTTP_ACCEPT="text/html")
        assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in response.content.decode(), path
