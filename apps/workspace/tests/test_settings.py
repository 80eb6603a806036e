import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from tests.plugin import PASSWORD, client_for
from tests.workspace import api

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def multipart_patch(client, data):
    return client.patch("/api/v1/settings/", encode_multipart(BOUNDARY, data), content_type=MULTIPART_CONTENT)


@pytest.fixture
def owner(db, tenant_alpha):
    from apps.workspace.services import branding_forget

    yield api("alpha", "owner@alpha.test")
    branding_forget(tenant=tenant_alpha)  # the cache outlives the rolled-back test


def test_settings_read_and_update(owner, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    body = owner.get("/api/v1/settings/").json()
    assert body["display_name"] == "Alpha Academy" and body["timezone"] == "Asia/Seoul"
    bad = owner.patch("/api/v1/settings/", {"primary_color": "red", "timezone": "Mars/Base"},
                      content_type="application/json")
    assert bad.status_code == 400
    assert set(bad.json()["error"]["details"]) >= {"primary_color"}
    bad_tz = owner.patch("/api/v1/settings/", {"timezone": "Mars/Base"}, content_type="application/json")
    assert bad_tz.status_code == 400 and "timezone" in bad_tz.json()["error"]["details"]
    ok = owner.patch("/api/v1/settings/", {"primary_color": "#0f766e", "notify_sms": True, "language": "en"},
                     content_type="application/json")
    assert ok.status_code == 200 and ok.json()["primary_color"] == "#0f766e" and ok.json()["notify_sms"]

    logo = multipart_patch(owner, {"logo": SimpleUploadedFile("x.png", PNG, "image/png")})
    assert logo.status_code == 200, logo.content
    assert logo.json()["logo_url"] == "/branding/logo/"
    served = client_for("alpha").get("/branding/logo/")
    assert served.status_code == 200 and b"".join(served.streaming_content) == PNG
    assert list(tmp_path.glob("alpha/branding/logo-*.png"))  # per-tenant folder
    fake = multipart_patch(owner, {"logo": SimpleUploadedFile("x.png", b"<svg onload=alert(1)>", "image/png")})
    assert fake.status_code == 400 and fake.json()["error"]["code"] == "invalid_logo"


def test_admin_carries_branding(owner):
    owner.patch("/api/v1/settings/", {"primary_color": "#123456", "display_name": "Alpha Hagwon"},
                content_type="application/json")
    client = client_for("alpha")
    client.post("/admin/login/", {"username": "owner@alpha.test", "password": PASSWORD})
    page = client.get("/admin/").content.decode()
    assert "Alpha Hagwon" in page and "#123456" in page


@pytest.mark.parametrize("upload", [
    SimpleUploadedFile("logo.svg", b"<svg onload=alert(1)></svg>", "image/svg+xml"),
    SimpleUploadedFile("big.png", PNG + b"\0" * (1024 * 1024), "image/png"),
], ids=["svg", "oversized"])
def test_admin_settings_form_refuses_a_bad_logo(owner, settings, tmp_path, upload):
    """The admin form runs the service's logo check: a form error, not a 500."""
    settings.MEDIA_ROOT = str(tmp_path)
    client = client_for("alpha")
    client.post("/admin/login/", {"username": "owner@alpha.test", "password": PASSWORD})
    page = client.get("/admin/workspace/workspacesettings/", follow=True)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form.initial.get(name) for name in form.fields if name != "logo"}
    data = {name: value for name, value in data.items() if value not in (None, False)}
    upload.seek(0)
    response = client.post(page.request["PATH_INFO"], {**data, "logo": upload})
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["logo"]
    assert not list(tmp_path.rglob("logo-*"))
