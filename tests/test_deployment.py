"""Deployment configuration: the compose file is valid, production settings refuse
to start without real secrets."""

import os
import shutil
import subprocess
import sys

import pytest

from apps.accounts.keys import generate_pem
from tests.plugin import ROOT

PROD_ENV = {"SECRET_KEY": "k" * 64, "ALLOWED_HOSTS": "example.com,.example.com",
            "SERVICE_MARKET_WEBHOOK_SECRET": "whsec_bWFya2V0", "BILLING_WEBHOOK_SECRET": "whsec_YmlsbGluZw==",
            "BILLING_ALLOW_SANDBOX": "true",  # staging-like: the sandbox provider is the default
            "PAYMENTS_WEBHOOK_SECRET": "whsec_cGF5bWVudHM=", "PAYMENTS_ALLOW_SANDBOX": "true",
            "WEBHOOKS_ENCRYPTION_KEYS": "cGxhdGZvcm0td2ViaG9va3Mtc2VjcmV0cy1rZXktMDE=",
            "DATABASE_URL": "postgres://app@db:5432/platform", "REDIS_URL": "redis://redis:6379/0",
            "JWT_PRIVATE_KEYS": generate_pem().replace("\n", "\\n")}
SECRETS = ("SECRET_KEY", "ALLOWED_HOSTS", "SERVICE_MARKET_WEBHOOK_SECRET", "BILLING_WEBHOOK_SECRET", "DEBUG",
           "BILLING_PAYMENT_PROVIDER", "BILLING_ALLOW_SANDBOX", "PAYMENTS_WEBHOOK_SECRET", "PAYMENTS_PROVIDER",
           "PAYMENTS_ALLOW_SANDBOX", "WEBHOOKS_ENCRYPTION_KEYS", "DATABASE_URL", "REDIS_URL",
           "DEMO_PASSWORD", "DEMO_TOTP_SECRET", "JWT_PRIVATE_KEYS")


def compose_config(env):
    binary = shutil.which("docker-compose")
    if binary is None:
        pytest.fail("docker-compose is not installed: run `make tools` (apt-get install docker-compose)")
    clean = {k: v for k, v in os.environ.items() if k not in SECRETS}
    return subprocess.run([binary, "-f", "docker/compose.yml", "config"], cwd=ROOT, env={**clean, **env},
                          capture_output=True, text=True)


def test_compose_file_is_valid_and_has_every_service():
    result = compose_config(PROD_ENV)
    assert result.returncode == 0, result.stderr
    for service in ("web:", "worker:", "beat:", "db:", "redis:", "healthcheck:"):
        assert service in result.stdout
    assert result.stdout.count("image: platform:latest") == 4  # one image for web, worker, worker-slow, beat


def test_the_database_keeps_more_than_postgresqls_default_shared_buffers():
    result = compose_config(PROD_ENV)
    assert result.returncode == 0, result.stderr
    assert "shared_buffers=1GB" in result.stdout  # not PostgreSQL's 128MB: the tenants' catalog pages
    result = compose_config({**PROD_ENV, "POSTGRES_SHARED_BUFFERS": "4GB"})
    assert "shared_buffers=4GB" in result.stdout and "shared_buffers=1GB" not in result.stdout


def test_compose_requires_secrets():
    result = compose_config({})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def run_with_prod_settings(env):
    clean = {k: v for k, v in os.environ.items() if k not in SECRETS}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; "
                               "print(settings.DEBUG, settings.ALLOWED_HOSTS, repr(settings.DEMO_PASSWORD), "
                               "repr(settings.DEMO_TOTP_SECRET), settings.DATABASES['default']['HOST'])"],
        cwd=ROOT, env={**clean, "DJANGO_SETTINGS_MODULE": "platform_.settings.prod", **env},
        capture_output=True, text=True,
    )


