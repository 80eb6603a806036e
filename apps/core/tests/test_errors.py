"""One error shape everywhere: {"error": {"code", "message", "details"}}."""

from tests.plugin import client_for, obtain_tokens


def assert_error_shape(response, status, code):
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]


def test_unknown_api_path_is_404_json(db):
    assert_error_shape(client_for("alpha").get("/api/v1/nothing/"), 404, "not_found")


def test_method_not_allowed(db):
    access = obtain_tokens("alpha", "owner@alpha.test")["access"]
    response = client_for("alpha").delete("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {access}")
    assert_error_shape(response, 405, "method_not_allowed")


def test_wrong_content_type(db):
    response = client_for("alpha").post("/api/v1/auth/token/", "email=x", content_type="text/plain")
    assert_error_shape(response, 415, "unsupported_media_type")


def test_unknown_page_is_html_for_browsers(db):
    response = client_for("alpha").get("/nothing/", HTTP_ACCEPT="text/html")
    assert response.status_code == 404
    assert "text/html" in response["Content-Type"]


def test_request_id_is_echoed_or_generated(db):
    response = client_for(None).get("/health/", HTTP_X_REQUEST_ID="abc12345-req")
    assert response["X-Request-ID"] == "abc12345-req"
    generated = client_for(None).get("/health/", HTTP_X_REQUEST_ID="bad id with spaces")
    assert len(generated["X-Request-ID"]) == 32


def test_korean_is_served_when_asked(db):
    response = client_for("alpha").get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 401
    assert response.json()["error"]["message"] != "Authentication credentials were not provided."
