"""Catalog services: validation refusals with their codes (and nothing written), audit
rows for every write, option groups kept by id on update, sold-out, images, stock,
and names in the reader's language."""

import pytest
from django.db import connection

from apps.audit.models import AuditEvent
from apps.catalog import selectors, services
from apps.catalog.errors import (
    BranchesInvalid,
    ImageInvalid,
    ImageLimitReached,
    ImageTooLarge,
    OptionChoicesInvalid,
    OptionNotOnItem,
    OutOfStock,
    TranslationInvalid,
)
from apps.catalog.models import Category, Item, ItemImage, Option, OptionGroup
from apps.catalog.tests.helpers import MENU_GROUPS, image_bytes, upload
from apps.catalog.translation import localized
from apps.catalog.validation import IMAGE_MAX_BYTES


def events(action):
    return AuditEvent.objects.filter(action=action, tenant_slug="alpha")


def test_category_writes_are_audited(in_alpha, owner_alpha):
    category = services.category_create(actor=owner_alpha, name="커피", translations={"en": {"name": "Coffee"}})
    created = events("catalog.category_created").get(target_id=str(category.pk))
    assert created.actor == owner_alpha and created.changes["name"] == [None, "커피"]
    services.category_update(category=category, actor=owner_alpha, is_active=False)
    assert events("catalog.category_updated").get(target_id=str(category.pk)).changes == {"is_active": [True, False]}
    services.category_update(category=category, actor=owner_alpha, is_active=False)  # nothing changed: no event
    assert events("catalog.category_updated").filter(target_id=str(category.pk)).count() == 1
    item = services.item_create(actor=owner_alpha, name="Latte", price=5000, category=category)
    category_id = category.pk
    services.category_delete(category=category, actor=owner_alpha)
    item.refresh_from_db()
    assert item.category is None  # items stay, without a category
    assert events("catalog.category_deleted").get(target_id=str(category_id)).metadata == {"items": 1}


def test_item_with_option_groups_is_created_and_audited(in_alpha, owner_alpha):
    item = services.item_create(actor=owner_alpha, name="Americano", price=4500, kind="menu_item",
                                option_groups=MENU_GROUPS,
                                translations={"en": {"name": "Americano", "description": "Hot"}})
    groups = list(item.option_groups.order_by("position"))
    assert [g.name for g in groups] == ["Size", "Extras"]
    size, extras = groups
    assert (size.required, size.min_choices, size.max_choices) == (True, 1, 1)  # "required" alone: pick one
    assert (extras.required, extras.min_choices, extras.max_choices) == (False, 0, 2)
    assert [(o.name, o.price_delta, o.position) for o in size.options.all()] == [("Regular", 0, 0), ("Large", 500, 1)]
    event = events("catalog.item_created").get(target_id=str(item.pk))
    assert event.changes["price"] == [None, 4500]
    assert event.changes["option_groups"][1][0] == "Size [1-1, required]: Regular (+0), Large (+500)"


@pytest.mark.parametrize("group, field, message", [
    ({"name": "Size", "min_choices": 3, "max_choices": 2}, "min_choices", "cannot be above the maximum"),
    ({"name": "Size", "required": True, "min_choices": 0}, "min_choices", "required group needs at least one"),
    ({"name": "Size", "max_choices": 0}, "max_choices", "at least one choice"),
])
def test_option_choices_that_do_not_fit_are_refused(in_alpha, owner_alpha, group, field, message):
    with pytest.raises(OptionChoicesInvalid) as refused:
        services.item_create(actor=owner_alpha, name="Bad", price=1000, option_groups=[{**group, "options": []}])
    assert refused.value.code == "option_choices_invalid" and refused.value.status == 400
    assert field in refused.value.details["option_groups"]["0"] and message in str(refused.value.message)
    assert not Item.objects.filter(name="Bad").exists()  # nothing half-written
    assert not events("catalog.item_created").filter(target_repr="Bad").exists()


@pytest.mark.parametrize("translations, message", [
    ({"fr": {"name": "Café"}}, "not one of the languages"),
    ({"en": {"price": "1"}}, "cannot be translated"),
    ({"en": "Coffee"}, "as an object"),
    ({"en": {"name": 5}}, "must be text"),
    ({"en": {"name": "x" * 201}}, "more than 200 characters"),
])
def test_translations_are_checked(in_alpha, owner_alpha, translations, message):
    with pytest.raises(TranslationInvalid) as refused:
        services.item_create(actor=owner_alpha, name="Coffee", price=1000, translations=translations)
    assert refused.value.code == "translation_invalid" and message in str(refused.value.message)
    assert not Item.objects.filter(name="Coffee").exists()


