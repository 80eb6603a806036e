"""Fixtures for the whole suite (loaded with `-p tests.plugin`, see pyproject.toml).

The test database is real PostgreSQL. Two tenants, `alpha` (academy) and `beta` (food),
are provisioned once per session and committed, each with an owner; most tests run
inside a transaction that is rolled back. Tests that need committed data (a real Celery
worker, a real browser) create it through `committed` helpers and clean it up
themselves. Never use `transactional_db` here: its flush would wipe the session tenants.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
PASSWORD = "Test-pass-2026!"

TENANTS = {
    "alpha": {"name": "Alpha Academy", "business_type": "academy", "owner_email": "owner@alpha.test"},
    "beta": {"name": "Beta Bistro", "business_type": "food", "owner_email": "owner@beta.test"},
}
HQ_EMAIL = "hq@platform.test"


def host_for(slug: str | None) -> str:
    return settings.BASE_DOMAIN if slug is None else f"{slug}.{settings.BASE_DOMAIN}"


def create_provisioned(**kwargs):
    """`tenant_create` with its provisioning task run in this process (Celery's eager mode)
    rather than on a worker; works inside a test's transaction and on committed data."""
    from django.test import TestCase

    from apps.core.tasks_inline import tasks_in_process
    from apps.tenants.services import tenant_create

    # eager mode must still be on when the captured on-commit callbacks run, on leaving the block
    with tasks_in_process(), TestCase.captureOnCommitCallbacks(execute=True):
        tenant = tenant_create(**kwargs)
    tenant.refresh_from_db()
    return tenant


@pytest.fixture(scope="session", autouse=True)
def platform_seed(django_db_setup, django_db_blocker):
    """Public tenant, HQ groups, an HQ user and the alpha/beta tenants, committed once."""
    from django.contrib.auth.models import Group

    from apps.accounts.hq import HQ_ADMIN
    from apps.accounts.models import User
    from apps.tenants.models import Tenant

    if not connection.settings_dict["NAME"].startswith("test_"):
        pytest.exit("refusing to seed a non-test database", returncode=3)
    with django_db_blocker.unblock():
        call_command("setup_platform", stdout=open(os.devnull, "w"))
        hq = User.objects.create_user(HQ_EMAIL, PASSWORD, is_staff=True, full_name="HQ Admin")
        hq.groups.add(Group.objects.get(name=HQ_ADMIN))
        for slug, spec in TENANTS.items():
            tenant = create_provisioned(slug=slug, **spec)
            assert tenant.status == Tenant.Status.ACTIVE, tenant.provisioning_error
            owner = User.objects.get(email=spec["owner_email"])
            owner.set_password(PASSWORD)
            owner.save()
        connection.set_schema_to_public()


def forget(*patterns: str) -> None:
    """Delete this session's cache keys matching each pattern. One SCAN call covers up to
    10,000 keys: Redis's default of 10 cost every test dozens of round trips per pattern."""
    for pattern in patterns:
        cache.delete_pattern(pattern, itersize=10_000)


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """`with commit():` runs the block's on-commit callbacks as a real commit would: the
    caches' versions bumped (otherwise every read of a scope bumped inside the test's
    transaction bypasses the cache)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture(autouse=True)
def _fresh_routing_cache():
    """Tenant routing is cached in Redis; rolled-back tests must not leave ghosts (a
    rollback bumps no version: new versions for every scope of apps.core.cache)."""
    # login:ip-failures: failed logins per address (apps.accounts.lockout)
    from apps.core.cache import forget_local

    forget("version:*", "tenants:*", "login:ip-failures:*")
    forget_local()
    yield
    connection.set_schema_to_public()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language: a request made with the test client is
    handled in this thread and leaves its language (Korean, say) active, and which test
    ran just before this one depends on how the suite was shared among xdist workers."""
    translation.deactivate()


@pytest.fixture
def tenant_alpha(db):
    from apps.tenants.models import Tenant

    return Tenant.objects.get(slug="alpha")


@pytest.fixture
def tenant_beta(db):
    from apps.tenants.models import Tenant

    return Tenant.objects.get(slug="beta")


@pytest.fixture
def owner_alpha(db):
    from apps.accounts.models import User

    return User.objects.get(email=TENANTS["alpha"]["owner_email"])


@pytest.fixture
def owner_beta(db):
    from apps.accounts.models import User

    return User.objects.get(email=TENANTS["beta"]["owner_email"])


@pytest.fixture
def hq_user(db):
    from apps.accounts.models import User

    return User.objects.get(email=HQ_EMAIL)


def client_for(slug: str | None, **extra) -> Client:
    return Client(HTTP_HOST=host_for(slug), **extra)


@pytest.fixture
def alpha_client(db):
    return client_for("alpha")


@pytest.fixture
def beta_client(db):
    return client_for("beta")


@pytest.fixture
def public_client(db):
    return client_for(None)


def obtain_tokens(slug: str, email: str, password: str = PASSWORD) -> dict:
    response = client_for(slug).post("/api/v1/auth/token/", {"email": email, "password": password},
                                     content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


# --- Committed data, real processes ------------------------------------------------------


def subprocess_database_url() -> str:
    db = settings.DATABASES["default"]
    auth = db.get("USER") or ""
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    return f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def subprocess_env(**extra) -> dict:
    """The environment of a process that must share this test session's (this xdist
    worker's) database, cache prefix and queue. The values are final: the worker id is
    left out so that platform_/settings/test.py does not suffix them again."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("PYTEST_XDIST_")}
    env.update({"DJANGO_SETTINGS_MODULE": "platform_.settings.test", "DATABASE_URL": subprocess_database_url(),
                "REDIS_URL": settings.REDIS_URL, "CELERY_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
                "CACHE_KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"], "PYTHONUNBUFFERED": "1"})
    env.update(extra)
    return env


def artifact_log(stem: str) -> Path:
    """test-artifacts/<stem>.log, or <stem>-gw0.log in a pytest-xdist worker: each worker
    starts its own servers and must not read another's log."""
    ARTIFACTS.mkdir(exist_ok=True)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return ARTIFACTS / (f"{stem}-{worker}.log" if worker else f"{stem}.log")


class Committed:
    """Create committed rows for tests that talk to other processes, and remove them."""

    def __init__(self):
        self.slugs: list[str] = []
        self.emails: list[str] = []

    def tenant_slug(self, slug: str) -> str:
        self.slugs.append(slug)
        return slug

    def email(self, email: str) -> str:
        self.emails.append(email)
        return email

    def cleanup(self):
        from apps.accounts.models import User
        from apps.tenants.models import Tenant

        connection.set_schema_to_public()
        for tenant in Tenant.objects.filter(slug__in=self.slugs):
            _drop_schema(tenant.schema_name)
            tenant.memberships.all().delete()
            tenant.domains.all().delete()
            tenant.delete(force_drop=False)
        User.objects.filter(email__in=self.emails).delete()
        forget("tenants:*")


def _drop_schema(schema: str, attempts: int = 5) -> None:
    """DROP SCHEMA, again after a deadlock: a Celery worker another test started may still
    be reading the schema (dispatching its events) when the test ends, and PostgreSQL then
    picks one of the two to abort."""
    from django.db import OperationalError

    for attempt in range(attempts):
        try:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            return
        except OperationalError:
            if attempt == attempts - 1:
                raise
            time.sleep(1)


@pytest.fixture
def committed(platform_seed, django_db_blocker):
    helper = Committed()
    with django_db_blocker.unblock():
        yield helper
        helper.cleanup()


def _wait_for_port(port: int, process: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process exited early:\n{log.read_text()[-3000:]}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"port {port} did not open:\n{log.read_text()[-3000:]}")


def _stop(process: subprocess.Popen, *, seconds: float) -> None:
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check, what: str, seconds: float = 60):
    """`check()`'s first truthy value, asked every 0.25 s (another process is at work)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def race(count: int, call, *, schema: str = "alpha") -> list:
    """`call(index)` in `count` threads started together, each on its own connection in
    `schema`; each one's result or the exception it raised (the refusals are the point)."""
    import threading

    from django_tenants.utils import schema_context

    results: list = [None] * count
    start = threading.Barrier(count)

    def run(index):
        try:
            with schema_context(schema):
                start.wait(30)
                results[index] = call(index)
        except Exception as exc:  # noqa: BLE001
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,), daemon=True) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not any(thread.is_alive() for thread in threads)
    return results


