"""Catalog API: staff manage categories and items (with nested option groups, images and
the sold-out switch) under /api/v1/catalog/manage/; anyone browses active items under
/api/v1/catalog/ in their language. Bad input is a 400 in our error shape, another
workspace's item a 404, and the lists cost the same queries whatever the page size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from apps.catalog.models import Item
from apps.catalog.tests.helpers import MENU_GROUPS, image_bytes, make_item, upload
from tests.plugin import client_for
from tests.workspace import api, make_branch, make_staff

MANAGE = "/api/v1/catalog/manage"
JSON = "application/json"


@pytest.fixture
def owner(db):
    return api("alpha", "owner@alpha.test")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    return body["error"]


# --- Staff ---------------------------------------------------------------------------------------


def test_owner_creates_an_item_with_option_groups(owner):
    category = owner.post(f"{MANAGE}/categories/", {"name": "커피", "translations": {"en": {"name": "Coffee"}}},
                          content_type=JSON)
    assert category.status_code == 201, category.content
    body = {"name": "아메리카노", "price": 4500, "kind": "menu_item", "category": category.json()["id"],
            "translations": {"en": {"name": "Americano"}}, "option_groups": MENU_GROUPS}
    created = owner.post(f"{MANAGE}/items/", body, content_type=JSON)
    assert created.status_code == 201, created.content
    item = created.json()
    assert item["price"] == 4500 and item["currency"] == "KRW" and item["price_display"] == "₩4,500"
    assert item["category_name"] == "커피" and item["sold_out"] is False and item["stock"] is None
    assert [g["name"] for g in item["option_groups"]] == ["Size", "Extras"]
    assert item["option_groups"][0]["min_choices"] == 1
    assert [o["price_delta"] for o in item["option_groups"][0]["options"]] == [0, 500]
    assert AuditEvent.objects.filter(action="catalog.item_created", target_id=str(item["id"]),
                                     actor__email="owner@alpha.test").exists()
    assert owner.get(f"{MANAGE}/items/{item['id']}/").json()["name"] == "아메리카노"


def test_patch_replaces_option_groups_keeping_ids(owner):
    item = owner.post(f"{MANAGE}/items/", {"name": "Latte", "price": 5000, "option_groups": MENU_GROUPS},
                      content_type=JSON).json()
    size = item["option_groups"][0]
    changed = owner.patch(f"{MANAGE}/items/{item['id']}/", {"price": 5500, "option_groups": [
        {"id": size["id"], "name": "Size", "required": True,
         "options": [{"id": size["options"][1]["id"], "name": "Large", "price_delta": 800}]}]}, content_type=JSON)
    assert changed.status_code == 200, changed.content
    groups = changed.json()["option_groups"]
    assert changed.json()["price"] == 5500 and [g["id"] for g in groups] == [size["id"]]
    assert [(o["id"], o["price_delta"]) for o in groups[0]["options"]] == [(size["options"][1]["id"], 800)]
    just_price = owner.patch(f"{MANAGE}/items/{item['id']}/", {"price": 5600}, content_type=JSON)
    assert just_price.json()["option_groups"] == groups  # left out: untouched


@pytest.mark.parametrize("body, code, field", [
    ({"name": "X", "price": -1}, "validation_error", "price"),
    ({"name": "X", "price": "cheap"}, "validation_error", "price"),
    ({"name": "X", "price": 1.5}, "validation_error", "price"),
    ({"name": "X", "price": 10 ** 20}, "validation_error", "price"),
    ({"price": 1000}, "validation_error", "name"),
    ({"name": "X", "price": 1, "kind": "weapon"}, "validation_error", "kind"),
    ({"name": "X", "price": 1, "category": 999999}, "validation_error", "category"),
    ({"name": "X", "price": 1, "stock": -3}, "validation_error", "stock"),
    ({"name": "X", "price": 1, "vat_rate": "150"}, "validation_error", "vat_rate"),
    ({"name": "X", "price": 1, "translations": "Coffee"}, "validation_error", "translations"),
    ({"name": "X", "price": 1, "translations": {"de": {"name": "Kaffee"}}}, "translation_invalid", "translations"),
    ({"name": "X", "price": 1, "branches": [999999]}, "item_branches_invalid", "branches"),
    ({"name": "X", "price": 1, "option_groups": [{"name": "G", "min_choices": 2, "max_choices": 1}]},
     "option_choices_invalid", "option_groups"),
    ({"name": "X", "price": 1, "option_groups": [{"name": "G", "options": [{"price_delta": 1}]}]},
     "validation_error", "option_groups"),
    ({"name": "X", "price": 1, "option_groups": [{"id": 999999, "name": "G"}]}, "option_not_on_item",
     "option_groups"),
])
def test_bad_input_is_a_400_in_our_shape(owner, body, code, field):
    error = error_of(owner.post(f"{MANAGE}/items/", body, content_type=JSON), 400)
    assert error["code"] == code and field in error["details"], error
    assert error["message"]
    with schema_context("alpha"):
        assert not Item.objects.filter(name="X").exists()


def test_korean_error_messages(owner):
    response = owner.post(f"{MANAGE}/items/", {"name": "X", "price": 1, "option_groups": [
        {"name": "G", "required": True, "min_choices": 0}]}, content_type=JSON, HTTP_ACCEPT_LANGUAGE="ko")
    error = error_of(response, 400)
    assert error["code"] == "option_choices_invalid"
    assert any("\uac00" <= ch <= "\ud7a3" for ch in error["message"]), error["message"]


def test_filters_and_search(owner):
    branch = make_branch("alpha", "Mapo")
    other_branch = make_branch("alpha", "Jongno")
    make_item(name="Espresso", kind="menu_item", branches=[branch.pk])
    make_item(name="Piano course", kind="course", is_active=False)
    make_item(name="Cookie", kind="product", stock=0)
    make_item(name="Muffin", kind="product", is_sold_out=True, branches=[other_branch.pk])

    def names(query):
        response = owner.get(f"{MANAGE}/items/?{query}")
        assert response.status_code == 200, response.content
        return sorted(i["name"] for i in response.json()["results"])

    assert names("kind=course") == ["Piano course"]
    assert names("active=false") == ["Piano course"]
    assert names("sold_out=true") == ["Cookie", "Muffin"]
    assert names("sold_out=false") == ["Espresso", "Piano course"]
    assert names(f"branch={branch.pk}") == ["Cookie", "Espresso", "Piano course"]  # no branches: everywhere
    assert names("search=muff") == ["Muffin"]
    assert error_of(owner.get(f"{MANAGE}/items/?active=maybe"), 400)["code"] == "validation_error"
    assert error_of(owner.get(f"{MANAGE}/items/?kind=weapon"), 400)["code"] == "validation_error"
    assert error_of(owner.get(f"{MANAGE}/items/?branch=1.5"), 400)["details"]["branch"]


def test_sold_out_switch_by_kitchen_staff(db):
    make_staff("beta", "cook@beta.test", ["kitchen"])
    item = make_item("beta", name="Kimchi stew")
    cook = api("beta", "cook@beta.test")
    response = cook.post(f"{MANAGE}/items/{item.pk}/sold-out/", {"sold_out": True}, content_type=JSON)
    assert response.status_code == 200, response.content
    assert response.json()["is_sold_out"] is True and response.json()["sold_out"] is True
    assert AuditEvent.objects.filter(action="catalog.item_sold_out", tenant_slug="beta",
                                     actor__email="cook@beta.test").exists()
    assert error_of(cook.post(f"{MANAGE}/items/{item.pk}/sold-out/", {"sold_out": "perhaps"}, content_type=JSON),
                    400)["code"] == "validation_error"
    # The kitchen marks dishes sold out; it does not write the menu.
    assert error_of(cook.post(f"{MANAGE}/items/", {"name": "New", "price": 1}, content_type=JSON),
                    403)["code"] == "permission_denied"
    assert error_of(cook.delete(f"{MANAGE}/items/{item.pk}/"), 403)["code"] == "permission_denied"


def test_teacher_reads_but_does_not_write(db):
    make_staff("alpha", "teacher@alpha.test", ["teacher"])
    item = make_item(name="Piano course", kind="course")
    teacher = api("alpha", "teacher@alpha.test")
    assert teacher.get(f"{MANAGE}/items/{item.pk}/").status_code == 200
    assert error_of(teacher.patch(f"{MANAGE}/items/{item.pk}/", {"price": 1}, content_type=JSON),
                    403)["code"] == "permission_denied"
    assert error_of(teacher.post(f"{MANAGE}/items/{item.pk}/sold-out/", {"sold_out": True}, content_type=JSON),
                    403)["code"] == "permission_denied"


def test_another_workspaces_item_is_not_found(owner):
    beta_item = make_item("beta", name="Beta secret dish")
    with schema_context("alpha"):
        assert not Item.objects.filter(pk=beta_item.pk).exists()
    connection.set_schema_to_public()
    for method, path in [("get", f"{MANAGE}/items/{beta_item.pk}/"), ("patch", f"{MANAGE}/items/{beta_item.pk}/"),
                         ("delete", f"{MANAGE}/items/{beta_item.pk}/"),
                         ("post", f"{MANAGE}/items/{beta_item.pk}/sold-out/"),
                         ("get", f"/api/v1/catalog/items/{beta_item.pk}/")]:
        response = getattr(owner, method)(path, {"sold_out": True, "price": 1}, content_type=JSON) \
            if method != "get" else owner.get(path)
        assert error_of(response, 404)["code"] == "not_found", path
        assert "Beta secret dish" not in response.content.decode()
    with schema_context("beta"):
        assert Item.objects.get(pk=beta_item.pk).is_sold_out is False


def test_category_update_and_delete(owner):
    category = owner.post(f"{MANAGE}/categories/", {"name": "Desserts"}, content_type=JSON).json()
    item = owner.post(f"{MANAGE}/items/", {"name": "Cake", "price": 6000, "category": category["id"]},
                      content_type=JSON).json()
    hidden = owner.patch(f"{MANAGE}/categories/{category['id']}/", {"is_active": False}, content_type=JSON)
    assert hidden.status_code == 200 and hidden.json()["is_active"] is False
    assert owner.get(f"{MANAGE}/categories/?is_active=false").json()["results"][0]["id"] == category["id"]
    assert owner.delete(f"{MANAGE}/categories/{category['id']}/").status_code == 204
    assert owner.get(f"{MANAGE}/items/{item['id']}/").json()["category"] is None
    assert error_of(owner.post(f"{MANAGE}/categories/", {"name": ""}, content_type=JSON),
                    400)["code"] == "validation_error"


def test_images_upload_and_delete(owner, media):
    item = make_item(name="Cake")
    uploaded = owner.post(f"{MANAGE}/items/{item.pk}/images/", {"image": upload(image_bytes("JPEG"), "c.jpg",
                                                                                "image/jpeg"),
                                                                "alt_text": "A slice"})
    assert uploaded.status_code == 201, uploaded.content
    image = uploaded.json()
    assert image["url"].endswith(f"/api/v1/catalog/images/{image['id']}/") and image["alt_text"] == "A slice"
    served = client_for("alpha").get(f"/api/v1/catalog/images/{image['id']}/")
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert b"".join(served.streaming_content) == image_bytes("JPEG")
    refused = owner.post(f"{MANAGE}/items/{item.pk}/images/", {"image": upload(b"GIF89a....", "x.png")})
    assert error_of(refused, 400)["code"] == "image_invalid"
    assert error_of(owner.post(f"{MANAGE}/items/{item.pk}/images/", {}), 400)["details"].get("image")
    assert owner.delete(f"{MANAGE}/items/{item.pk}/images/{image['id']}/").status_code == 204
    assert error_of(owner.delete(f"{MANAGE}/items/{item.pk}/images/{image['id']}/"), 404)["code"] == "not_found"
    assert client_for("alpha").get(f"/api/v1/catalog/images/{image['id']}/").status_code == 404
    assert AuditEvent.objects.filter(action="catalog.image_deleted", target_id=str(image["id"])).exists()


def test_images_of_inactive_items_are_for_staff_only(owner, media):
    item = make_item(name="Secret", is_active=False)
    image = owner.post(f"{MANAGE}/items/{item.pk}/images/", {"image": upload(image_bytes())}).json()
    assert client_for("alpha").get(f"/api/v1/catalog/images/{image['id']}/").status_code == 404
    assert owner.get(f"/api/v1/catalog/images/{image['id']}/").status_code == 200


def test_staff_list_queries_do_not_grow_with_the_page(owner):
    for n in range(50):
        make_item(name=f"Dish {n}", option_groups=MENU_GROUPS)
    owner.get(f"{MANAGE}/items/?page_size=5")  # warm caches (routing, permissions)

    def count(size):
        with CaptureQueriesContext(connection) as queries:
            response = owner.get(f"{MANAGE}/items/?page_size={size}")
        assert response.status_code == 200 and len(response.json()["results"]) == size
        return len(queries)

    assert count(5) == count(50)


# --- Anyone: browsing ----------------------------------------------------------------------------


def test_anonymous_browse_in_the_readers_language(db):
    anonymous = client_for("alpha")
    category = None
    with schema_context("alpha"):
        from apps.catalog.services import category_create

        category = category_create(actor=None, name="커피", translations={"en": {"name": "Coffee"}})
        hidden = category_create(actor=None, name="숨김", is_active=False)
    connection.set_schema_to_public()
    make_item(name="아메리카노", description="진한 커피", category=category, stock=3,
              translations={"en": {"name": "Americano", "description": "Strong coffee"}}, option_groups=MENU_GROUPS)
    make_item(name="비공개", is_active=False)
    make_item(name="품절", is_sold_out=True, category=hidden)

    categories = anonymous.get("/api/v1/catalog/categories/", HTTP_ACCEPT_LANGUAGE="en")
    assert categories.status_code == 200 and [c["name"] for c in categories.json()["results"]] == ["Coffee"]

    english = anonymous.get("/api/v1/catalog/items/", HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    assert [i["name"] for i in english] == ["Americano", "품절"]  # inactive items are never shown
    americano = english[0]
    assert americano["description"] == "Strong coffee" and americano["category_name"] == "Coffee"
    assert americano["price_display"] == "₩4,500" and americano["stock"] == 3 and americano["sold_out"] is False
    size = americano["option_groups"][0]
    assert size["name"] == "Size" and size["options"][1]["price_delta_display"] == "+₩500"
    assert "translations" not in americano and "is_active" not in americano
    assert english[1]["sold_out"] is True and english[1]["stock"] is None  # not counted: not shown

    korean = anonymous.get("/api/v1/catalog/items/?lang=ko", HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    assert korean[0]["name"] == "아메리카노" and korean[0]["option_groups"][0]["name"] == "사이즈"
    assert error_of(anonymous.get("/api/v1/catalog/items/?lang=xx"), 400)["details"]["lang"]

    detail = anonymous.get(f"/api/v1/catalog/items/{americano['id']}/?lang=en")
    assert detail.status_code == 200 and detail.json()["name"] == "Americano"


def test_anonymous_filters(db):
    branch = make_branch("alpha", "Hongdae")
    elsewhere = make_branch("alpha", "Gangnam")
    with schema_context("alpha"):
        from apps.catalog.services import category_create

        drinks = category_create(actor=None, name="Drinks")
    connection.set_schema_to_public()
    make_item(name="Lemonade", category=drinks, branches=[branch.pk],
              translations={"ko": {"name": "레모네이드"}})
    make_item(name="Bagel", kind="product", branches=[elsewhere.pk])
    make_item(name="Soup of the day", kind="menu_item", description="Tomato")
    anonymous = client_for("alpha")

    def names(query):
        response = anonymous.get(f"/api/v1/catalog/items/?{query}")
        assert response.status_code == 200, response.content
        return sorted(i["name"] for i in response.json()["results"])

    assert names(f"category={drinks.pk}") == ["Lemonade"]
    assert names("kind=product") == ["Bagel"]
    assert names(f"branch={branch.pk}") == ["Lemonade", "Soup of the day"]
    assert names("q=tomato") == ["Soup of the day"]
    assert names("q=레모") == ["Lemonade"]  # a translation matches too
    assert error_of(anonymous.get("/api/v1/catalog/items/?branch=abc"), 400)["code"] == "validation_error"
    assert error_of(anonymous.get("/api/v1/catalog/items/?cursor=garbage"), 400)["code"] == "invalid_cursor"


def test_inactive_or_missing_item_is_404(db):
    item = make_item(name="Hidden", is_active=False)
    anonymous = client_for("alpha")
    assert error_of(anonymous.get(f"/api/v1/catalog/items/{item.pk}/"), 404)["code"] == "not_found"
    assert error_of(anonymous.get("/api/v1/catalog/items/999999/"), 404)["code"] == "not_found"
    assert error_of(anonymous.post("/api/v1/catalog/items/", {}, content_type=JSON), 405)


def test_anonymous_list_queries_do_not_depend_on_page_size(db, media):
    from apps.catalog.services import item_image_add

    branch = make_branch("alpha", "Seongsu")
    for n in range(50):
        item = make_item(name=f"Dish {n}", option_groups=MENU_GROUPS, branches=[branch.pk] if n % 2 else [])
        if n % 5 == 0:
            with schema_context("alpha"):
                item_image_add(item=item, actor=None, image=upload(image_bytes()))
    connection.set_schema_to_public()
    anonymous = client_for("alpha")
    anonymous.get("/api/v1/catalog/items/?page_size=5")  # warm the routing cache

    def count(size):
        with CaptureQueriesContext(connection) as queries:
            response = anonymous.get(f"/api/v1/catalog/items/?page_size={size}&lang=en")
        assert response.status_code == 200 and len(response.json()["results"]) == size
        return len(queries)

    assert count(5) == count(50)
    assert count(50) <= 8  # items, option groups, options, branches, images (+ routing / savepoints)
