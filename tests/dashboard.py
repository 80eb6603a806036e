"""Helpers for tests of the tenant admin's dashboard (apps.core.dashboard): open it as
someone, and read what it shows — its cards, the setup steps' ticks, the meters."""

from __future__ import annotations

import re

from django.db import connection

from tests.admin_pages import tenant_admin_client


def dashboard(email: str = "owner@alpha.test", slug: str = "alpha", client=None):
    """The tenant admin's home as `email` (a new log-in unless `client` is given)."""
    connection.set_schema_to_public()
    response = (client or tenant_admin_client(email, slug)).get("/admin/")
    assert response.status_code == 200
    connection.set_schema_to_public()
    return response


def card_keys(response) -> list[str]:
    return [item["key"] for item in response.context["dashboard_cards"]]


def card(response, key: str) -> dict | None:
    return next((item["card"] for item in response.context["dashboard_cards"] if item["key"] == key), None)


def step_done(response, key: str) -> bool | None:
    """The tick of setup step `key` as drawn (None: the step, or the checklist, is not shown)."""
    found = re.search(rf'data-step="{re.escape(key)}" data-done="(true|false)"', response.content.decode())
    return None if found is None else found.group(1) == "true"


def meter(response, key: str) -> dict | None:
    """A usage meter as drawn: {"used": int, "limit": int | None}."""
    found = re.search(rf'data-meter="{re.escape(key)}" data-used="(\d+)"(?: data-limit="(\d+)")?',
                      response.content.decode())
    if found is None:
        return None
    return {"used": int(found.group(1)), "limit": int(found.group(2)) if found.group(2) else None}