class WebhookReceiver:
    """tests/webhook_receiver.py running as its own process: it verifies every request
    with the official `standardwebhooks` library and answers as it is told."""

    def __init__(self, port: int):
        self.port = port
        self.url = f"http://127.0.0.1:{port}/hook"

    def control(self, **command):
        response = requests.post(f"http://127.0.0.1:{self.port}/_control", json=command, timeout=5)
        response.raise_for_status()

    def received(self, message_id: str | None = None) -> list[dict]:
        """What it received (only the requests carrying `message_id` when given)."""
        got = requests.get(f"http://127.0.0.1:{self.port}/_control", timeout=5).json()["received"]
        return [r for r in got if message_id is None or r["headers"].get("webhook-id") == message_id]

    def reset(self, secrets=(), **config):
        self.control(**{"reset": True, "clock": None, "secrets": list(secrets), "fail_first": 0, "fail_status": 500,
                        "status": None, "delay": 0, "redirect": None, **config})


@pytest.fixture(scope="session")
def webhook_receiver_process():
    """One receiver process for the session (tests reset it)."""
    port = _free_port()
    log = artifact_log("webhook-receiver")
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, str(ROOT / "tests" / "webhook_receiver.py"), "--port", str(port)],
                                   cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    _wait_for_port(port, process, log, seconds=20)
    yield WebhookReceiver(port)
    _stop(process, seconds=5)


