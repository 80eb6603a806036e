"""The food module's other tenant admin pages over HTTP: each branch's ordering rules saved
through the ordering services (distance bands, a refusal shown on its field, pause and
resume), menu hours through the menu services (hours as people write them), the
kitchen's history limited to the user's branches, the kitchen's dashboard cards with a
query count independent of the day's size."""

from __future__ import annotations

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from apps.food.models import BranchOrdering, MenuPeriod
from tests.admin_pages import change_form_data, tenant_admin_client
from tests.workspace import make_staff

from .conftest import make_branch, make_dish, pay, place

ORDERING = "/admin/food/branchordering/"
MENU = "/admin/food/menuperiod/"


def _actions(prefix: str) -> list[str]:
    with schema_context("beta"):
        return list(AuditEvent.objects.filter(action__startswith=prefix).order_by("pk").values_list("action",
                                                                                                   flat=True))


def test_every_branch_has_its_rules_in_the_list(beta, branch):
    with schema_context("beta"):
        from apps.branches.models import Branch

        bare = Branch.objects.create(name="Mangwon")  # no rules row yet
    page = tenant_admin_client("owner@beta.test", "beta").get(ORDERING)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Seongsu" in html and "Mangwon" in html and "Taking orders" in html
    assert "₩10,000" in html and "₩3,000" in html  # the test branch's minimum and flat fee
    with schema_context("beta"):
        assert BranchOrdering.objects.filter(branch=bare).exists()


def test_rules_are_saved_through_the_service_with_distance_bands(beta, branch):
    client = tenant_admin_client("owner@beta.test", "beta")
    url = f"{ORDERING}{branch.pk}/change/"
    before = len(_actions("food."))
    form = client.get(url)
    assert form.status_code == 200
    data = change_form_data(form, band_0_up_to="1000", band_0_fee="2000", band_1_up_to="3000", band_1_fee="3500",
                            prep_minutes="25")
    saved = client.post(url, data)
    assert saved.status_code == 302, saved.context["adminform"].form.errors if saved.context else saved
    with schema_context("beta"):
        ordering = BranchOrdering.objects.get(branch=branch)
    assert ordering.delivery_bands == [{"up_to_m": 1000, "fee": 2000}, {"up_to_m": 3000, "fee": 3500}]
    assert ordering.prep_minutes == 25
    assert _actions("food.")[before:] == ["food.ordering_changed"]
    again = client.get(url)
    assert again.context["adminform"].form["band_1_fee"].value() == 3500
    assert "By distance (2 bands)" in client.get(ORDERING).content.decode()


def test_a_refusal_of_the_service_shows_on_its_field_and_nothing_changes(beta, branch):
    client = tenant_admin_client("owner@beta.test", "beta")
    url = f"{ORDERING}{branch.pk}/change/"
    before = len(_actions("food."))
    form = client.get(url)
    cases = [
        ({"latitude": "", "longitude": ""}, "latitude"),  # delivery needs the location
        ({"pickup": None, "delivery": None}, "pickup"),  # neither way
        ({"band_0_up_to": "3000", "band_0_fee": "2000", "band_1_up_to": "1000", "band_1_fee": "3000"}, "band_0_up_to"),
        ({"band_0_up_to": "1000"}, "band_0_fee"),
    ]
    for overrides, field in cases:
        response = client.post(url, change_form_data(form, **overrides))
        assert response.status_code == 200, overrides
        errors = response.context["adminform"].form.errors
        assert field in errors, (overrides, errors)
    assert _actions("food.")[before:] == []


def test_pausing_from_the_rules_page_goes_through_the_service(beta, branch):
    client = tenant_admin_client("owner@beta.test", "beta")
    url = f"{ORDERING}{branch.pk}/change/"
    before = len(_actions("food."))
    assert client.post(url, change_form_data(client.get(url), paused="on")).status_code == 302
    with schema_context("beta"):
        ordering = BranchOrdering.objects.get(branch=branch)
    assert ordering.paused and ordering.pause_reason == "manual"
    assert "Paused: Paused by staff" in client.get(ORDERING).content.decode()
    assert client.post(url, change_form_data(client.get(url), paused=None)).status_code == 302
    with schema_context("beta"):
        assert not BranchOrdering.objects.get(branch=branch).paused
    assert _actions("food.")[before:] == ["food.ordering_paused", "food.ordering_resumed"]


def test_a_cook_reads_the_rules_of_their_branch_only(beta, branch):
    other = make_branch("Hannam")
    make_staff("beta", "cook@beta.test", ["kitchen"], branches=[branch])
    client = tenant_admin_client("cook@beta.test", "beta")
    html = client.get(ORDERING).content.decode()
    assert "Seongsu" in html and "Hannam" not in html
    assert client.get(f"{ORDERING}{other.pk}/change/").status_code == 302  # not found: back to the list
    page = client.get(f"{ORDERING}{branch.pk}/change/")
    assert page.status_code == 200 and not page.context["has_change_permission"]


