"""Concurrency guards under real concurrent requests: two HTTP requests to the real web
server (threaded, one database connection per request) race for one thing, over
committed data.

Left to chance, two requests rarely meet at the guarded step. So the test holds a gate
(a lock on its own connection, on what the guarded step writes) until both requests
are waiting on a lock, then lets go: both have passed every check before that step, and
only the guard itself decides. Without the guard both requests succeed.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
import requests
from django.db import connection, transaction
from django.utils import timezone

from tests.plugin import PASSWORD

OWNERS = {"alpha": "owner@alpha.test", "beta": "owner@beta.test"}


def _waiting_on_locks() -> int:
    """Backends of this database (other than ours) waiting for a lock now."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # activity is otherwise frozen per transaction
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                       "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()")
        return cursor.fetchone()[0]


def race(gate, calls, *, seconds: float = 30) -> list:
    """Start `calls` (each one HTTP request) together while `gate()` holds a lock in this
    connection's transaction; let go once they all wait on a lock (the gate's work is
    rolled back). Returns their responses, in order."""
    results: list = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def run(index, call):
        start.wait()
        try:
            results[index] = call()
        except Exception as exc:  # reported by the assertion below
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i, call), daemon=True) for i, call in enumerate(calls)]
    with transaction.atomic():
        gate()
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + seconds
        while (waiting := _waiting_on_locks()) < len(calls) and time.monotonic() < deadline:
            if not any(thread.is_alive() for thread in threads):
                break
            time.sleep(0.05)
        transaction.set_rollback(True)
    for thread in threads:
        thread.join(timeout=60)
    assert all(not isinstance(r, Exception) and r is not None for r in results), results
    assert waiting >= len(calls), (
        f"only {waiting} of {len(calls)} requests reached the gate ({[r.status_code for r in results]}): "
        "the guarded step changed; move the gate to what it writes now")
    return results


@pytest.fixture
def server(live_server_url):
    return live_server_url.format(host="127.0.0.1")  # subdomains of localhost need not resolve


def _tokens(server: str, slug: str) -> dict:
    response = requests.post(f"{server}/api/v1/auth/token/", json={"email": OWNERS[slug], "password": PASSWORD},
                             headers={"Host": f"{slug}.localhost"}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def _forget_tokens(since) -> None:
    from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

    OutstandingToken.objects.filter(user__email__in=OWNERS.values(), created_at__gte=since).delete()


def test_one_refresh_token_rotates_once_under_concurrent_use(committed, server):
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
    from rest_framework_simplejwt.tokens import RefreshToken

    from apps.audit.models import AuditEvent

    since = timezone.now() - dt.timedelta(seconds=5)
    try:
        refresh = _tokens(server, "alpha")["refresh"]
        outstanding = OutstandingToken.objects.get(jti=RefreshToken(refresh)["jti"])
        rotations = AuditEvent.objects.filter(action="auth.token_refreshed", actor_email=OWNERS["alpha"]).count()

        def use_it():
            return requests.post(f"{server}/api/v1/auth/token/refresh/", json={"refresh": refresh},
                                 headers={"Host": "alpha.localhost"}, timeout=60)

        # Gate: the row that revoking the token inserts.
        responses = race(lambda: BlacklistedToken.objects.create(token=outstanding), [use_it, use_it])

        assert sorted(r.status_code for r in responses) == [200, 401], [r.text for r in responses]
        loser = next(r for r in responses if r.status_code == 401)
        assert loser.json()["error"]["code"] == "token_not_valid"
        assert BlacklistedToken.objects.filter(token=outstanding).count() == 1
        assert AuditEvent.objects.filter(action="auth.token_refreshed",
                                         actor_email=OWNERS["alpha"]).count() == rotations + 1
        # The winner's new refresh token is the one that works from now on.
        winner = next(r for r in responses if r.status_code == 200).json()
        assert requests.post(f"{server}/api/v1/auth/token/refresh/", json={"refresh": winner["refresh"]},
                             headers={"Host": "alpha.localhost"}, timeout=30).status_code == 200
    finally:
        _forget_tokens(since)


def test_last_promo_redemption_goes_to_one_subscription(committed, server):
    from apps.billing.models import Plan, PromoCode, PromoRedemption, Subscription
    from apps.tenants.models import Tenant

    since = timezone.now() - dt.timedelta(seconds=5)
    today = timezone.localdate()
    # Two plans: redeeming locks the subscription's plan row too (select_for_update with
    # select_related), which would queue the two requests behind each other on one plan.
    plans = {slug: Plan.objects.create(code=f"race-{slug}", name=f"Race {slug}") for slug in OWNERS}
    promo = PromoCode.objects.create(code="LASTONE", kind=PromoCode.Kind.PERCENT, value=10, max_redemptions=1)
    subscriptions = [Subscription.objects.create(tenant=tenant, plan=plans[tenant.slug],
                                                 status=Subscription.Status.ACTIVE, current_period_start=today,
                                                 current_period_end=today + dt.timedelta(days=30))
                     for tenant in Tenant.objects.filter(slug__in=OWNERS)]
    try:
        access = {slug: _tokens(server, slug)["access"] for slug in OWNERS}

        def redeem(slug):
            return lambda: requests.post(f"{server}/api/v1/billing/promo/", json={"code": "lastone"},
                                         headers={"Host": f"{slug}.localhost",
                                                  "Authorization": f"Bearer {access[slug]}"}, timeout=60)

        # Gate: the promo code's row, which counting a redemption updates.
        responses = race(lambda: PromoCode.objects.select_for_update().get(pk=promo.pk),
                         [redeem("alpha"), redeem("beta")])

        assert sorted(r.status_code for r in responses) == [200, 400], [r.text for r in responses]
        loser = next(r for r in responses if r.status_code == 400)
        assert loser.json()["error"]["code"] == "promo_used_up"
        promo.refresh_from_db()
        assert promo.times_redeemed == 1
        assert PromoRedemption.objects.filter(promo=promo).count() == 1
        assert Subscription.objects.filter(pk__in=[s.pk for s in subscriptions], promo=promo).count() == 1
    finally:
        PromoRedemption.objects.filter(promo=promo).delete()
        Subscription.objects.filter(pk__in=[s.pk for s in subscriptions]).delete()
        promo.delete()
        Plan.objects.filter(pk__in=[plan.pk for plan in plans.values()]).delete()
        _forget_tokens(since)