@pytest.fixture(scope="session")
def worker_dns():
    """The local DNS server (tests/dns_double.py) the session's Celery worker resolves with:
    a test publishes the records its domains need there."""
    from tests.dns_double import DnsDouble

    with DnsDouble() as server:
        yield server


@pytest.fixture(scope="session")
def celery_worker_process(platform_seed, live_server_mail, worker_dns):
    """A real Celery worker (solo pool) on the real broker, against the test database; the
    mail it sends goes to files in `live_server_mail` (read_live_mail); it asks `worker_dns`
    for DNS records (custom domains' verification)."""
    from platform_.celery import app

    with app.connection_for_write() as conn:  # drop tasks queued by earlier tests
        for queue in settings.CELERY_TASK_QUEUES:
            conn.default_channel.queue_purge(queue.name)
    log = artifact_log("celery-worker")
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "platform_", "worker", "-P", "solo", "-l", "info",
             "--without-mingle", "--without-gossip",  # every queue (settings.CELERY_TASK_QUEUES)
             "--without-heartbeat", "-n", f"test-{os.getpid()}@%h"],
            cwd=ROOT, env=subprocess_env(EMAIL_URL=f"filemail:///{live_server_mail}",
                                         DNS_RESOLVERS=worker_dns.address, DNS_TIMEOUT_SECONDS="2"),
            stdout=out, stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while "ready." not in log.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"Celery worker did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)
    yield process
    _stop(process, seconds=20)


@pytest.fixture(scope="session")
def live_server_mail(tmp_path_factory) -> Path:
    """Where the live web server writes the mail it sends (one file per message batch)."""
    return tmp_path_factory.mktemp("live-server-mail")


def read_live_mail(folder: Path, to: str) -> list[str]:
    """Bodies of the messages to `to` the live web server wrote to `folder`, oldest first."""
    import email
    from email import policy

    bodies = []
    for path in sorted(folder.iterdir(), key=lambda p: p.stat().st_mtime):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            message = email.message_from_bytes(chunk.strip(), policy=policy.default)
            if to in (message.get("To") or ""):
                bodies.append(message.get_body().get_content())
    return bodies


