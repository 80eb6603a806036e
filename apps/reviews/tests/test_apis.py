"""Reviews over the API: consumers review their completed orders and list their reviews;
staff list (filters, search, branch scope), read, reply, hide and show again with the
review permissions; anyone reads an item's visible reviews (names masked) and the
ratings. Bad input is our error shape; list query counts do not grow with the page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from apps.reviews.models import Review
from tests.plugin import client_for
from tests.workspace import api, api_key_client, make_branch

from .conftest import make_consumer, make_item, make_order

JSON = "application/json"


@pytest.fixture
def shop(db):
    kim_client, kim = make_consumer("alpha", "kim@reviews.test", "김민수")
    lee_client, lee = make_consumer("alpha", "lee@reviews.test", "Lee Jiwoo")
    soup, tea = make_item("alpha", "Soup"), make_item("alpha", "Tea")
    return {"kim_client": kim_client, "kim": kim, "lee_client": lee_client, "lee": lee, "soup": soup, "tea": tea,
            "owner": api("alpha", "owner@alpha.test")}


def review(client, order, **body):
    return client.post(f"/api/v1/my/orders/{order.pk}/review/", body, content_type=JSON)


def error_code(response) -> str:
    return response.json()["error"]["code"]


def test_a_consumer_reviews_a_completed_order(shop):
    order = make_order("alpha", shop["kim"], [shop["soup"], shop["tea"]])
    response = review(shop["kim_client"], order, rating=5, text="맛있어요")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["rating"] == 5 and body["text"] == "맛있어요" and body["order"] == order.pk
    assert body["order_number"] == order.number and not body["is_hidden"] and body["reply"] == ""
    assert [row["item_name"] for row in body["items"]] == ["Soup", "Tea"]
    event = AuditEvent.objects.get(action="review.created", target_id=str(body["id"]))
    assert event.actor.email == "kim@reviews.test"
    again = review(shop["kim_client"], order, rating=1)
    assert again.status_code == 409 and error_code(again) == "review_exists"
    mine = shop["kim_client"].get("/api/v1/my/reviews/").json()["results"]
    assert [r["id"] for r in mine] == [body["id"]]
    assert shop["lee_client"].get("/api/v1/my/reviews/").json()["results"] == []


@pytest.mark.parametrize("body, field", [({"rating": 0}, "rating"), ({"rating": 6}, "rating"), ({}, "rating"),
                                         ({"rating": "five"}, "rating"), ({"rating": True}, "rating"),
                                         ({"rating": 4.5}, "rating"), ({"rating": 5, "text": "x" * 2001}, "text"),
                                         ({"rating": 5, "text": 5}, "text")])
def test_bad_input_is_a_400_and_writes_nothing(shop, body, field):
    order = make_order("alpha", shop["kim"], [shop["soup"]])
    response = review(shop["kim_client"], order, **body)
    assert response.status_code == 400, response.content
    assert error_code(response) == "validation_error" and field in response.json()["error"]["details"]
    with schema_context("alpha"):
        assert not Review.objects.exists()


def test_orders_not_done_and_other_peoples_orders(shop):
    placed = make_order("alpha", shop["kim"], [shop["soup"]], status="placed")
    response = review(shop["kim_client"], placed, rating=4)
    assert response.status_code == 409 and error_code(response) == "review_order_not_done"
    assert response.json()["error"]["message"]
    theirs = make_order("alpha", shop["lee"], [shop["soup"]])
    response = review(shop["kim_client"], theirs, rating=1)
    assert response.status_code == 404 and error_code(response) == "not_found"
    missing = shop["kim_client"].post("/api/v1/my/orders/999999/review/", {"rating": 1}, content_type=JSON)
    assert missing.status_code == 404
    staff = review(shop["owner"], theirs, rating=5)  # staff, not a customer here
    assert staff.status_code == 403 and error_code(staff) == "not_a_consumer"
    anonymous = client_for("alpha").post(f"/api/v1/my/orders/{theirs.pk}/review/", {"rating": 5}, content_type=JSON)
    assert anonymous.status_code == 401
    with schema_context("alpha"):
        assert not Review.objects.exists()


def test_a_consumer_of_another_workspace_gets_nothing(shop):
    order = make_order("alpha", shop["kim"], [shop["soup"]])
    beta_client, _beta_customer = make_consumer("beta", "kim@reviews.test", "김민수")  # the same person in beta
    cross = client_for("alpha", HTTP_AUTHORIZATION=beta_client.defaults["HTTP_AUTHORIZATION"])
    assert review(cross, order, rating=5).status_code == 401
    assert cross.get("/api/v1/my/reviews/").status_code == 401
    assert review(beta_client, order, rating=5).status_code == 404  # on beta, alpha's order does not exist
    assert review(shop["kim_client"], order, rating=5).status_code == 201
    assert beta_client.get("/api/v1/my/reviews/").json()["results"] == []
    assert client_for("beta").get("/api/v1/catalog/ratings/").json()["workspace"]["count"] == 0
    in_beta = client_for("beta").get(f"/api/v1/catalog/items/{shop['soup'].pk}/reviews/")
    assert in_beta.status_code == 404 or in_beta.json()["results"] == []  # beta's item of that number, if any


def _written(shop, *, kim_rating=5, lee_rating=2, branch=None):
    first = make_order("alpha", shop["kim"], [shop["soup"], shop["tea"]], branch=branch)
    second = make_order("alpha", shop["lee"], [shop["soup"]])
    one = review(shop["kim_client"], first, rating=kim_rating, text="Great soup").json()
    two = review(shop["lee_client"], second, rating=lee_rating, text="Too salty").json()
    return one, two


def test_staff_list_filters_and_search(shop):
    one, two = _written(shop)
    owner = shop["owner"]

    def ids(query=""):
        response = owner.get(f"/api/v1/reviews/{query}")
        assert response.status_code == 200, response.content
        return [r["id"] for r in response.json()["results"]]

    assert ids() == [two["id"], one["id"]]
    assert ids("?rating=5") == [one["id"]]
    assert ids(f"?item={shop['tea'].pk}") == [one["id"]]
    assert ids(f"?item={shop['soup'].pk}") == [two["id"], one["id"]]
    assert ids("?search=salty") == [two["id"]]
    assert ids("?search=김민") == [one["id"]]
    assert ids("?replied=false") == [two["id"], one["id"]] and ids("?replied=true") == []
    created = one["created_at"][:10]
    assert set(ids(f"?date={created}")) == {one["id"], two["id"]} and ids("?date=2001-01-01") == []
    assert ids("?ordering=rating") == [two["id"], one["id"]]
    detail = owner.get(f"/api/v1/reviews/{one['id']}/").json()
    assert detail["customer_name"] == "김민수" and detail["order_number"] and detail["hidden_reason"] == ""
    for bad in ("?rating=x", "?hidden=maybe", "?date=yesterday", "?item=soup"):
        response = owner.get(f"/api/v1/reviews/{bad}")
        assert response.status_code == 400 and error_code(response) == "validation_error", bad
    assert owner.get("/api/v1/reviews/999999/").status_code == 404


def test_reply_hide_and_unhide(shop, owner_alpha):
    one, two = _written(shop)
    owner = shop["owner"]
    replied = owner.post(f"/api/v1/reviews/{one['id']}/reply/", {"text": "Thank you!"}, content_type=JSON)
    assert replied.status_code == 200 and replied.json()["reply"] == "Thank you!"
    assert replied.json()["replied_by"] == owner_alpha.pk
    assert owner.post(f"/api/v1/reviews/{one['id']}/reply/", {"text": ""}, content_type=JSON).status_code == 400
    assert owner.post(f"/api/v1/reviews/{one['id']}/reply/", {"text": "x" * 1001},
                      content_type=JSON).status_code == 400

    no_reason = owner.post(f"/api/v1/reviews/{two['id']}/hide/", {}, content_type=JSON)
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["error"]["details"]
    hidden = owner.post(f"/api/v1/reviews/{two['id']}/hide/", {"reason": "Rude"}, content_type=JSON)
    assert hidden.status_code == 200 and hidden.json()["is_hidden"] and hidden.json()["hidden_reason"] == "Rude"
    again = owner.post(f"/api/v1/reviews/{two['id']}/hide/", {"reason": "Rude"}, content_type=JSON)
    assert again.status_code == 409 and error_code(again) == "review_already_hidden"
    assert [r["id"] for r in owner.get("/api/v1/reviews/?hidden=true").json()["results"]] == [two["id"]]

    public = client_for("alpha")
    ratings = public.get("/api/v1/catalog/ratings/").json()
    assert ratings["workspace"] == {"avg": 5.0, "count": 1}
    assert ratings["items"][str(shop["soup"].pk)] == {"avg": 5.0, "count": 1}
    # the author still sees it, marked hidden
    assert shop["lee_client"].get("/api/v1/my/reviews/").json()["results"][0]["is_hidden"] is True

    shown = owner.post(f"/api/v1/reviews/{two['id']}/unhide/", content_type=JSON)
    assert shown.status_code == 200 and not shown.json()["is_hidden"]
    not_hidden = owner.post(f"/api/v1/reviews/{two['id']}/unhide/", content_type=JSON)
    assert not_hidden.status_code == 409 and error_code(not_hidden) == "review_not_hidden"
    ratings = public.get("/api/v1/catalog/ratings/").json()
    assert ratings["workspace"] == {"avg": 3.5, "count": 2}
    assert ratings["items"] == {str(shop["soup"].pk): {"avg": 3.5, "count": 2},
                                str(shop["tea"].pk): {"avg": 5.0, "count": 1}}
    actions = list(AuditEvent.objects.filter(action__startswith="review.", actor=owner_alpha)
                   .order_by("seq").values_list("action", flat=True))
    assert actions == ["review.replied", "review.hidden", "review.unhidden"]


def test_public_item_reviews(shop):
    one, two = _written(shop)
    shop["owner"].post(f"/api/v1/reviews/{one['id']}/reply/", {"text": "Come again"}, content_type=JSON)
    public = client_for("alpha")
    soup = public.get(f"/api/v1/catalog/items/{shop['soup'].pk}/reviews/")
    assert soup.status_code == 200
    rows = soup.json()["results"]
    assert [(r["author"], r["rating"]) for r in rows] == [("L*** J.", 2), ("김*수", 5)]
    assert rows[1]["reply"] == "Come again" and rows[1]["items"] == ["Soup", "Tea"]
    assert "customer" not in rows[0] and "Lee Jiwoo" not in soup.content.decode()
    shop["owner"].post(f"/api/v1/reviews/{two['id']}/hide/", {"reason": "Spam"}, content_type=JSON)
    rows = public.get(f"/api/v1/catalog/items/{shop['soup'].pk}/reviews/").json()["results"]
    assert [r["id"] for r in rows] == [one["id"]]
    assert public.get("/api/v1/catalog/items/999999/reviews/").status_code == 404
    with schema_context("alpha"):
        type(shop["tea"]).objects.filter(pk=shop["tea"].pk).update(is_active=False)
    connection.set_schema_to_public()
    assert public.get(f"/api/v1/catalog/items/{shop['tea'].pk}/reviews/").status_code == 404
    assert str(shop["tea"].pk) not in public.get("/api/v1/catalog/ratings/").json()["items"]


def test_permissions(shop):
    one, _two = _written(shop)
    nothing, _key = api_key_client("alpha", ["customer:view"])
    assert nothing.get("/api/v1/reviews/").status_code == 403
    assert nothing.get(f"/api/v1/reviews/{one['id']}/").status_code == 403
    viewer, _key = api_key_client("alpha", ["review:view"])
    assert viewer.get("/api/v1/reviews/").status_code == 200
    assert viewer.get(f"/api/v1/reviews/{one['id']}/").status_code == 200
    for action, body in [("reply", {"text": "Hi"}), ("hide", {"reason": "x"}), ("unhide", {})]:
        response = viewer.post(f"/api/v1/reviews/{one['id']}/{action}/", body, content_type=JSON)
        assert response.status_code == 403 and error_code(response) == "permission_denied", action
    changer, _key = api_key_client("alpha", ["review:view", "review:change"])
    assert changer.post(f"/api/v1/reviews/{one['id']}/reply/", {"text": "Hi"}, content_type=JSON).status_code == 200
    assert shop["kim_client"].get("/api/v1/reviews/").status_code == 403  # a consumer is not staff


def test_staff_of_a_branch_see_their_branchs_reviews(shop):
    from django.contrib.auth.models import Permission

    from apps.authz.scopes import Scope
    from apps.rbac.models import Role, RolePermission
    from apps.rbac.services import role_assign
    from tests.workspace import make_staff

    north, south = make_branch("alpha", "North"), make_branch("alpha", "South")
    in_north = review(shop["kim_client"], make_order("alpha", shop["kim"], [shop["soup"]], branch=north), rating=4)
    review(shop["lee_client"], make_order("alpha", shop["lee"], [shop["soup"]], branch=south), rating=3)
    user = make_staff("alpha", "north-reviews@alpha.test", [])
    with schema_context("alpha"):
        role = Role.objects.create(key="review-desk", name="Review desk")
        for perm in Permission.objects.filter(content_type__app_label="reviews"):
            RolePermission.objects.create(role=role, permission=perm, scope=Scope.BRANCH)
        role_assign(user=user, role=role, branches=[north])
    connection.set_schema_to_public()
    staff = api("alpha", "north-reviews@alpha.test")
    listed = staff.get("/api/v1/reviews/").json()["results"]
    assert [r["id"] for r in listed] == [in_north.json()["id"]]


@pytest.mark.parametrize("path", ["/api/v1/reviews/", "/api/v1/my/reviews/", "items", "/api/v1/catalog/ratings/"])
def test_list_query_count_does_not_grow_with_page_size(shop, path):
    customers = []
    for number in range(6):
        _client, customer = make_consumer("alpha", f"many{number}@reviews.test", f"Many {number}")
        customers.append(customer)
    with schema_context("alpha"):
        from apps.reviews import services

        for customer in customers + [shop["kim"]] * 4:
            order = make_order("alpha", customer, [shop["soup"], shop["tea"]])
            connection.set_schema_to_public()
            with schema_context("alpha"):
                services.review_create(order=order, customer=customer, rating=4, text="ok")
    connection.set_schema_to_public()
    client = shop["kim_client"] if path.startswith("/api/v1/my/") else shop["owner"]
    if path == "items":
        client, path = client_for("alpha"), f"/api/v1/catalog/items/{shop['soup'].pk}/reviews/"
    counts = []
    for size in (1, 10):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{path}{'&' if '?' in path else '?'}page_size={size}")
        assert response.status_code == 200, response.content
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
