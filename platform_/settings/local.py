"""Defaults for development and tests only (`dev.py` and `test.py` call `apply()` before
importing `base`): secrets anyone may know, the project-local servers that `make run` /
`make test` start (platform_/localservices.py), demo logins. Production (`prod.py`) never
sees these: there every secret and URL comes from the environment or startup fails.
Values already in the environment (or `.env`) win."""

import os
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def apply() -> None:
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
    # Ports of the project-local servers, as recorded by platform_/localservices.py.
    environ.Env.read_env(BASE_DIR / "var" / "local.env", overwrite=False)
    pg_port = os.environ.get("LOCAL_PG_PORT", "5433")
    redis_port = os.environ.get("LOCAL_REDIS_PORT", "6380")
    defaults = {
        "SECRET_KEY": "dev-insecure-secret-key-change-me-in-production-0123456789",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{pg_port}/platform",
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "SERVICE_MARKET_WEBHOOK_SECRET": "whsec_ZGV2LXNlcnZpY2UtbWFya2V0LXNlY3JldC0wMTIz",
        "BILLING_WEBHOOK_SECRET": "whsec_ZGV2LXBheW1lbnRzLXNhbmRib3gtc2VjcmV0LTAxMjM=",
        "PAYMENTS_WEBHOOK_SECRET": "whsec_ZGV2LW1lcmNoYW50LXBheW1lbnRzLXNhbmRib3gtc2VjcmV0LTAx",
        "DEMO_PASSWORD": "demo-pass-2026",
        "DEMO_TOTP_SECRET": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
    }
    for name, value in defaults.items():
        os.environ.setdefault(name, value)
