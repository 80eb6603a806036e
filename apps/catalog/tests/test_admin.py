"""The catalog in the tenant admin: its pages render for the owner (in Korean too), an
item is added with its option groups and translations through the services (audited),
a refusal shows on the field, the option group page edits options, and the sold-out /
hide actions switch many items at once."""

from django.db import connection
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from apps.catalog.models import Category, Item, OptionGroup
from apps.catalog.tests.helpers import MENU_GROUPS, image_bytes, make_item, upload
from tests.admin_pages import change_form_data, offered_actions, run_action, tenant_admin_client, texts
from tests.workspace import make_staff

ITEMS = "/admin/catalog/item/"


def test_owner_sees_every_catalog_page(db):
    item = make_item(name="Americano", option_groups=MENU_GROUPS, stock=0)
    with schema_context("alpha"):
        category = Category.objects.create(name="Coffee")
        group = item.option_groups.first()
    connection.set_schema_to_public()
    client = tenant_admin_client("owner@alpha.test")
    for path in [ITEMS, f"{ITEMS}add/", f"{ITEMS}{item.pk}/change/", "/admin/catalog/category/",
                 "/admin/catalog/category/add/", f"/admin/catalog/category/{category.pk}/change/",
                 f"/admin/catalog/optiongroup/{group.pk}/change/", "/admin/catalog/optiongroup/add/"]:
        response = client.get(path)
        assert response.status_code == 200, path
    page = client.get(ITEMS).content.decode()
    assert "₩4,500" in page  # prices as people read them
    change = client.get(f"{ITEMS}{item.pk}/change/").content.decode()
    assert f"/admin/catalog/optiongroup/{group.pk}/change/" in change  # the way to a group's options
    sidebar = client.get("/admin/").content.decode()
    assert ITEMS in sidebar and "/admin/catalog/category/" in sidebar
    assert "/admin/catalog/optiongroup/" not in sidebar  # reached from the item, not the sidebar


def test_pages_in_korean(db):
    make_item(name="Americano", option_groups=MENU_GROUPS)
    client = tenant_admin_client("owner@alpha.test")
    client.cookies["django_language"] = "ko"
    page = client.get(f"{ITEMS}add/").content.decode()
    for korean in ["가격", "품절", "옵션 그룹", "이름 (영어)"]:
        assert korean in page, korean
    listing = client.get(ITEMS).content.decode()
    assert "품절로 표시" in listing and "판매 재개" in listing
    assert "Mark selected items sold out" not in listing


def test_every_catalog_page_in_korean_shows_labels(db, settings, tmp_path):
    """The rule of tests/test_admin_labels.py (no English UI text, no raw codes) on the
    catalog's pages with data in every list (the demo's catalog may be empty)."""
    from tests.test_admin_labels import report, walk

    settings.MEDIA_ROOT = str(tmp_path)
    item = make_item(name="아메리카노", option_groups=MENU_GROUPS, stock=0,
                     translations={"en": {"name": "Americano"}})
    with schema_context("alpha"):
        from apps.catalog.services import category_create, item_image_add, item_set_sold_out

        category = category_create(actor=None, name="커피")
        item_set_sold_out(item=item, sold_out=True, actor=None)
        item_image_add(item=item, actor=None, image=upload(image_bytes()))
        group = item.option_groups.first()
    connection.set_schema_to_public()
    client = tenant_admin_client("owner@alpha.test")
    client.cookies["django_language"] = "ko"
    paths = [ITEMS, f"{ITEMS}add/", f"{ITEMS}{item.pk}/change/", f"{ITEMS}{item.pk}/history/",
             f"{ITEMS}?sold_out=yes", f"{ITEMS}{item.pk}/delete/", "/admin/catalog/category/",
             "/admin/catalog/category/add/", f"/admin/catalog/category/{category.pk}/change/",
             "/admin/catalog/optiongroup/", "/admin/catalog/optiongroup/add/",
             f"/admin/catalog/optiongroup/{group.pk}/change/"]
    failures = walk(client, paths)
    assert not failures, "Korean catalog pages show English or codes:\n" + report(failures)