def test_blank_translations_are_dropped(in_alpha, owner_alpha):
    item = services.item_create(actor=owner_alpha, name="Coffee", price=1000,
                                translations={"en": {"name": "  ", "description": ""}, "ko": {"name": " 커피 "}})
    assert item.translations == {"ko": {"name": "커피"}}


def test_branches_must_exist_and_be_open(in_alpha, owner_alpha):
    from apps.branches.models import Branch

    open_branch = Branch.objects.create(name="Gangnam")
    closed = Branch.objects.create(name="Closed", is_active=False)
    with pytest.raises(BranchesInvalid) as refused:
        services.item_create(actor=owner_alpha, name="Coffee", price=1000, branches=[open_branch.pk, 999999])
    assert refused.value.code == "item_branches_invalid" and refused.value.details["unknown"] == [999999]
    with pytest.raises(BranchesInvalid):
        services.item_create(actor=owner_alpha, name="Coffee", price=1000, branches=[closed.pk])
    item = services.item_create(actor=owner_alpha, name="Coffee", price=1000, branches=[open_branch])
    assert selectors.item_offered_at(item, open_branch.pk) and not selectors.item_offered_at(item, closed.pk)
    everywhere = services.item_create(actor=owner_alpha, name="Tea", price=1000)
    assert selectors.item_offered_at(everywhere, closed.pk) and selectors.item_offered_at(everywhere, None)
    # A branch closed later does not block editing the item's other fields.
    Branch.objects.filter(pk=open_branch.pk).update(is_active=False)
    services.item_update(item=item, actor=owner_alpha, price=1200, branches=[open_branch.pk])
    assert item.price == 1200


def test_update_keeps_option_groups_by_id_and_removes_the_rest(in_alpha, owner_alpha):
    item = services.item_create(actor=owner_alpha, name="Americano", price=4500, option_groups=MENU_GROUPS)
    size = item.option_groups.get(name="Size")
    regular, large = size.options.order_by("position")
    services.item_update(item=item, actor=owner_alpha, option_groups=[
        {"id": size.pk, "name": "Cup size", "options": [
            {"id": large.pk, "name": "Large", "price_delta": 700},
            {"name": "Venti", "price_delta": 1200}]},
        {"name": "Temperature", "required": True, "options": [{"name": "Hot"}, {"name": "Iced"}]},
    ])
    groups = list(item.option_groups.order_by("position"))
    assert [g.name for g in groups] == ["Cup size", "Temperature"]
    assert groups[0].pk == size.pk  # kept (order snapshots stay valid, ids are stable)
    assert [(o.pk == large.pk, o.name, o.price_delta) for o in groups[0].options.order_by("position")] == [
        (True, "Large", 700), (False, "Venti", 1200)]
    assert not Option.objects.filter(pk=regular.pk).exists()
    assert not OptionGroup.objects.filter(item=item, name="Extras").exists()
    changes = events("catalog.item_updated").get(target_id=str(item.pk)).changes
    assert "option_groups" in changes and "Cup size" in changes["option_groups"][1][0]


def test_update_naming_a_group_of_another_item_is_refused(in_alpha, owner_alpha):
    item = services.item_create(actor=owner_alpha, name="Americano", price=4500, option_groups=MENU_GROUPS)
    other = services.item_create(actor=owner_alpha, name="Tea", price=3000, option_groups=MENU_GROUPS[:1])
    foreign = other.option_groups.get()
    with pytest.raises(OptionNotOnItem) as refused:
        services.item_update(item=item, actor=owner_alpha, price=1,
                             option_groups=[{"id": foreign.pk, "name": "Stolen"}])
    assert refused.value.code == "option_not_on_item" and refused.value.details == {"option_groups": [foreign.pk]}
    foreign.refresh_from_db()
    assert foreign.name == "Size" and foreign.item_id == other.pk
    item.refresh_from_db()
    assert item.price == 4500 and item.option_groups.count() == 2  # the whole update was rolled back


