"""What customers read of a catalog is answered from the cache until the catalog changes:
a repeated read costs no query, and every kind of write (through the services, the stock
orders take and return, a row saved without them, a branch deleted) is seen by the next
read once it commits. Answers are kept per workspace, address, language and query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from apps.catalog.models import Item
from apps.catalog.tests.helpers import MENU_GROUPS, image_bytes, make_item, upload
from tests.plugin import client_for
from tests.workspace import make_branch

ITEMS = "/api/v1/catalog/items/"


def read(client, path: str = ITEMS, **headers) -> tuple[dict, int]:
    """The answer's body and the database queries it cost."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **headers)
    connection.set_schema_to_public()
    assert response.status_code == 200, response.content
    return response.json(), len(queries)


@pytest.fixture
def menu(db, commit):
    with commit():
        item = make_item(name="아메리카노", stock=3, option_groups=MENU_GROUPS,
                         translations={"en": {"name": "Americano"}})
    return item


def in_alpha(write, commit):
    with commit(), schema_context("alpha"):
        write()
    connection.set_schema_to_public()


def test_a_repeated_read_costs_no_query_and_is_the_same(menu):
    anonymous = client_for("alpha")
    first, first_queries = read(anonymous)
    again, again_queries = read(anonymous)
    assert first_queries >= 2 and again_queries == 0
    assert again == first and [item["id"] for item in first["results"]] == [menu.pk]
    detail = f"{ITEMS}{menu.pk}/"
    assert read(anonymous, detail)[0] == read(anonymous, detail)[0] and read(anonymous, detail)[1] == 0
    assert read(anonymous, "/api/v1/catalog/categories/")[1] >= 1
    assert read(anonymous, "/api/v1/catalog/categories/")[1] == 0


def _price(item_id):
    from apps.catalog.services import item_update

    item_update(item=Item.objects.get(pk=item_id), actor=None, price=5000)


def _sold_out(item_id):
    from apps.catalog.services import item_set_sold_out

    item_set_sold_out(item=Item.objects.get(pk=item_id), sold_out=True, actor=None)


def _stock_taken(item_id):
    from apps.catalog.services import stock_take

    stock_take(item_id=item_id, quantity=3)


def _option(item_id):
    from apps.catalog.services import option_update

    option = Item.objects.get(pk=item_id).option_groups.first().options.first()
    option_update(option=option, actor=None, price_delta=700)


def _category(item_id):
    from apps.catalog.services import category_create, category_update

    category = category_create(actor=None, name="커피")
    Item.objects.filter(pk=item_id).update(category=category)  # no signal: the rename below is seen
    category_update(category=category, actor=None, name="음료")


def _saved_without_services(item_id):
    item = Item.objects.get(pk=item_id)
    item.price = 5000
    item.save()  # a shell or a data fix: apps.catalog.signals


def _deactivated(item_id):
    from apps.catalog.services import item_update

    item_update(item=Item.objects.get(pk=item_id), actor=None, is_active=False)


def _image(item_id):
    from apps.catalog.services import item_image_add

    item_image_add(item=Item.objects.get(pk=item_id), actor=None, image=upload(image_bytes()))


@pytest.mark.parametrize("write, seen", [
    (_price, lambda item: item["price"] == 5000),
    (_sold_out, lambda item: item["sold_out"] is True),
    (_stock_taken, lambda item: item["stock"] == 0 and item["sold_out"] is True),
    (_option, lambda item: item["option_groups"][0]["options"][0]["price_delta"] == 700),
    (_category, lambda item: item["category_name"] == "음료"),
    (_saved_without_services, lambda item: item["price"] == 5000),
    (_deactivated, lambda item: item is None),
    (_image, lambda item: len(item["images"]) == 1),
], ids=["price", "sold-out", "stock", "option", "category", "no-service", "deactivated", "image"])
def test_every_write_is_seen_by_the_next_read(menu, commit, write, seen, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    anonymous = client_for("alpha")
    before, _ = read(anonymous)
    assert read(anonymous)[1] == 0  # kept
    in_alpha(lambda: write(menu.pk), commit)
    after, queries = read(anonymous)
    assert queries >= 1 and after != before
    assert seen(next((item for item in after["results"] if item["id"] == menu.pk), None))


def test_a_stock_returned_and_a_branch_deleted_are_seen(menu, commit):
    from apps.catalog.services import item_update, stock_return

    branch = make_branch("alpha", "Hongdae")
    in_alpha(lambda: item_update(item=Item.objects.get(pk=menu.pk), actor=None, branches=[branch.pk]), commit)
    anonymous = client_for("alpha")
    assert read(anonymous)[0]["results"][0]["branches"] == [branch.pk] and read(anonymous)[1] == 0
    in_alpha(lambda: branch.delete(), commit)
    assert read(anonymous)[0]["results"][0]["branches"] == []
    in_alpha(lambda: stock_return(item_id=menu.pk, quantity=2), commit)
    assert read(anonymous)[0]["results"][0]["stock"] == 5


def test_answers_are_kept_per_language_query_and_workspace(menu, commit):
    with commit():
        make_item("beta", name="비빔밥", translations={"en": {"name": "Bibimbap"}})
    alpha, beta = client_for("alpha"), client_for("beta")
    assert read(alpha, HTTP_ACCEPT_LANGUAGE="en")[0]["results"][0]["name"] == "Americano"
    assert read(alpha, HTTP_ACCEPT_LANGUAGE="ko")[0]["results"][0]["name"] == "아메리카노"
    assert read(alpha, f"{ITEMS}?lang=en")[0]["results"][0]["name"] == "Americano"
    assert read(alpha, f"{ITEMS}?kind=product")[0]["results"] == []
    assert [i["name"] for i in read(beta, HTTP_ACCEPT_LANGUAGE="ko")[0]["results"]] == ["비빔밥"]  # another workspace
    assert read(beta, HTTP_ACCEPT_LANGUAGE="en")[0]["results"][0]["name"] == "Bibimbap"
    assert read(alpha, HTTP_ACCEPT_LANGUAGE="en")[1] == 0 and read(alpha, f"{ITEMS}?kind=product")[1] == 0
    # A search is not kept (its texts are endless); a refused query is never kept either.
    assert read(alpha, f"{ITEMS}?q=아메")[1] >= 1 and read(alpha, f"{ITEMS}?q=아메")[1] >= 1
    for _ in range(2):
        assert alpha.get(f"{ITEMS}?kind=spaceship").status_code == 400


def test_a_write_in_another_workspace_keeps_this_ones_answer(menu, commit):
    alpha = client_for("alpha")
    read(alpha)
    with commit():
        make_item("beta", name="비빔밥")
    assert read(alpha)[1] == 0


def test_nothing_is_kept_when_the_setting_is_zero(menu, settings):
    settings.CATALOG_OPEN_CACHE_SECONDS = 0
    anonymous = client_for("alpha")
    read(anonymous)
    assert read(anonymous)[1] >= 2