def test_add_item_with_option_groups_through_the_service(db):
    client = tenant_admin_client("owner@alpha.test")
    form = client.get(f"{ITEMS}add/")
    data = change_form_data(form, name="김치찌개", price="9000", kind="menu_item", name_en="Kimchi stew",
                            vat_rate="10")
    prefix = next(key.split("-")[0] for key in data if key.endswith("-TOTAL_FORMS") and "option" in key)
    data.update({f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-0-name": "Spice", f"{prefix}-0-name_en": "Spice level",
                 f"{prefix}-0-required": "on", f"{prefix}-0-min_choices": "1", f"{prefix}-0-max_choices": "1",
                 f"{prefix}-0-position": "0"})
    response = client.post(f"{ITEMS}add/", data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    with schema_context("alpha"):
        item = Item.objects.get(name="김치찌개")
        assert item.translations == {"en": {"name": "Kimchi stew"}}
        group = item.option_groups.get()
        assert (group.name, group.required, group.translations) == ("Spice", True, {"en": {"name": "Spice level"}})
    assert AuditEvent.objects.filter(action="catalog.item_created", target_id=str(item.pk),
                                     actor__email="owner@alpha.test").exists()


def test_refusals_show_on_the_fields(db):
    client = tenant_admin_client("owner@alpha.test")
    form = client.get(f"{ITEMS}add/")
    data = change_form_data(form, name="Bad", price="1000", kind="menu_item", vat_rate="10")
    prefix = next(key.split("-")[0] for key in data if key.endswith("-TOTAL_FORMS") and "option" in key)
    data.update({f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-0-name": "Size", f"{prefix}-0-required": "on",
                 f"{prefix}-0-min_choices": "0", f"{prefix}-0-max_choices": "1", f"{prefix}-0-position": "0"})
    response = client.post(f"{ITEMS}add/", data)
    assert response.status_code == 200
    assert "A required group needs at least one choice." in response.content.decode()
    bad_image = change_form_data(form, name="Bad", price="1000", kind="menu_item", vat_rate="10")
    images = next(key.split("-")[0] for key in bad_image if key.endswith("-TOTAL_FORMS") and "image" in key)
    bad_image.update({f"{images}-TOTAL_FORMS": "1", f"{images}-0-image": upload(b"not an image", "x.png"),
                      f"{images}-0-position": "0"})
    response = client.post(f"{ITEMS}add/", bad_image)
    assert response.status_code == 200 and "JPEG, PNG or WebP" in response.content.decode()
    with schema_context("alpha"):
        assert not Item.objects.filter(name="Bad").exists()


def test_edit_item_uploads_an_image_and_keeps_groups(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    item = make_item(name="Cake", option_groups=MENU_GROUPS)
    client = tenant_admin_client("owner@alpha.test")
    form = client.get(f"{ITEMS}{item.pk}/change/")
    data = change_form_data(form, price="6500")
    images = next(key.split("-")[0] for key in data if key.endswith("-TOTAL_FORMS") and "image" in key)
    data.update({f"{images}-TOTAL_FORMS": "1", f"{images}-0-image": upload(image_bytes("WEBP"), "c.webp",
                                                                           "image/webp"),
                 f"{images}-0-alt_text": "Slice", f"{images}-0-position": "0"})
    response = client.post(f"{ITEMS}{item.pk}/change/", data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    with schema_context("alpha"):
        item.refresh_from_db()
        assert item.price == 6500 and item.option_groups.count() == 2
        image = item.images.get()
        assert image.alt_text == "Slice" and image.image.name.endswith(".webp")
    assert AuditEvent.objects.filter(action="catalog.item_updated", target_id=str(item.pk),
                                     changes__price=[4500, 6500]).exists()
    assert AuditEvent.objects.filter(action="catalog.image_added", target_id=str(image.pk)).exists()


def test_option_group_page_edits_options(db):
    item = make_item(name="Pizza", option_groups=MENU_GROUPS[1:])
    with schema_context("alpha"):
        group = item.option_groups.get()
    connection.set_schema_to_public()
    client = tenant_admin_client("owner@alpha.test")
    url = f"/admin/catalog/optiongroup/{group.pk}/change/"
    data = change_form_data(client.get(url), max_choices="3")
    prefix = next(key.split("-")[0] for key in data if key.endswith("-TOTAL_FORMS"))
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    data.update({f"{prefix}-{total - 1}-name": "Truffle", f"{prefix}-{total - 1}-price_delta": "3000",
                 f"{prefix}-{total - 1}-position": "9", f"{prefix}-{total - 1}-is_available": "on"})
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == f"{ITEMS}{item.pk}/change/"
    with schema_context("alpha"):
        group = OptionGroup.objects.get(pk=group.pk)
        assert group.max_choices == 3
        assert [o.name for o in group.options.order_by("position")] == ["Extra shot", "Oat milk", "Truffle"]
    assert AuditEvent.objects.filter(action="catalog.option_group_updated", target_id=str(group.pk)).exists()


def test_sold_out_and_hide_actions(db):
    first, second = make_item(name="Udon"), make_item(name="Soba")
    client = tenant_admin_client("owner@alpha.test")
    assert {"mark_sold_out", "mark_on_sale", "activate", "deactivate"} <= set(offered_actions(client.get(ITEMS)))
    response = run_action(client, ITEMS, "mark_sold_out", [first.pk, second.pk])
    assert "2 items marked sold out." in texts(response)
    run_action(client, ITEMS, "deactivate", [second.pk])
    with schema_context("alpha"):
        assert Item.objects.get(pk=first.pk).is_sold_out and not Item.objects.get(pk=second.pk).is_active
    assert AuditEvent.objects.filter(action="catalog.item_sold_out", target_id=str(first.pk)).exists()
    assert AuditEvent.objects.filter(action="catalog.item_updated", target_id=str(second.pk),
                                     changes__is_active=[True, False]).exists()


def test_teacher_sees_items_without_actions(db):
    make_staff("alpha", "teacher@alpha.test", ["teacher"])
    item = make_item(name="Violin course", kind="course")
    client = tenant_admin_client("teacher@alpha.test")
    assert client.get(ITEMS).status_code == 200
    assert offered_actions(client.get(ITEMS)) == []
    assert client.post(f"{ITEMS}{item.pk}/delete/", {"post": "yes"}).status_code == 403
