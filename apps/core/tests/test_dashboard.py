"""The dashboard registry (apps.core.dashboard): a module puts a card, a setup step or a
usage meter on an admin site's home without editing the dashboard; cards follow their
permission and their context; the setup checklist shows the steps a user may take until
all are done; a page view shares reads through `request_memo`."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.db import connection

from apps.core.admin_sites import tenant_admin
from apps.core.dashboard import (
    SETUP_CARD,
    Dashboard,
    dashboard_card,
    dashboard_for,
    request_memo,
    setup_step,
    usage_meter,
)
from tests.admin_pages import tenant_admin_client

TEST_TEMPLATE = "dashboard/tests/card.html"


@pytest.fixture
def fresh_registry(monkeypatch):
    """The tenant admin's registry as registered by the apps, restored after the test."""
    registry = dashboard_for(tenant_admin)
    monkeypatch.setattr(registry, "cards", dict(registry.cards))
    monkeypatch.setattr(registry, "steps", dict(registry.steps))
    monkeypatch.setattr(registry, "meters", dict(registry.meters))
    return registry


@pytest.fixture
def card_template(settings, tmp_path):
    """A template of the test module's own (as a business module ships its card's)."""
    folder = tmp_path / "dashboard" / "tests"
    folder.mkdir(parents=True)
    (folder / "card.html").write_text(
        '<section class="ops-card" id="card-{{ card.key }}"><h2>{{ card.title }}</h2>'
        "<p>{{ card.body }} {{ request.tenant.slug }}</p></section>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    return TEST_TEMPLATE


def _cards(response) -> list[str]:
    return [item["key"] for item in response.context["dashboard_cards"]]


def test_a_card_registered_by_a_module_appears_on_the_tenant_home(tenant_alpha, fresh_registry, card_template):
    """What a business module does in its dashboard.py: today's classes, live orders."""
    dashboard_card(tenant_admin, "academy.today", template=card_template, order=25,
                   context=lambda request: {"key": "today", "title": "Classes today", "body": "3 classes in"})
    dashboard_card(tenant_admin, "academy.quiet", template=card_template, context=lambda request: None)
    dashboard_card(tenant_admin, "academy.secret", template=card_template, context=lambda request: {"key": "x"},
                   permission=lambda request: False)
    response = tenant_admin_client("owner@alpha.test").get("/admin/")
    html = response.content.decode()
    assert 'id="card-today"' in html and "Classes today" in html and "3 classes in alpha" in html
    keys = _cards(response)
    assert "academy.today" in keys
    assert "academy.quiet" not in keys and "academy.secret" not in keys  # nothing to say; not allowed
    orders = [dashboard_for(tenant_admin).cards[key].order for key in keys]
    assert orders == sorted(orders)
    assert 'id="nav-cards"' in html  # the sidebar's sections stay as shortcuts


def test_registering_a_key_again_replaces_it(fresh_registry, card_template):
    dashboard_card(tenant_admin, "academy.today", template=card_template, order=5)
    dashboard_card(tenant_admin, "academy.today", template=card_template, order=7)
    assert dashboard_for(tenant_admin).cards["academy.today"].order == 7
    with pytest.raises(ValueError):
        usage_meter(tenant_admin, "seats", "Seats", used=lambda request: 1, unit="litres")


def test_the_checklist_shows_the_steps_a_user_may_take_until_all_are_done():
    board = Dashboard()
    state = {"a": False, "b": True}
    board.step("a", "Step A", done=lambda request: state["a"], url="/a/", order=2)
    board.step("b", "Step B", done=lambda request: state["b"], url=lambda request: "/b/", order=1)
    board.step("c", "Step C", done=lambda request: False, url="/c/", permission=lambda request: False)
    request = SimpleNamespace()
    card = board.setup_context(request)
    assert [(s["key"], s["done"], s["url"]) for s in card["steps"]] == [("b", True, "/b/"), ("a", False, "/a/")]
    assert (card["done"], card["total"], card["percent"]) == (1, 2, 50)
    state["a"] = True
    assert board.setup_context(request) is None  # all done: the card goes away
    assert [item["key"] for item in board.render(request)] == []
    empty = Dashboard()
    assert empty.setup_context(request) is None and SETUP_CARD in empty.cards


def test_a_page_view_reads_shared_rows_once():
    request, calls = SimpleNamespace(), []
    for _ in range(3):
        assert request_memo(request, "k", lambda: calls.append(1) or 42) == 42
    assert calls == [1]
    assert request_memo(SimpleNamespace(), "k", lambda: 7) == 7  # per request


def test_a_module_adds_a_setup_step_and_a_meter(tenant_alpha, fresh_registry):
    setup_step(tenant_admin, "academy.course", "Add your first course", done=lambda request: False,
               url="/admin/crm/customer/", order=15, description="Classes start here.")
    usage_meter(tenant_admin, "academy.seats", "Seats", used=lambda request: 12, order=50)
    response = tenant_admin_client("owner@alpha.test").get("/admin/")
    html = response.content.decode()
    assert 'data-step="academy.course"' in html and "Classes start here." in html
    assert re.search(r'data-meter="academy.seats" data-used="12"', html)
    connection.set_schema_to_public()