def test_production_settings_start_with_real_secrets():
    result = run_with_prod_settings(PROD_ENV)
    assert result.returncode == 0, result.stderr
    # Nothing from the development defaults (platform_/settings/local.py) reaches production.
    assert "False ['example.com', '.example.com'] '' '' db" in result.stdout


@pytest.mark.parametrize("missing,override,message", [
    ("SECRET_KEY", {}, "SECRET_KEY"),
    (None, {"SECRET_KEY": "short"}, "SECRET_KEY"),
    ("ALLOWED_HOSTS", {}, "ALLOWED_HOSTS"),
    ("DATABASE_URL", {}, "DATABASE_URL"),
    ("REDIS_URL", {}, "REDIS_URL"),
    ("SERVICE_MARKET_WEBHOOK_SECRET", {}, "SERVICE_MARKET_WEBHOOK_SECRET"),
    ("BILLING_WEBHOOK_SECRET", {}, "BILLING_WEBHOOK_SECRET"),
    ("BILLING_ALLOW_SANDBOX", {}, "BILLING_ALLOW_SANDBOX"),  # the sandbox provider's test cards pay invoices
    (None, {"BILLING_ALLOW_SANDBOX": "false"}, "BILLING_ALLOW_SANDBOX"),
    ("PAYMENTS_WEBHOOK_SECRET", {}, "PAYMENTS_WEBHOOK_SECRET"),
    ("PAYMENTS_ALLOW_SANDBOX", {}, "PAYMENTS_ALLOW_SANDBOX"),  # the sandbox's test cards pay orders
    ("WEBHOOKS_ENCRYPTION_KEYS", {}, "WEBHOOKS_ENCRYPTION_KEYS"),  # stored webhook secrets
    ("JWT_PRIVATE_KEYS", {}, "JWT_PRIVATE_KEYS"),  # the key that signs tokens
])
def test_production_settings_refuse_to_start_without_secrets(missing, override, message):
    env = {k: v for k, v in PROD_ENV.items() if k != missing}
    result = run_with_prod_settings({**env, **override})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_production_settings_start_with_a_real_provider_without_the_sandbox_flag():
    env = {k: v for k, v in PROD_ENV.items() if k != "BILLING_ALLOW_SANDBOX"}
    result = run_with_prod_settings({**env, "BILLING_PAYMENT_PROVIDER": "payments_vendor.Provider"})
    assert result.returncode == 0, result.stderr


def test_every_setting_read_from_the_environment_is_documented():
    import re

    read = set()
    for path in (ROOT / "platform_" / "settings").glob("*.py"):
        read |= set(re.findall(r'env(?:\.\w+)?\(\s*f?"([A-Z][A-Z0-9_]+)"', path.read_text()))
    documented = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read - documented == set(), "document these in .env.example"


def test_production_serves_static_files_itself(tmp_path):
    """The image collects the static files at build time; gunicorn's web process serves
    them (WhiteNoise, before tenant routing: no database needed), with hashed names."""
    script = (
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('collectstatic', '--noinput', verbosity=0); "
        "from django.templatetags.static import static; from django.test import Client; "
        "url = static('food/board.js'); response = Client().get(url, HTTP_HOST='example.com'); "
        "print(url, response.status_code, response.headers.get('Cache-Control'), sep='|')")
    clean = {k: v for k, v in os.environ.items() if k not in SECRETS}
    # hashed names without the build's compression step (the slow part), to keep the suite quick
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, env={
        **clean, "DJANGO_SETTINGS_MODULE": "platform_.settings.prod", **PROD_ENV, "STATIC_ROOT": str(tmp_path),
        "STATICFILES_STORAGE": "whitenoise.storage.ManifestStaticFilesStorage"})
    assert result.returncode == 0, result.stderr[-2000:]
    url, status, cache = result.stdout.strip().splitlines()[-1].split("|")
    assert url.startswith("/static/food/board.") and url.endswith(".js") and url != "/static/food/board.js"
    assert status == "200" and "max-age=315360000" in cache, result.stdout