def test_invalid_options_are_reported_under_their_place(in_alpha, owner_alpha):
    from apps.core.errors import InvalidData

    with pytest.raises(InvalidData) as refused:
        services.item_create(actor=owner_alpha, name="Bad", price=1000, option_groups=[
            MENU_GROUPS[0], {"name": "Extras", "options": [{"name": "Fine"}, {"name": ""}]}])
    assert refused.value.code == "validation_error"
    assert set(refused.value.details["option_groups"]["1"]["options"]["1"]) == {"name"}
    assert not Item.objects.filter(name="Bad").exists()


def test_option_group_services_check_and_audit(in_alpha, owner_alpha):
    item = services.item_create(actor=owner_alpha, name="Pizza", price=15000)
    group = services.option_group_create(item=item, actor=owner_alpha, name="Toppings", max_choices=3,
                                         options=[{"name": "Olives", "price_delta": 1000}])
    assert events("catalog.option_group_created").get(target_id=str(group.pk)).metadata == {"item": item.pk}
    with pytest.raises(OptionChoicesInvalid):
        services.option_group_update(group=group, actor=owner_alpha, min_choices=4)
    group.refresh_from_db()
    assert group.min_choices == 0
    option = services.option_create(group=group, actor=owner_alpha, name="Ham", price_delta=2000)
    services.option_update(option=option, actor=owner_alpha, is_available=False)
    assert events("catalog.option_updated").get(target_id=str(option.pk)).changes == {"is_available": [True, False]}
    option_id, group_id = option.pk, group.pk
    services.option_delete(option=option, actor=owner_alpha)
    services.option_group_delete(group=group, actor=owner_alpha)
    assert events("catalog.option_deleted").filter(target_id=str(option_id)).exists()
    assert events("catalog.option_group_deleted").filter(target_id=str(group_id)).exists()
    assert not OptionGroup.objects.filter(item=item).exists()


def test_sold_out_switch_is_audited_once_per_change(in_alpha, owner_alpha):
    item = services.item_create(actor=owner_alpha, name="Bibimbap", price=9000)
    services.item_set_sold_out(item=item, sold_out=True, actor=owner_alpha)
    services.item_set_sold_out(item=item, sold_out=True, actor=owner_alpha)
    services.item_set_sold_out(item=item, sold_out=False, actor=owner_alpha)
    assert events("catalog.item_sold_out").filter(target_id=str(item.pk)).count() == 1
    assert events("catalog.item_back_on_sale").get(target_id=str(item.pk)).changes == {"is_sold_out": [True, False]}


def test_item_delete_is_audited(in_alpha, owner_alpha):
    item = services.item_create(actor=owner_alpha, name="Gone", price=1000, option_groups=MENU_GROUPS)
    item_id = item.pk
    services.item_delete(item=item, actor=owner_alpha)
    assert not Item.objects.filter(pk=item_id).exists()
    assert events("catalog.item_deleted").get(target_id=str(item_id)).changes["name"] == ["Gone", None]


