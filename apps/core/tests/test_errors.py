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


def test_library_messages_are_korean_when_asked(db):
    """simplejwt's refusal of a bad token, DRF's blank field and a body that is not JSON:
    a message in the reader's language (found in English under Accept-Language: ko)."""
    client = client_for("alpha")
    bad_token = client.get("/api/v1/customers/", HTTP_AUTHORIZATION="Bearer badtoken", HTTP_ACCEPT_LANGUAGE="ko")
    assert_error_shape(bad_token, 401, "token_not_valid")
    assert bad_token.json()["error"]["message"] == "유효하지 않은 토큰입니다."
    access = obtain_tokens("alpha", "owner@alpha.test")["access"]
    owner = {"HTTP_AUTHORIZATION": f"Bearer {access}", "HTTP_ACCEPT_LANGUAGE": "ko"}
    blank = client.post("/api/v1/customers/", {"name": ""}, content_type="application/json", **owner)
    assert_error_shape(blank, 400, "validation_error")
    assert blank.json()["error"]["details"]["name"] == ["이 필드는 비워 둘 수 없습니다."]
    broken = client.post("/api/v1/customers/", "{bad json", content_type="application/json", **owner)
    assert_error_shape(broken, 400, "parse_error")
    assert broken.json()["error"]["message"] == "잘못된 요청입니다."
    assert broken.json()["error"]["details"]["reason"].startswith("JSON parse error")
    english = client.post("/api/v1/customers/", "{bad json", content_type="application/json",
                          HTTP_AUTHORIZATION=f"Bearer {access}")
    assert english.json()["error"]["message"] == "Malformed request."
