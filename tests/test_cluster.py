"""Two web hosts and two worker hosts (network namespaces, tests/cluster.py) share one
PostgreSQL through PgBouncer in session mode and one Redis: a sign-up on one web host is
provisioned by a worker of the cluster, a token or a session obtained on one web host works
on the other, tasks run on both workers, and every database connection of the web hosts
goes through PgBouncer."""

from __future__ import annotations

import re
import time
import uuid

import pytest
import requests
from django.conf import settings
from django.db import connection

from tests.plugin import PASSWORD, TENANTS, subprocess_database_url, subprocess_env, wait_for

pytestmark = pytest.mark.cluster

WEBS = ("web-a", "web-b")
WORKERS = ("worker-a", "worker-b")
ALPHA_OWNER = TENANTS["alpha"]["owner_email"]


@pytest.fixture(scope="module")
def cluster(platform_seed):
    from tests.cluster import Cluster, ClusterUnavailable

    try:
        started = Cluster(env=subprocess_env(), database_url=subprocess_database_url()).start()
    except ClusterUnavailable as exc:
        pytest.skip(f"network namespaces unavailable: {exc}")
    yield started
    started.stop()


def get(cluster, web: str, path: str, host: str, **kwargs) -> requests.Response:
    return requests.get(cluster.web_url(web, path), headers={"Host": host, **kwargs.pop("headers", {})},
                        allow_redirects=False, timeout=30, **kwargs)


def post(cluster, web: str, path: str, host: str, **kwargs) -> requests.Response:
    return requests.post(cluster.web_url(web, path), headers={"Host": host, **kwargs.pop("headers", {})},
                         allow_redirects=False, timeout=60, **kwargs)


def succeeded(cluster, worker: str, task_name: str) -> list[str]:
    """Ids of `task_name` tasks the worker's log reports as succeeded."""
    text = cluster.log(worker).read_text(errors="replace")
    return re.findall(rf"Task {re.escape(task_name)}\[([0-9a-f-]+)\] succeeded", text)


@pytest.fixture
def self_signup_plan(committed, django_db_blocker):
    from apps.billing.models import Plan

    with django_db_blocker.unblock():
        plan = Plan.objects.create(code=f"cluster-{uuid.uuid4().hex[:8]}", name="Cluster", self_signup=True)
    yield plan
    with django_db_blocker.unblock():
        committed.cleanup()  # the tenant and its subscription first: they protect the plan
        Plan.objects.filter(pk=plan.pk).delete()


def test_signup_on_one_web_host_is_provisioned_by_a_cluster_worker(cluster, committed, self_signup_plan):
    from apps.tenants.models import Tenant

    slug = committed.tenant_slug(f"cl-{uuid.uuid4().hex[:6]}")
    owner = committed.email(f"owner@{slug}.test")
    response = post(cluster, "web-a", "/api/v1/platform/signup/", "localhost",
                    json={"business_type": "academy", "company_name": "Cluster Academy", "subdomain": slug,
                          "owner_email": owner, "owner_name": "Kim", "plan": self_signup_plan.code})
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "provisioning"
    status_path = "/api/v1/platform/tenants/status/" + response.json()["status_url"].rsplit("/status/", 1)[1]

    def active_on_web_b():
        status = get(cluster, "web-b", status_path, "localhost")
        assert status.status_code == 200, status.text
        assert status.json()["status"] != "failed", status.text
        return status.json()["status"] == "active"

    wait_for(active_on_web_b, f"{slug} to be provisioned", seconds=60)
    assert Tenant.objects.get(slug=slug).status == Tenant.Status.ACTIVE
    # the worker writes its "succeeded" line just after the commit that made the tenant active
    provisioned_by = wait_for(lambda: [w for w in WORKERS if succeeded(cluster, w, "tenants.provision_tenant")],
                              "the worker's log line", seconds=15)
    assert len(provisioned_by) == 1, provisioned_by  # one of the cluster's workers, once
    for web in WEBS:  # both web hosts route the new tenant's host
        assert get(cluster, web, "/api/v1/auth/token/verify/", f"{slug}.localhost").status_code != 404