def test_menu_hours_are_written_as_people_write_them(beta, dish):
    client = tenant_admin_client("owner@beta.test", "beta")
    form = client.get(f"{MENU}add/")
    assert form.status_code == 200
    data = change_form_data(form, name="Breakfast", name_ko="아침", hours_mon="7:00 – 10:30", hours_tue="07:00-10:30",
                            hours_sat="08:00-11:00, 17:00-21:00", items=[str(dish.pk)], is_active="on")
    saved = client.post(f"{MENU}add/", data)
    assert saved.status_code == 302, saved.context["adminform"].form.errors if saved.context else saved
    with schema_context("beta"):
        period = MenuPeriod.objects.get(name="Breakfast")
        assert period.hours == {"mon": ["07:00-10:30"], "tue": ["07:00-10:30"], "sat": ["08:00-11:00", "17:00-21:00"]}
        assert list(period.items.values_list("pk", flat=True)) == [dish.pk]
        assert period.translations == {"ko": {"name": "아침"}}
    assert _actions("food.menu_hours") == ["food.menu_hours_saved"]
    listing = client.get(MENU).content.decode()
    assert "Mon–Tue 07:00–10:30 · Sat 08:00–11:00, 17:00–21:00" in listing and "Truffle pasta" in listing
    wrong = client.post(f"{MENU}{period.pk}/change/", {**data, "hours_wed": "10:30-07:00"})
    assert wrong.status_code == 200 and "hours_wed" in wrong.context["adminform"].form.errors
    deleted = client.post(f"{MENU}{period.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302
    with schema_context("beta"):
        assert not MenuPeriod.objects.exists()
    assert _actions("food.menu_hours") == ["food.menu_hours_saved", "food.menu_hours_deleted"]


def test_the_kitchens_history_is_limited_to_the_users_branches(beta, branch, dish):
    other = make_branch("Hannam", pickup=True)
    mine, theirs = place(branch=branch, item=dish), place(branch=other, item=dish)
    pay(mine)
    pay(theirs)
    make_staff("beta", "cook@beta.test", ["kitchen"], branches=[branch])
    cook = tenant_admin_client("cook@beta.test", "beta")
    page = cook.get("/admin/food/ticket/")
    assert page.status_code == 200
    shown = {ticket.order_id for ticket in page.context["cl"].result_list}
    assert shown == {mine.pk}
    assert cook.get(f"/admin/food/ticket/{theirs.pk}/change/").status_code == 302
    assert cook.get(f"/admin/food/ticket/{mine.pk}/change/").status_code == 200
    owner = tenant_admin_client("owner@beta.test", "beta")
    assert {t.order_id for t in owner.get("/admin/food/ticket/?status=placed").context["cl"].result_list} == {
        mine.pk, theirs.pk}
    assert not owner.get("/admin/food/ticket/?status=delivered").context["cl"].result_list


def _dashboard_queries(client) -> tuple[int, str]:
    client.get("/admin/")
    with CaptureQueriesContext(connections["default"]) as queries:
        response = client.get("/admin/")
    return len(queries), response.content.decode()


def test_the_kitchens_cards_on_the_dashboard_cost_the_same_queries_whatever_the_day(beta, branch, dish, owner_beta):
    from apps.food.services.tickets import food_order_step

    client = tenant_admin_client("owner@beta.test", "beta")
    empty, html = _dashboard_queries(client)
    assert 'id="card-food-live"' in html and 'id="card-food-today"' in html and 'id="card-food-sold-out"' in html
    assert "Every dish is on sale." in html
    with schema_context("beta"):
        orders = []
        for _number in range(6):
            order = place(branch=branch, item=dish)
            pay(order)
            orders.append(order)
        for order in orders[:4]:
            food_order_step(order=order, to_status="accepted", actor=owner_beta, details={"ready_in_minutes": 10})
        for order in orders[:2]:
            food_order_step(order=order, to_status="cooking", actor=owner_beta)
            food_order_step(order=order, to_status="ready", actor=owner_beta)
        salad = make_dish("Burrata salad", options=False)
        from apps.catalog.services import item_set_sold_out

        item_set_sold_out(item=salad, sold_out=True, actor=owner_beta)
    busy, html = _dashboard_queries(client)
    assert busy == empty, (empty, busy)
    live = html.split('id="card-food-live"')[1].split("</section>")[0]
    assert 'data-status="placed"' in live and "<strong>2</strong><span>New</span>" in live
    assert "<strong>2</strong><span>Accepted</span>" in live and "<strong>2</strong><span>Ready</span>" in live
    today = html.split('id="card-food-today"')[1].split("</section>")[0]
    assert "₩" in today and "Orders received" in today and "0 min" in today  # accepted and ready at once
    sold_out = html.split('id="card-food-sold-out"')[1].split("</section>")[0]
    assert "Burrata salad" in sold_out


def test_no_kitchen_cards_in_an_academy(db, owner_alpha):
    html = tenant_admin_client("owner@alpha.test", "alpha").get("/admin/").content.decode()
    assert "card-food-live" not in html


@pytest.mark.parametrize("role", ["rider"])
def test_a_rider_sees_the_live_orders_but_no_pages_to_change_rules(beta, branch, role):
    make_staff("beta", f"{role}@beta.test", [role], branches=[branch])
    client = tenant_admin_client(f"{role}@beta.test", "beta")
    assert client.get(ORDERING).status_code == 403
    assert client.get(MENU).status_code == 403
    assert 'id="card-food-live"' in client.get("/admin/").content.decode()