# --- Images -------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind, extension", [("PNG", "png"), ("JPEG", "jpg"), ("WEBP", "webp")])
def test_images_are_stored_by_their_content(in_alpha, owner_alpha, kind, extension, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    item = services.item_create(actor=owner_alpha, name="Cake", price=6000)
    image = services.item_image_add(item=item, actor=owner_alpha, alt_text="A slice",
                                    image=upload(image_bytes(kind), name="anything.bin",
                                                 content_type="application/octet-stream"))
    assert image.image.name.startswith(f"{connection.schema_name}/catalog/") and image.image.name.endswith(extension)
    assert (tmp_path / image.image.name).exists()
    assert events("catalog.image_added").get(target_id=str(image.pk)).metadata == {"item": item.pk}


def test_image_refusals(in_alpha, owner_alpha, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    item = services.item_create(actor=owner_alpha, name="Cake", price=6000)
    with pytest.raises(ImageInvalid) as refused:  # a script pretending to be a picture
        services.item_image_add(item=item, actor=owner_alpha, image=upload(b"<svg onload=alert(1)>"))
    assert refused.value.code == "image_invalid"
    with pytest.raises(ImageInvalid):  # a GIF is an image, but not one we take
        services.item_image_add(item=item, actor=owner_alpha,
                                image=upload(image_bytes("GIF"), name="a.gif", content_type="image/gif"))
    with pytest.raises(ImageInvalid):  # PNG bytes declared as a JPEG
        services.item_image_add(item=item, actor=owner_alpha, image=upload(image_bytes(), content_type="image/jpeg"))
    with pytest.raises(ImageInvalid):  # a truncated file
        services.item_image_add(item=item, actor=owner_alpha, image=upload(image_bytes("PNG", (64, 64))[:60]))
    big = image_bytes() + b"\0" * IMAGE_MAX_BYTES
    with pytest.raises(ImageTooLarge) as refused:
        services.item_image_add(item=item, actor=owner_alpha, image=upload(big))
    assert refused.value.code == "image_too_large" and refused.value.details["limit"] == IMAGE_MAX_BYTES
    assert not ItemImage.objects.filter(item=item).exists() and not events("catalog.image_added").exists()
    for _ in range(services.MAX_IMAGES):
        services.item_image_add(item=item, actor=owner_alpha, image=upload(image_bytes()))
    with pytest.raises(ImageLimitReached) as refused:
        services.item_image_add(item=item, actor=owner_alpha, image=upload(image_bytes()))
    assert refused.value.status == 409


def test_image_delete_removes_the_file_after_commit(in_alpha, owner_alpha, settings, tmp_path,
                                                    django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = str(tmp_path)
    item = services.item_create(actor=owner_alpha, name="Cake", price=6000)
    image = services.item_image_add(item=item, actor=owner_alpha, image=upload(image_bytes()))
    path, image_id = tmp_path / image.image.name, image.pk
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.item_image_delete(image=image, actor=owner_alpha)
    assert not path.exists() and events("catalog.image_deleted").filter(target_id=str(image_id)).exists()


# --- Stock ---------------------------------------------------------------------------------------


def test_stock_take_and_return(in_alpha, owner_alpha):
    counted = services.item_create(actor=owner_alpha, name="Cheesecake", price=6000, stock=3)
    uncounted = services.item_create(actor=owner_alpha, name="Coffee", price=4000)
    services.stock_take(item_id=counted.pk, quantity=2)
    with pytest.raises(OutOfStock) as refused:
        services.stock_take(item_id=counted.pk, quantity=2)
    assert refused.value.code == "out_of_stock" and refused.value.status == 409
    assert refused.value.details == {"item": counted.pk, "name": "Cheesecake", "left": 1}
    assert "Only 1" in str(refused.value.message)
    services.stock_take(item_id=counted.pk, quantity=1)
    with pytest.raises(OutOfStock) as refused:
        services.stock_take(item_id=counted.pk, quantity=1)
    assert refused.value.details["left"] == 0 and "out of stock" in str(refused.value.message)
    services.stock_return(item_id=counted.pk, quantity=2)
    counted.refresh_from_db()
    assert counted.stock == 2
    services.stock_take(item_id=uncounted.pk, quantity=1000)  # not counted: no limit, nothing stored
    services.stock_return(item_id=uncounted.pk, quantity=5)
    uncounted.refresh_from_db()
    assert uncounted.stock is None


def test_items_for_order_loads_everything_in_fixed_queries(in_alpha, owner_alpha, django_assert_num_queries):
    ids = [services.item_create(actor=owner_alpha, name=f"Dish {n}", price=1000, option_groups=MENU_GROUPS).pk
           for n in range(4)]
    with django_assert_num_queries(4):  # items with their category, option groups, options, branches
        items = selectors.items_for_order(item_ids=[*ids, 999999])
        assert set(items) == set(ids)
        for item in items.values():
            assert [o.name for g in item.option_groups.all() for o in g.options.all()][:2] == ["Regular", "Large"]
            assert selectors.item_offered_at(item, 1)


# --- Languages -----------------------------------------------------------------------------------


def test_localized_picks_the_readers_language(in_alpha):
    category = Category(name="커피", translations={"en": {"name": "Coffee"}})
    assert localized(category, "name", "en") == "Coffee"
    assert localized(category, "name", "en-us") == "Coffee"  # a regional variant reads its language
    assert localized(category, "name", "ko") == "커피"  # no Korean translation: the field itself
    item = Item(name="Latte", description="Milk", translations={"ko": {"name": "라떼"}})
    assert localized(item, "description", "ko") == "Milk"
    from django.utils import translation

    with translation.override("ko"):
        assert localized(item, "name") == "라떼"