def test_a_token_from_one_web_host_works_on_the_other(cluster):
    response = post(cluster, "web-a", "/api/v1/auth/token/", "alpha.localhost",
                    json={"email": ALPHA_OWNER, "password": PASSWORD})
    assert response.status_code == 200, response.text
    tokens = response.json()
    bearer = {"Authorization": f"Bearer {tokens['access']}"}
    me = get(cluster, "web-b", "/api/v1/me/", "alpha.localhost", headers=bearer)
    assert me.status_code == 200, me.text
    assert me.json()["user"]["email"] == ALPHA_OWNER and me.json()["tenant"]["slug"] == "alpha"
    refreshed = post(cluster, "web-b", "/api/v1/auth/token/refresh/", "alpha.localhost",
                     json={"refresh": tokens["refresh"]})
    assert refreshed.status_code == 200, refreshed.text
    again = get(cluster, "web-a", "/api/v1/me/", "alpha.localhost",
                headers={"Authorization": f"Bearer {refreshed.json()['access']}"})
    assert again.status_code == 200, again.text
    # still bound to its tenant on the other host
    refused = get(cluster, "web-b", "/api/v1/me/", "beta.localhost", headers=bearer)
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "token_tenant_mismatch"


def test_an_admin_session_from_one_web_host_works_on_the_other(cluster):
    form = get(cluster, "web-a", "/admin/login/", "alpha.localhost")
    assert form.status_code == 200, form.text[:500]
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    login = post(cluster, "web-a", "/admin/login/?next=/admin/", "alpha.localhost",
                 cookies={"csrftoken": form.cookies["csrftoken"]},
                 data={"csrfmiddlewaretoken": csrf, "username": ALPHA_OWNER, "password": PASSWORD})
    assert login.status_code == 302 and "/admin/login/" not in login.headers["Location"], login.text[:500]
    session = {"sessionid": login.cookies[settings.SESSION_COOKIE_NAME]}
    for web in WEBS:
        page = get(cluster, web, "/admin/", "alpha.localhost", cookies=session)
        assert page.status_code == 200, f"{web}: {page.status_code} {page.headers.get('Location')}"
    # host-bound on every host: the session means nothing on beta's
    other = get(cluster, "web-b", "/admin/", "beta.localhost", cookies=session)
    assert other.status_code == 302 and "/admin/login/" in other.headers["Location"]


def test_tasks_run_on_both_workers(cluster):
    from platform_.celery import app

    sent: list[str] = []
    deadline = time.monotonic() + 40
    with app.connection_for_write(url=cluster.redis_url) as broker:
        while time.monotonic() < deadline:
            for _ in range(4):  # a sweep that finds nothing older than 30 years: reads every schema
                sent.append(app.send_task("events.sweep", kwargs={"older_than_seconds": 10**9},
                                          connection=broker).id)
            time.sleep(1.5)
            done = {w: set(succeeded(cluster, w, "events.sweep")) & set(sent) for w in WORKERS}
            if all(done.values()):
                break
    assert all(done.values()), done
    assert set().union(*done.values()) <= set(sent)


def test_web_hosts_reach_postgres_only_through_pgbouncer(cluster, db):
    for web in WEBS:  # database work on both hosts (their connections persist: CONN_MAX_AGE)
        for _ in range(3):
            response = post(cluster, web, "/api/v1/auth/token/", "alpha.localhost",
                            json={"email": ALPHA_OWNER, "password": PASSWORD})
            assert response.status_code == 200, response.text
    # PostgreSQL listens on the data host's loopback: nothing in a namespace can reach it
    port = connection.settings_dict["PORT"]
    probe = (f"import socket; s = socket.socket(); s.settimeout(3); "
             f"print(s.connect_ex(('127.0.0.1', {port})), s.connect_ex(('{cluster.data_address}', {port})))")
    result = cluster.run_in("web-a", [".venv/bin/python", "-c", probe], timeout=30)
    assert result.returncode == 0, result.stderr
    assert all(code != "0" for code in result.stdout.split()), result.stdout

    database = cluster.database
    clients = [c for c in cluster.pgbouncer_admin("SHOW CLIENTS") if c["database"] == database]
    addresses = {c["addr"] for c in clients}
    assert {cluster.address(web) for web in WEBS} <= addresses, addresses
    pools = [p for p in cluster.pgbouncer_admin("SHOW POOLS") if p["database"] == database]
    assert pools and {p["pool_mode"] for p in pools} == {"session"}
    # PgBouncer's server connections are the backends PostgreSQL sees (matched by port)
    servers = {s["local_port"] for s in cluster.pgbouncer_admin("SHOW SERVERS") if s["database"] == database}
    assert servers
    with connection.cursor() as cursor:
        cursor.execute("SELECT client_port FROM pg_stat_activity WHERE datname = %s AND client_addr = '127.0.0.1'",
                       [database])
        backends = {row[0] for row in cursor.fetchall()}
    assert servers <= backends, (servers, backends)
