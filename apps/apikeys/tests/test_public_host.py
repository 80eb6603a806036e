"""Workspace API keys live in the workspace's schema: on the public host they are never
looked up (no query against tenant tables), and the platform's own key check answers."""

from tests.plugin import client_for
from tests.workspace import api_key_client


def test_workspace_key_on_the_public_host_is_refused_cleanly(db):
    client, _key = api_key_client("alpha", ["customer:view"])
    header = client.defaults["HTTP_AUTHORIZATION"]
    for path in ("/api/schema/", "/api/docs/", "/api/v1/platform/tenants/"):
        method = client_for(None).post if path.endswith("tenants/") else client_for(None).get
        response = method(path, HTTP_AUTHORIZATION=header)
        assert response.status_code == 401, (path, response.content[:300])
        assert response.json()["error"]["code"] == "invalid_api_key"
    assert client.get("/api/v1/customers/").status_code == 200  # and it still works at home
