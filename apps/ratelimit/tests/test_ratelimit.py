"""Rate limits on the real Redis: headers on every API response, 429 + Retry-After."""

import pytest
from django.core.cache import cache

from apps.billing.tests.factories import active_subscription, plan_with_price
from apps.ratelimit.limiter import hit, monthly_usage
from tests.plugin import client_for, obtain_tokens


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.delete_pattern("ratelimit:*")
    yield
    cache.delete_pattern("ratelimit:*")


def auth(slug="alpha"):
    return {"HTTP_AUTHORIZATION": f"Bearer {obtain_tokens(slug, f'owner@{slug}.test')['access']}"}


def test_every_api_response_has_the_headers(tenant_alpha):
    headers = auth()
    ok = client_for("alpha").get("/api/v1/me/", **headers)
    assert ok.status_code == 200
    assert int(ok["X-RateLimit-Limit"]) >= 1 and int(ok["X-RateLimit-Remaining"]) >= 0
    assert int(ok["X-RateLimit-Reset"]) > 0 and "Retry-After" not in ok
    refused = client_for("alpha").get("/api/v1/me/")  # 401 before the throttle: still counted and headed
    assert refused.status_code == 401 and "X-RateLimit-Remaining" in refused
    public = client_for(None).post("/api/v1/platform/webhooks/payments/", {}, content_type="application/json")
    assert "X-RateLimit-Limit" in public
    assert "X-RateLimit-Limit" not in client_for("alpha").get("/")  # pages are not API


def test_plan_limit_gives_429_with_retry_after(tenant_alpha, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        active_subscription(tenant_alpha, plan_with_price("tiny", api_requests_per_minute=3))
    cache.delete_pattern("billing:limits:*")
    headers = auth()  # the token request counts too (by IP, and against the tenant's plan)
    client = client_for("alpha")
    seen = []
    for _ in range(4):
        response = client.get("/api/v1/me/", **headers)
        seen.append(response.status_code)
        if response.status_code == 429:
            break
    assert seen[-1] == 429 and 200 in seen
    body = response.json()["error"]
    assert body["code"] == "rate_limited" and body["details"]["limit"] == "tenant"
    assert "allows 3 API requests per minute" in body["message"]
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response["X-RateLimit-Limit"] == "3" and response["X-RateLimit-Remaining"] == "0"
    # another tenant is not affected
    assert client_for("beta").get("/api/v1/me/", **auth("beta")).status_code == 200


def test_per_user_limit(tenant_alpha, settings):
    settings.RATELIMIT_USER_PER_MINUTE = 2
    headers = auth()
    client = client_for("alpha")
    codes = [client.get("/api/v1/me/", **headers).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    last = client.get("/api/v1/me/", **headers)
    assert last.json()["error"]["details"]["limit"] == "user"


def test_monthly_quota_and_usage(tenant_alpha, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        active_subscription(tenant_alpha, plan_with_price("metered", api_requests_per_month=5))
    cache.delete_pattern("billing:limits:*")
    before = monthly_usage(tenant_ids=[tenant_alpha.pk])[tenant_alpha.pk]
    decisions = [hit(tenant=tenant_alpha, ip="10.0.0.1") for _ in range(6)]
    assert monthly_usage(tenant_ids=[tenant_alpha.pk])[tenant_alpha.pk] == before + 6
    assert decisions[4 - before].allowed if before < 5 else True
    assert not decisions[-1].allowed and decisions[-1].scope == "month"
    assert decisions[-1].retry_after > 0