@pytest.fixture(scope="session")
def live_server_url(platform_seed, live_server_mail):
    """The real web server (runserver, no reload) on a free port, against the test database."""
    port = _free_port()
    log = artifact_log("web")
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", "--insecure", f"127.0.0.1:{port}"],
            cwd=ROOT, env=subprocess_env(EMAIL_URL=f"filemail:///{live_server_mail}"), stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for_port(port, process, log)
        yield f"http://{{host}}:{port}"
    finally:
        _stop(process, seconds=10)


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium driven by Playwright (one per test module)."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django would then refuse
    # ORM calls from browser tests (checking results in the database) as "async".
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not Path(executable).exists():
        pytest.fail(f"Chromium not found at {executable}: run `make tools` (apt-get install chromium).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                  "--no-first-run", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


# --- HQ two-step verification (TOTP, apps.accounts.mfa) ---------------------------------

HQ_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture(scope="session", autouse=True)
def hq_totp_device(platform_seed, django_db_blocker):
    """The session HQ user has an authenticator app (TOTP) with a known secret."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    from apps.accounts.models import User

    with django_db_blocker.unblock():
        hq = User.objects.get(email=HQ_EMAIL)
        if not Authenticator.objects.filter(user=hq, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(hq, HQ_TOTP_SECRET)


def totp_code(secret: str = HQ_TOTP_SECRET) -> str:
    """The current code of an authenticator app. Codes work once per 30 seconds; tests
    log in more often than that, so the record of used codes is forgotten first."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    forget("allauth.mfa.totp.used*")
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def hq_login(client: Client, email: str = HQ_EMAIL, password: str = PASSWORD, secret: str = HQ_TOTP_SECRET):
    """Log into the ops portal: password, then the TOTP step. Returns the MFA response."""
    response = client.post("/admin/login/?next=/admin/", {"username": email, "password": password})
    assert response.status_code == 302 and "/admin/mfa/" in response["Location"], response.content[:500]
    return client.post("/admin/mfa/", {"code": totp_code(secret), "next": "/admin/"})


def hq_client(email: str = HQ_EMAIL, secret: str = HQ_TOTP_SECRET) -> Client:
    client = client_for(None)
    response = hq_login(client, email=email, secret=secret)
    assert response.status_code == 302 and response["Location"] == "/admin/", response.content[:500]
    return client


def browser_hq_login(page, base_url: str, email: str = HQ_EMAIL, secret: str = HQ_TOTP_SECRET) -> None:
    """The same in a real browser: password form, then the code form."""
    page.goto(base_url.format(host=settings.BASE_DOMAIN) + "/admin/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("input[name=code]")
    page.fill("input[name=code]", totp_code(secret))
    page.click("#mfa-form input[type=submit]")
    page.wait_for_selector("#site-name", state="attached")  # in the sidebar, folded away on a phone


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """API rate-limit windows (apps.ratelimit), the flag snapshot (apps.flags) and the
    resolved plan limits (apps.billing) and allauth's rate limits (e.g. one confirmation
    email per address per 3 minutes) live in Redis: every test starts fresh, so that
    suites making many requests from 127.0.0.1 are not throttled and rolled-back rows
    leave no cached ghosts."""
    forget("ratelimit:*", "flags:*", "billing:*", "allauth:*")


# --- One person in two tenants ------------------------------------------------------------

TWO_TENANT_EMAIL = "both@two-tenants.test"


@pytest.fixture
def two_tenant_person(db):
    """A person who is staff with the owner role in alpha and in beta, and a customer of
    beta too. Their membership passes on either host, so only the binding of sessions,
    tokens and API keys to one tenant keeps what they hold for one tenant out of the other."""
    from apps.accounts.models import Membership
    from apps.accounts.services import membership_ensure
    from apps.tenants.models import Tenant
    from tests.workspace import make_staff

    person = make_staff("alpha", TWO_TENANT_EMAIL, ["owner"])
    make_staff("beta", TWO_TENANT_EMAIL, ["owner"])
    membership_ensure(user=person, tenant=Tenant.objects.get(slug="beta"), kind=Membership.Kind.CUSTOMER)
    connection.set_schema_to_public()
    return person


@pytest.fixture
def fetches(monkeypatch) -> list[int]:
    """The size of each fetch from a server-side (named) cursor, in order: proves a
    streamed export reads its rows in chunks."""
    import psycopg

    sizes = []
    fetchmany = psycopg.ServerCursor.fetchmany

    def spy(self, size=0):
        sizes.append(size)
        return fetchmany(self, size)

    monkeypatch.setattr(psycopg.ServerCursor, "fetchmany", spy)
    return sizes
